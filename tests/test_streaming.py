"""Streaming answers: ``Assistant.ask_stream``, and ``POST /api/ask`` with ``"stream": true`` (SSE).

What a user relies on: a generated answer shows only sentences the verifier passed, as they are written, in
order, and ends with exactly the answer the non-streaming call gives; a red flag is the first thing shown and
never reaches the model; an answer that falls back shows nothing unverified and ends with the quoted answer;
``"stream": false`` is unchanged; a client that goes away frees its slot.

The chat models here are FAKES: they stream drafts the tests script, character by character; one can be held
mid-draft until the test has seen what was streamed so far. The embedder is the fake hashing one (no model).
"""

from __future__ import annotations

import json
import random
import threading
import time
from typing import Any

import httpx
import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.compose import ComposeSettings, ExtractiveComposer
from assistant.compose.generative import GenerativeComposer
from assistant.compose.verify import draft_sentences, settled_sentences
from assistant.errors import InputError
from assistant.ingest.corpus import load_corpus
from assistant.ingest.passages import split_corpus
from assistant.pipeline import Assistant
from assistant.schema import Answer
from assistant.store import store_for
from assistant.stream import Delta
from fakes import FakeHashingEmbedder, StreamingChatModel, streaming_model
from helpers import make_settings

EMBED = FakeHashingEmbedder()
QUESTION = "Which massage techniques help with tight muscles and tension?"
CAUTION = "I'm on warfarin, which massage techniques help tight muscles?"
EMERGENCY = "I can't pee and both legs are numb"
# the passage the model is shown for QUESTION: "Muscle tension in the surrounding areas frequently worsens sciatica.
# Massage treatment helps ease tension and release pressure on the sciatic nerve by focusing on these tight
# muscles. Effective techniques for treating muscle tension include deep tissue massage, Swedish massage, and
# myofascial release."
GOOD_1 = "Effective techniques for treating muscle tension include deep tissue massage and Swedish massage [1]."
GOOD_2 = "Massage treatment helps ease tension and release pressure on the sciatic nerve by focusing on tight muscles [1]."
BAD_1 = "Massage cures cancer in a week [1]."
BAD_2 = "Deep tissue massage is always completely safe for everyone [1]."
MIXED = f"{GOOD_1} {BAD_1} {GOOD_2}\n{BAD_2}"  # 2 of 4 supported: enough to be shown


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    return make_settings(tmp_path_factory.mktemp("streaming"), multilingual_max_passages=0, answer_cache_size=0)


@pytest.fixture(scope="module")
def extractive(settings):
    """The real pipeline and a real embedded Chroma, with the fake hashing embedder."""
    store = store_for(settings, create=True)
    store.sync(split_corpus(load_corpus(settings.corpus_dir)), EMBED)
    return Assistant(settings, EMBED, store)


def generative(extractive: Assistant, chat_model: Any, timeout_s: float = 60.0) -> Assistant:
    fallback = ExtractiveComposer(ComposeSettings.from_settings(extractive.settings), EMBED.embed_documents)
    composer = GenerativeComposer(chat_model, fallback, EMBED.embed_documents, timeout_s=timeout_s)
    return Assistant(extractive.settings, EMBED, extractive.store, composer)


def run(app: Assistant, question: str) -> tuple[list[Delta], Answer]:
    events = list(app.ask_stream(question))
    assert isinstance(events[-1], Answer) and all(isinstance(e, Delta) for e in events[:-1]), events
    return events[:-1], events[-1]


def same(a: Answer, b: Answer) -> bool:
    """The same answer, apart from how long it took (the counters in timings_ms must agree too)."""
    counters = ("generated", "sentences_drafted", "sentences_removed")
    return a.to_dict() | {"timings_ms": {}} == b.to_dict() | {"timings_ms": {}} and all(
        a.timings_ms.get(k) == b.timings_ms.get(k) for k in counters
    )


def without_markers(sentence: str) -> str:
    return sentence.replace(" [1]", "").rstrip(".")


# ------------------------------------------------------------------------------------------ cutting sentences


