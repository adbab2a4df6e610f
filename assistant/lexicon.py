"""The lay-term lexicon: patients' words mapped to the words the curated articles use.

Data lives in ``corpus/lexicon/*.yaml`` (see the header of ``en.yaml``); a clinic adds a file. Pure
functions over a loaded :class:`Lexicon`: ``canonical`` rewrites a question in the articles' words,
``expansion`` lists the article words to add to a keyword search.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .data_files import yaml_lists
from .errors import CorpusError


@dataclass(frozen=True)
class Lexicon:
    pairs: tuple[tuple[str, str], ...] = ()  # (lay phrase, term), longest lay phrase first
    _pattern: re.Pattern[str] | None = field(default=None, compare=False, repr=False)

    @classmethod
    def from_entries(cls, entries: list[dict]) -> "Lexicon":
        pairs: dict[str, str] = {}
        for entry in entries:
            for lay in entry["lay"]:
                pairs.setdefault(lay.lower().strip(), entry["term"])
        ordered = tuple(sorted(pairs.items(), key=lambda kv: (-len(kv[0]), kv[0])))
        if not ordered:
            return cls()
        alternatives = "|".join(re.escape(lay) for lay, _ in ordered)
        return cls(ordered, re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE))

    @property
    def words(self) -> set[str]:
        """Every word the lexicon knows (for spelling correction)."""
        return {w for pair in self.pairs for text in pair for w in re.findall(r"[a-z]+", text.lower())}

    def matches(self, text: str) -> list[tuple[str, str]]:
        """(lay phrase as written, term) for each lay phrase found in ``text``."""
        if self._pattern is None:
            return []
        lookup = dict(self.pairs)
        return [(m.group(0), lookup[m.group(0).lower()]) for m in self._pattern.finditer(text)]

    def canonical(self, text: str) -> str:
        """``text`` with each lay phrase replaced by the article's term."""
        if self._pattern is None:
            return text
        lookup = dict(self.pairs)
        return self._pattern.sub(lambda m: lookup[m.group(0).lower()], text)

    def expansion(self, text: str) -> str:
        """The article terms for the lay phrases in ``text``, joined (to add to a keyword query)."""
        return " ".join(dict.fromkeys(term for _, term in self.matches(text)))


def load_lexicon(folder: Path) -> Lexicon:
    """Read every ``*.yaml`` in ``folder``; a missing folder is an empty lexicon, a broken file an error."""
    entries: list[dict] = []
    for name, items in yaml_lists(folder, "lexicon", "entries"):
        for i, item in enumerate(items, 1):
            ok = isinstance(item, dict) and isinstance(item.get("term"), str) and item["term"].strip()
            lay = item.get("lay") if isinstance(item, dict) else None
            if (
                not ok
                or not isinstance(lay, list)
                or not all(isinstance(x, (str, int)) and str(x).strip() for x in lay)
            ):
                raise CorpusError(f"lexicon {name}: entry {i} needs a 'term' and a list of 'lay' phrases")
            entries.append({"term": item["term"].strip(), "lay": [str(x) for x in lay]})
    return Lexicon.from_entries(entries)
