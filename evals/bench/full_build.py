"""Build the whole MedQuAD (16,407 answered rows) beside the shipped corpus and time it; then dense retrieval on
1,000 sampled questions and warm answer latency at that scale.

    python -m evals.bench.full_build [--rows N] [--passage-vectors encode|sentence_mean] [--data-dir DIR]

Prints one JSON object (also written to reports/full-build-<mode>.json). It takes tens of minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import tempfile
import time
from pathlib import Path

import numpy as np

from evals.bench.medquad import load_rows, rows_to_articles


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=0, help="MedQuAD rows to load (0: all)")
    parser.add_argument("--passage-vectors", default="sentence_mean", choices=("encode", "sentence_mean"))
    parser.add_argument("--data-dir", default="", help="where to build (default: a new temporary folder)")
    parser.add_argument("--questions", type=int, default=1000)
    args = parser.parse_args(argv)

    from assistant.embeddings import load_configured_embedder
    from assistant.ingest.corpus import load_corpus
    from assistant.ingest.passages import split_corpus
    from assistant.offline import apply_offline_env
    from assistant.pipeline import build_assistant
    from assistant.settings import load_settings
    from assistant.store import store_for

    apply_offline_env()
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="full-build-"))
    settings = load_settings().with_overrides(
        data_dir=data_dir, passage_vectors=args.passage_vectors, multilingual_max_passages=0
    )
    t0 = time.perf_counter()
    rows = load_rows(args.rows or None)
    articles, answer_of = rows_to_articles(rows)
    passages = split_corpus(articles + load_corpus(settings.corpus_dir))
    load_s = time.perf_counter() - t0
    embedder = load_configured_embedder(settings, threads=settings.index_threads)
    t = time.perf_counter()
    stats = store_for(settings, create=True).sync(passages, embedder)
    build_s = time.perf_counter() - t

    assistant = build_assistant(settings)
    r = assistant.retriever
    random.seed(7)
    sample = random.sample([row for row in rows if row["id"] in answer_of], min(args.questions, len(answer_of)))
    ranks = []
    for row in sample:
        qv = assistant.embedder.embed_query(row["question"])
        slugs: list[str] = []
        for i, _ in r.served.dense_search(qv, 40):
            slug = r.metas[i]["article_slug"]
            if slug not in slugs:
                slugs.append(slug)
        target = answer_of[row["id"]]
        ranks.append(slugs.index(target) + 1 if target in slugs else 0)
    ranks_a = np.asarray(ranks)
    asks = []
    for row in sample[:200]:
        t = time.perf_counter()
        assistant.ask(row["question"] + " ?")  # a fresh question each time (the answer cache never hits)
        asks.append((time.perf_counter() - t) * 1000)
    report = {
        "rows": len(rows),
        "passage_vectors": args.passage_vectors,
        "passages": len(passages),
        "embedded_passages": stats.embedded_passages,
        "embedded_sentences_and_questions": stats.embedded_sentences,
        "load_split_s": round(load_s, 1),
        "build_s": round(build_s, 1),
        "build_min": round(build_s / 60, 1),
        "dense_recall@1": round(float(np.mean(ranks_a == 1)), 3),
        "dense_recall@4": round(float(np.mean((ranks_a >= 1) & (ranks_a <= 4))), 3),
        "dense_mrr@10": round(float(np.mean([1 / k if 1 <= k <= 10 else 0 for k in ranks])), 3),
        "questions": len(sample),
        "warm_ask_ms_p50": round(float(np.percentile(asks, 50)), 1),
        "warm_ask_ms_p95": round(float(np.percentile(asks, 95)), 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "data_dir": "(temporary)" if not args.data_dir else args.data_dir,
    }
    out = Path("reports") / f"full-build-{args.passage_vectors}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    return report


if __name__ == "__main__":
    main()
