"""The order in which candidate sentences lead an answer: a linear ranker learned from labelled questions.

The hand-weighted score (``extractive.Candidate.score``: closeness + specificity + the question's own words)
decides *whether* a question is covered and how wide the quoted span is; this module only decides *which*
close-enough sentence goes first. Its weights live in ``ranker.json`` beside this file and are written by
``python -m evals.train_ranker`` from the labelled development questions (the tuning half and the blind batches,
never the test half); README "Retrieval and answers" has the measurements. Pure: numbers in, numbers out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

RANKER_PATH = Path(__file__).with_name("ranker.json")

# What the ranker sees of one candidate sentence (all cheap; computed where the candidate is scored)
FEATURES = (
    "sim",  # best cosine of the question's readings with the sentence
    "spec",  # cosine with the question's specific part (generic "massage / sciatica" directions removed)
    "lex",  # idf-weighted share of the question's own words in the sentence
    "asked",  # cosine of the question with a curated sidecar question this sentence answers
    "top_asked",  # 1 for the sentence(s) with the closest sidecar question of all
    "dense",  # the passage's cosine with the question
    "asked_best",  # the passage's closest sidecar question
    "hit_rank",  # the passage's place in the retrieved list (0 first)
    "position",  # the sentence's number in its passage
    "opens",  # 1 for a passage's first sentence
    "position_share",  # position / (sentences in the passage - 1)
    "length",  # words / 30
    "leans_back",  # opens by pointing back ("These ...", "It ...")
    "evidence_section",  # 1 in an evidence section
    "safety_article",  # 1 in an article whose role is safety (when to get help, precautions)
)


@dataclass(frozen=True)
class SentenceRanker:
    weights: np.ndarray
    mean: np.ndarray
    scale: np.ndarray

    def scores(self, features: np.ndarray) -> np.ndarray:
        """One score per row of ``features`` (columns in FEATURES order); higher leads."""
        if not len(features):
            return np.zeros(0)
        return ((features - self.mean) / self.scale) @ self.weights

    def to_json(self, provenance: dict) -> str:
        body = {
            "features": list(FEATURES),
            "weights": [round(float(w), 6) for w in self.weights],
            "mean": [round(float(m), 6) for m in self.mean],
            "scale": [round(float(s), 6) for s in self.scale],
            **provenance,
        }
        return json.dumps(body, indent=1) + "\n"


def load_ranker(path: Path = RANKER_PATH) -> SentenceRanker:
    data = json.loads(path.read_text(encoding="utf-8"))
    if tuple(data["features"]) != FEATURES:
        raise ValueError(f"{path.name} was trained on other features; run python -m evals.train_ranker")
    return SentenceRanker(*(np.asarray(data[k], dtype=float) for k in ("weights", "mean", "scale")))


def fit_ranker(
    groups: Sequence[tuple[np.ndarray, np.ndarray]], l2: float = 1.0, epochs: int = 300, rate: float = 1.0
) -> SentenceRanker:
    """Listwise logistic ranking: for each question, a softmax over its candidates should put its mass on the
    sentences that hold the answer. ``groups``: (features, is_answer) per question with at least one answer."""
    groups = [(x, y) for x, y in groups if len(x) and y.any()]
    stacked = np.vstack([x for x, _ in groups])
    mean, scale = stacked.mean(0), stacked.std(0) + 1e-9
    w = np.zeros(stacked.shape[1])
    for _ in range(epochs):
        grad = np.zeros_like(w)
        for x, y in groups:
            z = (x - mean) / scale
            s = z @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            grad += z.T @ (p - y / y.sum())
        w -= rate * (grad + l2 * w) / len(groups)
    return SentenceRanker(w, mean, scale)


__all__ = ["FEATURES", "SentenceRanker", "load_ranker", "fit_ranker", "RANKER_PATH"]
