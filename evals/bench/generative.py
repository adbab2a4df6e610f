"""Generated answers on a question set: faithfulness, removed-sentence rate, fallback rate, latency.

    ASSISTANT_ANSWER_MODE=generative ASSISTANT_LLM=gguf:smollm2 \\
        .venv/bin/python -m evals.bench.generative evals/sets/answers-tune.yaml [--limit N] [--out FILE.json]

Every question goes through the whole pipeline (``Assistant.ask``), as the chat and the API do. Then each
shown sentence of a generated answer is checked again, independently of the composer, against the passage its
rendered marker points to (``Citation.passage`` and that passage's stored sentence vectors): faithfulness is
the share of shown sentences that pass. Removed-sentence rate is removed / drafted over all drafts; fallback
rate is the share of questions the model was asked about whose reply is the extractive answer (timeouts,
errors and too little supported); latency is the model's time (``timings_ms.generate``) and the whole ask's.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import yaml

from assistant.compose.verify import DEFAULT_RULES, Source, check_sentence, citations, draft_sentences
from assistant.evaluate.stats import percentile
from assistant.pipeline import build_assistant
from assistant.settings import load_settings


def recheck(assistant, answer) -> tuple[int, int]:
    """(shown generated sentences, of them supported by the passage their marker points to)."""
    retriever = assistant.retriever
    by_n = {c.n: c for c in answer.citations}
    body = answer.answer
    if answer.triage.message and body.startswith(answer.triage.message):
        body = body[len(answer.triage.message) :]
    shown = ok = 0
    # the curator's evidence notes and the closing line about uncovered parts are not the model's sentences
    skip = ("What the evidence says:", "The articles I answer from")
    lines = [x for x in body.splitlines() if not x.startswith(skip)]
    for sentence in draft_sentences("\n".join(lines)):
        text, cites = citations(sentence)
        if cites and all(n in by_n and text.rstrip(".") in by_n[n].passage for n in cites):
            shown, ok = shown + 1, ok + 1  # a verbatim quote (the precaution a caution answer leads with)
            continue
        sources = {}
        for n in cites:
            if n in by_n:
                items = retriever.sentence_vectors([by_n[n].passage_id]).get(by_n[n].passage_id, [])
                vectors = np.asarray([v for _, _, v in items], dtype=np.float32).reshape(len(items), -1)
                sources[n] = Source(by_n[n].passage, by_n[n].section, tuple(t for _, t, _ in items), vectors)
        vector = assistant.embedder.embed_documents([text])[0]
        shown += 1
        ok += check_sentence(sentence, vector, sources, DEFAULT_RULES).supported
    return shown, ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("set", type=Path)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    settings = load_settings()
    if settings.answer_mode != "generative":
        print("set ASSISTANT_ANSWER_MODE=generative and ASSISTANT_LLM", file=sys.stderr)
        return 2
    assistant = build_assistant(settings)
    reasons: Counter[str] = Counter()
    composer = assistant.composer
    inner = composer.compose

    def traced(req):
        composed = inner(req)
        reasons[composed.fallback_reason or composed.composer] += 1
        return composed

    composer.compose = traced  # type: ignore[method-assign]
    cases = yaml.safe_load(args.set.read_text(encoding="utf-8"))["cases"]
    if args.limit:
        cases = cases[: args.limit]
    rows = []
    for case in cases:
        answer = assistant.ask(case["question"], case.get("history") or [])
        t = answer.timings_ms
        shown, ok = recheck(assistant, answer) if t.get("generated") == 1.0 else (0, 0)
        rows.append(
            {
                "id": case["id"],
                "outcome": answer.outcome,
                "asked_model": "generate" in t,
                "generated": t.get("generated") == 1.0,
                "drafted": t.get("sentences_drafted", 0.0),
                "removed": t.get("sentences_removed", 0.0),
                "shown": shown,
                "supported": ok,
                "generate_ms": t.get("generate", 0.0),
                "total_ms": t.get("total", 0.0),
                "answer": answer.answer,
            }
        )
        print(f"{case['id']}: {'generated' if rows[-1]['generated'] else 'extractive'} {answer.answer[:100]!r}")
    asked = [r for r in rows if r["asked_model"]]
    shown = sum(r["shown"] for r in rows)
    drafted = sum(r["drafted"] for r in rows)
    summary = {
        "questions": len(rows),
        "asked_model": len(asked),
        "generated_shown": sum(r["generated"] for r in rows),
        "fallback_rate": round(1 - sum(r["generated"] for r in asked) / len(asked), 3) if asked else None,
        "fallback_reasons": dict(reasons),
        "sentences_drafted": drafted,
        "removed_rate": round(sum(r["removed"] for r in rows) / drafted, 3) if drafted else None,
        "shown_sentences": shown,
        "faithfulness": round(sum(r["supported"] for r in rows) / shown, 3) if shown else None,
        "generate_ms_p50": round(percentile([r["generate_ms"] for r in asked], 50), 1) if asked else None,
        "generate_ms_p95": round(percentile([r["generate_ms"] for r in asked], 95), 1) if asked else None,
        "total_ms_p50": round(percentile([r["total_ms"] for r in rows], 50), 1),
        "total_ms_p95": round(percentile([r["total_ms"] for r in rows], 95), 1),
    }
    print(json.dumps(summary, indent=2))
    if args.out:
        args.out.write_text(json.dumps({"summary": summary, "rows": rows}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
