"""The pipeline: check input → safety → retrieve → compose → Answer.

``build_assistant(settings)`` loads the model and opens the served index generation once;
``Assistant.ask(question, history)`` is what the CLI, the web app and the eval runner all call.
``Assistant.ask_stream(question, history)`` is the same answer as it is written (the chat, ``/api/ask`` with
``"stream": true``): :class:`~assistant.stream.Delta` pieces of its text, the triage message first, then the
:class:`Answer` that ``ask`` returns.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import numpy as np

from .answer_cache import AnswerCache, cache_key
from .compose import Composed, ComposeRequest, Composer, ComposeSettings, ExtractiveComposer
from .embeddings import Embedder, load_configured_embedder
from .errors import AssistantError, IndexUnavailableError, IndexUnusableError
from .store import IndexStore, StoreReadError, index_may_exist, store_for
from .inputs import clean_history, clean_question
from .lexicon import load_lexicon
from .question import SUBJECT_WORDS, Reading, read_question, story_ask, subject_words
from .retrieve import Hit, HybridRetriever
from .retrieve.multilingual import CrossLingualIndex, build_cross_lingual, unavailable_reason
from .schema import Answer
from .safety import SafetyDecision, assess, safety_net
from .safety.language import language_packs, warm_detector
from .safety.messages import localised
from .settings import Settings
from .spelling import Speller, build_speller
from .text import content_terms
from .topics import TopicGate, load_topics
from .stream import Delta, StreamEvent, answer_events

log = logging.getLogger("assistant")

__all__ = ["Assistant", "Delta", "StreamEvent", "answer_events", "build_assistant"]

UNAVAILABLE_MESSAGE = "the articles cannot be searched right now; please try again in a moment"


@dataclass(frozen=True)
class _Composing:
    """A question retrieval has found passages for, waiting for its composer."""

    route: SafetyDecision
    request: ComposeRequest
    composer: Composer


class Assistant:
    def __init__(self, settings: Settings, embedder: Embedder, store: IndexStore, composer: Composer | None = None):
        self.settings = settings
        self.embedder = embedder
        self.store = store
        self.lexicon = load_lexicon(settings.lexicon_dir)
        self.topics = load_topics(settings.topics_dir)
        self.topic_gate = TopicGate()
        self.subjects = SUBJECT_WORDS
        self.speller: Speller | None = None
        self._lock = threading.Lock()
        self._checked_at = 0.0
        self._store_down_since: float | None = None
        self.cache = AnswerCache(settings.answer_cache_size) if settings.answer_cache_size > 0 else None
        self.generation = ""
        self.retriever: HybridRetriever | None = None
        self._cross, self._cross_generation = None, None
        self._cross_composer_for: CrossLingualIndex | None = None
        self._cross_composer_obj: ExtractiveComposer | None = None
        self._load()
        self.extractive = ExtractiveComposer(ComposeSettings.from_settings(settings), embedder.embed_documents)
        self.composer: Composer = composer or self.extractive

    # ----------------------------------------------------------------- index generations

    def _load(self) -> None:
        retriever = HybridRetriever(
            self.store.open_served(self.embedder), self.settings.keyword_weight, self.settings.question_offset
        )
        if self.settings.spelling:  # the vocabulary of the served passages and of the lexicon
            self.speller = build_speller(retriever.docs, self.lexicon.words)
        self.topic_gate = self.topics.gate(retriever.docs)
        self.subjects = subject_words({m.get("section", "") for m in retriever.metas})
        self.retriever, self.generation = retriever, retriever.generation

    def _refresh(self, force: bool = False) -> None:
        """Follow a re-index: switch to the new generation once its pointer has flipped."""
        now = time.monotonic()
        if not force and now - self._checked_at < 1.0:
            return
        with self._lock:
            self._checked_at = now
            for attempt in range(5):
                try:
                    info = self.store.active()
                    if force or (info and info["generation"] != self.generation):
                        self._load()
                    return
                except AssistantError:
                    raise
                except Exception:  # a re-index is creating or dropping collections at this moment
                    if not force:
                        return  # keep serving the generation already loaded; look again next time
                    if attempt == 4:
                        raise
                    time.sleep(0.2)

    # ----------------------------------------------------------------- store health

    def index_reachable(self) -> bool:
        """Whether the index answers now (a Chroma server's heartbeat). Logs once when an outage starts and once
        when it ends."""
        ok = self.store.reachable()
        self._note_store(ok)
        return ok

    def _note_store(self, ok: bool, detail: object = "") -> None:
        with self._lock:
            down_since, now = self._store_down_since, time.monotonic()
            if not ok and down_since is None:
                self._store_down_since = now
                log.warning(
                    "the index cannot be reached (%s); questions get 'try again' until it is back",
                    detail or self.store.remote or "embedded store",
                )
            elif ok and down_since is not None:
                self._store_down_since = None
                log.warning("the index can be reached again after %.1f s", now - down_since)

    @property
    def passage_count(self) -> int:
        return len(self.retriever) if self.retriever else 0

    # ----------------------------------------------------------------- asking

    def cached_answer(self, question: object, history: object = None) -> Answer | None:
        """The answer to a question asked before in the same conversation, or None (nothing computed)."""
        if self.cache is None:
            return None
        t0 = time.perf_counter()
        try:
            text, turns = clean_question(question, self.settings), clean_history(history, self.settings)
        except AssistantError:
            return None  # ask() says what is wrong with it
        cached = self.cache.get(cache_key(text, turns, self.generation))
        if cached is not None:
            elapsed = (time.perf_counter() - t0) * 1000
            cached.timings_ms = {**_how_composed(cached.timings_ms), "cache": elapsed, "total": elapsed}
        return cached

    def ask(self, question: object, history: object = None) -> Answer:
        for event in self._run(question, history, stream=False):
            if isinstance(event, Answer):
                return event
        raise AssertionError("an answer always ends the run")  # pragma: no cover

    def ask_stream(self, question: object, history: object = None) -> Iterator[StreamEvent]:
        """The answer of :meth:`ask` as it is written: :class:`Delta` pieces, then the :class:`Answer` that ``ask``
        returns for the same input (the same text when the pieces are complete; a generated answer that falls back
        to the extractive one replaces them). The triage message, when there is one, is always the first piece.

        Only a generated answer is written over time: its sentences come as the model finishes and the verifier
        passes them (``GenerativeComposer.compose_stream``). Everything else (extractive mode, emergencies, out of
        scope, refusals, the answer cache) is complete at once and comes as its triage message, its text, the answer.
        Bad input and an unreachable index raise what ``ask`` raises, before the first piece."""
        return self._run(question, history, stream=True)

    def _run(self, question: object, history: object, stream: bool) -> Iterator[StreamEvent]:
        t0 = time.perf_counter()
        timings: dict[str, float] = {}
        text = clean_question(question, self.settings)
        turns = clean_history(history, self.settings)
        key = cache_key(text, turns, self.generation) if self.cache is not None else None
        if key is not None and self.cache is not None and (cached := self.cache.get(key)) is not None:
            elapsed = (time.perf_counter() - t0) * 1000
            cached.timings_ms = {**_how_composed(cached.timings_ms), "cache": elapsed, "total": elapsed}
            yield from answer_events(cached) if stream else (cached,)
            return

        t = time.perf_counter()
        route = assess(text, turns, self.settings)
        timings["safety"] = (time.perf_counter() - t) * 1000

        answer = Answer(
            question=text, answer="", outcome="answer", triage=route.triage, disclaimer=self.settings.disclaimer
        )
        composing: _Composing | None = None
        if route.route in ("out_of_scope", "refusal"):
            answer.outcome = route.route
            answer.answer = route.message
        elif route.language != "en" and route.route == "answer":
            self._refresh()
            self._answer_across_languages(answer, route, timings)
        else:
            try:
                composing = self._answer_with_one_retry(answer, route, turns, timings)
                if self._store_down_since is not None:
                    self._note_store(True)
            except IndexUnavailableError as exc:
                self._note_store(False, exc)
                if route.triage.level == "none":
                    raise IndexUnavailableError(UNAVAILABLE_MESSAGE) from None
                # a red flag or a precaution never waits for the index: the triage words need no article
                answer.outcome = "emergency" if route.route == "emergency" else "not_covered"
                answer.answer = (
                    route.triage.message
                    if route.route == "emergency"
                    else (f"{route.triage.message}\n\n{UNAVAILABLE_MESSAGE[0].upper()}{UNAVAILABLE_MESSAGE[1:]}.")
                )
        streamed = False
        if composing is not None:
            compose_stream = getattr(composing.composer, "compose_stream", None)
            if stream and compose_stream is not None:  # a generated answer: its sentences as they are verified
                streamed = True
                yield from self._compose_streaming(answer, composing, compose_stream, timings)
            else:
                self._compose_and_apply(answer, composing, turns, timings)
        pack = language_packs(self.settings.languages_dir).get(route.language) if route.language != "en" else None
        if pack is not None:  # the reply's own words in the user's language; quotes stay verbatim English
            if answer.outcome in ("out_of_scope", "not_covered") and route.triage.level != "none":
                answer.answer = f"{route.triage.message}\n\n{answer.answer}"
            if answer.citations:
                answer.answer = f"{answer.answer}\n\n{localised(pack, 'sources_in_english', self.settings)}"
            disclaimer, net = localised(pack, "disclaimer", self.settings), localised(pack, "safety_net", self.settings)
        else:
            disclaimer, net = self.settings.disclaimer, safety_net(self.settings)
        # rules cannot recognise every way a red flag is described: every reply, whatever its outcome, says which
        # signs need emergency care and the number to call (NHS-style safety-netting; CKS notes that people rarely
        # volunteer them); an emergency reply names the number in its first line already
        answer.disclaimer = disclaimer if answer.outcome == "emergency" else f"{disclaimer} {net}"
        timings["total"] = (time.perf_counter() - t0) * 1000
        answer.timings_ms = timings
        if key is not None and self.cache is not None and self._store_down_since is None:
            self.cache.put(key, answer)
        if stream and not streamed:
            yield from answer_events(answer)
        else:
            yield answer

    def _compose_streaming(
        self,
        answer: Answer,
        composing: _Composing,
        compose_stream: Callable[[ComposeRequest], Iterator[str | Composed]],
        timings: dict,
    ) -> Iterator[Delta]:
        """Stream a composer's pieces after the triage message (the pieces join as ``_apply`` joins the text)."""
        route = composing.route
        lead = route.triage.message if route.triage.level != "none" else ""
        if lead:
            yield Delta(lead, route.triage)
        separator = "\n\n" if lead else ""  # before the composer's first piece, as _apply joins them
        t = time.perf_counter()
        composed = None
        for item in compose_stream(composing.request):
            if isinstance(item, str):
                if item:
                    yield Delta(separator + item)
                    separator = ""
            else:
                composed = item
        timings["compose"] = (time.perf_counter() - t) * 1000
        if composed is None:
            raise AssertionError("a streaming composer ends with what it composed")  # pragma: no cover
        if route.declined_message and route.route != "emergency":
            yield Delta(f"\n\n{route.declined_message}")
        self._apply(answer, route, composed, timings)

    def _answer_with_one_retry(
        self, answer: Answer, route: SafetyDecision, turns: list[dict], timings: dict
    ) -> _Composing | None:
        try:
            self._refresh()
            return self._answer_from_corpus(answer, route, turns, timings)
        except StoreReadError:  # e.g. the generation was dropped under us by a re-index: reload once
            try:
                self._refresh(force=True)
                return self._answer_from_corpus(answer, route, turns, timings)
            except StoreReadError as exc:
                raise IndexUnavailableError(str(exc.__cause__ or exc)) from None

    def _cross_lingual(self):
        """The multilingual index of the served generation, or None where it cannot run (reason logged once)."""
        if self._cross_generation == self.generation:
            return self._cross
        self._cross, self._cross_generation = None, self.generation
        retriever = self.retriever
        reason = unavailable_reason()
        if not reason and retriever is not None and len(retriever) > self.settings.multilingual_max_passages:
            reason = f"the corpus has more than {self.settings.multilingual_max_passages} passages"
        if reason:
            log.warning("answers in other languages are off: %s", reason)
            return None
        sentences = retriever.sentence_vectors(list(retriever.ids))
        texts = {pid: [t for _, t, _ in items] for pid, items in sentences.items()}
        self._cross = build_cross_lingual(
            retriever.docs, retriever.metas, retriever.ids, texts, self.settings.data_dir / "e5"
        )
        return self._cross

    def _answer_across_languages(self, answer: Answer, route: SafetyDecision, timings: dict) -> None:
        """A question in another language: the English passages closest in meaning (multilingual index),
        quoted verbatim; or, where that index cannot run or nothing is close, the notice in their language."""
        retriever = self.retriever
        answer.outcome, answer.answer = "not_covered", route.message
        cross = self._cross_lingual() if retriever is not None else None
        if cross is None or retriever is None:
            return
        t = time.perf_counter()
        qvec = cross.query(route.retrieval_query or answer.question)
        timings["embed"] = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        top = cross.top(qvec, self.settings.top_k)
        if not top or top[0][1] < self.settings.multilingual_min_score:
            timings["retrieve"] = (time.perf_counter() - t) * 1000
            return
        hits = [Hit(retriever.ids[i], retriever.docs[i], retriever.metas[i], score, 0.0, score) for i, score in top]
        if route.triage.level in ("urgent", "caution"):
            known = {h.passage_id for h in hits}
            safety = [
                i for i, m in enumerate(retriever.metas) if m.get("role") == "safety" and retriever.ids[i] not in known
            ]
            hits += [
                Hit(retriever.ids[i], retriever.docs[i], retriever.metas[i], s, 0.0, s)
                for i, s in cross.top(qvec, len(retriever.ids))
                if i in safety
            ][:4]
        timings["retrieve"] = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        reading = read_question(route.retrieval_query or answer.question, [], self.lexicon, None)
        request = ComposeRequest(reading, qvec[None, :], hits, cross.sentence_vectors, route.triage, {})
        composed = self._cross_composer(cross).compose(request)
        timings["compose"] = (time.perf_counter() - t) * 1000
        if composed.outcome == "answer":
            answer.outcome, answer.citations = "answer", composed.citations
            lead = route.triage.message if route.triage.level != "none" else ""
            answer.answer = "\n\n".join(p for p in (lead, composed.text) if p)

    def _cross_composer(self, cross) -> ExtractiveComposer:
        if self._cross_composer_for is not cross:
            cfg = ComposeSettings.from_settings(
                self.settings.with_overrides(
                    min_sentence_score=self.settings.multilingual_min_score,
                    min_specificity=-1.0,
                    lexical_weight=0.0,
                    specificity_weight=0.0,
                    evidence_boost=0.0,
                    note_lead_min=0.0,  # its threshold is a MiniLM cosine
                    sentence_ranker="hand",  # learned on MiniLM's cosines, not e5's
                    passage_weight=self.settings.multilingual_passage_weight,
                )
            )
            self._cross_composer_obj = ExtractiveComposer(cfg, lambda texts: np.asarray(cross.model.passage(texts)))
            self._cross_composer_for = cross
        assert self._cross_composer_obj is not None
        return self._cross_composer_obj

    def _answer_from_corpus(
        self, answer: Answer, route: SafetyDecision, turns: list[dict], timings: dict
    ) -> _Composing | None:
        """Retrieve for the question: what to compose from, or None when the answer is complete (out of scope)."""
        retriever = self.retriever
        if retriever is None:
            raise IndexUnusableError("the index is not loaded")
        t = time.perf_counter()
        reading: Reading = read_question(
            route.retrieval_query or answer.question, turns, self.lexicon, self.speller, self.topic_gate, self.subjects
        )
        vectors = embed_reading(self.embedder, reading, self.settings.part_share_min)
        rows = vectors[: len(reading.readings)]
        timings["embed"] = (time.perf_counter() - t) * 1000

        t = time.perf_counter()
        hits = retriever.retrieve(reading.keywords, rows, self.settings.top_k, self.settings.dense_candidates)
        if reading.context and len(rows) > 1 and self.settings.follow_up_own_hits:
            # a follow-up is also read after the previous question, and that reading can crowd out the passages the
            # follow-up itself asks for ("ok but is it dangerous at all?" after "can massage help sciatica"). Its own
            # reading alone, by meaning: the keywords hold the previous question too, and were searched just above
            have = {h.passage_id for h in hits}
            own = retriever.retrieve("", rows[:1], self.settings.follow_up_own_hits, self.settings.dense_candidates)
            hits = [*hits, *(h for h in own if h.passage_id not in have)]
        closest = max((max(h.dense, h.asked_best - self.settings.question_offset) for h in hits), default=-1.0)
        if route.check_scope and closest < self.settings.scope_min_similarity:
            answer.outcome, answer.answer = "out_of_scope", route.scope_message
            timings["retrieve"] = (time.perf_counter() - t) * 1000
            return None
        extra: list = []
        if route.route == "emergency":
            hits = retriever.best_of_role(rows, "safety", 1)
        elif route.triage.level in ("urgent", "caution"):
            # the precautions live in the safety articles: make sure the best of them is considered
            extra = retriever.best_of_role(vectors, "safety", 8)
        if reading.evidence or route.route != "emergency":
            extra += retriever.best_of_role(rows, "evidence", 1)
        known = {h.passage_id for h in hits}
        for h in extra:
            if h.passage_id not in known:
                hits.append(h)
                known.add(h.passage_id)
        sentences = retriever.sentence_vectors([h.passage_id for h in hits])
        timings["retrieve"] = (time.perf_counter() - t) * 1000

        request = ComposeRequest(reading, vectors, hits, sentences, route.triage, retriever.term_weights)
        # an emergency is never written by a model (generative mode): its reply is the triage message and a quote
        return _Composing(route, request, self.extractive if route.route == "emergency" else self.composer)

    def _compose_and_apply(self, answer: Answer, composing: _Composing, turns: list[dict], timings: dict) -> None:
        t = time.perf_counter()
        composed = composing.composer.compose(composing.request)
        if composed.outcome == "not_covered" and self.settings.story_ask_alone:
            composing, composed = self._story_ask_alone(answer, composing, composed, turns, timings)
        timings["compose"] = (time.perf_counter() - t) * 1000
        self._apply(answer, composing.route, composed, timings)

    def _story_ask_alone(
        self, answer: Answer, composing: _Composing, composed: Composed, turns: list[dict], timings: dict
    ) -> tuple[_Composing, Composed]:
        """A story the articles do not answer as a whole, read again as its last ask alone ("been 3 weeks now ... still
        cant change the barrels in the cellar. when should i bother the gp with it"; blind batch 32): the story's words
        pull the question's vector away from every passage. Kept only when the ask alone is answered; triage and the
        declined parts stay those of the whole question."""
        route = composing.route
        reading = composing.request.reading
        # a story about a topic no article covers is not re-read: its ask leans on that topic ("she's got carpal tunnel
        # in her wrist. would massage help with that?")
        if route.route != "answer" or composed.uncovered or reading.scene_topics or reading.absent_topics:
            return composing, composed
        ask = story_ask(route.retrieval_query or answer.question)
        # ... nor is an ask that says little by itself ("Which is best for it?" after the mattresses), unless the
        # conversation before says what it is about
        if not ask or (len(content_terms(ask)) < 2 and not reading.context):
            return composing, composed
        # (a scratch answer: when the ask alone reads as out of scope, the whole question's reply stands)
        again = self._answer_from_corpus(replace(answer), replace(route, retrieval_query=ask), turns, timings)
        if again is None:
            return composing, composed
        recomposed = again.composer.compose(again.request)
        if recomposed.outcome != "answer":
            return composing, composed
        timings["ask_alone"] = 1.0
        return again, recomposed

    @staticmethod
    def _apply(answer: Answer, route: SafetyDecision, composed: Composed, timings: dict) -> None:
        """The composed text after the triage message, its citations and outcome."""
        timings.update(composed.meta)  # generative mode: generated 1/0, generate ms, sentences drafted / removed
        lead = route.triage.message if route.triage.level != "none" else ""
        if route.route == "emergency":
            answer.outcome = "emergency"
            body = composed.text if composed.outcome == "answer" else ""
            answer.citations = composed.citations if body else []
        else:
            answer.outcome = composed.outcome
            body = composed.text
            answer.citations = composed.citations
            answer.uncovered = [*composed.uncovered, *route.declined]
        declined = route.declined_message if route.route != "emergency" else ""
        answer.answer = "\n\n".join(part for part in (lead, body, declined) if part)


def embed_reading(embedder: Embedder, reading: Reading, share_min: float) -> np.ndarray:
    """The vectors of a question's readings, then of its parts. A part that is nearly the whole question (at least
    ``share_min`` of its characters: a long story before a short second ask) takes the question's vector instead
    of being embedded again."""
    readings, parts = reading.readings, reading.part_texts
    whole = len(readings[0]) if readings else 0
    own = [i for i, p in enumerate(parts) if not (share_min and whole and len(p) >= share_min * whole)]
    vectors = embedder.embed_documents([*readings, *(parts[i] for i in own)])
    if len(own) == len(parts):
        return vectors
    out = np.empty((len(readings) + len(parts), vectors.shape[1]), dtype=vectors.dtype)
    out[: len(readings)] = vectors[: len(readings)]
    out[len(readings) :] = vectors[0]
    for row, i in enumerate(own):
        out[len(readings) + i] = vectors[len(readings) + row]
    return out


# what the composer reported about how an answer was written (generative mode); a cached copy keeps them, so the
# eval's generated / fallback / removed-sentence rates count a repeated question like the first one
COMPOSE_COUNTERS = ("generated", "sentences_drafted", "sentences_removed")


def _how_composed(timings: dict[str, float]) -> dict[str, float]:
    return {k: timings[k] for k in COMPOSE_COUNTERS if k in timings}


def build_assistant(settings: Settings) -> Assistant:
    """Load the verified model and open the served index (raises AssistantError subclasses).

    The model and the language identifier load on other threads while this one imports and opens Chroma: their
    time is mostly C code that releases the GIL (the ONNX session, checksums, xz decompression), so on two cores
    they overlap with the imports (README "Speed")."""
    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="load")
    try:
        # no index yet: nothing is loaded (loading the model writes its verified copy under data_dir)
        embedder_job = pool.submit(load_configured_embedder, settings) if index_may_exist(settings) else None
        pool.submit(warm_detector)
        store = store_for(settings, create=False)
        if store.active() is None:
            from .errors import IndexMissingError

            raise IndexMissingError("the index is empty; build it with 'sciatica-assistant index'")
        embedder = embedder_job.result() if embedder_job is not None else load_configured_embedder(settings)
    finally:
        pool.shutdown(wait=False)  # an error is reported at once, not after the model has loaded
    if settings.answer_mode != "generative":
        return Assistant(settings, embedder, store)
    from .compose.generative import build_generative_composer

    fallback = ExtractiveComposer(ComposeSettings.from_settings(settings), embedder.embed_documents)
    return Assistant(settings, embedder, store, build_generative_composer(settings, embedder.embed_documents, fallback))
