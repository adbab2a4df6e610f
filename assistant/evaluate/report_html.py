"""The one-page HTML report a clinical reviewer reads.

Self-contained (inline CSS, no scripts, no external requests; a CSP meta tag forbids them), and
every string that comes from a question, an answer or the corpus goes through ``html.escape``.
Order: run header, thresholds, summary metrics, per-set and per-tag tables, triage, latency,
then every case, failures and errors first.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any, Iterable

from assistant.schema import TRIAGE_LEVELS

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

CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1100px;padding:1.2rem;color:#1d2327}
h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.2rem;margin-top:2rem;border-bottom:2px solid #ddd;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f5f7}td.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:.05rem .5rem;border-radius:.7rem;font-weight:600;font-size:.85rem}
.badge.pass{background:#dcf5e3;color:#145a2a}.badge.fail{background:#fde2e1;color:#8a1c17}.badge.error{background:#fff0c2;color:#6b4d00}
.case{border:1px solid #ccc;border-radius:.4rem;margin:.6rem 0;padding:.2rem .8rem}
.case.fail{border-left:6px solid #c0392b}.case.error{border-left:6px solid #d4a000}.case.pass{border-left:6px solid #2e8b57}
.case>summary{cursor:pointer;padding:.3rem 0}.q{font-weight:600}
.reasons{background:#fff6f5;border:1px solid #f1c4c0;padding:.3rem .6rem;margin:.4rem 0}
.answer{white-space:pre-wrap;background:#f7f9fa;padding:.4rem .6rem;border-radius:.3rem}
.triage{background:#fff4e0;padding:.3rem .6rem;border-radius:.3rem;white-space:pre-wrap}
blockquote{margin:.2rem 0 .2rem 1rem;padding-left:.6rem;border-left:3px solid #9bb;white-space:pre-wrap}
.passage{white-space:pre-wrap;font-size:.85rem;color:#333}.muted{color:#666;font-size:.85rem}
.ok{color:#145a2a}.bad{color:#8a1c17;font-weight:600}code{font-size:.85rem}
.scroll{overflow-x:auto}ol.cites{padding-left:1.2rem}ol.cites li{margin:.3rem 0}
"""


def e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


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


