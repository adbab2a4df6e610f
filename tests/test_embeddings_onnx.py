"""MiniLM through ONNX Runtime: a real export of the bundled model, compared with sentence-transformers.

The ONNX embedder keeps the sentence-transformers model id, so it must give the same vectors: an index built
with one is served with the other. One export (about 15-25 s) is shared by the module; the re-export test makes
a second one.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import yaml

from assistant.embeddings import MODEL_ID, load_configured_embedder, load_embedder, model_dir
from assistant.embeddings_onnx import (
    ARTEFACT_NAME,
    MANIFEST_NAME,
    OnnxMiniLMEmbedder,
    ensure_artefact,
    load_onnx_embedder,
    read_manifest,
)
from assistant.errors import ModelError, SettingsError
from assistant.ingest.corpus import load_corpus
from assistant.ingest.passages import split_corpus
from assistant.settings import load_settings

from helpers import CORPUS, ROOT, make_settings

pytestmark = pytest.mark.integration

TOLERANCE = 1e-5


@pytest.fixture(scope="module")
def onnx_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("onnx-export") / "onnx"
    ensure_artefact(folder)
    return folder


@pytest.fixture(scope="module")
def onnx(onnx_dir) -> OnnxMiniLMEmbedder:
    return load_onnx_embedder(onnx_dir, threads=1, export=False)


@pytest.fixture(scope="module")
def torch_embedder():
    return load_embedder()


def _questions() -> list[str]:
    out = []
    for path in sorted((ROOT / "evals" / "sets").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        cases = data.get("cases", []) if isinstance(data, dict) else data
        out += [c["question"] for c in cases if isinstance(c, dict) and isinstance(c.get("question"), str)]
    return out


def varied_texts() -> list[str]:
    """Short, long (past 128 and past 256 tokens), non-ASCII, odd whitespace, and real passages."""
    passages = [p.embed_text for p in split_corpus(load_corpus(CORPUS))]
    long_passage = " ".join(passages[:6])
    return [
        "sciatica",
        "What is sciatica?",
        "",
        "   leading and trailing spaces   ",
        "tabs\tand\nnew\nlines",
        "Ischias: Hilft eine Massage bei Rückenschmerzen?",
        "¿Me ayuda el masaje con la ciática? Tengo dolor en la pierna.",
        "좌골신경통에 마사지가 도움이 되나요? 다리가 저려요.",
        "坐骨神经痛可以按摩吗？",
        "Боль в пояснице отдаёт в ногу",
        "émigré naïve café — “quoted” ‘text’ … 🙂 ✔",
        "pins and needles in my left foot after sitting 8 hours!!!",
        "massage " * 140,  # ~140 word pieces: past the shipped tokenizer.json's 128
        "massage therapy for lower back pain " * 70,  # past 256: truncated exactly where sentence-transformers cuts
        long_passage,
        long_passage[: len(long_passage) // 2],
        *passages[:24],
        *_questions()[:20],
    ]


def test_texts_cover_the_lengths_that_matter(onnx):
    lengths = [len(e.ids) for e in onnx._tokenizer.encode_batch(varied_texts())]
    assert len(lengths) >= 50
    assert max(lengths) == 256  # truncation at max_seq_length, not the file's 128
    assert sum(128 < n for n in lengths) >= 3 and sum(n <= 16 for n in lengths) >= 5


def test_vectors_match_sentence_transformers(onnx, torch_embedder):
    texts = varied_texts()
    expected = torch_embedder.embed_documents(texts)
    got = onnx.embed_documents(texts)
    assert got.shape == expected.shape == (len(texts), 384) and got.dtype == np.float32
    assert float(np.abs(got - expected).max()) <= TOLERANCE
    one_by_one = np.stack([onnx.embed_query(t) for t in texts])  # no padding at all: the same vectors
    assert float(np.abs(one_by_one - expected).max()) <= TOLERANCE
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    assert onnx.model_id == torch_embedder.model_id == MODEL_ID and onnx.dim == torch_embedder.dim


def test_small_batches_give_the_same_vectors(onnx_dir, onnx):
    texts = varied_texts()
    small = load_onnx_embedder(onnx_dir, threads=1, batch_size=3, export=False)
    assert float(np.abs(small.embed_documents(texts) - onnx.embed_documents(texts)).max()) <= TOLERANCE
    assert onnx.embed_documents([]).shape == (0, 384)


def test_a_question_alone_uses_both_cores_and_gives_the_same_vectors(onnx_dir, onnx, torch_embedder):
    """With ``alone_threads`` above ``threads``, a call that runs alone goes to a second session with more threads;
    the vectors are the same as sentence-transformers' (the machine must have two cores to have a second session)."""
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: there is no second session to use")
    texts = varied_texts()
    both = load_onnx_embedder(onnx_dir, threads=1, export=False, alone_threads=0)
    assert both is not onnx
    both.embed_query("warm up")  # the second session is made after the first call, on another thread
    deadline = time.monotonic() + 30
    while both._alone is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert both._alone is not None
    before = both.alone_calls
    got = both.embed_documents(texts)
    assert both.alone_calls == before + 1
    assert float(np.abs(got - torch_embedder.embed_documents(texts)).max()) <= TOLERANCE
    # a question with two short parts runs as separate calls, without padding: still the same vectors
    parts = ["Does massage help sciatica, and how long does it usually take to get better?", "how long", "massage"]
    assert float(np.abs(both.embed_documents(parts) - torch_embedder.embed_documents(parts)).max()) <= TOLERANCE


