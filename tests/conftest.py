"""Shared fixtures: a real index built once per test session from a copy of the shipped corpus.

Everything is real: the bundled all-MiniLM-L6-v2 model, an embedded Chroma PersistentClient,
the curated articles. Tests that edit the corpus or the index use their own copies.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.offline import apply_offline_env

apply_offline_env()

from helpers import ARTIFACTS, make_settings  # noqa: E402


@pytest.fixture(scope="session")
def built_settings(tmp_path_factory):
    """Settings pointing at an index of the shipped corpus, built once for the session."""
    from assistant.indexer import index_corpus

    tmp = tmp_path_factory.mktemp("shared-index")
    settings = make_settings(tmp)
    index_corpus(settings)
    return settings


@pytest.fixture(scope="session")
def assistant(built_settings):
    from assistant.pipeline import build_assistant

    return build_assistant(built_settings)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
