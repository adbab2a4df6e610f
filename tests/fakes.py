"""FakeHashingEmbedder: a small, deterministic stand-in for the real model, for the fast unit lane only;
StreamingChatModel: a fake chat model that streams a scripted draft (generated answers, streaming).

It embeds a text as a hashed bag of its content words (384 dimensions, L2-normalised), so texts that share
words are close and others are not. That is enough to exercise indexing, retrieval, composing and safety
end to end without loading torch or the model; it says nothing about answer quality, which the real-model
lane (`make test`) measures.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.messages import AIMessageChunk
from langchain_core.outputs import ChatGenerationChunk

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


class StreamingChatModel(FakeListChatModel):
    """A FAKE chat model: streams its first scripted response one character at a time and records every call
    (``invoke`` or ``stream``) in ``calls``. With ``gate`` (a threading.Event) set, it stops before character
    ``hold_at`` until the gate opens (or 60 s pass) and records in ``opened`` whether it opened."""

    calls: list = []
    gate: Any = None
    hold_at: int = -1
    opened: list = []

    def _call(self, messages, stop=None, run_manager=None, **kwargs: Any) -> str:
        self.calls.append("invoke")
        return self.responses[0]

    def _stream(self, messages, stop=None, run_manager=None, **kwargs: Any):
        self.calls.append("stream")
        for i, ch in enumerate(self.responses[0]):
            if i == self.hold_at and self.gate is not None:
                self.opened.append(self.gate.wait(60))
            yield ChatGenerationChunk(message=AIMessageChunk(content=ch))


def streaming_model(draft: str, **kwargs: Any) -> StreamingChatModel:
    return StreamingChatModel(responses=[draft], calls=[], opened=[], **kwargs)


def fake_pipeline(data_dir, **overrides):
    """The real pipeline and a real embedded Chroma over the shipped corpus, with the FAKE hashing embedder (no
    model). ``overrides``: settings for this pipeline."""
    from assistant.ingest.corpus import load_corpus
    from assistant.ingest.passages import split_corpus
    from assistant.pipeline import Assistant
    from assistant.store import store_for
    from helpers import make_settings

    settings = make_settings(data_dir, **{"multilingual_max_passages": 0, "answer_cache_size": 0, **overrides})
    embedder = FakeHashingEmbedder()
    store = store_for(settings, create=True)
    store.sync(split_corpus(load_corpus(settings.corpus_dir)), embedder)
    return Assistant(settings, embedder, store)


def with_chat_model(assistant, model, *, timeout_s: float = 10.0, max_passages: int = 3, **overrides):
    """The same pipeline (embedder, index) in generative mode: ``model`` writes, the extractive composer is the
    fallback. ``overrides``: settings that differ from the pipeline's."""
    from assistant.compose import ComposeSettings, ExtractiveComposer
    from assistant.compose.generative import GenerativeComposer
    from assistant.pipeline import Assistant

    settings = assistant.settings.with_overrides(**overrides) if overrides else assistant.settings
    embed = assistant.embedder.embed_documents
    fallback = ExtractiveComposer(ComposeSettings.from_settings(settings), embed)
    composer = GenerativeComposer(model, fallback, embed, timeout_s=timeout_s, max_passages=max_passages)
    return Assistant(settings, assistant.embedder, assistant.store, composer)
