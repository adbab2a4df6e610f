"""Starting over while an answer is still being written stops that answer (it used to come back after the
reset). Deterministic: the chat's handlers are driven directly, with a stand-in service that answers at once."""

from __future__ import annotations

from types import SimpleNamespace

from assistant.schema import Answer, Citation
from assistant.settings import Settings
from assistant.stream import answer_events
from assistant.web.chat_ui import ChatHandlers
from assistant.web.feedback import FeedbackStore


class _InstantService:
    ready = True

    def ask(self, question, history):
        citation = Citation(n=1, passage_id="a::s::0", article="A", section="S", quote="Massage eases tension.",
                            source="a.md", score=0.9, passage="Massage eases tension.")
        words = " ".join(["Massage eases tension."] * 30)  # long enough to stream in many steps
        return Answer(question=question, answer=f"{words} [1]", outcome="answer", citations=[citation],
                      disclaimer="This is general information, not medical advice.")

    def ask_stream(self, question, history):
        yield from answer_events(self.ask(question, history))


def _handlers(tmp_path) -> ChatHandlers:
    return ChatHandlers(Settings(), _InstantService(), FeedbackStore(tmp_path / "fb.jsonl", enabled=False))


def test_new_conversation_stops_an_answer_being_written(tmp_path):
    handlers = _handlers(tmp_path)
    visitor = SimpleNamespace(session_hash="visitor-1")
    stream = handlers.respond("Does massage help?", None, visitor)
    first = next(stream)  # the "looking through the articles" placeholder
    assert first[0][-1]["metadata"]["status"] == "pending"
    handlers.clear(visitor)
    assert list(stream) == []  # nothing more is written into the conversation that was reset


def test_another_visitor_starting_over_does_not_stop_this_answer(tmp_path):
    handlers = _handlers(tmp_path)
    stream = handlers.respond("Does massage help?", None, SimpleNamespace(session_hash="visitor-1"))
    next(stream)
    handlers.clear(SimpleNamespace(session_hash="visitor-2"))
    rest = list(stream)
    assert rest and "[1]" in str(rest[-1][0])
