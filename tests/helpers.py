"""Helpers the tests share (importable as ``helpers``; fixtures live in conftest.py)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus" / "curated"
ARTIFACTS = ROOT / "test-artifacts"


# conftest points this at one folder for the whole run, so the ONNX model is exported once (about 90 MB and
# seconds of torch each) rather than into every test's own data dir; a run with it set already reuses that export
SHARED_ENV = ("ASSISTANT_ONNX_DIR",)


def clean_env() -> dict[str, str]:
    """The environment without the developer's ASSISTANT_* settings (the tests' shared ONNX folder stays)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_") or k in SHARED_ENV}


def make_settings(tmp: Path, corpus: Path | None = None, **overrides):
    from assistant.settings import load_settings

    settings = load_settings(env=clean_env())
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
