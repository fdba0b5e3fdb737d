"""Charts drawn on the server as inline SVG: no chart library, nothing to download, readable
without JavaScript.

Every chart is an ``<svg role="img">`` named by its ``<title>`` and described by its ``<desc>``,
scales with its container through its ``viewBox`` and keeps text at least 13 units high: the
widths are chosen so that text is drawn at about 12 pixels on a phone and, the width being
capped, at about 16 on a desktop. Its numbers belong in a table next to it (the page shows one
for every chart); shapes carry their value in a ``<title>`` too, as a tooltip. Colours have a
contrast of at least 3:1 against white; bars that touch are separated by a white line, and
hatching tells apart two dark greys.

Labels are measured by an estimate of the average glyph width, which is good enough to keep
them inside the drawing; a label that would not fit is shortened with an ellipsis, its full text
in the tooltip and the table.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

TEXT = "#212529"
MUTED = "#495057"
TRACK = "#e9ecef"
TRACK_EDGE = "#6c757d"
FONT = 15
SMALL = 13
GLYPH = 0.53        # an average glyph's width, as a share of the font size
GLYPH_BOLD = 0.6


@dataclass(frozen=True)
class Series:
    """One kind of bar segment: its name in the legend and its colour."""

    label: str
    colour: str
    hatched: bool = False


def _fmt(value: float) -> str:
    return f"{value:g}"


def text_width(text: str, size: float = FONT, bold: bool = False) -> float:
    return len(text) * size * (GLYPH_BOLD if bold else GLYPH)


def fit(text: str, width: float, size: float = FONT) -> str:
    """``text``, shortened with an ellipsis to fit ``width``."""
    if text_width(text, size) <= width:
        return text
    keep = max(1, int(width / (size * GLYPH)) - 1)
    return text[:keep].rstrip() + "…"


def _n(value: float) -> str:
    """A coordinate, short."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _svg(chart_id: str, title: str, description: str, width: float, height: float, body: list[str],
         defs: str = "", max_width: int = 440) -> Markup:
    """``max_width`` in pixels: 300, 420 or 440 (classes in anugerah.css; the Content-Security-Policy
    refuses inline styles)."""
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-max-{max_width} d-block w-100 h-auto" '
        f'role="img" id="{escape(chart_id)}" viewBox="0 0 {_n(width)} {_n(height)}" '
        f'preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>'
        f'{defs}{"".join(body)}</svg>')


def _hatch_id(chart_id: str, index: int) -> str:
    return f"{chart_id}-hatch-{index}"


def _patterns(chart_id: str, series: Sequence[Series]) -> str:
    patterns = [
        f'<pattern id="{escape(_hatch_id(chart_id, i))}" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{s.colour}" opacity="0.35"/>'
        f'<rect width="3" height="6" fill="{s.colour}"/></pattern>'
        for i, s in enumerate(series) if s.hatched]
    return f"<defs>{''.join(patterns)}</defs>" if patterns else ""


def _fill(chart_id: str, series: Series, index: int) -> str:
    return f"url(#{_hatch_id(chart_id, index)})" if series.hatched else series.colour


def _label_line(y: float, width: float, label: str, value_text: str) -> list[str]:
    """A row's label on the left and its value on the right, on one line."""
    room = width - text_width(value_text, bold=True) - 10
    return [f'<text x="0" y="{_n(y)}" font-size="{FONT}" fill="{TEXT}">'
            f'<title>{escape(label)}</title>{escape(fit(label, room))}</text>',
            f'<text x="{_n(width)}" y="{_n(y)}" font-size="{FONT}" fill="{TEXT}" text-anchor="end" '
            f'font-weight="600">{escape(value_text)}</text>']


def legend(series: Sequence[Series]) -> Markup:
    """The colours' names, as an HTML list under the chart (the table holds the same names)."""
    items = []
    for s in series:
        # Drawn in SVG: a colour in an attribute, where a style attribute would be refused.
        paint = (f'<rect width="12" height="12" fill="#fff"/><path d="M-1 5 5-1M-1 11 11-1M5 13 13 5" '
                 f'stroke="{s.colour}" stroke-width="3"/>' if s.hatched
                 else f'<rect width="12" height="12" fill="{s.colour}"/>')
        items.append(f'<li class="d-inline-flex align-items-center me-3"><svg class="swatch me-1 border '
                     f'border-dark-subtle" width="12" height="12">{paint}</svg>{escape(s.label)}</li>')
    return Markup(f'<ul class="list-unstyled small mb-2" aria-hidden="true">{"".join(items)}</ul>')


