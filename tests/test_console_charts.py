"""The server-drawn SVG charts: well-formed, escaped, every value on a mark, gaps as gaps."""

from __future__ import annotations

from xml.etree import ElementTree

from bot.console.charts import Series, bars, lines, number

NS = "{http://www.w3.org/2000/svg}"


def test_bars_carry_their_values_and_escape_labels() -> None:
    svg = bars(
        "类别", ["维修", '<b>"x"&'], [Series("数", [3, 0]), Series("率(%)", [66.7, None], 100)]
    )
    root = ElementTree.fromstring(str(svg))
    marks = [(r.get("data-series"), r.get("data-label"), r.get("data-value"))
             for r in root.iter(f"{NS}rect") if r.get("class") == "bar"]  # fmt: skip
    assert marks == [
        ("数", "维修", "3"),
        ("数", '<b>"x"&', "0"),
        ("率(%)", "维修", "66.7"),
        ("率(%)", '<b>"x"&', ""),
    ]
    empty = [r for r in root.iter(f"{NS}rect") if r.get("data-value") == ""]
    assert [r.get("width") for r in empty] == ["0"]  # nothing to measure: no bar
    assert "<b>" not in str(svg)


def test_lines_break_at_a_missing_value() -> None:
    svg = lines("趋势", ["2026-10", "2026-11", "2026-12"], [Series("率", [50.0, None, 75.5], 100)],
                ["10月", "11月", "12月"])  # fmt: skip
    root = ElementTree.fromstring(str(svg))
    points = [(c.get("data-label"), c.get("data-value")) for c in root.iter(f"{NS}circle")]
    assert points == [("2026-10", "50"), ("2026-12", "75.5")]
    assert list(root.iter(f"{NS}polyline")) == []  # no line across the gap
    assert number(None) == "" and number(12.0) == "12" and number(33.333) == "33.3"
