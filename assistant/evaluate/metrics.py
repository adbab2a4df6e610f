"""Judge one answer against its case, aggregate metrics, and check thresholds.

Definitions (also in ``evals/README.md``):

* a case passes when every check written in its ``expect`` holds, the answer carries a
  disclaimer, and every citation quote is verbatim in the corpus;
* phrase checks are case-insensitive and whitespace-normalised (curly quotes and dashes folded);
  "answer text" is what the user reads apart from the citations: the triage message, the
  answer and the disclaimer; a citation "contains" a phrase when its quote or its whole passage does;
* the ranking for hit@k and MRR is the order of ``citations`` (n=1 first).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable

from assistant.schema import LEVEL_RANK, OUTCOMES, TRIAGE_LEVELS

from .cases import Case
from .corpus import CorpusText, squash
from .stats import percentile

if TYPE_CHECKING:  # faithfulness.py imports numpy; it is imported where a generated answer is judged
    from .faithfulness import Faithfulness

    Faithful = Callable[[dict], Faithfulness | None]

ALERT_LEVELS = tuple(level for level in TRIAGE_LEVELS if level != "none")

_FOLD = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-", "\u00a0": " "}
)


# An expected "not_covered" means: no answer from the articles, and a reply that says so. A reply that declines for
# a stated reason (a service the assistant never provides, a medicine dose, reading a scan) says so too, and points
# to who can help; an "answer" never meets it (adopted 2026-12-03; evals/README.md, "Outcomes").
DECLINES = frozenset({"not_covered", "out_of_scope", "refusal"})


def outcome_met(expected: str | None, got: str) -> bool:
    return got == expected or (expected == "not_covered" and got in DECLINES)


def fold(text: str) -> str:
    """Normalise for phrase matching: case, whitespace, typographic quotes and dashes."""
    return squash(text.translate(_FOLD).casefold())


def has_phrase(text: str, phrases: Iterable[str]) -> list[str]:
    hay = fold(text)
    return [p for p in phrases if fold(p) and fold(p) in hay]


# --------------------------------------------------------------------------------------------
# one case


@dataclass
class CaseResult:
    case: Case
    status: str  # "pass" | "fail" | "error"
    reasons: list[str] = field(default_factory=list)
    answer: dict | None = None
    error: str = ""
    traceback: str = ""
    relevant: list[bool] = field(default_factory=list)  # per citation, if the case has cites_any
    valid: list[bool] = field(default_factory=list)  # per citation: quote verbatim in corpus
    first_hit: int | None = None  # 1-based rank of the first relevant citation
    first_ok: bool | None = None  # the first quoted sentence holds the answer (cases with first_any)
    partial_ok: bool | None = None  # uncovered parts named as expected (cases with partial)
    # a generated answer's shown sentences, re-checked by the eval against their cited passages (None: the
    # answer is not the model's, or the run did not check it)
    faithfulness: Faithfulness | None = None
    wall_ms: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == "pass"

    @property
    def got(self) -> dict:
        """The answer, for a result that has one (``aggregate`` only reads answered results)."""
        if self.answer is None:
            raise ValueError(f"case {self.case.id!r} has no answer")
        return self.answer

    def to_dict(self) -> dict:
        data = self.case.to_dict()
        data.update(
            status=self.status,
            reasons=list(self.reasons),
            error=self.error,
            answer=self.answer,
            judged={
                "relevant_citations": list(self.relevant),
                "valid_quotes": list(self.valid),
                "first_hit_rank": self.first_hit,
                "first_quote_ok": self.first_ok,
                "partial_ok": self.partial_ok,
            },
            wall_ms=round(self.wall_ms, 2),
        )
        if self.faithfulness is not None:
            data["judged"]["faithfulness"] = self.faithfulness.to_dict()
        if self.traceback:
            data["traceback"] = self.traceback
        return data


def answer_problem(answer: Any) -> str | None:
    """Why an answer dict does not follow the schema, or None."""
    if not isinstance(answer, dict):
        return f"expected an answer object, got {type(answer).__name__}"
    if not isinstance(answer.get("answer"), str):
        return "answer has no 'answer' text"
    if answer.get("outcome") not in OUTCOMES:
        return f"answer has an unknown outcome {answer.get('outcome')!r}"
    cites = answer.get("citations")
    if not isinstance(cites, list) or not all(isinstance(c, dict) for c in cites):
        return "answer 'citations' is not a list of objects"
    triage = answer.get("triage")
    if not isinstance(triage, dict) or triage.get("level") not in TRIAGE_LEVELS:
        return "answer 'triage' has no valid level"
    return None


def answer_text(answer: dict) -> str:
    """What the user reads apart from the citations: triage message, answer, disclaimer."""
    message = (answer.get("triage") or {}).get("message") or ""
    return f"{message}\n{answer.get('answer') or ''}\n{answer.get('disclaimer') or ''}"


def is_generated(answer: dict) -> bool:
    """Whether the answer shown was written by a chat model: ``composer`` "generative" when the answer names its
    composer, else ``timings_ms.generated`` 1 (not the extractive answer, nor generative mode's fallback to it)."""
    composer = answer.get("composer")
    if isinstance(composer, str):
        return composer == "generative"
    value = (answer.get("timings_ms") or {}).get("generated")
    return isinstance(value, (int, float)) and not isinstance(value, bool) and float(value) == 1.0


_MARKER = re.compile(r"\s*\[(\d+)\]")


def first_quote(answer: dict) -> str:
    """The first sentence the answer quotes: the body's text up to its first [n] marker, after the
    triage lead. Empty when nothing is quoted."""
    body = str(answer.get("answer") or "")
    lead = str((answer.get("triage") or {}).get("message") or "")
    if lead and body.startswith(lead):
        body = body[len(lead) :]
    match = _MARKER.search(body)
    if not match:
        return ""
    head = body[: match.start()]
    return head.rsplit("\n", 1)[-1].strip()


def first_answer(answer: dict) -> str:
    """What a reader takes in first: the first quote and, when that citation carries an evidence note shown in
    the body right after it ("What the evidence says: ..."), the note too. A question such as "is that legit?"
    is answered by the note beside the claim it asks about."""
    quoted = first_quote(answer)
    body = str(answer.get("answer") or "")
    match = _MARKER.search(body)
    if not quoted or not match:
        return quoted
    n = int(match.group(1))
    for cite in answer.get("citations") or []:
        note = str(cite.get("evidence_note") or "")
        if cite.get("n") == n and note and note in body[match.end() :]:
            return f"{quoted}\n{note}"
    return quoted


def judge(
    case: Case, answer: dict, corpus: CorpusText, wall_ms: float = 0.0, faithful: Faithful | None = None
) -> CaseResult:
    """``faithful`` re-checks a generated answer's shown sentences (:class:`.faithfulness.FaithfulnessCheck`); a
    case that shows one its cited passage does not support fails, whatever its ``expect`` says."""
    problem = answer_problem(answer)
    if problem:
        return CaseResult(
            case=case,
            status="error",
            answer=answer if isinstance(answer, dict) else None,
            error=f"malformed answer: {problem}",
            reasons=[f"error: malformed answer: {problem}"],
            wall_ms=wall_ms,
        )
    exp = case.expect
    reasons: list[str] = []
    faithfulness = faithful(answer) if faithful is not None else None
    if faithfulness is not None and faithfulness.unsupported:
        from .faithfulness import describe

        reasons += [describe(s) for s in faithfulness.unsupported]
    citations = answer["citations"]
    outcome = answer["outcome"]
    level = answer["triage"]["level"]

    if exp.outcome is not None and not outcome_met(exp.outcome, outcome):
        reasons.append(f"outcome: expected {exp.outcome}, got {outcome}")
    if exp.triage is not None and level != exp.triage:
        reasons.append(f"triage: expected {exp.triage}, got {level}")

    relevant: list[bool] = []
    first_hit = None
    if exp.cites_any:
        for i, cite in enumerate(citations, 1):
            text = f"{cite.get('quote') or ''}\n{cite.get('passage') or ''}\n{cite.get('evidence_note') or ''}"
            hit = bool(has_phrase(text, exp.cites_any))
            relevant.append(hit)
            if hit and first_hit is None:
                first_hit = i
        if first_hit is None:
            shown = ", ".join(repr(p) for p in exp.cites_any[:3])
            more = "" if len(exp.cites_any) <= 3 else f" (+{len(exp.cites_any) - 3} more)"
            reasons.append(
                f"citations: none of {len(citations)} cited passage(s) contains {shown}{more}"
                if citations
                else f"citations: nothing cited; expected a passage with {shown}{more}"
            )

    first_ok = None
    if exp.first_any:
        quoted = first_answer(answer)
        first_ok = bool(quoted) and bool(has_phrase(quoted, exp.first_any))
        if not first_ok:
            shown = ", ".join(repr(p) for p in exp.first_any[:3])
            reasons.append(
                f"first quote: {quoted[:80]!r} holds none of {shown}"
                if quoted
                else f"first quote: nothing quoted; expected one of {shown}"
            )
    partial_ok = None
    if exp.partial is not None:
        named = bool(answer.get("uncovered"))
        partial_ok = named == exp.partial
        if not partial_ok:
            reasons.append(
                "partial: expected the answer to name the part it does not cover"
                if exp.partial
                else f"partial: answer says parts are not covered: {answer.get('uncovered')!r}"
            )

    text = answer_text(answer)
    if exp.contains_any and not has_phrase(text, exp.contains_any):
        reasons.append("answer text lacks all of: " + ", ".join(repr(p) for p in exp.contains_any))
    if exp.contains_all:
        missing = [p for p in exp.contains_all if not has_phrase(text, [p])]
        if missing:
            reasons.append("answer text lacks: " + ", ".join(repr(p) for p in missing))
    if exp.not_contains:
        found = has_phrase(text, exp.not_contains)
        if found:
            reasons.append("answer text contains forbidden: " + ", ".join(repr(p) for p in found))
    if exp.max_citations is not None and len(citations) > exp.max_citations:
        reasons.append(f"citations: {len(citations)} cited, at most {exp.max_citations} allowed")

    if not str(answer.get("disclaimer") or "").strip():
        reasons.append("disclaimer: missing")

    valid = [corpus.contains(str(c.get("quote") or "")) for c in citations]
    for i, ok in enumerate(valid, 1):
        if not ok:
            reasons.append(f"citation [{i}]: quote is not verbatim in the corpus")

    return CaseResult(
        case=case,
        status="fail" if reasons else "pass",
        reasons=reasons,
        answer=answer,
        relevant=relevant,
        valid=valid,
        first_hit=first_hit,
        first_ok=first_ok,
        partial_ok=partial_ok,
        faithfulness=faithfulness,
        wall_ms=wall_ms,
    )


def error_result(case: Case, error: str, tb: str = "", wall_ms: float = 0.0) -> CaseResult:
    return CaseResult(
        case=case, status="error", error=error, traceback=tb, reasons=[f"error: {error}"], wall_ms=wall_ms
    )


# --------------------------------------------------------------------------------------------
# aggregate

LOWER_IS_BETTER = re.compile(
    r"^(false_alarm_rate(_\w+)?|latency_p\d+_[\w.-]+|failed|errors|fallback_rate|removed_sentence_rate"
    r"|unsupported_sentences|unfaithful_cases)$"
)


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def _latency(values: list[float], p: float) -> float | None:
    value = percentile(values, p)
    return None if value is None else round(value, 2)


GENERATION_COUNTS = frozenset({"generated", "sentences_drafted", "sentences_removed"})  # in timings_ms, not times


def generation_metrics(answered: list[CaseResult]) -> dict[str, Any]:
    """Generated answers (answer_mode generative; nothing in an extractive run): how often the model's draft was
    shown and how much of it was cut, from the answers' counters; and ``faithfulness``, the eval's own re-check of
    the shown sentences (None when a generated answer was not re-checked)."""
    m: dict[str, Any] = {}
    counted = [r.got.get("timings_ms") or {} for r in answered if "generated" in (r.got.get("timings_ms") or {})]
    if not counted:
        return m
    # the model was asked (it has a time in the model): a question that is not covered never is, and is not a fallback
    asked = [t for t in counted if "generate" in t]
    drafted = int(sum(float(t.get("sentences_drafted", 0)) for t in asked))
    m["asked_model"] = len(asked)
    m["generated_rate"] = _ratio(sum(float(t["generated"]) == 1 for t in asked), len(asked))
    m["fallback_rate"] = _ratio(sum(float(t["generated"]) != 1 for t in asked), len(asked))
    m["removed_sentence_rate"] = _ratio(int(sum(float(t.get("sentences_removed", 0)) for t in asked)), drafted)
    measured = all(r.faithfulness is not None for r in answered if is_generated(r.got))
    checked = [r.faithfulness for r in answered if r.faithfulness is not None]
    sentences = sum(f.shown for f in checked)
    unsupported = sum(f.shown - f.supported for f in checked)
    m["generated_sentences"] = sentences if measured else None
    m["unsupported_sentences"] = unsupported if measured else None
    m["unfaithful_cases"] = sum(f.shown > f.supported for f in checked) if measured else None
    m["faithfulness"] = _ratio(sentences - unsupported, sentences) if measured else None
    return m


def aggregate(results: list[CaseResult]) -> dict[str, Any]:
    """Flat metrics for a group of results. Ratios are None when nothing was measured."""
    m: dict[str, Any] = {}
    n = len(results)
    passed = sum(r.status == "pass" for r in results)
    errors = sum(r.status == "error" for r in results)
    m["cases"] = n
    m["passed"] = passed
    m["failed"] = n - passed - errors
    m["errors"] = errors
    m["pass_rate"] = _ratio(passed, n)

    answered = [r for r in results if r.status != "error" and r.answer is not None]
    m["answered"] = len(answered)

    # retrieval against cites_any
    ret = [r for r in answered if r.case.expect.cites_any]
    m["retrieval_cases"] = len(ret)
    m["hit@1"] = _ratio(sum(r.first_hit == 1 for r in ret), len(ret))
    m["hit@3"] = _ratio(sum(r.first_hit is not None and r.first_hit <= 3 for r in ret), len(ret))
    m["mrr"] = round(sum(1 / r.first_hit for r in ret if r.first_hit) / len(ret), 4) if ret else None

    firsts = [r.first_ok for r in answered if r.first_ok is not None]
    m["first_quote_cases"] = len(firsts)
    m["first_quote_accuracy"] = _ratio(sum(firsts), len(firsts))
    m["cited_any_accuracy"] = _ratio(sum(r.first_hit is not None for r in ret), len(ret))
    partials = [r.partial_ok for r in answered if r.partial_ok is not None]
    m["partial_cases"] = len(partials)
    m["partial_accuracy"] = _ratio(sum(partials), len(partials))

    judged = [flag for r in ret for flag in r.relevant]
    m["citations_judged"] = len(judged)
    m["citation_precision"] = _ratio(sum(judged), len(judged))

    valid = [flag for r in answered for flag in r.valid]
    m["citations"] = len(valid)
    m["citation_validity"] = _ratio(sum(valid), len(valid))

    m["disclaimer_presence"] = _ratio(
        sum(bool(str(r.got.get("disclaimer") or "").strip()) for r in answered), len(answered)
    )

    # triage
    def level_of(r: CaseResult) -> str:
        return r.got["triage"]["level"]

    with_triage = [r for r in answered if r.case.expect.triage is not None]
    for lvl in ALERT_LEVELS:
        group = [r for r in with_triage if r.case.expect.triage == lvl]
        m[f"triage_cases_{lvl}"] = len(group)
        m[f"triage_recall_{lvl}"] = _ratio(sum(level_of(r) == lvl for r in group), len(group))
        m[f"triage_recall_at_or_above_{lvl}"] = _ratio(
            sum(LEVEL_RANK[level_of(r)] >= LEVEL_RANK[lvl] for r in group), len(group)
        )
    calm = [r for r in with_triage if r.case.expect.triage == "none"]
    m["triage_cases_none"] = len(calm)
    m["false_alarm_rate"] = _ratio(sum(level_of(r) != "none" for r in calm), len(calm))
    for lvl in ALERT_LEVELS:
        m[f"false_alarm_rate_{lvl}"] = _ratio(sum(level_of(r) == lvl for r in calm), len(calm))

    # outcomes
    with_outcome = [r for r in answered if r.case.expect.outcome is not None]
    m["outcome_accuracy"] = _ratio(
        sum(outcome_met(r.case.expect.outcome, r.got["outcome"]) for r in with_outcome), len(with_outcome)
    )
    for outcome in OUTCOMES:
        group = [r for r in with_outcome if r.case.expect.outcome == outcome]
        m[f"{outcome}_accuracy"] = _ratio(sum(outcome_met(outcome, r.got["outcome"]) for r in group), len(group))

    m.update(generation_metrics(answered))

    # latency per stage (pipeline timings) plus the runner's wall clock; the generation counters are not times
    stages: dict[str, list[float]] = {"wall": [r.wall_ms for r in answered]}
    for r in answered:
        for stage, ms in (r.got.get("timings_ms") or {}).items():
            if stage in GENERATION_COUNTS:
                continue
            if isinstance(ms, (int, float)) and not isinstance(ms, bool):
                stages.setdefault(str(stage), []).append(float(ms))
    for stage in sorted(stages):
        m[f"latency_p50_{stage}"] = _latency(stages[stage], 50)
        m[f"latency_p95_{stage}"] = _latency(stages[stage], 95)
    return m


def triage_matrix(results: list[CaseResult]) -> dict[str, dict[str, int]]:
    """expected level -> answered level -> count (cases with an expected triage only)."""
    matrix = {e: {g: 0 for g in TRIAGE_LEVELS} for e in TRIAGE_LEVELS}
    for r in results:
        if r.status != "error" and r.answer is not None and r.case.expect.triage is not None:
            matrix[r.case.expect.triage][r.answer["triage"]["level"]] += 1
    return matrix


def group_metrics(results: list[CaseResult]) -> dict[str, Any]:
    by_set: dict[str, list[CaseResult]] = {}
    by_tag: dict[str, list[CaseResult]] = {}
    for r in results:
        by_set.setdefault(r.case.set_name, []).append(r)
        for tag in r.case.tags:
            by_tag.setdefault(tag, []).append(r)
    return {
        "overall": aggregate(results),
        "by_set": {k: aggregate(v) for k, v in sorted(by_set.items())},
        "by_tag": {k: aggregate(v) for k, v in sorted(by_tag.items())},
        "triage_matrix": triage_matrix(results),
    }


# --------------------------------------------------------------------------------------------
# thresholds

# the metrics only a generative run has (generated answers, the verifier, the eval's faithfulness re-check)
GENERATION_METRICS = (
    "generated_rate",
    "fallback_rate",
    "removed_sentence_rate",
    "faithfulness",
    "unsupported_sentences",
    "unfaithful_cases",
)

KNOWN_METRICS = (
    [
        "pass_rate",
        "hit@1",
        "hit@3",
        "mrr",
        "citation_precision",
        "citation_validity",
        "disclaimer_presence",
        "false_alarm_rate",
        "outcome_accuracy",
        "failed",
        "errors",
        "first_quote_accuracy",
        "cited_any_accuracy",
        "partial_accuracy",
        *GENERATION_METRICS,
    ]
    + [f"triage_recall_{lvl}" for lvl in ALERT_LEVELS]
    + [f"triage_recall_at_or_above_{lvl}" for lvl in ALERT_LEVELS]
    + [f"false_alarm_rate_{lvl}" for lvl in ALERT_LEVELS]
    + [f"{o}_accuracy" for o in OUTCOMES]
)
_LATENCY = re.compile(r"^latency_p(50|95)_[\w.-]+$")


class ThresholdError(ValueError):
    pass


@dataclass(frozen=True)
class Threshold:
    metric: str
    op: str  # ">=" (--fail-under) or "<=" (--fail-over)
    value: float
    scope: str = ""  # "" overall, "set:NAME" or "tag:NAME"
    spec: str = ""

    def label(self) -> str:
        where = f"[{self.scope}] " if self.scope else ""
        return f"{where}{self.metric} {self.op} {self.value:g}"


def parse_threshold(spec: str, op: str) -> Threshold:
    """``[SET:|tag:TAG:]METRIC=VALUE``, e.g. ``pass_rate=0.95``, ``core:hit@3=0.9``,
    ``tag:emergency:triage_recall_emergency=1``."""
    left, sep, raw = spec.strip().rpartition("=")
    if not sep or not left:
        raise ThresholdError(f"threshold {spec!r} must look like METRIC=VALUE, e.g. pass_rate=0.95")
    try:
        value = float(raw)
    except ValueError:
        raise ThresholdError(f"threshold {spec!r}: {raw!r} is not a number") from None
    parts = left.split(":")
    if len(parts) == 1:
        scope, metric = "", parts[0]
    elif len(parts) == 2:
        scope, metric = f"set:{parts[0]}", parts[1]
    elif len(parts) == 3 and parts[0] == "tag":
        scope, metric = f"tag:{parts[1]}", parts[2]
    else:
        raise ThresholdError(f"threshold {spec!r}: scope must be SET: or tag:TAG:")
    metric = metric.strip()
    if metric not in KNOWN_METRICS and not _LATENCY.match(metric):
        raise ThresholdError(
            f"threshold {spec!r}: unknown metric {metric!r} (known: {', '.join(KNOWN_METRICS)}, "
            "latency_p50_<stage>, latency_p95_<stage>)"
        )
    lower = bool(LOWER_IS_BETTER.match(metric))
    if op == ">=" and lower:
        raise ThresholdError(f"threshold {spec!r}: {metric} is lower-is-better; use --fail-over")
    if op == "<=" and not lower:
        raise ThresholdError(f"threshold {spec!r}: {metric} is higher-is-better; use --fail-under")
    return Threshold(metric=metric, op=op, value=value, scope=scope, spec=spec.strip())


def parse_thresholds(under: Iterable[str], over: Iterable[str]) -> list[Threshold]:
    out = []
    for op, specs in ((">=", under), ("<=", over)):
        for group in specs or ():
            for spec in group.split(","):
                if spec.strip():
                    out.append(parse_threshold(spec, op))
    return out


def check_thresholds(thresholds: list[Threshold], metrics: dict[str, Any]) -> list[dict]:
    out = []
    for t in thresholds:
        if not t.scope:
            group = metrics["overall"]
        elif t.scope.startswith("set:"):
            group = metrics["by_set"].get(t.scope[4:])
        else:
            group = metrics["by_tag"].get(t.scope[4:])
        actual = None if group is None else group.get(t.metric)
        if actual is None:
            ok, why = False, "no cases to measure it" if group is None or t.metric in group else "not measured"
        else:
            ok = actual >= t.value if t.op == ">=" else actual <= t.value
            why = ""
        out.append(
            {
                "threshold": t.label(),
                "metric": t.metric,
                "scope": t.scope,
                "op": t.op,
                "value": t.value,
                "actual": actual,
                "ok": ok,
                "note": why,
            }
        )
    return out
