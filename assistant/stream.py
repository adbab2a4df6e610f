"""An answer as it is written: what ``Assistant.ask_stream`` yields and the chat and ``/api/ask`` pass on.

A stream is :class:`Delta` pieces of the answer's text, to be appended to what is shown, then the complete
:class:`~assistant.schema.Answer` (what ``Assistant.ask`` returns for the same input), which replaces them. When
the answer has a triage message it is always the first piece, marked with the triage. Light on purpose (no
pipeline imports): the web app imports it before the pipeline has loaded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .schema import Answer, Triage


@dataclass(frozen=True)
class Delta:
    """A piece of an answer being streamed: append ``text`` to what is shown. ``triage`` is set on the piece that
    is the triage message (an emergency, urgent or caution lead), which is always the first piece."""

    text: str
    triage: Triage | None = None


StreamEvent = Delta | Answer


def answer_events(answer: Answer) -> Iterator[StreamEvent]:
    """The stream of an answer that is already complete: its triage message, its text paragraph by paragraph, then
    the answer itself. The pieces join up to ``answer.answer`` (which starts with the triage message whenever
    there is one; were it ever not to, the message still comes first, then the text after a blank line)."""
    text, triage = answer.answer, answer.triage
    if triage.level != "none" and triage.message:
        yield Delta(triage.message, triage)
        text = text[len(triage.message) :] if text.startswith(triage.message) else f"\n\n{text}" if text else ""
    for piece in re.split(r"(?=\n\n)", text):
        if piece:
            yield Delta(piece)
    yield answer
