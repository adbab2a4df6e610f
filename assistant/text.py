"""Small text helpers shared by curation, indexing and retrieval. All pure functions."""

from __future__ import annotations

import re
from functools import lru_cache
import unicodedata

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

# Function words that carry no topic; kept short on purpose so that words like "not" survive.
STOPWORDS = frozenset(
    """a an the and or but if of to in on at by for with from as is are was were be been being
    it its this that these those there here i me my we our you your he she they them their his her
    do does did doing have has had having can could would should may might will shall must
    what which who whom whose when where why how about into over under than then so such very
    just also too any some all each more most other own same only both either neither
    am im i'm ive i've id i'd dont don't""".split()
)


def normalise_space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def slugify(text: str, max_len: int = 60) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:max_len].rstrip("-") or "untitled"


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences in ``text``; text[start:end] is verbatim."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.start()
        # the lookbehind keeps the closing punctuation; trailing quotes belong to the sentence
        chunk_end = end + len(match.group(0).rstrip())
        if text[start:chunk_end].strip():
            spans.append(_strip_span(text, start, chunk_end))
        start = match.end()
    if text[start:].strip():
        spans.append(_strip_span(text, start, len(text)))
    return spans


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def split_sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    """A deliberately light stemmer: enough to match 'muscles'/'muscle', 'tightness'/'tight'."""
    for suffix, keep in (("ness", 4), ("ings", 4), ("ing", 4), ("ies", 3), ("ed", 4), ("es", 4), ("s", 3)):
        if word.endswith(suffix) and len(word) - len(suffix) >= keep:
            word = word[: -len(suffix)]
            if suffix == "ies":
                word += "y"
            break
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


def content_terms(text: str) -> list[str]:
    """Lower-cased, stemmed content words: the units of BM25 and of lexical overlap checks."""
    words = _WORD.findall(text.lower().replace("’", "'"))
    return [_stem(w) for w in words if w not in STOPWORDS and len(w) > 1]


def has_control_chars(text: str) -> bool:
    """True for C0/C1 control characters other than tab and newline (binary or pasted junk)."""
    return any((unicodedata.category(ch) == "Cc" and ch not in "\t\n\r") or ch == "\ufffd" for ch in text)


# Sentences about the page rather than the subject ("This post will discuss...", "This page explains...",
# "Source: ..."): kept in the passage for context, never quoted as an answer.
_META = re.compile(
    r"^(?:this|the following|our|in this|below,? (?:this|the)) (?:blog )?"
    r"(?:post|page|article|guide|section|blog|leaflet|factsheet|fact sheet)\b"
    r"|^(?:in this|on this) (?:post|page|article|guide|section)\b"
    r"|^(?:sources?|references?|read more|see also|further reading|disclaimer)\s*:"
    r"|^(?:read on|keep reading|let'?s (?:take a look|look|explore|discuss))\b"
    r"|^(?:we|i) (?:will|'ll|are going to) (?:discuss|explain|look at|explore|cover|describe)\b",
    re.IGNORECASE,
)


def is_meta_sentence(sentence: str) -> bool:
    """True for a sentence that talks about the page itself; such sentences are never quoted."""
    return _META.search(sentence.strip().lstrip("\"'(*_ ")) is not None
