"""Question-set loading: formats, imports, and errors that name the file, line and case."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from assistant.evaluate.cases import SetFormatError, load_file, load_sets


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def problems(path_or_paths) -> list[str]:
    paths = path_or_paths if isinstance(path_or_paths, list) else [path_or_paths]
    with pytest.raises(SetFormatError) as info:
        load_sets(paths)
    return info.value.problems


GOOD_YAML = """
name: demo
tags: [demo]
cases:
  - id: q1
    question: Why does massage help a tight lower back?
    tags: [tension]
    expect:
      outcome: answer
      triage: none
      cites_any: ["tight muscles"]
      max_citations: 3
  - id: q2
    question: And does it help circulation?
    history:
      - {role: user, content: "Why does massage help a tight lower back?"}
      - {role: assistant, content: "It eases tension."}
    expect: {outcome: answer}
"""


def test_yaml_set_loads_with_defaults_and_set_tags(tmp_path):
    cases = load_file(write(tmp_path, "demo.yaml", GOOD_YAML))
    assert [c.id for c in cases] == ["q1", "q2"]
    q1, q2 = cases
    assert q1.set_name == "demo" and q1.line == 4
    assert q1.tags == ("demo", "tension")
    assert q1.expect.outcome == "answer" and q1.expect.triage == "none"
    assert q1.expect.cites_any == ("tight muscles",) and q1.expect.max_citations == 3
    assert q2.expect.triage is None  # not given: not checked
    assert q2.history[0] == {"role": "user", "content": "Why does massage help a tight lower back?"}


def test_top_level_list_and_jsonl_and_csv(tmp_path):
    y = write(tmp_path, "a.yaml", """
    - id: a1
      question: What is sciatica?
      expect: {outcome: answer, cites_any: [sciatic nerve]}
    """)
    j = write(tmp_path, "b.jsonl", """
    {"id": "b1", "question": "Is ice better than heat?", "expect": {"outcome": "not_covered", "triage": "none"}}

    {"id": "b2", "question": "q?", "tags": ["x"], "expect": {"outcome": "answer"}}
    """)
    c = write(tmp_path, "c.csv", """
    id,question,tags,outcome,triage,cites_any,not_contains,max_citations,history
    c1,"Does it help, really?",core|csv,answer,none,tight muscles|tension,cure,2,
    c2,Follow up?,,answer,,,,,"[{""role"": ""user"", ""content"": ""hi""}]"
    """)
    cases = load_sets([y, j, c])
    by_id = {x.id: x for x in cases}
    assert sorted(by_id) == ["a1", "b1", "b2", "c1", "c2"]
    assert by_id["b2"].line == 3
    assert by_id["c1"].question == "Does it help, really?"
    assert by_id["c1"].tags == ("core", "csv")
    assert by_id["c1"].expect.cites_any == ("tight muscles", "tension")
    assert by_id["c1"].expect.max_citations == 2
    assert by_id["c2"].history == ({"role": "user", "content": "hi"},)
    assert by_id["c2"].line == 3


def test_json_file_even_with_tabs(tmp_path):
    path = write(tmp_path, "t.json", '{\n\t"cases": [\n\t\t{"id": "j", "question": "q?", "expect": {"outcome": "answer"}}\n\t]\n}\n')
    assert [c.id for c in load_file(path)] == ["j"]
    bad = write(tmp_path, "b.json", '[{"id": "j",}\n')
    assert "b.json:" in problems(bad)[0]


def test_folder_is_expanded_sorted(tmp_path):
    write(tmp_path, "b.yaml", '- {id: b, question: "q?", expect: {outcome: answer}}\n')
    write(tmp_path, "a.jsonl", '{"id": "a", "question": "q?", "expect": {"outcome": "answer"}}\n')
    write(tmp_path, "notes.txt", "ignored")
    assert [c.id for c in load_sets([tmp_path])] == ["a", "b"]


def test_bad_yaml_names_file_and_line(tmp_path):
    path = write(tmp_path, "bad.yaml", """
    - id: x
      question: "unterminated
      expect: {outcome: answer}
    """)
    (msg,) = problems(path)
    assert "bad.yaml:" in msg and "not valid YAML" in msg


def test_missing_question_names_case(tmp_path):
    path = write(tmp_path, "m.yaml", """
    - id: ok
      question: fine?
      expect: {outcome: answer}
    - id: no-question
      expect: {outcome: answer}
    """)
    (msg,) = problems(path)
    assert "m.yaml:4" in msg and "'no-question'" in msg and "missing 'question'" in msg


def test_wrong_types_are_reported_per_case(tmp_path):
    path = write(tmp_path, "t.yaml", """
    - id: t1
      question: 42
      expect: {outcome: answer}
    - id: t2
      question: ok?
      tags: nope-not-a-list-but-fine
      expect: {outcome: maybe, triage: severe, max_citations: two, cites_any: {a: b}}
    - id: t3
      question: ok?
      history: [{role: doctor, content: hi}]
      expect: {outcome: answer}
    """)
    found = problems(path)
    text = "\n".join(found)
    assert "t.yaml:2: case 't1': 'question' must be a string, got int" in text
    assert "t.yaml:7: case 't2': 'expect.outcome' must be one of" in text
    assert "case 't2': 'expect.triage' must be one of" in text
    assert "case 't2': 'expect.max_citations' must be a whole number" in text
    assert "case 't2': 'expect.cites_any' must be a list of strings" in text
    assert "t.yaml:10: case 't3': 'history' item 1: role must be 'user' or 'assistant'" in text
    assert found == sorted(found, key=lambda p: int(p.split(":")[1]))  # in line order


def test_duplicate_ids_within_and_across_files(tmp_path):
    one = write(tmp_path, "one.yaml", """
    - {id: dup, question: "a?", expect: {outcome: answer}}
    - {id: dup, question: "b?", expect: {outcome: answer}}
    """)
    (msg,) = problems(one)
    assert "one.yaml:2: case 'dup': duplicate id (first used at" in msg and "one.yaml:1" in msg

    a = write(tmp_path, "a.yaml", '- {id: same, question: "a?", expect: {outcome: answer}}\n')
    b = write(tmp_path, "b.yaml", '- {id: same, question: "b?", expect: {outcome: answer}}\n')
    (msg,) = problems([a, b])
    assert "b.yaml:1: case 'same': duplicate id" in msg and "a.yaml:1" in msg


@pytest.mark.parametrize("text", ["", "   \n", "# only a comment\n", "[]\n", "cases: []\n"])
def test_empty_file(tmp_path, text):
    path = tmp_path / "empty.yaml"
    path.write_text(text, encoding="utf-8")
    (msg,) = problems(path)
    assert "empty.yaml" in msg and ("empty" in msg or "no cases" in msg)


def test_empty_csv_and_jsonl(tmp_path):
    assert "no cases" in problems(write(tmp_path, "h.csv", "id,question,outcome\n"))[0]
    assert "empty" in problems(write(tmp_path, "e.jsonl", "\n\n"))[0]


def test_unknown_keys_name_file_line_and_key(tmp_path):
    path = write(tmp_path, "u.yaml", """
    cases:
      - id: u1
        question: ok?
        expcet: {outcome: answer}
      - id: u2
        question: ok?
        expect:
          outcome: answer
          cite_any: [x]
    """)
    found = problems(path)
    assert any("u.yaml:4: case 'u1': unknown key 'expcet'" in p for p in found)
    assert any("u.yaml:9: case 'u2': unknown key 'expect.cite_any'" in p for p in found)
    # a top-level typo and a CSV column typo too
    top = write(tmp_path, "top.yaml", 'name: x\ncase:\n  - {id: a, question: "q?", expect: {outcome: answer}}\n')
    assert any("top.yaml:2:" in p and "unknown top-level key 'case'" in p for p in problems(top))
    csv_path = write(tmp_path, "col.csv", "id,question,outcome,expected\nx,q?,answer,1\n")
    assert any("col.csv:1:" in p and "unknown column 'expected'" in p for p in problems(csv_path))


def test_duplicate_yaml_key_is_an_error(tmp_path):
    path = write(tmp_path, "k.yaml", """
    - id: k
      question: one?
      question: two?
      expect: {outcome: answer}
    """)
    (msg,) = problems(path)
    assert "k.yaml:3" in msg and "duplicate key 'question'" in msg


def test_bad_json_line_and_missing_expect(tmp_path):
    path = write(tmp_path, "j.jsonl", """
    {"id": "j1", "question": "q?", "expect": {"outcome": "answer"}}
    {"id": "j2", "question": "q?" "expect": {}}
    {"id": "j3", "question": "q?"}
    """)
    found = problems(path)
    assert any(p.startswith(f"{path}:2:") or ":2: not valid JSON" in p for p in found)
    # the broken line stops parsing problems from being hidden: every problem is listed
    path2 = write(tmp_path, "j2.jsonl", '{"id": "j3", "question": "q?"}\n{"id": "j4", "question": "q?", "expect": {}}\n')
    found = problems(path2)
    assert "missing 'expect'" in found[0] and "'expect' has no checks" in found[1]


def test_every_problem_across_files_is_listed(tmp_path):
    a = write(tmp_path, "a.yaml", "- {id: a, expect: {outcome: answer}}\n")
    b = write(tmp_path, "b.yaml", '- {id: b, question: "q?", expect: {outcome: nope}}\n')
    found = problems([a, b])
    assert len(found) == 2 and "a.yaml" in found[0] and "b.yaml" in found[1]


def test_missing_path(tmp_path):
    assert "no such file or folder" in problems(tmp_path / "nope.yaml")[0]


# ---------------------------------------------------------------------------------- imports


def test_promptfoo_yaml_import(tmp_path):
    path = write(tmp_path, "pf.yaml", """
    - description: heat or ice
      vars:
        query: Should I use heat or ice?
      assert:
        - type: icontains
          value: not covered
        - type: not-icontains
          value: ice is better
        - type: icontains-any
          value: [clinician, doctor]
      metadata: {id: pf-heat, tags: [imported], outcome: not_covered, triage: none}
    - vars: {question: "What is sciatica?"}
      assert: [{type: contains, value: nerve}]
    """)
    cases = load_file(path)
    heat, second = cases
    assert heat.id == "pf-heat" and heat.origin == "promptfoo"
    assert heat.question == "Should I use heat or ice?"
    assert heat.expect.contains_all == ("not covered",)
    assert heat.expect.not_contains == ("ice is better",)
    assert heat.expect.contains_any == ("clinician", "doctor")
    assert heat.expect.outcome == "not_covered" and heat.expect.triage == "none"
    assert heat.tags == ("imported",) and heat.note == "heat or ice"
    assert second.id == "pf-002" and second.expect.contains_all == ("nerve",)
    assert second.expect.outcome is None


def test_promptfoo_config_with_inline_tests_and_unsupported_assertion(tmp_path):
    path = write(tmp_path, "promptfooconfig.yaml", """
    tests:
      - vars: {question: "q?"}
        assert:
          - type: llm-rubric
            value: is kind
    """)
    (msg,) = problems(path)
    assert "promptfooconfig.yaml:4" in msg and "'llm-rubric' cannot be checked offline" in msg


def test_promptfoo_csv_import(tmp_path):
    path = write(tmp_path, "pf.csv", """
    question,__expected1,__expected2,__description,__metadata:id
    How does massage ease pain?,icontains: endorphins,not-icontains: cure,pain q,pf-pain
    """)
    (case,) = load_file(path)
    assert case.id == "pf-pain" and case.origin == "promptfoo"
    assert case.expect.contains_all == ("endorphins",) and case.expect.not_contains == ("cure",)


def test_ragas_jsonl_import(tmp_path):
    path = write(tmp_path, "ragas.jsonl", """
    {"user_input": "How does massage help blood flow?", "reference_contexts": ["oxygen and nutrients"], "reference": "It improves circulation.", "response": "old answer", "retrieved_contexts": []}
    {"user_input": [{"type": "human", "content": "What is sciatica?"}, {"type": "ai", "content": "Nerve pain."}, {"type": "human", "content": "What pinches it?"}], "reference_contexts": ["bone spur"]}
    """)
    first, multi = load_file(path)
    assert first.id == "ragas-001" and first.origin == "ragas"
    assert first.expect.outcome == "answer" and first.expect.cites_any == ("oxygen and nutrients",)
    assert multi.question == "What pinches it?"
    assert multi.history == ({"role": "user", "content": "What is sciatica?"},
                             {"role": "assistant", "content": "Nerve pain."})


def test_ragas_unknown_key(tmp_path):
    path = write(tmp_path, "r.jsonl", '{"user_input": "q?", "contexts": ["x"]}\n')
    (msg,) = problems(path)
    assert "r.jsonl:1" in msg and "unknown ragas key 'contexts'" in msg


def test_shipped_examples_and_sets_load():
    root = Path(__file__).resolve().parent.parent / "evals"
    for folder in (root / "examples", root / "sets"):
        if folder.is_dir() and any(folder.iterdir()):
            assert load_sets([folder])


def test_messages_name_types_in_users_words(tmp_path):
    path = write(tmp_path, "w.yaml", """
    - id: w1
      question: ok?
      tags: [fine, {a: 1}]
      history: ["hello", {role: user}]
      expect: {outcome: answer, cites_any: {a: b}, contains_all: [x, null]}
    - {id: w2, question: "ok?", expect: {outcome: null}}
    """)
    found = problems(path)
    text = "\n".join(found)
    assert "case 'w1': 'tags' item 2 must be a string, got mapping" in text
    assert "case 'w1': 'history' item 1 must be a mapping with role and content, got str" in text
    assert "case 'w1': 'history' item 2: missing 'content'" in text
    assert "case 'w1': 'expect.cites_any' must be a list of strings, got mapping" in text
    assert "case 'w1': 'expect.contains_all' item 2 must be a string, got null" in text
    assert "w.yaml:6: case 'w2': 'expect' has no checks" in text  # outcome: null checks nothing


def test_cases_are_typed_models():
    from pydantic import ValidationError

    from assistant.evaluate.cases import Case, Expect

    expect = Expect(outcome="answer", cites_any=("a",))
    case = Case(id="x", question="q?", expect=expect)
    assert case.expect.outcome == "answer" and case.origin == "native"
    with pytest.raises(ValidationError):
        Expect(outcome="maybe")
    with pytest.raises(ValidationError):
        case.id = "y"  # frozen


def test_importers_do_not_import_the_loader():
    import subprocess
    import sys

    code = "import sys, assistant.evaluate.importers; print('assistant.evaluate.cases' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parent.parent)
    assert out.stdout.strip() == "False"
