"""Small inline-SVG charts for the HTML report: no script, no external file, no library.

Every chart is built with :func:`el`, which escapes every text node and attribute value
(``markupsafe.escape``), so a set name, tag or level that holds markup is shown as text. The
result is a :class:`markupsafe.Markup` the report template inserts as it is.

* :func:`pass_rate_bars`: one stacked bar per group (passed / failed / errors);
* :func:`histogram`: a distribution with percentile markers, the slowest 1% folded into one bar;
* :func:`confusion_matrix`: expected level (rows) x answered level (columns), shaded by row share.

No ``xmlns`` attribute: inline SVG in HTML does not need one, and the report contains no URL.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Sequence

from markupsafe import Markup, escape

from .stats import percentile

PASS, FAIL, ERROR, OVER = "#2e8b57", "#c0392b", "#d4a000", "#e67e22"
BAR, OVERFLOW = "#4a7fb0", "#8a5a9e"
INK, MUTED, GRID, EMPTY = "#1d2327", "#5f6b73", "#dde3e8", "#f3f5f7"
FONT = {"font-family": "system-ui,-apple-system,'Segoe UI',sans-serif", "font-size": 12}
ANCHOR = {"start": "start", "middle": "middle", "end": "end"}

Attrs = dict[str, object]


def _value(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return str(value)


def el(tag: str, attrs: Attrs | None = None, *children: object) -> Markup:
    """One SVG element. Attribute values and text children are escaped; Markup children are kept."""
    text = "".join(f' {name}="{escape(_value(v))}"' for name, v in (attrs or {}).items() if v is not None)
    if not children:
        return Markup(f"<{tag}{text}/>")
    inner = "".join(str(escape(c)) for c in children)
    return Markup(f"<{tag}{text}>{inner}</{tag}>")


def text(
    x: float, y: float, content: str, *, anchor: str = "start", fill: str = INK, bold: bool = False, size: int = 0
) -> Markup:
    attrs: Attrs = {"x": x, "y": y, "fill": fill, "text-anchor": ANCHOR[anchor]}
    if bold:
        attrs["font-weight"] = 600
    if size:
        attrs["font-size"] = size
    return el("text", attrs, content)


def rect(x: float, y: float, w: float, h: float, fill: str, opacity: float = 1.0) -> Markup:
    attrs: Attrs = {"x": x, "y": y, "width": max(w, 0.0), "height": max(h, 0.0), "fill": fill}
    if opacity < 1:
        attrs["fill-opacity"] = round(opacity, 2)
    return el("rect", attrs)


def line(x1: float, y1: float, x2: float, y2: float, stroke: str = GRID, dashed: bool = False) -> Markup:
    return el(
        "line",
        {"x1": x1, "y1": y1, "x2": x2, "y2": y2, "stroke": stroke, "stroke-dasharray": "4 3" if dashed else None},
    )


def tip(content: str, *children: Markup) -> Markup:
    """A group with a hover text (the SVG ``title`` element)."""
    return el("g", None, el("title", None, content), *children)


def svg(width: int, height: int, label: str, children: Iterable[Markup]) -> Markup:
    attrs: Attrs = {"class": "chart", "role": "img", "aria-label": label, "width": width, "height": height}
    attrs.update(viewBox=f"0 0 {width} {height}", **FONT)
    return el("svg", attrs, el("title", None, label), *children)


def legend(x: float, y: float, items: Sequence[tuple[str, str]]) -> list[Markup]:
    out = []
    for label, colour in items:
        out += [rect(x, y - 9, 10, 10, colour), text(x + 14, y, label)]
        x += 14 + 7 * len(label) + 16
    return out


def _short(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


# --------------------------------------------------------------------------------------------
# pass rate


@dataclass(frozen=True)
class Bar:
    label: str
    passed: int
    failed: int
    errors: int

    @property
    def cases(self) -> int:
        return self.passed + self.failed + self.errors

    @property
    def rate(self) -> float:
        return self.passed / self.cases if self.cases else 0.0


def pass_rate_bars(bars: Sequence[Bar], title: str, width: int = 900) -> Markup:
    """Stacked horizontal bars, one per group: the share of its cases passed, failed and errored."""
    row, top, limit, right_w = 20, 58, 38, 110
    label_w = min(limit, max((len(b.label) for b in bars), default=4)) * 7 + 14
    plot_w = width - label_w - right_w
    height = top + row * len(bars) + 6
    parts = [text(0, 14, title, bold=True), *legend(0, 34, (("passed", PASS), ("failed", FAIL), ("errors", ERROR)))]
    for tick in (0, 0.25, 0.5, 0.75, 1):
        x = label_w + plot_w * tick
        parts += [line(x, top - 6, x, height - 4), text(x, top - 10, f"{tick:.0%}", anchor="middle", fill=MUTED)]
    for i, bar in enumerate(bars):
        y = top + i * row
        shapes = [text(label_w - 8, y + 13, _short(bar.label, limit), anchor="end")]
        x = float(label_w)
        for count, colour in ((bar.passed, PASS), (bar.failed, FAIL), (bar.errors, ERROR)):
            w = plot_w * count / bar.cases if bar.cases else 0.0
            if w > 0:
                shapes.append(rect(x, y + 3, w, 13, colour))
            x += w
        shapes.append(text(label_w + plot_w + 8, y + 13, f"{bar.rate * 100:.1f}% of {bar.cases}"))
        hover = f"{bar.label}: {bar.passed} passed, {bar.failed} failed, {bar.errors} errors of {bar.cases}"
        parts.append(tip(hover, *shapes))
    return svg(width, height, title, parts)


# --------------------------------------------------------------------------------------------
# histogram


def nice_step(raw: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten that is >= raw (raw > 0)."""
    power = 10 ** math.floor(math.log10(raw))
    return next(f * power for f in (1, 2, 5, 10) if f * power >= raw * (1 - 1e-9))


