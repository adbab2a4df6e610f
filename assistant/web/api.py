"""JSON routes: ``POST /api/ask``, ``GET /healthz``, ``/openapi.json`` and a self-hosted ``/docs``.

Every error is ``{"error": "<one sentence>"}`` with a 4xx/5xx status; never a stack trace.
"""

from __future__ import annotations

import functools
import json
import logging
import platform
import time
from importlib import metadata
from collections.abc import AsyncIterator
from typing import Literal

import anyio
import anyio.to_thread
from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from ..inputs import HISTORY_CONTENT_FACTOR
from ..schema import Answer
from ..settings import Settings
from ..stream import StreamEvent
from ..text import has_control_chars
from .render import escape_html
from .security import API_BODY_LIMIT
from .admission import Admission, RateLimiter
from .service import (
    INTERNAL_MESSAGE,
    AssistantService,
    Expired,
    failure,
    has_lone_surrogate,
)

log = logging.getLogger("assistant.web")

MAX_HISTORY_MESSAGES = 40  # messages in ``history`` (the pipeline reads the last max_history_turns turns)

# What ``inputs.has_control_chars`` refuses (C0/C1 controls other than tab, newline and carriage return, and the
# replacement character), written so that JSON Schema validators (ECMA-262, or Rust's regex in schemathesis) and
# Python's ``re`` read it the same way. Lone UTF-16 surrogates are refused too (400), but no pattern can name them:
# they are not Unicode text, which a JSON Schema string is by definition; the descriptions say so.
_REFUSED = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd"
# Characters ``str.strip`` removes (other than those refused anyway): a question must have one character besides.
_SPACES = "".join(f"\\u{code:04x}" for code in range(0x20, 0x3001) if chr(code).isspace() and code != 0x85)
TEXT_PATTERN = rf"^[^{_REFUSED}]*$"
QUESTION_PATTERN = rf"^[^{_REFUSED}]*[^{_REFUSED}\t\n\r{_SPACES}][^{_REFUSED}]*$"

SURROGATE_MESSAGE = (
    "{subject} contains an invalid character (a lone UTF-16 surrogate, which is not text); please send it as "
    "plain UTF-8 text."
)
CONTROL_MESSAGE = "{subject} contains control characters or binary data; please type it as plain text."


# ---- schema (documentation and validation) ------------------------------------------------


def request_models(settings: Settings) -> tuple[type[BaseModel], type[BaseModel]]:
    """The request body's models, with the limits of these settings (so the schema states what is enforced)."""
    question_limit = settings.max_question_chars
    content_limit = settings.max_question_chars * HISTORY_CONTENT_FACTOR

    class HistoryMessage(BaseModel):
        model_config = ConfigDict(extra="forbid", regex_engine="python-re")
        role: Literal["user", "assistant"]
        content: str = Field(
            max_length=content_limit,
            pattern=TEXT_PATTERN,
            description=(
                f"Plain text, at most {content_limit:,} characters, no control characters or lone surrogates."
            ),
        )

    class AskRequest(BaseModel):
        model_config = ConfigDict(
            extra="forbid",
            regex_engine="python-re",
            json_schema_extra={
                "examples": [
                    {"question": "Can massage help sciatica?"},
                    {
                        "question": "How often?",
                        "history": [
                            {"role": "user", "content": "Can massage help sciatica?"},
                            {"role": "assistant", "content": "Massage may give short-term relief [1]."},
                        ],
                    },
                ]
            },
        )
        question: str = Field(
            min_length=1,
            max_length=question_limit,
            pattern=QUESTION_PATTERN,
            description=(
                f"The visitor's question, plain text: 1 to {question_limit:,} characters, not only spaces, "
                "no control characters (tab and newline are fine), no lone UTF-16 surrogates."
            ),
        )
        history: list[HistoryMessage] = Field(
            default_factory=list,
            max_length=MAX_HISTORY_MESSAGES,
            description=f"Earlier turns, oldest first (for follow-ups); at most {MAX_HISTORY_MESSAGES} messages.",
        )
        stream: bool = Field(
            default=False,
            strict=True,
            description=(
                "true: the answer as it is written, as server-sent events (text/event-stream): `delta` events "
                'with data {"text": "..."} to append (the first carries "triage" when it is the triage message), '
                "then one `answer` event with the answer schema, which replaces what the deltas showed (or one "
                '`error` event with data {"error": "..."}). Only verified sentences are ever sent. false (the '
                "default): one JSON answer."
            ),
        )

    return HistoryMessage, AskRequest