def test_a_sentence_settled_while_streaming_is_the_one_the_whole_draft_has():
    """Every prefix of a draft (a model's reply arrives in arbitrary pieces) settles only sentences that the whole
    draft cuts the same way, in the same place; with markers after the stop, list marks, quotes and line breaks."""
    pieces = ["Massage eases tension", ".", "!", "?", " ", "\n", "\n\n", "[1]", " [1]", "[12]", "- ", "1. ", "2) ",
              '"', "\u201c", "\u201d", "(", ")", "it helps", "Sessions last 30 minutes", "Dr. Smith", "3.5", "no"]
    rng = random.Random(7)
    drafts = [MIXED, f"{GOOD_1}\n[1] {GOOD_2}. [1] {BAD_2}", f"- {GOOD_1}\n- {GOOD_2}\n1. {BAD_1}"]
    drafts += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 14))) for _ in range(3000)]
    for draft in drafts:
        whole = draft_sentences(draft)
        for end in range(len(draft) + 1):
            settled = settled_sentences(draft[:end])
            assert whole[: len(settled)] == settled, (draft, end)
    assert settled_sentences(f"{GOOD_1} Ma") == [GOOD_1] and settled_sentences(GOOD_1) == []
    assert settled_sentences("Massage eases tension. [") == []  # the marker may belong to it


# ------------------------------------------------------------------------------------------ the pipeline


def test_a_generated_answer_streams_only_verified_sentences_in_order(extractive):
    app = generative(extractive, streaming_model(MIXED))
    deltas, final = run(app, QUESTION)
    streamed = "".join(d.text for d in deltas)
    assert final.timings_ms["generated"] == 1.0
    assert (final.timings_ms["sentences_drafted"], final.timings_ms["sentences_removed"]) == (4, 2)
    assert "cancer" not in streamed and "always" not in streamed and "safe" not in streamed
    first, second = streamed.find(without_markers(GOOD_1)), streamed.find(without_markers(GOOD_2))
    assert 0 <= first < second, streamed
    assert len(deltas) >= 2 and deltas[0].text.startswith(without_markers(GOOD_1))  # a sentence at a time
    assert streamed == final.answer  # the pieces add up to the answer: nothing else was shown
    assert same(final, app.ask(QUESTION))  # exactly what the non-streaming call answers


def test_a_caution_streams_its_triage_message_and_precaution_before_the_model_writes(extractive):
    app = generative(extractive, streaming_model(MIXED))
    deltas, final = run(app, CAUTION)
    assert final.triage.level in ("caution", "urgent")
    assert deltas[0].text == final.triage.message and deltas[0].triage == final.triage
    precaution = extractive.ask(CAUTION).answer.removeprefix(final.triage.message).strip().split("\n\n")[0]
    assert deltas[1].text == f"\n\n{precaution}"  # verbatim from the articles, never worded by the model
    assert "".join(d.text for d in deltas) == final.answer and final.timings_ms["generated"] == 1.0
    assert all(d.triage is None for d in deltas[1:])
    assert same(final, app.ask(CAUTION))


def test_an_emergency_is_streamed_first_and_never_reaches_the_model(extractive):
    chat_model = streaming_model(MIXED)
    app = generative(extractive, chat_model)
    deltas, final = run(app, EMERGENCY)
    assert final.outcome == "emergency" and deltas[0].triage is not None
    assert deltas[0].triage.level == "emergency" and deltas[0].text == final.triage.message
    assert "".join(d.text for d in deltas) == final.answer
    assert same(final, extractive.ask(EMERGENCY)) and chat_model.calls == []


@pytest.mark.parametrize(
    "chat_model, reason",
    [
        (streaming_model(f"{BAD_1} {BAD_2} {GOOD_1}"), "too little supported"),  # 1 of 3: streamed, then replaced
        (streaming_model(f"{BAD_1} {BAD_2}"), "too little supported"),
        (FakeListChatModel(responses=[MIXED], error_on_chunk_number=150), "error"),  # fails after GOOD_1
        (streaming_model(MIXED, gate=threading.Event(), hold_at=5), "timeout"),
    ],
)
def test_a_fallback_streams_nothing_unverified_and_ends_with_the_quoted_answer(extractive, chat_model, reason):
    app = generative(extractive, chat_model, timeout_s=1.0 if reason == "timeout" else 60.0)
    deltas, final = run(app, QUESTION)
    if getattr(chat_model, "gate", None) is not None:
        chat_model.gate.set()  # the held model may finish now (its thread is not waited for)
    streamed = "".join(d.text for d in deltas)
    assert "cancer" not in streamed and "always" not in streamed
    assert final.timings_ms["generated"] == 0.0
    quoted = extractive.ask(QUESTION)
    assert final.answer == quoted.answer and final.citations == quoted.citations
    assert all(streamed.count(without_markers(s)) <= 1 for s in (GOOD_1, GOOD_2))


