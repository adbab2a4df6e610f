"""Thumbs up/down, kept in a local JSON-lines file only when ``settings.feedback_enabled``.

A record holds the time (UTC, to the minute), the rating, the question, the answer's outcome,
its text and the cited passage ids. No IP address, user agent, cookie or session id.
"""

from __future__ import annotations

import json
import threading
from datetime import datetime, timezone
from pathlib import Path


class FeedbackStore:
    def __init__(self, path: Path, enabled: bool):
        self.path = Path(path)
        self.enabled = enabled
        self._lock = threading.Lock()

    def record(self, *, liked: bool, question: str, outcome: str, answer: str, passage_ids: list[str]) -> bool:
        """Append one record; returns False (and stores nothing) when feedback is disabled."""
        if not self.enabled:
            return False
        entry = {
            "time": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%MZ"),
            "rating": "up" if liked else "down",
            "question": question,
            "outcome": outcome,
            "answer": answer,
            "passage_ids": list(passage_ids),
        }
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(line)
        return True
