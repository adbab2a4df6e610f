"""JSON routes: ``POST /api/ask``, ``GET /healthz``, ``/openapi.json`` and a self-hosted ``/docs``.

Every error is ``{"error": "<one sentence>"}`` with a 4xx/5xx status; never a stack trace.
"""

from __future__ import annotations

import json
import logging
import platform
import time
from importlib import metadata
from typing import Literal

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import AssistantError, InputError
from ..schema import Answer
from .render import escape_html
from .service import INTERNAL_MESSAGE, AssistantService, Busy, NotReady

log = logging.getLogger("assistant.web")

MAX_HISTORY_MESSAGES = 40
MAX_HISTORY_CONTENT = 20_000


# ---- schema (documentation and validation) ------------------------------------------------


class HistoryMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["user", "assistant"]
    content: str = Field(max_length=MAX_HISTORY_CONTENT)


class AskRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
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
    question: str = Field(description="The visitor's question, plain text.")
    history: list[HistoryMessage] = Field(
        default_factory=list,
        max_length=MAX_HISTORY_MESSAGES,
        description="Earlier turns, oldest first (for follow-ups).",
    )


class ErrorOut(BaseModel):
    error: str


class HealthOut(BaseModel):
    status: Literal["ready", "starting", "failed"]
    ready: bool
    passage_count: int | None
    versions: dict[str, str]
    uptime_s: float
    load_s: float | None = None
    error: str | None = None


# ---- helpers ---------------------------------------------------------------------------------


def error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


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


def install_api(app: FastAPI, service: AssistantService) -> None:
    router = APIRouter()

    @router.post(
        "/api/ask",
        response_model=Answer,
        tags=["assistant"],
        summary="Ask a question; get a cited answer",
        responses={
            400: {"model": ErrorOut, "description": "Unusable question or history"},
            413: {"model": ErrorOut, "description": "Body too large"},
            422: {"model": ErrorOut, "description": "Malformed request"},
            403: {"model": ErrorOut, "description": "Origin not allowed"},
            503: {"model": ErrorOut, "description": "Starting up or busy"},
        },
    )
    def ask(body: AskRequest):
        """Answer one question from the curated articles, with citations, triage and the disclaimer.

        The answer and the quotes are text from the corpus and the question is the caller's own
        text: escape them before you put them into a web page.
        """
        history = [m.model_dump() for m in body.history]
        try:
            answer = service.ask(body.question, history)
        except InputError as exc:
            return error(400, str(exc))
        except NotReady as exc:
            return error(503, str(exc), {"Retry-After": "5"})
        except Busy as exc:
            return error(503, str(exc), {"Retry-After": "2"})
        except AssistantError as exc:
            return error(500, str(exc))
        except Exception as exc:  # noqa: BLE001 - never a stack trace, never the question in logs
            log.error("api answer failed: %s", type(exc).__name__)
            return error(500, INTERNAL_MESSAGE)
        return JSONResponse(answer.to_dict(), headers={"Cache-Control": "no-store"})

    @router.get(
        "/healthz",
        response_model=HealthOut,
        tags=["operations"],
        summary="Readiness: 200 when answering, 503 while starting or if start-up failed",
        responses={503: {"model": HealthOut}},
    )
    def healthz():
        ready = service.ready
        status = "ready" if ready else ("failed" if service.error else "starting")
        payload = {
            "status": status,
            "ready": ready,
            "passage_count": service.passage_count,
            "versions": versions(service),
            "uptime_s": round(time.monotonic() - service.started_at, 2),
            "load_s": round(service.load_seconds, 2) if service.load_seconds is not None else None,
        }
        if service.error:
            payload["error"] = service.error
        return JSONResponse(payload, status_code=200 if ready else 503, headers={"Cache-Control": "no-store"})

    @router.get("/docs", include_in_schema=False)
    def docs(request: Request):
        return HTMLResponse(docs_page(app.openapi(), str(request.base_url)))

    @router.api_route("/api/{rest:path}", methods=["GET", "POST", "PUT", "DELETE", "PATCH"], include_in_schema=False)
    def api_not_found(rest: str, request: Request):
        if rest == "ask":
            return error(405, "Use POST with a JSON body.", {"Allow": "POST"})
        return error(404, "Not found.")

    app.include_router(router)

    @app.exception_handler(RequestValidationError)
    async def on_validation_error(request: Request, exc: RequestValidationError):
        return error(422, _validation_message(exc))

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, exc: StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else "Request failed."
        return error(exc.status_code, detail)

    @app.exception_handler(Exception)
    async def on_error(request: Request, exc: Exception):  # pragma: no cover - last resort
        log.error("unhandled error: %s", type(exc).__name__)
        return error(500, INTERNAL_MESSAGE)


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
