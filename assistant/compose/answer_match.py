"""How well a sentence answers a question, learned from labelled questions: a bilinear match on the MiniLM vectors
the composer already has (no second model, no extra embedding).

    match(q, s) = scale * (q . s) + (s U) . (q V)

``q`` is the question's last reading (for a follow-up, the one read after the previous question), ``s`` a candidate
sentence's vector from the index. ``scale`` keeps plain closeness in play for sentences no labelled question ever
reached (a clinic's own articles); the low-rank ``U`` and ``V`` learn which way a question leans towards which kind
of sentence ("is there some chemical thing going on" towards the endorphins sentence rather than "Side effects
were minor."). The composer adds the match, standardised over a question's candidates and weighted by
``Settings.match_weight``, to the linear ranker's score (ranking.py) when it orders the close-enough sentences;
whether a question is covered at all is decided without it.

The weights live in ``answer_match.npz`` beside this file, written by ``python -m evals.train_match`` from the
labelled development questions (the tuning half and the blind batches, never the test half); README "Retrieval and
answers" has the measurements. Pure: numbers in, numbers out.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MATCH_PATH = Path(__file__).with_name("answer_match.npz")


@dataclass(frozen=True)
class AnswerMatch:
    scale: float
    u: np.ndarray  # (dim, rank)
    v: np.ndarray  # (dim, rank)

    def scores(self, question: np.ndarray, sentences: np.ndarray) -> np.ndarray:
        """One score per row of ``sentences`` (n, dim) for the question vector ``question`` (dim,); higher answers."""
        if not len(sentences):
            return np.zeros(0)
        return self.scale * (sentences @ question) + (sentences @ self.u) @ (self.v.T @ question)

    def standardised(self, question: np.ndarray, sentences: np.ndarray) -> np.ndarray:
        """The scores as standard deviations from the mean of these candidates (zeros for fewer than two)."""
        raw = self.scores(question, sentences)
        if len(raw) < 2:
            return np.zeros(len(raw))
        return (raw - raw.mean()) / (raw.std() + 1e-6)

    def to_bytes(self, provenance: dict) -> bytes:
        out = io.BytesIO()
        np.savez_compressed(
            out,
            scale=np.float32(self.scale),
            u=self.u.astype(np.float32),
            v=self.v.astype(np.float32),
            provenance=np.array(json.dumps(provenance, sort_keys=True)),
        )
        return out.getvalue()


def load_match(path: Path = MATCH_PATH, dim: int | None = None) -> AnswerMatch:
    """The trained match; ``dim`` (the embedder's width) is checked when given."""
    with np.load(path, allow_pickle=False) as data:
        match = AnswerMatch(float(data["scale"]), data["u"].astype(np.float64), data["v"].astype(np.float64))
    if match.u.shape != match.v.shape:
        raise ValueError(
            f"{path.name} is damaged (U {match.u.shape}, V {match.v.shape}); run python -m evals.train_match"
        )
    if dim is not None and match.u.shape[0] != dim:
        raise ValueError(
            f"{path.name} was trained for {match.u.shape[0]}-wide vectors, not {dim}; run python -m evals.train_match"
            " for this embedder, or set match_weight = 0"
        )
    return match


def provenance(path: Path = MATCH_PATH) -> dict:
    """What the shipped match was trained on, and the check made when it was."""
    with np.load(path, allow_pickle=False) as data:
        return json.loads(str(data["provenance"]))


__all__ = ["AnswerMatch", "MATCH_PATH", "load_match", "provenance"]
