"""The extractive composer: verbatim sentences from the retrieved passages, each cited. No language model.

How an answer is put together (measurements behind each step: README, "Retrieval and answers"):

1. Every sentence of a retrieved passage is a candidate, except sentences about the page itself
   ("This post will discuss...", "Source: ..."), which are never quoted.
2. A candidate scores by its cosine with the question (best over the readings), its *specificity*
   (cosine with what is left of the question once the generic "massage / sciatica" directions are
   projected away), how much of the question's own words it holds (idf-weighted, lexicon-expanded),
   and how well its whole passage matches.
3. Coverage: the question is answered only if some candidate is close enough and specific enough;
   otherwise it is ``not_covered``. A two-part question is judged part by part, and the parts the
   articles do not answer are named in the reply.
4. Blocks: the answer leads with the best sentence and the sentences of the same passage close to it
   (one coherent span), then at most one more passage. A caution or urgent question first quotes the
   precaution that matches what the user said; a question about whether massage works, or for proof,
   leads with the evidence section.
5. Evidence beside the claim: a quoted section that carries a curator's evidence note is followed, in
   the answer itself, by "What the evidence says: ..." with its source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import AbstractSet, Callable, Mapping

import numpy as np

from ..errors import SettingsError
from ..ingest.passages import is_evidence_section, is_meta_sentence
from ..number_asks import duration_ask, number_ask, states, states_duration
from ..question import asks_evidence, asks_kind, asks_something
from ..retrieve import Hit
from ..safety.messages import reason_phrase
from ..schema import Citation
from ..text import content_terms
from .base import Composed, ComposeRequest, not_covered_text, uncovered_text
from .answer_match import load_match
from .ranking import load_ranker

# Questions that say nothing beyond "massage / sciatica". The part of a question along these directions
# is only "on topic"; what is left is what it is really about (README, "Saying not covered").
GENERIC_QUESTIONS = (
    "massage for sciatica",
    "how can massage help sciatica pain",
    "sciatica",
    "does it help sciatica?",
    "is it good for sciatica?",
    "what helps sciatica?",
)
# A section that sums up the article restates its claims; the claim doubted is looked for in the claim's own section.
_OVERVIEW = re.compile(r"\b(?:summary|conclusions?|overview|introduction|in short)\b", re.IGNORECASE)
# What any question about proof says, whatever claim it is about: removed (with GENERIC_QUESTIONS) before a doubted
# claim is looked for (``note_lead_by = "claim"``).
PROOF_QUESTIONS = (
    "is there proof massage works",
    "is it proven",
    "is that legit or just hype",
    "has it been shown in research",
    "what does the research say",
    "is there evidence for it",
    "is it true",
    "is that actually true or a myth",
)
# Words that only say "on topic"; they do not count when measuring how much of the question a sentence holds.
GENERIC_TERMS = frozenset(
    content_terms(
        "massage massages massaging sciatica sciatic help helps helped good pain painful therapy therapist treatment "
        "treat get getting need know tell really actually thing things someone people anyone way lol please thanks "
        "wondering question ok okay like bit feel"
    )
)
# A sentence that points back early on ("These neurotransmitters ...") needs the one before it.
_LEANS_BACK = re.compile(
    r"^(?:[\w'-]+\s+){0,2}(this|these|those|it|they|them|such|both|neither|either)\b", re.IGNORECASE
)

Embed = Callable[[list[str]], np.ndarray]


@dataclass(frozen=True)
class ComposeSettings:
    """The composer's share of Settings (defaults and meanings live there, assistant/settings.py)."""

    min_passage_score: float
    min_sentence_score: float
    min_specificity: float
    coverage_lex_min: float
    coverage_lex_spec_min: float
    coverage_words_min: float
    coverage_words_sim_min: float
    coverage_sim_alone: float
    coverage_rank_min: float
    coverage_rank_sure: float
    coverage_claim_sim: float
    specificity_weight: float
    lexical_weight: float
    heading_weight: float
    passage_weight: float
    evidence_boost: float
    generic_remainder: float
    max_sentences: int
    margin: float
    second_margin: float
    precaution_min: float
    note_lead_min: float
    note_lead_margin: float
    note_lead_by: str
    claim_lead_min: float
    claim_lead_margin: float
    question_offset: float
    question_min_score: float
    question_lead_bonus: float
    question_lead_min: float
    question_same_min: float
    ranker: str  # "learned": ranking.py orders the close-enough sentences; "hand": the score above does
    match_weight: float  # how much the learned question-sentence match (answer_match.py) adds to the order; 0: off

    @classmethod
    def from_settings(cls, settings) -> "ComposeSettings":
        names = cls.__dataclass_fields__
        mapping = {"max_sentences": "max_answer_sentences", "margin": "sentence_margin", "ranker": "sentence_ranker"}
        return cls(**{n: getattr(settings, mapping.get(n, n)) for n in names})


