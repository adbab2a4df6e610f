"""A bounded cache of whole answers, keyed by the normalised question, the conversation and the served
index generation.

The pipeline is deterministic: the same question, history, settings and index give the same answer, so a
repeated question (a clinic's widget gets the same few questions all day) can skip embedding and retrieval.
A re-index changes the generation and so every key. Answers come back as copies: a caller may not change
the cached one. Hits and misses are counted for /healthz and the benchmarks.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from typing import Hashable, Sequence

from .schema import Answer


def cache_key(question: str, turns: Sequence[dict], generation: str) -> Hashable:
    """Case and spacing do not change an answer; everything else (punctuation, history) may."""
    fold = lambda text: " ".join(str(text).split()).casefold()  # noqa: E731
    return fold(question), tuple((t.get("role", ""), fold(t.get("content", ""))) for t in turns), generation


class AnswerCache:
    def __init__(self, size: int):
        self.size = size
        self.hits = 0
        self.misses = 0
        self._items: OrderedDict[Hashable, Answer] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Answer | None:
        with self._lock:
            answer = self._items.get(key)
            if answer is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
        return copy.deepcopy(answer)

    def put(self, key: Hashable, answer: Answer) -> None:
        stored = copy.deepcopy(answer)
        with self._lock:
            self._items[key] = stored
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def stats(self) -> dict[str, int]:
        with self._lock:
            return {"size": len(self._items), "capacity": self.size, "hits": self.hits, "misses": self.misses}
