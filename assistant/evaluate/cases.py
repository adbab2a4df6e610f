"""Question sets: load, validate, and turn into :class:`Case` objects.

A set is a YAML, JSON, JSONL or CSV file (format in ``evals/README.md``). Every problem found is
reported with the file, the line and the case it belongs to, and nothing runs until all files
load cleanly: a reviewer should never get half a run from a typo.

Rows written for promptfoo (``vars`` + ``assert``) and ragas (``user_input`` ...) are recognised
row by row and mapped by :mod:`assistant.evaluate.importers`.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml

from assistant.errors import AssistantError
from assistant.schema import OUTCOMES, TRIAGE_LEVELS

SET_SUFFIXES = (".yaml", ".yml", ".json", ".jsonl", ".csv")

CASE_KEYS = ("id", "question", "history", "tags", "expect", "note")
EXPECT_KEYS = (
    "outcome",
    "triage",
    "cites_any",
    "first_any",
    "partial",
    "contains_any",
    "contains_all",
    "not_contains",
    "max_citations",
)
SET_KEYS = ("name", "description", "tags", "cases")
# CSV: flat columns; list cells are separated by "|" (or written as a JSON list).
CSV_COLUMNS = ("id", "question", "history", "tags", "note") + EXPECT_KEYS


class SetFormatError(AssistantError):
    """One or more question-set files are malformed. ``problems`` lists every one found."""

    exit_code = 2

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        head = self.problems[0] if self.problems else "invalid question set"
        more = len(self.problems) - 1
        super().__init__(head if more <= 0 else f"{head} (and {more} more problem(s))")


@dataclass(frozen=True)
class Expect:
    outcome: str | None = None
    triage: str | None = None
    cites_any: tuple[str, ...] = ()
    first_any: tuple[str, ...] = ()  # the first quoted sentence must hold one of these
    partial: bool | None = None  # True: the answer must say which part of the question is not covered
    contains_any: tuple[str, ...] = ()
    contains_all: tuple[str, ...] = ()
    not_contains: tuple[str, ...] = ()
    max_citations: int | None = None

    def to_dict(self) -> dict:
        out: dict[str, Any] = {}
        for key in EXPECT_KEYS:
            value = getattr(self, key)
            if value is None or value == ():
                continue
            out[key] = list(value) if isinstance(value, tuple) else value
        return out


@dataclass(frozen=True)
class Case:
    id: str
    question: str
    expect: Expect
    history: tuple[dict, ...] = ()
    tags: tuple[str, ...] = ()
    note: str = ""
    set_name: str = ""
    source: str = ""  # file the case came from
    line: int = 0  # line of the case in that file (1-based)
    origin: str = "native"  # native | promptfoo | ragas

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "set": self.set_name,
            "source": f"{self.source}:{self.line}",
            "origin": self.origin,
            "question": self.question,
            "history": [dict(m) for m in self.history],
            "tags": list(self.tags),
            "note": self.note,
            "expect": self.expect.to_dict(),
        }


@dataclass
class Problems:
    """Collects errors for one file, each prefixed with ``file:line: case 'id':``; ``items``
    lists them in line order."""

    path: str
    _found: list[tuple[int, int, str]] = field(default_factory=list)

    def add(self, line: int | None, case: str | None, message: str) -> None:
        where = f"{self.path}:{line}" if line else self.path
        who = f" case {case}:" if case else ""
        self._found.append((line or 0, len(self._found), f"{where}:{who} {message}"))

    @property
    def items(self) -> list[str]:
        return [text for _, _, text in sorted(self._found)]

    def clear(self) -> None:
        self._found.clear()


# --------------------------------------------------------------------------------------------
# YAML with line numbers


class LineDict(dict):
    """A mapping that remembers the line of itself and of each of its keys."""

    line: int = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.key_lines: dict[Any, int] = {}

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class _DuplicateKey(Exception):
    def __init__(self, key: Any, line: int):
        super().__init__(key, line)
        self.key, self.line = key, line


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_map(loader: _LineLoader, node: yaml.MappingNode):
    data = LineDict()
    data.line = node.start_mark.line + 1
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "found an unhashable key", key_node.start_mark
            ) from None
        if key in data:
            raise _DuplicateKey(key, key_node.start_mark.line + 1)
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = key_node.start_mark.line + 1


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)


def _yaml_load(text: str, problems: Problems) -> Any:
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except _DuplicateKey as exc:
        problems.add(exc.line, None, f"duplicate key {exc.key!r}")
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = exc.problem or exc.context or "syntax error"
        problems.add(line, None, f"not valid YAML: {what}")
    except yaml.YAMLError as exc:
        problems.add(None, None, f"not valid YAML: {exc}")
    return None


# --------------------------------------------------------------------------------------------
# field validation helpers (shared with importers)


def case_label(row: Any, index: int) -> str:
    if isinstance(row, dict) and isinstance(row.get("id"), (str, int)) and not isinstance(row.get("id"), bool):
        return repr(str(row["id"]))
    return f"#{index}"


def line_of(row: Any, key: str | None = None, default: int = 0) -> int:
    if isinstance(row, LineDict):
        return row.line_of(key) if key is not None else row.line
    return default


def as_text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def text_list(value: Any, what: str, errors: list[str]) -> tuple[str, ...]:
    """A list of non-empty strings; a single string is accepted as a one-item list."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        errors.append(f"{what!r} must be a list of strings, got {type(value).__name__}")
        return ()
    out = []
    for i, item in enumerate(value, 1):
        if isinstance(item, bool) or not isinstance(item, (str, int, float)):
            errors.append(f"{what!r} item {i} must be a string, got {type(item).__name__}")
            continue
        text = str(item).strip()
        if not text:
            errors.append(f"{what!r} item {i} is empty")
            continue
        out.append(text)
    return tuple(out)


