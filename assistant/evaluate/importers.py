"""Bring existing sets along: promptfoo test rows and ragas samples become :class:`Case` objects.

promptfoo (https://promptfoo.dev/docs/configuration/test-cases): a row has ``vars`` and
``assert``. The question is ``vars.question`` (or ``query`` / ``input`` / ``prompt`` /
``user_input``, or the only var). Deterministic text assertions map onto ``expect``:

    icontains / contains           -> contains_all   (every such assertion must hold)
    icontains-any / contains-any   -> contains_any
    icontains-all / contains-all   -> contains_all
    not-icontains / not-contains   -> not_contains

All matching here is case-insensitive. Model-graded or code assertions (``llm-rubric``,
``javascript`` ...) cannot run offline and are reported as errors rather than skipped silently.
``metadata.id``, ``metadata.tags``, ``metadata.outcome`` and ``metadata.triage`` are honoured.

ragas (``SingleTurnSample`` / ``MultiTurnSample`` rows, e.g. from ``EvaluationDataset.to_jsonl``):
``user_input`` is the question (or, for multi-turn, a list of ``{type: human|ai, content}``
messages whose last human message is the question); ``reference_contexts`` become ``cites_any``
(the expected passage text must appear in a cited passage); the expected outcome is ``answer``.
Run-time fields (``response``, ``retrieved_contexts`` ...) and ``reference`` are accepted and
ignored: judging a free-text reference needs a model, which this runner does not use.
"""

from __future__ import annotations

from typing import Any

from .models import (
    Case,
    Expect,
    Problems,
    as_text,
    case_label,
    check_expect,
    check_history,
    line_of,
    text_list,
)

PROMPTFOO_ROW_KEYS = ("description", "vars", "assert", "metadata", "options", "threshold")
PROMPTFOO_ASSERT_KEYS = ("type", "value", "metric", "weight")
QUESTION_VARS = ("question", "query", "input", "prompt", "user_input")
RAGAS_KEYS = (
    "user_input",
    "reference_contexts",
    "reference",
    "response",
    "retrieved_contexts",
    "multi_responses",
    "rubrics",
    "reference_context_ids",
    "retrieved_context_ids",
    "reference_tool_calls",
    "id",
    "tags",
)

_ASSERT_MAP = {
    "icontains": "contains_all",
    "contains": "contains_all",
    "icontains-all": "contains_all",
    "contains-all": "contains_all",
    "icontains-any": "contains_any",
    "contains-any": "contains_any",
    "not-icontains": "not_contains",
    "not-contains": "not_contains",
}


def row_format(row: Any) -> str:
    if isinstance(row, dict):
        if "vars" in row and "question" not in row:
            return "promptfoo"
        if "user_input" in row and "question" not in row:
            return "ragas"
    return "native"


def csv_format(header: list[str]) -> str:
    return "promptfoo" if any(h.startswith("__") for h in header) else "native"


def _unknown(row: dict, allowed: tuple[str, ...], problems: Problems, label: str, line: int, what: str) -> bool:
    bad = False
    for key in row:
        if key not in allowed:
            problems.add(line_of(row, key, line), label, f"unknown {what} key {key!r} (allowed: {', '.join(allowed)})")
            bad = True
    return bad


def _pick_question(vars_: dict, errors: list[str]) -> str | None:
    for name in QUESTION_VARS:
        if name in vars_:
            value = vars_[name]
            break
    else:
        candidates = [k for k in vars_ if k != "history"]
        if len(candidates) != 1:
            errors.append("cannot tell which var is the question: name it one of " + ", ".join(QUESTION_VARS))
            return None
        value = vars_[candidates[0]]
    if not isinstance(value, str) or not value.strip():
        errors.append("the question var must be a non-empty string")
        return None
    return value


def _apply_asserts(
    asserts: Any, expect: dict[str, list], errors: list[str], line_errors: list[tuple[int, str]], line: int
) -> None:
    if asserts is None:
        return
    if isinstance(asserts, dict):
        asserts = [asserts]
    if not isinstance(asserts, list):
        errors.append("'assert' must be a list of assertions")
        return
    for i, item in enumerate(asserts, 1):
        if not isinstance(item, dict):
            errors.append(f"assertion {i} must be a mapping with type and value")
            continue
        for key in item:
            if key not in PROMPTFOO_ASSERT_KEYS:
                line_errors.append(
                    (
                        line_of(item, key, line),
                        f"assertion {i}: unknown key {key!r} (allowed: {', '.join(PROMPTFOO_ASSERT_KEYS)})",
                    )
                )
        kind = item.get("type")
        target = _ASSERT_MAP.get(kind) if isinstance(kind, str) else None
        if target is None:
            line_errors.append(
                (
                    line_of(item, "type", line),
                    f"assertion {i}: type {kind!r} cannot be checked offline "
                    f"(supported: {', '.join(sorted(_ASSERT_MAP))})",
                )
            )
            continue
        value = item.get("value")
        if str(kind).endswith(("-any", "-all")):
            values = text_list(value, f"assert[{i}].value", errors)
        elif isinstance(value, str) and value.strip():
            values = (value.strip(),)
        else:
            errors.append(f"assertion {i} ({kind}): 'value' must be a non-empty string")
            continue
        if target == "contains_any" and expect["contains_any"]:
            errors.append(f"assertion {i}: only one contains-any assertion per test is supported")
            continue
        expect[target].extend(values)


def _finish(expect_lists: dict[str, list], extra: dict, errors: list[str]) -> Expect:
    raw = {k: v for k, v in expect_lists.items() if v}
    raw.update({k: v for k, v in extra.items() if v is not None})
    return check_expect(raw, errors)


