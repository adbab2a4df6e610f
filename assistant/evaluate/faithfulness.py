"""Faithfulness of generated answers, measured by the eval from what the user is shown.

The pipeline counts what its verifier removed (``timings_ms.sentences_removed``); this module does not read
those counters. For an answer whose composer was "generative" (``composer`` in the answer, or
``timings_ms.generated == 1``), it takes the shown text, leaves out what the model did not write, splits the
rest into sentences with their ``[n]`` markers, and checks each one again with :mod:`assistant.compose.verify`'s
public rules against the passage of citation ``[n]`` as the answer carries it (``citations[].passage`` and
``section``). So the judgement is made from the answer JSON alone, as the chat or a remote server shows it.

Not the model's, so not checked (each only when it is exactly what the pipeline renders; anything else is
treated as the model's and checked):

* the triage message the answer starts with (``triage.message``);
* for a caution or urgent answer, the verbatim precaution the answer leads with: its first paragraph, citing
  only ``[1]``, every sentence of it verbatim in citation 1's passage;
* each cited passage's curator's note, the line "What the evidence says: <citations[].evidence_note>";
* the closing line naming the parts of the question the articles do not cover (``uncovered``).

A shown sentence without a marker, or with one that points at no citation, is unsupported: the user cannot
check it against anything.

The verifier's similarity rule needs the embedder the passages were indexed with: ``embed`` embeds a list of
texts (rows L2-normalised). A passage's sentences are split (``assistant.text.split_sentences``) and embedded
under their heading, as the index embeds them (``Passage.sentence_embed_texts``); the shown sentence without its
markers, as the verifier embeds a drafted one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

from assistant.compose.base import uncovered_text
from assistant.compose.verify import CITATION, DEFAULT_RULES, Rules, Source, check_sentence, citations, draft_sentences
from assistant.text import normalise_space, split_sentences

from .metrics import is_generated

Embed = Callable[[list[str]], np.ndarray]

NOTE_PREFIX = "What the evidence says: "
# a rendered generated sentence ends with its markers: "... muscles. [2] Next ..." is two sentences
_AFTER_MARKERS = re.compile(r"(?<=\])\s+(?=[^\s\[])")


@dataclass(frozen=True)
class SentenceCheck:
    sentence: str  # as shown, with its markers
    supported: bool
    reason: str = ""  # the first rule it failed
    cites: tuple[int, ...] = ()

    def to_dict(self) -> dict:
        return {
            "sentence": self.sentence,
            "supported": self.supported,
            "reason": self.reason,
            "cites": list(self.cites),
        }


@dataclass(frozen=True)
class Faithfulness:
    """The shown sentences of one generated answer, each re-checked against its cited passage."""

    sentences: list[SentenceCheck] = field(default_factory=list)

    @property
    def shown(self) -> int:
        return len(self.sentences)

    @property
    def supported(self) -> int:
        return sum(s.supported for s in self.sentences)

    @property
    def unsupported(self) -> list[SentenceCheck]:
        return [s for s in self.sentences if not s.supported]

    def to_dict(self) -> dict:
        return {
            "shown": self.shown,
            "supported": self.supported,
            "unsupported": self.shown - self.supported,
            "sentences": [s.to_dict() for s in self.sentences],
        }


def _squash(text: str) -> str:
    return normalise_space(text).casefold()


def _by_n(answer: dict) -> dict[int, dict]:
    out: dict[int, dict] = {}
    for c in answer.get("citations") or []:
        if isinstance(c, dict) and isinstance(c.get("n"), int):
            out.setdefault(c["n"], c)
    return out


def _is_precaution(paragraph: str, by_n: dict[int, dict]) -> bool:
    """The verbatim precaution a caution or urgent answer leads with: cites [1] only, quoted from its passage."""
    passage = _squash(str((by_n.get(1) or {}).get("passage") or ""))
    pieces = [p for p in _AFTER_MARKERS.split(paragraph.strip()) if p.strip()]
    if not passage or not pieces:
        return False
    for piece in pieces:
        text, cites = citations(piece)
        if cites != (1,) or not text or _squash(text) not in passage:
            return False
    return True


def model_sentences(answer: dict) -> list[str]:
    """The sentences of a generated answer's text that the model wrote, as shown, each with its markers."""
    body = str(answer.get("answer") or "")
    triage = answer.get("triage") or {}
    lead = str(triage.get("message") or "")
    if lead and body.startswith(lead):
        body = body[len(lead) :]
    by_n = _by_n(answer)
    notes = {f"{NOTE_PREFIX}{c.get('evidence_note')}".strip() for c in by_n.values() if c.get("evidence_note")}
    uncovered = [str(u) for u in answer.get("uncovered") or []]
    closing = uncovered_text(uncovered) if uncovered else None
    paragraphs = [p for p in re.split(r"\n\s*\n", body) if p.strip()]
    if triage.get("level") in ("caution", "urgent") and paragraphs:
        first = [x for x in paragraphs[0].splitlines() if x.strip() and x.strip() not in notes]
        if first and _is_precaution(" ".join(first), by_n):
            paragraphs = paragraphs[1:]
    out: list[str] = []
    for paragraph in paragraphs:
        for line in paragraph.splitlines():
            line = line.strip()
            if not line or line in notes or line == closing:
                continue
            for piece in _AFTER_MARKERS.split(line):
                out.extend(draft_sentences(piece))
    return out