def test_retrieval_top1_agrees(onnx, torch_embedder):
    passages = [p.embed_text for p in split_corpus(load_corpus(CORPUS))]
    questions = _questions()
    assert len(questions) >= 50
    top_torch = np.argmax(torch_embedder.embed_documents(questions) @ torch_embedder.embed_documents(passages).T, 1)
    top_onnx = np.argmax(onnx.embed_documents(questions) @ onnx.embed_documents(passages).T, 1)
    assert (top_torch == top_onnx).all()


def test_an_index_built_with_torch_is_served_with_onnx(built_settings, onnx, torch_embedder):
    from assistant.store import store_for

    served = store_for(built_settings, create=False).open_served(onnx)  # the model id check passes
    for question in _questions()[:40]:
        by_torch = served.dense_search(torch_embedder.embed_query(question), 3)
        by_onnx = served.dense_search(onnx.embed_query(question), 3)
        assert [row for row, _ in by_onnx] == [row for row, _ in by_torch]
        assert np.allclose([s for _, s in by_onnx], [s for _, s in by_torch], atol=1e-5)


def test_concurrent_calls(onnx):
    texts = varied_texts()
    expected = [onnx.embed_query(t) for t in texts]
    errors: list[BaseException] = []
    results: dict[int, np.ndarray] = {}

    def work(i: int) -> None:
        try:
            for _ in range(3):
                results[i] = onnx.embed_documents([texts[i], texts[-1 - i]])[0]
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for i, vec in results.items():
        assert float(np.abs(vec - expected[i]).max()) <= TOLERANCE


def test_manifest_records_both_checksums(onnx_dir):
    import hashlib

    manifest = read_manifest(onnx_dir)
    assert manifest is not None
    data = (onnx_dir / ARTEFACT_NAME).read_bytes()
    assert manifest["onnx_sha256"] == hashlib.sha256(data).hexdigest()
    weights = (model_dir() / "model.safetensors").read_bytes()
    assert manifest["weights_sha256"] == hashlib.sha256(weights).hexdigest()
    assert manifest["model_id"] == MODEL_ID and manifest["max_seq_length"] == 256


def _copy(onnx_dir: Path, dest: Path) -> Path:
    shutil.copytree(onnx_dir, dest)
    return dest


def _tamper_artefact(folder: Path) -> None:
    path = folder / ARTEFACT_NAME
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _edit_manifest(folder: Path, **changes) -> None:
    path = folder / MANIFEST_NAME
    path.write_text(json.dumps({**json.loads(path.read_text()), **changes}))


@pytest.mark.parametrize(
    "spoil",
    [
        _tamper_artefact,
        lambda f: (f / ARTEFACT_NAME).unlink(),
        lambda f: (f / MANIFEST_NAME).unlink(),
        lambda f: (f / MANIFEST_NAME).write_text("{not json"),
        lambda f: _edit_manifest(f, onnx_sha256="0" * 64),
        lambda f: _edit_manifest(f, weights_sha256="0" * 64),
        lambda f: _edit_manifest(f, tokenizer_sha256="0" * 64),
        lambda f: _edit_manifest(f, max_seq_length=128),
    ],
    ids=["artefact-bytes", "no-artefact", "no-manifest", "bad-manifest", "artefact-sum", "weights-sum",
         "tokenizer-sum", "max-seq-length"],
)
def test_a_mismatch_is_refused_without_export(onnx_dir, tmp_path, spoil):
    folder = _copy(onnx_dir, tmp_path / "onnx")
    spoil(folder)
    with pytest.raises(ModelError, match="missing or does not match"):
        load_onnx_embedder(folder, export=False)


