"""Core benchmark (prints figures; not a test): index time, re-index work, warm ask latency, fusion choice.

    .venv/bin/python -m evals.bench.core

Builds a fresh index of the shipped corpus in a temporary folder, re-runs the index, then asks
50 questions (the paraphrased test questions, repeated) and reports p50/p95 per stage. Finally it
compares dense-only, BM25-only, weighted-sum and RRF fusion by hit@1 of the expected section.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from assistant.offline import apply_offline_env  # noqa: E402

apply_offline_env()

from assistant.evaluate.stats import percentile  # noqa: E402
from assistant.ingest.build import index_corpus  # noqa: E402
from assistant.pipeline import build_assistant  # noqa: E402
from assistant.settings import load_settings  # noqa: E402
from test_answers import PARAPHRASED  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings().with_overrides(data_dir=Path(tmp), answer_cache_size=0)  # every ask computed
        t = time.perf_counter()
        first = index_corpus(settings)
        print(f"index (fresh, incl. model load): {time.perf_counter() - t:.2f} s; {first.summary()}")
        again = index_corpus(settings)
        print(f"re-index unchanged corpus: embedded {again.embedded_passages} passages, {again.seconds * 1000:.1f} ms")

        assistant = build_assistant(settings)
        questions = [q for q, _ in PARAPHRASED]
        questions = (questions * 5)[:50]
        assistant.ask(questions[0])  # warm-up
        stages: dict[str, list[float]] = {}
        for q in questions:
            for stage, ms in assistant.ask(q).timings_ms.items():
                stages.setdefault(stage, []).append(ms)
        print(f"warm ask over {len(questions)} questions (ms):")
        for stage, values in stages.items():
            print(f"  {stage:9s} p50 {percentile(values, 50):6.2f}   p95 {percentile(values, 95):6.2f}")

        r = assistant.retriever
        rows = {"dense": 0, "bm25": 0, "weighted 0.5/0.5": 0, "rrf k=60": 0}
        for q, section in PARAPHRASED:
            sections = (section,) if isinstance(section, str) else section
            qv = assistant.embedder.embed_query(q)
            dense = r.served.dense_search(qv, len(r))
            bm = r.bm25.scores(q)
            dense_rank = [i for i, _ in dense]
            bm_rank = list(bm.argsort()[::-1])
            dmax = max(s for _, s in dense) or 1.0
            bmax = float(bm.max()) or 1.0
            weighted = {i: 0.5 * s / dmax for i, s in dense}
            for i in range(len(r)):
                weighted[i] = weighted.get(i, 0.0) + 0.5 * float(bm[i]) / bmax
            rrf = {}
            for ranking in (dense_rank, bm_rank):
                for rank, i in enumerate(ranking):
                    rrf[i] = rrf.get(i, 0.0) + 1 / (60 + rank + 1)
            tops = {
                "dense": dense_rank[0],
                "bm25": bm_rank[0],
                "weighted 0.5/0.5": max(weighted, key=weighted.get),
                "rrf k=60": max(rrf, key=rrf.get),
            }
            for name, i in tops.items():
                rows[name] += r.metas[i]["section"] in sections
        print(f"retrieval hit@1 on {len(PARAPHRASED)} paraphrased questions:")
        for name, hits in rows.items():
            print(f"  {name:17s} {hits}/{len(PARAPHRASED)}")


if __name__ == "__main__":
    main()
