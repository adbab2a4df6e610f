"""``sciatica-assistant serve``: run the web app with uvicorn (wired into the CLI by cli.py).

Imports nothing heavy at module level, so registering the subcommand costs nothing.
"""

from __future__ import annotations

import argparse
import gc
import logging
import sys
import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported for the annotations only: importing this module stays cheap
    from ..settings import Settings


def register(subparsers) -> None:
    p = subparsers.add_parser("serve", help="serve the chat, the JSON API and the embed page over HTTP")
    p.add_argument("--host", help="interface to listen on (default: settings.host, 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default: settings.port, 7860)")
    p.add_argument(
        "--access-log",
        action="store_true",
        help="log each request line (paths and client addresses; never question text)",
    )
    p.add_argument("--proxy-headers", action="store_true", help="trust X-Forwarded-* from a reverse proxy on this host")
    p.set_defaults(func=run)


def _warm_imports(settings: Settings) -> None:
    """Import the answering stack (the model runtime, Chroma) while the main thread imports gradio."""
    from ..offline import apply_offline_env

    apply_offline_env()
    from ..embeddings import import_runtime
    from ..store import import_client

    import_runtime(settings.embedder)
    import_client(settings)


class _StartUp:
    """The garbage collector is off while ``serve`` starts: the imports and the app allocate only long-lived objects,
    and collecting them took 0.28 s of gradio's 1.78 s import here. When both the app (main thread) and the
    assistant (loader thread) are done, what was loaded is frozen out of future full collections (they stalled
    /healthz by about 100 ms under load; README "Under load") and the collector is switched back on."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting = 2
        self._freeze = False

    def begin(self) -> None:
        gc.disable()

    def done(self, *, loaded: bool = False) -> None:
        with self._lock:
            self._freeze |= loaded
            self._waiting -= 1
            if self._waiting:
                return
        if self._freeze:
            gc.collect()
            gc.freeze()
        gc.enable()


def run(args: argparse.Namespace, settings: Settings) -> int:
    t0 = time.monotonic()
    startup = _StartUp()
    startup.begin()
    overrides = {}
    if args.host:
        overrides["host"] = args.host
    if args.port:
        overrides["port"] = args.port
    if overrides:
        settings = settings.with_overrides(**overrides)

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Start importing the model stack while the main thread imports gradio (~2 s): imports spend much of
    # their time in disk reads and C extension set-up, so the two overlap usefully.
    warm = threading.Thread(target=_warm_imports, args=(settings,), name="import-warmer", daemon=True)
    warm.start()
    from .service import AssistantService, default_factory  # no gradio

    service = AssistantService(None, default_factory(settings), max_concurrent=settings.pipeline_concurrency)

    # the model and index load once the warm-up imports are done, while gradio is still importing; the server
    # listens as soon as the app is built (/healthz: 503 until the assistant is ready)
    def load_after_warm() -> None:
        loaded = False
        try:
            warm.join()
            service.start_loading()
            loaded = service.wait_ready()  # everything loaded now lives as long as the process
        finally:
            startup.done(loaded=loaded)

    threading.Thread(target=load_after_warm, name="load-after-warm", daemon=True).start()
    import uvicorn

    from .app import create_app  # imports gradio (~3 s)

    try:
        app = create_app(settings, load_in_background=False, service=service)
    finally:
        startup.done()
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level="info",
        access_log=bool(args.access_log),
        proxy_headers=bool(args.proxy_headers),
        forwarded_allow_ips="127.0.0.1" if args.proxy_headers else None,
        server_header=False,
        # asyncio's own loop, not uvloop (uvicorn's default when installed): under 1,000 connections uvloop
        # kept new connections waiting up to 5 s for their first reply even with a trivial app (h2load: first
        # byte max 4.99 s against 72 ms on asyncio's loop); README "Under load"
        loop="asyncio",
        workers=1,
        timeout_graceful_shutdown=5,
    )
    config.load()  # import uvicorn's protocol modules
    url = f"http://{settings.host}:{settings.port}/"
    print(
        f"{settings.assistant_name}: starting on {url} after {time.monotonic() - t0:.1f} s "
        "(the model and index load in the background; /healthz says when ready)",
        file=sys.stderr,
    )
    server = uvicorn.Server(config)
    server.run()
    return 0
