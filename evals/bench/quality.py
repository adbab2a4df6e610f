"""Retrieval quality on MedQuAD's own questions: each question's relevant passage is its answer.

A ranking is a list of article slugs, best first (one entry per retrieved passage or chunk). The
rank of a question is the 1-based position of the first entry equal to ``answer_of[qid]``, or
``None`` when it is not in the list. Shared by ``evals/bench/run.py`` and the MedQuAD slice test.
"""

from __future__ import annotations

import random
import statistics
from typing import Iterable, Sequence

from assistant.evaluate.stats import percentile


def sample_questions(rows: list[dict], n: int, seed: int = 13) -> list[dict]:
    """A seeded sample of rows (all of them when n >= len(rows)), in a stable order."""
    if n >= len(rows):
        return list(rows)
    return random.Random(seed).sample(rows, n)


def document_slice(rows: list[dict], n: int, seed: int = 6, max_answer_chars: int | None = None) -> list[dict]:
    """About n rows made of whole MedQuAD documents (all the questions of each), documents in a seeded
    order. Sibling questions ("What causes X?", "What are the symptoms of X?") compete for the same
    disease name, which makes the slice far harder than n unrelated questions."""
    documents: dict[str, list[dict]] = {}
    for row in rows:
        if max_answer_chars is None or len(row["answer"]) <= max_answer_chars:
            documents.setdefault(row["id"].rsplit("/", 1)[0], []).append(row)
    order = sorted(documents)
    random.Random(seed).shuffle(order)
    out: list[dict] = []
    for doc in order:
        if len(out) >= n:
            break
        out += documents[doc]
    return out[:n]


def first_rank(slugs: Sequence[str], target: str) -> int | None:
    for position, slug in enumerate(slugs, start=1):
        if slug == target:
            return position
    return None


def summarise(ranks: Iterable[int | None], recall_at: Sequence[int] = (1, 4, 5, 10), mrr_at: Sequence[int] = (4, 10)) -> dict:
    """recall@k (share of questions with the answer within the first k) and MRR@k."""
    ranks = list(ranks)
    n = len(ranks) or 1
    out: dict[str, float | int] = {"questions": len(ranks)}
    for k in recall_at:
        out[f"recall@{k}"] = sum(1 for r in ranks if r is not None and r <= k) / n
    for k in mrr_at:
        out[f"mrr@{k}"] = sum(1.0 / r for r in ranks if r is not None and r <= k) / n
    return out


def percentiles(values: Sequence[float], qs: Sequence[float] = (0.50, 0.95, 0.99)) -> dict:
    """Nearest-rank percentiles (p50/p95/p99) plus mean and count; empty input gives zeros."""
    if not values:
        return {"n": 0, **{f"p{int(round(q * 100))}": 0.0 for q in qs}, "mean": 0.0}
    out: dict[str, float] = {"n": len(values)}
    for q in qs:
        out[f"p{int(round(q * 100))}"] = round(percentile(values, q * 100) or 0.0, 3)
    out["mean"] = round(statistics.fmean(values), 3)
    return out


__all__ = ["document_slice", "sample_questions", "first_rank", "summarise", "percentiles"]
