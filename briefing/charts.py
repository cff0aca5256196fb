"""Charts of the pack as inline SVG, drawn from the data (no chart library, prints sharp at any size).

In: plain numbers and Russian labels. Out: an ``<svg>`` string for the HTML document. Colours hold in
greyscale print: bars are mid-grey-blue, the share line dark with point markers, the target dashed.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from briefing.data import TrendPoint

_BAR = "#4a78a8"
_LINE = "#1b1b1b"
_TARGET = "#b03030"
_GRID = "#d0d0d0"
_FONT = "font-family='DejaVu Sans, sans-serif'"


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    step = 10 ** (len(str(int(value))) - 1)
    return float(((int(value) // step) + 1) * step)


def weekly_trend(points: Sequence[TrendPoint], target: float | None = None) -> str:
    """Bars: appeals per week; line: share answered on time (right axis, 0–100 %); dashed: target."""
    width, height, left, right, top, bottom = 680, 220, 44, 44, 16, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    top_count = _nice_max(max((p.appeals for p in points), default=0))
    n = max(len(points), 1)
    slot = plot_w / n
    out = [
        f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}' width='100%' "
        f"role='img' aria-label='Обращения по неделям и доля ответов в срок'>"
    ]
    for i in range(5):
        y = top + plot_h * i / 4
        out.append(f"<line x1='{left}' y1='{y:.1f}' x2='{width - right}' y2='{y:.1f}' stroke='{_GRID}'/>")
        out.append(
            f"<text x='{left - 4}' y='{y + 4:.1f}' text-anchor='end' font-size='10' {_FONT}>"
            f"{int(top_count * (4 - i) / 4)}</text>"
        )
        out.append(
            f"<text x='{width - right + 4}' y='{y + 4:.1f}' font-size='10' {_FONT}>{(4 - i) * 25}%</text>"
        )
    line: list[str] = []
    for i, p in enumerate(points):
        x = left + slot * i
        bar_h = plot_h * p.appeals / top_count
        out.append(
            f"<rect x='{x + slot * 0.2:.1f}' y='{top + plot_h - bar_h:.1f}' width='{slot * 0.6:.1f}' "
            f"height='{bar_h:.1f}' fill='{_BAR}'/>"
        )
        out.append(
            f"<text x='{x + slot / 2:.1f}' y='{top + plot_h - bar_h - 3:.1f}' text-anchor='middle' "
            f"font-size='9' {_FONT}>{p.appeals}</text>"
        )
        out.append(
            f"<text x='{x + slot / 2:.1f}' y='{height - bottom + 14}' text-anchor='middle' font-size='10' "
            f"{_FONT}>{p.week_start:%d.%m}</text>"
        )
        if p.share_on_time is not None:
            y = top + plot_h * (1 - p.share_on_time)
            line.append(f"{x + slot / 2:.1f},{y:.1f}")
            out.append(f"<circle cx='{x + slot / 2:.1f}' cy='{y:.1f}' r='3' fill='{_LINE}'/>")
    if len(line) > 1:
        out.append(f"<polyline points='{' '.join(line)}' fill='none' stroke='{_LINE}' stroke-width='2'/>")
    if target is not None:
        y = top + plot_h * (1 - target)
        out.append(
            f"<line x1='{left}' y1='{y:.1f}' x2='{width - right}' y2='{y:.1f}' stroke='{_TARGET}' "
            "stroke-dasharray='6 4' stroke-width='1.5'/>"
        )
    legend_y = height - 8
    out.append(f"<rect x='{left}' y='{legend_y - 9}' width='10' height='10' fill='{_BAR}'/>")
    out.append(
        f"<text x='{left + 14}' y='{legend_y}' font-size='10' {_FONT}>"
        "обращений за неделю (левая шкала)</text>"
    )
    out.append(
        f"<line x1='{left + 250}' y1='{legend_y - 4}' x2='{left + 270}' y2='{legend_y - 4}' "
        f"stroke='{_LINE}' stroke-width='2'/>"
    )
    out.append(
        f"<text x='{left + 274}' y='{legend_y}' font-size='10' {_FONT}>доля ответов в срок (правая)</text>"
    )
    if target is not None:
        out.append(
            f"<line x1='{left + 460}' y1='{legend_y - 4}' x2='{left + 480}' y2='{legend_y - 4}' "
            f"stroke='{_TARGET}' stroke-dasharray='6 4' stroke-width='1.5'/>"
        )
        out.append(f"<text x='{left + 484}' y='{legend_y}' font-size='10' {_FONT}>цель</text>")
    out.append("</svg>")
    return "".join(out)


def horizontal_bars(items: Sequence[tuple[str, int]], caption: str) -> str:
    """One bar per item (label, value), longest first as given; labels are cut at 60 characters."""
    if not items:
        return ""
    width, row, label_w = 680, 18, 330
    height = row * len(items) + 8
    top_value = max(v for _, v in items) or 1
    out = [
        f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}' width='100%' "
        f"role='img' aria-label='{escape(caption)}'>"
    ]
    for i, (label, value) in enumerate(items):
        y = 4 + i * row
        text = label if len(label) <= 60 else label[:57] + "…"
        bar = (width - label_w - 50) * value / top_value
        out.append(
            f"<text x='{label_w - 6}' y='{y + 12}' text-anchor='end' font-size='10' {_FONT}>"
            f"{escape(text)}</text>"
        )
        out.append(f"<rect x='{label_w}' y='{y + 2}' width='{bar:.1f}' height='{row - 6}' fill='{_BAR}'/>")
        out.append(f"<text x='{label_w + bar + 4:.1f}' y='{y + 12}' font-size='10' {_FONT}>{value}</text>")
    out.append("</svg>")
    return "".join(out)
