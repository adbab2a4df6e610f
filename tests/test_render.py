"""Pure web-layer functions: Answer -> chat messages, escaping, embed script, origins, feedback."""

from __future__ import annotations

import json
import re

import pytest

from assistant.schema import Answer, Citation, Triage
from assistant.web import render
from assistant.web.embed import embed_js, embed_page, safe_colour
from assistant.web.feedback import FeedbackStore
from assistant.web.security import content_security_policy, normalise_origin, validate_origins
from helpers import make_settings

XSS = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


def citation(n=1, **kw) -> Citation:
    base = dict(n=n, passage_id=f"a::{n}", article="Massage & sciatica", section="Evidence",
                quote="may ease muscle tension", source="massage.md", score=0.83,
                passage="Massage may ease muscle tension around the nerve.", evidence_note="Low certainty.")
    base.update(kw)
    return Citation(**base)


def answer(**kw) -> Answer:
    base = dict(question="q", answer="Massage may ease muscle tension [1].", outcome="answer",
                citations=[citation()], triage=Triage(), disclaimer="Not medical advice.")
    base.update(kw)
    return Answer(**base)


# ---- escaping -------------------------------------------------------------------------------

def test_user_text_is_shown_as_text():
    md = render.plain_text_markdown(XSS + " **b** [l](http://evil.example) ![i](http://evil.example/p.png)")
    assert "<" not in md and ">" not in md
    assert "\\*\\*b\\*\\*" in md and "\\[l\\]" in md and "!\\[i\\]" in md
    assert "http\\://evil" in md  # no autolink


@pytest.mark.parametrize("line, expected", [
    ("# title", "\\# title"), ("- item", "\\- item"), ("1. item", "1\\. item"), ("  + x", "  \\+ x"),
])
def test_user_text_line_markers_escaped(line, expected):
    assert render.plain_text_markdown(line) == expected


def test_answer_markdown_keeps_markers_and_kills_links_images_html():
    md = render.safe_markdown(
        "Helps [1] and [2, 3]. <b>x</b> & [site](http://evil.example) ![p](http://evil.example/p.png)\n"
        "[1]: http://evil.example\n- [2]: http://evil.example")
    assert "[1]" in md and "[2, 3]" in md
    assert "<b>" not in md and "&lt;b&gt;" in md and "&amp;" in md
    assert "](" not in md.replace("]\\(", "")
    assert "![" not in md
    assert not re.search(r"\]:", md.replace("]\\:", ""))


def test_relevance_label():
    assert render.format_relevance(0.834) == "83%"
    assert render.format_relevance(1.7) == "100%"
    assert render.format_relevance(-1) == "0%"
    assert render.format_relevance(float("nan")) == "n/a"
    assert render.format_relevance("x") == "n/a"


# ---- quote highlighting -----------------------------------------------------------------------

def test_quote_highlighted_inside_escaped_passage():
    out = render.highlight_quote("A <b>bold</b> claim: massage MAY  ease\nmuscle tension here.",
                                 "may ease muscle tension")
    assert "<mark>MAY  ease<br>muscle tension</mark>" in out
    assert "&lt;b&gt;bold&lt;/b&gt;" in out and "<b>" not in out


def test_quote_fragments_with_ellipsis():
    spans = render.find_quote_spans("First part here. Middle. Second part there.", "First part … Second part")
    assert len(spans) == 2


def test_quote_not_found_is_shown_above_passage():
    out = render.highlight_quote("Some passage.", "<i>other words</i>")
    assert out.startswith("<mark>&lt;i&gt;other words&lt;/i&gt;</mark>")
    assert out.endswith("Some passage.")


def test_sources_html_is_one_escaped_block():
    c = citation(article="Art <script>x</script>", section="S & T", passage="P " + XSS + " may ease muscle tension",
                 source="https://example.org/a?b=1&c=2")
    html = render.sources_html([c, citation(2, source="file.md", evidence_note="")])
    assert "<script" not in html and "<img" not in html and "onerror=\"" not in html
    assert "Art &lt;script&gt;" in html and "S &amp; T" in html
    assert "<mark>may ease muscle tension</mark>" in html
    assert "relevance 83%" in html and "[2]" in html
    assert "\n\n" not in html  # a blank line would end the HTML block in Markdown
    assert 'href="https://example.org/a?b=1&amp;c=2"' in html and 'rel="noopener noreferrer nofollow"' in html


def test_non_http_source_is_not_a_link():
    html = render.sources_html([citation(source="javascript:alert(1)")])
    assert "href" not in html


# ---- messages -------------------------------------------------------------------------------

def test_answer_messages_order_and_disclaimer():
    msgs = render.answer_messages(answer(), "999")
    assert [m["role"] for m in msgs] == ["assistant", "assistant"]
    assert "[1]" in msgs[0]["content"] and "Not medical advice." in msgs[0]["content"]
    assert msgs[1]["metadata"] == {"title": "Sources (1 passage)", "status": "done"}