def stacked_bars(chart_id: str, title: str, description: str,
                 rows: Sequence[tuple[str, Sequence[float]]], series: Sequence[Series], *,
                 value_text: Callable[[int], str] | None = None, maximum: float | None = None,
                 fmt: Callable[[float], str] = _fmt, width: float = 400) -> Markup:
    """Horizontal bars, one per row, each split into ``series`` segments.

    :param rows: (label, one value per series) for each bar.
    :param value_text: the text shown at the end of row ``i``'s label line (its total by default).
    :param maximum: the value a full-width bar stands for (the largest total by default).
    """
    bar, gap, row_height = 18.0, 12.0, FONT + 6 + 18 + 12
    totals = [sum(values) for _, values in rows]
    top = maximum if maximum is not None else max(totals, default=0)
    body: list[str] = []
    for i, (label, values) in enumerate(rows):
        y = i * row_height
        shown = value_text(i) if value_text else fmt(totals[i])
        body += _label_line(y + FONT, width, label, shown)
        bar_y = y + FONT + 6
        body.append(f'<rect x="0" y="{_n(bar_y)}" width="{_n(width)}" height="{_n(bar)}" fill="{TRACK}"/>')
        x = 0.0
        for index, (s, value) in enumerate(zip(series, values, strict=True)):
            if value <= 0 or top <= 0:
                continue
            length = width * value / top
            body.append(
                f'<rect x="{_n(x)}" y="{_n(bar_y)}" width="{_n(length)}" height="{_n(bar)}" '
                f'fill="{_fill(chart_id, s, index)}" stroke="#fff" stroke-width="1">'
                f'<title>{escape(label)} – {escape(s.label)}: {escape(fmt(value))}</title></rect>')
            x += length
    height = max(len(rows) * row_height - gap, row_height - gap)
    return _svg(chart_id, title, description, width, height, body, _patterns(chart_id, series))


def bar_chart(chart_id: str, title: str, description: str, bars: Sequence[tuple[str, float]], *,
              colour: str = "#0b5ed7", horizontal: bool = True, maximum: float | None = None,
              fmt: Callable[[float], str] = _fmt, width: float = 400, height: float = 200) -> Markup:
    """One series of bars: horizontal (label above each bar) or vertical (labels below)."""
    if horizontal:
        return stacked_bars(chart_id, title, description, [(label, [value]) for label, value in bars],
                            [Series(title, colour)], maximum=maximum, fmt=fmt, width=width)
    top = maximum if maximum is not None else max((v for _, v in bars), default=0)
    plot_top, plot_bottom = SMALL + 8, height - SMALL - 10
    slot = width / max(len(bars), 1)
    body = [f'<line x1="0" x2="{_n(width)}" y1="{_n(plot_bottom)}" y2="{_n(plot_bottom)}" '
            f'stroke="{TRACK_EDGE}"/>']
    for i, (label, value) in enumerate(bars):
        x = i * slot + slot * 0.15
        bar_height = (plot_bottom - plot_top) * value / top if top > 0 else 0
        body.append(f'<rect x="{_n(x)}" y="{_n(plot_bottom - bar_height)}" width="{_n(slot * 0.7)}" '
                    f'height="{_n(bar_height)}" fill="{colour}"><title>{escape(label)}: {escape(fmt(value))}'
                    f'</title></rect>')
        body.append(f'<text x="{_n(i * slot + slot / 2)}" y="{_n(plot_bottom - bar_height - 4)}" '
                    f'font-size="{SMALL}" fill="{TEXT}" text-anchor="middle">{escape(fmt(value))}</text>')
        body.append(f'<text x="{_n(i * slot + slot / 2)}" y="{_n(height - 2)}" font-size="{SMALL}" '
                    f'fill="{MUTED}" text-anchor="middle">{escape(fit(label, slot - 4, SMALL))}</text>')
    return _svg(chart_id, title, description, width, height, body)


