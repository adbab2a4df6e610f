"""Question sets: read the files, validate every row, and turn them into :class:`Case` objects.

A set is a YAML, JSON, JSONL or CSV file (format in ``evals/README.md``). Every problem found is
reported with the file, the line and the case it belongs to, and nothing runs until all files
load cleanly: a reviewer should never get half a run from a typo.

The rows are validated by the pydantic models in :mod:`.models` (which also says what each error
means in users' words); this module finds the rows and their lines. Rows written for promptfoo
(``vars`` + ``assert``) and ragas (``user_input`` ...) are recognised row by row and mapped by
:mod:`.importers`.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import yaml

from . import importers
from .models import (
    CASE_KEYS,
    EXPECT_KEYS,
    SET_KEYS,
    Case,
    CaseRow,
    Expect,
    LineDict,
    Problems,
    SetDocument,
    SetFormatError,
    case_label,
    kind,
    line_of,
    validate_row,
)

SET_SUFFIXES = (".yaml", ".yml", ".json", ".jsonl", ".csv")
# CSV: flat columns; list cells are separated by "|" (or written as a JSON list).
CSV_COLUMNS = ("id", "question", "history", "tags", "note") + EXPECT_KEYS
CSV_LIST_COLUMNS = ("cites_any", "first_any", "contains_any", "contains_all", "not_contains")

__all__ = [
    "CASE_KEYS",
    "CSV_COLUMNS",
    "EXPECT_KEYS",
    "SET_KEYS",
    "SET_SUFFIXES",
    "Case",
    "Expect",
    "SetFormatError",
    "discover",
    "load_file",
    "load_sets",
    "native_case",
]


@dataclass(frozen=True)
class SetFile:
    """Where rows come from: the set's name and the file as messages show it."""

    name: str
    shown: str


Numbered = list[tuple[int, Any]]  # (line, row)


# --------------------------------------------------------------------------------------------
# YAML with line numbers


class _DuplicateKey(Exception):
    def __init__(self, key: Any, line: int):
        super().__init__(key, line)
        self.key, self.line = key, line


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_map(loader: _LineLoader, node: yaml.MappingNode) -> Iterable[LineDict]:
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


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)  # type: ignore[arg-type]


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
    """Validate one native row (a :class:`CaseRow`); report its problems; the case, or None."""
    label = case_label(row, index)
    line = line_of(row, None, default_line)
    if not isinstance(row, dict):
        problems.add(line, label, f"a case must be a mapping, got {kind(row)}")
        return None
    parsed, errors = validate_row(row, CaseRow, default_line)
    for at, message in errors:
        problems.add(at, label, message)
    if not isinstance(parsed, CaseRow):
        return None
    return parsed.to_case(set_name=set_name, source=source, line=line, set_tags=set_tags)


def _case_from_row(row: Any, index: int, line: int, where: SetFile, set_tags: tuple[str, ...], problems: Problems):
    kind_ = importers.row_format(row)
    if kind_ == "promptfoo":
        return importers.promptfoo_case(
            row, index, set_name=where.name, source=where.shown, line=line, problems=problems
        )
    if kind_ == "ragas":
        return importers.ragas_case(row, index, set_name=where.name, source=where.shown, line=line, problems=problems)
    return native_case(
        row, index, set_name=where.name, source=where.shown, default_line=line, set_tags=set_tags, problems=problems
    )


# --------------------------------------------------------------------------------------------
# YAML / JSON / JSONL


def _rows_from_structured(data: Any, problems: Problems) -> tuple[list[Any], tuple[str, ...]]:
    """Rows and set-level tags from a parsed YAML/JSON document."""
    if data is None:
        problems.add(None, None, "the file is empty: no cases")
        return [], ()
    if isinstance(data, list):
        return data, ()
    if not isinstance(data, dict):
        problems.add(None, None, f"expected a list of cases, got {kind(data)}")
        return [], ()
    if "tests" in data and "cases" not in data:
        return _promptfoo_tests(data, problems), ()
    document, errors = validate_row(data, SetDocument, line_of(data))
    for at, message in errors:
        problems.add(at, None, message)
    if not isinstance(document, SetDocument):
        return [], ()
    return document.cases, document.tags


def _promptfoo_tests(data: dict, problems: Problems) -> list[Any]:
    """A promptfoo config with inline tests."""
    tests = data["tests"]
    if isinstance(tests, str):
        problems.add(line_of(data, "tests"), None, "'tests' refers to another file; point eval at that file instead")
        return []
    if not isinstance(tests, list):
        problems.add(line_of(data, "tests"), None, "'tests' must be a list of test cases")
        return []
    return tests


def _parse_jsonl(text: str, problems: Problems) -> Numbered:
    rows = []
    for n, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        try:
            rows.append((n, json.loads(raw)))
        except json.JSONDecodeError as exc:
            problems.add(n, None, f"not valid JSON: {exc.msg} (column {exc.colno})")
    return rows


