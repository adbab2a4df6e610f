"""The shipped question sets, run end to end with the CI thresholds: a regression fails the build.

This is exactly what a reviewer runs (`sciatica-assistant eval evals/sets/ --fail-under ...`),
against the session's real index; the thresholds live in evals/ci-gate.txt.
"""

import shlex
from pathlib import Path

from assistant.cli import main

ROOT = Path(__file__).resolve().parent.parent


def gate_arguments() -> list[str]:
    lines = (ROOT / "evals" / "ci-gate.txt").read_text().splitlines()
    return [arg for line in lines if line.strip() and not line.startswith("#") for arg in shlex.split(line)]


def test_shipped_sets_meet_the_ci_thresholds(built_settings, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(built_settings.data_dir))
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(built_settings.corpus_dir))
    code = main(["eval", str(ROOT / "evals" / "sets"), "--report", str(tmp_path / "report"), "--no-progress", *gate_arguments()])
    out = capsys.readouterr()
    assert code == 0, out.out[-4000:] + out.err[-2000:]
    assert (tmp_path / "report" / "report.html").is_file()
    assert (tmp_path / "report" / "junit.xml").is_file()
