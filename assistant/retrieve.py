"""Retrieve: dense search in Chroma (through langchain_chroma) fused with BM25 over the same passages.

Fusion is reciprocal rank fusion (RRF, k=60): it needs no score calibration between cosine
similarities and BM25 scores, which live on different scales. See README "Retrieval" for the
measurement behind the choice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .bm25 import BM25
from .embeddings import Embedder
from .index import passages_from_collection

# A follow-up leans on the previous turn: it opens with a connective or points back with a pronoun.
_FOLLOW_UP = re.compile(
    r"^\s*(and|but|also|so|or|then|what about|how about|what else|which one|same)\b"
    r"|\b(it|its|that|this|those|these|they|them|one|ones|which one|the other|either|both)\b",
    re.IGNORECASE,
)


def is_follow_up(question: str) -> bool:
    return bool(_FOLLOW_UP.search(question)) and len(question.split()) <= 20


def retrieval_query(question: str, history: list[dict]) -> str:
    """The text to retrieve with: a follow-up is read together with the previous user question."""
    previous = [m["content"] for m in history if m.get("role") == "user" and m.get("content")]
    if previous and is_follow_up(question):
        return f"{previous[-1]} {question}"
    return question


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

    def __init__(self, client, passages_collection, sentences_collection, embedder: Embedder, rrf_k: int = 60):
        from langchain_chroma import Chroma

        self.sentences = sentences_collection
        self.vectorstore = Chroma(client=client, collection_name=passages_collection.name, embedding_function=embedder.lc)
        self.ids, self.docs, self.metas, self.vectors = passages_from_collection(passages_collection)
        self.position = {pid: i for i, pid in enumerate(self.ids)}
        self.bm25 = BM25([f"{m.get('section', '')}: {d}" for d, m in zip(self.docs, self.metas)])
        self.rrf_k = rrf_k

    def __len__(self) -> int:
        return len(self.ids)

    def dense(self, query_vec: np.ndarray, k: int) -> list[tuple[int, float]]:
        found = self.vectorstore.similarity_search_by_vector_with_relevance_scores(query_vec.tolist(), k=min(k, len(self.ids)))
        # langchain_chroma returns the collection's distance; the collection is cosine, so similarity = 1 - distance
        return [(self.position[doc.id], 1.0 - float(distance)) for doc, distance in found if doc.id in self.position]

    def retrieve(self, query_text: str, query_vec: np.ndarray, k: int, candidates: int) -> list[Hit]:
        if not self.ids:
            return []
        dense = self.dense(query_vec, candidates)
        lexical = self.bm25.top(query_text, candidates)
        fused: dict[int, float] = {}
        for ranking in (dense, lexical):
            for rank, (i, _) in enumerate(ranking):
                fused[i] = fused.get(i, 0.0) + 1.0 / (self.rrf_k + rank + 1)
        dense_score = dict(dense)
        bm25_score = dict(lexical)
        order = sorted(fused, key=lambda i: (-fused[i], self.ids[i]))[:k]
        return [
            Hit(
                passage_id=self.ids[i],
                text=self.docs[i],
                meta=self.metas[i],
                dense=dense_score.get(i, float(self.vectors[i] @ query_vec)),
                bm25=bm25_score.get(i, 0.0),
                fused=fused[i],
            )
            for i in order
        ]

    def best_of_role(self, query_vec: np.ndarray, role: str, k: int) -> list[Hit]:
        """The k passages of articles with this front-matter role closest to the query (exact search)."""
        rows = [i for i, m in enumerate(self.metas) if m.get("role") == role]
        if not rows:
            return []
        scores = self.vectors[rows] @ query_vec
        order = np.argsort(-scores, kind="stable")[:k]
        return [
            Hit(passage_id=self.ids[rows[j]], text=self.docs[rows[j]], meta=self.metas[rows[j]],
                dense=float(scores[j]), bm25=0.0, fused=0.0)
            for j in order
        ]

    def sentence_vectors(self, passage_ids: list[str]) -> dict[str, list[tuple[int, str, np.ndarray]]]:
        """Pre-computed sentence vectors of the given passages: pid -> [(k, sentence, vector)] in order."""
        if not passage_ids:
            return {}
        got = self.sentences.get(where={"passage_id": {"$in": list(passage_ids)}}, include=["documents", "metadatas", "embeddings"])
        out: dict[str, list[tuple[int, str, np.ndarray]]] = {}
        for doc, meta, vec in zip(got["documents"], got["metadatas"], got["embeddings"]):
            out.setdefault(meta["passage_id"], []).append((int(meta["k"]), doc, np.asarray(vec, dtype=np.float32)))
        for items in out.values():
            items.sort(key=lambda t: t[0])
        return out
