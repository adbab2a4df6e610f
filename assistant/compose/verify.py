"""Checks every sentence of a generated draft against the passage it cites. Pure functions; no model.

A drafted sentence is shown only when all of these hold (README, "Generated answers (optional)"):

1. it carries a citation ``[n]`` and every ``n`` is one of the passages the model was given (a draft written from
   one passage cites it without markers: a small model is asked about one passage at a time);
2. it has at least ``min_terms`` content words (a bare "Yes [1]." says nothing that can be checked), is not
   about the page itself ("This post will discuss ...", never quoted in extractive mode either) or the prompt
   ("The question is about ...", "The passages discuss ..."), and is not a question;
3. for one of the passages it cites:
   - *content-word overlap*: at least ``min_overlap`` of its content words (stemmed) occur in the passage
     or its heading;
   - *no new content*: every content word is in the passage or its heading, or is one of a short list of general
     words (``GENERAL_WORDS``: "help", "may", "people" ...): "a herniated disc, bone spur, or muscle strain" for
     "... or even tight muscles" adds a cause;
   - *said together*: two content words it writes next to each other stand within ``pair_window`` words of each
     other somewhere in the passage: "down the lower leg" recombines "lower back" and "each leg";
   - *numbers and units*: every number it states occurs in the passage, with the same unit when it names one
     ("30 minutes" is not supported by "30 seconds"; "two" and "2" are the same number);
   - *claim strength*: a word that makes a claim stronger ("proven", "cures", "always", "safe" ...) occurs in
     the passage too;
   - *embedding similarity*: its cosine with the closest sentence of the passage is at least ``min_similarity``
     (same embedder as retrieval; the threshold was measured, see ``MIN_SIMILARITY``);
   - *no negation flipped*: it is negated ("not", "never", "no", "without", "-n't" ...) exactly when that closest
     passage sentence is.

Unsupported sentences are removed and counted. When fewer than ``min_kept`` sentences, or less than
``min_kept_share`` of the draft, survive, the draft as a whole is not trusted (:func:`enough`) and the caller
shows the extractive answer instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable, Mapping, Sequence

import numpy as np

from ..ingest.passages import is_meta_sentence
from ..spelling import english_words
from ..text import content_terms

# Measured with evals/bench/verify_threshold.py (README, "Generated answers (optional)"): each of the corpus's
# 60 quotable sentences, embedded alone as a generated sentence is, against the stored sentence vectors of its
# own passage (a faithful restatement), of its own passage with only its last two thirds (a shortened one), and of three
# passages of other sections (180 pairs about something else). Similarity >= 0.60 passes 96.7% / 78.3% / 20.6% of
# them; overlap >= 0.60 passes 100% / 100% / 1.7%; both together pass 1.1% of the other-section pairs. MiniLM
# finds every sentence of this narrow corpus somewhat alike, so overlap is the sharper rule and similarity the
# second opinion.
MIN_SIMILARITY = 0.60
MIN_OVERLAP = 0.60

CITATION = re.compile(r"\s*\[(\d{1,2})\]")
# a marker written after the full stop ("... muscles. [1] Next") belongs to the sentence before it
_MARKER_AFTER_STOP = re.compile(r"([.!?])((?:\s*\[\d{1,2}\])+)")
# "The question is about ...", "The passages discuss ...", "The answer is that ...": about the prompt, not the topic
_ABOUT_PROMPT = re.compile(
    r"^\s*(?:so\s+)?(?:the|this|your)\s+(?:question|passages?|text|answer(?:\s+to\s+(?:the|your)\s+question)?)"
    r"\s+(?:is|are|was|asks|says|say|provides?|discuss(?:es)?|mentions?)\b",
    re.IGNORECASE,
)
# the model talking about the prompt anywhere in the sentence ("The patient also asks about ...", "The techniques
# mentioned in the passage ...": seen in SmolLM2 answers that the rules above let through)
_ABOUT_PROMPT_ANYWHERE = re.compile(
    r"\b(?:the|this) (?:patient|user|asker)(?:'s)? (?:also |is )?(?:asks?|asking|wants?|question|mentions?|says)\b"
    r"|\b(?:mentioned|described|discussed|given|provided|listed) in the (?:passages?|text|context|question)\b"
    r"|\b(?:according to|based on) the (?:passages?|text|context)\b",
    re.IGNORECASE,
)
# where a sentence divides into clauses that each make a claim
_CLAUSE = re.compile(r"[,;:]|\b(?:and|but|or|which|while|because|so|rather|whereas)\b", re.IGNORECASE)
_ENDED = re.compile(r"[.!?][\"'\u201d)\]]*\s*$")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_DRAFT_END = re.compile(r"(?<=[.!?])[\"'\u201d)\]]*\s+(?=[\"'\u201c(\[]?[A-Za-z0-9])")
_LIST_MARK = re.compile(r"^\s*(?:[-*\u2022]|\d+[.)])\s+", re.MULTILINE)
_LETTER = re.compile(r"[A-Za-z]")

NEGATIONS = frozenset(
    "not no never none nothing nobody nor neither without cannot cant wont dont doesnt isnt arent wasnt werent "
    "shouldnt wouldnt couldnt didnt hasnt havent".split()
)
# Words that set how strong a claim is: a sentence may use one only where its passage does. SmolLM2 turned "massage
# is a potential treatment option" into "massage is a proven treatment", which the overlap rule let through.
STRENGTH = frozenset(
    "proven prove proves proved proof cure cures cured curing guarantee guaranteed guarantees always definitely "
    "certainly completely permanently permanent safe safely harmless best effective effectively scientifically "
    "clinically everyone nobody instantly immediately".split()
)
# "one" is left out: it is far more often a pronoun ("one of the causes") than a count
_SPELLED = "two three four five six seven eight nine ten eleven twelve"
NUMBER_WORDS = {w: str(i) for i, w in enumerate(_SPELLED.split(), 2)}
_NUMBER_WORD = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r")\b")
_NUMBER = re.compile(r"(?<![\w.,])(\d+(?:[.,]\d+)*)(?:[\s-]*(%|[a-z]+))?")
UNITS = {
    "%": "%",
    "percent": "%",
    "per": "",
    **{
        u: u.rstrip("s")
        for u in (
            "second seconds minute minutes min mins hour hours day days week weeks month months year years "
            "session sessions time times mg milligram milligrams g kg ml cm mm inch inches"
        ).split()
    },
}


# Content words a faithful restatement may add (checked by hand against the shown sentences of the 2026-12-03 runs;
# README, "Generated answers (optional)"): modal and linking verbs, general nouns, degree words. A medical word is
# never on this list: a drafted sentence may only name what its passage names.
GENERAL_WORDS = frozenset(
    content_terms(
        "help helps helped helping may might can could also often usually sometimes generally commonly typically "
        "some many most several various people person patients patient someone anyone everyone individuals "
        "make makes making made get gets getting give gives use uses used using way ways thing things "
        "well good better best feel feels feeling find found know known like include includes including "
        "time times part important especially particular particularly certain different "
        "consider considered considering option options provide provides benefit benefits able less more "
        "reduce reduces relieve relieves relief manage managing improve improves work works rather even just only "
        "very yes actually really hurt hurts"
    )
)


@dataclass(frozen=True)
class Rules:
    min_overlap: float = MIN_OVERLAP
    min_similarity: float = MIN_SIMILARITY
    min_terms: int = 2
    min_kept: int = 1  # fewer shown sentences than this: the extractive answer instead
    min_kept_share: float = 0.5  # a draft that loses more than half its sentences is not trusted as a whole
    # every clause of two or more content words needs this share of them in the passage: a sentence that restates
    # the passage and then adds "and it is the longest nerve in the body" passed the whole-sentence overlap
    min_clause_overlap: float = 0.5
    # content words written next to each other must stand within this many words of each other in the passage
    # (0 turns the rule off); and content words outside the passage must be GENERAL_WORDS (None: off)
    pair_window: int = 2
    general_words: frozenset[str] | None = GENERAL_WORDS


DEFAULT_RULES = Rules()


@dataclass(frozen=True)
class Source:
    """A passage as the verifier sees it: its text, heading, sentences and their (unit) vectors."""

    text: str
    heading: str
    sentences: tuple[str, ...]
    vectors: np.ndarray  # one row per sentence


@dataclass(frozen=True)
class Check:
    text: str  # the sentence without its markers
    cites: tuple[int, ...]
    supported: bool
    reason: str = ""  # the first rule it failed ("" when supported)
    source: int = 0  # the cited passage that supports it
    quote: str = ""  # that passage's sentence closest to it (verbatim)
    overlap: float = 0.0
    similarity: float = 0.0


def draft_sentences(draft: str) -> list[str]:
    """The sentences of a model's draft, each with its markers. List marks and line breaks end sentences, and so
    does a full stop before a lower-case word (small models do not always capitalise)."""
    text = _LIST_MARK.sub("", draft.replace("\r", ""))
    text = _MARKER_AFTER_STOP.sub(lambda m: f"{m.group(2)}{m.group(1)}", text)
    out: list[str] = []
    for line in text.split("\n"):
        for sentence in _DRAFT_END.split(line.strip()):
            sentence = sentence.strip().strip('"\u201c\u201d').strip()
            if sentence:
                out.append(sentence)
    return out


def settled_sentences(partial: str) -> list[str]:
    """The sentences of a draft still being written that what follows can no longer change: the first of
    :func:`draft_sentences` of ``partial``, each followed by a sentence that has begun with a word. Not the last
    one (it may still grow), nor one followed by a marker (``[1]`` written after the full stop, even on the next
    line, belongs to the sentence before it) or by what may still become a list mark and a marker (``-``, ``2.``).
    Every settled sentence is one of :func:`draft_sentences` of the whole draft, in the same place."""
    sentences = draft_sentences(partial)
    settled: list[str] = []
    for sentence, following in zip(sentences, sentences[1:]):
        if following.startswith("[") or not _LETTER.search(following):
            break
        settled.append(sentence)
    return settled


def citations(sentence: str) -> tuple[str, tuple[int, ...]]:
    """The sentence without its ``[n]`` markers, and the numbers it cites (in order, once each)."""
    cites = tuple(dict.fromkeys(int(n) for n in CITATION.findall(sentence)))
    text = CITATION.sub("", sentence).strip()
    text = re.sub(r"\s+([.!?,;:])", r"\1", text)
    return text, cites


def numbers(text: str) -> list[tuple[str, str]]:
    """(number, unit) pairs stated in ``text``; the unit is "" when none follows. Number words count."""
    lower = text.lower().replace("\u2019", "'").replace("per cent", "percent")
    lower = _NUMBER_WORD.sub(lambda m: NUMBER_WORDS[m.group(1)], lower)
    out: list[tuple[str, str]] = []
    for m in _NUMBER.finditer(lower):
        value = m.group(1).replace(",", "")
        unit = UNITS.get(m.group(2) or "", "")
        if (value, unit) not in out:
            out.append((value, unit))
    return out


def numbers_supported(sentence: str, passage: str) -> bool:
    """Every number of the sentence occurs in the passage, with the same unit when the sentence names one."""
    have = numbers(passage)
    values = {v for v, _ in have}
    return all((v, u) in have if u else v in values for v, u in numbers(sentence))


def negated(text: str) -> bool:
    """Whether the sentence says "not" in some form ("no", "never", "without", "doesn't" ...)."""
    return any(w.endswith("n't") or w.replace("'", "") in NEGATIONS for w in _words(text))


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("\u2019", "'"))


def unknown_words(sentence: str, passage: str) -> list[str]:
    """Words of ``sentence`` that are neither in ``passage`` nor in symspellpy's 82,765-word English list (names
    and coinages the model made up: "Melly, massage is a potential treatment option"). Words of one or two letters
    and numbers are left to the other rules."""
    have = {w.split("'")[0] for w in _words(passage)}
    english = english_words()
    return [
        w
        for w in dict.fromkeys(x.split("'")[0] for x in _words(sentence))
        if len(w) > 2 and not w.isdigit() and w not in have and w not in english
    ]


def strength_words(text: str) -> set[str]:
    """The words of ``text`` that set how strong a claim is ("proven", "cures", "always", "safe" ...)."""
    return {w for w in _words(text) if w in STRENGTH}


def overlap(sentence: str, passage: str) -> float:
    """The share of the sentence's content words (stemmed, each counted once) found in the passage."""
    terms = set(content_terms(sentence))
    if not terms:
        return 0.0
    return len(terms & set(content_terms(passage))) / len(terms)


