"""The chat in a real browser: Debian's chromium driven by Playwright (never `playwright install`).

Covers: answer with [n] markers and a Sources panel, the disclaimer, markup in a question not
executing, triage styling, bad input, keyboard-only use on a phone-sized screen, the embed
snippet on a second local origin (allowed) and a refused origin, that pages talk to no
other host, and a generated answer streaming in (a fake chat model held mid-draft). Screenshots
and timings go to test-artifacts/.
"""

from __future__ import annotations

import json
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from assistant.web.app import create_app
from assistant.web.background import BackgroundServer, free_port
from fakes import streaming_model
from helpers import copy_corpus, make_settings

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
QUESTION = "Which massage techniques help with tight muscles?"
EMERGENCY = "I suddenly can't control my bladder and my bottom feels numb"
TIMEOUT = 30_000
TIMINGS: dict[str, float] = {}

# A curated file carrying markup in every field a page shows: title, source, heading, text.
HOSTILE_ARTICLE = """---
title: 'Hot stones <img src=x onerror="window.__pwned=3">'
source: 'test fixture <script>window.__pwned=4</script>'
origin: team-written
date_curated: '2026-11-25'
---

## Hot stone <b onclick="window.__pwned=5">therapy</b>

Hot stone massage places smooth heated basalt stones <img src=x onerror="window.__pwned=6;alert(6)"> on
the back to warm tight muscles <script>window.__pwned=7</script> before kneading. See
![track](http://evil.example/pixel.png) and [click](javascript:alert(8)).
"""


# ---- servers -----------------------------------------------------------------------------------

class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass


@pytest.fixture(scope="module")
def clinic(tmp_path_factory):
    """A second local web server: the 'clinic website'. 127.0.0.1 is allowed, localhost is not."""
    root = tmp_path_factory.mktemp("clinic-site")
    port = free_port()
    httpd = ThreadingHTTPServer(("127.0.0.1", port), partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield {"root": root, "allowed": f"http://127.0.0.1:{port}", "refused": f"http://localhost:{port}"}
    httpd.shutdown()
    thread.join(5)


@pytest.fixture(scope="module")
def web_settings(built_settings, clinic, tmp_path_factory):
    data = tmp_path_factory.mktemp("web-data")
    # feedback on, so the thumbs are exercised; data_dir only receives feedback here.
    return built_settings.with_overrides(allowed_origins=(clinic["allowed"],), feedback_enabled=True,
                                         data_dir=data, emergency_number="999")


@pytest.fixture(scope="module")
def app_server(assistant, web_settings):
    with BackgroundServer(create_app(web_settings, assistant)) as srv:
        yield srv


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory, assistant):
    """The real pipeline over the shipped corpus plus one article full of markup."""
    from assistant.ingest.build import index_corpus
    from assistant.pipeline import build_assistant

    tmp = tmp_path_factory.mktemp("hostile-corpus")
    corpus = copy_corpus(tmp / "corpus")
    (corpus / "hot-stones.md").write_text(HOSTILE_ARTICLE, encoding="utf-8")
    settings = make_settings(tmp, corpus=corpus)
    index_corpus(settings)
    with BackgroundServer(create_app(settings, build_assistant(settings))) as srv:
        yield srv


# A draft the fake chat model streams for QUESTION: two sentences the verifier passes (close to the passage on
# muscle tension, [1]) around one it removes; the model is held after the first until the test lets it go on.
GOOD_1 = "Effective techniques for treating muscle tension include deep tissue massage and Swedish massage [1]."
BAD = "Massage cures cancer in a week [1]."
GOOD_2 = "Massage treatment helps ease tension and release pressure on the sciatic nerve by focusing on tight muscles [1]."
DRAFT = f"{GOOD_1} {BAD} {GOOD_2}"


@pytest.fixture(scope="module")
def generative_server(assistant, web_settings):
    """The real pipeline (MiniLM, the session index) in generative mode with a FAKE chat model held mid-draft."""
    from assistant.compose import ComposeSettings, ExtractiveComposer
    from assistant.compose.generative import GenerativeComposer
    from assistant.pipeline import Assistant

    gate = threading.Event()
    model = streaming_model(DRAFT, gate=gate, hold_at=DRAFT.index(BAD) + 10)
    embed = assistant.embedder.embed_documents
    fallback = ExtractiveComposer(ComposeSettings.from_settings(web_settings), embed)
    app = Assistant(web_settings, assistant.embedder, assistant.store,
                    GenerativeComposer(model, fallback, embed, timeout_s=120))
    with BackgroundServer(create_app(web_settings, app)) as srv:
        yield srv, model, gate
    gate.set()