def test_extractive_answers_and_cache_hits_stream_their_text_then_the_answer(settings, extractive):
    for question in (QUESTION, CAUTION, EMERGENCY, "what is the capital of France?"):
        deltas, final = run(extractive, question)
        assert "".join(d.text for d in deltas) == final.answer and same(final, extractive.ask(question))
        if final.triage.level != "none":
            assert deltas[0].triage == final.triage
    cached = Assistant(settings.with_overrides(answer_cache_size=8), EMBED, extractive.store)
    first = cached.ask(QUESTION)
    deltas, final = run(cached, QUESTION)
    assert final.timings_ms.keys() == {"cache", "total"} and same(final, first)
    assert "".join(d.text for d in deltas) == first.answer


def test_bad_input_is_raised_before_anything_is_streamed(extractive):
    chat_model = streaming_model(MIXED)
    stream = generative(extractive, chat_model).ask_stream("   ")
    with pytest.raises(InputError):
        next(stream)
    assert chat_model.calls == []


# ------------------------------------------------------------------------------------------ over HTTP (SSE)


def read_sse(response: httpx.Response, on_event=None) -> list[tuple[str, dict]]:
    """The (event, data) pairs of a text/event-stream response, as they arrive."""
    events: list[tuple[str, dict]] = []
    name = ""
    for line in response.iter_lines():
        if line.startswith("event: "):
            name = line[len("event: ") :]
        elif line.startswith("data: "):
            events.append((name, json.loads(line[len("data: ") :])))
            if on_event is not None:
                on_event(events[-1])
    return events


@pytest.fixture(scope="module")
def live(settings, extractive):
    """A real server (uvicorn in a thread, the whole web app) on a generative pipeline whose fake model can be
    swapped per test: ``live["model"]``."""
    from assistant.web.app import create_app
    from assistant.web.background import BackgroundServer

    class Swappable:
        def __init__(self):
            self.current: Any = streaming_model(MIXED)

        def invoke(self, messages):
            return self.current.invoke(messages)

        def stream(self, messages):
            return self.current.stream(messages)

    swappable = Swappable()
    app = create_app(settings, generative(extractive, swappable))
    with BackgroundServer(app) as srv, httpx.Client(base_url=srv.url, timeout=60) as client:
        yield {"http": client, "app": app, "swap": swappable}


def use(live, chat_model: StreamingChatModel) -> StreamingChatModel:
    live["swap"].current = chat_model
    return chat_model


@pytest.mark.integration
def test_sse_streams_verified_sentences_as_the_model_writes_them(live):
    http, gate = live["http"], threading.Event()
    chat_model = use(live, streaming_model(MIXED, gate=gate, hold_at=MIXED.index(GOOD_2) + 10))

    def on_event(event):  # the model is held mid-draft: the first sentence must already be here
        if event[0] == "delta" and without_markers(GOOD_1) in event[1]["text"]:
            gate.set()

    with http.stream("POST", "/api/ask", json={"question": QUESTION, "stream": True}) as resp:
        assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/event-stream")
        assert resp.headers["cache-control"] == "no-store"
        events = read_sse(resp, on_event)
    assert chat_model.opened == [True]  # released by what the client received, not by the 60 s wait
    names = [name for name, _ in events]
    assert names[-1] == "answer" and set(names[:-1]) == {"delta"}
    streamed = "".join(data["text"] for _, data in events[:-1])
    assert "cancer" not in streamed and "always" not in streamed
    assert 0 <= streamed.find(without_markers(GOOD_1)) < streamed.find(without_markers(GOOD_2))
    answer = events[-1][1]
    assert streamed == answer["answer"] and answer["timings_ms"]["generated"] == 1.0

    use(live, streaming_model(MIXED))
    plain = http.post("/api/ask", json={"question": QUESTION})  # "stream" left out: today's JSON response
    assert plain.status_code == 200 and plain.headers["content-type"] == "application/json"
    assert plain.json() | {"timings_ms": {}} == answer | {"timings_ms": {}}
    off = http.post("/api/ask", json={"question": QUESTION, "stream": False})
    assert off.headers["content-type"] == "application/json" and set(off.json()) == set(plain.json())
    assert off.json()["answer"] == plain.json()["answer"]


@pytest.mark.integration
def test_sse_an_emergency_comes_first_and_no_model_is_called(live):
    chat_model = use(live, streaming_model(MIXED))
    with live["http"].stream("POST", "/api/ask", json={"question": EMERGENCY, "stream": True}) as resp:
        events = read_sse(resp)
    first_name, first = events[0]
    answer = events[-1][1]
    assert first_name == "delta" and first["triage"] == "emergency" and first["text"] == answer["triage"]["message"]
    assert answer["outcome"] == "emergency" and chat_model.calls == []


