"""Run cases against the assistant and assemble the results document.

Two backends, both returning ``Answer.to_dict()``-shaped dicts:

* :class:`InProcessBackend` builds the same pipeline the web app serves
  (``assistant.pipeline.build_assistant``), imported lazily;
* :class:`HttpBackend` POSTs to a running server's ``/api/ask`` with the standard library only,
  so ``--url`` never imports torch or sentence-transformers.

A case that raises is recorded as an ``error`` for that case and the run goes on.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
import traceback
import urllib.error
import urllib.request
from dataclasses import fields
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Callable, Protocol, TextIO

from assistant.errors import AssistantError

from .cases import Case
from .corpus import CorpusText
from .metrics import CaseResult, error_result, judge

if TYPE_CHECKING:
    from .metrics import Faithful

RESULTS_VERSION = 1


class Backend(Protocol):
    name: str

    def ask(self, question: str, history: list[dict]) -> dict: ...


class BackendUnavailable(AssistantError):
    """The server behind ``--url`` cannot be reached at all."""


class InProcessBackend:
    name = "in-process"

    def __init__(self, settings):
        from assistant.pipeline import build_assistant  # lazy: loads torch and the model

        self._assistant = build_assistant(settings)
        self.embed = self._assistant.embedder.embed_documents  # the verifier's embedder, for the eval's re-check

    def ask(self, question: str, history: list[dict]) -> dict:
        answer = self._assistant.ask(question, history)
        return answer.to_dict() if hasattr(answer, "to_dict") else answer


class HttpBackend:
    def __init__(self, url: str, timeout: float = 60.0):
        self.url = url.rstrip("/")
        self.name = self.url
        self.timeout = timeout
        self._reached = False

    def ask(self, question: str, history: list[dict]) -> dict:
        body = json.dumps({"question": question, "history": history}).encode("utf-8")
        request = urllib.request.Request(
            f"{self.url}/api/ask",
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                payload = response.read()
        except urllib.error.HTTPError as exc:
            self._reached = True
            detail = ""
            try:
                detail = json.loads(exc.read().decode("utf-8", "replace")).get("error", "")
            except (ValueError, AttributeError):
                pass
            raise RuntimeError(f"HTTP {exc.code} from /api/ask" + (f": {detail}" if detail else "")) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if not self._reached:
                raise BackendUnavailable(f"cannot reach {self.url}/api/ask: {reason}") from None
            raise RuntimeError(f"request to /api/ask failed: {reason}") from None
        self._reached = True
        try:
            return json.loads(payload.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise RuntimeError("/api/ask did not return JSON") from None


# --------------------------------------------------------------------------------------------
# progress


class Progress:
    """A dependency-free progress bar on stderr; plain milestone lines when not a terminal."""

    def __init__(self, total: int, stream: TextIO | None = None, enabled: bool = True):
        self.total = max(total, 1)
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.tty = enabled and hasattr(self.stream, "isatty") and self.stream.isatty()
        self.failed = 0
        self._last_decile = -1

    def update(self, done: int, result: CaseResult | None = None) -> None:
        if result is not None and result.status != "pass":
            self.failed += 1
        if not self.enabled:
            return
        if self.tty:
            width = 30
            filled = int(width * done / self.total)
            label = result.case.id if result is not None else ""
            line = (
                f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{self.total}"
                f"  not passed: {self.failed}  {label[:30]:<30}"
            )
            self.stream.write(line)
            if done >= self.total:
                self.stream.write("\n")
            self.stream.flush()
        else:
            decile = int(10 * done / self.total)
            if decile != self._last_decile or done == self.total:
                self._last_decile = decile
                self.stream.write(f"eval: {done}/{self.total} cases, not passed: {self.failed}\n")
                self.stream.flush()


# --------------------------------------------------------------------------------------------
# running


def run_case(case: Case, backend: Backend, corpus: CorpusText, faithful: Faithful | None = None) -> CaseResult:
    start = time.perf_counter()
    try:
        answer = backend.ask(case.question, [dict(m) for m in case.history])
    except BackendUnavailable:
        raise
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # noqa: BLE001 - one case must not stop the run
        wall = (time.perf_counter() - start) * 1000
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        error = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
        return error_result(case, error, traceback.format_exc(limit=8), wall_ms=wall)
    wall = (time.perf_counter() - start) * 1000
    try:
        return judge(case, answer, corpus, wall_ms=wall, faithful=faithful)
    except Exception as exc:  # noqa: BLE001 - a judging bug is reported, not fatal
        return error_result(
            case,
            f"could not judge the answer: {type(exc).__name__}: {exc}",
            traceback.format_exc(limit=8),
            wall_ms=wall,
        )


def run_cases(
    cases: list[Case],
    backend: Backend,
    corpus: CorpusText,
    progress: Progress | None = None,
    on_result: Callable[[CaseResult], None] | None = None,
    faithful: Faithful | None = None,
) -> list[CaseResult]:
    """``faithful`` re-checks every generated answer's shown sentences (see :func:`.metrics.judge`)."""
    results = []
    for i, case in enumerate(cases, 1):
        result = run_case(case, backend, corpus, faithful)
        results.append(result)
        if progress is not None:
            progress.update(i, result)
        if on_result is not None:
            on_result(result)
    return results


# --------------------------------------------------------------------------------------------
# the results document

SETTINGS_IN_HEADER = (
    "collection",
    "top_k",
    "dense_candidates",
    "keyword_weight",
    "min_passage_score",
    "min_sentence_score",
    "max_answer_sentences",
    "sentence_margin",
    "max_history_turns",
    "max_question_chars",
    "emergency_number",
)


def settings_snapshot(settings) -> dict:
    if settings is None:
        return {}
    names = {f.name for f in fields(settings)} if hasattr(settings, "__dataclass_fields__") else set()
    return {k: getattr(settings, k) for k in SETTINGS_IN_HEADER if k in names}


def corpus_fingerprint(corpus: CorpusText) -> str:
    digest = hashlib.sha256()
    for name, body in zip(corpus.files, corpus.bodies):
        digest.update(name.encode())
        digest.update(b"\0")
        digest.update(body.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def sort_key(result: CaseResult) -> tuple[str, str]:
    return (result.case.set_name, result.case.id)


def results_document(
    results: list[CaseResult],
    metrics: dict,
    thresholds: list[dict],
    *,
    backend: str,
    set_files: list[str],
    corpus: CorpusText,
    settings=None,
    started: str | None = None,
) -> dict:
    started = started or datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    return {
        "version": RESULTS_VERSION,
        "run": {
            "started": started,  # the only timestamp in the document
            "backend": backend,
            "sets": sorted(set_files),
            "corpus_files": list(corpus.files),
            "corpus_sha256": corpus_fingerprint(corpus),
            "settings": settings_snapshot(settings),
        },
        "summary": {
            "status": "fail" if any(not t["ok"] for t in thresholds) else "pass",
            "thresholds": thresholds,
        },
        "metrics": metrics,
        "cases": [r.to_dict() for r in sorted(results, key=sort_key)],
    }


def write_json(path, document: dict) -> None:
    text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False, default=str)
    path.write_text(text + "\n", encoding="utf-8")