# ---- browser -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make browser)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        yield b
        b.close()


class Watch:
    """Everything a page did that a test may want to check afterwards."""

    def __init__(self, page):
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def hosts(self) -> set[str]:
        return {urlsplit(u).netloc for u in self.requests if urlsplit(u).scheme in ("http", "https", "ws", "wss")}


def origin_netloc(url: str) -> str:
    return urlsplit(url).netloc


@pytest.fixture
def page(browser, app_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.watch = Watch(pg)
    yield pg
    context.close()


def open_chat(page, url):
    t0 = time.perf_counter()
    page.goto(url, wait_until="domcontentloaded")
    box = page.get_by_label("Your question")
    box.wait_for(state="visible", timeout=TIMEOUT)
    return box, time.perf_counter() - t0


def bot_with(page, text):
    return page.get_by_test_id("bot").filter(has_text=text).last


def wait_for_replies(page, n):
    """Wait until n replies have finished (each ends with a disclaimer or an app notice)."""
    page.wait_for_function(
        "n => document.querySelectorAll('#chat .answer-disclaimer, #chat .notice').length >= n",
        arg=n, timeout=TIMEOUT)


def ask_and_wait(page, box, question, expect_text):
    box.fill(question)
    t0 = time.perf_counter()
    box.press("Enter")
    bot_with(page, expect_text).wait_for(state="visible", timeout=TIMEOUT)
    return time.perf_counter() - t0


# ---- tests -------------------------------------------------------------------------------------

def test_chat_answers_with_sources_and_disclaimer(page, app_server, web_settings, artifacts):
    box, ready_s = open_chat(page, app_server.url)
    disclaimer = page.locator("#app-disclaimer")
    assert disclaimer.is_visible() and web_settings.disclaimer in disclaimer.inner_text()
    assert page.get_by_role("button", name="New conversation").is_visible()
    assert page.get_by_text("What is sciatica?").first.is_visible()  # example questions

    first_answer_s = ask_and_wait(page, box, QUESTION, "[1]")
    answer = bot_with(page, "[1]")
    assert "deep tissue massage" in answer.inner_text()
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts / "web-chat-answer.png"), full_page=True)

    page.get_by_text("Sources (").last.click()
    mark = page.locator("#chat mark").first
    mark.wait_for(state="visible", timeout=TIMEOUT)
    assert "deep tissue massage" in mark.inner_text()
    sources_text = page.locator("#chat .src-item").first.inner_text()
    assert "How Massage Therapy Can Help Sciatica" in sources_text and "relevance" in sources_text
    assert disclaimer.is_visible()
    assert web_settings.disclaimer in page.locator("#chat .answer-disclaimer").last.inner_text()
    page.screenshot(path=str(artifacts / "web-chat-sources-open.png"), full_page=True)

    # thumbs up: stored locally (feedback is on in this module) with no IP or session id
    page.get_by_role("button", name="Like").last.click()
    feedback = web_settings.data_dir / "feedback" / "feedback.jsonl"
    for _ in range(50):
        if feedback.exists() and feedback.read_text().strip():
            break
        time.sleep(0.1)
    entry = json.loads(feedback.read_text().splitlines()[-1])
    assert entry["rating"] == "up" and entry["question"] == QUESTION
    assert not {"ip", "client", "session", "user_agent"} & set(entry)

    assert page.watch.hosts() == {origin_netloc(app_server.url)}
    assert not page.watch.errors
    TIMINGS.update(page_ready_s=round(ready_s, 3), first_answer_s=round(first_answer_s, 3))
    (artifacts / "web-timings.json").write_text(json.dumps(TIMINGS, indent=2))


def test_markup_in_a_question_is_shown_not_executed(page, app_server, artifacts):
    box, _ = open_chat(page, app_server.url)
    attacks = [
        '<img src=x onerror="window.__pwned=1;alert(1)">',
        "<script>window.__pwned=2;alert(2)</script> what is sciatica?",
        '<a href="javascript:alert(3)">click</a> [x](javascript:alert(4)) ![y](http://evil.example/p.png)',
    ]
    for i, attack in enumerate(attacks, start=1):
        box.fill(attack)
        box.press("Enter")
        wait_for_replies(page, i)
    page.wait_for_timeout(1000)
    assert page.evaluate("() => window.__pwned") is None
    assert page.watch.dialogs == []
    chat = page.locator("#chat")
    assert chat.locator("img[src='x'], script, a[href^='javascript']").count() == 0
    users = page.get_by_test_id("user")
    assert '<img src=x onerror="window.__pwned=1;alert(1)">' in users.nth(0).inner_text()
    assert "<script>window.__pwned=2;alert(2)</script>" in users.nth(1).inner_text()
    page.screenshot(path=str(artifacts / "web-chat-markup-as-text.png"), full_page=True)
    assert page.watch.hosts() == {origin_netloc(app_server.url)}  # no image from evil.example


