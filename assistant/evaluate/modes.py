"""``eval --compare-modes``: the same cases quoted (extractive) and written by a chat model (generative), side by
side. Each run is an ordinary eval run with its own report; this module lines up their metrics, per set and
overall, and words the comparison for the console."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .metrics import GENERATION_METRICS

MODES = ("extractive", "generative")

# metrics only a generative run has: a threshold on one is checked against the generative run alone
GENERATIVE_ONLY = frozenset(GENERATION_METRICS)

# (metric, column label), in the order they are shown
SIDE_BY_SIDE = (
    ("pass_rate", "pass"),
    ("first_quote_accuracy", "first quote"),
    ("cited_any_accuracy", "cited"),
    ("not_covered_accuracy", "not covered"),
    ("triage_recall_caution", "caution recall"),
    ("triage_recall_urgent", "urgent recall"),
    ("triage_recall_emergency", "emergency recall"),
    ("false_alarm_rate", "false alarms"),
    ("faithfulness", "faithfulness"),
    ("unsupported_sentences", "unsupported sentences"),
    ("generated_rate", "generated shown"),
    ("fallback_rate", "fallback"),
    ("latency_p50_total", "latency p50"),
    ("latency_p95_total", "latency p95"),
)
COUNTS = frozenset({"unsupported_sentences", "cases", "generated_sentences"})
# the per-set table: the columns that fit on one line
SET_COLUMNS = (
    ("pass_rate", "pass"),
    ("first_quote_accuracy", "1st quote"),
    ("cited_any_accuracy", "cited"),
    ("not_covered_accuracy", "not cov."),
    ("faithfulness", "faithful"),
    ("fallback_rate", "fallback"),
    ("latency_p50_total", "p50"),
)


def _pair(ext: dict, gen: dict, key: str) -> dict[str, Any]:
    return {"extractive": ext.get(key), "generative": gen.get(key)}


def side_by_side(extractive: dict, generative: dict) -> dict:
    """The main metrics of two results documents, overall and per set: {metric: {extractive, generative}}."""
    e, g = extractive["metrics"], generative["metrics"]
    keys = [k for k, _ in SIDE_BY_SIDE] + ["cases", "generated_sentences"]
    by_set = {}
    for name in sorted(set(e["by_set"]) | set(g["by_set"])):
        a, b = e["by_set"].get(name, {}), g["by_set"].get(name, {})
        by_set[name] = {k: _pair(a, b, k) for k in keys}
    return {"overall": {k: _pair(e["overall"], g["overall"], k) for k in keys}, "by_set": by_set}


def fmt(key: str, value: Any, short: bool = False) -> str:
    if value is None:
        return "—"
    if key.startswith("latency_"):
        return f"{value / 1000:.1f}s" if value >= 1000 else f"{value:.0f}ms"
    if key in COUNTS:
        return str(int(value))
    return f"{value * 100:.0f}%" if short or value in (0, 1) else f"{value * 100:.1f}%"


def format_side_by_side(
    side: dict, changes: dict, documents: dict[str, dict], paths: dict[str, dict[str, Path]], llm: str
) -> str:
    from .compare import format_compare

    overall = side["overall"]
    lines = [
        f"eval --compare-modes: {overall['cases']['extractive']} cases, extractive vs generative ({llm})",
        "",
        f"  {'overall':<24}{'extractive':>12}{'generative':>12}",
    ]
    for key, label in SIDE_BY_SIDE:
        pair = overall[key]
        lines.append(f"  {label:<24}{fmt(key, pair['extractive']):>12}{fmt(key, pair['generative']):>12}")
    sentences = overall["generated_sentences"]["generative"]
    if sentences is not None:
        lines.append(f"  {'(generated sentences shown)':<24}{'':>12}{sentences:>12}")
    head = f"  {'set':<22}{'cases':>6}" + "".join(f"{label:>14}" for _, label in SET_COLUMNS)
    lines += ["", "  per set, extractive / generative:", head]
    for name, row in side["by_set"].items():
        cells = "".join(
            f"{fmt(k, row[k]['extractive'], True) + ' / ' + fmt(k, row[k]['generative'], True):>14}"
            for k, _ in SET_COLUMNS
        )
        lines.append(f"  {name[:21]:<22}{row['cases']['extractive'] or row['cases']['generative'] or 0:>6}{cells}")
    lines += ["", "From extractive (old) to generative (new):", format_compare(changes, metrics=False)]
    for mode in MODES:
        thresholds = documents[mode]["summary"]["thresholds"]
        missed = [t for t in thresholds if not t["ok"]]
        if thresholds:
            lines.append(f"Thresholds, {mode}: {len(thresholds) - len(missed)} of {len(thresholds)} met")
            for t in missed:
                actual = t["note"] or "no data" if t["actual"] is None else f"{t['actual']:g}"
                lines.append(f"  MISSED {t['threshold']}  (actual {actual})")
    lines.append("")
    for mode in MODES:
        lines.append(f"Report ({mode}): {paths[mode]['html']}  {paths[mode]['json']}")
    return "\n".join(lines)
