"""Learn the answer match (assistant/compose/answer_match.npz) from labelled development questions.

    python -m evals.train_match                 # writes assistant/compose/answer_match.npz, prints the check below
    python -m evals.train_match --check-only    # the forward check only, writes nothing

For every covered question of the training sets (the tuning half and the blind batches; never the test half), the
composer's candidate sentences are gathered as in an answer (evals/train_ranker.py); the ones holding one of the
question's ``first_any`` phrases are the answers. A bilinear match between the question's vector and each
sentence's vector (answer_match.py) is fitted with a listwise softmax loss.

The check is forward in time, the way the match meets new writers: it is trained only on the sets written before
blind batch ``--split`` (24) and scored on the batches from there on and on the test half, and it prints how often
the first candidate holds the answer for the shipped linear ranker alone and for the ranker plus the match at several
weights. The shipped ranker was trained on those later batches, so the comparison favours the ranker alone.
Needs the built index and the real model (``make index``) and torch (a development dependency, installed by
``make install``).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import numpy as np

from assistant.compose.answer_match import MATCH_PATH, AnswerMatch
from assistant.compose.ranking import load_ranker
from assistant.pipeline import build_assistant
from assistant.settings import load_settings

from .train_ranker import ROOT, TRAINING, Group, question_groups

RANK, L2, EPOCHS, RATE, SEED = 32, 1e-3, 30, 1e-3, 0
WEIGHTS = (0.0, 1.0, 2.0, 3.0, 5.0, 10.0)


def fit_match(
    groups: list[Group], rank: int = RANK, l2: float = L2, epochs: int = EPOCHS, seed: int = SEED, rate: float = RATE
) -> AnswerMatch:
    """Listwise: for each question, a softmax over its candidates' match should put its mass on the answers."""
    import torch

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    groups = [g for g in groups if len(g.answers) and g.answers.any()]
    if not groups:
        raise ValueError("no labelled question has its answer among the candidates: nothing to learn from")
    dim = groups[0].question.shape[0]
    u = torch.nn.Parameter(torch.randn(dim, rank, dtype=torch.float64) * 0.01)
    v = torch.nn.Parameter(torch.randn(dim, rank, dtype=torch.float64) * 0.01)
    scale = torch.nn.Parameter(torch.tensor(10.0, dtype=torch.float64))
    optimiser = torch.optim.Adam([u, v, scale], lr=rate)
    data = [
        (
            torch.from_numpy(g.question.astype(np.float64)),
            torch.from_numpy(g.sentences.astype(np.float64)),
            torch.from_numpy(g.answers / g.answers.sum()),
        )
        for g in groups
    ]
    for _ in range(epochs):
        for i in rng.permutation(len(data)):
            q, s, target = data[i]
            logits = scale * (s @ q) + (s @ u) @ (v.T @ q)
            loss = -(torch.log_softmax(logits, 0) * target).sum() + l2 * (u.pow(2).sum() + v.pow(2).sum())
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    return AnswerMatch(float(scale.detach()), u.detach().numpy().copy(), v.detach().numpy().copy())


def _batch(name: str) -> int:
    found = re.search(r"-(\d+)$", name)
    return int(found.group(1)) if found and "blind" in name else -1


def _first_right(groups: list[Group], ranker, match: AnswerMatch | None, weight: float) -> int:
    right = 0
    for g in groups:
        order = ranker.scores(g.features)
        if match is not None and weight:
            order = order + weight * match.standardised(g.question, g.sentences)
        right += bool(g.answers[int(np.argmax(order))])
    return right


def forward_check(by_set: dict[str, list[Group]], held: str, split: int) -> dict:
    ranker = load_ranker()
    train = [g for name, gs in by_set.items() if name != held and _batch(name) < split for g in gs]
    later = {name: gs for name, gs in by_set.items() if name == held or _batch(name) >= split}
    match = fit_match(train)
    report: dict = {"trained_on_questions": len(train), "split": split, "weights": list(WEIGHTS), "sets": {}}
    for name, gs in sorted(later.items(), key=lambda kv: (_batch(kv[0]), kv[0])):
        row = [_first_right(gs, ranker, match, w) for w in WEIGHTS]
        report["sets"][name] = {"questions": len(gs), "first_right": row}
        print(f"{name:18s} {len(gs):3d} questions, answer first at weights {WEIGHTS}: {row}")
    totals = [sum(r["first_right"][i] for r in report["sets"].values()) for i in range(len(WEIGHTS))]
    report["total"] = {"questions": sum(r["questions"] for r in report["sets"].values()), "first_right": totals}
    print(f"{'together':18s} {report['total']['questions']:3d} questions: {totals}")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check-only", action="store_true", help="print the forward check only")
    parser.add_argument("--split", type=int, default=24, help="the check trains on the sets written before this batch")
    parser.add_argument("--out", type=Path, default=MATCH_PATH)
    parser.add_argument(
        "--train-before", type=int, default=0, help="train the written match only on the sets written before this batch"
    )
    args = parser.parse_args(argv)

    assistant = build_assistant(load_settings().with_overrides(answer_cache_size=0, sentence_ranker="hand"))
    held = ROOT / "sets" / "answers-test.yaml"
    by_set = {p.stem: question_groups(assistant, p) for p in [*TRAINING, held]}
    report = forward_check(by_set, held.stem, args.split)
    if args.check_only:
        return 0
    training = [
        g
        for name, gs in by_set.items()
        if name != held.stem and (not args.train_before or _batch(name) < args.train_before)
        for g in gs
    ]
    match = fit_match(training)
    provenance = {
        "trained_on": [
            p.relative_to(ROOT.parent).as_posix()
            for p in TRAINING
            if not args.train_before or _batch(p.stem) < args.train_before
        ],
        "questions": len(training),
        "rank": RANK,
        "l2": L2,
        "epochs": EPOCHS,
        "seed": SEED,
        "forward_check": report,
    }
    args.out.write_bytes(match.to_bytes(provenance))
    print(f"wrote {args.out} ({len(training)} questions)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
