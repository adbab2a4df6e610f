"""Spelling correction of questions against the corpus vocabulary and the lay-term lexicon.

symspellpy (MIT) looks words up by edit distance in a dictionary built from the curated articles and
the lexicon, weighted by how often each word occurs. A word is left alone when it is short, already in
that dictionary, or an ordinary English word (symspellpy ships an 82,765-word frequency list): without
that guard "coffee" became "offer" and "summer" "summary" in our measurement. Chosen over rapidfuzz,
which scored the same with the same guard but was 2-4x slower per question and grows with the
vocabulary (see README, "Retrieval and answers").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")
# Chat shorthand that is not in the English list but must not be "corrected" ("30 mins" became "30 pins").
CHAT_WORDS = frozenset(
    "mins secs hrs wks mths yrs tbh idk imo imho btw pls plz thx thnx ngl smth sth coz cos cuz gonna wanna gotta "
    "kinda sorta dunno lemme aint".split()
)

# Chat spellings of common words, read as the word ("wot even is sciatica", "hw long does it last", "shud i go")
CHAT_SPELLINGS = {
    "wot": "what", "wat": "what", "wut": "what", "hw": "how", "wen": "when", "u": "you", "ur": "your",
    "pls": "please", "plz": "please", "coz": "because", "cuz": "because", "abt": "about", "n": "and",
    "dat": "that", "dis": "this", "gud": "good", "shud": "should", "wud": "would", "cud": "could", "hv": "have",
    # Pacific pidgins (Bislama, Tok Pisin, Pijin): "Wanem kind massage they use for sciatica?" (blind batch 34)
    "wanem": "what",
    # Scots: "At whit point dae ye bother the GP wi it?" (blind batch 42; five earlier writers wrote Scots too)
    "whit": "what", "dae": "do", "cannae": "can't", "didnae": "didn't", "dinnae": "don't", "doesnae": "doesn't",
    "isnae": "isn't", "wasnae": "wasn't", "wouldnae": "wouldn't", "couldnae": "couldn't", "shouldnae": "shouldn't",
    "noo": "now", "mair": "more", "oot": "out",
}  # fmt: skip
# Nigerian Pidgin asks: "E dey work well? How long e go last?" (blind batch 36): "e" is "it" before these verbs
CHAT_PHRASES = (
    (re.compile(r"(?<![\w.])e dey\b", re.IGNORECASE), "does it"),
    (re.compile(r"(?<![\w.])e go\b", re.IGNORECASE), "will it"),
    (re.compile(r"(?<![\w.])e fit\b", re.IGNORECASE), "can it"),
)


@dataclass
class Speller:
    lookup: Any  # symspellpy.SymSpell
    known: frozenset[str]  # domain words and ordinary English words: never changed

    def correct(self, text: str) -> str:
        """``text`` with misspelt words replaced; punctuation, case of untouched words and spacing kept."""
        from symspellpy import Verbosity

        def fix(match: re.Match[str]) -> str:
            word = match.group(0)
            low = word.lower()
            if low in CHAT_SPELLINGS:
                return CHAT_SPELLINGS[low]
            if len(low) <= 3 or low in self.known:
                return word
            if "'" in low and low.split("'", 1)[0] in self.known:
                # a known word with a clitic or possessive ("how long's it take", "the landlord's") is kept: the
                # corpus's own "leg's" is one edit from "long's" (blind batch 38)
                return word
            if low.endswith("in") and low + "g" in common_words():
                # a dropped g ("whats it doin", "goin", "somethin") is the word, not its nearest neighbour ("down");
                # only a common word, so that Scots "hingin oan" (hanging on) does not become "hinging"
                return word + "g"
            found = self.lookup.lookup(low, Verbosity.TOP, max_edit_distance=1 if len(low) <= 5 else 2)
            return found[0].term if found else word

        for phrase, plain in CHAT_PHRASES:
            text = phrase.sub(plain, text)
        return _WORD.sub(fix, text)


@lru_cache(maxsize=1)
def _english_counts() -> dict[str, int]:
    """symspellpy's English frequency list: word -> count."""
    import symspellpy

    path = Path(symspellpy.__file__).parent / "frequency_dictionary_en_82_765.txt"
    with path.open(encoding="utf-8") as fh:
        return {w: int(n) for w, n in (line.split(" ", 2)[:2] for line in fh if line.strip())}


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    return frozenset(_english_counts())


@lru_cache(maxsize=1)
def common_words(min_count: int = 100_000) -> frozenset[str]:
    """The English words of the frequency list seen at least ``min_count`` times ("nagging" yes, "hinging" no)."""
    return frozenset(w for w, n in _english_counts().items() if n >= min_count)


def build_speller(texts: list[str], extra_words: frozenset[str] | set[str] = frozenset()) -> Speller:
    """A speller whose dictionary is the words of ``texts`` (with their counts) plus ``extra_words``."""
    from symspellpy import SymSpell

    counts = Counter(w.lower() for text in texts for w in _WORD.findall(text))
    for word in extra_words:
        counts[word.lower()] += 1
    sym = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
    for word, n in counts.items():
        if len(word) > 1:
            sym.create_dictionary_entry(word, n)
    return Speller(sym, frozenset(counts) | english_words() | CHAT_WORDS)
