"""The assistant as the web app sees it: loaded in the background, ready or not, its index reachable or not.

The server starts listening at once; the pipeline (model load, index open) is built in a thread, and if that
fails because the index is missing or its server is down, it is tried again with backoff until it works (so
running ``sciatica-assistant index`` is enough; no restart). Until it is ready the API answers 503 and the chat
says it is starting up. Concurrent ``ask`` calls share ``pipeline_concurrency`` slots so the CPU cores are not
oversubscribed; the API may hold all but one of them, so a chat turn never waits behind a queue of API calls.
A repeated question is answered from the answer cache without taking a slot. With a Chroma server, a monitor
checks its heartbeat twice a second so ``/healthz`` says 503 within a second of an outage.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Generator, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from ..errors import (
    AssistantError,
    IndexMissingError,
    IndexUnavailableError,
    IndexUnusableError,
    InputError,
    ModelError,
)
from ..stream import StreamEvent, answer_events
from ..schema import Answer

log = logging.getLogger("assistant.web")

STARTING_MESSAGE = "The assistant is starting up. Please try again in a few seconds."
BUSY_MESSAGE = "The assistant is busy right now. Please try again in a moment."
FAILED_MESSAGE = "The assistant could not start. Please contact the site administrator."
INTERNAL_MESSAGE = "Something went wrong while answering. Please try again."


NO_INDEX_MESSAGE = "The assistant has no article index yet. Please contact the site administrator."
UNAVAILABLE_MESSAGE = "The articles cannot be searched right now. Please try again in a moment."
BAD_INDEX_MESSAGE = "The assistant's article index cannot be used. Please contact the site administrator."
MODEL_MESSAGE = "The assistant's language model could not be loaded. Please contact the site administrator."

# what must not reach a visitor: file-system paths, exception class names, errno texts, tracebacks
_LEAKY = re.compile(r"[/\\]|\b[A-Z]\w*(?:Error|Exception)\b|\b[Ee]rrno\b|[Tt]raceback")
_SURROGATE = re.compile("[\ud800-\udfff]")


def has_lone_surrogate(text: str) -> bool:
    """True when the text holds a UTF-16 surrogate code point (JSON can carry one; it is not text)."""
    return bool(_SURROGATE.search(text))


def without_surrogates(text: str) -> str:
    """The text with each lone surrogate shown as U+FFFD (so it can be displayed and sent back)."""
    return _SURROGATE.sub("\ufffd", text)


def public_message(exc: AssistantError) -> str:
    """What a visitor may read about a failure: the message if it is plain, else a fixed sentence for its kind."""
    message = str(exc)
    if message.strip() and not _LEAKY.search(message):
        return message
    if isinstance(exc, InputError):
        return "The question cannot be used."
    if isinstance(exc, IndexMissingError):
        return NO_INDEX_MESSAGE
    if isinstance(exc, IndexUnavailableError):
        return UNAVAILABLE_MESSAGE
    if isinstance(exc, IndexUnusableError):
        return BAD_INDEX_MESSAGE
    if isinstance(exc, ModelError):
        return MODEL_MESSAGE
    return FAILED_MESSAGE


@dataclass(frozen=True)
class Failure:
    """How a failed question is told to a visitor: the API's status and Retry-After, the chat's notice kind."""

    status: int
    message: str
    retry_after: int | None = None
    kind: str = "error"  # the chat's notice style: "info" (come back later) or "error"


def failure(exc: BaseException) -> Failure:
    """The one mapping from an exception raised by ``AssistantService.ask`` to what a visitor reads (the API and
    the chat both use it). Never a path, an exception name or a traceback; unexpected errors are logged by type."""
    if isinstance(exc, InputError):
        return Failure(400, public_message(exc))
    if isinstance(exc, NotReady):
        return Failure(503, str(exc), 5, "info")
    if isinstance(exc, Busy):
        return Failure(503, str(exc), 2, "info")
    if isinstance(exc, IndexUnavailableError):
        return Failure(503, UNAVAILABLE_MESSAGE, 2, "info")
    if isinstance(exc, AssistantError):
        return Failure(500, public_message(exc))
    log.error("answer failed: %s", type(exc).__name__)
    return Failure(500, INTERNAL_MESSAGE)


class PublicError(AssistantError):
    """A failure reworded for visitors (``public_message``); the details went to the server log."""


class EmbedderLike(Protocol):
    @property
    def model_id(self) -> str: ...  # name@weights-checksum (``/healthz`` versions)


class AssistantLike(Protocol):
    """What the web app uses of ``pipeline.Assistant`` (``cached_answer``, ``ask_stream``, ``store`` and
    ``index_reachable`` are used when present)."""

    @property
    def passage_count(self) -> int: ...

    @property
    def generation(self) -> str: ...  # the index generation served (``/healthz`` versions)

    @property
    def embedder(self) -> EmbedderLike: ...

    def ask(self, question: str, history: list[dict]) -> Answer: ...


RETRY_DELAYS = (1.0, 2.0, 4.0, 8.0, 15.0)  # seconds between start-up attempts; the last one repeats
MONITOR_INTERVAL = 0.5  # seconds between heartbeats of a Chroma server


class NotReady(Exception):
    """The pipeline is still loading (or failed to); ``str(exc)`` is a user message."""


class Busy(Exception):
    """Too many questions in flight; waited too long for a slot."""


class Expired(Busy):
    """An API question that waited past the admission target for a thread (web/admission.py); shed unanswered."""


class AssistantService:
    def __init__(
        self,
        assistant: AssistantLike | None = None,
        factory: Callable[[], AssistantLike] | None = None,
        max_concurrent: int = 2,
        wait_seconds: float = 60.0,
    ):
        self._assistant = assistant
        self._factory = factory
        self._error: str | None = None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._slots = threading.BoundedSemaphore(max(1, max_concurrent))
        self._api_slots = threading.BoundedSemaphore(max(1, max_concurrent - 1))
        self._wait = wait_seconds
        self._stop = threading.Event()
        self.index_ok = True  # False while the index (a Chroma server) does not answer
        self.attempts = 0
        self.started_at = time.monotonic()
        self.load_seconds: float | None = 0.0 if assistant is not None else None

    # -- lifecycle -------------------------------------------------------------------
    def start_loading(self) -> None:
        """Build the assistant in a daemon thread (idempotent)."""
        with self._lock:
            if self._assistant is not None or self._thread is not None or self._factory is None:
                return
            self._thread = threading.Thread(
                target=self._load, args=(self._factory,), name="assistant-loader", daemon=True
            )
            self._thread.start()

    def _load(self, factory: Callable[[], AssistantLike]) -> None:
        t0 = time.monotonic()
        while not self._stop.is_set():
            self.attempts += 1
            try:
                assistant = factory()
                break
            except (ModelError, InputError) as exc:  # nothing outside the process will mend these: stop
                self._error = public_message(exc)  # the details (paths, causes) only in the log
                log.error("assistant failed to start: %s", exc)
                return
            except AssistantError as exc:  # no index yet, its server down, an index to rebuild: try again
                delay = RETRY_DELAYS[min(self.attempts, len(RETRY_DELAYS)) - 1]
                if self._error is None or self.attempts <= 2:
                    log.error("assistant cannot start yet (%s); trying again every %.0f s or less", exc, delay)
                self._error = public_message(exc)
                self._stop.wait(delay)
            except Exception as exc:  # noqa: BLE001 - a bug; keep the server up and say so
                self._error = FAILED_MESSAGE
                log.exception("assistant failed to start (%s)", type(exc).__name__)
                return
        else:
            return
        self.load_seconds = time.monotonic() - t0
        self._assistant = assistant
        self._error = None
        log.info("assistant ready in %.1f s (%s passages)", self.load_seconds, getattr(assistant, "passage_count", "?"))
        if getattr(getattr(assistant, "store", None), "remote", ""):
            threading.Thread(target=self._monitor, name="index-monitor", daemon=True).start()

    def _monitor(self) -> None:
        """Keep ``index_ok`` current from the store's heartbeat (the pipeline logs outages as they start and end)."""
        while not self._stop.wait(MONITOR_INTERVAL):
            assistant = self._assistant
            check = getattr(assistant, "index_reachable", None)
            if check is not None:
                self.index_ok = bool(check())

    def stop(self) -> None:
        """Stop retrying and monitoring (the app's shutdown)."""
        self._stop.set()

    def wait_ready(self, timeout: float | None = None) -> bool:
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return self.ready

    # -- state -----------------------------------------------------------------------
    @property
    def ready(self) -> bool:
        return self._assistant is not None

    @property
    def error(self) -> str | None:
        return self._error

    @property
    def assistant(self) -> AssistantLike | None:
        return self._assistant

    @property
    def passage_count(self) -> int | None:
        a = self._assistant
        return int(a.passage_count) if a is not None else None

    def status_message(self) -> str:
        if self.ready:
            return ""
        return self._error or STARTING_MESSAGE

    # -- work ------------------------------------------------------------------------
    def ask(
        self, question: str, history: list[dict[str, Any]], *, api: bool = False, deadline: float | None = None
    ) -> Answer:
        """Ask the pipeline. Raises NotReady, Busy (Expired), or the pipeline's AssistantError.

        ``api`` calls may hold all slots but one, so a chat turn always finds one. ``deadline`` (monotonic
        seconds) bounds the wait for a slot; see :meth:`_slots_held`."""
        assistant, answer = self._ready_or_cached(question, history)
        if answer is not None:
            return answer  # a repeated question: no slot, no model
        with self._slots_held(api, deadline), _public_errors():
            return assistant.ask(question, history)

    def _ready_or_cached(self, question: str, history: list[dict[str, Any]]) -> tuple[AssistantLike, Answer | None]:
        """The loaded pipeline (NotReady while it loads), after the checks every question gets, and the cached
        answer when the question was asked before in the same conversation."""
        assistant = self._assistant
        if assistant is None:
            raise NotReady(self.status_message())
        _refuse_surrogates(question, history)
        cached = getattr(assistant, "cached_answer", None)
        return assistant, (cached(question, history) if cached is not None else None)

    @contextmanager
    def _slots_held(self, api: bool, deadline: float | None) -> Iterator[None]:
        """A pipeline slot (first one of the API's, for ``api``), each waited for until ``deadline`` when given,
        else ``wait_seconds``. Busy when a wait runs out, Expired when there was a deadline: the API's admission
        sets it (web/admission.py), so a question it admitted is answered in time or shed."""

        def wait() -> float:
            if deadline is None:
                return self._wait
            left = deadline - time.monotonic()
            if left <= 0:
                raise Expired(BUSY_MESSAGE)
            return left

        with ExitStack() as held:
            for slots in (self._api_slots, self._slots) if api else (self._slots,):
                if not slots.acquire(timeout=wait()):
                    raise (Busy if deadline is None else Expired)(BUSY_MESSAGE)
                held.callback(slots.release)
            yield

    def ask_stream(
        self,
        question: str,
        history: list[dict[str, Any]],
        *,
        api: bool = False,
        deadline: float | None = None,
    ) -> Generator[StreamEvent, None, None]:
        """:meth:`ask` as it is written (``Assistant.ask_stream``): text pieces, then the answer. Raises what
        ``ask`` raises, at the first ``next()``, before any piece. The slots are held until the stream ends or is
        closed (a client that goes away: close it, and they are free)."""
        assistant, answer = self._ready_or_cached(question, history)
        if answer is not None:
            yield from answer_events(answer)  # a repeated question: no slot, no model
            return
        with self._slots_held(api, deadline), _public_errors():
            stream = getattr(assistant, "ask_stream", None)
            yield from (
                stream(question, history) if stream is not None else answer_events(assistant.ask(question, history))
            )


