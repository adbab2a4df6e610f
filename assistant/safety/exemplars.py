"""Optional: embedding similarity to labelled exemplars, as a second net behind the rules.

Only used when the caller passes ``embed`` (list[str] -> array of L2-normalised vectors). It can only
add signs, never remove them. A clause that carries a negation cue is skipped, because sentence
embeddings barely tell "no numbness in my groin" from "numbness in my groin".
Measured in evals/bench/safety.py (see the report there); off by default.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from .rules import CODE_LEVEL
from .clauses import NEGATION_CUE, PSEUDO_NEGATION, clauses, fold_for_rules

THRESHOLD = 0.78

# Plain-language exemplars written by the project team, one list per reason code.
EXEMPLARS: dict[str, tuple[str, ...]] = {
    "saddle_numbness": (
        "numbness around my genitals",
        "I can't feel anything between my legs",
        "my bottom feels numb when I sit on the toilet",
        "it feels strange when I wipe myself",
        "tingling around my back passage",
    ),
    "bladder": (
        "I wet myself",
        "I can't control my bladder",
        "I can't pee even though I need to",
        "I'm leaking urine",
        "I don't know when my bladder is full",
    ),
    "bowel": ("I soiled myself", "I can't control my bowels", "I didn't feel myself pooing"),
    "both_legs": ("sciatica in both legs", "both of my legs are numb", "pain down both legs at once"),
    "sexual_dysfunction": ("I can't get an erection since my back pain", "no feeling during sex"),
    "severe_weakness": ("my legs gave way and I can't stand", "my leg is suddenly very weak", "I can't move my leg"),
    "foot_drop": ("my foot slaps on the floor when I walk", "my toes catch and I trip", "I can't lift my foot up"),
    "trauma": ("I fell and hurt my back", "I was in a car accident", "I hurt my back in a fall"),
    "fever": ("I have a fever and back pain", "I'm shivering with a high temperature"),
    "cancer_history": ("I had cancer before", "I'm having cancer treatment"),
    "weight_loss": ("I'm losing weight without trying",),
    "night_pain": ("the pain is worse at night", "the pain wakes me up at night", "it hurts even when I rest"),
    "possible_dvt": ("my calf is swollen red and hot", "my lower leg is swollen and warm"),
}

_cache: dict[int, tuple[Callable, list[str], np.ndarray]] = {}


def _exemplar_matrix(embed: Callable[[list[str]], np.ndarray]) -> tuple[list[str], np.ndarray]:
    hit = _cache.get(id(embed))
    if hit is not None and hit[0] is embed:
        return hit[1], hit[2]
    codes = [c for c, texts in EXEMPLARS.items() for _ in texts]
    matrix = np.asarray(embed([t for texts in EXEMPLARS.values() for t in texts]), dtype=np.float32)
    _cache[id(embed)] = (embed, codes, matrix)
    return codes, matrix


def embedding_signs(
    texts: list[str], embed: Callable[[list[str]], np.ndarray], threshold: float | None = None
) -> list[tuple[str, str]]:
    """(code, level) pairs for clauses whose best exemplar similarity reaches ``threshold`` (default THRESHOLD)."""
    threshold = THRESHOLD if threshold is None else threshold
    pieces = []
    for text in texts:
        for cl in clauses(fold_for_rules(text)):
            if NEGATION_CUE.search(PSEUDO_NEGATION.sub(" ", cl.text)) is None and len(cl.text.split()) >= 2:
                pieces.append(cl.text)
    if not pieces:
        return []
    codes, matrix = _exemplar_matrix(embed)
    sims = np.asarray(embed(pieces), dtype=np.float32) @ matrix.T
    found: dict[str, str] = {}
    for row in sims:
        best = int(row.argmax())
        if row[best] >= threshold:
            found.setdefault(codes[best], CODE_LEVEL[codes[best]])
    return list(found.items())


__all__ = ["EXEMPLARS", "THRESHOLD", "embedding_signs"]
