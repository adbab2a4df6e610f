"""The eval command end to end with a fake backend: outputs, exit codes, crashes, HTML escaping,
JUnit XML, --compare, and --url without importing torch. No model, no index."""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from assistant.evaluate import command
from assistant.evaluate.compare import compare_documents, format_compare
from assistant.evaluate.junit import to_junit
from assistant.schema import Answer, Citation, Triage

ROOT = Path(__file__).resolve().parent.parent
QUOTE = "Massage enhances blood circulation by bringing oxygen and nutrients to the afflicted areas."
PASSAGE = QUOTE + " This increased blood flow facilitates the clearance of pollutants."


def make_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text(f"---\ntitle: A\n---\n\n## Circulation\n\n{PASSAGE}\n<b>tag</b> & more.\n",
                                 encoding="utf-8")
    return corpus


class Settings:
    """Stands in for assistant.settings.Settings: the runner only reads corpus_dir here."""

    def __init__(self, corpus_dir):
        self.corpus_dir = corpus_dir


class FakeBackend:
    name = "fake"

    def __init__(self, replies: dict):
        self.replies = replies
        self.calls: list[tuple[str, list]] = []

    def ask(self, question, history):
        self.calls.append((question, history))
        reply = self.replies[question]
        if isinstance(reply, Exception):
            raise reply
        return reply


def good_answer(question: str, outcome="answer", level="none", text=None) -> dict:
    cites = [Citation(n=1, passage_id="a::circ::0", article="A <i>", section="Circulation",
                      quote=QUOTE, source="a.md", score=0.7, passage=PASSAGE)] if outcome == "answer" else []
    return Answer(question=question, answer=text if text is not None else QUOTE + " [1]",
                  outcome=outcome, citations=cites, triage=Triage(level=level),
                  disclaimer="General information only.",
                  timings_ms={"retrieve": 3.0, "total": 9.0}).to_dict()


SET = """
- id: pass-1
  question: "Does massage help blood flow?"
  tags: [circ]
  expect: {outcome: answer, triage: none, cites_any: [oxygen and nutrients]}
- id: crash-1
  question: "This one crashes"
  expect: {outcome: answer}
- id: fail-1
  question: "<script>alert('q')</script> heat or ice?"
  history:
    - {role: user, content: "<img src=x onerror=alert(1)>"}
    - {role: assistant, content: "ok"}
  expect: {outcome: not_covered, triage: none}
- id: pass-2
  question: "Is ice better?"
  expect: {outcome: not_covered, triage: none}
"""


def replies():
    return {
        "Does massage help blood flow?": good_answer("Does massage help blood flow?"),
        "This one crashes": RuntimeError("the index went away\nsecond line"),
        "<script>alert('q')</script> heat or ice?": good_answer(
            "x", text="<script>alert('a')</script> answer"),
        "Is ice better?": good_answer("Is ice better?", outcome="not_covered", text="Not covered."),
    }


def args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    command.register(sub)
    return parser.parse_args(["eval", *argv])


@pytest.fixture()
def run_set(tmp_path):
    corpus = make_corpus(tmp_path)
    set_path = tmp_path / "demo.yaml"
    set_path.write_text(textwrap.dedent(SET), encoding="utf-8")

    def run(*extra: str, backend=None):
        out, err = io.StringIO(), io.StringIO()
        backend = backend or FakeBackend(replies())
        code = command.run(args(str(set_path), "--report", str(tmp_path / "out"), *extra),
                           Settings(corpus), stdout=out, stderr=err, backend=backend)
        return code, out.getvalue(), err.getvalue(), tmp_path / "out", backend

    return run


def test_register_adds_eval_with_func():
    ns = args("evals/sets/", "--fail-under", "pass_rate=0.9")
    assert ns.func is command.run and ns.paths == ["evals/sets/"] and ns.fail_under == ["pass_rate=0.9"]


