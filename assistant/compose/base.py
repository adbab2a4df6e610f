"""The composer interface: readings of the question + retrieved passages + triage -> a composed answer.

Retrieval and safety never depend on how an answer is worded: any object with ``compose(request)``
returning :class:`Composed` can stand in for the default :class:`~assistant.compose.extractive.ExtractiveComposer`
(a generated-answer composer plugs in here).
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
    vectors: np.ndarray  # one row per text of reading.readings, then one per reading.parts
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


class Composer(Protocol):
    name: str

    def compose(self, request: ComposeRequest) -> Composed: ...


def not_covered_text() -> str:
    return (
        "The curated articles I answer from do not cover this question, so I can't give you a reliable answer. "
        "A healthcare provider, such as your GP or a physiotherapist, can advise you."
    )
