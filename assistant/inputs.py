"""Check what a user sends before anything else sees it. Pure functions; errors are one line."""

from __future__ import annotations

import unicodedata

from .errors import InputError
from .settings import Settings
from .text import has_control_chars


def clean_question(question: object, settings: Settings) -> str:
    if question is None or (isinstance(question, str) and not question.strip()):
        raise InputError("Please type a question; the message was empty.")
    if isinstance(question, bytes):
        raise InputError("The question must be text, not binary data.")
    if not isinstance(question, str):
        raise InputError("The question must be text.")
    if has_control_chars(question):
        raise InputError("The question contains control characters or binary data; please type it as plain text.")
    text = unicodedata.normalize("NFC", question).strip()
    if len(text) > settings.max_question_chars:
        raise InputError(
            f"The question is {len(text):,} characters long; the limit is {settings.max_question_chars:,}. "
            "Please shorten it to the part you most want answered."
        )
    return text


# A history message may be this many times ``max_question_chars`` long: an assistant reply quotes several passages.
# (4,000 characters at the default; it stays so when the question limit rose to 2,000, so that 40 messages still fit
# the API's 64 KiB body in the cases its schema allows that a fuzzer builds.)
HISTORY_CONTENT_FACTOR = 2


def clean_history(history: object, settings: Settings) -> list[dict]:
    """Accept a list of {role, content}; keep the last ``max_history_turns`` user/assistant turns."""
    if history is None:
        return []
    if not isinstance(history, (list, tuple)):
        raise InputError("The conversation history must be a list of {role, content} messages.")
    out: list[dict] = []
    for i, item in enumerate(history, start=1):
        if not isinstance(item, dict) or item.get("role") not in {"user", "assistant"}:
            raise InputError(f"History message {i} must have a role of 'user' or 'assistant'.")
        content = item.get("content")
        if not isinstance(content, str):
            raise InputError(f"History message {i} must have text content.")
        if has_control_chars(content):
            raise InputError(f"History message {i} contains control characters or binary data.")
        out.append({"role": item["role"], "content": content[: settings.max_question_chars * HISTORY_CONTENT_FACTOR]})
    return out[-2 * settings.max_history_turns :]
