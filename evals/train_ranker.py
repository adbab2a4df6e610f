"""Learn the sentence ranker (assistant/compose/ranker.json) from labelled development questions.

    python -m evals.train_ranker                 # writes assistant/compose/ranker.json, prints the check below
    python -m evals.train_ranker --check-only    # leave-one-set-out figures, writes nothing

For every covered question of the training sets (the tuning half and the blind batches; never the test half,
which stays the held-out report), the composer's candidate sentences are scored as in an answer; the ones that
hold one of the question's ``first_any`` phrases are the answers. A listwise logistic ranker
(assistant/compose/ranking.py) learns which features put them first. The check trains once per set with that set
left out and counts how often the top candidate holds the answer, against the hand score, on the left-out set.
Needs the built index and the real model (``make index``).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from assistant.compose.base import ComposeRequest
from assistant.compose.extractive import candidate_features, focus_terms, specific_part
from assistant.compose.ranking import RANKER_PATH, fit_ranker
from assistant.pipeline import build_assistant
from assistant.question import read_question
from assistant.settings import load_settings

ROOT = Path(__file__).resolve().parent
TRAINING = [ROOT / "sets" / "answers-tune.yaml", *sorted((ROOT / "heldout").glob("answers-blind-*.yaml"))]


def _squeeze(text: str) -> str:
    return " ".join(text.split()).lower()


@dataclass(frozen=True)
class Group:
    """One covered, triage-free question as the composer sees it: its candidate sentences' features, which of them
    hold the answer, the hand score, and the vectors the answer match reads (evals/train_match.py)."""

    features: np.ndarray
    answers: np.ndarray
    hand: np.ndarray
    question: np.ndarray  # the question's last reading, embedded
    sentences: np.ndarray  # each candidate's sentence vector


def question_groups(assistant, path: Path) -> list[Group]:
    """A :class:`Group` for each covered, triage-free question of one set."""
    groups = []
    composer = assistant.extractive
    for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]:
        expect = case.get("expect", {})
        if not expect.get("first_any") or expect.get("outcome") != "answer" or expect.get("triage", "none") != "none":
            continue
        # read as the pipeline reads it (the corpus's own subject words for a follow-up's context)
        reading = read_question(
            case["question"],
            case.get("history") or [],
            assistant.lexicon,
            assistant.speller,
            assistant.topic_gate,
            assistant.subjects,
        )
        vectors = assistant.embedder.embed_documents([*reading.readings, *reading.part_texts])
        rows = vectors[: len(reading.readings)]
        retriever = assistant.retriever
        hits = retriever.retrieve(reading.keywords, rows, assistant.settings.top_k, assistant.settings.dense_candidates)
        sentences = retriever.sentence_vectors([h.passage_id for h in hits])
        request = ComposeRequest(reading, vectors, hits, sentences, term_weights=retriever.term_weights)
        generic = specific_part(rows, composer.basis)[1] < composer.cfg.generic_remainder and not reading.kind
        cands = composer.candidates(
            request, rows, focus_terms(reading.corrected, reading.canonical), generic, reading.evidence
        )
        if not cands:
            continue
        texts = {(h, k): t for h, hit in enumerate(hits) for k, t, _ in sentences.get(hit.passage_id, [])}
        vecs = {(h, k): v for h, hit in enumerate(hits) for k, _, v in sentences.get(hit.passage_id, [])}
        top_asked = max(c.asked for c in cands)
        feats = [
            candidate_features(
                c, hits[c.h], c.h, texts[c.h, c.k], len(sentences.get(hits[c.h].passage_id, [])), top_asked
            )
            for c in cands
        ]
        phrases = [_squeeze(p) for p in expect["first_any"]]
        answers = [any(p in _squeeze(texts[c.h, c.k]) for p in phrases) for c in cands]
        groups.append(
            Group(
                np.array(feats),
                np.array(answers),
                np.array([c.score for c in cands]),
                rows[-1],
                np.array([vecs[c.h, c.k] for c in cands]),
            )
        )
    return groups


def _top1(groups: list[Group], scores_of) -> int:
    return sum(bool(g.answers[int(np.argmax(scores_of(g.features, g.hand)))]) for g in groups)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check-only", action="store_true", help="print the leave-one-set-out check only")
    parser.add_argument("--out", type=Path, default=RANKER_PATH)
    args = parser.parse_args(argv)

    assistant = build_assistant(load_settings().with_overrides(answer_cache_size=0, sentence_ranker="hand"))
    held = ROOT / "sets" / "answers-test.yaml"
    by_set = {p.stem: question_groups(assistant, p) for p in [*TRAINING, held]}
    report = {}
    for name, groups in by_set.items():
        train = [(g.features, g.answers) for other, gs in by_set.items() if other not in (name, held.stem) for g in gs]
        ranker = fit_ranker(train)
        hand, learned = _top1(groups, lambda x, h: h), _top1(groups, lambda x, h, r=ranker: r.scores(x))
        report[name] = {"questions": len(groups), "hand": hand, "learned": learned}
        print(
            f"{name:18s} {len(groups):3d} questions, answer first: hand {hand:3d}, learned {learned:3d}"
        )
    if args.check_only:
        return 0
    training = [(g.features, g.answers) for name, gs in by_set.items() if name != held.stem for g in gs]
    ranker = fit_ranker(training)
    provenance = {
        "trained_on": [p.relative_to(ROOT.parent).as_posix() for p in TRAINING],
        "questions": len(training),
        "left_out_check": report,
    }
    args.out.write_text(ranker.to_json(provenance), encoding="utf-8")
    print(f"wrote {args.out} ({len(training)} questions)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