@contextmanager
def _public_errors() -> Iterator[None]:
    """Errors as users may see them: bad input and an index outage (the pipeline logged it already) as they are,
    any other AssistantError through :func:`_public`."""
    try:
        yield
    except (InputError, IndexUnavailableError):
        raise
    except AssistantError as exc:
        public = _public(exc)
        if public is exc:
            raise
        raise public from None


def _public(exc: AssistantError) -> AssistantError:
    """The error as a visitor may read it (``public_message``); the details go to the log."""
    message = public_message(exc)
    if message != str(exc):
        log.error("answer failed: %s", exc)
        return PublicError(message)
    return exc


def _refuse_surrogates(question: object, history: list[dict[str, Any]]) -> None:
    """A lone surrogate cannot be encoded as UTF-8, so it would break the reply (and the chat's session)."""
    if isinstance(question, str) and has_lone_surrogate(question):
        raise InputError("The question contains an invalid character (a lone UTF-16 surrogate); please retype it.")
    for i, item in enumerate(history or [], start=1):
        content = item.get("content") if isinstance(item, dict) else None
        if isinstance(content, str) and has_lone_surrogate(content):
            raise InputError(f"History message {i} contains an invalid character (a lone UTF-16 surrogate).")


def default_factory(settings: Any) -> Callable[[], AssistantLike]:
    """Builds the real assistant when called (slow: the model and the index); importing this module stays cheap."""

    def build() -> AssistantLike:
        from ..pipeline import build_assistant

        return build_assistant(settings)

    return build
