"""Retrieve: dense search in Chroma (through langchain_chroma) fused with BM25 over the same passages.

Dense-first fusion: a passage scores its best cosine over the question's readings plus
``keyword_weight`` times its BM25 score relative to the best BM25 score of the query. Reciprocal rank
fusion lost dense's rank-1 wins on user-style questions (README, "Retrieval and answers").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .bm25 import BM25
from .embeddings import Embedder
from .index import passages_from_collection, sentence_ids
from .passages import is_evidence_section, is_meta_sentence
from .text import split_sentences


@dataclass(frozen=True)
class Hit:
    passage_id: str
    text: str
    meta: dict
    dense: float  # cosine similarity to the query
    bm25: float
    fused: float


class HybridRetriever:
    """Holds the served generation: a Chroma vector store, BM25 state and passage vectors."""

    def __init__(
        self, client, passages_collection, sentences_collection, embedder: Embedder, keyword_weight: float = 0.1
    ):
        from langchain_chroma import Chroma

        self.passages = passages_collection
        self.sentences = sentences_collection
        self.vectorstore = Chroma(
            client=client, collection_name=passages_collection.name, embedding_function=embedder.lc
        )
        self.ids, self.docs, self.metas = passages_from_collection(passages_collection)
        self.position = {pid: i for i, pid in enumerate(self.ids)}
        # a passage made only of sentences about the page ("Source: ...") has nothing to quote: never a hit
        self.quotable = [not all(is_meta_sentence(t) for t in split_sentences(d)) for d in self.docs]
        # vectors of the (few) passages of role-tagged articles, for best_of_role; the rest stay in Chroma
        self.role_rows: dict[str, tuple[list[int], np.ndarray]] = {}
        for role in sorted({m.get("role", "content") for m in self.metas} - {"content"}):
            rows = [i for i, m in enumerate(self.metas) if m.get("role") == role and self.quotable[i]]
            self.role_rows[role] = (rows, self._vectors(rows))
        # and of the sections that say what the evidence shows, for questions about whether massage works
        evidence = [
            i for i, m in enumerate(self.metas) if is_evidence_section(m.get("section", "")) and self.quotable[i]
        ]
        self.role_rows["evidence"] = (evidence, self._vectors(evidence))
        self.bm25 = BM25([f"{m.get('section', '')}: {d}" for d, m in zip(self.docs, self.metas)])
        self.keyword_weight = keyword_weight

    def __len__(self) -> int:
        return len(self.ids)

    def dense(self, query_vec: np.ndarray, k: int) -> list[tuple[int, float]]:
        found = self.vectorstore.similarity_search_by_vector_with_relevance_scores(
            query_vec.tolist(), k=min(k, len(self.ids))
        )
        # langchain_chroma returns the collection's distance; the collection is cosine, so similarity = 1 - distance
        return [(self.position[doc.id], 1.0 - float(distance)) for doc, distance in found if doc.id in self.position]

    def retrieve(self, keywords: str, query_vecs: np.ndarray, k: int, candidates: int) -> list[Hit]:
        """The k best passages for the question readings ``query_vecs`` (one row each) and ``keywords``."""
        if not self.ids:
            return []
        query_vecs = np.atleast_2d(query_vecs)
        dense_score: dict[int, float] = {}
        for vec in query_vecs:
            for i, score in self.dense(vec, candidates):
                dense_score[i] = max(score, dense_score.get(i, -1.0))
        lexical = self.bm25.top(keywords, candidates)
        bm25_score = dict(lexical)
        top_bm25 = max(bm25_score.values(), default=0.0) or 1.0
        missing = [i for i in bm25_score if i not in dense_score]  # found by BM25 only: score them exactly
        if missing:
            dense_score.update(zip(missing, (self._vectors(missing) @ query_vecs.T).max(axis=1).tolist()))
        fused = {
            i: d + self.keyword_weight * bm25_score.get(i, 0.0) / top_bm25
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
            )
            for i in order
        ]

    @property
    def term_weights(self) -> dict[str, float]:
        """idf of every term in the passages (for lexical checks downstream)."""
        return self.bm25.idf

    def _vectors(self, rows: list[int]) -> np.ndarray:
        if not rows:
            return np.zeros((0, 0), dtype=np.float32)
        got = self.passages.get(ids=[self.ids[i] for i in rows], include=["embeddings"])
        by_id = dict(zip(got["ids"], got["embeddings"]))
        return np.asarray([by_id[self.ids[i]] for i in rows], dtype=np.float32)

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

    def sentence_vectors(self, passage_ids: list[str]) -> dict[str, list[tuple[int, str, np.ndarray]]]:
        """Pre-computed sentence vectors of the given passages: pid -> [(k, sentence, vector)] in order.

        Looked up by id (``<passage id>::s<k>``; each passage stores its sentence count): a metadata
        filter slows down as the sentence collection grows (22 ms against 1.4 ms at 174k sentences)."""
        if not passage_ids:
            return {}
        metas = [self.metas[self.position[pid]] for pid in passage_ids]
        if all("n_sentences" in m for m in metas):
            got = self.sentences.get(
                ids=sentence_ids(list(passage_ids), metas), include=["documents", "metadatas", "embeddings"]
            )
        else:  # an index built before sentence counts were stored
            got = self.sentences.get(
                where={"passage_id": {"$in": list(passage_ids)}}, include=["documents", "metadatas", "embeddings"]
            )
        out: dict[str, list[tuple[int, str, np.ndarray]]] = {}
        for doc, meta, vec in zip(got["documents"], got["metadatas"], got["embeddings"]):
            out.setdefault(meta["passage_id"], []).append((int(meta["k"]), doc, np.asarray(vec, dtype=np.float32)))
        for items in out.values():
            items.sort(key=lambda t: t[0])
        return out