class ErrorOut(BaseModel):
    error: str


class LoadOut(BaseModel):
    in_flight: int
    window: int
    shed: int
    rate_limited: int


class HealthOut(BaseModel):
    status: Literal["ready", "starting", "failed", "index unavailable"]
    ready: bool
    passage_count: int | None
    versions: dict[str, str]
    uptime_s: float
    load_s: float | None = None
    load: LoadOut | None = None
    error: str | None = None


# ---- helpers ---------------------------------------------------------------------------------

SSE_MEDIA_TYPE = "text/event-stream"
SSE_EXAMPLE = (
    'event: delta\ndata: {"text":"Effective techniques include deep tissue massage. [1]"}\n\n'
    'event: answer\ndata: {"question":"Which massage techniques help?","answer":"...","outcome":"answer",...}\n\n'
)


# One event of the stream, as OpenAPI 3.2 describes server-sent events (``itemSchema``; FastAPI's own SSE routes
# write the same): its name, and its data, JSON for a delta, the answer or an error.
SSE_EVENT_SCHEMA = {
    "type": "object",
    "required": ["event", "data"],
    "properties": {
        "event": {"type": "string", "enum": ["delta", "answer", "error"]},
        "data": {
            "type": "string",
            "contentMediaType": "application/json",
            "contentSchema": {
                "anyOf": [
                    {
                        "title": "Delta",
                        "description": "Text to append to what is shown; triage: the triage message's level",
                        "type": "object",
                        "required": ["text"],
                        "properties": {
                            "text": {"type": "string"},
                            "triage": {"type": "string", "enum": ["caution", "urgent", "emergency"]},
                        },
                        "additionalProperties": False,
                    },
                    {"$ref": "#/components/schemas/Answer"},
                    {"$ref": "#/components/schemas/ErrorOut"},
                ]
            },
        },
    },
}


def sse(event: str, data: dict) -> str:
    """One server-sent event. The data is JSON as ``JSONResponse`` writes it (one line: JSON escapes newlines)."""
    payload = json.dumps(data, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":"))
    return f"event: {event}\ndata: {payload}\n\n"


def sse_event(event: StreamEvent) -> str:
    """``delta`` (a piece of text to append; ``triage`` on the triage message) or ``answer`` (the answer schema)."""
    if isinstance(event, Answer):
        return sse("answer", event.to_dict())
    data = {"text": event.text}
    if event.triage is not None:
        data["triage"] = event.triage.level
    return sse("delta", data)


def error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def failure_response(exc: BaseException, admission: Admission) -> JSONResponse:
    """The JSON error for a question that failed before its reply started (service.failure says which)."""
    admission.expired += isinstance(exc, Expired)
    said = failure(exc)
    return error(said.status, said.message, {"Retry-After": str(said.retry_after)} if said.retry_after else None)


@functools.cache
def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "unknown"


def versions(service: AssistantService) -> dict[str, str]:
    out = {
        "python": platform.python_version(),
        "gradio": _version("gradio"),
        "fastapi": _version("fastapi"),
        "chromadb": _version("chromadb"),
        "sentence-transformers": _version("sentence-transformers"),
    }
    try:
        import assistant as _pkg

        out["assistant"] = str(getattr(_pkg, "__version__", "dev"))
    except ImportError:  # pragma: no cover
        out["assistant"] = "dev"
    a = service.assistant
    if a is not None:  # what is being served: the index generation and the embedding model (name@sha256 prefix)
        out["index_generation"] = str(a.generation)
        out["model"] = str(a.embedder.model_id)
    return out


def text_problem(value: object, subject: str, limit: int) -> str | None:
    """Why a question (``subject`` "The question") or a history message's text is refused, naming the limit."""
    if not isinstance(value, str):
        return None
    if has_lone_surrogate(value):
        return SURROGATE_MESSAGE.format(subject=subject)
    if has_control_chars(value):
        return CONTROL_MESSAGE.format(subject=subject)
    question = subject == "The question"
    if len(value) > limit:
        advice = "Please shorten it to the part you most want answered." if question else "Send a shorter excerpt."
        unit = "characters" if question else "characters per history message"
        return f"{subject} is {len(value):,} characters long; the limit is {limit:,} {unit}. {advice}"
    if question and not value.strip():
        return "Please type a question; the message was empty."
    return None


