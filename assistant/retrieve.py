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
from .index import passages_from_collection, sentence_ids

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

        self.passages = passages_collection
        self.sentences = sentences_collection
        self.vectorstore = Chroma(client=client, collection_name=passages_collection.name, embedding_function=embedder.lc)
        self.ids, self.docs, self.metas = passages_from_collection(passages_collection)
        self.position = {pid: i for i, pid in enumerate(self.ids)}
        # vectors of the (few) passages of role-tagged articles, for best_of_role; the rest stay in Chroma
        self.role_rows: dict[str, tuple[list[int], np.ndarray]] = {}
        for role in sorted({m.get("role", "content") for m in self.metas} - {"content"}):
            rows = [i for i, m in enumerate(self.metas) if m.get("role") == role]
            self.role_rows[role] = (rows, self._vectors(rows))
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
        missing = [i for i in order if i not in dense_score]  # found by BM25 only: score them exactly
        if missing:
            dense_score.update(zip(missing, (self._vectors(missing) @ query_vec).tolist()))
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
        scores = vectors @ query_vec
        order = np.argsort(-scores, kind="stable")[:k]
        return [
            Hit(passage_id=self.ids[rows[j]], text=self.docs[rows[j]], meta=self.metas[rows[j]],
                dense=float(scores[j]), bm25=0.0, fused=0.0)
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
            got = self.sentences.get(ids=sentence_ids(list(passage_ids), metas), include=["documents", "metadatas", "embeddings"])
        else:  # an index built before sentence counts were stored
            got = self.sentences.get(where={"passage_id": {"$in": list(passage_ids)}}, include=["documents", "metadatas", "embeddings"])
        out: dict[str, list[tuple[int, str, np.ndarray]]] = {}
        for doc, meta, vec in zip(got["documents"], got["metadatas"], got["embeddings"]):
            out.setdefault(meta["passage_id"], []).append((int(meta["k"]), doc, np.asarray(vec, dtype=np.float32)))
        for items in out.values():
            items.sort(key=lambda t: t[0])
        return out