@dataclass(frozen=True)
class Candidate:
    h: int  # index into hits
    k: int  # sentence number in the passage
    sim: float
    spec: float
    lex: float  # share of the question's own words in the sentence
    score: float
    asked: float = 0.0  # best cosine of the question with a sidecar question this sentence answers
    rank: float = 0.0  # the learned ranker's score (or ``score``): coverage reads it (covered_by_rank)
    lead: float = 0.0  # the order in which it may lead: ``rank`` plus the weighted, standardised answer match


def candidate_features(c: Candidate, hit: Hit, hit_rank: int, text: str, n: int, top_asked: float) -> list[float]:
    """The ranker's view of one candidate, in ranking.FEATURES order."""
    return [
        c.sim,
        c.spec,
        c.lex,
        c.asked,
        float(top_asked > 0 and c.asked >= top_asked - 1e-6),
        float(hit.dense),
        float(hit.asked_best),
        float(hit_rank),
        float(c.k),
        float(c.k == 0),
        c.k / max(1, n - 1),
        len(text.split()) / 30,
        float(bool(_LEANS_BACK.match(text))),
        float(is_evidence_section(hit.meta.get("section", ""))),
        float(hit.meta.get("role") == "safety"),
    ]


def generic_basis(generic_vecs: np.ndarray) -> np.ndarray:
    """Orthonormal basis (dim x n) of the directions the generic questions span."""
    basis, _ = np.linalg.qr(np.asarray(generic_vecs, dtype=np.float32).T)
    return basis.astype(np.float32)


def specific_part(query_vecs: np.ndarray, basis: np.ndarray | None) -> tuple[np.ndarray, float]:
    """The query vectors with their generic component removed and re-normalised, and how much of the
    question was left (largest remainder norm, 0..1)."""
    if basis is None or not basis.size:
        return query_vecs, 1.0
    rest = query_vecs - (query_vecs @ basis) @ basis.T
    norms = np.linalg.norm(rest, axis=1, keepdims=True)
    return rest / np.maximum(norms, 1e-9), float(norms.max())


@lru_cache(maxsize=16384)
def terms_of(text: str) -> frozenset[str]:
    """The content terms of an article sentence or heading (the same texts recur in every answer: cached)."""
    return frozenset(content_terms(text))


# "would a massage help with that side of it?" asks about an aspect, not about sides or side effects (follow-ups set;
# blind batch 18): the word is no reason to lead with "Side effects were minor."
_ASPECT = re.compile(r"\b(?:that|this|the|other) side of (?:it|things|this|that)\b", re.IGNORECASE)


def focus_terms(*texts: str) -> set[str]:
    return {t for text in texts for t in content_terms(_ASPECT.sub(" ", text))} - GENERIC_TERMS


def lexical_share(
    focus: AbstractSet[str], terms: AbstractSet[str], weights: Mapping[str, float], unknown: float
) -> float:
    """The idf-weighted share of the question's own words found in ``terms`` (0..1)."""
    if not focus:
        return 0.0
    total = sum(weights.get(t, unknown) for t in focus)
    return sum(weights.get(t, unknown) for t in focus & terms) / total


def _sentence_texts(req: ComposeRequest) -> dict[tuple[int, int], str]:
    """Each retrieved sentence's text by (hit number, sentence number), as candidates name them."""
    return {(h, k): t for h, hit in enumerate(req.hits) for k, t, _ in req.sentences.get(hit.passage_id, [])}