def check_history(value: Any, errors: list[str]) -> tuple[dict, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        errors.append(f"'history' must be a list of {{role, content}}, got {type(value).__name__}")
        return ()
    out = []
    for i, msg in enumerate(value, 1):
        if not isinstance(msg, dict):
            errors.append(f"'history' item {i} must be a mapping with role and content")
            continue
        extra = sorted(str(k) for k in msg if k not in ("role", "content"))
        if extra:
            errors.append(f"'history' item {i}: unknown key {extra[0]!r} (allowed: role, content)")
        role, content = msg.get("role"), msg.get("content")
        if role not in ("user", "assistant"):
            errors.append(f"'history' item {i}: role must be 'user' or 'assistant', got {role!r}")
        if not isinstance(content, str) or not content.strip():
            errors.append(f"'history' item {i}: content must be a non-empty string")
        if role in ("user", "assistant") and isinstance(content, str) and content.strip():
            out.append({"role": role, "content": content})
    return tuple(out)


def check_expect(
    value: Any, errors: list[str], *, line_errors: list[tuple[int, str]] | None = None, require_checks: bool = True
) -> Expect:
    """Validate an ``expect`` mapping. With ``line_errors`` and a YAML mapping, each problem is
    reported at the line of the key it concerns."""
    if line_errors is not None and isinstance(value, LineDict):
        keyed: list[str] = []
        result = _check_expect(value, keyed, require_checks)
        for msg in keyed:
            key = msg.split("'", 2)[1].split(".")[-1] if msg.count("'") >= 2 else None
            line_errors.append((value.line_of(key) if key in value else value.line, msg))
        return result
    return _check_expect(value, errors, require_checks)


def _check_expect(value: Any, errors: list[str], require_checks: bool) -> Expect:
    if value is None:
        if require_checks:
            errors.append("missing 'expect' (e.g. expect: {outcome: answer, triage: none})")
        return Expect()
    if not isinstance(value, dict):
        errors.append(f"'expect' must be a mapping, got {type(value).__name__}")
        return Expect()
    if require_checks and not any(key in EXPECT_KEYS for key in value):
        errors.append("'expect' has no checks (give at least outcome or triage)")
    for key in value:
        if key not in EXPECT_KEYS:
            errors.append(f"unknown key 'expect.{key}' (allowed: {', '.join(EXPECT_KEYS)})")
    outcome = value.get("outcome")
    if outcome is not None and outcome not in OUTCOMES:
        errors.append(f"'expect.outcome' must be one of {', '.join(OUTCOMES)}, got {outcome!r}")
        outcome = None
    triage = value.get("triage")
    if triage is not None and triage not in TRIAGE_LEVELS:
        errors.append(f"'expect.triage' must be one of {', '.join(TRIAGE_LEVELS)}, got {triage!r}")
        triage = None
    partial = value.get("partial")
    if partial is not None and not isinstance(partial, bool):
        errors.append(f"'expect.partial' must be true or false, got {partial!r}")
        partial = None
    max_c = value.get("max_citations")
    if max_c is not None and (isinstance(max_c, bool) or not isinstance(max_c, int) or max_c < 0):
        errors.append(f"'expect.max_citations' must be a whole number >= 0, got {max_c!r}")
        max_c = None
    return Expect(
        outcome=outcome,
        triage=triage,
        cites_any=text_list(value.get("cites_any"), "expect.cites_any", errors),
        first_any=text_list(value.get("first_any"), "expect.first_any", errors),
        partial=partial,
        contains_any=text_list(value.get("contains_any"), "expect.contains_any", errors),
        contains_all=text_list(value.get("contains_all"), "expect.contains_all", errors),
        not_contains=text_list(value.get("not_contains"), "expect.not_contains", errors),
        max_citations=max_c,
    )


def check_id(value: Any, errors: list[str]) -> str | None:
    if value is None:
        errors.append("missing 'id'")
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        errors.append(f"'id' must be a string, got {type(value).__name__}")
        return None
    text = str(value).strip()
    if not text:
        errors.append("'id' is empty")
        return None
    return text


def check_question(value: Any, errors: list[str]) -> str | None:
    if value is None:
        errors.append("missing 'question'")
        return None
    if not isinstance(value, str):
        errors.append(f"'question' must be a string, got {type(value).__name__}")
        return None
    if not value.strip():
        errors.append("'question' is empty")
        return None
    return value


# --------------------------------------------------------------------------------------------
# one native row


def native_case(
    row: Any,
    index: int,
    *,
    set_name: str,
    source: str,
    default_line: int,
    set_tags: tuple[str, ...],
    problems: Problems,
) -> Case | None:
    label = case_label(row, index)
    line = line_of(row, None, default_line)
    if not isinstance(row, dict):
        problems.add(line, label, f"a case must be a mapping, got {type(row).__name__}")
        return None
    errors: list[str] = []  # about the case as a whole: reported at its first line
    line_errors: list[tuple[int, str]] = []  # about one key: reported at that key's line

    def at(key: str, found: list[str]) -> None:
        target = line_errors if key in row else None
        for msg in found:
            if target is None:
                errors.append(msg)
            else:
                target.append((line_of(row, key, default_line), msg))

    for key in row:
        if key not in CASE_KEYS:
            line_errors.append(
                (line_of(row, key, default_line), f"unknown key {key!r} (allowed: {', '.join(CASE_KEYS)})")
            )
    found: list[str] = []
    case_id = check_id(row.get("id"), found)
    at("id", found)
    found = []
    question = check_question(row.get("question"), found)
    at("question", found)
    found = []
    history = check_history(row.get("history"), found)
    at("history", found)
    found = []
    tags = text_list(row.get("tags"), "tags", found)
    at("tags", found)
    note = row.get("note", "")
    if not isinstance(note, str):
        at("note", [f"'note' must be a string, got {type(note).__name__}"])
        note = ""
    found = []
    expect = check_expect(row.get("expect"), found, line_errors=line_errors)
    at("expect", found)
    for ln, msg in line_errors:
        problems.add(ln, label, msg)
    for msg in errors:
        problems.add(line, label, msg)
    if errors or line_errors or case_id is None or question is None:
        return None
    return Case(
        id=case_id,
        question=question,
        expect=expect,
        history=history,
        tags=_merge_tags(set_tags, tags),
        note=note.strip(),
        set_name=set_name,
        source=source,
        line=line,
        origin="native",
    )


def _merge_tags(*groups: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for group in groups:
        for tag in group:
            seen.setdefault(tag, None)
    return tuple(seen)


# --------------------------------------------------------------------------------------------
# files


def _rows_from_structured(data: Any, problems: Problems) -> tuple[list[Any], tuple[str, ...]]:
    """Rows and set-level tags from a parsed YAML/JSON document."""
    if data is None:
        problems.add(None, None, "the file is empty: no cases")
        return [], ()
    if isinstance(data, list):
        return data, ()
    if isinstance(data, dict):
        if "tests" in data and "cases" not in data:
            # a promptfoo config with inline tests
            tests = data["tests"]
            if isinstance(tests, str):
                problems.add(
                    line_of(data, "tests"), None, "'tests' refers to another file; point eval at that file instead"
                )
                return [], ()
            if not isinstance(tests, list):
                problems.add(line_of(data, "tests"), None, "'tests' must be a list of test cases")
                return [], ()
            return tests, ()
        errors = []
        for key in data:
            if key not in SET_KEYS:
                problems.add(
                    line_of(data, key),
                    None,
                    f"unknown top-level key {key!r} (allowed: {', '.join(SET_KEYS)}; or make the file a list of cases)",
                )
        cases = data.get("cases")
        if cases is None:
            problems.add(line_of(data), None, "missing 'cases' (a list of cases)")
            return [], ()
        if not isinstance(cases, list):
            problems.add(line_of(data, "cases"), None, "'cases' must be a list of cases")
            return [], ()
        for key in ("name", "description"):
            if key in data and not isinstance(data[key], str):
                problems.add(line_of(data, key), None, f"{key!r} must be a string")
        tags = text_list(data.get("tags"), "tags", errors)
        for msg in errors:
            problems.add(line_of(data, "tags"), None, msg)
        return cases, tags
    problems.add(None, None, f"expected a list of cases, got {type(data).__name__}")
    return [], ()


def _parse_jsonl(text: str, problems: Problems) -> list[tuple[int, Any]]:
    rows = []
    for n, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        try:
            rows.append((n, json.loads(raw)))
        except json.JSONDecodeError as exc:
            problems.add(n, None, f"not valid JSON: {exc.msg} (column {exc.colno})")
    return rows


def _split_cell(cell: str) -> list[str] | str:
    cell = cell.strip()
    if cell.startswith("["):
        try:
            value = json.loads(cell)
        except json.JSONDecodeError:
            return cell
        return value
    return [part.strip() for part in cell.split("|") if part.strip()]


def _parse_csv(text: str, problems: Problems) -> tuple[list[str], list[tuple[int, dict]]]:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() if h else "" for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    rows = []
    try:
        line = reader.line_num + 1
        for row in reader:
            if None in row:
                problems.add(line, None, "more cells than columns")
                row.pop(None)
            if all(not (v or "").strip() for v in row.values()):
                line = reader.line_num + 1
                continue
            rows.append((line, row))
            line = reader.line_num + 1
    except csv.Error as exc:
        problems.add(reader.line_num, None, f"not valid CSV: {exc}")
    return header, rows


def _native_csv_row(row: dict, errors: list[str]) -> dict:
    """Turn a flat CSV row into the nested native shape (types checked later)."""
    out: dict[str, Any] = {}
    expect: dict[str, Any] = {}
    for key, raw in row.items():
        cell = (raw or "").strip()
        if not cell:
            continue
        if key in ("cites_any", "first_any", "contains_any", "contains_all", "not_contains"):
            expect[key] = _split_cell(cell)
        elif key == "partial":
            expect[key] = {"true": True, "false": False}.get(cell.lower(), cell)
        elif key in ("outcome", "triage"):
            expect[key] = cell
        elif key == "max_citations":
            try:
                expect[key] = int(cell)
            except ValueError:
                expect[key] = cell  # reported as a wrong type below
        elif key == "tags":
            out[key] = _split_cell(cell)
        elif key == "history":
            try:
                out[key] = json.loads(cell)
            except json.JSONDecodeError as exc:
                errors.append(f"'history' must be a JSON list of {{role, content}}: {exc.msg}")
        else:
            out[key] = raw if key == "question" else cell
    out["expect"] = expect
    return out


def load_file(path: Path, display: str | None = None) -> list[Case]:  # noqa: PLR0915  (to split)
    """Load one set file. Raises :class:`SetFormatError` listing every problem found."""
    from . import importers

    shown = display or str(path)
    problems = Problems(shown)
    set_name = path.stem
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SetFormatError([f"{shown}: cannot read: {exc.strerror or exc}"]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SetFormatError([f"{shown}: not UTF-8 text"]) from None
    if not text.strip():
        raise SetFormatError([f"{shown}: the file is empty: no cases"])

    suffix = path.suffix.lower()
    cases: list[Case] = []
    if suffix == ".csv":
        header, rows = _parse_csv(text, problems)
        fmt = importers.csv_format(header)
        if fmt == "native":
            for col in header:
                if col not in CSV_COLUMNS:
                    problems.add(1, None, f"unknown column {col!r} (allowed: {', '.join(CSV_COLUMNS)})")
            if "question" not in header:
                problems.add(1, None, "missing column 'question'")
        if problems.items:
            raise SetFormatError(problems.items)
        if not rows:
            raise SetFormatError([f"{shown}: no cases (only a header row)"])
        for index, (line, row) in enumerate(rows, 1):
            if fmt == "promptfoo":
                case = importers.promptfoo_csv_case(
                    row, index, set_name=set_name, source=shown, line=line, problems=problems
                )
            else:
                errors: list[str] = []
                nested = _native_csv_row(row, errors)
                for msg in errors:
                    problems.add(line, case_label(nested, index), msg)
                case = native_case(
                    nested, index, set_name=set_name, source=shown, default_line=line, set_tags=(), problems=problems
                )
            if case is not None:
                cases.append(case)
    else:
        if suffix == ".jsonl":
            numbered = _parse_jsonl(text, problems)
            set_tags: tuple[str, ...] = ()
        elif suffix in (".yaml", ".yml", ".json"):
            data = _yaml_load(text, problems)  # JSON is YAML; this also gives line numbers
            if problems.items and suffix == ".json":
                problems.clear()
                try:  # e.g. tab-indented JSON, which YAML rejects: no line numbers then
                    data = json.loads(text)
                except json.JSONDecodeError as exc:
                    problems.add(exc.lineno, None, f"not valid JSON: {exc.msg}")
            if problems.items:
                raise SetFormatError(problems.items)
            rows, set_tags = _rows_from_structured(data, problems)
            numbered = [(line_of(r, None, 0), r) for r in rows]
        else:
            raise SetFormatError([f"{shown}: unsupported file type {suffix!r} (use one of {', '.join(SET_SUFFIXES)})"])
        if problems.items:
            raise SetFormatError(problems.items)
        if not numbered:
            raise SetFormatError([f"{shown}: the file is empty: no cases"])
        for index, (line, row) in enumerate(numbered, 1):
            kind = importers.row_format(row)
            if kind == "promptfoo":
                case = importers.promptfoo_case(
                    row, index, set_name=set_name, source=shown, line=line, problems=problems
                )
            elif kind == "ragas":
                case = importers.ragas_case(row, index, set_name=set_name, source=shown, line=line, problems=problems)
            else:
                case = native_case(
                    row, index, set_name=set_name, source=shown, default_line=line, set_tags=set_tags, problems=problems
                )
            if case is not None:
                cases.append(case)

    _check_duplicates(cases, problems)
    if problems.items:
        raise SetFormatError(problems.items)
    return cases


def _check_duplicates(cases: list[Case], problems: Problems) -> None:
    seen: dict[str, Case] = {}
    for case in cases:
        first = seen.get(case.id)
        if first is not None:
            problems.add(case.line, repr(case.id), f"duplicate id (first used at {first.source}:{first.line})")
        else:
            seen[case.id] = case


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """Expand folders into their set files (sorted, not recursive); keep files as given."""
    files: list[Path] = []
    problems: list[str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                p
                for p in path.iterdir()
                if p.is_file() and p.suffix.lower() in SET_SUFFIXES and not p.name.startswith(".")
            )
            if not found:
                problems.append(f"{path}: no question-set files ({', '.join(SET_SUFFIXES)}) in this folder")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            problems.append(f"{path}: no such file or folder")
    if problems:
        raise SetFormatError(problems)
    unique: dict[Path, None] = {}
    for f in files:
        unique.setdefault(f.resolve(), None)
    return [Path(p) for p in unique] if len(unique) != len(files) else files


def load_sets(paths: Iterable[str | Path]) -> list[Case]:
    """Load every set under ``paths``; all problems in all files are reported together."""
    files = discover(paths)
    problems: list[str] = []
    cases: list[Case] = []
    for path in files:
        try:
            cases.extend(load_file(path, _display(path)))
        except SetFormatError as exc:
            problems.extend(exc.problems)
    if not problems:
        seen: dict[str, Case] = {}
        for case in cases:
            first = seen.get(case.id)
            if first is not None:
                problems.append(
                    f"{case.source}:{case.line}: case {case.id!r}: duplicate id "
                    f"(first used at {first.source}:{first.line})"
                )
            else:
                seen[case.id] = case
    if problems:
        raise SetFormatError(problems)
    return cases


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
