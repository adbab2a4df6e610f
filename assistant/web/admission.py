"""Load shedding for ``/api/ask``: a bounded number of questions in flight, and a per-client rate limit.

Both answer at once instead of queueing: a client that would wait longer than it is willing to (or than a load
balancer's timeout) is better told to come back (503 or 429 with ``Retry-After``) than left hanging. Measured
before this existed: at 1,000 connections 1,307 client timeouts and no 503; under 64 API clients a chat answer
took 7-15 s. The event loop runs these checks, so they need no lock.
"""

from __future__ import annotations

import ipaddress
import math
import time
from dataclasses import dataclass, field

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


@dataclass
class Admission:
    """At most ``limit`` API questions in flight, fewer while answers are slow; the rest are shed.

    The window adapts (additive increase, multiplicative decrease, as TCP does): an answer that took longer than
    ``target_s`` to start shrinks it by a quarter, down to ``floor``; a quick one grows it by ``1/window``, back
    up to ``limit``. By Little's law a question waits about in-flight / answered-per-second, and under a flood
    of refusals the answer rate falls (the event loop takes the cores), so a fixed limit of 32 made the admitted
    questions wait over 2 s at 1,000 connections; the window keeps the wait near ``target_s`` instead.
    Each admitted question also gets a deadline ``target_s`` ahead: one still waiting for a pipeline slot then
    is shed (503) before any work, and counted in ``expired``."""

    limit: int
    floor: int = 1
    target_s: float = 1.0
    in_flight: int = 0
    shed: int = 0
    expired: int = 0
    window: float = 0.0

    def __post_init__(self) -> None:
        self.floor = max(1, min(self.floor, self.limit))
        self.window = float(self.limit)

    def enter(self) -> bool:
        if self.in_flight >= min(self.limit, int(self.window)):
            self.shed += 1
            return False
        self.in_flight += 1
        return True

    def leave(self, seconds: float | None = None) -> None:
        """One admitted question is done; ``seconds`` from admission to the first byte of its reply (None when
        it never started one, e.g. the client went away)."""
        self.in_flight -= 1
        if seconds is None:
            return
        if seconds > self.target_s:
            self.window = max(float(self.floor), self.window * 0.75)
        else:
            self.window = min(float(self.limit), self.window + 1.0 / self.window)

    def counts(self) -> dict[str, int]:
        """What /healthz reports: questions in flight, the window now, and all shed (at the door or expired)."""
        return {"in_flight": self.in_flight, "window": int(self.window), "shed": self.shed + self.expired}


@dataclass
class RateLimiter:
    """A token bucket per client address: ``per_minute`` questions a minute, in bursts of up to ``per_minute``.

    ``exempt`` addresses (the loopback ones by default: benchmarks, health checks and a proxy on the same host
    that does not pass the visitor's address) are never limited. Behind a reverse proxy, run ``serve
    --proxy-headers`` so the client address is the visitor's, not the proxy's."""

    per_minute: int
    exempt: frozenset[str] = frozenset({"127.0.0.1", "::1"})
    max_clients: int = 10_000  # buckets kept; the oldest are forgotten first
    limited: int = 0
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)

    def retry_after(self, client: str | None, now: float | None = None) -> int:
        """0 if this client may ask now (a token is taken), else the seconds until it may."""
        if self.per_minute <= 0 or not client or _normal(client) in self.exempt:
            return 0
        now = time.monotonic() if now is None else now
        rate = self.per_minute / 60.0
        tokens, last = self._buckets.pop(client, (float(self.per_minute), now))
        tokens = min(float(self.per_minute), tokens + (now - last) * rate)
        if tokens >= 1.0:
            self._buckets[client] = (tokens - 1.0, now)
            wait = 0
        else:
            self._buckets[client] = (tokens, now)
            self.limited += 1
            wait = max(1, math.ceil((1.0 - tokens) / rate))
        while len(self._buckets) > self.max_clients:
            self._buckets.pop(next(iter(self._buckets)))
        return wait


def _normal(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    mapped = getattr(ip, "ipv4_mapped", None)
    return str(mapped or ip)


BUSY = "The assistant is busy right now. Please try again in a moment."
RATE_LIMITED = "Too many questions from your address in the last minute. Please wait a moment and ask again."


class AdmissionMiddleware:
    """Sheds ``POST /api/ask`` before any work is done on it (no body read, no validation, no thread): under
    1,000 connections the event loop itself is the bottleneck, so the cheaper a refusal, the sooner every
    client hears back. Sits inside SecurityMiddleware, so Host checks and CORS headers still apply."""

    def __init__(self, app: ASGIApp, admission: Admission, limiter: RateLimiter, path: str = "/api/ask"):
        self.app, self.admission, self.limiter, self.path = app, admission, limiter, path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != self.path or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        wait = self.limiter.retry_after(client[0] if client else None)
        if wait:
            await _refuse(429, RATE_LIMITED, wait, scope, receive, send)
            return
        if not self.admission.enter():
            await _refuse(503, BUSY, 1, scope, receive, send)
            return
        admitted_at = time.monotonic()
        # the question is answered or shed by then (service.ask's slot waits; api.py passes it on)
        scope.setdefault("state", {})["deadline"] = admitted_at + self.admission.target_s
        started: list[float] = []

        async def timed_send(message: Message) -> None:
            if message["type"] == "http.response.start" and not started:
                started.append(time.monotonic() - admitted_at)
            await send(message)

        try:
            await self.app(scope, receive, timed_send)
        finally:
            self.admission.leave(started[0] if started else None)


async def _refuse(status: int, message: str, retry_after: int, scope: Scope, receive: Receive, send: Send) -> None:
    headers = {"Retry-After": str(retry_after), "Cache-Control": "no-store"}
    await JSONResponse({"error": message}, status_code=status, headers=headers)(scope, receive, send)
