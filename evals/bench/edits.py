"""Edits at scale: how long re-indexing takes when one article changes in a large corpus.

    .venv/bin/python -m evals.bench.edits [--rows 2000] [--out reports/bench_edits.json]

Indexes the first ``--rows`` MedQuAD answers beside the shipped corpus into a temporary data folder (the
slow part, printed too), then times whole ``index_articles`` runs, as ``sciatica-assistant index`` does them:
nothing changed; one article edited; one article added; one article deleted. Each run re-reads what the
served generation holds, embeds what changed, switches the pointer and deletes what the new generation no
longer serves. Prints the figures and writes them as JSON.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import tempfile
import time
from pathlib import Path

from assistant.embeddings import load_configured_embedder
from assistant.ingest.build import index_articles
from assistant.ingest.corpus import Section, load_corpus
from assistant.settings import load_settings
from evals.bench.medquad import load_rows, rows_to_articles

ROOT = Path(__file__).resolve().parents[2]


def timed(label: str, fn) -> dict:
    started = time.perf_counter()
    stats = fn()
    seconds = time.perf_counter() - started
    print(f"{label:<28} {seconds:8.2f} s   embedded {stats.embedded_passages} passages, reused {stats.copied_passages}")
    return {"seconds": round(seconds, 3), "embedded_passages": stats.embedded_passages, "passages": stats.passages}


def search_latency(settings, embedder, questions: list[str], n: int = 200) -> dict:
    """Dense search p50/p95 over the served generation (its records are filtered by generation in Chroma)."""
    from assistant.store import store_for

    served = store_for(settings, create=False).open_served(embedder)
    vectors = embedder.embed_documents(questions[:n])
    times = []
    for vec in vectors:
        started = time.perf_counter()
        served.dense_search(vec, settings.dense_candidates)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    figures = {"p50": round(times[len(times) // 2], 2), "p95": round(times[int(len(times) * 0.95)], 2)}
    print(
        f"{'dense search (filtered)':<28} p50 {figures['p50']} ms, p95 {figures['p95']} ms over {len(times)} questions"
    )
    return figures


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m evals.bench.edits", description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=2000, help="MedQuAD rows to index beside the shipped corpus")
    ap.add_argument("--out", type=Path, default=ROOT / "reports" / "bench_edits.json")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings().with_overrides(data_dir=Path(tmp) / "data")
        shipped = load_corpus(settings.corpus_dir)
        medquad, _ = rows_to_articles(load_rows(args.rows))
        articles = shipped + medquad
        embedder = load_configured_embedder(settings, threads=settings.index_threads)
        figures: dict = {"rows": args.rows, "articles": len(articles)}
        figures["build"] = timed("first build", lambda: index_articles(settings, articles, embedder=embedder))
        figures["unchanged"] = timed("nothing changed", lambda: index_articles(settings, articles, embedder=embedder))

        first = articles[len(shipped)]
        section = first.sections[0]
        changed = dataclasses.replace(
            first, sections=(Section(section.heading, section.path, (*section.paragraphs, "An added sentence.")),)
        )
        edited = [changed if a is first else a for a in articles]
        figures["one_edited"] = timed("one article edited", lambda: index_articles(settings, edited, embedder=embedder))
        extra = dataclasses.replace(first, slug="bench-added-article", file="bench-added-article.md")
        added = [*edited, extra]
        figures["one_added"] = timed("one article added", lambda: index_articles(settings, added, embedder=embedder))
        figures["one_deleted"] = timed(
            "one article deleted", lambda: index_articles(settings, edited, embedder=embedder)
        )
        figures["dense_search_ms"] = search_latency(settings, embedder, [r["question"] for r in load_rows(args.rows)])

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(f"written: {args.out}")


if __name__ == "__main__":
    main()
