"""Helpers the tests share (importable as ``helpers``; fixtures live in conftest.py)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus" / "curated"
ARTIFACTS = ROOT / "test-artifacts"


def make_settings(tmp: Path, corpus: Path | None = None, **overrides):
    from assistant.settings import load_settings

    settings = load_settings(env={k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")})
    return settings.with_overrides(corpus_dir=corpus or CORPUS, data_dir=tmp / "data", **overrides)


def copy_corpus(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for path in CORPUS.iterdir():
        if path.is_file():
            shutil.copy2(path, dest / path.name)
    return dest