_VALUE_ERRORS = {"string_too_short", "string_too_long", "string_pattern_mismatch", "string_unicode", "too_long"}


def _input_problem(first: dict, settings: Settings) -> str | None:
    """A 400 message for a value the schema refuses (length, characters, count), or None for a malformed body."""
    if first.get("type") not in _VALUE_ERRORS:
        return None
    loc = [p for p in first.get("loc", ()) if p != "body"]
    value = first.get("input")
    if loc == ["question"]:
        return text_problem(value, "The question", settings.max_question_chars) or "The question is not usable text."
    if loc == ["history"] and isinstance(value, list):
        return (
            f"The conversation history has {len(value)} messages; the limit is {MAX_HISTORY_MESSAGES}. "
            "Send only the most recent ones."
        )
    if len(loc) == 3 and loc[0] == "history" and loc[2] == "content" and isinstance(loc[1], int):
        subject = f"History message {loc[1] + 1}"
        limit = settings.max_question_chars * HISTORY_CONTENT_FACTOR
        return text_problem(value, subject, limit) or f"{subject} is not usable text."
    return None


def _validation_message(exc: RequestValidationError) -> str:
    errors = exc.errors()
    if not errors:
        return "The request is not valid."
    first = errors[0]
    kind = first.get("type", "")
    loc = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
    if kind == "json_invalid":
        return "The request body is not valid JSON."
    if kind == "missing":
        return f"The field '{loc}' is required." if loc else "The request body is missing."
    if kind == "extra_forbidden":
        return f"Unknown field '{loc}'."
    if kind in ("string_type", "model_attributes_type", "dict_type", "list_type"):
        return f"The field '{loc}' has the wrong type." if loc else "The request body must be a JSON object."
    if kind == "too_long":
        return f"The field '{loc}' is too long."
    if kind == "literal_error":
        return f"The field '{loc}' must be one of: user, assistant."
    return f"The field '{loc}' is not valid." if loc else "The request is not valid."


# ---- routes ----------------------------------------------------------------------------------


