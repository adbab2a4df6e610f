"""The whole pipeline on a real embedded Chroma with the fake embedder (fast lane: no model, no torch).

What these check does not depend on the model: routing, verbatim quotes, meta sentences, evidence notes
beside claims, the emergency number in every reply, and index generations.
"""

from __future__ import annotations

import pytest

from assistant.ingest.corpus import load_corpus
from assistant.store import store_for
from assistant.ingest.passages import is_meta_sentence, split_corpus
from assistant.pipeline import Assistant
from fakes import FakeHashingEmbedder
from helpers import make_settings


@pytest.fixture(scope="module")
def fast_assistant(tmp_path_factory):
    settings = make_settings(tmp_path_factory.mktemp("fast"), multilingual_max_passages=0)
    embedder = FakeHashingEmbedder()
    store = store_for(settings, create=True)
    stats = store.sync(split_corpus(load_corpus(settings.corpus_dir)), embedder)
    assert stats.embedded_passages > 0
    return Assistant(settings, embedder, store)


def test_an_unchanged_corpus_embeds_nothing_the_second_time(fast_assistant):
    passages = split_corpus(load_corpus(fast_assistant.settings.corpus_dir))
    again = fast_assistant.store.sync(passages, fast_assistant.embedder)
    assert again.embedded_passages == 0 and not again.switched


def test_quotes_are_verbatim_and_never_about_the_page(fast_assistant):
    for question in ("what causes sciatica herniated disc bone spur", "massage muscle tension techniques",
                     "what does this post discuss"):
        answer = fast_assistant.ask(question)
        for citation in answer.citations:
            assert citation.quote in citation.passage
            assert not any(is_meta_sentence(s) and s in citation.quote for s in citation.passage.split(". "))


def test_a_claim_with_an_evidence_note_carries_it(fast_assistant):
    answer = fast_assistant.ask("massage therapists diagnose and treat pelvic misalignment and leg length")
    assert answer.outcome == "answer"
    assert "What the evidence says:" in answer.answer and "overstates" in answer.answer


@pytest.mark.parametrize("question", ["I can't pee and both legs are numb", "hello", "what is the capital of France?",
                                      "massage muscle tension techniques"])
def test_every_reply_names_the_emergency_number(fast_assistant, question):
    answer = fast_assistant.ask(question)
    assert fast_assistant.settings.emergency_number in f"{answer.answer} {answer.disclaimer}"


def test_an_emergency_is_routed_first(fast_assistant):
    answer = fast_assistant.ask("I can't pee and both legs are numb, which massage should I book?")
    assert answer.outcome == "emergency" and answer.triage.level == "emergency"


def test_a_repeated_question_is_answered_from_the_cache_with_the_same_answer(fast_assistant):
    assistant = fast_assistant
    assistant.cache = type(assistant.cache)(8)
    first = assistant.ask("Which massage techniques help with tight muscles?")
    again = assistant.ask("  which massage techniques help with TIGHT muscles?  ")
    assert assistant.cache.stats()["hits"] == 1
    assert again.to_dict() | {"timings_ms": {}} == first.to_dict() | {"timings_ms": {}}
    assert "cache" in again.timings_ms and "embed" not in again.timings_ms
    again.citations.clear()  # a caller changing its copy does not change the cached answer
    assert assistant.ask("Which massage techniques help with tight muscles?").citations == first.citations
    history = [{"role": "user", "content": "I take warfarin."}, {"role": "assistant", "content": "OK."}]
    other = assistant.ask("Which massage techniques help with tight muscles?", history)
    assert other.triage.level == "caution"  # another conversation is another key


class _CountingEmbedder(FakeHashingEmbedder):
    """The fake embedder, recording every text it was asked to embed."""

    def __init__(self):
        self.seen: list[str] = []

    def embed_documents(self, texts):
        self.seen += list(texts)
        return super().embed_documents(texts)


def test_a_part_that_is_nearly_the_whole_question_is_not_embedded_twice():
    from assistant.pipeline import embed_reading
    from assistant.lexicon import Lexicon
    from assistant.question import read_question

    story = ("I have been a hairdresser for twenty years, standing all day, and my lower back and bum muscles are "
             "tight as anything; the GP says it is sciatica. Does working on tight muscles actually help it, "
             "or is it just a nice hour lying down?")
    reading = read_question(story, [], Lexicon(), None)
    assert len(reading.parts) == 2, reading.parts
    embedder = _CountingEmbedder()
    vectors = embed_reading(embedder, reading, 0.8)
    long_part, short_part = reading.part_texts
    assert long_part not in embedder.seen and short_part in embedder.seen
    n = len(reading.readings)
    assert vectors.shape == (n + 2, embedder.dim)
    # the long part takes the whole question's vector; the short one its own
    assert (vectors[n] == vectors[0]).all()
    assert (vectors[n + 1] == FakeHashingEmbedder().embed_documents([short_part])[0]).all()
    # with sharing off, every part is embedded
    embedder = _CountingEmbedder()
    embed_reading(embedder, reading, 0.0)
    assert long_part in embedder.seen