def promptfoo_case(row: dict, index: int, *, set_name: str, source: str, line: int, problems: Problems) -> Case | None:
    raw_meta = row.get("metadata")
    meta: dict = raw_meta if isinstance(raw_meta, dict) else {}
    label = repr(str(meta["id"])) if isinstance(meta.get("id"), (str, int)) else f"#{index}"
    errors: list[str] = []
    line_errors: list[tuple[int, str]] = []
    _unknown(row, PROMPTFOO_ROW_KEYS, problems, label, line, "promptfoo test")
    if "metadata" in row and not isinstance(row["metadata"], dict):
        errors.append("'metadata' must be a mapping")
    vars_ = row.get("vars")
    question = None
    history: tuple[dict, ...] = ()
    if not isinstance(vars_, dict):
        errors.append("'vars' must be a mapping holding the question")
    else:
        question = _pick_question(vars_, errors)
        history = check_history(vars_.get("history"), errors)
    expect_lists: dict[str, list] = {"contains_any": [], "contains_all": [], "not_contains": []}
    _apply_asserts(row.get("assert"), expect_lists, errors, line_errors, line)
    expect = _finish(expect_lists, {"outcome": meta.get("outcome"), "triage": meta.get("triage")}, errors)
    tags = text_list(meta.get("tags"), "metadata.tags", errors)
    case_id = str(meta["id"]).strip() if isinstance(meta.get("id"), (str, int)) else f"{set_name}-{index:03d}"
    description = row.get("description", "")
    if not isinstance(description, str):
        errors.append("'description' must be a string")
        description = ""
    for ln, msg in line_errors:
        problems.add(ln, label, msg)
    for msg in errors:
        problems.add(line, label, msg)
    if errors or line_errors or question is None:
        return None
    return Case(
        id=case_id,
        question=question,
        expect=expect,
        history=history,
        tags=tags,
        note=description.strip(),
        set_name=set_name,
        source=source,
        line=line,
        origin="promptfoo",
    )


def promptfoo_csv_case(
    row: dict, index: int, *, set_name: str, source: str, line: int, problems: Problems
) -> Case | None:
    """A promptfoo CSV row: columns are vars, ``__expected*`` hold ``type: value`` assertions."""
    vars_: dict[str, Any] = {}
    asserts: list[dict] = []
    meta: dict[str, Any] = {}
    description = ""
    errors: list[str] = []
    for key, raw in row.items():
        cell = (raw or "").strip()
        if key.startswith("__expected"):
            if not cell:
                continue
            kind, sep, value = cell.partition(":")
            if not sep:
                errors.append(f"{key}: untyped assertion {cell!r} (write e.g. 'icontains: text')")
                continue
            asserts.append({"type": kind.strip(), "value": value.strip()})
        elif key == "__description":
            description = cell
        elif key.startswith("__metadata:"):
            name = key[len("__metadata:") :]
            if name == "tags[]":
                meta["tags"] = [t.strip() for t in cell.split(",") if t.strip()]
            elif cell:
                meta[name] = cell
        elif key.startswith("__"):
            errors.append(f"unsupported promptfoo column {key!r}")
        else:
            vars_[key] = raw or ""
    label = repr(meta["id"]) if "id" in meta else f"#{index}"
    for msg in errors:
        problems.add(line, label, msg)
    if errors:
        return None
    test = {"vars": vars_, "assert": asserts, "metadata": meta}
    if description:
        test["description"] = description
    return promptfoo_case(test, index, set_name=set_name, source=source, line=line, problems=problems)


def _ragas_messages(value: list, errors: list[str]) -> tuple[str | None, tuple[dict, ...]]:
    turns = []
    for i, msg in enumerate(value, 1):
        if not isinstance(msg, dict) or not isinstance(msg.get("content"), str):
            errors.append(f"'user_input' message {i} must have a string 'content'")
            return None, ()
        kind = msg.get("type", msg.get("role"))
        if kind in ("human", "user"):
            turns.append({"role": "user", "content": msg["content"]})
        elif kind in ("ai", "assistant"):
            turns.append({"role": "assistant", "content": msg["content"]})
        else:
            errors.append(f"'user_input' message {i}: type must be human or ai, got {kind!r}")
            return None, ()
    if not turns or turns[-1]["role"] != "user":
        errors.append("'user_input' must end with a human message (the question)")
        return None, ()
    return turns[-1]["content"], tuple(turns[:-1])


def ragas_case(row: dict, index: int, *, set_name: str, source: str, line: int, problems: Problems) -> Case | None:
    label = case_label(row, index)
    errors: list[str] = []
    _unknown(row, RAGAS_KEYS, problems, label, line, "ragas")
    raw_q = row.get("user_input")
    question: str | None
    history: tuple[dict, ...] = ()
    if isinstance(raw_q, list):
        question, history = _ragas_messages(raw_q, errors)
    else:
        question = as_text(raw_q)
        if question is None or not question.strip():
            errors.append("'user_input' must be a non-empty string (or a list of messages)")
            question = None
    contexts = text_list(row.get("reference_contexts"), "reference_contexts", errors)
    tags = text_list(row.get("tags"), "tags", errors)
    case_id = (
        str(row["id"]).strip()
        if isinstance(row.get("id"), (str, int)) and not isinstance(row.get("id"), bool)
        else f"{set_name}-{index:03d}"
    )
    expect = Expect(outcome="answer", cites_any=contexts)
    for msg in errors:
        problems.add(line, label, msg)
    if errors or question is None:
        return None
    return Case(
        id=case_id,
        question=question,
        expect=expect,
        history=history,
        tags=tags,
        set_name=set_name,
        source=source,
        line=line,
        origin="ragas",
    )