def test_streaming_prefix_has_no_sources_or_disclaimer():
    msgs = render.answer_messages(answer(), "999", body="Massage may", complete=False)
    assert len(msgs) == 1 and msgs[0]["content"] == "Massage may"


def test_emergency_triage_is_an_alert_and_not_repeated():
    lead = "Numbness around the bottom can be an emergency. Call 999 now."
    a = answer(outcome="emergency", answer=lead + "\n\nMassage may ease muscle tension [1].",
               triage=Triage("emergency", lead, ("saddle",)))
    msgs = render.answer_messages(a, "999")
    assert 'class="triage triage-emergency" role="alert"' in msgs[0]["content"]
    assert "Emergency: call 999 now" in msgs[0]["content"]
    assert lead not in msgs[1]["content"] and "Massage may ease" in msgs[1]["content"]


def test_triage_message_is_escaped_and_number_added():
    html = render.triage_html(Triage("emergency", "<b>Go</b>", ()), "112")
    assert "&lt;b&gt;Go&lt;/b&gt;" in html and "Call 112." in html
    caution = render.triage_html(Triage("caution", "Careful.", ()), "112")
    assert 'role="note"' in caution and "triage-caution" in caution


def test_answer_without_citations_has_no_sources_panel():
    msgs = render.answer_messages(answer(outcome="not_covered", answer="Not in my articles.", citations=[]), "999")
    assert len(msgs) == 1 and "metadata" not in msgs[0]


def test_text_prefixes_grow_to_full_text():
    text = "one two three four five six seven eight nine"
    prefixes = list(render.text_prefixes(text, 4))
    assert prefixes[-1] == text
    assert all(text.startswith(p) for p in prefixes)
    assert [len(p) for p in prefixes] == sorted(len(p) for p in prefixes)
    assert list(render.text_prefixes("", 4)) == [""]


def test_notice_is_escaped():
    msg = render.notice_message("Bad <b>input</b>", "error")
    assert "&lt;b&gt;" in msg["content"] and "notice-error" in msg["content"]


# ---- embed, origins, feedback ---------------------------------------------------------------------

def test_accent_colour_cannot_inject_css():
    assert safe_colour("#12abef") == "#12abef"
    assert safe_colour("teal") == "teal"
    assert safe_colour("red; } body { display:none") == "#1f6f8b"
    assert safe_colour("url(http://evil.example/x)") == "#1f6f8b"


def test_embed_script_carries_branding_as_data(tmp_path):
    s = make_settings(tmp_path, assistant_name='Clinic </script><script>alert(1)</script>',
                      greeting="Hi & welcome", emergency_number="112", accent_colour="#abcdef")
    js = embed_js(s)
    assert "</script" not in js and "<script" not in js
    config = json.loads(re.search(r"var CONFIG = (\{.*?\});", js).group(1))
    assert config["name"].startswith("Clinic </script>")
    assert config["emergency"] == "112" and config["accent"] == "#abcdef"
    assert "innerHTML" not in js


def test_embed_page_escapes_settings(tmp_path):
    s = make_settings(tmp_path, assistant_name="<b>Clinic</b>", allowed_origins=("https://clinic.example",))
    page = embed_page(s, "http://127.0.0.1:7860/")
    assert "<b>Clinic</b>" not in page and "&lt;b&gt;Clinic&lt;/b&gt;" in page
    assert "&lt;script src=&quot;http://127.0.0.1:7860/embed.js&quot; async&gt;&lt;/script&gt;" in page
    assert "https://clinic.example" in page


def test_origins_are_validated_and_normalised():
    assert validate_origins(["https://Clinic.example:443/", "http://localhost:8080"]) == (
        "https://clinic.example", "http://localhost:8080")
    for bad in ("*", "clinic.example", "https://clinic.example/path", "javascript:alert(1)"):
        with pytest.raises(ValueError):
            validate_origins([bad])
    assert normalise_origin("http://a.example:80") == "http://a.example"
    csp = content_security_policy(["https://clinic.example"])
    assert "frame-ancestors 'self' https://clinic.example" in csp and "connect-src 'self'" in csp


def test_feedback_off_stores_nothing(tmp_path):
    store = FeedbackStore(tmp_path / "f.jsonl", enabled=False)
    assert store.record(liked=True, question="q", outcome="answer", answer="a", passage_ids=["p"]) is False
    assert not (tmp_path / "f.jsonl").exists()


def test_feedback_on_keeps_no_ip(tmp_path):
    store = FeedbackStore(tmp_path / "fb" / "f.jsonl", enabled=True)
    assert store.record(liked=False, question="q", outcome="answer", answer="a", passage_ids=["p"])
    entry = json.loads((tmp_path / "fb" / "f.jsonl").read_text())
    assert set(entry) == {"time", "rating", "question", "outcome", "answer", "passage_ids"}
    assert entry["rating"] == "down"
