"""The HTML report: Jinja2 with autoescape, inline SVG charts, nothing from a case left unescaped."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from assistant.evaluate import charts
from assistant.evaluate.cases import Case, Expect
from assistant.evaluate.corpus import CorpusText, squash
from assistant.evaluate.metrics import error_result, group_metrics, judge
from assistant.evaluate.report_html import latency_values, to_html
from assistant.evaluate.runner import results_document
from assistant.schema import Answer, Citation, Triage

QUOTE = "Massage enhances blood circulation by bringing oxygen and nutrients to the afflicted areas."
CORPUS = CorpusText(files=("a.md",), bodies=(squash(QUOTE),))
HOSTILE = "<script>alert('x')</script><svg onload=alert(1)>"


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.handlers += [name for name, _ in attrs if name.startswith("on")]


def parsed(html: str) -> Tags:
    parser = Tags()
    parser.feed(html)
    return parser


def answer(question: str, text: str, level="none", total=20.0, article="A") -> dict:
    cites = [Citation(n=1, passage_id="a::0", article=article, section="S", quote=QUOTE, source="a.md",
                      score=0.5, passage=QUOTE)]
    return Answer(question=question, answer=text, outcome="answer", citations=cites, disclaimer="d",
                  triage=Triage(level=level, message=""), timings_ms={"total": total}).to_dict()


def document(*, question=HOSTILE, tag=HOSTILE, set_name=HOSTILE) -> dict:
    hostile = Case(id="c<1>", question=question, expect=Expect(outcome="answer", triage="urgent"),
                   tags=(tag,), set_name=set_name, note=HOSTILE,
                   history=({"role": "user", "content": HOSTILE},))
    calm = Case(id="c2", question="fine?", expect=Expect(outcome="answer", triage="none"), set_name="calm")
    results = [
        judge(hostile, answer(question, HOSTILE, article=HOSTILE), CORPUS, wall_ms=5.0),
        judge(calm, answer("fine?", QUOTE + " [1]", total=40.0), CORPUS, wall_ms=5.0),
        error_result(Case(id="c3", question="boom?", expect=Expect(outcome="answer"), set_name="calm"),
                     f"RuntimeError: {HOSTILE}", tb=HOSTILE),
    ]
    return results_document(results, group_metrics(results), [], backend="fake", set_files=["s.yaml"],
                            corpus=CORPUS, started="2026-01-01T00:00:00+00:00")


def test_script_in_a_question_never_becomes_a_script_tag():
    html = to_html(document())
    found = parsed(html)
    assert "script" not in found.tags and found.handlers == []
    assert "<script>" not in html and "<svg onload" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html  # shown as text, in the page and charts


def test_markup_in_set_and_tag_names_is_escaped_inside_the_charts():
    html = to_html(document())
    svgs = re.findall(r"<svg\b.*?</svg>", html, flags=re.S)
    assert len(svgs) == 4  # by set, by tag, triage matrix, latency
    labelled = [s for s in svgs if "&lt;script&gt;" in s]
    assert len(labelled) == 2  # the set chart and the tag chart show the hostile names as text
    assert all("<script" not in s and "onload=" not in s.replace("&lt;svg onload=", "") for s in svgs)
    assert "http://" not in html and "https://" not in html  # no xmlns, no URL of any kind


def test_the_report_keeps_every_section_and_adds_the_charts():
    html = to_html(document(question="Why?", tag="t", set_name="s"))
    for heading in ("Summary", "By set", "By tag", "Triage", "Latency", "Cases (2 not passed, shown first)"):
        assert f"<h2>{heading}</h2>" in html
    assert "Pass rate by set" in html and "Pass rate by tag" in html
    assert "Triage: expected level × answered level" in html
    assert "Latency per answered case (total, ms)" in html and "p50 20 ms" in html
    assert "expected ↓ / answered →" in html  # the confusion matrix is still there as a table
    assert "Why it did not pass:" in html and "traceback" in html and "Content-Security-Policy" in html
    assert html.index("case-c3") < html.index("case-c&lt;1&gt;") < html.index("case-c2")


def test_latency_values_fall_back_to_wall_clock():
    doc = document()
    assert latency_values(doc["cases"]) == ("total", [20.0, 40.0])
    for case in doc["cases"]:
        if case["answer"]:
            case["answer"]["timings_ms"] = {}
    assert latency_values(doc["cases"]) == ("wall", [5.0, 5.0])


def test_histogram_bins_and_overflow():
    bins = charts.make_bins([1.0] * 98 + [2.0, 500.0], target=10)
    assert bins.step == 0.2 and sum(bins.counts) + bins.overflow == 100
    assert bins.overflow == 1  # the one slow value does not squash the rest into one bar
    assert charts.nice_step(0.7) == 1 and charts.nice_step(13) == 20 and charts.nice_step(50) == 50
    assert "no values" in charts.histogram([], "Latency")


def test_confusion_matrix_cells():
    svg = charts.confusion_matrix({"none": {"none": 3, "urgent": 1}, "urgent": {"none": 1}}, ("none", "urgent"), "T")
    assert "expected none, answered urgent: 1 of 4" in svg and "expected urgent, answered none: 1 of 1" in svg
    assert charts.FAIL in svg and charts.OVER in svg  # missed and false alarm told apart
