"""FakeHashingEmbedder: a small, deterministic stand-in for the real model, for the fast unit lane only.

It embeds a text as a hashed bag of its content words (384 dimensions, L2-normalised), so texts that share
words are close and others are not. That is enough to exercise indexing, retrieval, composing and safety
end to end without loading torch or the model; it says nothing about answer quality, which the real-model
lane (`make test`) measures.
"""

from __future__ import annotations

import hashlib

import numpy as np

from assistant.text import content_terms

DIM = 384


def _vector(text: str) -> np.ndarray:
    vec = np.zeros(DIM, dtype=np.float32)
    for term in content_terms(text):
        digest = hashlib.blake2b(term.encode(), digest_size=8).digest()
        vec[int.from_bytes(digest[:4], "little") % DIM] += 1.0 if digest[4] % 2 else -1.0
    norm = np.linalg.norm(vec)
    return vec / norm if norm else vec


class FakeHashingEmbedder:
    """An assistant.embeddings.Embedder: embed_documents, embed_query, model_id, dim."""

    model_id = "fake-hashing-embedder@test"
    dim = DIM

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        return np.asarray([_vector(t) for t in texts], dtype=np.float32).reshape(len(texts), DIM)

    def embed_query(self, text: str) -> np.ndarray:
        return _vector(text)