def test_a_tampered_artefact_is_exported_again(onnx_dir, tmp_path, torch_embedder):
    folder = _copy(onnx_dir, tmp_path / "onnx")
    _tamper_artefact(folder)
    embedder = load_onnx_embedder(folder)  # re-exports
    assert read_manifest(folder) is not None
    ensure_artefact(folder, export=False)  # verifies now
    texts = varied_texts()[:12]
    assert float(np.abs(embedder.embed_documents(texts) - torch_embedder.embed_documents(texts)).max()) <= TOLERANCE


def test_changed_weights_stamp_rehashes_and_keeps_the_artefact(onnx_dir, tmp_path):
    folder = _copy(onnx_dir, tmp_path / "onnx")
    before = read_manifest(folder)
    assert before is not None
    _edit_manifest(folder, weights_mtime_ns=1)
    ensure_artefact(folder, export=False)  # the weights are hashed again, match, and the stamp is rewritten
    after = read_manifest(folder)
    assert after == before


def test_importing_the_module_does_not_import_torch():
    code = "import sys, assistant.embeddings_onnx; assert 'torch' not in sys.modules, 'torch imported'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_loading_and_embedding_do_not_import_torch(onnx_dir):
    code = (
        "import sys; from pathlib import Path; from assistant.embeddings_onnx import load_onnx_embedder; "
        f"e = load_onnx_embedder(Path({str(onnx_dir)!r}), export=False); e.embed_query('sciatica'); "
        "assert 'torch' not in sys.modules and 'sentence_transformers' not in sys.modules, 'torch imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_a_process_that_asks_once_and_exits_ends_cleanly(onnx_dir):
    """The both-cores session is built on another thread after the first call; a script that embeds once and ends
    used to be aborted by onnxruntime mid-build (exit 134, "terminate called without an active exception")."""
    code = (
        "from pathlib import Path; from assistant.embeddings_onnx import load_onnx_embedder; "
        f"load_onnx_embedder(Path({str(onnx_dir)!r}), threads=1, export=False, alone_threads=0).embed_query('sciatica')"
    )
    for _ in range(2):
        done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0 and "terminate called" not in done.stderr, (done.returncode, done.stderr[-300:])


def test_setting_picks_the_embedder(tmp_path, onnx_dir):
    assert load_settings(env={}).embedder == "onnx"
    assert load_settings(env={"ASSISTANT_EMBEDDER": "torch"}).embedder == "torch"
    with pytest.raises(SettingsError, match="unknown embedder"):
        load_settings(env={"ASSISTANT_EMBEDDER": "tensorflow"})
    settings = make_settings(tmp_path, onnx_dir=str(onnx_dir))  # an export already made: none is made again
    chosen = load_configured_embedder(settings)
    assert not (settings.data_dir / "onnx").exists()
    assert isinstance(chosen, OnnxMiniLMEmbedder) and chosen.threads == settings.torch_threads
    by_torch = load_configured_embedder(settings.with_overrides(embedder="torch"))
    assert not isinstance(by_torch, OnnxMiniLMEmbedder) and by_torch.model_id == chosen.model_id


def test_the_onnx_folder_is_data_dir_onnx_unless_set(tmp_path):
    assert load_settings(env={"ASSISTANT_DATA_DIR": str(tmp_path)}).onnx_path == tmp_path / "onnx"
    shared = tmp_path / "shared" / "onnx"
    assert load_settings(env={"ASSISTANT_DATA_DIR": str(tmp_path), "ASSISTANT_ONNX_DIR": str(shared)}).onnx_path == shared


def test_the_same_model_in_another_data_dir_shares_one_session(onnx_dir, onnx, tmp_path):
    """Each onnxruntime session holds its own weights and arena (about 0.6 GB once it has embedded a corpus): a
    process that opens several data dirs (a clinic's staging index, the test suite) keeps one per verified model,
    and a changed model still gets its own."""
    folder = _copy(onnx_dir, tmp_path / "onnx")
    assert load_onnx_embedder(folder, threads=1, export=False) is onnx
    assert load_onnx_embedder(folder, threads=2, export=False) is not onnx  # another thread count, another session
