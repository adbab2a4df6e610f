"""A learned second net behind the rules: it can raise the triage level, never lower it.

The rules (``rules.py``, the language files) catch the wordings they were written from. Ten blind batches in a row
showed them missing about one emergency in three written in new dialect or slang. This net is a linear model over
character and word n-grams, learned from every labelled question in ``evals/`` (the sets and the blind batches), in
English, Spanish and Korean. ``python -m evals.train_safety_net`` writes ``net.npz`` beside this file; the README
("Safety", "A learned second net") gives the measurements behind it.

It answers two questions about the user's words: is this an emergency, and is it urgent or worse. Each has a
threshold chosen on the training data alone (at most 2% of the look-alike "none" questions escalated, out of fold).
When the rules already reach that level, nothing changes. When they do not, the level rises and the reason is
``possible_emergency`` or ``possible_urgent``: the net does not say which sign it saw, so the reply names the signs
in general.

Pure and small: the n-grams are cut here (the same function the trainer uses), looked up in the stored vocabulary and
weighted by tf-idf; no scikit-learn at run time. About a millisecond a question.
"""

from __future__ import annotations

import json
import logging
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

NET_PATH = Path(__file__).with_name("net.npz")
_log = logging.getLogger(__name__)
CODES = {"emergency": "possible_emergency", "urgent": "possible_urgent"}
_WORD = re.compile(r"\w+")
# What the net was trained on: sciatica, the back, the legs and bottom, and the bladder, bowel and sex. A message that
# names none of these (in English, Spanish or Korean) is not read by it: "I can't lift my arm since my shoulder injury
# and my hand goes numb at night" scored like an emergency. The rules still read every message.
DOMAIN = re.compile(
    r"sciati|siatic|sigh ?attic|\bback\b|\bbacks\b|spine|spinal|lumbar|\bdisc|\bdisk|\blegs?\b|\bthighs?\b|\bcalf"
    r"|\bcalves\b|\bfoot\b|\bfeet\b|\bknees?\b|\bhips?\b|buttock|\bbum\b|\bbottom\b|backside|\bbutt\b|\barse"
    r"|\bglute|groin|genital|privates|down there|down below|down yonder|\bsaddle|\bwip(?:e|es|ed|ing)\b|toilet|\bloo\b"
    r"|lavatory|bladder|bowel|\burin|\bpee|\bwee\b|\bwee(?:s|d|ing)\b|\bpoo|\bpoop|\bstool|pants|trousers|knickers"
    r"|underwear|drawers|\bpads?\b|\bsex|erection|intima|cauda|wet myself|wet the bed"
    r"|ciatic|espalda|columna|lumbar|pierna|muslo|pantorrilla|\bpies?\b|rodilla|cadera|nalga|gluteo|trasero|\bcola\b"
    r"|entrepierna|\bano\b|genital|orin|\bpis\b|pipi|vejiga|\bbano\b|baño|caca|intestin|vientre|papel|relaciones"
    r"|erecci"
    r"|좌골|신경통|허리|디스크|척추|다리|허벅지|종아리|무릎|발|엉덩|궁둥|골반|사타구니|항문|성기|생식기|소변|오줌|대변|똥"
    r"|화장실|요실금|변실금|발기|부부관계|관계",
    re.IGNORECASE,
)


def about_the_domain(text: str) -> bool:
    """Does the text name the back, legs, bottom, bladder, bowel or sex (``DOMAIN``)? Accents are taken off for the
    Spanish words ("ciática") and the text composed again, so Hangul stays whole."""
    return DOMAIN.search(unicodedata.normalize("NFC", _strip_accents(unicodedata.normalize("NFKC", text)))) is not None


