"""Shared fixtures: a real index built once per test session from a copy of the shipped corpus.

Everything is real: the bundled all-MiniLM-L6-v2 model, an embedded Chroma PersistentClient,
the curated articles. Tests that edit the corpus or the index use their own copies.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from assistant.offline import apply_offline_env

apply_offline_env()

from helpers import ARTIFACTS, make_settings  # noqa: E402


# The fast lane (`make test-fast`) runs what needs no model, browser or server: tests using these fixtures, and
# these modules, carry the `integration` marker and run only in `make test`.
INTEGRATION_FIXTURES = {"built_settings", "assistant", "app_server", "http", "client", "browser", "web_settings",
                        "clinic", "chroma_server"}
INTEGRATION_MODULES = {"test_web_browser", "test_chroma_server", "test_reindex_kill", "test_medquad_slice",
                       "test_eval_e2e", "test_cli", "test_index", "test_eval_gate"}


def pytest_configure(config):
    # one ONNX export for the whole run (every own-index test would otherwise write its own 90 MB copy: 2.8 GB
    # at once filled a CI disk); a folder the developer set is kept and reused, ours is removed at the end
    if not os.environ.get("ASSISTANT_ONNX_DIR"):
        config._shared_onnx = tempfile.mkdtemp(prefix="assistant-tests-onnx-")
        os.environ["ASSISTANT_ONNX_DIR"] = str(Path(config._shared_onnx) / "onnx")
    config.addinivalue_line(
        "markers", "generative: runs the real SmolLM2 (the [generative] extra) for generated answers; make test runs it"
    )


def pytest_unconfigure(config):
    folder = getattr(config, "_shared_onnx", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if INTEGRATION_FIXTURES & set(getattr(item, "fixturenames", ())) or item.module.__name__ in INTEGRATION_MODULES:
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def built_settings(tmp_path_factory):
    """Settings pointing at an index of the shipped corpus, built once for the session."""
    from assistant.ingest.build import index_corpus

    tmp = tmp_path_factory.mktemp("shared-index")
    settings = make_settings(tmp)
    index_corpus(settings)
    return settings


@pytest.fixture(scope="session")
def assistant(built_settings):
    from assistant.pipeline import build_assistant

    return build_assistant(built_settings)


@pytest.fixture(scope="module")
def server(assistant, web_settings):
    """The real web app on the session's assistant, in a uvicorn thread; each web test module defines
    ``web_settings``."""
    from assistant.web.app import create_app
    from assistant.web.background import BackgroundServer

    with BackgroundServer(create_app(web_settings, assistant)) as srv:
        yield srv


@pytest.fixture(scope="module")
def http(server):
    import httpx

    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
