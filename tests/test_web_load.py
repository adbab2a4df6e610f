"""Load and faults at the web edge: questions beyond capacity are shed at once (503 + Retry-After), one address
asking too often is told to wait (429 + Retry-After), /healthz answers while every API thread is busy, a chat turn
never waits behind API traffic, and a server started before its index becomes ready on its own once it exists.

The slow pipeline here is a stand-in (a real one answers too fast to fill the queue on purpose); the server,
the middleware and the thread pools are the real ones.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from assistant.schema import Answer
from assistant.web.admission import Admission
from assistant.web.app import create_app
from assistant.web.background import BackgroundServer
from assistant.web.service import AssistantService
from helpers import make_settings

QUESTION = "Which massage techniques help with tight muscles?"


class SlowAssistant:
    """A stand-in pipeline that holds its slot until ``release`` is set (or ``seconds`` pass)."""

    passage_count = 1
    generation = "stand-in"
    embedder = type("Model", (), {"model_id": "stand-in"})()

    def __init__(self, seconds: float = 5.0):
        self.release = threading.Event()
        self.started = threading.Semaphore(0)
        self.seconds = seconds

    def ask(self, question, history) -> Answer:
        self.started.release()
        self.release.wait(self.seconds)
        return Answer(question=question, answer="ok", outcome="answer", disclaimer="Not medical advice.")


def wait_in_flight(url: str, count: int) -> None:
    """Until /healthz (answered on the event loop) counts ``count`` API questions in flight."""
    deadline = time.monotonic() + 10
    while httpx.get(url + "healthz", timeout=5).json()["load"]["in_flight"] != count:
        assert time.monotonic() < deadline, f"never {count} questions in flight"
        time.sleep(0.02)


@pytest.fixture
def settings(tmp_path):
    return make_settings(tmp_path, feedback_enabled=False)


def test_questions_beyond_capacity_are_shed_at_once_with_retry_after(settings):
    slow = SlowAssistant()
    app = create_app(settings.with_overrides(api_max_in_flight=2, api_target_seconds=30, rate_limit_exempt=()), slow)
    with BackgroundServer(app) as srv, ThreadPoolExecutor(6) as pool:
        def ask():
            with httpx.Client(base_url=srv.url, timeout=30) as c:
                return c.post("/api/ask", json={"question": QUESTION})

        first = [pool.submit(ask) for _ in range(2)]
        wait_in_flight(srv.url, 2)  # one holds the pipeline, the other waits for a slot: both admitted
        shed = [pool.submit(ask) for _ in range(4)]
        for future in shed:
            resp = future.result(timeout=5)  # answered while the first two are still in flight
            assert resp.status_code == 503 and resp.headers["Retry-After"] == "1"
            assert "busy" in resp.json()["error"]
        slow.release.set()
        assert [f.result(timeout=30).status_code for f in first] == [200, 200]
        health = httpx.get(srv.url + "healthz", timeout=10).json()
        assert health["load"]["shed"] == 4 and health["load"]["in_flight"] == 0


def test_an_admitted_question_still_waiting_at_its_deadline_is_shed_not_answered_late(settings):
    slow = SlowAssistant()
    # the target leaves the first question time to reach its slot on a busy machine (at 0.5 s it was once shed
    # before it started, in a full run); the second still waits out the whole target before it is shed
    app = create_app(settings.with_overrides(api_target_seconds=2.0, rate_limit_exempt=()), slow)
    with BackgroundServer(app) as srv, ThreadPoolExecutor(2) as pool:
        holding = pool.submit(httpx.post, srv.url + "api/ask", json={"question": QUESTION}, timeout=30)
        # the API's one pipeline slot is taken (the chat keeps the other)
        assert slow.started.acquire(timeout=10), holding.result(timeout=30).text
        waiting = httpx.post(srv.url + "api/ask", json={"question": QUESTION + " again"}, timeout=30)
        assert not holding.done()  # told before the question ahead of it was answered
        assert waiting.status_code == 503 and waiting.headers["Retry-After"] == "2"
        assert waiting.json() == {"error": "The assistant is busy right now. Please try again in a moment."}
        slow.release.set()
        assert holding.result(timeout=30).status_code == 200
        load = httpx.get(srv.url + "healthz", timeout=10).json()["load"]
        assert load["shed"] == 1 and load["in_flight"] == 0
        assert load["window"] < 32  # the answer that took longer than its target shrank the window


def test_generated_answers_get_the_model_timeout_as_their_admission_target(settings):
    # a generated answer taking seconds is normal there: it must not shrink the window or expire the next question
    generative = settings.with_overrides(answer_mode="generative", llm="gguf:smollm2", llm_timeout_s=20)
    assert create_app(generative, SlowAssistant(seconds=0)).state.admission.target_s == 20
    assert create_app(settings, SlowAssistant(seconds=0)).state.admission.target_s == settings.api_target_seconds


def test_the_admission_window_shrinks_while_answers_are_slow_and_grows_back():
    door = Admission(32, floor=4, target_s=1.0)
    for _ in range(20):  # answers taking 3 s each
        assert door.enter()
        door.leave(3.0)
    assert door.window == 4
    held = [door.enter() for _ in range(6)]
    assert held == [True] * 4 + [False] * 2 and door.shed == 2
    for _ in range(4):
        door.leave(0.05)
    for _ in range(2000):  # quick answers again
        door.enter()
        door.leave(0.05)
    assert door.window == 32 and door.in_flight == 0


def test_one_address_asking_too_often_gets_429_with_retry_after(settings):
    slow = SlowAssistant(seconds=0)
    app = create_app(settings.with_overrides(rate_limit_per_minute=3, rate_limit_exempt=()), slow)
    with BackgroundServer(app) as srv, httpx.Client(base_url=srv.url, timeout=30) as c:
        codes = [c.post("/api/ask", json={"question": QUESTION}).status_code for _ in range(3)]
        assert codes == [200, 200, 200]
        limited = c.post("/api/ask", json={"question": QUESTION})
        assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
        assert "Too many questions" in limited.json()["error"]


def test_loopback_clients_are_exempt_by_default(settings):
    app = create_app(settings.with_overrides(rate_limit_per_minute=1), SlowAssistant(seconds=0))
    with BackgroundServer(app) as srv, httpx.Client(base_url=srv.url, timeout=30) as c:
        assert {c.post("/api/ask", json={"question": QUESTION}).status_code for _ in range(5)} == {200}


def test_healthz_answers_while_every_api_thread_is_busy(settings):
    slow = SlowAssistant()
    app = create_app(settings.with_overrides(api_threads=1, api_max_in_flight=8), slow)
    with BackgroundServer(app) as srv, ThreadPoolExecutor(4) as pool:
        busy = [pool.submit(httpx.post, srv.url + "api/ask", json={"question": QUESTION}, timeout=30) for _ in range(3)]
        wait_in_flight(srv.url, 3)
        health = httpx.get(srv.url + "healthz", timeout=5)
        assert health.status_code == 200 and health.json()["load"]["in_flight"] == 3
        assert not any(f.done() for f in busy)  # answered before any of the questions in flight
        slow.release.set()
        assert all(f.result(timeout=30).status_code == 200 for f in busy)


def test_a_chat_turn_always_finds_a_slot_the_api_cannot_take():
    slow = SlowAssistant()
    service = AssistantService(slow, max_concurrent=2, wait_seconds=0.5)
    with ThreadPoolExecutor(4) as pool:
        api = [pool.submit(service.ask, QUESTION, [], api=True) for _ in range(3)]
        assert slow.started.acquire(timeout=5)
        chat = pool.submit(service.ask, QUESTION, [])  # the API holds one slot and waits for no other
        assert slow.started.acquire(timeout=5), "the chat turn did not get a slot"
        slow.release.set()
        assert chat.result(timeout=10).answer == "ok"
        results = [f.exception(timeout=10) or f.result() for f in api]
    assert any(isinstance(r, Answer) for r in results)


def test_a_server_started_before_its_index_becomes_ready_once_it_is_built(tmp_path):
    from assistant.ingest.build import index_corpus
    from helpers import copy_corpus

    settings = make_settings(tmp_path, copy_corpus(tmp_path / "corpus"), feedback_enabled=False)
    app = create_app(settings)  # no index yet: the loader keeps trying
    try:
        with BackgroundServer(app) as srv, httpx.Client(base_url=srv.url, timeout=30) as c:
            first = c.get("/healthz")
            assert first.status_code == 503
            index_corpus(settings)  # what the error message tells the administrator to run
            deadline = time.monotonic() + 60
            while c.get("/healthz").status_code != 200 and time.monotonic() < deadline:
                time.sleep(0.2)
            assert c.get("/healthz").json()["status"] == "ready"
            assert c.post("/api/ask", json={"question": QUESTION}).json()["outcome"] == "answer"
    finally:
        app.state.service.stop()