def histogram(chart_id: str, title: str, description: str, counts: Sequence[int],
              edges: Sequence[str] | None = None, labels: Sequence[str] | None = None, *,
              colour: str = "#5a32a3", width: float = 340, height: float = 170,
              fmt: Callable[[float], str] = _fmt) -> Markup:
    """Touching vertical bars: with ``edges`` (one more than the bins) the axis marks each bin's
    edges, as for a continuous scale; with ``labels`` it names each bin, as for levels."""
    plot_top, plot_bottom = SMALL + 6, height - SMALL - 8
    left, right = 10.0, width - 10.0
    slot = (right - left) / max(len(counts), 1)
    top = max(counts, default=0)
    body = [f'<line x1="{_n(left)}" x2="{_n(right)}" y1="{_n(plot_bottom)}" y2="{_n(plot_bottom)}" '
            f'stroke="{TRACK_EDGE}"/>']
    for i, count in enumerate(counts):
        x = left + i * slot
        bar_height = (plot_bottom - plot_top) * count / top if top > 0 else 0
        name = labels[i] if labels else (f"{edges[i]}–{edges[i + 1]}" if edges else str(i + 1))
        body.append(f'<rect x="{_n(x)}" y="{_n(plot_bottom - bar_height)}" width="{_n(slot)}" '
                    f'height="{_n(bar_height)}" fill="{colour}" stroke="#fff" stroke-width="1">'
                    f'<title>{escape(name)}: {escape(fmt(count))}</title></rect>')
        if count:
            body.append(f'<text x="{_n(x + slot / 2)}" y="{_n(plot_bottom - bar_height - 3)}" '
                        f'font-size="{SMALL}" fill="{TEXT}" text-anchor="middle">{escape(fmt(count))}</text>')
        if labels:
            name = fit(labels[i], slot - 2, SMALL)
            body.append(f'<text x="{_n(x + slot / 2)}" y="{_n(height - 2)}" font-size="{SMALL}" '
                        f'fill="{MUTED}" text-anchor="middle">{escape(name)}</text>')
    if edges and not labels:
        # A tick at every edge; a number at every edge when they fit comfortably, otherwise at
        # every other one (and always at both ends).
        step = 1 if max(map(len, edges)) * SMALL * GLYPH < slot / 2 else 2
        for i, edge in enumerate(edges):
            x = left + i * slot
            body.append(f'<line x1="{_n(x)}" x2="{_n(x)}" y1="{_n(plot_bottom)}" y2="{_n(plot_bottom + 4)}" '
                        f'stroke="{TRACK_EDGE}"/>')
            if i % step and i != len(edges) - 1:
                continue
            anchor = "start" if i == 0 else "end" if i == len(edges) - 1 else "middle"
            body.append(f'<text x="{_n(x)}" y="{_n(height - 2)}" '
                        f'font-size="{SMALL}" fill="{MUTED}" text-anchor="{anchor}">{escape(edge)}</text>')
    return _svg(chart_id, title, description, width, height, body, max_width=420)


def gauge(chart_id: str, title: str, description: str, value: float, total: float, *,
          centre_text: str, caption: str, colour: str = "#146c43") -> Markup:
    """A half-circle dial filled to ``value / total`` (at most full), with the share written in it."""
    share = min(max(value / total, 0.0), 1.0) if total > 0 else 0.0
    cx, cy, radius, thickness = 120.0, 118.0, 96.0, 24.0
    start = (cx - radius, cy)

    def point(fraction: float) -> tuple[float, float]:
        angle = math.pi * (1 - fraction)
        return cx + radius * math.cos(angle), cy - radius * math.sin(angle)

    def arc(fraction: float, stroke: str, tooltip: str = "") -> str:
        end = point(fraction)
        inner = f"<title>{escape(tooltip)}</title>" if tooltip else ""
        return (f'<path d="M {_n(start[0])} {_n(start[1])} A {_n(radius)} {_n(radius)} 0 0 1 '
                f'{_n(end[0])} {_n(end[1])}" fill="none" stroke="{stroke}" stroke-width="{_n(thickness)}">'
                f'{inner}</path>')

    body = [arc(1.0, TRACK)]
    for edge in (radius + thickness / 2, radius - thickness / 2):
        body.append(f'<path d="M {_n(cx - edge)} {_n(cy)} A {_n(edge)} {_n(edge)} 0 0 1 {_n(cx + edge)} '
                    f'{_n(cy)}" fill="none" stroke="{TRACK_EDGE}" stroke-width="1"/>')
    if share > 0:
        body.append(arc(share, colour, caption))
    body.append(f'<text x="{_n(cx)}" y="{_n(cy - 14)}" font-size="30" font-weight="700" fill="{TEXT}" '
                f'text-anchor="middle">{escape(centre_text)}</text>')
    body.append(f'<text x="{_n(cx)}" y="{_n(cy + 20)}" font-size="{FONT}" fill="{MUTED}" '
                f'text-anchor="middle">{escape(caption)}</text>')
    return _svg(chart_id, title, description, 240, cy + 26, body, max_width=300)


