"""Hybrid retrieval: dense search over the served index fused with BM25 over the same passages.

Dense-first fusion: a passage scores its best cosine over the question's readings plus
``keyword_weight`` times its BM25 score relative to the best BM25 score of the query. Reciprocal rank
fusion lost dense's rank-1 wins on user-style questions (README, "Retrieval and answers").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..ingest.passages import is_evidence_section, is_meta_sentence
from ..store import SentenceVectors, ServedIndex
from ..text import split_sentences
from .bm25 import BM25


@dataclass(frozen=True)
class Hit:
    passage_id: str
    text: str
    meta: dict
    dense: float  # cosine similarity to the query
    bm25: float
    fused: float
    # the sidecar questions of this passage closest to the query: (sentence number, cosine), best per sentence
    asked: tuple[tuple[int, float], ...] = ()

    @property
    def asked_best(self) -> float:
        return max((sim for _, sim in self.asked), default=0.0)


def closest_questions(rows: list[int], ks: list[int], sims: np.ndarray, limit: int = 24) -> dict[int, dict[int, float]]:
    """passage row -> {sentence number: best cosine of a question that sentence answers}, over the ``limit``
    closest sidecar questions (``sims``: one row per question, one column per reading of the user's question)."""
    best = np.atleast_2d(sims.T).max(axis=0)
    out: dict[int, dict[int, float]] = {}
    for j in np.argsort(-best, kind="stable")[:limit]:
        row, k, sim = rows[j], ks[j], float(best[j])
        if sim > out.setdefault(row, {}).get(k, -1.0):
            out[row][k] = sim
    return out


class HybridRetriever:
    """The served index plus what retrieval keeps in memory: BM25 state and the vectors of the few passages
    that some questions must always see (safety articles, evidence sections)."""

    def __init__(self, served: ServedIndex, keyword_weight: float = 0.1, question_offset: float = 0.1):
        self.served = served
        self.generation = served.generation
        self.ids, self.docs, self.metas = served.ids, served.docs, served.metas
        # a passage made only of sentences about the page ("Source: ...") has nothing to quote: never a hit
        self.quotable = [not all(is_meta_sentence(t) for t in split_sentences(d)) for d in self.docs]
        # vectors of the (few) passages of role-tagged articles, for best_of_role; the rest stay in the store
        self.role_rows: dict[str, tuple[list[int], np.ndarray]] = {}
        for role in sorted({m.get("role", "content") for m in self.metas} - {"content"}):
            rows = [i for i, m in enumerate(self.metas) if m.get("role") == role and self.quotable[i]]
            self.role_rows[role] = (rows, served.passage_vectors(rows))
        # and of the sections that say what the evidence shows, for questions about whether massage works
        evidence = [
            i for i, m in enumerate(self.metas) if is_evidence_section(m.get("section", "")) and self.quotable[i]
        ]
        self.role_rows["evidence"] = (evidence, served.passage_vectors(evidence))
        self.bm25 = BM25([f"{m.get('section', '')}: {d}" for d, m in zip(self.docs, self.metas)])
        self.keyword_weight = keyword_weight
        # the questions the sidecars say each sentence answers (none: an empty matrix, nothing changes)
        self.questions = served.question_vectors()
        self.question_offset = question_offset

    def __len__(self) -> int:
        return len(self.ids)

    def retrieve(self, keywords: str, query_vecs: np.ndarray, k: int, candidates: int) -> list[Hit]:
        """The k best passages for the question readings ``query_vecs`` (one row each) and ``keywords``."""
        if not self.ids:
            return []
        query_vecs = np.atleast_2d(query_vecs)
        dense_score: dict[int, float] = {}
        for vec in query_vecs:
            for i, score in self.served.dense_search(vec, candidates):
                dense_score[i] = max(score, dense_score.get(i, -1.0))
        lexical = self.bm25.top(keywords, candidates)
        bm25_score = dict(lexical)
        top_bm25 = max(bm25_score.values(), default=0.0) or 1.0
        missing = [i for i in bm25_score if i not in dense_score]  # found by BM25 only: score them exactly
        if missing:
            dense_score.update(zip(missing, (self.served.passage_vectors(missing) @ query_vecs.T).max(axis=1).tolist()))
        asked = self._asked(query_vecs)
        missing = [i for i in asked if i not in dense_score]  # found by a sidecar question only
        if missing:
            dense_score.update(zip(missing, (self.served.passage_vectors(missing) @ query_vecs.T).max(axis=1).tolist()))
        # a passage is as close as its text, or as one of the questions it answers (on the passages' scale:
        # question-to-question cosines run higher by about ``question_offset``)
        fused = {
            i: max(d, max(asked.get(i, {0: -1.0}).values()) - self.question_offset)
            + self.keyword_weight * bm25_score.get(i, 0.0) / top_bm25
            for i, d in dense_score.items()
            if self.quotable[i]
        }
        order = sorted(fused, key=lambda i: (-fused[i], self.ids[i]))[:k]
        return [
            Hit(
                passage_id=self.ids[i],
                text=self.docs[i],
                meta=self.metas[i],
                dense=float(dense_score[i]),
                bm25=bm25_score.get(i, 0.0),
                fused=fused[i],
                asked=tuple(sorted(asked.get(i, {}).items())),
            )
            for i in order
        ]

    def _asked(self, query_vecs: np.ndarray) -> dict[int, dict[int, float]]:
        if not len(self.questions):
            return {}
        return closest_questions(self.questions.rows, self.questions.ks, self.questions.vectors @ query_vecs.T)

    @property
    def term_weights(self) -> dict[str, float]:
        """idf of every term in the passages (for lexical checks downstream)."""
        return self.bm25.idf

    def best_of_role(self, query_vec: np.ndarray, role: str, k: int) -> list[Hit]:
        """The k passages of articles with this front-matter role closest to the query (exact search)."""
        rows, vectors = self.role_rows.get(role, ([], None))
        if not rows:
            return []
        scores = (vectors @ np.atleast_2d(query_vec).T).max(axis=1)
        order = np.argsort(-scores, kind="stable")[:k]
        return [
            Hit(
                passage_id=self.ids[rows[j]],
                text=self.docs[rows[j]],
                meta=self.metas[rows[j]],
                dense=float(scores[j]),
                bm25=0.0,
                fused=0.0,
            )
            for j in order
        ]

    def sentence_vectors(self, passage_ids: list[str]) -> SentenceVectors:
        """Pre-computed sentence vectors of the given passages: pid -> [(k, sentence, vector)] in order."""
        return self.served.sentence_vectors(passage_ids)
