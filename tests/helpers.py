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


def write_article(folder: Path, slug: str, title: str, source: str, sections: dict[str, str]) -> Path:
    """Write a curated article file the way a curator would."""
    body = "\n\n".join(f"## {heading}\n\n{text}" for heading, text in sections.items())
    path = folder / f"{slug}.md"
    path.write_text(f"---\ntitle: {title!r}\nsource: {source!r}\n---\n\n{body}\n", encoding="utf-8")
    return path


from assistant.web.background import free_port  # noqa: E402,F401  (one helper for tests, benchmarks and the server)
