"""Typed question-set cases, validated by pydantic models, and errors that say where they are.

:class:`Expect` and :class:`Case` are what the runner and the metrics use. A native row is read
through :class:`CaseRow` (its keys exactly as a set file writes them) and a set file's top level
through :class:`SetDocument`. Every field has a validator that states what is wrong in the
project's words (``must be a string, got int``); :func:`explain` turns a pydantic error into the
message users see, ``'expect.outcome' must be one of ...``, and :func:`line_for` finds the line of
the key it concerns in a YAML row. :mod:`.importers` reuses the same models for promptfoo and
ragas rows, so this module imports neither :mod:`.cases` nor :mod:`.importers`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar, Iterable, Literal, NoReturn

from pydantic import BaseModel, BeforeValidator, ConfigDict, TypeAdapter, ValidationError, field_validator
from pydantic_core import ErrorDetails, PydanticCustomError

from assistant.errors import AssistantError
from assistant.schema import OUTCOMES, TRIAGE_LEVELS, Outcome, TriageLevel

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
HISTORY_KEYS = ("role", "content")
SET_KEYS = ("name", "description", "tags", "cases")
Origin = Literal["native", "promptfoo", "ragas"]


class SetFormatError(AssistantError):
    """One or more question-set files are malformed. ``problems`` lists every one found."""

    exit_code = 2

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        head = self.problems[0] if self.problems else "invalid question set"
        more = len(self.problems) - 1
        super().__init__(head if more <= 0 else f"{head} (and {more} more problem(s))")


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

    def raise_if_any(self) -> None:
        if self._found:
            raise SetFormatError(self.items)


class LineDict(dict):
    """A mapping read from YAML that remembers the line of itself and of each of its keys."""

    line: int = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.key_lines: dict[Any, int] = {}

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


def line_of(row: Any, key: str | None = None, default: int = 0) -> int:
    if isinstance(row, LineDict):
        return row.line_of(key) if key is not None else row.line
    return default


def case_label(row: Any, index: int) -> str:
    """How a row is named in messages: its id when it has a usable one, else ``#index``."""
    if isinstance(row, dict) and isinstance(row.get("id"), (str, int)) and not isinstance(row.get("id"), bool):
        return repr(str(row["id"]))
    return f"#{index}"


def as_text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def kind(value: Any) -> str:
    """A value's type as a message names it."""
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "mapping"
    return type(value).__name__


def fail(message: str) -> NoReturn:
    """Raise a validation error whose text is ``message`` exactly (the location is added later)."""
    raise PydanticCustomError("set_format", "{message}", {"message": message})


# --------------------------------------------------------------------------------------------
# field types


def _scalar_text(value: Any, accepted: tuple[type, ...]) -> str:
    """A non-empty string; YAML's bare numbers (``id: 12``) are accepted as their text where ``accepted`` says."""
    if isinstance(value, bool) or not isinstance(value, accepted):
        fail(f"must be a string, got {kind(value)}")
    text = str(value).strip()
    if not text:
        fail("is empty")
    return text


def _text_item(value: Any) -> str:
    return _scalar_text(value, (str, int, float))


def _text_list(value: Any) -> Any:
    if value is None:
        return ()
    if isinstance(value, str):
        return [value]
    if not isinstance(value, (list, tuple)):
        fail(f"must be a list of strings, got {kind(value)}")
    return value


def _one_of(choices: tuple[str, ...]) -> Any:
    def check(value: Any) -> Any:
        if value is not None and value not in choices:
            fail(f"must be one of {', '.join(choices)}, got {value!r}")
        return value

    return BeforeValidator(check)


def _flag(value: Any) -> Any:
    if value is not None and not isinstance(value, bool):
        fail(f"must be true or false, got {value!r}")
    return value


def _count(value: Any) -> Any:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        fail(f"must be a whole number >= 0, got {value!r}")
    return value


def _id(value: Any) -> str:
    return _scalar_text(value, (str, int))


def _question(value: Any) -> str:
    if not isinstance(value, str):
        fail(f"must be a string, got {kind(value)}")
    if not value.strip():
        fail("is empty")
    return value


def _string(value: Any) -> Any:
    if value is not None and not isinstance(value, str):
        fail(f"must be a string, got {kind(value)}")
    return value


def _history(value: Any) -> Any:
    if value is None:
        return ()
    if not isinstance(value, (list, tuple)):
        fail(f"must be a list of {{role, content}}, got {kind(value)}")
    return value