def test_markup_in_a_corpus_file_is_shown_not_executed(browser, hostile_server, artifacts):
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    watch = Watch(page)
    try:
        box, _ = open_chat(page, hostile_server.url)
        ask_and_wait(page, box, "What is hot stone massage?", "[1]")
        page.get_by_text("Sources (").last.click()
        page.locator("#chat .src-item").first.wait_for(state="visible", timeout=TIMEOUT)
        page.wait_for_timeout(1000)
        chat = page.locator("#chat")
        text = chat.inner_text()
        assert '<img src=x onerror="window.__pwned=6;alert(6)">' in text  # shown, as text
        assert "<script>window.__pwned=7</script>" in text
        assert 'Hot stones <img src=x onerror="window.__pwned=3">' in text
        assert page.evaluate("() => window.__pwned") is None and watch.dialogs == []
        assert chat.locator("img[src='x'], script, [onclick], [onerror], a[href^='javascript']").count() == 0
        page.screenshot(path=str(artifacts / "web-chat-corpus-markup-as-text.png"), full_page=True)
        assert watch.hosts() == {origin_netloc(hostile_server.url)}  # the pixel was never fetched
    finally:
        context.close()


def test_triage_and_bad_input_look_different(page, app_server, web_settings, artifacts):
    box, _ = open_chat(page, app_server.url)
    ask_and_wait(page, box, EMERGENCY, "Emergency")
    alert = page.locator("#chat .triage-emergency[role='alert']").last
    assert alert.is_visible() and "999" in alert.inner_text()
    colour = alert.evaluate("el => getComputedStyle(el).backgroundColor")
    assert colour == "rgb(179, 0, 27)"
    page.screenshot(path=str(artifacts / "web-chat-emergency.png"), full_page=True)

    box.fill("   ")
    box.press("Enter")
    page.locator("#chat .notice-error").last.wait_for(state="visible", timeout=TIMEOUT)
    box.fill("a" * (web_settings.max_question_chars + 1))
    box.press("Enter")
    bot_with(page, "limit").wait_for(state="visible", timeout=TIMEOUT)
    assert page.locator("#chat .notice-error").count() >= 2
    assert "Traceback" not in page.locator("#chat").inner_text()


def test_phone_screen_keyboard_only(browser, app_server, artifacts):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    watch = Watch(page)
    try:
        open_chat(page, app_server.url)
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
        assert page.locator("#app-disclaimer").is_visible()

        def tab_to(predicate_js, limit=40):
            for _ in range(limit):
                page.keyboard.press("Tab")
                if page.evaluate(predicate_js):
                    return
            raise AssertionError(f"keyboard focus never reached: {predicate_js}")

        tab_to("() => document.activeElement && document.activeElement.tagName === 'TEXTAREA'")
        page.keyboard.type(QUESTION)
        page.keyboard.press("Enter")
        bot_with(page, "[1]").wait_for(state="visible", timeout=TIMEOUT)
        wait_for_replies(page, 1)  # the answer is complete (its disclaimer is shown), not still streaming
        page.screenshot(path=str(artifacts / "web-chat-phone.png"))
        for y in (0, 300, 10_000):  # the disclaimer stays on screen wherever the page is scrolled
            page.evaluate("y => window.scrollTo(0, y)", y)
            box = page.locator("#app-disclaimer").bounding_box()
            assert box and box["y"] >= 0 and box["y"] + box["height"] <= 844 + 1, (y, box)

        tab_to("() => document.activeElement && document.activeElement.innerText.trim() === 'New conversation'")
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.querySelectorAll('[data-testid=\"bot\"]').length === 0",
                               timeout=TIMEOUT)
        assert watch.hosts() == {origin_netloc(app_server.url)}
    finally:
        context.close()