def install_api(app: FastAPI, service: AssistantService, settings: Settings | None = None) -> None:
    settings = settings or Settings()
    _, AskRequest = request_models(settings)
    router = APIRouter()
    # load shedding happens in AdmissionMiddleware (app.py), before any work; /healthz reports its counts
    admission = getattr(app.state, "admission", None) or Admission(settings.api_max_in_flight)
    limiter = getattr(app.state, "rate_limiter", None) or RateLimiter(0)
    threads = anyio.CapacityLimiter(settings.api_threads)  # the API's own threads: the chat keeps the shared pool

    async def ask(body, request: Request):
        """Answer one question from the curated articles, with citations, triage and the disclaimer.

        The answer and the quotes are text from the corpus and the question is the caller's own
        text: escape them before you put them into a web page. Under load the reply may be 503 (too many
        questions in flight) or 429 (too many from this address), each with ``Retry-After`` in seconds.

        With ``"stream": true`` the reply is ``text/event-stream``: ``delta`` events (append their text; the triage
        message, when there is one, is always the first), then one ``answer`` event carrying the same JSON as
        without streaming, which replaces what the deltas showed (a generated answer that falls back to quoting
        does). Only sentences checked against their passage are sent. A failure after the stream has started is
        one ``error`` event; every failure before it is the usual JSON error.
        """
        history = [m.model_dump() for m in body.history]
        deadline = request.scope.get("state", {}).get("deadline")  # set by AdmissionMiddleware
        if body.stream:
            return await stream_answer(body.question, history, deadline)
        try:
            answer = await anyio.to_thread.run_sync(
                functools.partial(service.ask, body.question, history, api=True, deadline=deadline),
                limiter=threads,
            )
        except Exception as exc:  # noqa: BLE001 - one mapping for every failure (service.failure); never a trace
            return failure_response(exc, admission)
        return JSONResponse(answer.to_dict(), headers={"Cache-Control": "no-store"})

    async def stream_answer(question: str, history: list[dict], deadline: float | None) -> Response:
        """``"stream": true``: the first event is awaited before the response starts, so bad input, a full house
        or an unreachable index are the same JSON errors as without it. The pipeline's slots are held by the
        stream and freed when it ends or the client goes away (the stream is closed either way)."""
        events = service.ask_stream(question, history, api=True, deadline=deadline)
        try:
            first = await anyio.to_thread.run_sync(next, events, None, limiter=threads)
        except Exception as exc:  # noqa: BLE001 - one mapping for every failure (service.failure); never a trace
            events.close()
            return failure_response(exc, admission)

        async def body() -> AsyncIterator[str]:
            event = first
            try:
                while event is not None:
                    yield sse_event(event)
                    if isinstance(event, Answer):
                        break
                    event = await anyio.to_thread.run_sync(next, events, None, limiter=threads)
            except Exception as exc:  # noqa: BLE001 - told as one event; never a trace
                yield sse("error", {"error": failure(exc).message})
            finally:
                events.close()

        return StreamingResponse(
            body(),
            media_type=SSE_MEDIA_TYPE,
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},  # no proxy buffering (nginx)
            background=BackgroundTask(events.close),  # also when the client left before the first byte
        )

    ask.__annotations__ = {
        "body": AskRequest,
        "request": Request,
    }  # a model built for these settings (not a module-level name)
    router.post(
        "/api/ask",
        response_model=Answer,
        tags=["assistant"],
        summary="Ask a question; get a cited answer",
        responses={
            200: {
                "description": (
                    'The answer (JSON); with "stream": true, server-sent events: `delta` events, then `answer` '
                    "(the same JSON) or `error`"
                ),
                "content": {SSE_MEDIA_TYPE: {"itemSchema": SSE_EVENT_SCHEMA, "example": SSE_EXAMPLE}},
            },
            400: {"model": ErrorOut, "description": "Unusable question or history (empty, too long, not plain text)"},
            413: {"model": ErrorOut, "description": f"Body larger than {API_BODY_LIMIT:,} bytes"},
            422: {"model": ErrorOut, "description": "Malformed request"},
            403: {"model": ErrorOut, "description": "Origin not allowed"},
            429: {"model": ErrorOut, "description": "Too many questions from this address; see Retry-After"},
            503: {"model": ErrorOut, "description": "Starting up, busy or the index unreachable; see Retry-After"},
        },
        openapi_extra={
            "requestBody": {
                "description": f"A JSON object of at most {API_BODY_LIMIT:,} bytes ({API_BODY_LIMIT // 1024} KiB).",
                "x-max-body-bytes": API_BODY_LIMIT,
            }
        },
    )(ask)

    @router.get(
        "/healthz",
        response_model=HealthOut,
        tags=["operations"],
        summary="Readiness: 200 when answering, 503 while starting or if start-up failed",
        responses={503: {"model": HealthOut}},
    )
    async def healthz():  # on the event loop: answered even when every worker thread is busy
        ready = service.ready and service.index_ok
        status = (
            "ready"
            if ready
            else ("index unavailable" if service.ready else ("failed" if service.error else "starting"))
        )
        payload = {
            "status": status,
            "ready": ready,
            "passage_count": service.passage_count,
            "versions": versions(service),
            "uptime_s": round(time.monotonic() - service.started_at, 2),
            "load_s": round(service.load_seconds, 2) if service.load_seconds is not None else None,
            "load": {**admission.counts(), "rate_limited": limiter.limited},
        }
        if service.error:
            payload["error"] = service.error
        return JSONResponse(payload, status_code=200 if ready else 503, headers={"Cache-Control": "no-store"})

    # Any other method on a documented path: 405 with an Allow header (these routes match every method; the
    # documented ones above come first, so they only see the rest).
    for path, allowed in (("/api/ask", "POST"), ("/healthz", "GET")):
        _add_asgi_route(router, path, MethodNotAllowed(allowed))

    @router.get("/docs", include_in_schema=False)
    def docs(request: Request):
        return HTMLResponse(docs_page(app.openapi(), str(request.base_url)))

    _add_asgi_route(router, "/api/{rest:path}", NotFound())

    app.include_router(router)

    @app.exception_handler(RequestValidationError)
    async def on_validation_error(request: Request, exc: RequestValidationError):
        errors = exc.errors()
        problem = _input_problem(errors[0], settings) if errors else None
        if problem is not None:
            return error(400, problem)
        return error(422, _validation_message(exc))

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, exc: StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else "Request failed."
        if exc.status_code >= 500:
            log.error("http error %s: %s", exc.status_code, detail)
            detail = INTERNAL_MESSAGE
        return error(exc.status_code, detail, dict(exc.headers or {}) or None)

    @app.exception_handler(Exception)
    async def on_error(request: Request, exc: Exception):  # pragma: no cover - last resort
        log.error("unhandled error: %s", type(exc).__name__)
        return error(500, INTERNAL_MESSAGE)