def _source(citation: dict, embed: Embed) -> Source:
    passage = str(citation.get("passage") or citation.get("quote") or "")
    heading = str(citation.get("section") or "")
    sentences = tuple(split_sentences(passage))
    texts = [f"{heading}: {s}" if heading else s for s in sentences]
    vectors = np.asarray(embed(texts), dtype=np.float32).reshape(len(sentences), -1) if sentences else np.zeros((0, 1))
    return Source(passage, heading, sentences, vectors)


def check_answer(answer: dict, embed: Embed, rules: Rules = DEFAULT_RULES) -> Faithfulness:
    """Every model-written sentence of a generated answer, checked against the passage of the citation it marks."""
    sentences = model_sentences(answer)
    if not sentences:
        return Faithfulness([])
    by_n = _by_n(answer)
    cited = sorted({int(n) for s in sentences for n in CITATION.findall(s) if int(n) in by_n})
    sources = {n: _source(by_n[n], embed) for n in cited}
    texts = [citations(s)[0] or s for s in sentences]
    vectors = np.asarray(embed(texts), dtype=np.float32).reshape(len(texts), -1)
    checks = []
    for sentence, vector in zip(sentences, vectors):
        found = check_sentence(sentence, vector, sources, rules)
        reason = found.reason
        if reason.startswith("cites ["):
            reason = reason.replace("which it was not given", "which the answer does not cite")
        checks.append(SentenceCheck(sentence, found.supported, reason, found.cites))
    return Faithfulness(checks)


class FaithfulnessCheck:
    """Re-checks generated answers; the embedder is loaded on first use (``load``), so a run whose answers are all
    extractive never loads it."""

    def __init__(
        self, embed: Embed | None = None, load: Callable[[], Embed] | None = None, rules: Rules = DEFAULT_RULES
    ):
        self._embed, self._load, self.rules = embed, load, rules

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if self._embed is None:
            if self._load is None:
                raise RuntimeError("no embedder to re-check generated sentences with")
            self._embed = self._load()
        return self._embed(list(texts))

    def __call__(self, answer: dict) -> Faithfulness | None:
        """None for an answer the model did not write."""
        if not is_generated(answer):
            return None
        return check_answer(answer, self.embed, self.rules)


def describe(check: SentenceCheck, limit: int = 90) -> str:
    text = check.sentence if len(check.sentence) <= limit else check.sentence[: limit - 1] + "\u2026"
    return f"faithfulness: generated sentence not supported by its cited passage ({check.reason}): {text!r}"


def from_dict(data: Any) -> Faithfulness | None:
    if not isinstance(data, dict):
        return None
    return Faithfulness(
        [
            SentenceCheck(str(s["sentence"]), bool(s["supported"]), str(s.get("reason", "")), tuple(s.get("cites", ())))
            for s in data.get("sentences") or []
        ]
    )