def _strip_accents(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def _word_grams(word: str) -> tuple[str, ...]:
    """Character 2- to 5-grams of one lower-cased word, padded with spaces, and again without accents if it has them.
    Words of ordinary length are cached; a long run of characters (pasted junk) is not."""
    return _cached_grams(word) if len(word) <= 40 else _grams(word)


@lru_cache(maxsize=16384)
def _cached_grams(word: str) -> tuple[str, ...]:
    return _grams(word)


def _grams(word: str) -> tuple[str, ...]:
    variants = [("c", word)]
    plain = word if word.isascii() else _strip_accents(word)
    if plain != word:
        variants.append(("s", plain))
    grams: list[str] = []
    for tag, w in variants:
        padded = f" {w} "
        size = len(padded)
        for n in range(2, 6):
            grams.extend(tag + padded[i : i + n] for i in range(size - n + 1))
    return tuple(grams)


def _words(text: str) -> tuple[list[str], list[str]]:
    lowered = unicodedata.normalize("NFKC", text).lower()
    return lowered.split(), _WORD.findall(lowered)


def _word_features(words: list[str]) -> list[str]:
    return ["w " + w for w in words] + [f"w {a} {b}" for a, b in zip(words, words[1:])]


def features(text: str) -> list[str]:
    """The n-grams the net reads: character 2- to 5-grams of each word (padded with spaces), again without accents
    for a word that has them, and words and word pairs. The trainer uses this same function."""
    tokens, words = _words(text)
    grams = [g for token in tokens for g in _word_grams(token)]
    return grams + _word_features(words)


@dataclass(frozen=True)
class LearnedNet:
    vocabulary: dict[str, int]
    idf: np.ndarray
    weights: np.ndarray  # (2, n): the emergency row, then the urgent-or-above row
    bias: np.ndarray  # (2,)
    thresholds: np.ndarray  # (2,)
    meta: dict
    _seen: dict[str, tuple[int, ...]] = field(default_factory=dict, repr=False, compare=False)

    def _indices(self, token: str) -> tuple[int, ...]:
        """The vocabulary indices of one word's character n-grams (cached: words recur from question to question)."""
        found = self._seen.get(token)
        if found is None:
            vocabulary = self.vocabulary
            found = tuple(i for g in _word_grams(token) if (i := vocabulary.get(g)) is not None)
            if len(token) <= 40 and len(self._seen) < 50_000:
                self._seen[token] = found
        return found

    def scores(self, text: str) -> np.ndarray:
        """The two decision values, each minus its threshold: above 0 means that level. Reads the same n-grams as
        ``features`` (a test checks both ways agree)."""
        tokens, words = _words(text)
        counts = Counter(i for token in tokens for i in self._indices(token))
        counts.update(i for g in _word_features(words) if (i := self.vocabulary.get(g)) is not None)
        if not counts:
            return np.full(2, -np.inf)
        index = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        tf = np.fromiter((1.0 + math.log(c) for c in counts.values()), dtype=np.float32, count=len(counts))
        values = tf * self.idf[index]
        values /= max(float(np.linalg.norm(values)), 1e-12)
        return self.weights[:, index] @ values + self.bias - self.thresholds

    def reading(self, text: str) -> tuple[str, float]:
        """ "emergency", "urgent" or "none" for this text, and how far the emergency score is above its threshold."""
        if not text.strip() or not about_the_domain(text):
            return "none", -math.inf
        em, up = (float(x) for x in self.scores(text))
        return ("emergency" if em > 0 else "urgent" if up > 0 else "none"), em

    def level(self, text: str) -> str:
        """ "emergency", "urgent" or "none" for this text."""
        return self.reading(text)[0]


def load_net(path: Path = NET_PATH) -> LearnedNet | None:
    """The stored net, or None when there is no file (a clinic may delete it to run the rules alone) or the file is
    not a whole, consistent net (then the rules run alone and the log says why)."""
    if not path.is_file():
        return None
    try:
        with np.load(path) as data:
            terms = bytes(data["vocabulary"]).decode("utf-8").split("\n")
            net = LearnedNet(
                vocabulary={t: i for i, t in enumerate(terms)},
                idf=data["idf"].astype(np.float32),
                weights=data["weights"].astype(np.float32),
                bias=data["bias"].astype(np.float32),
                thresholds=data["thresholds"].astype(np.float32),
                meta=json.loads(bytes(data["meta"]).decode("utf-8")),
            )
    except Exception as exc:  # a damaged file must not break triage: the rules still run
        _log.warning("learned safety net %s not loaded (%s); the rules run alone", path, exc)
        return None
    n = len(net.vocabulary)
    if net.idf.shape != (n,) or net.weights.shape != (2, n) or net.bias.shape != (2,) or net.thresholds.shape != (2,):
        _log.warning("learned safety net %s does not fit together; the rules run alone", path)
        return None
    return net


@lru_cache(maxsize=1)
def default_net() -> LearnedNet | None:
    return load_net()


__all__ = ["CODES", "LearnedNet", "NET_PATH", "about_the_domain", "default_net", "features", "load_net"]