@dataclass(frozen=True)
class Bins:
    step: float
    counts: list[int]  # counts[i]: values in [i*step, (i+1)*step)
    overflow: int  # values at or above ``end``

    @property
    def end(self) -> float:
        return self.step * len(self.counts)


def make_bins(values: Sequence[float], target: int = 24) -> Bins:
    """Equal-width bins from 0 to about the 99th percentile; anything slower is counted apart."""
    top = percentile(values, 99) or 0.0
    step = nice_step(top / target) if top > 0 else 1.0
    counts = [0] * max(1, math.floor(top / step) + 1)
    overflow = 0
    for value in values:
        index = math.floor(max(value, 0) / step)
        if index < len(counts):
            counts[index] += 1
        else:
            overflow += 1
    return Bins(step=step, counts=counts, overflow=overflow)


def _num(value: float) -> str:
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


@dataclass(frozen=True)
class _Plot:
    left: float
    top: float
    width: float
    height: float
    columns: int
    y_top: float

    @property
    def col_w(self) -> float:
        return self.width / self.columns

    def y(self, count: float) -> float:
        return self.top + self.height - self.height * count / self.y_top

    def column(self, i: int, count: int, fill: str) -> Markup:
        return rect(
            self.left + i * self.col_w + 1, self.y(count), self.col_w - 2, self.top + self.height - self.y(count), fill
        )