def _table(headers: Iterable[str], rows: Iterable[Iterable[str]], numeric_from: int = 1) -> str:
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = []
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            cls = ' class="num"' if i >= numeric_from else ""
            cells.append(f"<td{cls}>{cell}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<div class='scroll'><table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"


def _group_table(groups: dict[str, dict], label: str) -> str:
    if not groups:
        return "<p class='muted'>none</p>"
    headers = [label, "cases", "passed", "failed", "errors"] + [h for _, h in RATIO_COLUMNS]
    rows = []
    for name, m in groups.items():
        rows.append(
            [e(name), e(m["cases"]), e(m["passed"]), e(m["failed"]), e(m["errors"])]
            + [e(fmt(k, m.get(k))) for k, _ in RATIO_COLUMNS]
        )
    return _table(headers, rows)


def _summary(overall: dict) -> str:
    rows = []
    for key, label, den in SUMMARY_ROWS:
        n = overall.get(den) if den else None
        rows.append([e(label), e(fmt(key, overall.get(key))), e("" if n is None else n)])
    return _table(["metric", "value", "n"], rows)


def _triage(overall: dict, matrix: dict) -> str:
    rows = []
    for lvl in TRIAGE_LEVELS[1:]:
        rows.append(
            [
                e(lvl),
                e(overall.get(f"triage_cases_{lvl}")),
                e(fmt("triage_recall", overall.get(f"triage_recall_{lvl}"))),
                e(fmt("triage_recall", overall.get(f"triage_recall_at_or_above_{lvl}"))),
                e(fmt("false_alarm_rate", overall.get(f"false_alarm_rate_{lvl}"))),
            ]
        )
    recall = _table(
        [
            "level",
            "cases expecting it",
            "recall (exact)",
            "recall (at or above)",
            "false alarms at this level (of cases expecting none)",
        ],
        rows,
    )
    mrows = []
    for exp in TRIAGE_LEVELS:
        mrows.append([f"<b>{e(exp)}</b>"] + [e(matrix.get(exp, {}).get(got, 0)) for got in TRIAGE_LEVELS])
    confusion = _table(["expected ↓ / answered →"] + list(TRIAGE_LEVELS), mrows)
    return recall + "<p class='muted'>Confusion matrix (cases with an expected triage level):</p>" + confusion


def _latency(overall: dict) -> str:
    stages = sorted({k[len("latency_p50_") :] for k in overall if k.startswith("latency_p50_")})
    if not stages:
        return "<p class='muted'>no timings</p>"
    rows = [
        [e(s), e(fmt("latency_", overall.get(f"latency_p50_{s}"))), e(fmt("latency_", overall.get(f"latency_p95_{s}")))]
        for s in stages
    ]
    return _table(["stage", "p50", "p95"], rows) + (
        "<p class='muted'><code>wall</code> is measured by the runner around each call "
        "(includes HTTP with <code>--url</code>); the other stages come from the answer's "
        "<code>timings_ms</code>.</p>"
    )


def _expect(expect: dict) -> str:
    if not expect:
        return "<span class='muted'>(no checks)</span>"
    parts = []
    for key, value in expect.items():
        shown = ", ".join(f"“{e(v)}”" for v in value) if isinstance(value, list) else e(value)
        parts.append(f"<b>{e(key)}</b>: {shown}")
    return "; ".join(parts)


def _citations(case: dict) -> str:
    answer = case.get("answer") or {}
    cites = answer.get("citations") or []
    if not cites:
        return "<p class='muted'>No citations.</p>"
    judged = case.get("judged") or {}
    relevant = judged.get("relevant_citations") or []
    valid = judged.get("valid_quotes") or []
    items = []
    for i, c in enumerate(cites):
        marks = []
        if i < len(relevant):
            marks.append(
                "<span class='ok'>✓ expected phrase</span>"
                if relevant[i]
                else "<span class='bad'>✗ no expected phrase</span>"
            )
        if i < len(valid):
            marks.append(
                "<span class='ok'>✓ verbatim</span>" if valid[i] else "<span class='bad'>✗ quote not in corpus</span>"
            )
        score = c.get("score")
        score_txt = f" · score {score:.3f}" if isinstance(score, (int, float)) else ""
        note = f"<div class='muted'>Evidence note: {e(c.get('evidence_note'))}</div>" if c.get("evidence_note") else ""
        passage = (
            f"<details><summary class='muted'>whole passage</summary>"
            f"<div class='passage'>{e(c.get('passage'))}</div></details>"
            if c.get("passage")
            else ""
        )
        items.append(
            f"<li><b>{e(c.get('article'))}</b> — {e(c.get('section'))} "
            f"<span class='muted'>({e(c.get('passage_id'))}{e(score_txt)})</span> {' · '.join(marks)}"
            f"<blockquote>{e(c.get('quote'))}</blockquote>{note}{passage}</li>"
        )
    return f"<ol class='cites'>{''.join(items)}</ol>"


def _case(case: dict) -> str:
    status = case["status"]
    answer = case.get("answer") or {}
    triage = answer.get("triage") or {}
    opened = " open" if status != "pass" else ""
    tags = " ".join(f"<code>{e(t)}</code>" for t in case.get("tags") or [])
    out = [
        f"<details class='case {e(status)}' id='case-{e(case['id'])}'{opened}>",
        f"<summary><span class='badge {e(status)}'>{e(status.upper())}</span> "
        f"<code>{e(case['id'])}</code> <span class='q'>{e(case['question'])}</span></summary>",
        f"<div class='muted'>set <b>{e(case['set'])}</b> · {e(case.get('source'))}"
        f"{' · ' + e(case.get('origin')) + ' import' if case.get('origin') != 'native' else ''}"
        f"{' · tags ' + tags if tags else ''}</div>",
    ]
    if case.get("note"):
        out.append(f"<div class='muted'>Note: {e(case['note'])}</div>")
    if case.get("reasons"):
        out.append(
            "<div class='reasons'><b>Why it did not pass:</b><ul>"
            + "".join(f"<li>{e(r)}</li>" for r in case["reasons"])
            + "</ul></div>"
        )
    if case.get("history"):
        out.append(
            "<p><b>Conversation before this question:</b></p><ol>"
            + "".join(f"<li><b>{e(t['role'])}:</b> {e(t['content'])}</li>" for t in case["history"])
            + "</ol>"
        )
    out.append(f"<p><b>Expected:</b> {_expect(case.get('expect') or {})}</p>")
    if case["status"] == "error":
        out.append(f"<p class='bad'>Error: {e(case.get('error'))}</p>")
        if case.get("traceback"):
            out.append(
                f"<details><summary class='muted'>traceback</summary><pre>{e(case['traceback'])}</pre></details>"
            )
    if answer:
        out.append(
            f"<p><b>Got:</b> outcome <code>{e(answer.get('outcome'))}</code>, "
            f"triage <code>{e(triage.get('level'))}</code>"
            + (f" ({e(', '.join(triage.get('reasons') or []))})" if triage.get("reasons") else "")
            + "</p>"
        )
        if triage.get("message"):
            out.append(f"<div class='triage'>{e(triage['message'])}</div>")
        out.append(f"<div class='answer'>{e(answer.get('answer'))}</div>")
        out.append(_citations(case))
        out.append(
            f"<p class='muted'>Disclaimer: {e(answer.get('disclaimer')) or '<span class=bad>missing</span>'}</p>"
        )
        timings = answer.get("timings_ms") or {}
        if timings:
            out.append(
                "<p class='muted'>Timings: "
                + ", ".join(f"{e(k)} {e(v)} ms" for k, v in sorted(timings.items()))
                + "</p>"
            )
    out.append("</details>")
    return "\n".join(out)


def _order(cases: list[dict]) -> list[dict]:
    rank = {"error": 0, "fail": 1, "pass": 2}
    return sorted(cases, key=lambda c: (rank.get(c["status"], 3), c["set"], c["id"]))


def to_html(document: dict) -> str:
    run = document["run"]
    metrics = document["metrics"]
    overall = metrics["overall"]
    summary = document.get("summary") or {}
    thresholds = summary.get("thresholds") or []
    status = summary.get("status", "pass")
    cases = _order(document["cases"])
    not_passed = [c for c in cases if c["status"] != "pass"]

    parts = [
        "<!DOCTYPE html>",
        "<html lang='en'><head><meta charset='utf-8'>",
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        "<meta name='viewport' content='width=device-width,initial-scale=1'>",
        "<title>Evaluation report — sciatica assistant</title>",
        f"<style>{CSS}</style></head><body>",
        "<h1>Evaluation report — sciatica &amp; massage assistant</h1>",
        f"<p>{e(overall['cases'])} cases · <span class='badge pass'>{e(overall['passed'])} passed</span> "
        f"<span class='badge fail'>{e(overall['failed'])} failed</span> "
        f"<span class='badge error'>{e(overall['errors'])} errors</span>"
        + (
            f" · thresholds: <span class='badge {'pass' if status == 'pass' else 'fail'}'>"
            f"{'all met' if status == 'pass' else 'MISSED'}</span>"
            if thresholds
            else ""
        )
        + "</p>",
        f"<p class='muted'>Run started {e(run.get('started'))} · backend {e(run.get('backend'))} · "
        f"sets {e(', '.join(run.get('sets') or []))} · corpus {e(', '.join(run.get('corpus_files') or []))} "
        f"(sha256 {e(str(run.get('corpus_sha256', ''))[:12])})</p>",
    ]
    if thresholds:
        rows = []
        for t in thresholds:
            badge = "<span class='badge pass'>met</span>" if t["ok"] else "<span class='badge fail'>missed</span>"
            actual = fmt(t["metric"], t["actual"]) if t["actual"] is not None else (t.get("note") or "no data")
            rows.append([e(t["threshold"]), e(actual), badge])
        parts += ["<h2>Thresholds</h2>", _table(["threshold", "actual", ""], rows)]
    parts += [
        "<h2>Summary</h2>",
        _summary(overall),
        "<h2>By set</h2>",
        _group_table(metrics.get("by_set") or {}, "set"),
        "<h2>By tag</h2>",
        f"<details><summary>{len(metrics.get('by_tag') or {})} tags (open to see the table)</summary>"
        + _group_table(metrics.get("by_tag") or {}, "tag")
        + "</details>",
        "<h2>Triage</h2>",
        _triage(overall, metrics.get("triage_matrix") or {}),
        "<h2>Latency</h2>",
        _latency(overall),
    ]
    parts.append(f"<h2>Cases ({len(not_passed)} not passed, shown first)</h2>")
    if not_passed:
        parts.append(
            "<p>" + " ".join(f"<a href='#case-{e(c['id'])}'><code>{e(c['id'])}</code></a>" for c in not_passed) + "</p>"
        )
    parts.append("<p class='muted'>Passed cases are collapsed; open one to read its answer and citations.</p>")
    parts.extend(_case(c) for c in cases)
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write_html(path: Path, document: dict) -> None:
    Path(path).write_text(to_html(document), encoding="utf-8")
