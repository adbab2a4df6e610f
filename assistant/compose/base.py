"""The composer interface: readings of the question + retrieved passages + triage -> a composed answer.

Retrieval and safety never depend on how an answer is worded: any object with ``compose(request)``
returning :class:`Composed` can stand in for the default :class:`~assistant.compose.extractive.ExtractiveComposer`
(the generated-answer composer, :mod:`~assistant.compose.generative`, plugs in here).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Mapping, Protocol

import numpy as np

from ..question import Reading
from ..retrieve import Hit
from ..schema import Citation, Triage

SentenceVectors = Mapping[str, list[tuple[int, str, np.ndarray]]]  # passage id -> [(k, sentence, vector)]


@dataclass(frozen=True)
class ComposeRequest:
    reading: Reading
    vectors: np.ndarray  # one row per text of reading.readings, then one per reading.part_texts
    hits: list[Hit]
    sentences: SentenceVectors
    triage: Triage = field(default_factory=Triage)
    term_weights: Mapping[str, float] = field(default_factory=dict)  # idf of the corpus's terms


@dataclass(frozen=True)
class Composed:
    outcome: Literal["answer", "not_covered"]
    text: str
    citations: list[Citation]
    uncovered: tuple[str, ...] = ()  # parts of the question the articles do not answer
    # which composer wrote the text: "extractive", "generative", or "extractive-fallback" (generative mode showing
    # the extractive answer), and why it fell back ("timeout", "error", "too little supported", "not covered")
    composer: str = "extractive"
    fallback_reason: str = ""
    # numbers about how it was composed, carried into Answer.timings_ms (generative mode: generated 1/0, generate
    # ms, sentences_drafted, sentences_removed; compose/generative.py); empty in extractive mode
    meta: Mapping[str, float] = field(default_factory=dict)


class Composer(Protocol):
    name: str

    def compose(self, request: ComposeRequest) -> Composed: ...


def uncovered_text(uncovered: tuple[str, ...] | list[str]) -> str:
    """The closing line naming the parts of a question the articles do not answer."""
    asks = "; ".join(f"\u201c{u.strip()}\u201d" for u in uncovered)
    return f"The articles I answer from do not cover this part of your question: {asks}."


def not_covered_text(topics: tuple[str, ...] | list[str] = ()) -> str:
    """The not-covered reply; ``topics`` names what the articles never mention ("acupuncture"), when known."""
    what = " or ".join(topics) if topics else "this question"
    return (
        f"The curated articles I answer from do not cover {what}, so I can't give you a reliable answer. "
        "A healthcare provider, such as your GP or a physiotherapist, can advise you."
    )