def min_clause_overlap(sentence: str, passage: str) -> float:
    """The lowest overlap with the passage among the sentence's clauses of two or more content words."""
    source = set(content_terms(passage))
    shares = [
        len(terms & source) / len(terms)
        for terms in (set(content_terms(clause)) for clause in _CLAUSE.split(sentence))
        if len(terms) >= 2
    ]
    return min(shares, default=1.0)


def new_terms(sentence: str, passage: str, general: frozenset[str]) -> list[str]:
    """Content words (stemmed) of ``sentence`` that its passage does not have and that are not general words."""
    have = set(content_terms(passage))
    return [t for t in dict.fromkeys(content_terms(sentence)) if t not in have and t not in general]


def _tokens(text: str) -> list[tuple[str, int, int]]:
    """(content stem or "", start, end) for every word of ``text``, lower-cased; "" marks a stop word."""
    out = []
    for m in _WORD.finditer(text.lower().replace("\u2019", "'")):
        terms = content_terms(m.group())
        out.append((terms[0] if terms else "", m.start(), m.end()))
    return out


def apart(sentence: str, passage: str, window: int, general: frozenset[str] = frozenset()) -> tuple[str, str] | None:
    """Two content words the sentence writes next to each other ("lower leg", "muscle strain"; nothing between
    them, not even a comma) that the passage has but never within ``window`` words of each other; None when every
    such pair stands together somewhere in the passage. General words are not checked."""
    where: dict[str, list[int]] = {}
    for i, (term, _, _) in enumerate(_tokens(passage)):
        if term:
            where.setdefault(term, []).append(i)
    words = _tokens(sentence)
    low = sentence.lower()
    for (a, _, end), (b, start, _) in zip(words, words[1:]):
        if not (a and b) or a == b or a in general or b in general or a not in where or b not in where:
            continue
        if low[end:start].strip():  # punctuation between them: not one phrase
            continue
        if not any(abs(i - j) <= window for i in where[a] for j in where[b]):
            return a, b
    return None


