"""Assemble the web app: JSON API + embed routes first, then the Gradio chat mounted at ``/``.

    app = create_app(settings)              # loads the pipeline in a background thread
    app = create_app(settings, assistant)   # use an already-built assistant (tests)

``app.state.service`` is the :class:`AssistantService` (readiness, ``wait_ready``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from ..offline import apply_offline_env

apply_offline_env()

import gradio as gr  # noqa: E402  (after the offline environment)
from fastapi import FastAPI, Request  # noqa: E402
from fastapi.responses import HTMLResponse, Response  # noqa: E402
from starlette.middleware.cors import CORSMiddleware  # noqa: E402

from ..errors import SettingsError  # noqa: E402
from ..settings import Settings  # noqa: E402
from .admission import Admission, AdmissionMiddleware, RateLimiter  # noqa: E402
from .api import install_api  # noqa: E402
from .chat_ui import build_chat, chat_css, chat_head  # noqa: E402
from .embed import embed_js, embed_page  # noqa: E402
from .feedback import FeedbackStore  # noqa: E402
from .security import SecurityMiddleware, validate_hosts, validate_origins  # noqa: E402
from .service import AssistantLike, AssistantService, default_factory  # noqa: E402

log = logging.getLogger("assistant.web")

QUEUE_CONCURRENCY = 4  # chat answers computed at once (the pipeline itself is gated by the service)


def create_app(
    settings: Settings,
    assistant: AssistantLike | None = None,
    *,
    factory: Callable[[], AssistantLike] | None = None,
    load_in_background: bool = True,
    service: AssistantService | None = None,
) -> FastAPI:
    """The FastAPI app serving ``/``, ``/api/ask``, ``/healthz``, ``/embed``, ``/embed.js``, ``/docs``."""
    try:
        origins = validate_origins(settings.allowed_origins)
        hosts = validate_hosts(settings.allowed_host_names)
    except ValueError as exc:
        raise SettingsError(str(exc)) from None
    # ``serve`` makes the service first and starts loading it while gradio is still importing
    service = service or AssistantService(
        assistant, factory or default_factory(settings), max_concurrent=settings.pipeline_concurrency
    )
    feedback = FeedbackStore(settings.data_dir / "feedback" / "feedback.jsonl", settings.feedback_enabled)

    app = FastAPI(
        title=settings.assistant_name,
        version="1",
        description=(
            "Answers questions about sciatica and massage therapy from a curated article "
            "corpus, with cited passages. General information, not medical advice."
        ),
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.service = service
    app.state.settings = settings
    app.state.feedback = feedback

    # Gradio adds its own origin-reflecting CORS unless the parent app has a CORSMiddleware.
    # This one allows nothing: SecurityMiddleware (outermost) answers CORS for /api/* itself.
    app.add_middleware(CORSMiddleware, allow_origins=[], allow_credentials=False)
    # the window never shrinks below 4: two answers running (pipeline_concurrency) and two waiting. A generated
    # answer may take up to llm_timeout_s by design, so in that mode the target is at least that long.
    target = settings.api_target_seconds
    if settings.answer_mode == "generative":
        target = max(target, settings.llm_timeout_s)
    app.state.admission = Admission(settings.api_max_in_flight, floor=4, target_s=target)
    app.state.rate_limiter = RateLimiter(settings.rate_limit_per_minute, frozenset(settings.rate_limit_exempt))
    app.add_middleware(AdmissionMiddleware, admission=app.state.admission, limiter=app.state.rate_limiter)
    app.add_middleware(SecurityMiddleware, allowed_origins=origins, allowed_hosts=hosts)

    install_api(app, service, settings)

    @app.get("/embed", include_in_schema=False)
    def embed(request: Request):
        return HTMLResponse(embed_page(settings, str(request.base_url)))

    @app.get("/embed.js", include_in_schema=False)
    def embed_script():
        return Response(
            embed_js(settings), media_type="application/javascript", headers={"Cache-Control": "public, max-age=300"}
        )

    demo = build_chat(settings, service, feedback)
    demo.queue(default_concurrency_limit=QUEUE_CONCURRENCY, max_size=settings.queue_max_size, api_open=False)
    blocked = [str(p) for p in {settings.data_dir.resolve(), settings.corpus_dir.resolve()}]
    app = gr.mount_gradio_app(
        app,
        demo,
        path="/",
        server_name=settings.host,
        server_port=settings.port,
        footer_links=[],
        run_history=False,
        enable_monitoring=False,
        mcp_server=False,
        ssr_mode=False,
        show_error=False,
        max_file_size="16kb",
        pwa=False,
        allowed_paths=[],
        blocked_paths=blocked,
        css=chat_css(settings),
        head=chat_head(),
    )
    if assistant is None and load_in_background:
        service.start_loading()
    return app