def _role(value: Any) -> Any:
    if value not in ("user", "assistant"):
        fail(f"must be 'user' or 'assistant', got {value!r}")
    return value


def _content(value: Any) -> Any:
    if not isinstance(value, str) or not value.strip():
        fail("must be a non-empty string")
    return value


Text = Annotated[str, BeforeValidator(_text_item)]
TextList = Annotated[tuple[Text, ...], BeforeValidator(_text_list)]


class Turn(BaseModel):
    """One earlier message of the conversation."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    role: Annotated[Literal["user", "assistant"], BeforeValidator(_role)]
    content: Annotated[str, BeforeValidator(_content)]


History = Annotated[tuple[Turn, ...], BeforeValidator(_history)]


# --------------------------------------------------------------------------------------------
# the typed case


class Expect(BaseModel):
    """What a case checks; a field left at its default is not checked."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    outcome: Annotated[Outcome | None, _one_of(OUTCOMES)] = None
    triage: Annotated[TriageLevel | None, _one_of(TRIAGE_LEVELS)] = None
    cites_any: TextList = ()
    first_any: TextList = ()  # the first quoted sentence must hold one of these
    partial: Annotated[bool | None, BeforeValidator(_flag)] = None  # True: must say which part is not covered
    contains_any: TextList = ()
    contains_all: TextList = ()
    not_contains: TextList = ()
    max_citations: Annotated[int | None, BeforeValidator(_count)] = None

    @property
    def empty(self) -> bool:
        return not self.to_dict()

    def to_dict(self) -> dict:
        out: dict[str, Any] = {}
        for key in EXPECT_KEYS:
            value = getattr(self, key)
            if value is None or value == ():
                continue
            out[key] = list(value) if isinstance(value, tuple) else value
        return out


class Case(BaseModel):
    """One question to ask, what to check, and where it was written."""

    model_config = ConfigDict(frozen=True)

    id: str
    question: str
    expect: Expect
    history: tuple[dict[str, str], ...] = ()
    tags: tuple[str, ...] = ()
    note: str = ""
    set_name: str = ""
    source: str = ""  # file the case came from
    line: int = 0  # line of the case in that file (1-based)
    origin: Origin = "native"

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


