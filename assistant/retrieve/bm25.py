"""Okapi BM25 over the passages, with an inverted index so a query touches only its terms' postings.

Written in-house (about forty lines) instead of pulling in ``langchain_community``, which is being
sunset, or ``rank_bm25``, which scores every document for every query term.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import numpy as np

from ..text import content_terms


class BM25:
    def __init__(self, texts: list[str], k1: float = 1.2, b: float = 0.75):
        self.k1, self.b = k1, b
        self.n = len(texts)
        self.lengths = np.zeros(self.n, dtype=np.float32)
        postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for i, text in enumerate(texts):
            counts = Counter(content_terms(text))
            self.lengths[i] = sum(counts.values())
            for term, tf in counts.items():
                postings[term].append((i, tf))
        self.avg_len = float(self.lengths.mean()) if self.n else 0.0
        self.postings = {
            t: (np.array([i for i, _ in p], dtype=np.int32), np.array([tf for _, tf in p], dtype=np.float32))
            for t, p in postings.items()
        }
        self.idf = {t: math.log(1 + (self.n - len(p) + 0.5) / (len(p) + 0.5)) for t, p in postings.items()}
        self._norm = self.k1 * (1 - self.b + self.b * self.lengths / max(self.avg_len, 1e-9))

    def scores(self, query: str) -> np.ndarray:
        out = np.zeros(self.n, dtype=np.float32)
        for term in set(content_terms(query)):
            if term not in self.postings:
                continue
            docs, tf = self.postings[term]
            out[docs] += self.idf[term] * tf * (self.k1 + 1) / (tf + self._norm[docs])
        return out

    def top(self, query: str, k: int) -> list[tuple[int, float]]:
        scores = self.scores(query)
        if not scores.any():
            return []
        k = min(k, int((scores > 0).sum()))
        idx = np.argpartition(-scores, k - 1)[:k]
        idx = idx[np.argsort(-scores[idx], kind="stable")]
        return [(int(i), float(scores[i])) for i in idx]
