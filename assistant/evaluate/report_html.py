"""The one-page HTML report a clinical reviewer reads.

Self-contained (inline CSS and inline SVG charts, no scripts, no external requests; a CSP meta tag
forbids them). Rendered from ``templates/report.html.j2`` by Jinja2 with autoescape on, so every
string that comes from a question, an answer or the corpus is escaped; the charts
(:mod:`assistant.evaluate.charts`) escape their own labels. Order: run header, thresholds,
summary metrics, per-set and per-tag charts and tables, triage (with its confusion matrix),
latency (with its distribution), then every case, failures and errors first.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from assistant.schema import TRIAGE_LEVELS

from . import charts

RATIO_COLUMNS = (
    ("pass_rate", "pass rate"),
    ("hit@1", "hit@1"),
    ("hit@3", "hit@3"),
    ("mrr", "MRR"),
    ("citation_precision", "citation precision"),
    ("citation_validity", "citation validity"),
    ("disclaimer_presence", "disclaimer"),
    ("outcome_accuracy", "outcome accuracy"),
    ("false_alarm_rate", "false alarms"),
)

SUMMARY_ROWS = (
    ("pass_rate", "Pass rate", "cases"),
    ("hit@1", "Retrieval hit@1", "retrieval_cases"),
    ("hit@3", "Retrieval hit@3", "retrieval_cases"),
    ("mrr", "Retrieval MRR", "retrieval_cases"),
    ("citation_precision", "Citation precision (cited passages with an expected phrase)", "citations_judged"),
    ("citation_validity", "Citation validity (quote verbatim in corpus; must be 100%)", "citations"),
    ("disclaimer_presence", "Disclaimer presence (must be 100%)", "answered"),
    ("outcome_accuracy", "Outcome accuracy", None),
    ("answer_accuracy", "Answered when an answer was expected", None),
    ("not_covered_accuracy", "Not-covered accuracy", None),
    ("out_of_scope_accuracy", "Out-of-scope accuracy", None),
    ("refusal_accuracy", "Refusal accuracy", None),
    ("emergency_accuracy", "Emergency outcome accuracy", None),
    ("false_alarm_rate", "Triage false-alarm rate (expected none, got any level)", "triage_cases_none"),
)

# generative mode only (absent from an extractive run's metrics)
GENERATION_ROWS = (
    ("generated_rate", "Generated answer shown (of the questions sent to the model)", None),
    ("fallback_rate", "Extractive fallback (of the questions sent to the model)", None),
    ("removed_sentence_rate", "Drafted sentences the verifier removed", None),
    (
        "faithfulness",
        "Faithfulness: shown generated sentences supported by their cited passage (eval's re-check)",
        "generated_sentences",
    ),
    ("unsupported_sentences", "Shown generated sentences not supported (must be 0)", None),
)

Row = list[Any]  # table cells: plain values are escaped by the template, Markup is kept


def fmt(metric: str, value: Any) -> str:
    if value is None:
        return "—"
    if metric.startswith("latency_"):
        return f"{value:.0f} ms" if value >= 10 else f"{value:.1f} ms"
    if metric == "mrr":
        return f"{value:.3f}"
    if (
        isinstance(value, float)
        or metric.endswith(("rate", "accuracy", "precision", "validity", "presence"))
        or metric.startswith(("hit@", "triage_recall"))
    ):
        return f"{value * 100:.1f}%"
    return str(value)


def _mark(ok: Any, good: str, bad: str) -> Markup:
    if ok:
        return Markup("<span class='ok'>{}</span>").format(good)
    return Markup("<span class='bad'>{}</span>").format(bad)


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("assistant.evaluate", "templates"),
        autoescape=True,  # every {{ value }} is escaped; the report must never carry live markup from a case
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["mark"] = _mark
    return env


# --------------------------------------------------------------------------------------------
# tables


def _group_rows(groups: dict[str, dict]) -> list[Row]:
    return [
        [name, m["cases"], m["passed"], m["failed"], m["errors"]] + [fmt(k, m.get(k)) for k, _ in RATIO_COLUMNS]
        for name, m in groups.items()
    ]


def _summary_rows(overall: dict) -> list[Row]:
    rows = []
    extra = GENERATION_ROWS if "generated_rate" in overall else ()
    for key, label, den in (*SUMMARY_ROWS, *extra):
        n = overall.get(den) if den else None
        rows.append([label, fmt(key, overall.get(key)), "" if n is None else n])
    return rows


def _threshold_rows(thresholds: list[dict]) -> list[Row]:
    rows = []
    for t in thresholds:
        badge = Markup("<span class='badge pass'>met</span>" if t["ok"] else "<span class='badge fail'>missed</span>")
        actual = fmt(t["metric"], t["actual"]) if t["actual"] is not None else (t.get("note") or "no data")
        rows.append([t["threshold"], actual, badge])
    return rows


def _recall_rows(overall: dict) -> list[Row]:
    return [
        [
            lvl,
            overall.get(f"triage_cases_{lvl}"),
            fmt("triage_recall", overall.get(f"triage_recall_{lvl}")),
            fmt("triage_recall", overall.get(f"triage_recall_at_or_above_{lvl}")),
            fmt("false_alarm_rate", overall.get(f"false_alarm_rate_{lvl}")),
        ]
        for lvl in TRIAGE_LEVELS[1:]
    ]


def _matrix_rows(matrix: dict) -> list[Row]:
    return [
        [Markup("<b>{}</b>").format(exp)] + [matrix.get(exp, {}).get(got, 0) for got in TRIAGE_LEVELS]
        for exp in TRIAGE_LEVELS
    ]


def _latency_stages(overall: dict) -> list[str]:
    return sorted({k[len("latency_p50_") :] for k in overall if k.startswith("latency_p50_")})


def _latency_rows(overall: dict) -> list[Row]:
    return [
        [s, fmt("latency_", overall.get(f"latency_p50_{s}")), fmt("latency_", overall.get(f"latency_p95_{s}"))]
        for s in _latency_stages(overall)
    ]


def _order(cases: list[dict]) -> list[dict]:
    rank = {"error": 0, "fail": 1, "pass": 2}
    return sorted(cases, key=lambda c: (rank.get(c["status"], 3), c["set"], c["id"]))


# --------------------------------------------------------------------------------------------
# charts


def _bars(groups: dict[str, dict]) -> list[charts.Bar]:
    bars = [charts.Bar(name, m["passed"], m["failed"], m["errors"]) for name, m in groups.items()]
    return sorted(bars, key=lambda b: (b.rate, -b.cases, b.label))  # worst first


def latency_values(cases: list[dict]) -> tuple[str, list[float]]:
    """The stage the latency chart shows (``total`` when the answers carry it, else the runner's
    ``wall``) and its value for every answered case: the same values the p50/p95 are taken from."""
    answered = [c for c in cases if c["status"] != "error" and isinstance(c.get("answer"), dict)]
    totals = [(c["answer"].get("timings_ms") or {}).get("total") for c in answered]
    numbers = [float(v) for v in totals if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if numbers:
        return "total", numbers
    return "wall", [float(c.get("wall_ms") or 0.0) for c in answered]


def _charts(document: dict) -> dict[str, Markup]:
    metrics = document["metrics"]
    overall = metrics["overall"]
    failing_tags = {k: v for k, v in (metrics.get("by_tag") or {}).items() if v["passed"] < v["cases"]}
    stage, values = latency_values(document["cases"])
    markers = [(f"p{p}", overall.get(f"latency_p{p}_{stage}")) for p in (50, 95)]
    return {
        "by_set": charts.pass_rate_bars(_bars(metrics.get("by_set") or {}), "Pass rate by set (worst first)"),
        "by_tag": charts.pass_rate_bars(_bars(failing_tags), "Pass rate by tag, tags with a case not passed")
        if failing_tags
        else Markup(""),
        "triage": charts.confusion_matrix(
            metrics.get("triage_matrix") or {}, TRIAGE_LEVELS, "Triage: expected level × answered level"
        ),
        "latency": charts.histogram(values, f"Latency per answered case ({stage}, ms)", markers),
    }


# --------------------------------------------------------------------------------------------
# the page


def build_context(document: dict) -> dict[str, Any]:
    """Everything the template shows, as plain values (escaped there) or Markup (charts, badges)."""
    run = document["run"]
    metrics = document["metrics"]
    overall = metrics["overall"]
    summary = document.get("summary") or {}
    cases = _order(document["cases"])
    by_tag = metrics.get("by_tag") or {}
    return {
        "run": run,
        "corpus_sha": str(run.get("corpus_sha256", ""))[:12],
        "overall": overall,
        "status": summary.get("status", "pass"),
        "thresholds": summary.get("thresholds") or [],
        "threshold_rows": _threshold_rows(summary.get("thresholds") or []),
        "summary_rows": _summary_rows(overall),
        "ratio_headers": [h for _, h in RATIO_COLUMNS],
        "by_set_rows": _group_rows(metrics.get("by_set") or {}),
        "by_tag_rows": _group_rows(by_tag),
        "all_pass_tags": [name for name, m in by_tag.items() if m["passed"] == m["cases"]],
        "recall_rows": _recall_rows(overall),
        "levels": list(TRIAGE_LEVELS),
        "matrix_rows": _matrix_rows(metrics.get("triage_matrix") or {}),
        "latency_rows": _latency_rows(overall),
        "charts": _charts(document),
        "cases": cases,
        "not_passed": [c for c in cases if c["status"] != "pass"],
    }


def to_html(document: dict) -> str:
    return environment().get_template("report.html.j2").render(build_context(document))


def write_html(path: Path, document: dict) -> None:
    Path(path).write_text(to_html(document), encoding="utf-8")
