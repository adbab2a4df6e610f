"""The curated corpus as plain text, for the citation-validity check.

Read straight from the files (``settings.corpus_dir/*.md``), not from the index, so a quote that
the pipeline altered, truncated or invented is caught even if the index itself was built wrong.
Only whitespace is normalised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_WS = re.compile(r"\s+")


def squash(text: str) -> str:
    """Collapse every run of whitespace to one space and trim."""
    return _WS.sub(" ", text).strip()


def body_of(text: str) -> str:
    """The file body without a leading ``---`` front-matter block."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if text.startswith("---"):
        lines = text.splitlines(keepends=True)
        if lines and lines[0].strip() == "---":
            for i in range(1, len(lines)):
                if lines[i].strip() in ("---", "..."):
                    return "".join(lines[i + 1 :])
    return text


@dataclass(frozen=True)
class CorpusText:
    files: tuple[str, ...]
    bodies: tuple[str, ...]  # whitespace-squashed

    def contains(self, quote: str) -> bool:
        needle = squash(quote)
        if not needle:
            return False
        return any(needle in body for body in self.bodies)

    @property
    def empty(self) -> bool:
        return not self.bodies


def load_corpus_text(corpus_dir: Path) -> CorpusText:
    """The curated articles' bodies as text, to check that quotes are verbatim (``assistant.ingest.corpus.load_corpus``
    is the other loader: it returns parsed articles for indexing)."""
    corpus_dir = Path(corpus_dir)
    files = sorted(corpus_dir.glob("*.md")) if corpus_dir.is_dir() else []
    bodies = []
    names = []
    for path in files:
        try:
            bodies.append(squash(body_of(path.read_text(encoding="utf-8"))))
            names.append(path.name)
        except (OSError, UnicodeDecodeError):
            continue
    return CorpusText(files=tuple(names), bodies=tuple(bodies))