@pytest.mark.integration
def test_sse_a_fallback_shows_nothing_unverified_and_ends_quoting(live, extractive):
    use(live, streaming_model(f"{BAD_1} {BAD_2}"))
    with live["http"].stream("POST", "/api/ask", json={"question": QUESTION, "stream": True}) as resp:
        events = read_sse(resp)
    assert [name for name, _ in events] == ["answer"]  # no triage, nothing verified: only the final answer
    answer = events[-1][1]
    assert answer["timings_ms"]["generated"] == 0.0 and answer["answer"] == extractive.ask(QUESTION).answer


@pytest.mark.integration
def test_sse_errors_before_the_stream_are_json(live):
    http = live["http"]
    for body, status in (({"question": "", "stream": True}, 400), ({"question": "hi", "stream": "yes"}, 422),
                         ({"question": "hi", "stream": 1}, 422)):
        resp = http.post("/api/ask", json=body)
        assert resp.status_code == status and resp.headers["content-type"] == "application/json"
        assert set(resp.json()) == {"error"}


@pytest.mark.integration
def test_a_client_that_leaves_mid_stream_frees_its_slots(live):
    http, app, gate = live["http"], live["app"], threading.Event()
    chat_model = use(live, streaming_model(MIXED, gate=gate, hold_at=MIXED.index(GOOD_2) + 10))
    with http.stream("POST", "/api/ask", json={"question": QUESTION, "stream": True}) as resp:
        for line in resp.iter_lines():
            if line.startswith("data: "):
                break  # the first sentence has arrived; the model is still held: hang up
    service, slots = app.state.service, app.state.settings.pipeline_concurrency
    assert app.state.admission.in_flight == 1 and chat_model.opened == []  # still held, still counted
    gate.set()  # the model goes on; the server finds the client gone and closes the stream
    free = (0, slots - 1, slots)
    for _ in range(600):  # up to 30 s
        if (app.state.admission.in_flight, service._api_slots._value, service._slots._value) == free:
            break
        time.sleep(0.05)
    assert (app.state.admission.in_flight, service._api_slots._value, service._slots._value) == free
    assert chat_model.opened == [True]
    use(live, streaming_model(MIXED))
    assert http.post("/api/ask", json={"question": QUESTION}).status_code == 200


# ------------------------------------------------------------------------------------------ the chat's handler


def test_the_chat_shows_each_piece_escaped_with_the_triage_box_first_then_the_final_answer(tmp_path):
    """The chat renders every streamed piece as it renders the final answer (escaped; the triage message as its
    box), keeps a 'writing' notice until the answer is complete, and then shows the answer, its disclaimer and
    Sources in place of the pieces. Driven directly, with a stand-in service that streams scripted pieces."""
    from types import SimpleNamespace

    from assistant.schema import Citation, Triage
    from assistant.settings import Settings
    from assistant.web.chat_ui import ChatHandlers
    from assistant.web.feedback import FeedbackStore

    triage = Triage("urgent", "Please see a doctor <b>today</b>.", ("test",))
    citation = Citation(1, "a::s::0", "A", "S", "Massage eases tension.", "a.md", 0.9, "Massage eases tension.")
    final = Answer("q", f"{triage.message}\n\nMassage eases tension [1].", "answer", [citation], triage,
                   "General information, not medical advice.")
    pieces = [Delta(triage.message, triage), Delta('\n\nMassage <img src=x onerror="alert(1)"> eases [1].')]

    class Streaming:
        ready = True

        def ask_stream(self, question, history):
            yield from pieces
            yield final

    handlers = ChatHandlers(Settings(), Streaming(), FeedbackStore(tmp_path / "fb.jsonl", enabled=False))
    updates = [display for display, _, _ in handlers.respond("q", None, SimpleNamespace(session_hash="v"))]
    partial = updates[1:-1]
    assert len(partial) == 2
    for display in partial:
        assert "triage-urgent" in display[1]["content"] and "&lt;b&gt;today" in display[1]["content"]
        assert display[-1]["metadata"]["status"] == "pending"  # still writing
        shown = "".join(str(m["content"]) for m in display)
        assert "<img" not in shown and "<b>" not in shown and "answer-disclaimer" not in shown
    assert "&lt;img src=x" in partial[-1][2]["content"] and "see a doctor" not in partial[-1][2]["content"]
    done = updates[-1]
    assert "answer-disclaimer" in done[2]["content"] and done[-1]["metadata"]["title"].startswith("Sources")
    assert "img" not in "".join(str(m["content"]) for m in done) and not any(
        (m.get("metadata") or {}).get("status") == "pending" for m in done)
