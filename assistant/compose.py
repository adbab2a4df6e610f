"""Compose a grounded, extractive answer: verbatim sentences from the retrieved passages, each cited.

No language model is involved. Given the retrieved passages and their pre-computed sentence
vectors, it picks the few sentences closest to the question, keeps them word for word, orders
them (most relevant passage first, then the article's own order) and numbers the citations.
When nothing is close enough it says so (``not_covered``) rather than stretching a weak match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .retrieve import Hit
from .schema import Citation

# A sentence that points back early on ("These neurotransmitters ...", "Massage causes them ...")
# needs the one before it to make sense.
_LEANS_BACK = re.compile(r"^(?:[\w'-]+\s+){0,2}(this|these|those|it|they|them|such|both)\b", re.IGNORECASE)


# Questions that say nothing beyond "massage / sciatica". The part of a user's question that lies
# along these directions is only "on topic"; what is left is what the question is really about.
# A passage must match that remainder: this is how "Does yoga help sciatica?" is told apart from
# "Does massage ease stress?" (see README, "Saying not covered").
GENERIC_QUESTIONS = (
    "massage for sciatica",
    "how can massage help sciatica pain",
    "sciatica",
    "does it help sciatica?",
    "is it good for sciatica?",
    "what helps sciatica?",
)


@dataclass(frozen=True)
class ComposeSettings:
    min_passage_score: float
    min_sentence_score: float
    min_specificity: float
    specificity_weight: float
    generic_remainder: float
    max_sentences: int
    margin: float


@dataclass(frozen=True)
class Composed:
    outcome: str  # "answer" or "not_covered"
    text: str
    citations: list[Citation]


def not_covered_text() -> str:
    return (
        "The curated articles I answer from do not cover this question, so I can't give you a reliable answer. "
        "A healthcare provider, such as your GP or a physiotherapist, can advise you."
    )


def generic_basis(generic_vecs: np.ndarray) -> np.ndarray:
    """Orthonormal basis (dim x n) of the directions the generic questions span."""
    basis, _ = np.linalg.qr(np.asarray(generic_vecs, dtype=np.float32).T)
    return basis.astype(np.float32)


def specific_part(query_vecs: np.ndarray, basis: np.ndarray | None) -> tuple[np.ndarray, float]:
    """The query vectors with their generic ("massage", "sciatica") component removed and
    re-normalised, and how much of the question was left (largest remainder norm, 0..1)."""
    if basis is None or not basis.size:
        return query_vecs, 1.0
    rest = query_vecs - (query_vecs @ basis) @ basis.T
    norms = np.linalg.norm(rest, axis=1, keepdims=True)
    return rest / np.maximum(norms, 1e-9), float(norms.max())


def compose_answer(
    hits: list[Hit],
    sentence_vectors: dict[str, list[tuple[int, str, np.ndarray]]],
    query_vecs: np.ndarray,
    cfg: ComposeSettings,
    basis: np.ndarray | None = None,
) -> Composed:
    """Pick and cite sentences.

    ``query_vecs`` holds one row per reading of the question: the question itself and, for a
    follow-up, the question read with the previous one. Each sentence of a retrieved passage
    (passage cosine >= min_passage_score) gets a similarity (best cosine over the readings) and a
    specificity: its cosine with what is left of the question once the generic directions in
    ``basis`` are removed. Only sentences with similarity >= min_sentence_score and specificity
    >= min_specificity can be cited (none: the question is not covered; a question that is itself
    generic, with less than ``generic_remainder`` left outside the generic directions, skips the
    specificity test); they rank by similarity
    plus ``specificity_weight`` times specificity, and those within ``margin`` of the best are cited."""
    query_vecs = np.atleast_2d(query_vecs)
    specific, remainder = specific_part(query_vecs, basis)
    # "Can massage help sciatica?" is itself generic: nothing specific is left to match, so the
    # general sentences that answer it may be cited on similarity alone.
    min_specificity = cfg.min_specificity if remainder >= cfg.generic_remainder else -1.0
    scored: list[tuple[float, int, int]] = []  # (rank score, hit index, sentence k)
    similarity: dict[tuple[int, int], float] = {}
    specificity = -1.0
    for h, hit in enumerate(hits):
        if hit.dense < cfg.min_passage_score:
            continue
        for k, _text, vec in sentence_vectors.get(hit.passage_id, []):
            sim = float((query_vecs @ vec).max())
            spec = float((specific @ vec).max())
            specificity = max(specificity, spec)
            if sim >= cfg.min_sentence_score and spec >= min_specificity:
                scored.append((sim + cfg.specificity_weight * spec, h, k))
                similarity[(h, k)] = sim
    if not scored:
        return Composed("not_covered", not_covered_text(), [])
    scored.sort(key=lambda t: (-t[0], t[1], t[2]))
    best = scored[0][0]

    floor = best - cfg.margin
    chosen: dict[int, dict[int, float]] = {}
    for score, h, k in scored:
        if score < floor or sum(len(v) for v in chosen.values()) >= cfg.max_sentences:
            break
        chosen.setdefault(h, {})[k] = score
    # keep a pointing-back sentence readable by adding its antecedent
    for h, picks in chosen.items():
        sentences = {k: t for k, t, _ in sentence_vectors[hits[h].passage_id]}
        for k in list(picks):
            if k > 0 and k - 1 not in picks and _LEANS_BACK.match(sentences[k]):
                picks[k - 1] = picks[k]

    passage_order = sorted(chosen, key=lambda h: (-max(chosen[h].values()), h))
    parts: list[str] = []
    citations: list[Citation] = []
    for n, h in enumerate(passage_order, start=1):
        hit = hits[h]
        spans = _spans(hit.text, [t for _, t, _ in sentence_vectors[hit.passage_id]])
        ks = sorted(chosen[h])
        for k in ks:
            s, e = spans[k]
            parts.append(f"{hit.text[s:e]} [{n}]")
        quote = hit.text[spans[ks[0]][0] : spans[ks[-1]][1]]
        citations.append(
            Citation(
                n=n,
                passage_id=hit.passage_id,
                article=hit.meta.get("article", ""),
                section=hit.meta.get("section", ""),
                quote=quote,
                source=hit.meta.get("source", ""),
                score=round(max(similarity.get((h, k), 0.0) for k in chosen[h]), 4),  # cosine, 0..1
                passage=hit.text,
                evidence_note=hit.meta.get("evidence_note", ""),
                attribution=hit.meta.get("attribution", ""),
            )
        )
    return Composed("answer", " ".join(parts), citations)


def _spans(text: str, sentences: list[str]) -> list[tuple[int, int]]:
    """Locate each stored sentence inside its passage, in order (they are verbatim substrings)."""
    spans: list[tuple[int, int]] = []
    cursor = 0
    for sentence in sentences:
        start = text.find(sentence, cursor)
        if start < 0:  # should not happen; fall back to a search from the start
            start = text.find(sentence)
        spans.append((start, start + len(sentence)))
        cursor = start + len(sentence)
    return spans
