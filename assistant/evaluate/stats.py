"""The one percentile used by the evaluation and the benchmarks.

Nearest-rank (no interpolation): the value at 1-based rank ``ceil(p / 100 * n)`` of the sorted
values. Deterministic, always one of the measured values, and p50 of an even count is the lower
middle value rather than the mean of the two. Kept free of other imports so ``evals/`` scripts can
use it without loading the pipeline.
"""

from __future__ import annotations

import math
from typing import Iterable


def percentile(values: Iterable[float], p: float) -> float | None:
    """The ``p``-th percentile (0 < p <= 100) of ``values`` by nearest rank; None when empty."""
    ordered = sorted(values)
    if not ordered:
        return None
    if not 0 <= p <= 100:
        raise ValueError(f"percentile must be between 0 and 100, got {p!r}")
    # round() first: 95 / 100 * 20 is 19.000000000000004 in floating point, and ceil would make it 20
    rank = math.ceil(round(p * len(ordered) / 100, 9))
    return ordered[min(len(ordered), max(1, rank)) - 1]
