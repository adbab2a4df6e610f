"""The pipeline: check input → safety → retrieve → compose → Answer.

``build_assistant(settings)`` loads the model and opens the served index generation once;
``Assistant.ask(question, history)`` is what the CLI, the web app and the eval runner all call.
"""

from __future__ import annotations

import threading
import time


from .compose import ComposeRequest, Composer, ComposeSettings, ExtractiveComposer
from .embeddings import Embedder, load_embedder
from .errors import AssistantError, IndexUnusableError
from .index import IndexStore, store_for
from .inputs import clean_history, clean_question
from .lexicon import load_lexicon
from .question import Reading, read_question
from .retrieve import HybridRetriever
from .schema import Answer
from .safety import SafetyDecision, assess, safety_net
from .settings import Settings
from .spelling import Speller, build_speller


class Assistant:
    def __init__(self, settings: Settings, embedder: Embedder, store: IndexStore, composer: Composer | None = None):
        self.settings = settings
        self.embedder = embedder
        self.store = store
        self.lexicon = load_lexicon(settings.lexicon_dir)
        self.speller: Speller | None = None
        self._lock = threading.Lock()
        self._checked_at = 0.0
        self.generation = ""
        self.retriever: HybridRetriever | None = None
        self._load()
        self.composer: Composer = composer or ExtractiveComposer(ComposeSettings.from_settings(settings), embedder.embed_documents)

    # ----------------------------------------------------------------- index generations

    def _load(self) -> None:
        passages, sentences, info = self.store.open_active(self.embedder)
        retriever = HybridRetriever(self.store.client, passages, sentences, self.embedder, self.settings.keyword_weight)
        if self.settings.spelling:  # the vocabulary of the served passages and of the lexicon
            self.speller = build_speller(retriever.docs, self.lexicon.words)
        self.retriever, self.generation = retriever, info["generation"]

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

    @property
    def passage_count(self) -> int:
        return len(self.retriever) if self.retriever else 0

    # ----------------------------------------------------------------- asking

    def ask(self, question: object, history: object = None) -> Answer:
        t0 = time.perf_counter()
        timings: dict[str, float] = {}
        text = clean_question(question, self.settings)
        turns = clean_history(history, self.settings)

        t = time.perf_counter()
        route = assess(text, turns, self.settings)
        timings["safety"] = (time.perf_counter() - t) * 1000

        answer = Answer(question=text, answer="", outcome="answer", triage=route.triage, disclaimer=self.settings.disclaimer)
        if route.route in ("out_of_scope", "refusal"):
            answer.outcome = route.route
            answer.answer = route.message
        else:
            try:
                self._refresh()
                self._answer_from_corpus(answer, route, turns, timings)
            except AssistantError:
                raise
            except Exception:  # e.g. the generation was dropped under us by a re-index: reload once
                self._refresh(force=True)
                self._answer_from_corpus(answer, route, turns, timings)
        if answer.outcome != "emergency":
            # rules cannot recognise every way a red flag is described: every reply, whatever its outcome, says
            # which signs need emergency care and the number to call (NHS-style safety-netting; CKS notes that
            # people rarely volunteer them)
            answer.disclaimer = f"{self.settings.disclaimer} {safety_net(self.settings)}"
        timings["total"] = (time.perf_counter() - t0) * 1000
        answer.timings_ms = timings
        return answer

    def _answer_from_corpus(self, answer: Answer, route: SafetyDecision, turns: list[dict], timings: dict) -> None:
        retriever = self.retriever
        if retriever is None:
            raise IndexUnusableError("the index is not loaded")
        t = time.perf_counter()
        reading: Reading = read_question(route.retrieval_query or answer.question, turns, self.lexicon, self.speller)
        texts = [*reading.readings, *reading.parts]
        vectors = self.embedder.embed_documents(texts)
        rows = vectors[: len(reading.readings)]
        timings["embed"] = (time.perf_counter() - t) * 1000

        t = time.perf_counter()
        hits = retriever.retrieve(reading.keywords, rows, self.settings.top_k, self.settings.dense_candidates)
        if route.check_scope and (not hits or max(h.dense for h in hits) < self.settings.scope_min_similarity):
            answer.outcome, answer.answer = "out_of_scope", route.scope_message
            timings["retrieve"] = (time.perf_counter() - t) * 1000
            return
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

        t = time.perf_counter()
        request = ComposeRequest(reading, vectors, hits, sentences, route.triage, retriever.term_weights)
        composed = self.composer.compose(request)
        timings["compose"] = (time.perf_counter() - t) * 1000

        lead = route.triage.message if route.triage.level != "none" else ""
        if route.route == "emergency":
            answer.outcome = "emergency"
            body = composed.text if composed.outcome == "answer" else ""
            answer.citations = composed.citations if body else []
        else:
            answer.outcome = composed.outcome
            body = composed.text
            answer.citations = composed.citations
            answer.uncovered = list(composed.uncovered)
        answer.answer = "\n\n".join(part for part in (lead, body) if part)


def build_assistant(settings: Settings) -> Assistant:
    """Load the verified model and open the served index (raises AssistantError subclasses)."""
    store = store_for(settings, create=False)
    if store.active() is None:
        from .errors import IndexMissingError

        raise IndexMissingError("the index is empty; build it with 'sciatica-assistant index'")
    return Assistant(settings, load_embedder(threads=settings.torch_threads), store)
