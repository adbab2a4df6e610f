"""The answer schema: what the CLI ``--json``, the HTTP API and the eval runner all return.

Keep it stable. Field meanings are documented in README.md ("Answer schema").
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

Outcome = Literal["answer", "not_covered", "out_of_scope", "refusal", "emergency"]
TriageLevel = Literal["none", "caution", "urgent", "emergency"]

OUTCOMES: tuple[str, ...] = ("answer", "not_covered", "out_of_scope", "refusal", "emergency")
TRIAGE_LEVELS: tuple[str, ...] = ("none", "caution", "urgent", "emergency")
LEVEL_RANK: dict[str, int] = {level: i for i, level in enumerate(TRIAGE_LEVELS)}  # none < caution < urgent < emergency


@dataclass(frozen=True)
class Citation:
    n: int
    passage_id: str
    article: str
    section: str
    quote: str
    source: str
    score: float
    passage: str = ""  # the whole passage text, so a UI can show the quote in context
    evidence_note: str = ""  # a curator's note on how strong the evidence for this section is
    attribution: str = ""  # where the article's text came from (its front-matter source)


@dataclass(frozen=True)
class Triage:
    level: TriageLevel = "none"
    message: str = ""
    reasons: tuple[str, ...] = ()


@dataclass
class Answer:
    """One response. ``answer`` is Markdown with [n] markers, plain text from the corpus: escape it
    before display. When ``triage.level`` is not "none", ``answer`` starts with ``triage.message``."""

    question: str
    answer: str
    outcome: Outcome
    citations: list[Citation] = field(default_factory=list)
    triage: Triage = field(default_factory=Triage)
    disclaimer: str = ""
    uncovered: list[str] = field(default_factory=list)  # parts of the question the articles do not answer
    timings_ms: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["triage"]["reasons"] = list(self.triage.reasons)
        data["timings_ms"] = {k: round(v, 2) for k, v in self.timings_ms.items()}
        return data

    def to_text(self) -> str:
        """Plain-text rendering for the terminal: triage first, answer, sources, disclaimer."""
        parts: list[str] = []
        if self.triage.message and not self.answer.startswith(self.triage.message):
            parts.append(self.triage.message)
        if self.answer:
            parts.append(self.answer)
        if self.citations:
            lines = ["Sources:"]
            for c in self.citations:
                lines.append(f"[{c.n}] {c.article} — {c.section}")
                lines.append(f'    "{c.quote}"')
                if c.evidence_note:
                    lines.append(f"    Evidence note: {c.evidence_note}")
            parts.append("\n".join(lines))
        parts.append(self.disclaimer)
        return "\n\n".join(parts)