def _parse_structured(text: str, suffix: str, problems: Problems) -> tuple[Numbered, tuple[str, ...]]:
    """Rows with their lines and the set's tags from a YAML or JSON file."""
    data = _yaml_load(text, problems)  # JSON is YAML; this also gives line numbers
    if problems.items and suffix == ".json":
        problems.clear()
        try:  # e.g. tab-indented JSON, which YAML rejects: no line numbers then
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            problems.add(exc.lineno, None, f"not valid JSON: {exc.msg}")
    problems.raise_if_any()
    rows, set_tags = _rows_from_structured(data, problems)
    return [(line_of(r, None, 0), r) for r in rows], set_tags


def _load_rows(numbered: Numbered, set_tags: tuple[str, ...], where: SetFile, problems: Problems) -> list[Case]:
    problems.raise_if_any()
    if not numbered:
        raise SetFormatError([f"{where.shown}: the file is empty: no cases"])
    cases = []
    for index, (line, row) in enumerate(numbered, 1):
        case = _case_from_row(row, index, line, where, set_tags, problems)
        if case is not None:
            cases.append(case)
    return cases


# --------------------------------------------------------------------------------------------
# CSV


def _split_cell(cell: str) -> Any:
    cell = cell.strip()
    if cell.startswith("["):
        try:
            return json.loads(cell)
        except json.JSONDecodeError:
            return cell
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
                row.pop(None)  # type: ignore[call-overload]
            if any((v or "").strip() for v in row.values()):
                rows.append((line, row))
            line = reader.line_num + 1
    except csv.Error as exc:
        problems.add(reader.line_num, None, f"not valid CSV: {exc}")
    return header, rows


def _csv_value(key: str, cell: str) -> Any:
    """One non-empty cell as the native row holds it (types are checked by the model)."""
    if key in CSV_LIST_COLUMNS or key == "tags":
        return _split_cell(cell)
    if key == "partial":
        return {"true": True, "false": False}.get(cell.lower(), cell)
    if key == "max_citations":
        try:
            return int(cell)
        except ValueError:
            return cell  # reported as a wrong type
    return cell


def _native_csv_row(row: dict, errors: list[str]) -> dict:
    """Turn a flat CSV row into the nested native shape."""
    out: dict[str, Any] = {}
    expect: dict[str, Any] = {}
    for key, raw in row.items():
        cell = (raw or "").strip()
        if not cell:
            continue
        if key == "history":
            try:
                out[key] = json.loads(cell)
            except json.JSONDecodeError as exc:
                errors.append(f"'history' must be a JSON list of {{role, content}}: {exc.msg}")
        elif key in EXPECT_KEYS:
            expect[key] = _csv_value(key, cell)
        else:
            out[key] = raw if key == "question" else _csv_value(key, cell)
    out["expect"] = expect
    return out


def _check_csv_header(header: list[str], problems: Problems) -> None:
    for col in header:
        if col not in CSV_COLUMNS:
            problems.add(1, None, f"unknown column {col!r} (allowed: {', '.join(CSV_COLUMNS)})")
    if "question" not in header:
        problems.add(1, None, "missing column 'question'")


def _load_csv(text: str, where: SetFile, problems: Problems) -> list[Case]:
    header, rows = _parse_csv(text, problems)
    promptfoo = importers.csv_format(header) == "promptfoo"
    if not promptfoo:
        _check_csv_header(header, problems)
    problems.raise_if_any()
    if not rows:
        raise SetFormatError([f"{where.shown}: no cases (only a header row)"])
    cases = []
    for index, (line, row) in enumerate(rows, 1):
        if promptfoo:
            case = importers.promptfoo_csv_case(
                row, index, set_name=where.name, source=where.shown, line=line, problems=problems
            )
        else:
            errors: list[str] = []
            nested = _native_csv_row(row, errors)
            for msg in errors:
                problems.add(line, case_label(nested, index), msg)
            case = native_case(
                nested,
                index,
                set_name=where.name,
                source=where.shown,
                default_line=line,
                set_tags=(),
                problems=problems,
            )
        if case is not None:
            cases.append(case)
    return cases


# --------------------------------------------------------------------------------------------
# files


def _read_text(path: Path, shown: str) -> str:
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
    return text


def load_file(path: Path, display: str | None = None) -> list[Case]:
    """Load one set file. Raises :class:`SetFormatError` listing every problem found."""
    where = SetFile(name=path.stem, shown=display or str(path))
    text = _read_text(path, where.shown)
    problems = Problems(where.shown)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        cases = _load_csv(text, where, problems)
    elif suffix == ".jsonl":
        cases = _load_rows(_parse_jsonl(text, problems), (), where, problems)
    elif suffix in (".yaml", ".yml", ".json"):
        numbered, set_tags = _parse_structured(text, suffix, problems)
        cases = _load_rows(numbered, set_tags, where, problems)
    else:
        raise SetFormatError(
            [f"{where.shown}: unsupported file type {suffix!r} (use one of {', '.join(SET_SUFFIXES)})"]
        )
    _check_duplicates(cases, problems)
    problems.raise_if_any()
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
