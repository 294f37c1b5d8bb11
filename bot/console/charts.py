"""Small charts drawn on the server as inline SVG: no script, no third-party files, nothing
fetched from a network. Chinese text is left to the page's fonts (the console's font stack).

Every bar and point carries ``data-series``, ``data-label`` and ``data-value`` (the number the
table beside it shows), so a test can check the chart and the table say the same thing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

PALETTE = ("#1a7f4b", "#0b63c4", "#d96c00", "#8e44ad", "#c62828")
FONT = "'Noto Sans CJK SC','WenQuanYi Zen Hei','PingFang SC','Microsoft YaHei',sans-serif"
ROW, LABEL_W, WIDTH = 22, 120, 560


@dataclass(frozen=True, slots=True)
class Series:
    """One named series: a value (or None, nothing to show) per label, in label order."""

    name: str
    values: Sequence[float | None]
    top: float | None = None  # the scale's full length (100 for a percentage); None: the largest

    def scale(self) -> float:
        return self.top or max((v for v in self.values if v is not None), default=0) or 1


def number(value: float | None) -> str:
    """A value as the chart and its table both show it: ``12``, ``85.5`` or empty."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _svg(width: int, height: int, title: str, body: list[str]) -> Markup:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'font-family="{FONT}" font-size="12"><title>{escape(title)}</title>'
    )
    return Markup(head + "".join(body) + "</svg>")


def _legend(series: Sequence[Series], y: int) -> list[str]:
    out = []
    for i, s in enumerate(series):
        x = 40 + i * 120
        color = PALETTE[i % len(PALETTE)]
        out.append(f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{color}"/>')
        out.append(f'<text x="{x + 14}" y="{y}">{escape(s.name)}</text>')
    return out


def bars(title: str, labels: Sequence[str], series: Sequence[Series]) -> Markup:
    """Horizontal bars, one group per label, one bar per series; each series is scaled to
    its own ``top`` or largest value (a count and a percentage can share a chart)."""
    per = len(series)
    group = ROW * per + 8
    height = 24 + group * max(len(labels), 1) + 10
    body = _legend(series, 14)
    plot = WIDTH - LABEL_W - 60
    for j, s in enumerate(series):
        top = s.scale()
        color = PALETTE[j % len(PALETTE)]
        for i, (label, value) in enumerate(zip(labels, s.values, strict=True)):
            y = 24 + i * group + j * ROW
            w = 0 if value is None else max(1, round(plot * value / top))
            shown = number(value) or "—"
            body.append(
                f'<rect class="bar" x="{LABEL_W}" y="{y}" width="{w}" height="{ROW - 4}" '
                f'fill="{color}" data-series="{escape(s.name)}" data-label="{escape(label)}" '
                f'data-value="{number(value)}"/>'
                f'<text x="{LABEL_W + w + 4}" y="{y + ROW - 8}">{shown}</text>'
            )
        if j == 0:
            for i, label in enumerate(labels):
                y = 24 + i * group + ROW - 8
                body.append(
                    f'<text x="{LABEL_W - 6}" y="{y}" text-anchor="end">{escape(label[:10])}</text>'
                )
    return _svg(WIDTH, height, title, body)


def lines(
    title: str, labels: Sequence[str], series: Sequence[Series], axis: Sequence[str] = ()
) -> Markup:
    """A line per series over the labels (months), each scaled to its own ``top`` or largest
    value; a missing value breaks the line. ``axis``: shorter names written under the points."""
    height, top_y, bottom = 230, 28, 190
    step = (WIDTH - LABEL_W) / max(len(labels) - 1, 1)
    body = _legend(series, 14)
    body.append(f'<line x1="40" y1="{bottom}" x2="{WIDTH - 20}" y2="{bottom}" stroke="#c9ced6"/>')
    for i, label in enumerate(axis or labels):
        x = 60 + i * step
        body.append(
            f'<text x="{x:.1f}" y="{bottom + 18}" text-anchor="middle">{escape(label)}</text>'
        )
    for j, s in enumerate(series):
        top = s.scale()
        color = PALETTE[j % len(PALETTE)]
        points: list[str] = []
        for i, (label, value) in enumerate(zip(labels, s.values, strict=True)):
            if value is None:
                if len(points) > 1:
                    body.append(_polyline(points, color))
                points = []
                continue
            x, y = 60 + i * step, bottom - (bottom - top_y) * value / top
            points.append(f"{x:.1f},{y:.1f}")
            body.append(
                f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{color}" '
                f'data-series="{escape(s.name)}" data-label="{escape(label)}" '
                f'data-value="{number(value)}"><title>{escape(label)} {escape(s.name)} '
                f"{number(value)}</title></circle>"
            )
        if len(points) > 1:
            body.append(_polyline(points, color))
    return _svg(WIDTH, height, title, body)


def _polyline(points: list[str], color: str) -> str:
    return f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{" ".join(points)}"/>'
