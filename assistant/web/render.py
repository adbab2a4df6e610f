"""Pure functions turning an :class:`~assistant.schema.Answer` into chat messages.

Everything that came from a user or a corpus file is escaped here, before it reaches the
browser: the Gradio chatbot sanitises HTML too, but we do not rely on it. Rules:

* user text is shown exactly as typed: HTML-escaped and every Markdown sign backslash-escaped;
* answer text keeps simple Markdown (emphasis, lists) but loses raw HTML, links, images and
  reference definitions (``[`` and ``]`` are escaped, so ``[n]`` markers show as plain text and
  nothing can make the page fetch another host);
* Sources, triage and disclaimer blocks are HTML built here, with every value ``html.escape``d.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Sequence

from ..schema import Answer, Citation, Triage

# Inline signs that can start Markdown markup anywhere in a line (``<``/``>``/``&`` are
# already entities by then; ``!`` and ``(`` only matter next to brackets, which are escaped).
_MD_INLINE = re.compile(r"([\\`*_\[\]~|$])")
# Signs that only mean something at the start of a line: headings, lists, rules.
_MD_LINE_START = re.compile(r"^(\s*)([#+\-=])", re.MULTILINE)
_MD_ORDERED = re.compile(r"^(\s*\d{1,9})([.)])", re.MULTILINE)
# A "[" that does not open a citation marker such as [1] or [1, 2].
_NON_MARKER_BRACKET = re.compile(r"\[(?!\d{1,3}(?:\s*[,\u2013-]\s*\d{1,3})*\])")
_WS = re.compile(r"\s+")

TRIAGE_TITLES = {
    "caution": "Please take care",
    "urgent": "Get medical advice urgently",
    "emergency": "Emergency: call {number} now",
}


def escape_html(text: str) -> str:
    return html.escape(text or "", quote=True)


def plain_text_markdown(text: str) -> str:
    """Markdown source that renders as exactly ``text``, with no markup of any kind."""
    out = _MD_INLINE.sub(r"\\\1", escape_html(text))
    out = _MD_LINE_START.sub(r"\1\\\2", out)
    out = _MD_ORDERED.sub(r"\1\\\2", out)
    # No autolinks: "http://x" and "www.x" stay text.
    return out.replace("://", "\\://").replace("www.", "www\\.")


def safe_markdown(text: str) -> str:
    """Answer Markdown with raw HTML, links and images neutralised.

    Emphasis, lists and paragraphs survive and ``[n]`` markers stay as they are. ``<``, ``>``
    and ``&`` become entities (no HTML); every ``[`` that does not open a citation marker is
    escaped, and ``](``/``]:``/``![`` are broken, so there are no links, images or reference
    definitions. LaTeX is off in the chatbot, so ``$`` is harmless.
    """
    out = html.escape(text or "", quote=False)
    out = _NON_MARKER_BRACKET.sub(r"\\[", out)
    return out.replace("](", "]\\(").replace("]:", "]\\:").replace("![", "!\\[")


def format_relevance(score: float) -> str:
    """A short human label for a passage score (0..1 similarity; larger is better)."""
    try:
        value = float(score)
    except (TypeError, ValueError):
        return "n/a"
    if value != value:  # NaN
        return "n/a"
    value = max(0.0, min(1.0, value))
    return f"{round(value * 100)}%"


def _quote_fragments(quote: str) -> list[str]:
    parts = re.split(r"\s*(?:\u2026|\.\.\.)\s*", quote or "")
    return [p.strip(" \"'\u201c\u201d") for p in parts if len(p.strip(" \"'\u201c\u201d")) >= 3]


def _fragment_pattern(fragment: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in fragment.split()]
    return re.compile(r"\s+".join(words), re.IGNORECASE)


def find_quote_spans(passage: str, quote: str) -> list[tuple[int, int]]:
    """Character spans of ``passage`` that the quote's fragments match (case/space-insensitive)."""
    spans: list[tuple[int, int]] = []
    for fragment in _quote_fragments(quote):
        match = _fragment_pattern(fragment).search(passage or "")
        if match and match.end() > match.start():
            spans.append((match.start(), match.end()))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _escape_block(text: str) -> str:
    """Escape text for an HTML block: no blank lines (they would end the HTML block in Markdown)."""
    return "<br>".join(escape_html(line) for line in text.splitlines() if line.strip()) or ""


def highlight_quote(passage: str, quote: str) -> str:
    """HTML of the whole passage, escaped, with the quoted words wrapped in ``<mark>``.

    If the quote cannot be found in the passage, the quote is shown above the passage.
    """
    passage = passage or ""
    spans = find_quote_spans(passage, quote)
    if not passage.strip():
        return f"<mark>{_escape_block(quote)}</mark>" if quote.strip() else ""
    if not spans:
        lead = f"<mark>{_escape_block(quote)}</mark><br>" if quote.strip() else ""
        return lead + _escape_block(passage)
    pieces: list[str] = []
    cursor = 0
    for start, end in spans:
        pieces.append(
            _escape_block(passage[cursor:start])
            if passage[cursor:start].strip()
            else (" " if passage[cursor:start] else "")
        )
        pieces.append(f"<mark>{_escape_block(passage[start:end])}</mark>")
        cursor = end
    tail = passage[cursor:]
    pieces.append(_escape_block(tail) if tail.strip() else "")
    return "".join(pieces)


def _source_label(source: str) -> str:
    source = (source or "").strip()
    if re.match(r"^https?://[^\s\"'<>]+$", source):
        href = escape_html(source)
        return f'<a href="{href}" target="_blank" rel="noopener noreferrer nofollow">{href}</a>'
    return escape_html(source)


def sources_html(citations: Sequence[Citation]) -> str:
    """The content of the collapsible Sources panel: one block per cited passage."""
    items: list[str] = []
    for c in citations:
        head = (
            f'<p class="src-head"><strong>[{int(c.n)}] {escape_html(c.article)}</strong>'
            + (f" &middot; {escape_html(c.section)}" if c.section else "")
            + f' &middot; <span class="src-score">relevance {format_relevance(c.score)}</span></p>'
        )
        body = f'<blockquote class="src-passage">{highlight_quote(c.passage or c.quote, c.quote)}</blockquote>'
        extra = ""
        if c.evidence_note:
            extra += f'<p class="src-evidence">Evidence: {escape_html(c.evidence_note)}</p>'
        if c.source:
            extra += f'<p class="src-file">Source: {_source_label(c.source)}</p>'
        items.append(f'<div class="src-item">{head}{body}{extra}</div>')
    # One HTML block with no blank line inside: Markdown leaves it alone.
    return '<div class="src-list">' + "".join(items) + "</div>"


def triage_html(triage: Triage, emergency_number: str) -> str:
    """A triage notice that looks unlike an answer; an emergency is a red alert."""
    level = triage.level if triage.level in TRIAGE_TITLES else "caution"
    title = TRIAGE_TITLES[level].format(number=emergency_number)
    role = ' role="alert"' if level in ("urgent", "emergency") else ' role="note"'
    message = _escape_block(triage.message)
    call = ""
    if level == "emergency" and emergency_number and emergency_number not in (triage.message or ""):
        call = f"<p><strong>Call {escape_html(emergency_number)}.</strong></p>"
    return (
        f'<div class="triage triage-{level}"{role}>'
        f'<p class="triage-title"><strong>&#9888; {escape_html(title)}</strong></p>'
        f"<p>{message}</p>{call}</div>"
    )


def disclaimer_html(text: str) -> str:
    return f'<p class="answer-disclaimer"><em>{_escape_block(text)}</em></p>'


def user_message(question: str) -> dict:
    return {"role": "user", "content": plain_text_markdown(question)}


def _strip_lead(text: str, lead: str) -> str:
    """``text`` without a leading copy of ``lead`` (whitespace-insensitive); partial prefixes too."""
    norm_lead = _WS.sub(" ", lead or "").strip()
    stripped = (text or "").lstrip()
    norm_text = _WS.sub(" ", stripped)
    if not norm_lead:
        return text or ""
    if norm_lead.startswith(norm_text.strip()):
        return ""  # a streaming prefix still inside the lead
    if norm_text.startswith(norm_lead):
        # walk the original text past the lead's non-space characters
        need = len(norm_lead.replace(" ", ""))
        seen = 0
        for i, ch in enumerate(stripped):
            if not ch.isspace():
                seen += 1
                if seen == need:
                    return stripped[i + 1 :].lstrip()
    return text or ""


def answer_messages(
    answer: Answer, emergency_number: str, body: str | None = None, complete: bool = True
) -> list[dict]:
    """Chat messages for one answer: [triage], answer (+ disclaimer), [Sources panel].

    ``body`` overrides the answer text (a streaming prefix); ``complete=False`` leaves out
    the parts that only appear once the text has finished streaming.
    """
    messages: list[dict] = []
    triage = answer.triage
    if triage.level != "none" and triage.message:
        messages.append({"role": "assistant", "content": triage_html(triage, emergency_number)})
    text = answer.answer if body is None else body
    if triage.level != "none" and triage.message:
        text = _strip_lead(text, triage.message)  # the triage box already says it
    content = safe_markdown(text) if text.strip() else ""
    if complete:
        disclaimer = disclaimer_html(answer.disclaimer) if answer.disclaimer else ""
        content = f"{content}\n\n{disclaimer}" if content else disclaimer
    if content:
        messages.append({"role": "assistant", "content": content})
    if complete and answer.citations:
        n = len(answer.citations)
        messages.append(
            {
                "role": "assistant",
                "content": sources_html(answer.citations),
                "metadata": {"title": f"Sources ({n} passage{'s' if n != 1 else ''})", "status": "done"},
            }
        )
    return messages


def text_prefixes(text: str, words_per_step: int = 4) -> Iterator[str]:
    """Growing prefixes of ``text`` cut at whitespace (what a streamed answer shows)."""
    tokens = re.findall(r"\S+\s*", text or "")
    for i in range(words_per_step, len(tokens), words_per_step):
        yield "".join(tokens[:i]).rstrip()
    yield text or ""


def notice_message(text: str, kind: str = "info") -> dict:
    """A plain message from the app itself (bad input, starting up, busy): text only."""
    return {
        "role": "assistant",
        "content": f'<div class="notice notice-{escape_html(kind)}" role="status">{_escape_block(text)}</div>',
    }


__all__ = [
    "plain_text_markdown",
    "safe_markdown",
    "format_relevance",
    "find_quote_spans",
    "highlight_quote",
    "sources_html",
    "triage_html",
    "disclaimer_html",
    "user_message",
    "answer_messages",
    "text_prefixes",
    "notice_message",
    "escape_html",
]
