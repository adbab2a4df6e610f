"""Accessibility and small screens, in Debian's chromium: axe-core on the chat, an answer with its Sources
open and the embeddable widget; a phone-sized chat showing the question and the start of its answer; the
widget's disclaimer; a clinic using the widget from a website that is not allowed.

axe-core is pinned in package.json / package-lock.json and installed by ``make browser`` (``npm ci``).
Violation counts per page go to test-artifacts/axe-results.json.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

# the servers, the browser and the page helpers are shared with the other browser tests
from test_web_browser import (  # noqa: F401  (fixtures are used by name)
    QUESTION,
    TIMEOUT,
    Watch,
    app_server,
    ask_and_wait,
    browser,
    clinic,
    open_chat,
    origin_netloc,
    page,
    wait_for_replies,
    web_settings,
)

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_RESULTS: dict[str, dict[str, int]] = {}


def axe_violations(target) -> list[dict]:
    """axe-core's violations on a page or frame: [{id, impact, help, nodes: [{target, summary}]}]."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make browser` (npm ci installs the pinned axe-core)")
    if not target.evaluate("() => typeof window.axe === 'object'"):
        target.add_script_tag(path=str(AXE))
    return target.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}));
        }""")


def assert_no_serious_violations(name: str, violations: list[dict], artifacts) -> None:
    counts = {level: sum(1 for v in violations if v["impact"] == level)
              for level in ("critical", "serious", "moderate", "minor")}
    AXE_RESULTS[name] = counts
    (artifacts / "axe-results.json").write_text(json.dumps(AXE_RESULTS, indent=2))
    bad = [v for v in violations if v["impact"] in ("critical", "serious")]
    assert not bad, f"axe on {name}: " + json.dumps(bad, indent=1)


def wait_for_animations(target) -> None:
    target.wait_for_function(
        "() => document.getAnimations().every(a => a.playState !== 'running' || a.effect?.getTiming().iterations"
        " === Infinity)", timeout=TIMEOUT)
    target.wait_for_timeout(300)


def test_axe_chat_page_and_answer_with_sources(page, app_server, artifacts):
    box, _ = open_chat(page, app_server.url)
    page.get_by_text("What is sciatica?").first.wait_for(state="visible", timeout=TIMEOUT)
    assert_no_serious_violations("chat (empty, examples shown)", axe_violations(page), artifacts)

    ask_and_wait(page, box, QUESTION, "[1]")
    wait_for_replies(page, 1)
    page.get_by_text("Sources (").last.click()
    page.locator("#chat .src-evidence, #chat .src-file").first.wait_for(state="visible", timeout=TIMEOUT)
    wait_for_animations(page)  # axe measures colours: not while the panel is still fading in
    assert_no_serious_violations("chat (answer, Sources open)", axe_violations(page), artifacts)


def test_axe_embed_page_and_open_widget(page, app_server, artifacts):
    page.goto(app_server.url + "embed", wait_until="domcontentloaded")
    button = page.get_by_role("button", name="Open chat:")
    button.wait_for(state="visible", timeout=TIMEOUT)
    assert_no_serious_violations("embed page", axe_violations(page), artifacts)

    button.click()
    frame = page.frame_locator("#clinic-assistant-frame")
    frame.get_by_label("Your question").wait_for(state="visible", timeout=TIMEOUT)
    assert_no_serious_violations("embed page, widget open", axe_violations(page), artifacts)
    chat_frame = page.frame(name=None, url=app_server.url)
    assert chat_frame is not None
    assert_no_serious_violations("widget's chat (in the iframe)", axe_violations(chat_frame), artifacts)


# ---- small screens ------------------------------------------------------------------------------

def in_view(box, top: float, bottom: float, name: str) -> None:
    assert box is not None, f"{name} is not rendered"
    assert box["height"] > 0 and box["y"] >= top - 1 and box["y"] + box["height"] <= bottom + 1, (name, box, top, bottom)


def test_phone_shows_the_question_and_the_start_of_the_answer(browser, app_server, artifacts):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        box, _ = open_chat(page, app_server.url)
        ask_and_wait(page, box, QUESTION, "[1]")
        wait_for_replies(page, 1)  # finished: the pane no longer changes
        page.wait_for_timeout(500)
        page.screenshot(path=str(artifacts / "web-chat-phone-answer-start.png"))
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 391  # no sideways scrolling
        pane = page.locator("#chat .bubble-wrap").bounding_box()
        assert pane and pane["height"] >= 400, pane  # was about 320 px
        in_view(pane, 0, 844, "chat pane")
        top, bottom = pane["y"], pane["y"] + pane["height"]
        in_view(page.get_by_test_id("user").last.bounding_box(), top, bottom, "the question")
        first_line = page.get_by_test_id("bot").filter(has_text="[1]").last.evaluate(
            """el => { const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT,
                         {acceptNode: n => n.textContent.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP});
                       const range = document.createRange(); range.selectNodeContents(walker.nextNode());
                       const r = range.getClientRects()[0]; return {x: r.x, y: r.y, width: r.width, height: r.height}; }""")
        in_view(first_line, top, bottom, "the answer's first line")
        for name in ("#app-disclaimer", "#question", "#ask-button", "#new-conversation"):
            in_view(page.locator(name).bounding_box(), 0, 844, name)
        # the label no longer floats over the conversation
        assert page.locator("#chat [data-testid='block-label']").count() == 0
        # the Sources title still opens from the keyboard (its inner arrow button is decoration now)
        title = page.locator("#chat .thought-group > .title[role='button']").last
        assert title.get_attribute("aria-expanded") == "false"
        title.focus()
        page.keyboard.press("Enter")
        page.locator("#chat .src-item").first.wait_for(state="visible", timeout=TIMEOUT)
        page.wait_for_function(
            "() => [...document.querySelectorAll('#chat .thought-group > .title')].pop()"
            ".getAttribute('aria-expanded') === 'true'", timeout=TIMEOUT)
    finally:
        context.close()


def clinic_page(clinic, app_server, name: str) -> str:
    (clinic["root"] / name).write_text(
        "<!doctype html><html lang='en'><head><title>Clinic</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
        "<body><h1>Example Physio Clinic</h1>"
        f'<script src="{app_server.url}embed.js" async></script></body></html>')
    return name


@pytest.mark.parametrize("viewport", [(1280, 900), (1280, 700), (390, 844)])
def test_widget_keeps_its_disclaimer_in_view(browser, app_server, clinic, web_settings, artifacts, viewport):
    width, height = viewport
    context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=width < 500)
    page = context.new_page()
    try:
        page.goto(f"{clinic['allowed']}/{clinic_page(clinic, app_server, 'widget.html')}", wait_until="domcontentloaded")
        page.get_by_role("button", name="Open chat:").click()
        frame = page.frame_locator("#clinic-assistant-frame")
        box = frame.get_by_label("Your question")
        box.wait_for(state="visible", timeout=TIMEOUT)
        box.fill(QUESTION)
        box.press("Enter")
        frame.locator("#chat .answer-disclaimer").first.wait_for(state="attached", timeout=TIMEOUT)
        page.wait_for_timeout(500)
        page.screenshot(path=str(artifacts / f"web-embed-widget-{width}x{height}.png"))
        area = page.locator("#clinic-assistant-frame").bounding_box()
        top, bottom = max(area["y"], 0), min(area["y"] + area["height"], height)
        disclaimer = frame.locator("#app-disclaimer")
        assert web_settings.disclaimer in disclaimer.inner_text()
        in_view(disclaimer.bounding_box(), top, bottom, "the chat's disclaimer")
        for name in ("#question", "#ask-button"):
            in_view(frame.locator(name).bounding_box(), top, bottom, name)
        in_view(frame.get_by_test_id("user").last.bounding_box(), top, bottom, "the question")
        in_view(page.locator("#clinic-assistant-panel").bounding_box(), 0, height, "the widget")
    finally:
        context.close()


def test_widget_on_a_website_that_is_not_allowed_says_so(browser, app_server, clinic, artifacts):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    warnings: list[str] = []
    page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)
    try:
        page.goto(f"{clinic['refused']}/{clinic_page(clinic, app_server, 'refused.html')}", wait_until="domcontentloaded")
        page.get_by_role("button", name="Open chat:").click()
        note = page.locator("#clinic-assistant-refused")
        note.wait_for(state="visible", timeout=TIMEOUT)
        text = note.inner_text()
        assert "not switched on for this website" in text and clinic["refused"] in text and "allowed_origins" in text
        assert page.locator("#clinic-assistant-frame").count() == 0  # no "refused to connect" page
        assert page.locator("#clinic-assistant-panel").get_by_text("Call 999").is_visible()  # disclaimer still there
        assert any("allowed_origins" in w for w in warnings)
        page.screenshot(path=str(artifacts / "web-embed-widget-refused.png"))
    finally:
        context.close()