def diverging_bars(chart_id: str, title: str, description: str,
                   rows: Sequence[tuple[str, float, str]], *, positive: str = "#0b5ed7",
                   negative: str = "#6c757d", zero: str = "#b35900", width: float = 400) -> Markup:
    """Horizontal bars either side of a zero line: (label, value, the value as read) per row.
    Values above zero go right, below zero go left; zero is a mark on the line."""
    bar, row_height = 16.0, FONT + 6 + 16 + 12
    top = max((abs(v) for _, v, _ in rows), default=0) or 1
    has_negative = any(v < 0 for _, v, _ in rows)
    has_positive = any(v > 0 for _, v, _ in rows)
    zero_x = width / 2 if has_negative and has_positive else (width - 8 if has_negative else 8.0)
    half = max(zero_x, width - zero_x) if not (has_negative and has_positive) else width / 2
    body: list[str] = []
    for i, (label, value, shown) in enumerate(rows):
        y = i * row_height
        body += _label_line(y + FONT, width, label, shown)
        bar_y = y + FONT + 6
        length = half * abs(value) / top
        if value > 0:
            body.append(f'<rect x="{_n(zero_x)}" y="{_n(bar_y)}" width="{_n(length)}" height="{_n(bar)}" '
                        f'fill="{positive}"><title>{escape(label)}: {escape(shown)}</title></rect>')
        elif value < 0:
            body.append(f'<rect x="{_n(zero_x - length)}" y="{_n(bar_y)}" width="{_n(length)}" '
                        f'height="{_n(bar)}" fill="{negative}"><title>{escape(label)}: {escape(shown)}'
                        f'</title></rect>')
        else:
            body.append(f'<circle cx="{_n(zero_x)}" cy="{_n(bar_y + bar / 2)}" r="6" fill="{zero}">'
                        f'<title>{escape(label)}: {escape(shown)}</title></circle>')
        body.append(f'<line x1="{_n(zero_x)}" x2="{_n(zero_x)}" y1="{_n(bar_y - 3)}" '
                    f'y2="{_n(bar_y + bar + 3)}" stroke="{TEXT}" stroke-width="1.5"/>')
    height = max(len(rows), 1) * row_height - 9
    return _svg(chart_id, title, description, width, height, body)


def range_plot(chart_id: str, title: str, description: str,
               rows: Sequence[tuple[str, Sequence[tuple[str, float]], str]], *, low: float = 0,
               high: float = 100, colour: str = "#b02a37", fmt: Callable[[float], str] = _fmt,
               width: float = 400) -> Markup:
    """For each row, several points on one scale joined by a line from lowest to highest:
    (label, (point name, value) per point, the spread as read)."""
    row_height = FONT + 6 + 16 + 12
    left, right = 6.0, width - 6.0

    def x_of(value: float) -> float:
        return left + (right - left) * (value - low) / (high - low)

    body: list[str] = []
    for i, (label, points, shown) in enumerate(rows):
        y = i * row_height
        body += _label_line(y + FONT, width, label, shown)
        mid = y + FONT + 6 + 8
        body.append(f'<line x1="{_n(left)}" x2="{_n(right)}" y1="{_n(mid)}" y2="{_n(mid)}" '
                    f'stroke="{TRACK_EDGE}" stroke-width="1" stroke-dasharray="2 3"/>')
        values = [v for _, v in points]
        if values:
            body.append(f'<line x1="{_n(x_of(min(values)))}" x2="{_n(x_of(max(values)))}" y1="{_n(mid)}" '
                        f'y2="{_n(mid)}" stroke="{colour}" stroke-width="4"/>')
        for name, value in points:
            body.append(f'<circle cx="{_n(x_of(value))}" cy="{_n(mid)}" r="5.5" fill="#fff" '
                        f'stroke="{colour}" stroke-width="2.5"><title>{escape(name)}: {escape(fmt(value))}'
                        f'</title></circle>')
    axis_y = len(rows) * row_height
    body.append(f'<line x1="{_n(left)}" x2="{_n(right)}" y1="{_n(axis_y)}" y2="{_n(axis_y)}" '
                f'stroke="{TRACK_EDGE}"/>')
    for k in range(5):
        value = low + (high - low) * k / 4
        anchor = "start" if k == 0 else "end" if k == 4 else "middle"
        body.append(f'<text x="{_n(x_of(value))}" y="{_n(axis_y + SMALL + 4)}" font-size="{SMALL}" '
                    f'fill="{MUTED}" text-anchor="{anchor}">{escape(fmt(value))}</text>')
    return _svg(chart_id, title, description, width, axis_y + SMALL + 6, body)