def merge_tags(*groups: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for group in groups:
        for tag in group:
            seen.setdefault(tag, None)
    return tuple(seen)


# --------------------------------------------------------------------------------------------
# rows as written in a set file


class RowModel(BaseModel):
    """A mapping read from a file: unknown keys are errors, and messages name allowed keys."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ALLOWED: ClassVar[dict[str, tuple[str, ...]]] = {}  # dotted container -> its keys
    MISSING_HINTS: ClassVar[dict[str, str]] = {}
    MAPPING_HINTS: ClassVar[dict[str, str]] = {}
    UNKNOWN: ClassVar[str] = "unknown key"
    ALLOWED_NOTE: ClassVar[str] = ""


class CaseRow(RowModel):
    """A native case row: ``id``, ``question`` and ``expect`` are required."""

    ALLOWED = {"": CASE_KEYS, "expect": EXPECT_KEYS, "history": HISTORY_KEYS}
    MISSING_HINTS = {"expect": " (e.g. expect: {outcome: answer, triage: none})"}
    MAPPING_HINTS = {"history": " with role and content"}

    id: Annotated[str, BeforeValidator(_id)]
    question: Annotated[str, BeforeValidator(_question)]
    history: History = ()
    tags: TextList = ()
    note: Annotated[str | None, BeforeValidator(_string)] = None
    expect: Expect

    @field_validator("expect")
    @classmethod
    def _has_checks(cls, value: Expect) -> Expect:
        if value.empty:
            fail("has no checks (give at least outcome or triage)")
        return value

    def to_case(self, *, set_name: str, source: str, line: int, set_tags: tuple[str, ...]) -> Case:
        return Case(
            id=self.id,
            question=self.question,
            expect=self.expect,
            history=tuple(t.model_dump() for t in self.history),
            tags=merge_tags(set_tags, self.tags),
            note=(self.note or "").strip(),
            set_name=set_name,
            source=source,
            line=line,
            origin="native",
        )


class SetDocument(RowModel):
    """The top level of a YAML/JSON set written as a mapping (a list of cases needs none)."""

    ALLOWED = {"": SET_KEYS}
    MISSING_HINTS = {"cases": " (a list of cases)"}
    UNKNOWN = "unknown top-level key"
    ALLOWED_NOTE = "; or make the file a list of cases"

    name: Annotated[str | None, BeforeValidator(_string)] = None
    description: Annotated[str | None, BeforeValidator(_string)] = None
    tags: TextList = ()
    cases: list[Any]

    @field_validator("cases", mode="before")
    @classmethod
    def _a_list(cls, value: Any) -> Any:
        if not isinstance(value, list):
            fail("must be a list of cases")
        return value


# --------------------------------------------------------------------------------------------
# errors in users' words


def _where(loc: tuple[int | str, ...]) -> tuple[str, int | None, str]:
    """('history', 0, 'role') -> ("'history'", 1, "role"): the named path, the item, the key in it."""
    names: list[str] = []
    item: int | None = None
    inner: list[str] = []
    for part in loc:
        if isinstance(part, int) and item is None:
            item = part + 1
        elif item is None:
            names.append(str(part))
        else:
            inner.append(str(part))
    return ".".join(names), item, ".".join(inner)


def explain(error: ErrorDetails, model: type[RowModel] = CaseRow, root: tuple[str, ...] = ()) -> str:
    """One pydantic error as the sentence users read. ``root`` names what was validated when it
    was not a whole row (``("expect",)`` for an importer's expectations)."""
    loc = root + tuple(error["loc"])
    if error["type"] in ("extra_forbidden", "invalid_key"):
        container, key = loc[:-1], loc[-1]
        path, item, inner = _where(container)
        allowed = ", ".join(model.ALLOWED.get(path, ())) + model.ALLOWED_NOTE
        if item is not None:
            name = f"{inner}.{key}" if inner else str(key)
            return f"'{path}' item {item}: unknown key {name!r} (allowed: {allowed})"
        name = f"{path}.{key}" if path else str(key)
        return f"{model.UNKNOWN} {name!r} (allowed: {allowed})"
    path, item, inner = _where(loc)
    prefix = f"'{path}'" + (f" item {item}" if item is not None else "") + (f": {inner}" if inner else "")
    if error["type"] == "missing":
        if item is not None:
            return f"'{path}' item {item}: missing {inner!r}"
        return f"missing {path!r}{model.MISSING_HINTS.get(path, '')}"
    if error["type"] in ("model_type", "model_attributes_type", "dict_type"):
        return f"{prefix} must be a mapping{model.MAPPING_HINTS.get(path, '')}, got {kind(error['input'])}"
    if error["type"] == "set_format":
        return f"{prefix} {error['msg']}"
    return f"{prefix}: {error['msg']}"  # pragma: no cover - every field has its own validator


def line_for(row: Any, loc: Iterable[int | str], default: int) -> int:
    """The line of the deepest key in ``loc`` that the YAML row has (the row's own line if none)."""
    line = line_of(row, None, default)
    node = row
    for part in loc:
        if isinstance(node, LineDict) and part in node:
            line, node = node.line_of(part), node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
            line = node.line if isinstance(node, LineDict) else line
        else:
            break
    return line


def located(exc: ValidationError, row: Any, default: int, model: type[RowModel]) -> list[tuple[int, str]]:
    """Every error of a row's validation with the line it belongs to."""
    return [(line_for(row, err["loc"], default), explain(err, model)) for err in exc.errors()]


def validate_row(row: Any, model: type[RowModel], default: int) -> tuple[BaseModel | None, list[tuple[int, str]]]:
    try:
        return model.model_validate(row), []
    except ValidationError as exc:
        return None, located(exc, row, default, model)


# --------------------------------------------------------------------------------------------
# parts, for importers that build a case from other fields


_TEXT_LIST: TypeAdapter[tuple[str, ...]] = TypeAdapter(TextList)
_HISTORY: TypeAdapter[tuple[Turn, ...]] = TypeAdapter(History)


def text_list(value: Any, what: str, errors: list[str]) -> tuple[str, ...]:
    """A list of non-empty strings; a single string is accepted as a one-item list."""
    try:
        return _TEXT_LIST.validate_python(value)
    except ValidationError as exc:
        errors.extend(explain(err, root=(what,)) for err in exc.errors())
        return ()


def check_history(value: Any, errors: list[str]) -> tuple[dict, ...]:
    try:
        return tuple(t.model_dump() for t in _HISTORY.validate_python(value))
    except ValidationError as exc:
        errors.extend(explain(err, root=("history",)) for err in exc.errors())
        return ()


def check_expect(value: Any, errors: list[str]) -> Expect:
    """Expectations assembled by an importer (none is required)."""
    try:
        return Expect.model_validate(value or {})
    except ValidationError as exc:
        errors.extend(explain(err, root=("expect",)) for err in exc.errors())
        return Expect()
