"""The assistant as the web app sees it: loaded in the background, ready or not, rate-limited.

The server starts listening at once; the pipeline (slow: sentence-transformers import, model
load, index open) is built in a thread. Until it is ready the API answers 503 and the chat says
it is starting up. Concurrent ``ask`` calls share one semaphore so the two CPU cores are not
oversubscribed by the chat and the API together.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

from ..errors import AssistantError, IndexMissingError, IndexUnusableError, InputError, ModelError
from ..schema import Answer

log = logging.getLogger("assistant.web")

STARTING_MESSAGE = "The assistant is starting up. Please try again in a few seconds."
BUSY_MESSAGE = "The assistant is busy right now. Please try again in a moment."
FAILED_MESSAGE = "The assistant could not start. Please contact the site administrator."
INTERNAL_MESSAGE = "Something went wrong while answering. Please try again."


NO_INDEX_MESSAGE = "The assistant has no article index yet. Please contact the site administrator."
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
    if isinstance(exc, IndexUnusableError):
        return BAD_INDEX_MESSAGE
    if isinstance(exc, ModelError):
        return MODEL_MESSAGE
    return FAILED_MESSAGE


class PublicError(AssistantError):
    """A failure reworded for visitors (``public_message``); the details went to the server log."""


class AssistantLike(Protocol):
    passage_count: int

    def ask(self, question: str, history: list[dict]) -> Answer: ...


class NotReady(Exception):
    """The pipeline is still loading (or failed to); ``str(exc)`` is a user message."""


class Busy(Exception):
    """Too many questions in flight; waited too long for a slot."""


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
        self._wait = wait_seconds
        self.started_at = time.monotonic()
        self.load_seconds: float | None = 0.0 if assistant is not None else None

    # -- lifecycle -------------------------------------------------------------------
    def start_loading(self) -> None:
        """Build the assistant in a daemon thread (idempotent)."""
        with self._lock:
            if self._assistant is not None or self._thread is not None or self._factory is None:
                return
            self._thread = threading.Thread(target=self._load, name="assistant-loader", daemon=True)
            self._thread.start()

    def _load(self) -> None:
        t0 = time.monotonic()
        try:
            assistant = self._factory()  # type: ignore[misc]
        except AssistantError as exc:
            self._error = public_message(exc)  # the details (paths, causes) only in the log
            log.error("assistant failed to start: %s", exc)
            return
        except Exception as exc:  # noqa: BLE001 - a bug; keep the server up and say so
            self._error = FAILED_MESSAGE
            log.exception("assistant failed to start (%s)", type(exc).__name__)
            return
        self.load_seconds = time.monotonic() - t0
        self._assistant = assistant
        log.info("assistant ready in %.1f s (%s passages)", self.load_seconds, getattr(assistant, "passage_count", "?"))

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
    def ask(self, question: str, history: list[dict[str, Any]]) -> Answer:
        """Ask the pipeline. Raises NotReady, Busy, or the pipeline's AssistantError."""
        assistant = self._assistant
        if assistant is None:
            raise NotReady(self.status_message())
        _refuse_surrogates(question, history)
        if not self._slots.acquire(timeout=self._wait):
            raise Busy(BUSY_MESSAGE)
        try:
            return assistant.ask(question, history)
        except InputError:
            raise
        except AssistantError as exc:
            message = public_message(exc)
            if message != str(exc):
                log.error("answer failed: %s", exc)
                raise PublicError(message) from None
            raise
        finally:
            self._slots.release()


def _refuse_surrogates(question: object, history: list[dict[str, Any]]) -> None:
    """A lone surrogate cannot be encoded as UTF-8, so it would break the reply (and the chat's session)."""
    if isinstance(question, str) and has_lone_surrogate(question):
        raise InputError("The question contains an invalid character (a lone UTF-16 surrogate); please retype it.")
    for i, item in enumerate(history or [], start=1):
        content = item.get("content") if isinstance(item, dict) else None
        if isinstance(content, str) and has_lone_surrogate(content):
            raise InputError(f"History message {i} contains an invalid character (a lone UTF-16 surrogate).")