def test_embed_snippet_on_an_allowed_clinic_site(browser, app_server, clinic, web_settings, artifacts):
    snippet = f'<script src="{app_server.url}embed.js" async></script>'
    (clinic["root"] / "clinic.html").write_text(
        "<!doctype html><html><head><title>Clinic</title></head><body>"
        "<h1>Example Physio Clinic</h1><p>Opening hours: 9-5.</p>" + snippet + "</body></html>")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watch = Watch(page)
    try:
        page.goto(clinic["allowed"] + "/clinic.html", wait_until="domcontentloaded")
        button = page.get_by_role("button", name=f"Open chat: {web_settings.assistant_name}")
        button.wait_for(state="visible", timeout=TIMEOUT)
        button.click()
        frame = page.frame_locator("#clinic-assistant-frame")
        box = frame.get_by_label("Your question")
        box.wait_for(state="visible", timeout=TIMEOUT)
        box.fill(QUESTION)
        box.press("Enter")
        frame.get_by_test_id("bot").filter(has_text="[1]").last.wait_for(state="visible", timeout=TIMEOUT)
        assert web_settings.disclaimer in frame.locator("#app-disclaimer").inner_text()
        page.wait_for_timeout(300)
        page.screenshot(path=str(artifacts / "web-embed-clinic.png"))
        page.keyboard.press("Escape")  # focus is in the iframe; the close button still works
        page.get_by_role("button", name="Close chat").click()
        assert button.get_attribute("aria-expanded") == "false"
        assert watch.hosts() == {origin_netloc(clinic["allowed"]), origin_netloc(app_server.url)}
        assert not watch.errors
    finally:
        context.close()


def test_a_refused_origin_cannot_frame_or_call(browser, app_server, clinic, artifacts):
    (clinic["root"] / "other.html").write_text(
        f'<!doctype html><html><body><h1>Not a partner</h1><iframe id="bot" src="{app_server.url}" '
        'width="600" height="500"></iframe></body></html>')
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(clinic["refused"] + "/other.html", wait_until="load")
        page.wait_for_timeout(1500)
        assert page.frame_locator("#bot").get_by_label("Your question").count() == 0
        result = page.evaluate(
            """async url => {
                try { const r = await fetch(url + 'api/ask', {method: 'POST',
                        headers: {'content-type': 'application/json'},
                        body: JSON.stringify({question: 'What is sciatica?'})});
                      return 'read:' + r.status; }
                catch (e) { return 'blocked'; }
            }""", app_server.url)
        assert result == "blocked"
        page.screenshot(path=str(artifacts / "web-embed-refused.png"))
    finally:
        context.close()


def test_embed_page_lists_snippets(page, app_server, web_settings, artifacts):
    page.goto(app_server.url + "embed", wait_until="domcontentloaded")
    assert f'<script src="{app_server.url}embed.js" async></script>' in page.locator("#script-snippet").inner_text()
    assert "<iframe" in page.locator("#iframe-snippet").inner_text()
    page.get_by_role("button", name=f"Open chat: {web_settings.assistant_name}").wait_for(timeout=TIMEOUT)
    page.screenshot(path=str(artifacts / "web-embed-page.png"), full_page=True)
    assert page.watch.hosts() == {origin_netloc(app_server.url)}



def test_a_generated_answer_streams_in_verified_with_the_disclaimer_on_screen(browser, generative_server,
                                                                               web_settings, artifacts):
    server, model, gate = generative_server
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watch = Watch(page)
    try:
        box, _ = open_chat(page, server.url)
        box.fill(QUESTION)
        box.press("Enter")
        # the model is held after its second sentence: the first, verified, is already on screen
        first = "Effective techniques for treating muscle tension include deep tissue massage and Swedish massage."
        bot_with(page, first).wait_for(state="visible", timeout=TIMEOUT)
        chat, disclaimer = page.locator("#chat"), page.locator("#app-disclaimer")
        assert disclaimer.is_visible() and web_settings.disclaimer in disclaimer.inner_text()
        assert page.get_by_text("Writing the answer").first.is_visible()
        assert "cancer" not in chat.inner_text() and chat.locator(".answer-disclaimer").count() == 0
        assert model.opened == []  # still held: what is shown was streamed, not the finished answer
        page.screenshot(path=str(artifacts / "web-chat-streaming.png"), full_page=True)

        gate.set()
        wait_for_replies(page, 1)  # the final answer, with its own disclaimer, replaced the pieces
        text = chat.inner_text()
        assert first in text and "Massage treatment helps ease tension and release pressure" in text
        assert "cancer" not in text and "Writing the answer" not in text and "Sources (" in text
        assert disclaimer.is_visible() and web_settings.disclaimer in chat.locator(".answer-disclaimer").last.inner_text()
        assert model.opened == [True] and model.calls == ["stream"]
        page.screenshot(path=str(artifacts / "web-chat-streamed.png"), full_page=True)
        assert watch.hosts() == {origin_netloc(server.url)} and not watch.errors
    finally:
        context.close()