class ExtractiveComposer:
    name = "extractive"

    def __init__(self, cfg: ComposeSettings, embed: Embed):
        self.cfg = cfg
        self.basis = generic_basis(embed(list(GENERIC_QUESTIONS)))
        self.proof_basis = (
            generic_basis(embed([*GENERIC_QUESTIONS, *PROOF_QUESTIONS])) if cfg.note_lead_by == "claim" else None
        )
        self.ranker = load_ranker() if cfg.ranker == "learned" else None
        # the match was learned on MiniLM's 384-wide vectors: another width is refused with a message (load_match)
        self.match = None
        if self.ranker is not None and cfg.match_weight > 0:
            try:
                self.match = load_match(dim=self.basis.shape[0])
            except (OSError, ValueError) as exc:
                raise SettingsError(str(exc)) from None
        self._embed = embed
        self._phrase_vectors: dict[str, np.ndarray] = {}  # reason phrases and evidence notes, embedded once

    # ------------------------------------------------------------------------------- scoring

    def _phrase_vector(self, text: str) -> np.ndarray:
        if text not in self._phrase_vectors:
            self._phrase_vectors[text] = np.asarray(self._embed([text])[0], dtype=np.float32)
        return self._phrase_vectors[text]

    def _note_first(self, req: ComposeRequest, rows: np.ndarray, usable: list[Candidate]) -> list[Candidate]:
        """For a question about whether a claim holds, the claim whose evidence note answers it leads (its note is
        shown right after it): "my masseur claims he squeezes the toxins out of the nerve, is that legit?" is
        answered by the circulation section and its note on "pollutants", not by the general evidence section.
        Only when one note is clearly the closest (``note_lead_margin`` above the next note) and close enough
        (``note_lead_min``), and closer than any sentence of the evidence section."""
        cfg = self.cfg
        if cfg.note_lead_min <= 0 or not usable:
            return usable
        closest: dict[str, tuple[float, int]] = {}  # note -> (cosine, best hit with a usable sentence)
        usable_hits = {c.h for c in usable}
        general = 0.0  # the closest sentence of an evidence section: a question about the research as a whole
        for h, hit in enumerate(req.hits):
            note = hit.meta.get("evidence_note", "")
            if is_evidence_section(hit.meta.get("section", "")):
                vecs = [v for _, t, v in req.sentences.get(hit.passage_id, []) if not is_meta_sentence(t)]
                general = max([general, *(float((rows @ v).max()) for v in vecs)])
                continue
            if not note:
                continue
            sim = float((rows @ self._phrase_vector(note)).max())
            seen = closest.get(note)
            if seen is None or (h in usable_hits and seen[1] not in usable_hits):
                closest[note] = (sim, h)
        # the claim the question names is looked for first: a note's own words ("the evidence is of low quality")
        # draw every question about proof, so "is it proven that massage takes the pressure off the nerve?" was
        # led by the circulation note (+3 eval cases, none lost)
        led = self._claimed_hit(req, rows, usable) if cfg.note_lead_by == "claim" else None
        if led is None:
            ranked = sorted(closest.values(), reverse=True)
            led = _clear_lead(ranked, max(cfg.note_lead_min, general), cfg.note_lead_margin)
        if led is None:
            return usable
        lead = [c for c in usable if c.h == led]
        return [*lead, *(c for c in usable if c.h != led)] if lead else usable

    def _claimed_hit(self, req: ComposeRequest, rows: np.ndarray, usable: list[Candidate]) -> int | None:
        """``note_lead_by = "claim"``, when no note is clearly the closest: what the question says beyond "is it
        proven?" is compared with each claim section's own sentences and with the evidence section's; the hit of the
        closest claim, when it is at least ``claim_lead_min``, ``claim_lead_margin`` above the next claim, and closer
        than the evidence section."""
        cfg = self.cfg
        spec, _ = specific_part(rows, self.proof_basis)
        general = 0.0
        claims: dict[str, tuple[float, int]] = {}  # section -> (closeness, best hit with a usable sentence)
        usable_hits = {c.h for c in usable}
        for h, hit in enumerate(req.hits):
            section = hit.meta.get("section", "")
            vecs = [v for _, t, v in req.sentences.get(hit.passage_id, []) if not is_meta_sentence(t)]
            if not vecs:
                continue
            best = max(float((spec @ v).max()) for v in vecs)
            if is_evidence_section(section):
                general = max(general, best)
            elif hit.meta.get("evidence_note", "") and not _OVERVIEW.search(section):
                seen = claims.get(section)
                if seen is None or best > seen[0] or (h in usable_hits and seen[1] not in usable_hits):
                    claims[section] = (max(best, seen[0]) if seen else best, h)
        return _clear_lead(
            sorted(claims.values(), reverse=True), max(cfg.claim_lead_min, general), cfg.claim_lead_margin
        )

    def _reason_vector(self, code: str) -> np.ndarray | None:
        phrase = reason_phrase(code)
        return self._phrase_vector(phrase) if phrase else None

    def candidates(
        self, req: ComposeRequest, rows: np.ndarray, focus: set[str], generic: bool, evidence: bool = False
    ) -> list[Candidate]:
        """Scored, quotable sentences of the retrieved passages for the question rows ``rows``."""
        cfg = self.cfg
        specific, _ = specific_part(rows, self.basis)
        unknown = max(req.term_weights.values(), default=1.0)
        out: list[Candidate] = []
        facts: list[tuple[Hit, int, str, int]] = []  # what the ranker reads besides the scores (hit, rank, text, n)
        vectors: list[np.ndarray] = []  # each candidate's sentence vector, for the answer match
        for h, hit in enumerate(req.hits):
            asked = dict(hit.asked)
            if max(hit.dense, hit.asked_best - cfg.question_offset) < cfg.min_passage_score:
                continue
            section = hit.meta.get("section", "")
            # the passage as a whole: how close it is, whether its heading names the question's words, and
            # (for a question about whether massage works) whether it is an evidence section
            prior = (
                cfg.passage_weight * hit.dense
                + cfg.heading_weight * lexical_share(focus, terms_of(section), req.term_weights, unknown)
                + (cfg.evidence_boost if evidence and is_evidence_section(section) else 0.0)
            )
            sentences = req.sentences.get(hit.passage_id, [])
            for k, text, vec in sentences:
                if is_meta_sentence(text):
                    continue
                sim = float((rows @ vec).max())
                spec = 1.0 if generic else float((specific @ vec).max())
                lex = lexical_share(focus, terms_of(text), req.term_weights, unknown)
                score = sim + cfg.specificity_weight * spec + cfg.lexical_weight * lex + prior
                out.append(Candidate(h, k, sim, spec, lex, score, asked.get(k, 0.0)))
                facts.append((hit, h, text, len(sentences)))
                vectors.append(vec)
        # the sentence whose sidecar question is closest to the question, if close enough, is the likeliest answer
        top_asked = max((c.asked for c in out), default=0.0)
        if cfg.question_lead_bonus and top_asked >= cfg.question_lead_min:
            out = [
                replace(c, score=c.score + cfg.question_lead_bonus) if c.asked >= top_asked - 1e-6 else c for c in out
            ]
        ranks = (
            self.ranker.scores(np.array([candidate_features(c, *f, top_asked) for c, f in zip(out, facts)]))
            if self.ranker is not None
            else [c.score for c in out]
        )
        matched = (
            cfg.match_weight * self.match.standardised(rows[-1], np.array(vectors))
            if self.match is not None and out
            else np.zeros(len(out))
        )
        out = [replace(c, rank=float(r), lead=float(r + m)) for c, r, m in zip(out, ranks, matched)]
        if top_asked >= cfg.question_same_min:  # the curated question is this one, reworded at most: its sentence leads
            best, first = max((c.score for c in out), default=0.0), max((c.rank for c in out), default=0.0)
            ahead = max((c.lead for c in out), default=0.0)
            out = [
                replace(c, score=best + 0.01, rank=first + 1, lead=ahead + 1) if c.asked >= top_asked - 1e-6 else c
                for c in out
            ]
        out.sort(key=lambda c: (-c.lead, -c.score, c.h, c.k))
        return out

    def covered(self, cands: list[Candidate], generic: bool) -> list[Candidate]:
        """The citable candidates, best first, or [] when the question is not covered.

        Coverage is decided once for the question: some sentence must be close enough (``min_sentence_score``)
        and specific enough (``min_specificity``). Once it is, every close-enough sentence may lead, ranked by
        score: the specificity gate detects coverage, it does not pick the sentence (measured: gating each
        sentence lost "NICE advises ..." for "what does NICE say?")."""
        cfg = self.cfg
        close = self._close(cands)
        answered = any(c.asked >= cfg.question_min_score for c in close)
        if not (answered or any(generic or self._specific(c) for c in close)):
            return []
        # a candidate the ranker is sure of stays citable below the cosine floor, as in covered_by_rank: "Grandma says
        # lie in bed for a week, my physio says keep walking around" names no sciatica, and the bed-rest sentence fell
        # just under the floor while an emergency sentence did not (blind batch 36 kind)
        sure = {(c.h, c.k) for c in cands if c.rank >= cfg.coverage_rank_sure and c.sim >= cfg.coverage_words_sim_min}
        kept = {(c.h, c.k) for c in close} | sure
        return [c for c in cands if (c.h, c.k) in kept]

    def _close(self, cands: list[Candidate]) -> list[Candidate]:
        cfg = self.cfg
        return [
            c
            for c in cands
            if c.sim >= cfg.min_sentence_score or c.asked >= cfg.question_min_score or self._holds_words(c)
        ]

    def covered_by_rank(self, cands: list[Candidate]) -> list[Candidate]:
        """The close candidates when the learned ranker is sure of the best one (``coverage_rank_min``), else [].

        For one-part questions the specificity gate turns away: "in a nutshell, what is the massage meant to be
        doing for the nerve pain?" matches "Massage is a comprehensive method of treating sciatica by ..." well,
        but the story around the ask leaves little specific to match. The ranker reads the sidecar questions,
        the passage and the sentence together, and its score separates the two kinds on the labelled sets."""
        if self.ranker is None:
            return []
        cfg = self.cfg
        close = self._close(cands)
        sure = {(c.h, c.k) for c in cands if c.rank >= cfg.coverage_rank_sure and c.sim >= cfg.coverage_words_sim_min}
        if sure:  # the candidates stay in the composer's order (the ranker plus the answer match)
            kept = {(c.h, c.k) for c in close} | sure
            close = [c for c in cands if (c.h, c.k) in kept]
        if close and max(c.rank for c in close) >= cfg.coverage_rank_min:
            return close
        return []

    def _claim_sections(self, req: ComposeRequest, cands: list[Candidate]) -> list[Candidate]:
        """For a question about whether a claim holds that nothing else covers: the candidates, at least
        ``coverage_claim_sim`` close, of the sections that carry an evidence note (a claim the notes judge) and the
        evidence sections' own longer sentences."""
        floor = self.cfg.coverage_claim_sim
        text = _sentence_texts(req)

        def judged(c: Candidate) -> bool:
            meta = req.hits[c.h].meta
            if meta.get("evidence_note"):
                return True
            # an evidence section's own sentence only when it says something of its own: a short one ("Side effects
            # were minor.") runs close to any question (the second round of the review)
            return is_evidence_section(meta.get("section", "")) and len(text.get((c.h, c.k), "").split()) >= 8

        return [c for c in cands if c.sim >= floor and judged(c)]

    def _holds_words(self, c: Candidate) -> bool:
        """A sentence holding most of the question's own words is close even when its cosine is modest ("should I
        rest up in bed or keep going" against "...staying active helps more than bed rest")."""
        cfg = self.cfg
        return c.lex >= cfg.coverage_words_min and c.sim >= cfg.coverage_words_sim_min

    def _specific(self, c: Candidate) -> bool:
        cfg = self.cfg
        return (
            c.spec >= cfg.min_specificity
            or (c.lex >= cfg.coverage_lex_min and c.spec >= cfg.coverage_lex_spec_min)
            or c.sim >= cfg.coverage_sim_alone
        )

    @staticmethod
    def _duration_first(req: ComposeRequest, cands: list[Candidate], question: str) -> list[Candidate]:
        """For "how long does it last?", the candidates stating a duration first (number_asks.states_duration)."""
        if not cands or not duration_ask(question):
            return cands
        text = _sentence_texts(req)
        # a stable sort: numbers first, then vague durations, then the rest, each group in the ranker's order
        return sorted(cands, key=lambda c: -states_duration(text.get((c.h, c.k), "")))

    @staticmethod
    def _stating(req: ComposeRequest, cands: list[Candidate], kind: str) -> list[Candidate]:
        """For a question asking for a number (number_asks.py), only the candidates that state one."""
        if not kind:
            return cands
        text = _sentence_texts(req)
        return [c for c in cands if states(kind, text.get((c.h, c.k), ""))]

    # ------------------------------------------------------------------------------- composing

    def compose(self, req: ComposeRequest) -> Composed:
        reading = req.reading
        n = len(reading.readings)
        rows, part_rows = req.vectors[:n], req.vectors[n:]
        _, remainder = specific_part(rows, self.basis)
        generic = remainder < self.cfg.generic_remainder and not reading.kind
        focus = focus_terms(reading.corrected, reading.canonical)
        cands = self.candidates(req, rows, focus, generic, reading.evidence)
        usable = self.covered(cands, generic)
        if not usable and not reading.parts and not reading.absent_topics:
            usable = self.covered_by_rank(cands)
        # (taken as they rank: the claim match below picked "therapists are qualified to diagnose imbalances" for
        # "she is fixing the root problem ... is it treating the cause?", which the evidence section answers)
        by_claim = False
        if not usable and reading.evidence and not reading.parts and not reading.absent_topics:
            usable = self._claim_sections(req, cands)
            by_claim = bool(usable)
        if not reading.parts:  # "how often should I book?" is answered only by a sentence that says how often
            usable = self._stating(req, usable, reading.number)
        # how long a massage's easing lasts is answered by the evidence notes, not by how long sciatica lasts
        usable = usable if reading.evidence else self._duration_first(req, usable, reading.corrected)
        claim_led = False
        # (how long a massage's easing lasts doubts no claim: the evidence sections answer it as they rank)
        # (nor does a question read beside its plain ask, which the answer match reads: "Can massage by itself cure my
        # sciatica fully ...? Shop keeps me busy 7 days" is "can massage be my only treatment"; blind batch 33)
        if (
            reading.evidence
            and not by_claim
            and not reading.lasting
            and not reading.plain_asks
            and sum(map(asks_something, reading.parts)) <= 1
        ):
            # one ask beside pieces that tell ("Has anyone shown that? My therapist says it takes the pressure off
            # the nerve."): the claim told is looked for in each piece as well as in the whole question
            before = usable[:1]
            usable = self._note_first(req, np.vstack([rows, part_rows]) if reading.parts else rows, usable)
            claim_led = usable[:1] != before

        uncovered: list[str] = []
        if reading.parts and len(part_rows) == len(reading.parts):
            usable, uncovered = self._by_parts(req, part_rows, usable, claim_led)
        elif reading.absent_topics:
            usable = []  # "does acupuncture help?": the nearest massage sentence is not an answer to it

        precaution = self._precaution(req)
        if not usable and precaution is None:
            return Composed("not_covered", not_covered_text(reading.absent_topics), [], reading.absent_topics)

        blocks: list[tuple[int, list[int]]] = []
        if precaution is not None:
            blocks.append((precaution.h, [precaution.k]))
        if usable:
            main = [c for c in usable if not any(c.h == h for h, _ in blocks)] or usable
            blocks.append(self._span(req, main))
            second = [c for c in main if c.h != blocks[-1][0] and c.score >= main[0].score - self.cfg.second_margin]
            if second and len(blocks) < 2:
                blocks.append(self._span(req, second, limit=1))
            if reading.evidence or generic:  # whether massage works: what the evidence section says, too
                evidence = self._evidence_block(req, usable, focus)
                if evidence is not None and all(h != evidence[0] for h, _ in blocks):
                    blocks.append(evidence)
        # topics named only where the question set the scene are named as not covered (question.scene_topics); so is
        # the topic asked about when only the precaution answers ("booked in for a microdiscectomy next month, how
        # long will he be off work?" gets the after-surgery precaution and is told recovery times are not covered)
        named = [*reading.scene_topics, *uncovered, *(() if usable else reading.absent_topics)]
        return self._render(req, blocks, list(dict.fromkeys(named)))

    def _precaution(self, req: ComposeRequest) -> Candidate | None:
        """For a caution or urgent question: the safety-article sentence that matches the first reason."""
        if req.triage.level not in ("caution", "urgent") or not req.triage.reasons:
            return None
        for code in req.triage.reasons:
            vec = self._reason_vector(code)
            if vec is None:
                continue
            best: Candidate | None = None
            for h, hit in enumerate(req.hits):
                if hit.meta.get("role") != "safety":
                    continue
                for k, text, svec in req.sentences.get(hit.passage_id, []):
                    if is_meta_sentence(text):
                        continue
                    sim = float(svec @ vec)
                    if sim >= self.cfg.precaution_min and (best is None or sim > best.score):
                        best = Candidate(h, k, sim, 0.0, 0.0, sim)
            if best is not None:
                return best
        return None

    def _by_parts(
        self, req: ComposeRequest, part_rows: np.ndarray, usable: list[Candidate], claim_led: bool
    ) -> tuple[list[Candidate], list[str]]:
        """A two-part question: each part is judged on its own. Returns the candidates, reordered so a covered
        part's own best sentence leads where the whole question's ranking cannot be trusted, and the parts that
        ask something the articles do not answer."""
        reading = req.reading
        uncovered: list[str] = []
        part_best: list[Candidate] = []
        by_evidence = False
        part_absent = reading.part_absent or tuple(() for _ in reading.parts)
        for part, text, row, absent in zip(reading.parts, reading.part_texts, part_rows, part_absent):
            if absent:  # it asks about a topic no article mentions ("and does acupuncture work?")
                # (a piece that only tells is not named: "can't sit in the cab 9 hours like this")
                if asks_something(part):
                    uncovered.append(part)
                continue
            part_generic = specific_part(row[None, :], self.basis)[1] < self.cfg.generic_remainder
            part_generic = part_generic and not asks_kind(part)
            scored = self.candidates(req, row[None, :], focus_terms(part, text), part_generic)
            found = self.covered(scored, part_generic)
            asks = asks_something(part)
            if not found and asks:
                # a part is judged the way a one-part question is: the learned ranker may be sure of its
                # answer where the specificity gate turns it away (blind batch 24)
                found = self.covered_by_rank(scored)
            found = self._duration_first(req, self._stating(req, found, number_ask(part)), part)
            if found:
                part_best.append(found[0])
            elif asks and reading.evidence and asks_evidence(part):
                by_evidence = True  # "has anyone shown that?": the evidence section, quoted below, answers it
            elif asks:  # a piece that only tells ("need ammo to talk him round") is not named
                uncovered.append(part)
        if not part_best and not (by_evidence and usable):
            return [], uncovered
        if part_best and (uncovered or not usable or by_evidence) and not claim_led:
            # the covered part's own best sentence leads: the whole question's ranking leans on the words of
            # the part it cannot answer ("how long does it last, and does Bupa cover massage for it?"), or the
            # whole question passed no coverage test while a part did on its own
            lead = {(c.h, c.k): c for c in part_best}
            rest = sorted((c for c in usable if (c.h, c.k) not in lead), key=lambda c: (-c.lead, -c.score, c.h, c.k))
            return [*lead.values(), *rest], uncovered
        return usable, uncovered

    def _evidence_block(
        self, req: ComposeRequest, usable: list[Candidate], focus: set[str]
    ) -> tuple[int, list[int]] | None:
        """What the evidence section says: its opening sentence (a well-written evidence section states
        its conclusion first), or the sentence that shares most of the question's own words when one
        holds at least half of them ("does it fix the cause?" -> "Neither says that massage corrects the
        cause"), followed by the closest other sentence of the section."""
        unknown = max(req.term_weights.values(), default=1.0)
        for h, hit in enumerate(req.hits):
            if not is_evidence_section(hit.meta.get("section", "")):
                continue
            quotable = [(k, t) for k, t, _ in req.sentences.get(hit.passage_id, []) if not is_meta_sentence(t)]
            if not quotable:
                continue
            lexical = {k: lexical_share(focus, terms_of(t), req.term_weights, unknown) for k, t in quotable}
            best_lex = max(lexical, key=lambda k: (lexical[k], -k))
            lead = best_lex if lexical[best_lex] >= 0.5 else quotable[0][0]
            ranked = [c.k for c in usable if c.h == h and c.k != lead]
            return h, [lead] + ranked[:1]
        return None

    def _span(self, req: ComposeRequest, ranked: list[Candidate], limit: int | None = None) -> tuple[int, list[int]]:
        """The best candidate's passage, with the other candidates of that passage within the margin."""
        top = ranked[0]
        limit = limit or self.cfg.max_sentences
        picks = [top.k]
        for c in ranked[1:]:
            if len(picks) >= limit or c.score < top.score - self.cfg.margin:
                break
            if c.h == top.h and c.k not in picks:
                picks.append(c.k)
        texts = {k: t for k, t, _ in req.sentences.get(req.hits[top.h].passage_id, [])}
        rest = sorted(picks[1:])
        # keep a pointing-back sentence ("This nerve can be pinched...") readable: its antecedent goes first, and the
        # antecedent's own when it points back too ("These neurotransmitters ..." after "Massage causes them to be
        # released.", which needs "Endorphins are ..."; the fifteenth session's review), two sentences back at most
        # (the second step only after a short sentence, "Massage causes them to be released.": "It goes from the lower
        # back down the back of each leg" after "This nerve can be pinched ..." keeps its answer second; the review's
        # fourth round)
        start = top.k
        while start > 0 and _LEANS_BACK.match(texts.get(start, "")):
            start -= 1
            if (
                top.k - start >= 2
                or len(texts.get(start, "").split()) > 8
                or not _LEANS_BACK.match(texts.get(start, ""))
            ):
                break
        lead = list(range(start, top.k + 1))
        return top.h, lead + [k for k in rest if k not in lead]

    def _render(self, req: ComposeRequest, blocks: list[tuple[int, list[int]]], uncovered: list[str]) -> Composed:
        parts: list[str] = []
        citations: list[Citation] = []
        shown_notes: set[str] = set()
        for n, (h, ks) in enumerate(blocks, start=1):
            hit = req.hits[h]
            texts = {k: t for k, t, _ in req.sentences.get(hit.passage_id, [])}
            spans = _spans(hit.text, [texts[k] for k in sorted(texts)])
            # a run of neighbouring sentences is quoted as one verbatim span with one marker
            runs: list[list[int]] = []
            for k in ks:
                if runs and k == runs[-1][-1] + 1:
                    runs[-1].append(k)
                else:
                    runs.append([k])
            quoted = " ".join(f"{hit.text[spans[run[0]][0] : spans[run[-1]][1]]} [{n}]" for run in runs)
            note = hit.meta.get("evidence_note", "")
            parts.append(f"{quoted}\nWhat the evidence says: {note}" if note and note not in shown_notes else quoted)
            shown_notes.add(note)
            lo, hi = min(ks), max(ks)
            citations.append(_citation(n, hit, hit.text[spans[lo][0] : spans[hi][1]]))
        if uncovered:
            parts.append(uncovered_text(uncovered))
        return Composed("answer", "\n\n".join(parts), citations, tuple(uncovered))