def test_run_writes_outputs_and_continues_after_a_crash(run_set):
    code, out, err, report, backend = run_set()
    assert code == 0  # no thresholds given
    assert len(backend.calls) == 4  # the crash did not stop the run
    assert backend.calls[2][1] == [{"role": "user", "content": "<img src=x onerror=alert(1)>"},
                                   {"role": "assistant", "content": "ok"}]
    doc = json.loads((report / "results.json").read_text(encoding="utf-8"))
    by_id = {c["id"]: c for c in doc["cases"]}
    assert by_id["pass-1"]["status"] == "pass" and by_id["pass-2"]["status"] == "pass"
    assert by_id["fail-1"]["status"] == "fail"
    assert by_id["crash-1"]["status"] == "error"
    assert by_id["crash-1"]["error"] == "RuntimeError: the index went away"
    assert "Traceback" in by_id["crash-1"]["traceback"]
    assert [c["id"] for c in doc["cases"]] == sorted(by_id)  # sorted, deterministic
    assert doc["metrics"]["overall"]["pass_rate"] == 0.5
    assert doc["metrics"]["by_tag"]["circ"]["hit@1"] == 1.0
    assert doc["run"]["backend"] == "fake" and doc["run"]["corpus_files"] == ["a.md"]
    assert "ERROR crash-1: RuntimeError: the index went away" in out
    assert "eval: 4 cases from 1 set(s): 2 passed, 1 failed, 1 errors" in out
    assert "eval: 4/4 cases" in err  # progress on stderr (not a tty: milestone lines)
    assert (report / "report.html").is_file() and (report / "junit.xml").is_file()


def test_results_are_deterministic_apart_from_the_run_header(run_set):
    first = json.loads((run_set()[3] / "results.json").read_text())
    second = json.loads((run_set()[3] / "results.json").read_text())
    for doc in (first, second):
        doc["run"].pop("started")
        for case in doc["cases"]:
            case.pop("wall_ms")
            case.pop("traceback", None)
        for group in [doc["metrics"]["overall"], *doc["metrics"]["by_set"].values(),
                      *doc["metrics"]["by_tag"].values()]:
            for key in [k for k in group if k.startswith("latency_p") and k.endswith("_wall")]:
                group.pop(key)
    assert first == second


def test_thresholds_set_the_exit_code(run_set):
    code, out, *_ = run_set("--fail-under", "pass_rate=0.5,citation_validity=1",
                            "--fail-over", "false_alarm_rate=0")
    assert code == 0 and "ok     pass_rate >= 0.5" in out
    code, out, *_ = run_set("--fail-under", "pass_rate=0.95", "--fail-under", "demo:hit@1=1")
    assert code == 1 and "MISSED pass_rate >= 0.95  (actual 0.5)" in out
    doc = json.loads((run_set("--fail-under", "pass_rate=0.95")[3] / "results.json").read_text())
    assert doc["summary"]["status"] == "fail"


def test_bad_threshold_or_unknown_scope_runs_nothing(run_set):
    for spec, message in (("pass_rat=0.9", "unknown metric 'pass_rat'"),
                          ("nosuchset:pass_rate=1", "no set named 'nosuchset'"),
                          ("tag:nosuchtag:pass_rate=1", "no case has the tag 'nosuchtag'")):
        code, out, err, _, backend = run_set("--fail-under", spec)
        assert code == 2 and backend.calls == [] and message in err


def test_malformed_set_runs_nothing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("- id: x\n  question: 3\n  expect: {outcome: answer}\n", encoding="utf-8")
    backend = FakeBackend({})
    err = io.StringIO()
    code = command.run(args(str(bad)), Settings(make_corpus(tmp_path)), stdout=io.StringIO(),
                       stderr=err, backend=backend)
    assert code == 2 and backend.calls == []
    assert "bad.yaml:2: case 'x': 'question' must be a string, got int" in err.getvalue()
    assert "nothing was run" in err.getvalue()


