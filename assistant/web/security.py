"""HTTP hardening for the whole app, as one pure-ASGI middleware (safe for Gradio's SSE streams).

* Origins: a request carrying an ``Origin`` header that is neither this server nor one of
  ``settings.allowed_origins`` is refused with 403 (so another site's scripts cannot drive the
  chat or the API from a visitor's browser). Server-side clients send no ``Origin`` and pass.
* CORS: only ``/api/*`` and ``/healthz`` answer cross-origin, and only to allowed origins.
* Framing: ``Content-Security-Policy: frame-ancestors 'self' <allowed origins>`` on every
  response, plus a strict same-origin CSP (no request to any other host), ``nosniff``,
  ``Referrer-Policy: no-referrer`` and a closed ``Permissions-Policy``.
* Gradio routes that serve or accept files (and monitoring, run history, MCP, vibe editing)
  answer 404: the chat needs none of them.
* Host header: a request naming a host the server does not answer to is refused with 400 (a
  defence against DNS rebinding, where another site's name resolves to this machine). The names
  come from ``settings.allowed_host_names``: by default the loopback names on a loopback bind.
* Request bodies are capped (413) before any handler reads them; a body sent without a length
  (chunked) is read up to the cap in here, so an over-long one is a 413 too, never a parse error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Gradio routes the chat never needs: file access, uploads, proxying, streaming media,
# monitoring, run history, MCP, dev/vibe editing, profiling, login pages.
BLOCKED_PREFIXES: tuple[str, ...] = (
    "/gradio_api/file=",
    "/gradio_api/file/",
    "/file=",
    "/file/",
    "/gradio_api/upload",
    "/upload",
    "/gradio_api/proxy=",
    "/proxy=",
    "/gradio_api/stream/",
    "/gradio_api/process_recording",
    "/gradio_api/runs",
    "/gradio_api/run-history",
    "/gradio_api/mcp",
    "/gradio_api/dev/",
    "/gradio_api/profiling",
    "/gradio_api/vibe",
    "/gradio_api/undo-vibe",
    "/monitoring",
    "/login",
    "/logout",
    "/gradio_api/custom_component/",
)

CORS_PREFIXES: tuple[str, ...] = ("/api/", "/healthz")

API_BODY_LIMIT = 64 * 1024  # bytes, for /api/* (documented in the OpenAPI schema)
BODY_LIMIT = 256 * 1024  # bytes, for everything else (the chat's own requests)
DRAIN_LIMIT = 16 * 1024 * 1024  # an over-long body is read and dropped up to this, so the client sees the 413

_ORIGIN_RE = re.compile(r"^https?://[A-Za-z0-9.\-\[\]:]+$")


def normalise_origin(origin: str) -> str:
    """``https://Example.org:443/`` -> ``https://example.org`` (default ports dropped)."""
    try:
        parts = urlsplit(origin.strip())
        scheme = (parts.scheme or "").lower()
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:  # e.g. a port that is not a number: matches nothing
        return origin.strip().lower()
    if not scheme or not host:
        return origin.strip().lower()
    if port is None or (scheme, port) in (("http", 80), ("https", 443)):
        netloc = f"[{host}]" if ":" in host else host
    else:
        netloc = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return f"{scheme}://{netloc}"


def validate_origins(origins: Iterable[str]) -> tuple[str, ...]:
    """Normalised allowed origins; raises ValueError for one that is not ``scheme://host[:port]``."""
    out: list[str] = []
    for origin in origins:
        origin = origin.strip().rstrip("/")
        if not origin:
            continue
        if origin == "*" or not _ORIGIN_RE.match(origin):
            raise ValueError(f"allowed origin {origin!r} must look like https://clinic.example")
        out.append(normalise_origin(origin))
    return tuple(dict.fromkeys(out))


def split_host(value: str) -> tuple[str, int | None]:
    """``"[::1]:7860"`` -> ``("::1", 7860)``, ``"Example.org."`` -> ``("example.org", None)``.

    Raises ValueError for a value that is not a host with an optional numeric port.
    """
    value = value.strip().lower()
    port_text = ""
    if value.startswith("["):
        host, sep, rest = value[1:].partition("]")
        if not sep or (rest and not rest.startswith(":")):
            raise ValueError(value)
        port_text = rest[1:] if rest else ""
    elif value.count(":") > 1:  # a bare IPv6 address (as in a setting): no port
        host = value
    else:
        host, _, port_text = value.partition(":")
    host = host.rstrip(".")
    if not host or not _HOST_RE.match(host):
        raise ValueError(value)
    if port_text:
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise ValueError(value)
        return host, int(port_text)
    if value.endswith(":"):
        raise ValueError(value)
    return host, None


_HOST_RE = re.compile(r"^[a-z0-9._\-:*]+$")


def validate_hosts(hosts: Iterable[str]) -> tuple[str, ...]:
    """Allowed Host names as given (lower-cased); raises ValueError for one that is not ``name[:port]``."""
    out: list[str] = []
    for entry in hosts:
        entry = entry.strip().lower()
        if not entry:
            continue
        if entry != "*":
            try:
                host, _ = split_host(entry)
            except ValueError:
                message = f"allowed host {entry!r} must look like clinic.example or clinic.example:8443"
                raise ValueError(message) from None
            if "*" in host and not (host.startswith("*.") and "*" not in host[2:]):
                raise ValueError(f"allowed host {entry!r}: a wildcard may only open the name, as in *.clinic.example")
        out.append(entry)
    return tuple(dict.fromkeys(out))