def repeats_itself(sentence: str, n: int = 4) -> bool:
    """A run of ``n`` words said twice in one sentence (a model caught in a loop)."""
    words = _words(sentence)
    grams = [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]
    return len(grams) != len(set(grams))


def check_sentence(
    sentence: str,
    vector: np.ndarray,
    sources: Mapping[int, Source],
    rules: Rules = DEFAULT_RULES,
    only: int | None = None,
) -> Check:
    """Whether one drafted sentence (with its markers) is supported by a passage it cites. ``only``: the draft
    was written from that one passage, so a sentence without a marker cites it (there was nothing else to cite)."""
    text, cites = citations(sentence)
    if not cites and only is not None:
        cites = (only,)
    if not cites:
        return Check(text, cites, False, "no citation")
    missing = [n for n in cites if n not in sources]
    if missing:
        return Check(text, cites, False, f"cites [{missing[0]}], which it was not given")
    if len(set(content_terms(text))) < rules.min_terms:
        return Check(text, cites, False, "too short to check")
    if is_meta_sentence(text) or _ABOUT_PROMPT.match(text) or _ABOUT_PROMPT_ANYWHERE.search(text):
        return Check(text, cites, False, "about the page or the question, not an answer")
    if not _ENDED.search(text):  # the draft stopped mid-sentence (token limit, timeout)
        return Check(text, cites, False, "unfinished")
    if repeats_itself(text):
        return Check(text, cites, False, "repeats itself")
    if text.rstrip("\"'\u201d ").endswith("?"):
        return Check(text, cites, False, "a question, not an answer")
    failed = Check(text, cites, False, "")
    for n in cites:
        check = _against(text, cites, n, sources[n], vector, rules)
        if check.supported:
            return check
        failed = failed if failed.reason else check
    return failed


