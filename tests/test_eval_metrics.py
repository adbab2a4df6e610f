"""Judging answers and aggregating metrics, on hand-built Answer objects (no model, no index)."""

from __future__ import annotations

import pytest

from assistant.evaluate.cases import Case, Expect
from assistant.evaluate.corpus import CorpusText, body_of, squash
from assistant.evaluate.metrics import (
    ThresholdError,
    aggregate,
    check_thresholds,
    group_metrics,
    judge,
    parse_thresholds,
    percentile,
)
from assistant.schema import Answer, Citation, Triage

BODY = """
Muscle tension in the surrounding areas frequently worsens sciatica. Massage treatment helps
ease tension and release pressure on the sciatic nerve by focusing on these tight muscles.

Massage enhances blood circulation by bringing oxygen and nutrients to the afflicted areas.

Endorphins are the body's natural analgesics and mood enhancers.
"""
CORPUS = CorpusText(files=("a.md",), bodies=(squash(BODY),))
TENSION = "Muscle tension in the surrounding areas frequently worsens sciatica."
CIRC = "Massage enhances blood circulation by bringing oxygen and nutrients to the afflicted areas."
ENDO = "Endorphins are the body's natural analgesics and mood enhancers."


def cite(n: int, quote: str, passage: str | None = None) -> Citation:
    return Citation(n=n, passage_id=f"a::{n}", article="A", section=f"S{n}", quote=quote,
                    source="a.md", score=0.5, passage=passage if passage is not None else quote)


def answer(text="Some answer.", outcome="answer", cites=(), level="none", message="",
           disclaimer="Not medical advice.", timings=None) -> dict:
    return Answer(question="q", answer=text, outcome=outcome, citations=list(cites),
                  triage=Triage(level=level, message=message), disclaimer=disclaimer,
                  timings_ms=timings or {"retrieve": 5.0, "total": 10.0}).to_dict()


def case(cid="c1", tags=(), set_name="s", **expect) -> Case:
    for key in ("cites_any", "contains_any", "contains_all", "not_contains"):
        if key in expect:
            expect[key] = tuple(expect[key])
    return Case(id=cid, question="q?", expect=Expect(**expect), tags=tuple(tags), set_name=set_name)


def test_passing_case_with_hit_at_rank_two():
    r = judge(case(outcome="answer", triage="none", cites_any=["Oxygen  and\nNutrients"]),
              answer(cites=[cite(1, TENSION), cite(2, CIRC)]), CORPUS)
    assert r.status == "pass", r.reasons
    assert r.relevant == [False, True] and r.first_hit == 2 and r.valid == [True, True]


def test_phrase_found_in_the_passage_not_just_the_quote():
    r = judge(case(cites_any=["release pressure"]),
              answer(cites=[cite(1, TENSION, passage=squash(BODY))]), CORPUS)
    assert r.status == "pass" and r.first_hit == 1


def test_curly_quotes_fold_for_phrases():
    r = judge(case(cites_any=["body’s natural analgesics"]), answer(cites=[cite(1, ENDO)]), CORPUS)
    assert r.status == "pass"


def test_failing_case_lists_every_reason():
    r = judge(
        case(outcome="not_covered", triage="none", cites_any=["pelvic misalignment"],
             contains_any=["doctor", "GP"], not_contains=["cure"], contains_all=["massage"],
             max_citations=1),
        answer(text="Massage is a CURE.", cites=[cite(1, TENSION), cite(2, "Invented quote.")],
               level="caution", disclaimer=" "),
        CORPUS,
    )
    assert r.status == "fail"
    text = "\n".join(r.reasons)
    assert "outcome: expected not_covered, got answer" in text
    assert "triage: expected none, got caution" in text
    assert "none of 2 cited passage(s) contains 'pelvic misalignment'" in text
    assert "lacks all of: 'doctor', 'GP'" in text
    assert "contains forbidden: 'cure'" in text
    assert "2 cited, at most 1 allowed" in text
    assert "disclaimer: missing" in text
    assert "citation [2]: quote is not verbatim in the corpus" in text
    assert "lacks: 'massage'" not in text  # contains_all held


def test_triage_message_and_disclaimer_count_as_answer_text():
    r = judge(case(contains_all=["999", "not medical advice"]),
              answer(text="", outcome="emergency", level="emergency", message="Call 999 now.",
                     disclaimer="This is not medical advice."), CORPUS)
    assert r.status == "pass"
    r = judge(case(not_contains=["oxygen"]), answer(cites=[cite(1, CIRC)]), CORPUS)
    assert r.status == "pass"  # citations are not answer text