def _clear_lead(ranked: list[tuple[float, int]], floor: float, margin: float) -> int | None:
    """The hit of the first of ``ranked`` (closeness, hit), if it reaches ``floor`` and leads the next by ``margin``."""
    if not ranked or ranked[0][0] < floor:
        return None
    if len(ranked) > 1 and ranked[0][0] - ranked[1][0] < margin:
        return None
    return ranked[0][1]


def _citation(n: int, hit: Hit, quote: str) -> Citation:
    return Citation(
        n=n,
        passage_id=hit.passage_id,
        article=hit.meta.get("article", ""),
        section=hit.meta.get("section", ""),
        quote=quote,
        source=hit.meta.get("source", ""),
        score=round(float(hit.dense), 4),
        passage=hit.text,
        evidence_note=hit.meta.get("evidence_note", ""),
        attribution=hit.meta.get("attribution", ""),
    )


def _spans(text: str, sentences: list[str]) -> list[tuple[int, int]]:
    """Locate each stored sentence inside its passage, in order (they are verbatim substrings)."""
    spans: list[tuple[int, int]] = []
    cursor = 0
    for sentence in sentences:
        start = text.find(sentence, cursor)
        if start < 0:
            start = text.find(sentence)
        spans.append((start, start + len(sentence)))
        cursor = start + len(sentence)
    return spans
