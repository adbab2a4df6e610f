"""Curate: turn a raw article (plain text, Markdown or HTML) into curated Markdown plus a report.

What it does, in order:
1. decode the file (refusing binary), and for HTML keep only headings, paragraphs, list items and table
   rows of the page's main content: ``trafilatura`` judges which blocks are the article and which are
   page furniture (menus, sidebars, cookie banners, comments, related posts, footers); the blocks and
   their headings are still read by this module's own parser, so the article keeps its structure;
2. remove inline SEO spam: runs of words in a script other than the article's own (e.g. Korean
   link-farm anchors inside an English article), and URLs;
3. flag, for a reviewer, what it must not remove on its own: link-farm keywords
   ("outcall", "escort", "casino" ...), keyword stuffing, and paragraphs that break a pattern;
4. normalise whitespace and typographic punctuation;
5. detect headings (short lines with no closing punctuation) and "Label: text" paragraph titles,
   which become ``###`` sub-headings;
6. write YAML front matter (title, source, origin, date curated, curation notes).

Every removal and flag goes into the report, so nothing disappears silently.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import yaml

from ..errors import CorpusError
from ..text import normalise_space

URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"')]+", re.IGNORECASE)

# Words that, in a health article, almost always mark a link-farm insertion. Flagged, not removed:
# a reviewer decides. (Kept general: no site-specific strings.)
LINK_FARM_WORDS = (
    "outcall",
    "incall",
    "escort",
    "call girl",
    "casino",
    "betting",
    "bet365",
    "slot gacor",
    "viagra",
    "cialis",
    "payday loan",
    "crypto",
    "forex",
    "adult massage",
    "happy ending",
    "hookup",
    "porn",
    "click here",
    "buy now",
    "best price",
    "cheap",
    "discount code",
    "promo code",
    "whatsapp",
    "telegram",
    "kakao",
    "line id",
)
_LINK_FARM_RE = re.compile(r"\b(" + "|".join(re.escape(w) for w in LINK_FARM_WORDS) + r")\b", re.I)

_PUNCT_MAP = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2013": "-",
    "\u2014": " - ",
    "\u2026": "...",
    "\u00a0": " ",
    "\u200b": "",
    "\u200c": "",
    "\u200d": "",
    "\ufeff": "",
}

_LABEL_RE = re.compile(r"^(?P<label>[A-Z][^:.!?\n]{2,70}):\s+(?P<body>\S.*)$", re.S)


@dataclass
class Finding:
    kind: str  # "removed" or "flagged"
    what: str
    where: str
    detail: str = ""

    def line(self, redact: bool = False) -> str:
        """One report line. ``redact`` leaves removed spam out (for front matter, which is indexed text's neighbour)."""
        extra = f" ({self.detail})" if self.detail else ""
        what = f"{len(self.what)} characters" if redact and self.kind == "removed" else repr(self.what)
        return f"{self.kind}: {what} at {self.where}{extra}"


@dataclass
class CurationResult:
    markdown: str
    title: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def removed(self) -> list[Finding]:
        return [f for f in self.findings if f.kind == "removed"]

    @property
    def flagged(self) -> list[Finding]:
        return [f for f in self.findings if f.kind == "flagged"]

    def report(self) -> str:
        lines = [f"Curation report: {self.title}", ""]
        lines.append(f"Removed ({len(self.removed)}):")
        lines += [f"  - {f.line()}" for f in self.removed] or ["  (nothing)"]
        lines.append(f"Flagged for review ({len(self.flagged)}):")
        lines += [f"  - {f.line()}" for f in self.flagged] or ["  (nothing)"]
        return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- reading


def decode_raw(data: bytes, name: str) -> str:
    if b"\x00" in data:
        raise CorpusError(f"{name}: looks like a binary file (NUL bytes); give a text, Markdown or HTML article")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CorpusError(f"{name}: is not UTF-8 or Windows-1252 text")


class _HTMLBlocks(HTMLParser):
    """Collects (kind, text) blocks from HTML: ('h2', 'Heading'), ('p', 'Paragraph') ..."""

    # a table row is one block, its cells joined by " | ", so a cell is read with its row (never as a heading)
    _BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "div"}
    _CELLS = {"td", "th"}
    _SKIP = {"script", "style", "noscript", "template", "nav", "footer", "header", "aside", "form", "iframe"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []
        self.links: list[tuple[str, str]] = []
        self.title = ""
        self._stack: list[str] = []
        self._buf: list[str] = []
        self._skip = 0
        self._in_title = False
        self._href: str | None = None
        self._anchor: list[str] = []

    def _flush(self, kind: str) -> None:
        text = normalise_space("".join(self._buf))
        if text:
            self.blocks.append((kind, text))
        self._buf = []

    def handle_starttag(self, tag, attrs):
        if tag in self._SKIP:
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif tag in self._BLOCKS:
            self._flush(self._stack[-1] if self._stack else "p")
            self._stack.append(tag)
        elif tag == "br":
            self._buf.append(" ")
        elif tag in self._CELLS and self._stack and self._stack[-1] == "tr" and "".join(self._buf).strip():
            self._buf.append(" | ")
        elif tag == "a":
            self._href = dict(attrs).get("href") or ""
            self._anchor = []

    def handle_endtag(self, tag):
        if tag in self._SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag == "title":
            self._in_title = False
        elif tag in self._BLOCKS:
            self._flush(tag)
            if tag in self._stack:
                while self._stack and self._stack.pop() != tag:
                    pass
        elif tag == "a" and self._href is not None:
            self.links.append((self._href, normalise_space("".join(self._anchor))))
            self._href = None

    def handle_data(self, data):
        if self._skip:
            return
        if self._in_title:
            self.title += data
            return
        self._buf.append(data)
        if self._href is not None:
            self._anchor.append(data)

    def close(self):
        super().close()
        self._flush("p")


def _looks_like_html(text: str, suffix: str) -> bool:
    if suffix in {".html", ".htm"}:
        return True
    head = text.lstrip()[:200].lower()
    return head.startswith("<!doctype html") or head.startswith("<html")


def raw_blocks(text: str, suffix: str) -> tuple[list[tuple[str, str]], str, list[tuple[str, str]]]:
    """Split raw text into (kind, text) blocks. Returns blocks, an HTML <title> if any, and links.

    For HTML these are all the page's blocks; ``main_content`` tells which of them are the article.
    """
    if _looks_like_html(text, suffix):
        parser = _HTMLBlocks()
        parser.feed(text)
        parser.close()
        return parser.blocks, normalise_space(parser.title), parser.links
    blocks: list[tuple[str, str]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        heading = re.match(r"^(#{1,6})\s+(.*)$", line)
        if heading:
            blocks.append((f"h{len(heading.group(1))}", heading.group(2).strip()))
        else:
            blocks.append(("p", line))
    return blocks, "", []


def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+", unicodedata.normalize("NFKC", text).lower())


def main_content(html: str, blocks: list[tuple[str, str]]) -> list[bool] | None:
    """Which of ``blocks`` (from ``raw_blocks``) belong to the page's main content, or None if unknown.

    ``trafilatura`` extracts the article's text; each block is kept when most of its words line up
    with that text, in order (so a menu entry that repeats a heading is not kept by the heading's
    words). A heading is kept with what follows it (a paragraph or a lower heading), because
    trafilatura drops headings that sit directly in <body>. None when trafilatura finds no article:
    the caller then keeps every block.
    """
    import trafilatura

    extracted = trafilatura.extract(html, include_comments=False, include_tables=True, deduplicate=False)
    article = _tokens(extracted or "")
    if not article:
        return None
    owner: list[int] = []
    page: list[str] = []
    for i, (_, text) in enumerate(blocks):
        words = _tokens(text)
        page += words
        owner += [i] * len(words)
    matched = [0] * len(blocks)
    for match in difflib.SequenceMatcher(None, page, article, autojunk=False).get_matching_blocks():
        for pos in range(match.a, match.a + match.size):
            matched[owner[pos]] += 1
    keep = [bool(_tokens(text)) and matched[i] * 2 >= len(_tokens(text)) for i, (_, text) in enumerate(blocks)]
    for i in range(len(blocks) - 2, -1, -1):  # from the end, so "## Part" over "### Sub" follows its content
        kind, nxt = blocks[i][0], blocks[i + 1][0]
        if _is_heading_kind(kind) and (not _is_heading_kind(nxt) or nxt > kind):
            keep[i] = keep[i] or keep[i + 1]
    return keep


def _is_heading_kind(kind: str) -> bool:
    return kind[:1] == "h" and kind[1:].isdigit()


# --------------------------------------------------------------------------- cleaning


def _script_of(ch: str) -> str:
    if not ch.isalpha():
        return ""
    name = unicodedata.name(ch, "")
    return name.split(" ")[0] if name else "UNKNOWN"


def dominant_script(text: str) -> str:
    counts: dict[str, int] = {}
    for ch in text:
        script = _script_of(ch)
        if script:
            counts[script] = counts.get(script, 0) + 1
    return max(counts, key=lambda s: counts[s]) if counts else "LATIN"


def _foreign_share(token: str, script: str) -> float:
    letters = [c for c in token if c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if _script_of(c) != script) / len(letters)


def normalise_punctuation(text: str) -> str:
    for bad, good in _PUNCT_MAP.items():
        text = text.replace(bad, good)
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    return normalise_space(text)


def clean_block(text: str, script: str, where: str, findings: list[Finding]) -> str:
    """Remove foreign-script runs and URLs from one block; flag link-farm words and stuffing."""
    for url in URL_RE.findall(text):
        findings.append(Finding("removed", url, where, "URL"))
    text = URL_RE.sub(" ", text)

    kept: list[str] = []
    run: list[str] = []
    for token in text.split():
        if _foreign_share(token, script) > 0.5:
            run.append(token)
            continue
        if run:
            findings.append(
                Finding(
                    "removed", " ".join(run), where, f"text in another script inside a {script.title()}-script article"
                )
            )
            run = []
        kept.append(token)
    if run:
        findings.append(
            Finding("removed", " ".join(run), where, f"text in another script inside a {script.title()}-script article")
        )
    text = normalise_punctuation(" ".join(kept))

    for match in _LINK_FARM_RE.finditer(text):
        findings.append(
            Finding("flagged", match.group(0), where, "link-farm keyword; remove the insertion by hand if it is spam")
        )
    words = [w.lower() for w in re.findall(r"[A-Za-z]{4,}", text)]
    for word in sorted(set(words)):
        if words.count(word) >= 5 and words.count(word) / len(words) > 0.08:
            findings.append(
                Finding("flagged", word, where, f"repeated {words.count(word)} times: possible keyword stuffing")
            )
    return text


# --------------------------------------------------------------------------- structure


FURNITURE = "page furniture outside the main content"


def _drop_page_furniture(html: str, blocks: list[tuple[str, str]], findings: list[Finding]) -> list[tuple[str, str]]:
    """The article's blocks of an HTML page; every other block is reported as removed."""
    keep = main_content(html, blocks)
    if keep is None or not any(keep):
        findings.append(
            Finding(
                "flagged",
                "whole page",
                "HTML",
                "no main content found: every block was kept; remove menus, banners and footers by hand",
            )
        )
        return blocks
    for i, ((_, text), kept) in enumerate(zip(blocks, keep), start=1):
        if not kept:
            findings.append(Finding("removed", text, f"page block {i}", FURNITURE))
    return [block for block, kept in zip(blocks, keep) if kept]


def _front_matter_notes(findings: list[Finding]) -> list[str]:
    """Report lines for the front matter; page furniture is summed up in one line (the report lists it)."""
    furniture = [f for f in findings if f.detail == FURNITURE]
    notes = [f.line(redact=True) for f in findings if f.detail != FURNITURE]
    if furniture:
        chars = sum(len(f.what) for f in furniture)
        notes.insert(
            0,
            f"removed: {len(furniture)} blocks ({chars} characters) of {FURNITURE} (menus, banners, sidebars,"
            " comments, footers); listed in the curation report",
        )
    return notes


def _is_heading(text: str) -> bool:
    words = text.split()
    return 0 < len(words) <= 10 and len(text) <= 80 and not re.search(r"[.!?:;,]$", text) and text[:1].isupper()


def curate_text(
    raw: str,
    *,
    name: str,
    suffix: str = ".txt",
    title: str | None = None,
    source: str | None = None,
    today: _dt.date | None = None,
) -> CurationResult:
    findings: list[Finding] = []
    blocks, html_title, links = raw_blocks(raw, suffix)
    if not blocks:
        raise CorpusError(f"{name}: has no text to curate")
    if _looks_like_html(raw, suffix):
        blocks = _drop_page_furniture(raw, blocks, findings)
    script = dominant_script(" ".join(t for _, t in blocks))

    for href, anchor in links:
        if anchor and (_foreign_share(anchor.replace(" ", ""), script) > 0.5 or _LINK_FARM_RE.search(anchor)):
            findings.append(Finding("removed", anchor, f"link to {href}", "spam anchor text"))

    body: list[str] = []
    derived_title = title or html_title
    label_run = 0  # how many labelled paragraphs in a row; an unlabelled one inside a run is flagged
    last_label = ""
    for i, (kind, text) in enumerate(blocks, start=1):
        where = f"block {i}"
        text = clean_block(text, script, where, findings)
        if not text:
            continue
        if kind.startswith("h") and kind[1:].isdigit():
            level = int(kind[1:])
            if level == 1 and not derived_title:
                derived_title = text
                continue
            body.append(f"{'#' * max(2, level)} {text}")
            label_run = 0
            continue
        is_last = i == len(blocks)
        if not is_last and kind in {"p", "div", "blockquote"} and _is_heading(text):
            body.append(f"## {text}")
            label_run = 0
            continue
        label = _LABEL_RE.match(text)
        if label and len(label.group("label").split()) <= 8:
            last_label = label.group("label").strip()
            body.append(f"### {last_label}")
            body.append(label.group("body").strip())
            label_run += 1
            continue
        if label_run and i < len(blocks):
            nxt = blocks[i][1] if i < len(blocks) else ""
            if _LABEL_RE.match(nxt):
                findings.append(
                    Finding(
                        "flagged",
                        text[:60] + ("..." if len(text) > 60 else ""),
                        where,
                        "unlabelled paragraph inside a run of labelled ones; "
                        f"it falls under '{last_label}' unless a heading is added",
                    )
                )
        body.append(text)

    if not derived_title:
        derived_title = Path(name).stem.replace("-", " ").replace("_", " ").strip().capitalize()
        findings.append(Finding("flagged", derived_title, "title", "no title in the file; derived from the file name"))
    if not source:
        findings.append(
            Finding("flagged", "source", "front matter", "no source given: pass --source before this can be indexed")
        )

    today = today or _dt.date.today()
    notes = _front_matter_notes(findings)
    front = {
        "title": derived_title,
        "source": source or "",
        "origin": name,
        "raw_sha256": hashlib.sha256(raw.encode("utf-8")).hexdigest(),
        "date_curated": today.isoformat(),
        "curation_notes": notes or ["no changes beyond whitespace and punctuation"],
    }
    markdown = "---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=100) + "---\n\n"
    markdown += "\n\n".join(body) + "\n"
    return CurationResult(markdown=markdown, title=derived_title, findings=findings)


def curate_file(path: Path, *, title: str | None = None, source: str | None = None) -> CurationResult:
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CorpusError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise CorpusError(f"{path}: is a folder; give one article file") from None
    raw = decode_raw(data, str(path))
    return curate_text(raw, name=path.name, suffix=path.suffix.lower(), title=title, source=source)