@pytest.mark.parametrize(
    "expected, got, passes",
    [
        ("not_covered", "not_covered", True),
        ("not_covered", "out_of_scope", True),  # "I can't recommend, find or book massage services..."
        ("not_covered", "refusal", True),  # "I can't give advice about medicines or doses. A pharmacist..."
        ("not_covered", "answer", False),  # quoting the nearest sentence is never "saying so"
        ("refusal", "not_covered", False),  # the other way round stays strict
        ("answer", "not_covered", False),
    ],
)
def test_a_reply_that_declines_and_says_why_meets_not_covered(expected, got, passes):
    r = judge(case(outcome=expected), answer(outcome=got), CORPUS)
    assert (r.status == "pass") is passes, r.reasons
    assert aggregate([r])[f"{expected}_accuracy"] == (1.0 if passes else 0.0)


def test_malformed_answer_is_an_error():
    r = judge(case(), {"answer": "x", "outcome": "maybe"}, CORPUS)
    assert r.status == "error" and "malformed answer" in r.error


def test_aggregate_metrics():
    results = [
        # hit at 1; 1 of 2 citations relevant
        judge(case("a", tags=["t1"], outcome="answer", triage="none", cites_any=["tension"]),
              answer(cites=[cite(1, TENSION), cite(2, CIRC)]), CORPUS),
        # hit at 3; 1 of 3 relevant
        judge(case("b", tags=["t1"], outcome="answer", triage="none", cites_any=["analgesics"]),
              answer(cites=[cite(1, TENSION), cite(2, CIRC), cite(3, ENDO)]), CORPUS),
        # miss; and a false alarm (expected none, got caution); one invalid quote
        judge(case("c", outcome="answer", triage="none", cites_any=["pelvic"]),
              answer(cites=[cite(1, "Not in corpus.")], level="caution"), CORPUS),
        # emergency expected, urgent given: not exact, not at-or-above
        judge(case("d", outcome="emergency", triage="emergency"),
              answer(outcome="emergency", level="urgent"), CORPUS),
        # urgent expected, emergency given: at-or-above but not exact
        judge(case("e", outcome="answer", triage="urgent"), answer(level="emergency"), CORPUS),
        # not covered, right
        judge(case("f", outcome="not_covered", triage="none"), answer(outcome="not_covered"), CORPUS),
        # refusal expected, answered: wrong
        judge(case("g", outcome="refusal"), answer(), CORPUS),
    ]
    m = aggregate(results)
    assert (m["cases"], m["passed"], m["failed"], m["errors"]) == (7, 3, 4, 0)
    assert m["pass_rate"] == round(3 / 7, 4)
    assert m["retrieval_cases"] == 3
    assert m["hit@1"] == round(1 / 3, 4) and m["hit@3"] == round(2 / 3, 4)
    assert m["mrr"] == round((1 + 1 / 3 + 0) / 3, 4)
    assert m["citations_judged"] == 6 and m["citation_precision"] == round(2 / 6, 4)
    assert m["citations"] == 6 and m["citation_validity"] == round(5 / 6, 4)
    assert m["disclaimer_presence"] == 1.0
    assert m["triage_cases_emergency"] == 1 and m["triage_recall_emergency"] == 0.0
    assert m["triage_recall_at_or_above_emergency"] == 0.0
    assert m["triage_recall_urgent"] == 0.0 and m["triage_recall_at_or_above_urgent"] == 1.0
    assert m["triage_recall_caution"] is None
    assert m["triage_cases_none"] == 4
    assert m["false_alarm_rate"] == 0.25 and m["false_alarm_rate_caution"] == 0.25
    assert m["false_alarm_rate_emergency"] == 0.0
    assert m["not_covered_accuracy"] == 1.0 and m["refusal_accuracy"] == 0.0
    assert m["emergency_accuracy"] == 1.0 and m["out_of_scope_accuracy"] is None
    assert m["latency_p50_retrieve"] == 5.0 and "latency_p95_total" in m

    groups = group_metrics(results)
    assert groups["by_tag"]["t1"]["cases"] == 2 and groups["by_tag"]["t1"]["pass_rate"] == 1.0
    assert groups["by_set"]["s"]["cases"] == 7
    assert groups["triage_matrix"]["none"]["caution"] == 1
    assert groups["triage_matrix"]["emergency"]["urgent"] == 1


def test_errors_count_against_pass_rate_but_not_answer_metrics():
    from assistant.evaluate.metrics import error_result

    results = [judge(case("a", cites_any=["tension"]), answer(cites=[cite(1, TENSION)]), CORPUS),
               error_result(case("b", cites_any=["tension"]), "RuntimeError: boom")]
    m = aggregate(results)
    assert m["pass_rate"] == 0.5 and m["errors"] == 1
    assert m["retrieval_cases"] == 1 and m["hit@1"] == 1.0


def test_percentile_nearest_rank():
    assert percentile([], 50) is None
    assert percentile([3, 1, 2], 50) == 2
    assert percentile(list(range(1, 101)), 95) == 95
    # ceil(0.95 * 20) is 19, not 20 (floating point would say 19.000000000000004)
    assert percentile(list(range(1, 21)), 95) == 19
    assert percentile([4, 1, 3, 2], 50) == 2  # the lower middle value, never an interpolated one
    assert percentile([7.5], 99) == 7.5 and percentile((x for x in [5, 1]), 100) == 5


