"""The benchmark suite: one command, a table on stdout, everything in JSON.

    .venv/bin/python -m evals.bench.run [--medquad-limit N] [--skip-http] [--out reports/bench.json]

Sections
  a. shipped corpus: fresh index, re-index of the unchanged corpus, warm ``ask`` latency per stage;
  b. MedQuAD (all 16,407 rows by default; ``--medquad-limit`` for a slice) indexed *together with* the
     shipped corpus, through ``index_articles``: build throughput in passages/s and tokens/s beside the
     raw ``SentenceTransformer.encode`` rate on the same texts, re-index (unchanged, one article edited),
     start-up cost of the retriever, warm ``ask`` latency, and retrieval quality on a seeded sample of
     MedQuAD's own questions (dense / BM25 / hybrid; relevant = that question's answer);
  c. the LangChain-tutorial pipeline on the same articles (RecursiveCharacterTextSplitter 500/50,
     ``Chroma.from_documents``, ``similarity_search(q, k=4)``), with ratios ours/baseline;
  d. cold start: a fresh process imports the package, builds the assistant on the shipped index
     (and on the MedQuAD one) and answers one question;
  e. peak RSS of this process and of the cold-start processes;
  f. HTTP /api/ask under load (evals/bench/http.py).

Everything is written under a temporary folder; the project's ``data/`` is never touched.
The full run (all of MedQuAD: 15,809 distinct answers) embeds ~39.8k passages + ~174k sentences for our
index (the sentences hold as many tokens as the passages) and ~64k chunks for the baseline; at the rates
measured on 2 cores (~18 passages/s with their sentences, ~55 chunks/s) that is about an hour, of which
~5 min is the one-article-edited re-index (``--skip-edit``). It is not part of ``make test``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from assistant.offline import apply_offline_env  # noqa: E402

apply_offline_env()

from evals.bench.quality import first_rank, percentiles, sample_questions, summarise  # noqa: E402

CORPUS = ROOT / "corpus" / "curated"
STAGES = ("safety", "embed", "retrieve", "compose", "total")
HTTP_CLIENTS = (1, 4, 16)
TARGETS = {
    "shipped_ask_p95_ms": 30.0,
    "medquad_ask_p95_ms": 60.0,
    "embed_overhead_pct": 20.0,
    "ready_s": 8.0,
    "http_rps_16": 50.0,
}

_T0 = time.perf_counter()


def log(message: str) -> None:
    print(f"[bench {time.perf_counter() - _T0:7.1f}s] {message}", file=sys.stderr, flush=True)


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def bench_settings(data_dir: Path):
    """Defaults (plus ./assistant.toml if any) with ASSISTANT_* ignored, an embedded store in data_dir."""
    from assistant.settings import load_settings

    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    return load_settings(env=env).with_overrides(data_dir=data_dir, corpus_dir=CORPUS, chroma_url="")


# ---------------------------------------------------------------------------------------------- helpers


def timed_embeddings(inner):
    """An Embedder that forwards to ``inner`` and adds up the time spent inside it."""

    class TimedEmbeddings:
        def __init__(self) -> None:
            self.inner, self.seconds, self.texts, self.calls = inner, 0.0, 0, 0
            self.model_id, self.dim = inner.model_id, inner.dim

        def embed_documents(self, texts):
            t = time.perf_counter()
            out = self.inner.embed_documents(texts)
            self.seconds += time.perf_counter() - t
            self.texts += len(texts)
            self.calls += 1
            return out

        def embed_query(self, text):
            t = time.perf_counter()
            out = self.inner.embed_query(text)
            self.seconds += time.perf_counter() - t
            self.texts += 1
            self.calls += 1
            return out

    return TimedEmbeddings()


def index_timed(settings, articles, embedder, on_progress=None) -> tuple[object, float, object]:
    """index_articles with the time spent inside the model counted separately."""
    from assistant.ingest.build import index_articles

    probe = timed_embeddings(embedder)
    t = time.perf_counter()
    stats = index_articles(settings, articles, on_progress=on_progress, embedder=probe)
    seconds = time.perf_counter() - t
    return stats, seconds, probe


def token_counts(tokenizer, texts: list[str], max_len: int) -> dict:
    """Tokens the model sees (capped at max_seq_length) and how many texts are truncated."""
    from transformers.utils import logging as hf_logging

    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()  # "sequence longer than the maximum" is what we are counting
    try:
        lengths: list[int] = []
        for i in range(0, len(texts), 4096):
            enc = tokenizer(texts[i : i + 4096], add_special_tokens=True, truncation=False,
                            return_attention_mask=False, return_token_type_ids=False)
            lengths.extend(len(ids) for ids in enc["input_ids"])
    finally:
        hf_logging.set_verbosity(verbosity)
    return {
        "texts": len(texts),
        "tokens": int(sum(min(n, max_len) for n in lengths)),
        "tokens_untruncated": int(sum(lengths)),
        "truncated_texts": int(sum(1 for n in lengths if n > max_len)),
        "mean_tokens": round(sum(lengths) / max(len(lengths), 1), 1),
    }


def load_questions() -> list[str]:
    """In-scope questions that go through retrieval and composition (core + not-covered sets)."""
    import yaml

    questions: list[str] = []
    for name in ("core.yaml", "not-covered.yaml"):
        data = yaml.safe_load((ROOT / "evals" / "sets" / name).read_text(encoding="utf-8"))
        cases = data.get("cases", data) if isinstance(data, dict) else data
        questions += [c["question"] for c in cases if c.get("question") and not c.get("history")]
    return questions


def warm_asks(assistant, questions: list[str], n: int) -> dict:
    for q in questions[:3]:  # warm-up
        assistant.ask(q)
    stages: dict[str, list[float]] = {s: [] for s in STAGES}
    outcomes: dict[str, int] = {}
    for i in range(n):
        answer = assistant.ask(questions[i % len(questions)])
        outcomes[answer.outcome] = outcomes.get(answer.outcome, 0) + 1
        for stage, ms in answer.timings_ms.items():
            stages.setdefault(stage, []).append(ms)
    return {"asks": n, "distinct_questions": min(n, len(questions)), "outcomes": outcomes,
            "stages_ms": {s: percentiles(v) for s, v in stages.items()}}


def edited(article):
    """The same article with one sentence appended to its last paragraph (an editor's change)."""
    section = article.sections[-1]
    paragraphs = section.paragraphs[:-1] + (section.paragraphs[-1] + " This sentence was added by the benchmark.",)
    return dataclasses.replace(article, sections=article.sections[:-1] + (dataclasses.replace(section, paragraphs=paragraphs),))


# ---------------------------------------------------------------------------------------------- (a)


def bench_shipped(tmp: Path, embedder, questions: list[str], asks: int) -> dict:
    from assistant.ingest.corpus import load_corpus
    from assistant.pipeline import build_assistant

    settings = bench_settings(tmp / "shipped")
    articles = load_corpus(settings.corpus_dir)
    stats, seconds, probe = index_timed(settings, articles, embedder)
    log(f"shipped: {stats.summary()}")
    again, again_s, _ = index_timed(settings, articles, embedder)
    t = time.perf_counter()
    assistant = build_assistant(settings)
    build_s = time.perf_counter() - t
    latency = warm_asks(assistant, questions, asks)
    return {
        "data_dir": str(settings.data_dir),
        "articles": len(articles),
        "passages": stats.passages,
        "sentences": stats.embedded_sentences,
        "index_s": round(seconds, 3),
        "index_embed_s": round(probe.seconds, 3),
        "passages_per_s": round(stats.passages / seconds, 1),
        "reindex_unchanged": {"embedded_passages": again.embedded_passages, "embedded_sentences": again.embedded_sentences,
                              "switched": again.switched, "seconds": round(again_s, 4)},
        "build_assistant_s": round(build_s, 3),
        "ask": latency,
    }


# ---------------------------------------------------------------------------------------------- (b)


def raw_encode(st, passages, sample: int, seed: int, tokens_all: dict) -> dict:
    """model.encode on the same texts the indexer embeds (a seeded sample of passages + their sentences)."""
    chosen = passages if len(passages) <= sample else random.Random(seed).sample(passages, sample)
    p_texts = [p.embed_text for p in chosen]
    s_texts = [s for p in chosen for s in p.sentence_texts()]
    out: dict = {"sampled_passages": len(chosen), "sampled_sentences": len(s_texts), "full": len(chosen) == len(passages)}
    st.encode(p_texts[:64], batch_size=64, normalize_embeddings=True)  # warm-up
    est = 0.0
    for kind, texts in (("passages", p_texts), ("sentences", s_texts)):
        toks = token_counts(st.tokenizer, texts, st.max_seq_length)
        t = time.perf_counter()
        if texts:
            st.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
        seconds = time.perf_counter() - t
        rate_tok = toks["tokens"] / seconds if seconds else 0.0
        out[kind] = {"texts": len(texts), "tokens": toks["tokens"], "seconds": round(seconds, 3),
                     "texts_per_s": round(len(texts) / seconds, 1) if seconds else 0.0, "tokens_per_s": round(rate_tok, 1)}
        # scale to the whole corpus by tokens (encode cost is about linear in tokens)
        est += tokens_all[kind]["tokens"] / rate_tok if rate_tok else 0.0
    out["estimated_seconds_all_texts"] = round(est, 2)
    return out


def embed_questions(embedder, rows: list[dict], n: int, seed: int) -> tuple[list, list[float]]:
    """The seeded question sample with its query vectors (shared by ours and the baseline)."""
    sample, ms = [], []
    for row in sample_questions(rows, n, seed):
        t = time.perf_counter()
        qv = embedder.embed_query(row["question"])
        ms.append((time.perf_counter() - t) * 1000)
        sample.append((row, qv))
    return sample, ms


def retrieval_quality(assistant, sample: list, embed_ms: list[float], answer_of: dict, seed: int, candidates: int) -> dict:
    r = assistant.retriever
    ranks = {"dense": [], "bm25": [], "hybrid": []}
    ms = {"embed": embed_ms, "dense": [], "bm25": [], "hybrid": [], "sentence_vectors": []}
    for row, qv in sample:
        q, target = row["question"], answer_of[row["id"]]
        t = time.perf_counter(); dense = r.served.dense_search(qv, 10); ms["dense"].append((time.perf_counter() - t) * 1000)  # noqa: E702
        t = time.perf_counter(); lexical = r.bm25.top(q, 10); ms["bm25"].append((time.perf_counter() - t) * 1000)  # noqa: E702
        t = time.perf_counter(); hybrid = r.retrieve(q, qv, 10, candidates); ms["hybrid"].append((time.perf_counter() - t) * 1000)  # noqa: E702
        t = time.perf_counter(); r.sentence_vectors([h.passage_id for h in hybrid[:4]]); ms["sentence_vectors"].append((time.perf_counter() - t) * 1000)  # noqa: E702
        if hasattr(r, "best_of_role"):  # urgent/caution/emergency questions also scan for the best safety passage
            t = time.perf_counter(); r.best_of_role(qv, "safety", 1); ms.setdefault("best_of_role", []).append((time.perf_counter() - t) * 1000)  # noqa: E702
        got = {
            "dense": first_rank([r.metas[i]["article_slug"] for i, _ in dense], target),
            "bm25": first_rank([r.metas[i]["article_slug"] for i, _ in lexical], target),
            "hybrid": first_rank([h.meta["article_slug"] for h in hybrid], target),
        }
        for k, v in got.items():
            ranks[k].append(v)
    out = {name: summarise(v) for name, v in ranks.items()}
    out["sample"] = {"questions": len(sample), "seed": seed, "hybrid_candidates": candidates}
    out["latency_ms"] = {k: percentiles(v) for k, v in ms.items()}
    return out


def step(errors: dict, name: str, fn):
    """Run one benchmark step; a failure is recorded (and logged) instead of ending the run."""
    try:
        return fn()
    except Exception as exc:  # noqa: BLE001 - the report must say what failed, and go on
        errors[name] = f"{type(exc).__name__}: {exc}"[:1000]
        log(f"{name} FAILED: {errors[name][:200]}")
        return None


def bench_medquad(tmp: Path, embedder, questions: list[str], args) -> tuple[dict, object, list, list, dict]:
    from assistant.ingest.corpus import load_corpus
    from assistant.retrieve.bm25 import BM25
    from assistant.ingest.passages import split_corpus
    from assistant.pipeline import build_assistant
    from evals.bench.medquad import load_rows, rows_to_articles

    t = time.perf_counter()
    rows = load_rows(args.medquad_limit)
    mq_articles, answer_of = rows_to_articles(rows)
    settings = bench_settings(tmp / "medquad")
    articles = mq_articles + load_corpus(settings.corpus_dir)
    passages = split_corpus(articles)
    load_s = time.perf_counter() - t
    st = embedder.sentence_transformer
    sentences = [s for p in passages for s in p.sentence_texts()]
    tokens_all = {
        "passages": token_counts(st.tokenizer, [p.embed_text for p in passages], st.max_seq_length),
        "sentences": token_counts(st.tokenizer, sentences, st.max_seq_length),
    }
    log(f"medquad: {len(rows)} rows -> {len(mq_articles)} articles (+ shipped) -> {len(passages)} passages, "
        f"{len(sentences)} sentences; indexing ...")

    def progress(done, total):
        if done == total or done % 2048 == 0:
            log(f"medquad index: {done}/{total} passages embedded")

    from assistant.ingest.build import index_articles

    stats, index_s, probe = index_timed(settings, articles, embedder, on_progress=progress)
    log(f"medquad: {stats.summary()}")
    tokens_embedded = tokens_all["passages"]["tokens"] + tokens_all["sentences"]["tokens"]
    build = {
        "rows": len(rows), "articles": len(articles), "medquad_articles": len(mq_articles),
        "passages": stats.passages, "sentences": stats.embedded_sentences, "load_split_s": round(load_s, 2),
        "tokens": tokens_all, "index_s": round(index_s, 2), "index_embed_s": round(probe.seconds, 2),
        "passages_per_s": round(stats.passages / index_s, 2),
        "texts_per_s": round((stats.passages + stats.embedded_sentences) / index_s, 1),
        "tokens_per_s": round(tokens_embedded / index_s, 1),
        "overhead_over_embed_call_pct": round(100 * (index_s / probe.seconds - 1), 1) if probe.seconds else None,
    }

    log("medquad: raw SentenceTransformer.encode on the same texts ...")
    raw = raw_encode(st, passages, args.raw_sample, args.seed, tokens_all)
    build["raw_encode"] = raw
    if raw["estimated_seconds_all_texts"]:
        build["raw_passages_per_s"] = round(stats.passages / raw["estimated_seconds_all_texts"], 2)
        build["raw_tokens_per_s"] = round(tokens_embedded / raw["estimated_seconds_all_texts"], 1)
        build["overhead_over_raw_encode_pct"] = round(100 * (index_s / raw["estimated_seconds_all_texts"] - 1), 1)

    errors: dict[str, str] = {}

    def reindex_unchanged():
        t = time.perf_counter()
        again = index_articles(settings, articles)
        return {"embedded_passages": again.embedded_passages, "switched": again.switched, "seconds": round(time.perf_counter() - t, 3)}

    log("medquad: re-index unchanged ...")
    build["reindex_unchanged"] = step(errors, "reindex_unchanged", reindex_unchanged)
    if not args.skip_edit:
        def reindex_edit():
            t = time.perf_counter()
            edit = index_articles(settings, [edited(articles[0])] + articles[1:])
            return {"embedded_passages": edit.embedded_passages, "copied_passages": edit.copied_passages,
                    "seconds": round(time.perf_counter() - t, 2)}

        log("medquad: re-index with one article edited (in place: only the edited passages are embedded) ...")
        build["reindex_one_article_edited"] = step(errors, "reindex_one_article_edited", reindex_edit)

    log("medquad: opening the assistant ...")
    t = time.perf_counter()
    assistant = step(errors, "build_assistant", lambda: build_assistant(settings))
    if assistant is not None:
        startup = {"build_assistant_s": round(time.perf_counter() - t, 3)}
        t = time.perf_counter()
        served = assistant.store.open_served(assistant.embedder)  # texts + metadata; vectors stay in Chroma
        docs, metas = served.docs, served.metas
        startup["load_all_passages_s"] = round(time.perf_counter() - t, 3)
        t = time.perf_counter()
        BM25([f"{m.get('section', '')}: {d}" for d, m in zip(docs, metas)])
        startup["bm25_build_s"] = round(time.perf_counter() - t, 3)
        del docs, metas, served
        build["startup"] = startup
    build["rss_after_build_mb"] = peak_rss_mb()

    log(f"medquad: embedding {min(args.questions, len(rows))} sampled questions ...")
    sample, embed_ms = embed_questions(embedder, rows, args.questions, args.seed)
    ask = quality = None
    if assistant is not None:
        log(f"medquad: {args.asks} warm asks ...")
        ask = step(errors, "ask", lambda: warm_asks(assistant, questions, args.asks))
        log("medquad: retrieval quality ...")
        quality = step(errors, "quality", lambda: retrieval_quality(assistant, sample, embed_ms, answer_of, args.seed,
                                                                    assistant.settings.dense_candidates))
    result = {"data_dir": str(settings.data_dir), "build": build, "ask": ask, "quality": quality,
              "limit": args.medquad_limit, "errors": errors}
    return result, assistant, articles, sample, answer_of


# ---------------------------------------------------------------------------------------------- (c)


def bench_baseline(tmp: Path, embedder, articles, sample, answer_of) -> dict:
    """The plain LangChain tutorial: split 500/50, Chroma.from_documents, similarity_search(k=4)."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from assistant.embeddings import as_langchain

    probe = timed_embeddings(embedder)  # the same model instance
    docs = [Document(page_content=a.body, metadata={"slug": a.slug}) for a in articles]
    client = chromadb.PersistentClient(path=str(tmp / "baseline"), settings=ChromaSettings(anonymized_telemetry=False))
    t = time.perf_counter()
    chunks = RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50).split_documents(docs)
    vs = Chroma.from_documents(chunks, as_langchain(probe), client=client, collection_name="langchain_tutorial")
    index_s = time.perf_counter() - t
    log(f"baseline: {len(chunks)} chunks indexed in {index_s:.1f} s")
    similarity_ms, ranks = [], []
    for row, qv in sample:
        t = time.perf_counter()
        vs.similarity_search(row["question"], k=4)  # what the tutorial does: embed + search
        similarity_ms.append((time.perf_counter() - t) * 1000)
        found = vs.similarity_search_by_vector(qv.tolist(), k=10)  # same query vector, for recall@5 / MRR@10
        ranks.append(first_rank([d.metadata["slug"] for d in found], answer_of[row["id"]]))
    return {
        "chunks": len(chunks), "index_s": round(index_s, 2), "index_embed_s": round(probe.seconds, 2),
        "chunks_per_s": round(len(chunks) / index_s, 2),
        "query_ms": percentiles(similarity_ms), "quality": summarise(ranks),
    }


# ---------------------------------------------------------------------------------------------- (d)

_COLD = r"""
import json, sys, time
t0 = time.perf_counter()
from assistant.offline import apply_offline_env
apply_offline_env()
from assistant.pipeline import build_assistant
from assistant.settings import load_settings
t_import = time.perf_counter()
assistant = build_assistant(load_settings())
t_build = time.perf_counter()
answer = assistant.ask(sys.argv[1])
t_ask = time.perf_counter()
ready = time.time()
# VmHWM is this process's own peak (ru_maxrss can carry the parent's high-water mark across fork+exec)
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print("COLD " + json.dumps({"ready_epoch": ready, "import_s": t_import - t0, "build_s": t_build - t_import,
      "first_ask_s": t_ask - t_build, "outcome": answer.outcome, "passages": assistant.passage_count,
      "rss_mb": hwm / 1024}))
"""


def cold_start(data_dir: str, question: str, runs: int) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(ASSISTANT_DATA_DIR=data_dir, ASSISTANT_CORPUS_DIR=str(CORPUS), PYTHONPATH=str(ROOT))
    results = []
    for _ in range(runs):
        spawned = time.time()
        proc = subprocess.run([sys.executable, "-c", _COLD, question], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=300)
        line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("COLD ")), None)
        if proc.returncode != 0 or line is None:
            return {"error": (proc.stderr or proc.stdout)[-2000:], "runs": results}
        got = json.loads(line[5:])
        got["ready_s"] = got.pop("ready_epoch") - spawned
        results.append({k: (round(v, 3) if isinstance(v, float) else v) for k, v in got.items()})
    ready = sorted(r["ready_s"] for r in results)
    return {"runs": results, "ready_s_median": ready[len(ready) // 2], "ready_s_max": ready[-1],
            "rss_mb_max": max(r["rss_mb"] for r in results)}


# ---------------------------------------------------------------------------------------------- (f)


def bench_http(args, shipped_dir: str) -> dict:
    """/api/ask under load (evals/bench/http.py) against a server on the shipped index built in (a)."""
    if args.skip_http:
        return {"status": "skipped", "reason": "--skip-http"}
    from evals.bench import http as module

    overrides = {"ASSISTANT_DATA_DIR": shipped_dir, "ASSISTANT_CORPUS_DIR": str(CORPUS)}
    saved = {k: os.environ.get(k) for k in overrides}
    os.environ.update(overrides)  # the server subprocess inherits them
    try:
        import asyncio

        port = module.free_port()
        proc, startup = module.start_server(port, 180.0)
        base = f"http://127.0.0.1:{port}/"
        loads = []
        try:
            for clients in HTTP_CLIENTS:
                log(f"(f) HTTP: {clients} clients ...")
                loads.append(asyncio.run(module.run_load(base, clients, max(100, 25 * clients), 120.0)))
        finally:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
        return {"status": "ran", "startup": startup, "loads": loads}
    except BaseException as exc:  # start_server raises SystemExit on failure
        if isinstance(exc, KeyboardInterrupt):
            raise
        return {"status": "error", "reason": f"{type(exc).__name__}: {exc}"[:2000]}
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


# ---------------------------------------------------------------------------------------------- table


def _fmt(value) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 1 else f"{value:,.1f}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _ratio(ours, base):
    try:
        return round(float(ours) / float(base), 2) if base else None
    except (TypeError, ValueError):
        return None


def _check(value, target, op) -> str:
    if value is None or target is None:
        return ""
    return "ok" if (value <= target if op == "<=" else value >= target if op == ">=" else value == target) else "MISS"


def _shipped_rows(report: dict) -> list[tuple]:
    """The shipped corpus: index build, re-index, warm asks by stage."""
    rows: list[tuple] = []
    a = report.get("shipped")
    if a:
        rows += [
            ("shipped", "fresh index (s)", a["index_s"], None, None, None, ""),
            ("shipped", "passages / sentences", f"{a['passages']} / {a['sentences']}", None, None, None, ""),
            ("shipped", "index passages/s", a["passages_per_s"], None, None, None, ""),
            ("shipped", "re-index unchanged: embedded", a["reindex_unchanged"]["embedded_passages"], None, None, "0",
             _check(a["reindex_unchanged"]["embedded_passages"], 0, "==")),
            ("shipped", "re-index unchanged (s)", a["reindex_unchanged"]["seconds"], None, None, None, ""),
        ]
        for stage in STAGES:
            s = a["ask"]["stages_ms"].get(stage) or {}
            target = TARGETS["shipped_ask_p95_ms"] if stage == "total" else None
            rows.append(("shipped", f"ask {stage} p50/p95/p99 ms", f"{_fmt(s.get('p50'))} / {_fmt(s.get('p95'))} / {_fmt(s.get('p99'))}",
                         None, None, f"p95<={target:g}" if target else None, _check(s.get("p95"), target, "<=")))
    return rows


def _medquad_rows(report: dict) -> list[tuple]:
    """The MedQuAD corpus beside the LangChain-tutorial baseline: build, edits, start-up, asks, quality."""
    rows: list[tuple] = []
    b = report.get("medquad")
    c = report.get("baseline") or {}
    if b:
        bb = b["build"]
        tag = "medquad" if not b.get("limit") else f"medquad[{b['limit']}]"
        rows += [
            (tag, "articles / passages / sentences", f"{bb['articles']} / {bb['passages']} / {bb['sentences']}", c.get("chunks"), None, None, ""),
            (tag, "index build (s)", bb["index_s"], c.get("index_s"), _ratio(bb["index_s"], c.get("index_s")), None, ""),
            (tag, "index passages/s (ours) | chunks/s", bb["passages_per_s"], c.get("chunks_per_s"), None, None, ""),
            (tag, "index tokens/s", bb["tokens_per_s"], None, None, None, ""),
            (tag, "raw encode passages/s | tokens/s", f"{_fmt(bb.get('raw_passages_per_s'))} | {_fmt(bb.get('raw_tokens_per_s'))}", None, None, None, ""),
            (tag, "overhead over raw encode %", bb.get("overhead_over_raw_encode_pct"), None, None, f"<={TARGETS['embed_overhead_pct']:g}",
             _check(bb.get("overhead_over_raw_encode_pct"), TARGETS["embed_overhead_pct"], "<=") + " (separate sampled run: load-sensitive)"),
            (tag, "overhead over in-run embed calls %", bb.get("overhead_over_embed_call_pct"), None, None, f"<={TARGETS['embed_overhead_pct']:g}",
             _check(bb.get("overhead_over_embed_call_pct"), TARGETS["embed_overhead_pct"], "<=")),
        ]
        errors = b.get("errors") or {}

        def failed(step_name: str, label: str) -> None:
            rows.append((tag, label, "ERROR", None, None, None, errors.get(step_name, "not run")[:60]))

        ru = bb.get("reindex_unchanged")
        if ru:
            rows += [
                (tag, "re-index unchanged: embedded", ru["embedded_passages"], None, None, "0", _check(ru["embedded_passages"], 0, "==")),
                (tag, "re-index unchanged (s)", ru["seconds"], None, None, None, ""),
            ]
        else:
            failed("reindex_unchanged", "re-index unchanged")
        if "reindex_one_article_edited" in bb:
            e = bb["reindex_one_article_edited"]
            if e:
                rows.append((tag, "re-index 1 article edited (s)", e["seconds"], None, None, None,
                             f"embedded {e['embedded_passages']}, reused {e['copied_passages']}"))
            else:
                failed("reindex_one_article_edited", "re-index 1 article edited")
        st = bb.get("startup")
        if st:
            rows += [
                (tag, "build_assistant (s)", st["build_assistant_s"], None, None, None, ""),
                (tag, "  load all passage texts (s)", st["load_all_passages_s"], None, None, None, "vectors stay in Chroma"),
                (tag, "  BM25 build (s)", st["bm25_build_s"], None, None, None, ""),
            ]
        else:
            failed("build_assistant", "build_assistant")
        if b.get("ask"):
            for stage in STAGES:
                s = b["ask"]["stages_ms"].get(stage) or {}
                target = TARGETS["medquad_ask_p95_ms"] if stage == "total" else None
                rows.append((tag, f"ask {stage} p50/p95/p99 ms", f"{_fmt(s.get('p50'))} / {_fmt(s.get('p95'))} / {_fmt(s.get('p99'))}",
                             None, None, f"p95<={target:g}" if target else None, _check(s.get("p95"), target, "<=")))
        else:
            failed("ask", "warm asks")
        if not b.get("quality"):
            failed("quality", "retrieval quality")
            bq = c.get("quality") or {}
            for metric in ("recall@1", "recall@4", "recall@5", "mrr@10"):
                if metric in bq:
                    rows.append((tag, f"{metric} tutorial only", None, round(bq[metric], 3), None, None, ""))
            rows.append((tag, "peak RSS after open (MB)", bb["rss_after_build_mb"], None, None, None, ""))
    if b and b.get("quality"):
        q = b["quality"]
        lat = q["latency_ms"]
        ours_query = [e + h for e, h in zip([lat["embed"]["p50"], lat["embed"]["p95"]], [lat["hybrid"]["p50"], lat["hybrid"]["p95"]])]
        base_q = c.get("query_ms") or {}
        rows += [
            (tag, "query p50 ms (embed+hybrid | tutorial)", round(ours_query[0], 2), base_q.get("p50"), _ratio(ours_query[0], base_q.get("p50")), None, ""),
            (tag, "query p95 ms (embed+hybrid | tutorial)", round(ours_query[1], 2), base_q.get("p95"), _ratio(ours_query[1], base_q.get("p95")), None, "(p95s summed: upper bound)"),
            (tag, "  dense / bm25 / hybrid p95 ms", f"{_fmt(lat['dense']['p95'])} / {_fmt(lat['bm25']['p95'])} / {_fmt(lat['hybrid']['p95'])}", None, None, None, ""),
            (tag, "  sentence_vectors (Chroma $in) p95 ms", lat["sentence_vectors"]["p95"], None, None, None, ""),
            (tag, "  best_of_role (safety scan) p95 ms", (lat.get("best_of_role") or {}).get("p95"), None, None, None, "urgent/caution/emergency only"),
        ]
        bq = c.get("quality") or {}
        for metric in ("recall@1", "recall@4", "recall@5", "mrr@10"):
            for method in ("dense", "bm25", "hybrid"):
                ours = q[method][metric]
                rows.append((tag, f"{metric} {method} (n={q['sample']['questions']})", round(ours, 3),
                             round(bq[metric], 3) if metric in bq else None, _ratio(ours, bq.get(metric)), None, ""))
        rows.append((tag, "peak RSS after open (MB)", bb["rss_after_build_mb"], None, None, None, ""))
    return rows


def _cold_start_rows(report: dict) -> list[tuple]:
    """Fresh processes: time to ready, and peak RSS."""
    rows: list[tuple] = []
    for key, label in (("cold_start_shipped", "shipped"), ("cold_start_medquad", "medquad")):
        d = report.get(key)
        if not d:
            continue
        if "error" in d:
            rows.append(("cold start", label, "error", None, None, None, d["error"].splitlines()[-1][:60] if d["error"] else ""))
            continue
        first = d["runs"][0]
        target = TARGETS["ready_s"] if label == "shipped" else None
        rows += [
            ("cold start", f"{label}: ready median (s)", d["ready_s_median"], None, None, f"<={target:g}" if target else None,
             _check(d["ready_s_median"], target, "<=")),
            ("cold start", f"{label}: import / build / 1st ask (s)",
             f"{_fmt(first['import_s'])} / {_fmt(first['build_s'])} / {_fmt(first['first_ask_s'])}", None, None, None, ""),
            ("cold start", f"{label}: process peak RSS (MB)", d["rss_mb_max"], None, None, None, ""),
        ]
    return rows


def _http_rows(report: dict) -> list[tuple]:
    """The HTTP API under 1, 4 and 16 clients."""
    rows: list[tuple] = []
    h = report.get("http") or {}
    if h.get("status") != "ran":
        rows.append(("http", "/api/ask 1/4/16 clients", h.get("status", "skipped"), None, None, None, h.get("reason", "")))
    elif "loads" in h:
        if h.get("startup"):
            rows.append(("http", "server ready (s)", h["startup"].get("ready_s"), None, None, f"<={TARGETS['ready_s']:g}",
                         _check(h["startup"].get("ready_s"), TARGETS["ready_s"], "<=")))
        for load in h["loads"]:
            n = load["clients"]
            target = f">={TARGETS['http_rps_16']:g} rps, 0 err" if n == 16 else None
            ok = _check(load["requests_per_s"], TARGETS["http_rps_16"], ">=") if n == 16 else ""
            if n == 16 and load["errors"]:
                ok = "MISS"
            rows.append(("http", f"/api/ask {n} clients: req/s | p95 ms | errors",
                         f"{_fmt(load['requests_per_s'])} | {_fmt(load['p95_ms'])} | {load['errors']}", None, None, target, ok))
    else:
        rows.append(("http", "/api/ask", f"ran {h.get('function')}: see JSON 'http.result'", None, None, None, ""))
    return rows


def table_rows(report: dict) -> list[tuple]:
    """(section, metric, ours, baseline, ratio, target, status) rows for the printed table."""
    rows = _shipped_rows(report) + _medquad_rows(report) + _cold_start_rows(report)
    for name, error in (report.get("errors") or {}).items():
        rows.append(("errors", name, "ERROR", None, None, None, error[:60]))
    rows.append(("process", "peak RSS of this run (MB)", report["peak_rss_mb"], None, None, None, ""))
    return rows + _http_rows(report)


def print_table(rows: list[tuple]) -> None:
    header = ("section", "metric", "ours", "baseline", "ours/base", "target", "status / note")
    cells = [header] + [tuple(_fmt(v) for v in row) for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    widths[-1] = min(widths[-1], 60)
    line = "  ".join("-" * w for w in widths)
    print(line)
    for n, row in enumerate(cells):
        print("  ".join(v.ljust(w) if i < 2 or i == len(row) - 1 else v.rjust(w) for i, (v, w) in enumerate(zip(row, widths))))
        if n == 0:
            print(line)
    print(line)


# ---------------------------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.bench.run", description=__doc__.split("\n\n")[0])
    ap.add_argument("--medquad-limit", type=int, default=None, help="index only the first N MedQuAD rows (default: all 16,407)")
    ap.add_argument("--questions", type=int, default=1000, help="MedQuAD questions sampled for retrieval quality (seeded)")
    ap.add_argument("--asks", type=int, default=100, help="warm asks per latency measurement (>= 50)")
    ap.add_argument("--raw-sample", type=int, default=2000, help="passages (with their sentences) for the raw encode rate")
    ap.add_argument("--cold-runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--torch-threads", type=int, default=None,
                    help="torch.set_num_threads for this process (default: torch's own choice, one per core)")
    ap.add_argument("--skip-http", action="store_true")
    ap.add_argument("--skip-baseline", action="store_true")
    ap.add_argument("--skip-medquad", action="store_true")
    ap.add_argument("--skip-edit", action="store_true", help="skip the one-article-edited re-index at MedQuAD scale")
    ap.add_argument("--out", type=Path, default=ROOT / "reports" / "bench.json")
    args = ap.parse_args(argv)
    if args.asks < 50:
        ap.error("--asks must be at least 50")

    import torch

    from assistant.embeddings import load_embedder

    if args.torch_threads:
        torch.set_num_threads(args.torch_threads)
        os.environ["OMP_NUM_THREADS"] = str(args.torch_threads)  # the cold-start and server processes too
    report: dict = {
        "run": {
            "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "argv": sys.argv[1:], "python": platform.python_version(),
            "cpus": os.cpu_count(), "torch_threads": torch.get_num_threads(), "loadavg_start": os.getloadavg(),
            "commit": _git_commit(),
        },
        "targets": TARGETS,
    }
    questions = load_questions()
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp_name:
        tmp = Path(tmp_name)
        t = time.perf_counter()
        embedder = load_embedder()
        report["model_load_s"] = round(time.perf_counter() - t, 3)

        log("(a) shipped corpus ...")
        report["shipped"] = bench_shipped(tmp, embedder, questions, args.asks)
        report["rss_after_shipped_mb"] = peak_rss_mb()

        if not args.skip_medquad:
            log("(b) MedQuAD ...")
            errors = report.setdefault("errors", {})
            got = step(errors, "medquad", lambda: bench_medquad(tmp, embedder, questions, args))
            if got is not None:
                medquad, _assistant, articles, sample, answer_of = got
                report["medquad"] = medquad
                if not args.skip_baseline:
                    log("(c) LangChain-tutorial baseline ...")
                    report["baseline"] = step(errors, "baseline", lambda: bench_baseline(tmp, embedder, articles, sample, answer_of))
                del _assistant, articles, sample, got

        log("(d) cold start ...")
        report["cold_start_shipped"] = cold_start(report["shipped"]["data_dir"], questions[0], args.cold_runs)
        if report.get("medquad"):
            report["cold_start_medquad"] = cold_start(report["medquad"]["data_dir"], questions[0], 1)

        log("(f) HTTP ...")
        report["http"] = bench_http(args, report["shipped"]["data_dir"])

        report["peak_rss_mb"] = peak_rss_mb()
        report["run"]["loadavg_end"] = os.getloadavg()
        report["run"]["seconds"] = round(time.perf_counter() - _T0, 1)

    rows = table_rows(report)
    print_table(rows)
    report["table"] = [dict(zip(("section", "metric", "ours", "baseline", "ratio", "target", "status"), r)) for r in rows]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"\nwritten: {args.out}   (load average at start {report['run']['loadavg_start'][0]:.1f} on {os.cpu_count()} CPUs)")
    return 0


def _git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10).stdout.strip()
    except Exception:
        return ""


if __name__ == "__main__":
    sys.exit(main())