def host_allowed(value: str | None, allowed: Iterable[str]) -> bool:
    """Whether a request's Host header names one of ``allowed`` (see ``validate_hosts``)."""
    allowed = tuple(allowed)
    if "*" in allowed:
        return True
    if not value:
        return False
    try:
        host, port = split_host(value)
    except ValueError:
        return False
    if "*" in host:
        return False
    for entry in allowed:
        name, want_port = split_host(entry)
        if want_port is not None and want_port != port:
            continue
        if name.startswith("*."):
            if host.endswith(name[1:]):
                return True
        elif host == name:
            return True
    return False


def content_security_policy(allowed_origins: Iterable[str]) -> str:
    ancestors = " ".join(["'self'", *allowed_origins])
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self' 'unsafe-inline'",  # Gradio's page bootstraps with inline scripts
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "media-src 'self' blob:",
            "connect-src 'self'",
            "worker-src 'self' blob:",
            "frame-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            f"frame-ancestors {ancestors}",
        ]
    )


def _host_origin(scope: Scope, headers: Headers) -> str:
    host = headers.get("host", "")
    scheme = scope.get("scheme", "http")
    return normalise_origin(f"{scheme}://{host}") if host else ""


def _netloc(origin: str) -> str:
    try:
        parts = urlsplit(origin)
        host = (parts.hostname or "").lower()
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return ""
    return f"{host}:{port}" if host else ""


async def _send_json(send: Send, status: int, payload: dict, extra: Iterable[tuple[bytes, bytes]] = ()) -> None:
    body = json.dumps(payload).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),
        *extra,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class SecurityMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        allowed_origins: Iterable[str] = (),
        api_body_limit: int = API_BODY_LIMIT,
        body_limit: int = BODY_LIMIT,
        allowed_hosts: Iterable[str] = ("*",),
    ):
        self.app = app
        self.allowed = frozenset(validate_origins(allowed_origins))
        self.allowed_hosts = validate_hosts(allowed_hosts)
        self.api_body_limit = api_body_limit
        self.body_limit = body_limit
        self.csp = content_security_policy(sorted(self.allowed)).encode()
        self.static_headers: list[tuple[bytes, bytes]] = [
            (b"content-security-policy", self.csp),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
            (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
        ]
        if not self.allowed:
            self.static_headers.append((b"x-frame-options", b"SAMEORIGIN"))

    def origin_allowed(self, origin: str, scope: Scope, headers: Headers) -> bool:
        norm = normalise_origin(origin)
        if norm in self.allowed:
            return True
        own = _host_origin(scope, headers)
        # Same origin (compared by host and port, so a TLS-terminating proxy still matches).
        mine = _netloc(own) if own else ""
        return bool(mine) and norm != "null" and _netloc(norm) == mine

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        headers = Headers(scope=scope)
        method = scope.get("method", "GET")

        if not host_allowed(headers.get("host"), self.allowed_hosts):
            await _send_json(
                send, 400, {"error": "This server does not answer to that host name."}, self.static_headers
            )
            return

        if path.startswith(BLOCKED_PREFIXES):
            await _send_json(send, 404, {"error": "Not found."}, self.static_headers)
            return

        origin = headers.get("origin")
        is_cors_path = path.startswith(CORS_PREFIXES)
        cors_headers: list[tuple[bytes, bytes]] = []
        if origin is not None:
            if not self.origin_allowed(origin, scope, headers):
                await _send_json(
                    send, 403, {"error": "This website is not allowed to use the assistant."}, self.static_headers
                )
                return
            if is_cors_path and normalise_origin(origin) in self.allowed:
                cors_headers = [(b"access-control-allow-origin", origin.encode("latin-1")), (b"vary", b"Origin")]
                if method == "OPTIONS" and "access-control-request-method" in headers:
                    await send(
                        {
                            "type": "http.response.start",
                            "status": 204,
                            "headers": [
                                *cors_headers,
                                *self.static_headers,
                                (b"access-control-allow-methods", b"GET, POST, OPTIONS"),
                                (b"access-control-allow-headers", b"content-type"),
                                (b"access-control-max-age", b"600"),
                            ],
                        }
                    )
                    await send({"type": "http.response.body", "body": b""})
                    return

        limit = self.api_body_limit if path.startswith("/api/") else self.body_limit
        extra = [*cors_headers, *self.static_headers]
        length = headers.get("content-length")
        if length is not None:
            try:
                size: int | None = int(length)
            except ValueError:
                size = None
            if size is None or size > limit:
                if size is not None and size <= DRAIN_LIMIT:
                    await _drain(receive)
                await _send_json(send, 413, {"error": too_large_message(limit)}, extra)
                return
        elif "chunked" in headers.get("transfer-encoding", "").lower():
            buffered = await _read_capped(receive, limit)
            if buffered is None:
                await _send_json(send, 413, {"error": too_large_message(limit)}, extra)
                return
            receive = _replay(buffered, receive)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                existing = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *[(k, v) for k, v in extra if k not in existing]]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def too_large_message(limit: int) -> str:
    return f"The request body is too large: the limit is {limit // 1024} KiB ({limit:,} bytes)."


async def _drain(receive: Receive, budget: int = DRAIN_LIMIT) -> None:
    """Read and drop the rest of a request body (so the client gets the answer instead of a reset)."""
    seen = 0
    while seen <= budget:
        message = await receive()
        if message["type"] != "http.request":
            return
        seen += len(message.get("body", b""))
        if not message.get("more_body", False):
            return


async def _read_capped(receive: Receive, limit: int) -> list[Message] | None:
    """The body's messages, or None once it passes ``limit`` bytes (the rest is then drained)."""
    messages: list[Message] = []
    seen = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages
        seen += len(message.get("body", b""))
        if seen > limit:
            if message.get("more_body", False):
                await _drain(receive)
            return None
        if not message.get("more_body", False):
            return messages


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """A receive channel that hands out the buffered messages first, then reads on."""
    pending = list(messages)

    async def replayed() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replayed