def test_one_percentile_is_shared():
    from assistant.evaluate import metrics, stats

    assert metrics.percentile is stats.percentile
    with pytest.raises(ValueError):
        stats.percentile([1], 120)


def test_thresholds_parse_and_check():
    ts = parse_thresholds(["pass_rate=0.9,hit@3=0.5", "core:mrr=0.5", "tag:t1:citation_validity=1"],
                          ["false_alarm_rate=0.1", "latency_p95_total=1000"])
    assert [t.label() for t in ts] == [
        "pass_rate >= 0.9", "hit@3 >= 0.5", "[set:core] mrr >= 0.5",
        "[tag:t1] citation_validity >= 1", "false_alarm_rate <= 0.1", "latency_p95_total <= 1000"]
    metrics = {"overall": {"pass_rate": 0.95, "hit@3": 0.4, "false_alarm_rate": 0.0,
                           "latency_p95_total": 20.0},
               "by_set": {"core": {"mrr": None}}, "by_tag": {}}
    checked = check_thresholds(ts, metrics)
    assert [c["ok"] for c in checked] == [True, False, False, False, True, True]
    assert checked[2]["actual"] is None and checked[3]["note"] == "no cases to measure it"


@pytest.mark.parametrize("spec, under, message", [
    ("pass_rate", True, "must look like METRIC=VALUE"),
    ("pass_rate=high", True, "is not a number"),
    ("recall=0.9", True, "unknown metric 'recall'"),
    ("false_alarm_rate=0.1", True, "use --fail-over"),
    ("pass_rate=0.1", False, "use --fail-under"),
    ("a:b:c:pass_rate=1", True, "scope must be"),
])
def test_bad_thresholds(spec, under, message):
    with pytest.raises(ThresholdError, match=message):
        parse_thresholds([spec] if under else [], [] if under else [spec])


def test_corpus_body_strips_front_matter():
    text = "---\ntitle: x\nnotes: '---'\n---\n\nBody  text\nhere.\n"
    assert squash(body_of(text)) == "Body text here."
    assert CorpusText(("a",), (squash(body_of(text)),)).contains("text   here.")
    assert not CorpusText(("a",), ("title: x",)).contains("")


def test_generated_answers_report_fallback_and_removed_sentences_not_as_latencies():
    gen = {"total": 900.0, "generate": 800.0, "generated": 1, "sentences_drafted": 4, "sentences_removed": 1}
    fell_back = {"total": 700.0, "generate": 650.0, "generated": 0, "sentences_drafted": 3, "sentences_removed": 3}
    results = [
        judge(case("g1", outcome="answer"), answer(timings=gen), CORPUS),
        judge(case("g2", outcome="answer"), answer(timings=fell_back), CORPUS),
        judge(case("x", outcome="answer"), answer(), CORPUS),  # extractive only (e.g. not covered): not counted
    ]
    m = aggregate(results)
    assert m["generated_rate"] == 0.5 and m["fallback_rate"] == 0.5
    assert m["removed_sentence_rate"] == round(4 / 7, 4)
    assert m["latency_p50_generate"] in (650.0, 800.0)
    assert not any(key.endswith(("_generated", "_sentences_drafted", "_sentences_removed")) for key in m)


def test_extractive_runs_report_no_generation_metrics():
    m = aggregate([judge(case("x", outcome="answer"), answer(), CORPUS)])
    assert "fallback_rate" not in m and "generated_rate" not in m


def test_generation_metrics_can_be_gated():
    ts = parse_thresholds(["generated_rate=0.5"], ["fallback_rate=0.5,removed_sentence_rate=0.8"])
    assert [t.label() for t in ts] == ["generated_rate >= 0.5", "fallback_rate <= 0.5", "removed_sentence_rate <= 0.8"]


def test_first_quote_includes_the_evidence_note_shown_right_after_it():
    # "is that legit?" is answered by the note beside the claim; a note only in Sources does not count
    note = "That massage clears pollutants is not supported by good evidence. (Source: Furlan 2015)"
    c = Citation(n=1, passage_id="a::1", article="A", section="S1", quote=CIRC, source="a.md", score=0.5,
                 passage=CIRC, evidence_note=note)
    shown = answer(text=f"{CIRC} [1]\nWhat the evidence says: {note}", cites=[c])
    hidden = answer(text=f"{CIRC} [1]", cites=[c])
    expect = case(first_any=["is not supported by good evidence"])
    assert judge(expect, shown, CORPUS).first_ok is True
    assert judge(expect, hidden, CORPUS).first_ok is False
    assert judge(case(first_any=["Endorphins are"]), shown, CORPUS).first_ok is False