def _add_asgi_route(router: APIRouter, path: str, endpoint: ASGIApp) -> None:
    """Route every method on ``path`` to an ASGI app, left out of the schema. Starlette's ``Route`` serves an
    endpoint that is not a function as an ASGI app, but ``add_route``'s hint only names request handlers."""
    router.add_route(path, endpoint, include_in_schema=False)  # type: ignore[arg-type]  # an ASGI app (see above)


class MethodNotAllowed:
    """ASGI endpoint (so its route matches every method): 405 with the methods the path does answer."""

    def __init__(self, allowed: str):
        self.allowed = allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = f"This address only answers {self.allowed} requests."
        await error(405, message, {"Allow": self.allowed})(scope, receive, send)


class NotFound:
    """ASGI endpoint for any method on an unknown ``/api/`` path."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await error(404, "Not found.")(scope, receive, send)


def docs_page(spec: dict, base_url: str) -> str:
    """API documentation rendered from the OpenAPI schema, self-contained (no CDN assets)."""
    e = escape_html
    info = spec.get("info", {})
    sections: list[str] = []
    for path, ops in spec.get("paths", {}).items():
        for method, op in ops.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            examples = body.get("schema", {})
            ref = examples.get("$ref", "")
            schema_name = ref.rsplit("/", 1)[-1] if ref else ""
            schema = spec.get("components", {}).get("schemas", {}).get(schema_name, {})
            example_list = schema.get("examples") or []
            curl = ""
            if method == "post" and example_list:
                payload = json.dumps(example_list[0])
                curl = (
                    f"curl -s -X POST {base_url.rstrip('/')}{path} -H 'Content-Type: application/json' -d '{payload}'"
                )
            elif method == "get":
                curl = f"curl -s {base_url.rstrip('/')}{path}"
            responses = "".join(
                f"<li><code>{e(code)}</code> {e(r.get('description', ''))}</li>"
                for code, r in op.get("responses", {}).items()
            )
            sections.append(
                f'<section id="{e(method)}-{e(path.strip("/").replace("/", "-"))}">'
                f"<h2><code>{e(method.upper())} {e(path)}</code></h2>"
                f"<p><strong>{e(op.get('summary', ''))}</strong></p>"
                f"<p>{e(op.get('description', ''))}</p>"
                + (f"<h3>Request body</h3><p><code>{e(schema_name)}</code></p>" if schema_name else "")
                + (f"<h3>Example</h3><pre>{e(curl)}</pre>" if curl else "")
                + f"<h3>Responses</h3><ul>{responses}</ul></section>"
            )
    schemas = json.dumps(spec.get("components", {}).get("schemas", {}), indent=2)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(info.get("title", "API"))} - API documentation</title>
<style>
body {{ font: 15px/1.5 system-ui, sans-serif; margin: 0; background: #fafafa; color: #1b1b1b; }}
main {{ max-width: 900px; margin: 0 auto; padding: 16px; }}
pre {{ background: #0f1720; color: #e6edf3; padding: 10px; border-radius: 6px; overflow-x: auto;
      white-space: pre-wrap; word-break: break-word; }}
section {{ background: #fff; border: 1px solid #ddd; border-radius: 8px; padding: 4px 16px; margin: 12px 0; }}
</style></head><body><main>
<h1>{e(info.get("title", "API"))} <small>{e(info.get("version", ""))}</small></h1>
<p>{e(info.get("description", ""))}</p>
<p>Machine-readable schema: <a href="openapi.json">openapi.json</a>. Errors are always
<code>{{"error": "..."}}</code>.</p>
{"".join(sections)}
<details><summary><h2 style="display:inline">Schemas</h2></summary><pre>{e(schemas)}</pre></details>
</main></body></html>"""
