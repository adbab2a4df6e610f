"""The command line as a user meets it: one clear line on every mistake, never a traceback."""

import json
import os
import subprocess
import sys
from types import SimpleNamespace

import pytest

from assistant.cli import main
from helpers import SHARED_ENV, clean_env


@pytest.fixture
def run(monkeypatch, capsys):
    """Run the command line in this process (``main(argv)``), with only the given ASSISTANT_* variables set."""

    def run(args, settings=None, **env):
        for key in [k for k in os.environ if k.startswith("ASSISTANT_") and k not in SHARED_ENV]:
            monkeypatch.delenv(key)
        if settings is not None:
            env = {"ASSISTANT_DATA_DIR": str(settings.data_dir), "ASSISTANT_CORPUS_DIR": str(settings.corpus_dir), **env}
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        code = main(list(args))
        out, err = capsys.readouterr()
        return SimpleNamespace(returncode=code, stdout=out, stderr=err)

    return run


def test_the_installed_command_answers(built_settings):
    """One run through the real entry point, as a user types it; the others call main() in-process."""
    environ = clean_env()
    environ |= {"ASSISTANT_DATA_DIR": str(built_settings.data_dir), "ASSISTANT_CORPUS_DIR": str(built_settings.corpus_dir)}
    command = [sys.executable, "-m", "assistant", "ask", "--json", "Which massage techniques help with tight muscles?"]
    result = subprocess.run(command, capture_output=True, text=True, env=environ, timeout=300)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["outcome"] == "answer"


def test_ask_json_prints_the_answer_schema(built_settings, run):
    result = run(["ask", "--json", "Which massage techniques help with tight muscles?"], built_settings)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["outcome"] == "answer"
    assert data["citations"][0]["section"] == "Reduction of Tension in the Muscles"
    assert "[1]" in data["answer"] and data["disclaimer"]


def test_ask_prints_answer_sources_then_disclaimer(built_settings, run):
    result = run(["ask", "Which massage techniques help with tight muscles?"], built_settings)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.index("[1]") < out.index("Sources:") < out.index("not medical advice")
    assert "Reduction of Tension in the Muscles" in out


@pytest.mark.parametrize(
    "question, message",
    [("", "empty"), ("   ", "empty"), ("x" * 2200, "limit is 2,000"), ("bad\x07bell", "control characters")],
)
def test_bad_questions_exit_non_zero_with_one_line(question, message, tmp_path, run):
    result = run(["ask", question], ASSISTANT_DATA_DIR=str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and message in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_length_limit_comes_from_settings(tmp_path, run):
    result = run(["ask", "x" * 60], ASSISTANT_MAX_QUESTION_CHARS="50", ASSISTANT_DATA_DIR=str(tmp_path))
    assert result.returncode == 2 and "limit is 50" in result.stderr


def test_missing_index_says_how_to_build_it(tmp_path, run):
    result = run(["ask", "Does massage help?"], ASSISTANT_DATA_DIR=str(tmp_path / "nothing-here"))
    assert result.returncode == 1
    assert "sciatica-assistant index" in result.stderr and "Traceback" not in result.stderr


def test_corrupt_index_is_reported_and_left_untouched(tmp_path, run):
    chroma = tmp_path / "chroma"
    chroma.mkdir()
    garbage = b"this is not a database" * 100
    (chroma / "chroma.sqlite3").write_bytes(garbage)
    result = run(["ask", "Does massage help?"], ASSISTANT_DATA_DIR=str(tmp_path))
    assert result.returncode == 1
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr
    assert (chroma / "chroma.sqlite3").read_bytes() == garbage


def test_empty_corpus_folder_is_a_clear_error(tmp_path, run):
    (tmp_path / "corpus").mkdir()
    result = run(["index"], ASSISTANT_DATA_DIR=str(tmp_path / "data"), ASSISTANT_CORPUS_DIR=str(tmp_path / "corpus"))
    assert result.returncode == 1
    assert "no curated articles" in result.stderr and "Traceback" not in result.stderr


def test_invalid_setting_is_a_clear_error(run):
    result = run(["ask", "hello"], ASSISTANT_MAX_QUESTION_CHARS="lots")
    assert result.returncode == 1 and "max_question_chars" in result.stderr


def test_empty_disclaimer_setting_is_refused(run):
    result = run(["ask", "hello"], ASSISTANT_DISCLAIMER="  ")
    assert result.returncode == 1 and "disclaimer cannot be empty" in result.stderr