def _against(text: str, cites: tuple[int, ...], n: int, src: Source, vector: np.ndarray, rules: Rules) -> Check:
    ov = overlap(text, f"{src.heading} {src.text}")
    sims = src.vectors @ np.asarray(vector, dtype=np.float32) if len(src.sentences) else np.zeros(1)
    k = int(np.argmax(sims))
    sim = float(sims[k])
    quote = src.sentences[k] if src.sentences else ""
    found = Check(text, cites, True, "", n, quote, round(ov, 3), round(sim, 3))
    if ov < rules.min_overlap:
        return replace(found, supported=False, reason=f"overlap {ov:.2f} with [{n}]")
    weakest = min_clause_overlap(text, f"{src.heading} {src.text}")
    if weakest < rules.min_clause_overlap:
        return replace(found, supported=False, reason=f"a clause overlaps [{n}] by {weakest:.2f}")
    if not numbers_supported(text, src.text):
        return replace(found, supported=False, reason=f"a number not in [{n}]")
    if rules.general_words is not None:
        added = new_terms(text, f"{src.heading} {src.text}", rules.general_words)
        if added:
            return replace(found, supported=False, reason=f"'{added[0]}' is not in [{n}]")
    if rules.pair_window:
        pair = apart(text, src.text, rules.pair_window, rules.general_words or frozenset())
        if pair is not None:
            return replace(found, supported=False, reason=f"'{pair[0]}' and '{pair[1]}' are not together in [{n}]")
    unknown = unknown_words(text, f"{src.heading} {src.text}")
    if unknown:
        return replace(found, supported=False, reason=f"'{unknown[0]}' is neither in [{n}] nor an English word")
    stronger = sorted(strength_words(text) - strength_words(src.text))
    if stronger:
        return replace(found, supported=False, reason=f"'{stronger[0]}' not in [{n}]")
    if sim < rules.min_similarity:
        return replace(found, supported=False, reason=f"similarity {sim:.2f} with [{n}]")
    if negated(text) != negated(quote):
        return replace(found, supported=False, reason=f"negation differs from [{n}]")
    return found


def verify_draft(
    draft: str, sources: Mapping[int, Source], embed: Callable[[list[str]], np.ndarray], rules: Rules = DEFAULT_RULES
) -> list[Check]:
    """Check every sentence of ``draft``; the sentences are embedded in one call. A draft written from a single
    passage needs no markers: its sentences cite that passage."""
    only = next(iter(sources)) if len(sources) == 1 else None
    sentences = list(dict.fromkeys(draft_sentences(draft)))  # a small model repeats itself; a repeat is not news
    if not sentences:
        return []
    vectors = np.asarray(embed([citations(s)[0] or s for s in sentences]), dtype=np.float32)
    return [check_sentence(s, v, sources, rules, only) for s, v in zip(sentences, vectors)]


def enough(checks: Sequence[Check], rules: Rules = DEFAULT_RULES) -> bool:
    """Whether what survives is worth showing instead of the extractive answer."""
    kept = sum(c.supported for c in checks)
    return kept >= rules.min_kept and kept >= rules.min_kept_share * len(checks)
