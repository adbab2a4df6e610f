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
* Request bodies are capped (413) before any handler reads them.
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


async def _send_json(send: Send, status: int, payload: dict, extra: list[tuple[bytes, bytes]] = ()) -> None:
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
        api_body_limit: int = 64 * 1024,
        body_limit: int = 256 * 1024,
    ):
        self.app = app
        self.allowed = frozenset(validate_origins(allowed_origins))
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
        if method in ("POST", "PUT", "PATCH"):
            length = headers.get("content-length")
            if length is not None:
                try:
                    too_big = int(length) > limit
                except ValueError:
                    too_big = True
                if too_big:
                    await _send_json(
                        send,
                        413,
                        {"error": f"The request is too large (limit {limit} bytes)."},
                        [*cors_headers, *self.static_headers],
                    )
                    return
            else:
                receive = _capped_receive(receive, limit)

        extra = [*cors_headers, *self.static_headers]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                existing = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *[(k, v) for k, v in extra if k not in existing]]
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except _BodyTooLarge:
            await _send_json(send, 413, {"error": f"The request is too large (limit {limit} bytes)."}, extra)


class _BodyTooLarge(Exception):
    pass


def _capped_receive(receive: Receive, limit: int) -> Receive:
    seen = 0

    async def wrapped() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _BodyTooLarge()
        return message

    return wrapped
