"""Load curated articles: YAML front matter + Markdown sections (+ optional evidence and question sidecars).

A curated article is ``<slug>.md`` in the corpus folder::

    ---
    title: ...            # required
    source: ...           # required: where the text came from
    origin: ...           # raw file or "team-written"
    date_curated: ...
    role: safety          # optional: articles triage answers may cite
    curation_notes: [...]
    evidence_notes:       # optional; or a sidecar <slug>.evidence.yaml holding the same list
      - {section: "Stress Reduction", note: "...", source: "..."}
    ---
    Intro paragraph...
    ## Section heading
    ...

An optional ``<slug>.questions.yaml`` lists the questions each sentence answers (ingest/questions.py).

Files that break these rules are refused with a message naming the file, before anything is
indexed, so a broken file can never half-replace a working index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..errors import CorpusError
from ..text import has_control_chars, normalise_space, slugify
from .questions import AnsweredBy, load_questions

INTRO = "Introduction"
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")


@dataclass(frozen=True)
class Section:
    heading: str  # the deepest heading, shown in citations
    path: tuple[str, ...]  # headings from the top, for context
    paragraphs: tuple[str, ...]
    evidence_note: str = ""


@dataclass(frozen=True)
class Article:
    slug: str
    title: str
    source: str
    file: str  # file name inside the corpus folder
    role: str = "content"
    sections: tuple[Section, ...] = field(default_factory=tuple)
    questions: tuple[AnsweredBy, ...] = ()  # from the question sidecar, if any
    notices: tuple[str, ...] = ()  # what loading left out, for the index report
    meta: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def body(self) -> str:
        return "\n\n".join(p for s in self.sections for p in s.paragraphs)


def split_front_matter(text: str, name: str) -> tuple[dict, str]:
    if not text.startswith("---"):
        raise CorpusError(f"{name}: has no front matter; it must start with '---' and give a title and a source")
    parts = text.split("\n---", 1)
    if len(parts) != 2:
        raise CorpusError(f"{name}: front matter is not closed with a '---' line")
    try:
        meta = yaml.safe_load(parts[0][3:]) or {}
    except yaml.YAMLError as exc:
        raise CorpusError(f"{name}: front matter is not valid YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(meta, dict):
        raise CorpusError(f"{name}: front matter must be a set of 'key: value' lines")
    body = parts[1].split("\n", 1)[1] if "\n" in parts[1] else ""
    return meta, body


def _evidence_notes(meta: dict, sidecar: Path, name: str) -> dict[str, str]:
    notes = list(meta.get("evidence_notes") or [])
    if sidecar.is_file():
        try:
            extra = yaml.safe_load(sidecar.read_text(encoding="utf-8")) or []
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise CorpusError(f"{sidecar.name}: is not valid YAML ({str(exc).splitlines()[0]})") from None
        if not isinstance(extra, list):
            raise CorpusError(f"{sidecar.name}: must be a list of {{section, note, source}} items")
        notes += extra
    out: dict[str, str] = {}
    for i, item in enumerate(notes, start=1):
        if not isinstance(item, dict) or not item.get("section") or not item.get("note"):
            raise CorpusError(f"{name}: evidence note {i} needs a 'section' and a 'note'")
        if not item.get("source"):
            raise CorpusError(f"{name}: evidence note {i} ({item['section']}) must name its source")
        text = normalise_space(str(item["note"]))
        out[str(item["section"]).strip()] = f"{text} (Source: {normalise_space(str(item['source']))})"
    return out


def parse_article(text: str, name: str, sidecar: Path | None = None, questions: Path | None = None) -> Article:
    if has_control_chars(text.replace("\r", "")):
        raise CorpusError(f"{name}: contains control characters or undecodable bytes; fix the file")
    meta, body = split_front_matter(text, name)
    title = normalise_space(str(meta.get("title") or ""))
    source = normalise_space(str(meta.get("source") or ""))
    if not title:
        raise CorpusError(f"{name}: front matter has no 'title'")
    if not source:
        raise CorpusError(f"{name}: front matter has no 'source'; say where the text came from")
    notes = _evidence_notes(meta, sidecar or Path("/nonexistent"), name)

    sections: list[Section] = []
    path: list[tuple[int, str]] = []
    paragraphs: list[str] = []
    current: list[str] = []

    def close_paragraph() -> None:
        if current:
            paragraphs.append(normalise_space(" ".join(current)))
            current.clear()

    def close_section() -> None:
        close_paragraph()
        if paragraphs:
            heading = path[-1][1] if path else INTRO
            sections.append(
                Section(
                    heading=heading,
                    path=tuple(h for _, h in path) or (INTRO,),
                    paragraphs=tuple(paragraphs),
                    evidence_note=notes.get(heading, ""),
                )
            )
            paragraphs.clear()

    for line in body.splitlines():
        match = _HEADING.match(line.strip())
        if match:
            close_section()
            level = len(match.group(1))
            while path and path[-1][0] >= level:
                path.pop()
            path.append((level, normalise_space(match.group(2))))
            continue
        if not line.strip():
            close_paragraph()
        else:
            current.append(line.strip())
    close_section()

    if not sections:
        raise CorpusError(f"{name}: has front matter but no article text")
    unknown = set(notes) - {s.heading for s in sections}
    if unknown:
        raise CorpusError(f"{name}: evidence note for a section that does not exist: {sorted(unknown)[0]!r}")
    stem = Path(name).stem
    by_heading: dict[str, str] = {}
    for s in sections:
        by_heading[s.heading] = f"{by_heading.get(s.heading, '')} {' '.join(s.paragraphs)}".strip()
    asked, notices = load_questions(questions, by_heading) if questions is not None else ((), [])
    return Article(
        slug=slugify(stem),
        title=title,
        source=source,
        file=name,
        role=str(meta.get("role") or "content"),
        sections=tuple(sections),
        questions=asked,
        notices=tuple(notices),
        meta=meta,
    )


def load_article(path: Path) -> Article:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"{path.name}: cannot be read ({exc.strerror})") from None
    if b"\x00" in data:
        raise CorpusError(f"{path.name}: is a binary file, not a curated Markdown article")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CorpusError(f"{path.name}: is not UTF-8 text") from None
    sidecar = path.with_name(path.stem + ".evidence.yaml")
    questions = path.with_name(path.stem + ".questions.yaml")
    return parse_article(text.replace("\r\n", "\n"), path.name, sidecar, questions)


def load_corpus(corpus_dir: Path) -> list[Article]:
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder {corpus_dir} does not exist")
    files = sorted(p for p in corpus_dir.glob("*.md") if p.is_file() and not p.name.startswith("."))
    if not files:
        raise CorpusError(f"corpus folder {corpus_dir} has no curated articles (*.md)")
    articles = [load_article(p) for p in files]
    seen: dict[str, str] = {}
    for article in articles:
        if article.slug in seen:
            raise CorpusError(f"{article.file}: has the same slug as {seen[article.slug]}; rename one of them")
        seen[article.slug] = article.file
    return articles
