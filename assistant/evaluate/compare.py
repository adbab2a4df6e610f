"""``eval --compare old.json new.json``: what changed between two runs, newly failing first.

Cases are matched by id. Latency is shown but never counts as a change.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError
from assistant.evaluate.metrics import GENERATION_METRICS

KEY_METRICS = (
    "pass_rate",
    "hit@1",
    "hit@3",
    "mrr",
    "citation_precision",
    "citation_validity",
    "disclaimer_presence",
    "outcome_accuracy",
    "false_alarm_rate",
    "triage_recall_caution",
    "triage_recall_urgent",
    "triage_recall_emergency",
    "not_covered_accuracy",
    "out_of_scope_accuracy",
    "refusal_accuracy",
    "first_quote_accuracy",
    "cited_any_accuracy",
    "partial_accuracy",
    *GENERATION_METRICS,
)
COUNTS = frozenset({"unsupported_sentences", "unfaithful_cases"})


class CompareError(AssistantError):
    exit_code = 2


def load_results(path: str | Path) -> dict:
    path = Path(path)
    if path.is_dir():
        path = path / "results.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CompareError(f"{path}: no such results file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CompareError(f"{path}: not a results.json file ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list) or "metrics" not in data:
        raise CompareError(f"{path}: not a results.json written by 'eval' (no cases/metrics)")
    return data


def _fingerprint(case: dict) -> dict:
    answer = case.get("answer") or {}
    return {
        "outcome": answer.get("outcome"),
        "triage": (answer.get("triage") or {}).get("level"),
        "answer": answer.get("answer"),
        "citations": [c.get("passage_id") for c in answer.get("citations") or []],
    }


def _what_changed(old: dict, new: dict) -> list[str]:
    a, b = _fingerprint(old), _fingerprint(new)
    out = []
    for key in ("outcome", "triage"):
        if a[key] != b[key]:
            out.append(f"{key} {a[key]} -> {b[key]}")
    if a["citations"] != b["citations"]:
        out.append(f"citations {a['citations']} -> {b['citations']}")
    if a["answer"] != b["answer"]:
        out.append("answer text changed")
    return out


def compare_documents(old: dict, new: dict) -> dict[str, Any]:
    old_cases = {c["id"]: c for c in old["cases"]}
    new_cases = {c["id"]: c for c in new["cases"]}
    sections: dict[str, list[dict]] = {
        "newly_failing": [],
        "still_failing": [],
        "added": [],
        "removed": [],
        "newly_passing": [],
        "changed_passing": [],
    }
    for cid in sorted(set(old_cases) | set(new_cases)):
        o, n = old_cases.get(cid), new_cases.get(cid)
        if o is None or n is None:
            if n is not None:
                sections["added"].append({"id": cid, "set": n["set"], "status": n["status"], "reasons": n["reasons"]})
            elif o is not None:
                sections["removed"].append({"id": cid, "set": o["set"], "status": o["status"]})
            continue
        row = {
            "id": cid,
            "set": n["set"],
            "old": o["status"],
            "new": n["status"],
            "reasons": n["reasons"],
            "old_reasons": o["reasons"],
            "changes": _what_changed(o, n),
        }
        if o["status"] == "pass" and n["status"] != "pass":
            sections["newly_failing"].append(row)
        elif o["status"] != "pass" and n["status"] == "pass":
            sections["newly_passing"].append(row)
        elif o["status"] != "pass":
            if row["changes"] or o["reasons"] != n["reasons"] or o["status"] != n["status"]:
                sections["still_failing"].append(row)
        elif row["changes"]:
            sections["changed_passing"].append(row)

    # added cases that do not pass are the most important of the added ones
    sections["added"].sort(key=lambda r: (r["status"] == "pass", r["id"]))
    old_m, new_m = old["metrics"]["overall"], new["metrics"]["overall"]
    metrics = []
    for key in KEY_METRICS:
        a, b = old_m.get(key), new_m.get(key)
        if a is None and b is None:
            continue
        delta = None if a is None or b is None else round(b - a, 4)
        metrics.append({"metric": key, "old": a, "new": b, "delta": delta})
    latency = []
    for key in sorted(k for k in set(old_m) | set(new_m) if k.startswith("latency_")):
        latency.append({"metric": key, "old": old_m.get(key), "new": new_m.get(key)})
    return {
        "old": {"started": old.get("run", {}).get("started"), "cases": len(old_cases)},
        "new": {"started": new.get("run", {}).get("started"), "cases": len(new_cases)},
        "sections": sections,
        "metrics": metrics,
        "latency": latency,
        "regressed": bool(sections["newly_failing"]),
    }


def _num(key: str, value: Any) -> str:
    if value is None:
        return "—"
    if key.startswith("latency_"):
        return f"{value:.0f}ms"
    if key == "mrr":
        return f"{value:.3f}"
    if key in COUNTS:
        return f"{value:g}"
    return f"{value * 100:.1f}%"


def _delta(key: str, value: float | None) -> str:
    if not value:
        return ""
    sign = "+" if value > 0 else ""
    if key in COUNTS:
        return f"  ({sign}{value:g})"
    if key == "mrr":
        return f"  ({sign}{value:.3f})"
    return f"  ({sign}{value * 100:.1f} pts)"


def format_compare(result: dict, metrics: bool = True) -> str:
    """The comparison for the console; ``metrics=False`` leaves out the metrics (``--compare-modes`` shows its own
    side-by-side table)."""
    s = result["sections"]
    lines = [
        f"compare: {result['old']['cases']} cases (old, {result['old']['started']}) -> "
        f"{result['new']['cases']} cases (new, {result['new']['started']})",
        "",
    ]

    def block(title: str, rows: list[dict], render, limit: int | None = None) -> None:
        if not rows:
            return
        lines.append(f"{title} ({len(rows)}):")
        for row in rows[:limit]:
            lines.extend("  " + text for text in render(row))
        if limit is not None and len(rows) > limit:
            lines.append(f"  ... and {len(rows) - limit} more (see compare.json with --report)")
        lines.append("")

    def changed(row):
        head = f"{row['id']} [{row['set']}] {row['old']} -> {row['new']}"
        out = [head]
        out += [f"    - {r}" for r in row["reasons"]]
        if row["changes"]:
            out.append("    changed: " + "; ".join(row["changes"]))
        return out

    block("NEWLY FAILING", s["newly_failing"], changed)
    block("Still not passing, changed", s["still_failing"], changed)
    block(
        "Added", s["added"], lambda r: [f"{r['id']} [{r['set']}] {r['status']}"] + [f"    - {x}" for x in r["reasons"]]
    )
    block("Removed", s["removed"], lambda r: [f"{r['id']} [{r['set']}] was {r['status']}"])
    block("Newly passing", s["newly_passing"], lambda r: [f"{r['id']} [{r['set']}] {r['old']} -> pass"])
    block(
        "Passing, answer changed",
        s["changed_passing"],
        lambda r: [f"{r['id']} [{r['set']}]: " + "; ".join(r["changes"])],
        limit=20,
    )
    if not any(s.values()):
        lines.append("No case changed status or answer.")
        lines.append("")
    if not metrics:
        return "\n".join(lines)
    lines.append("Metrics (old -> new):")
    for m in result["metrics"]:
        delta = _delta(m["metric"], m["delta"])
        lines.append(f"  {m['metric']:<24} {_num(m['metric'], m['old']):>8} -> {_num(m['metric'], m['new']):>8}{delta}")
    if result["latency"]:
        lines.append("Latency (informational):")
        for m in result["latency"]:
            lines.append(f"  {m['metric']:<24} {_num(m['metric'], m['old']):>8} -> {_num(m['metric'], m['new']):>8}")
    return "\n".join(lines)
