"""One end-to-end run of a small set in-process against the real assistant (real model, real index)."""

from __future__ import annotations

import argparse
import io
import json

from assistant.evaluate import command

SET = """
cases:
  - id: e2e-causes
    question: "What sorts of things can squash the big nerve that runs into the leg?"
    expect: {outcome: answer, triage: none, cites_any: ["herniated disc", "bone spur"]}
  - id: e2e-circulation
    question: "What does massage bring to the affected area by improving circulation in sciatica?"
    expect: {outcome: answer, triage: none, cites_any: ["oxygen and nutrients"]}
  - id: e2e-follow-up
    question: "And how does that help the nerve?"
    history:
      - {role: user, content: "What does massage do for blood flow?"}
      - {role: assistant, content: "Massage enhances blood circulation by bringing oxygen and nutrients to the afflicted areas."}
    expect: {triage: none}
  - id: e2e-heat-ice
    question: "For a sciatica flare-up, should I reach for a heat pad or a bag of frozen peas?"
    expect: {triage: none}
"""


def test_eval_in_process_against_the_real_assistant(built_settings, assistant, tmp_path):
    set_path = tmp_path / "e2e.yaml"
    set_path.write_text(SET, encoding="utf-8")
    parser = argparse.ArgumentParser()
    command.register(parser.add_subparsers())
    args = parser.parse_args(["eval", str(set_path), "--report", str(tmp_path / "out"),
                              "--fail-under", "citation_validity=1,disclaimer_presence=1",
                              "--fail-over", "errors=0", "--no-progress"])
    out = io.StringIO()
    code = command.run(args, built_settings, stdout=out, stderr=io.StringIO())
    doc = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    assert code == 0, out.getvalue()
    overall = doc["metrics"]["overall"]
    assert overall["errors"] == 0 and overall["citation_validity"] == 1.0
    assert overall["disclaimer_presence"] == 1.0 and overall["citations"] > 0
    assert doc["run"]["backend"] == "in-process"
    by_id = {c["id"]: c for c in doc["cases"]}
    # the pipeline's quality is measured by the shipped sets; here one stable case must pass
    assert by_id["e2e-causes"]["status"] == "pass", by_id["e2e-causes"]["reasons"]

    # what is evaluated is what is served: the runner's answer equals the pipeline's own
    for case in doc["cases"]:
        served = assistant.ask(case["question"], case["history"]).to_dict()
        evaluated = dict(case["answer"])
        served.pop("timings_ms"), evaluated.pop("timings_ms")
        assert evaluated == served, case["id"]
    assert (tmp_path / "out" / "report.html").is_file() and (tmp_path / "out" / "junit.xml").is_file()