def histogram(
    values: Sequence[float],
    title: str,
    markers: Iterable[tuple[str, float | None]] = (),
    unit: str = "ms",
    width: int = 900,
) -> Markup:
    """Vertical bars of how many values fall in each bin; dashed lines at the given markers."""
    if not values:
        return svg(width, 40, title, [text(0, 24, f"{title}: no values", fill=MUTED)])
    bins = make_bins(values)
    y_max = max([*bins.counts, bins.overflow])
    plot = _Plot(
        44, 44, width - 60, 180, len(bins.counts) + (1 if bins.overflow else 0), max(4, nice_step(y_max / 4) * 4)
    )
    base = plot.top + plot.height
    parts = [text(0, 14, title, bold=True), text(plot.left - 6, plot.top - 12, "cases", anchor="end", fill=MUTED)]
    for tick in range(5):
        y = plot.y(plot.y_top * tick / 4)
        parts += [
            line(plot.left, y, plot.left + plot.width, y),
            text(plot.left - 6, y + 4, _value(plot.y_top * tick / 4), anchor="end", fill=MUTED),
        ]
    every = max(1, math.ceil(plot.columns / 12))
    for i, count in enumerate(bins.counts):
        lo, hi = i * bins.step, (i + 1) * bins.step
        parts.append(tip(f"{_num(lo)}–{_num(hi)} {unit}: {count}", plot.column(i, count, BAR)))
        if i % every == 0:
            parts.append(text(plot.left + i * plot.col_w, base + 16, _num(lo), anchor="middle", fill=MUTED))
    end_x = plot.left + len(bins.counts) * plot.col_w
    if bins.overflow:
        parts.append(
            tip(f"≥ {_num(bins.end)} {unit}: {bins.overflow}", plot.column(len(bins.counts), bins.overflow, OVERFLOW))
        )
        parts.append(text(end_x + plot.col_w / 2, base + 16, f"≥{_num(bins.end)}", anchor="middle", fill=MUTED))
    else:
        parts.append(text(end_x, base + 16, _num(bins.end), anchor="middle", fill=MUTED))
    caption = f"{unit} (bin width {_num(bins.step)} {unit}); {len(values)} values"
    parts.append(text(plot.left + plot.width / 2, base + 36, caption, anchor="middle", fill=MUTED))
    for n, (name, value) in enumerate(m for m in markers if m[1] is not None):
        assert value is not None
        x = plot.left + (value / bins.step if value < bins.end else len(bins.counts) + 0.5) * plot.col_w
        parts += [
            line(x, plot.top - 4, x, base, stroke=INK, dashed=True),
            text(x + 4, plot.top + 12 * n, f"{name} {_num(value)} {unit}", bold=True),
        ]
    return svg(width, int(base + 44), title, parts)


# --------------------------------------------------------------------------------------------
# confusion matrix


def _cell_colour(expected: int, got: int, share: float) -> tuple[str, float]:
    if got == expected:
        return PASS, 0.2 + 0.8 * share
    return (FAIL if got < expected else OVER), 0.25 + 0.75 * share


def _cell(x: float, y: float, w: float, h: float, count: int, share: float, colour: tuple[str, float]) -> list[Markup]:
    fill, opacity = colour if count else (EMPTY, 1.0)
    ink = "#ffffff" if count and opacity > 0.55 else INK
    out = [
        rect(x, y, w - 2, h - 2, fill, opacity),
        text(x + w / 2, y + 18, str(count), anchor="middle", fill=ink, bold=True, size=14),
    ]
    if count:
        out.append(
            text(x + w / 2, y + 33, f"{share:.0%}" if share >= 0.005 else "<1%", anchor="middle", fill=ink, size=10)
        )
    return out


def confusion_matrix(matrix: dict[str, dict[str, int]], levels: Sequence[str], title: str) -> Markup:
    """Rows: expected level; columns: answered level. Each cell: count and share of its row."""
    cell_w, cell_h, left, top = 92, 42, 120, 64
    width = left + cell_w * (len(levels) + 1) + 8
    height = top + cell_h * len(levels) + 44
    parts = [text(0, 14, title, bold=True)]
    parts += [
        text(left + cell_w * len(levels) / 2, 36, "answered →", anchor="middle", fill=MUTED),
        text(left - 10, 36, "expected ↓", anchor="end", fill=MUTED),
    ]
    for j, got in enumerate(levels):
        parts.append(text(left + cell_w * (j + 0.5), top - 8, got, anchor="middle", bold=True))
    parts.append(text(left + cell_w * (len(levels) + 0.5), top - 8, "cases", anchor="middle", fill=MUTED))
    for i, expected in enumerate(levels):
        row = matrix.get(expected) or {}
        total = sum(row.get(g, 0) for g in levels)
        y = top + i * cell_h
        parts.append(text(left - 10, y + cell_h / 2 + 4, expected, anchor="end", bold=True))
        for j, got in enumerate(levels):
            count = row.get(got, 0)
            share = count / total if total else 0.0
            cell = _cell(left + j * cell_w, y, cell_w, cell_h, count, share, _cell_colour(i, j, share))
            parts.append(tip(f"expected {expected}, answered {got}: {count} of {total}", *cell))
        parts.append(
            text(left + cell_w * (len(levels) + 0.5), y + cell_h / 2 + 4, str(total), anchor="middle", fill=MUTED)
        )
    parts += legend(
        left, height - 12, (("as expected", PASS), ("too low (missed)", FAIL), ("too high (false alarm)", OVER))
    )
    return svg(width, height, title, parts)