def test_tag_and_case_filters(run_set):
    *_, backend = run_set("--tag", "circ")
    assert [q for q, _ in backend.calls] == ["Does massage help blood flow?"]
    *_, backend = run_set("--case", "pass-*")
    assert len(backend.calls) == 2


def test_html_report_escapes_everything(run_set):
    report = run_set()[3]
    html = (report / "report.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "<img src=x" not in html and "A <i>" not in html
    assert "&lt;script&gt;alert(&#39;q&#39;)&lt;/script&gt;" in html  # markupsafe writes ' as &#39;
    assert "&lt;script&gt;alert(&#39;a&#39;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "Content-Security-Policy" in html and "http://" not in html and "https://" not in html
    # failures and errors come before passes
    assert html.index("case-crash-1") < html.index("case-fail-1") < html.index("case-pass-1")


def test_junit_is_well_formed(run_set):
    report = run_set("--fail-under", "pass_rate=0.9")[3]
    root = ET.parse(report / "junit.xml").getroot()
    assert root.tag == "testsuites"
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    demo = suites["demo"]
    assert (demo.get("tests"), demo.get("failures"), demo.get("errors")) == ("4", "1", "1")
    cases = {c.get("name"): c for c in demo.findall("testcase")}
    assert cases["fail-1"].find("failure") is not None
    assert cases["crash-1"].find("error").get("message") == "RuntimeError: the index went away"
    assert cases["pass-1"].find("failure") is None
    assert "<script>" in cases["fail-1"].find("system-out").text  # escaped in XML, intact as text
    assert suites["thresholds"].find("testcase/failure") is not None


def test_junit_drops_characters_xml_forbids():
    doc = {"cases": [{"id": "x\x01", "set": "s", "status": "fail", "reasons": ["bad\x0b"],
                      "question": "q\x00", "expect": {}, "answer": None, "wall_ms": 1.0}],
           "summary": {"thresholds": []}}
    ET.fromstring(to_junit(doc).split("\n", 1)[1])


def _doc(statuses: dict, metrics=None) -> dict:
    cases = [{"id": cid, "set": "s", "status": st, "reasons": [] if st == "pass" else [f"{cid} broke"],
              "answer": {"outcome": "answer", "triage": {"level": "none"}, "answer": cid + st,
                         "citations": []}} for cid, st in statuses.items()]
    return {"run": {"started": "t"}, "cases": cases,
            "metrics": {"overall": metrics or {"pass_rate": 0.5, "mrr": 0.5}}}


def test_compare_orders_newly_failing_first():
    old = _doc({"a": "pass", "b": "fail", "c": "pass", "d": "fail", "gone": "pass", "z": "pass"},
               {"pass_rate": 0.5, "mrr": 0.5, "latency_p50_total": 10.0})
    new = _doc({"a": "fail", "b": "pass", "c": "pass", "d": "error", "new": "fail", "z": "error"},
               {"pass_rate": 0.4, "mrr": 0.6, "latency_p50_total": 12.0})
    result = compare_documents(old, new)
    s = result["sections"]
    assert [r["id"] for r in s["newly_failing"]] == ["a", "z"]
    assert [r["id"] for r in s["newly_passing"]] == ["b"]
    assert [r["id"] for r in s["still_failing"]] == ["d"]
    assert [r["id"] for r in s["added"]] == ["new"] and [r["id"] for r in s["removed"]] == ["gone"]
    assert result["regressed"] is True
    text = format_compare(result)
    order = [text.index(h) for h in ("NEWLY FAILING", "Still not passing", "Added", "Removed", "Newly passing")]
    assert order == sorted(order)
    assert "pass_rate" in text and "(-10.0 pts)" in text and "(+0.100)" in text


def test_compare_command(tmp_path, run_set):
    report = run_set()[3]
    old = tmp_path / "old.json"
    old.write_text((report / "results.json").read_text())
    out = io.StringIO()
    code = command.run(args("--compare", str(old), str(report)), None, stdout=out, stderr=io.StringIO())
    assert code == 0 and "No case changed status or answer." in out.getvalue()
    err = io.StringIO()
    code = command.run(args("--compare", str(old), str(tmp_path / "missing.json")), None,
                       stdout=io.StringIO(), stderr=err)
    assert code == 2 and "no such results file" in err.getvalue()


def test_shipped_sets_and_examples_validate():
    out = io.StringIO()
    ns = args(str(ROOT / "evals" / "sets"), str(ROOT / "evals" / "examples"), "--check")
    assert command.run(ns, None, stdout=out, stderr=io.StringIO()) == 0
    count = int(out.getvalue().split()[1])
    assert count >= 120


URL_SCRIPT = r"""
import json, sys, threading, io
from http.server import BaseHTTPRequestHandler, HTTPServer
from assistant.schema import Answer, Citation, Triage

QUOTE = %(quote)r

class H(BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if body["question"].startswith("bad"):
            data, code = {"error": "question too long"}, 400
        else:
            a = Answer(question=body["question"], answer="ok", outcome="answer",
                       citations=[Citation(1, "p", "A", "S", QUOTE, "a.md", 0.5, QUOTE)],
                       disclaimer="d", triage=Triage())
            data, code = a.to_dict(), 200
        raw = json.dumps(data).encode()
        self.send_response(code); self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw))); self.end_headers(); self.wfile.write(raw)

srv = HTTPServer(("127.0.0.1", 0), H)
threading.Thread(target=srv.serve_forever, daemon=True).start()
from assistant.evaluate.__main__ import main
code = main([sys.argv[1], "--url", f"http://127.0.0.1:{srv.server_port}", "--report", sys.argv[2],
             "--no-progress"])
heavy = [m for m in ("torch", "sentence_transformers", "gradio", "chromadb", "langchain_core") if m in sys.modules]
print(json.dumps({"code": code, "heavy": heavy}))
"""


def test_url_mode_uses_http_and_never_imports_torch(tmp_path):
    corpus = make_corpus(tmp_path)
    set_path = tmp_path / "u.jsonl"
    set_path.write_text(
        '{"id": "u1", "question": "good?", "expect": {"outcome": "answer", "cites_any": ["oxygen"]}}\n'
        '{"id": "u2", "question": "bad one", "expect": {"outcome": "answer"}}\n', encoding="utf-8")
    script = tmp_path / "url_check.py"
    script.write_text(URL_SCRIPT % {"quote": QUOTE}, encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "ASSISTANT_CORPUS_DIR": str(corpus), "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, str(script), str(set_path), str(tmp_path / "out")],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result == {"code": 0, "heavy": []}
    doc = json.loads((tmp_path / "out" / "results.json").read_text())
    by_id = {c["id"]: c for c in doc["cases"]}
    assert by_id["u1"]["status"] == "pass"
    assert by_id["u2"]["status"] == "error" and "HTTP 400" in by_id["u2"]["error"]
    assert "question too long" in by_id["u2"]["error"]
    assert doc["run"]["backend"].startswith("http://127.0.0.1:")


def test_url_mode_unreachable_server(tmp_path):
    set_path = tmp_path / "u.yaml"
    set_path.write_text('- {id: a, question: "q?", expect: {outcome: answer}}\n', encoding="utf-8")
    err = io.StringIO()
    code = command.run(args(str(set_path), "--url", "http://127.0.0.1:9", "--report", str(tmp_path / "o"),
                            "--no-progress"), Settings(make_corpus(tmp_path)), stdout=io.StringIO(), stderr=err)
    assert code == 1 and "cannot reach http://127.0.0.1:9/api/ask" in err.getvalue()


def test_answer_mode_generative_without_a_model_is_a_clear_error(capsys):
    from assistant.evaluate.__main__ import main

    code = main(["evals/sets/core.yaml", "--answer-mode", "generative", "--no-progress"])
    assert code != 0
    assert "needs llm set to" in capsys.readouterr().err
