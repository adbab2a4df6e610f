"""Domain topics the curated articles never mention: "does acupuncture help?" is not covered by a massage article.

Data lives in ``corpus/topics/*.yaml`` (see the header of ``en.yaml``): treatments, tests, products and services
people ask about around sciatica and massage, each group with its public source. :func:`load_topics` reads them;
:meth:`Topics.gate` keeps the ones no served passage mentions; :meth:`TopicGate.absent_in` names those a question
asks about. Matching is on the light stems of :func:`assistant.text.content_terms`, so "massage guns" finds
"massage gun" and a phrase counts as mentioned only where its words appear together, in order, in one passage.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .data_files import yaml_lists
from .errors import CorpusError
from .text import content_terms


def _key(text: str) -> str:
    terms = content_terms(text)
    return f" {' '.join(terms)} " if terms else ""


@dataclass(frozen=True)
class TopicGate:
    """The topics no served passage mentions, ready to look for in a question. Pure."""

    absent: tuple[tuple[str, str], ...] = ()  # (topic as listed, its stem key), longest first

    def absent_in(self, text: str) -> tuple[str, ...]:
        """The unmentioned topics ``text`` names, each once (a phrase within a longer one found is skipped)."""
        key = _key(text)
        found: list[str] = []
        taken: list[str] = []
        for topic, stems in self.absent:
            if stems in key and not any(stems in longer for longer in taken):
                found.append(topic)
                taken.append(stems)
        return tuple(found)


@dataclass(frozen=True)
class Topics:
    phrases: tuple[str, ...] = ()

    def gate(self, passages: Iterable[str]) -> TopicGate:
        """The gate for a corpus: every listed topic that none of ``passages`` mentions."""
        keys = [_key(p) for p in passages]
        absent: dict[str, tuple[str, str]] = {}
        for topic in self.phrases:
            stems = _key(topic)
            if stems and stems not in absent and not any(stems in k for k in keys):
                absent[stems] = (topic, stems)
        return TopicGate(tuple(sorted(absent.values(), key=lambda ts: (-len(ts[1]), ts[0]))))


def load_topics(folder: Path) -> Topics:
    """Read every ``*.yaml`` in ``folder``; a missing folder lists no topics, a broken file is an error."""
    phrases: list[str] = []
    for name, groups in yaml_lists(folder, "topics", "groups"):
        for i, group in enumerate(groups, 1):
            items = group.get("topics") if isinstance(group, dict) else None
            if not isinstance(items, list) or not all(isinstance(t, (str, int)) and str(t).strip() for t in items):
                raise CorpusError(f"topics {name}: group {i} needs a list of 'topics' phrases")
            if not str(group.get("source", "")).strip():
                raise CorpusError(f"topics {name}: group {i} needs a 'source' naming where its topics come from")
            phrases.extend(str(t).strip() for t in items)  # shown as written; matched case-blind
    return Topics(tuple(dict.fromkeys(phrases)))
