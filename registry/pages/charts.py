"""A cumulative series as an inline SVG line chart (actual vs target vs even pace, no script, no chart library), and
a chart's finished values: the SVG, its caption and the same points as a table."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup, escape

from registry.pages.catalogue import Catalogue, plain
from registry.pages.display import pace_text

WIDTH, HEIGHT = 480, 270
LEFT, RIGHT, TOP, BOTTOM = 40, 96, 34, 28
"""Plot margins in SVG units: the right margin holds the direct labels of the lines' ends."""

FONT = 12
LABEL_GAP = 20  # room for the labels at 17 units, the size a phone shows them at (style.css)
"""Direct labels closer than this are pushed apart, so two lines ending near each other stay readable."""

# Each line differs by colour, dash pattern and markers, so the chart reads in greyscale and for colour-blind
# readers. Colours contrast at least 4.5:1 with white (text labels use the same colours).
LINES = {
    "actual": {"stroke": "#0b57a4", "width": 3, "dash": None},
    "target": {"stroke": "#1f2328", "width": 1.5, "dash": "8 5"},
    "expected": {"stroke": "#9a3412", "width": 2, "dash": "2 4"},
}


@dataclass(frozen=True)
class Scale:
    """Maps dates and values of one series to SVG coordinates."""

    start: dt.date
    end: dt.date
    top: float

    def x(self, date: dt.date) -> float:
        """Days since the start (the start's own day is 0) across the plot width."""
        span = (self.end - self.start).days + 1
        return round(LEFT + (WIDTH - LEFT - RIGHT) * ((date - self.start).days + 1) / span, 1)

    def x0(self) -> float:
        return float(LEFT)

    def y(self, value: float) -> float:
        return round(HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * value / self.top, 1)


def nice_top(value: float) -> tuple[int, int]:
    """The axis maximum and gridline step: a 1, 2 or 5 × 10ⁿ step with at most 5 steps covering value."""
    value = max(value, 1)
    magnitude = 10 ** math.floor(math.log10(value / 5)) if value >= 5 else 1
    for factor in (1, 2, 5, 10, 20, 50):
        step = factor * magnitude
        if step * 5 >= value:
            return int(math.ceil(value / step) * step), int(step)
    raise AssertionError("unreachable")  # factor 50 × magnitude always covers value


def scale_for(series: dict) -> Scale:
    """The scale a series is drawn with (tests use it to read points back from the SVG)."""
    actuals = [p["actual"] for p in series["points"] if p["actual"] is not None]
    top, _step = nice_top(max([series["target"], *actuals]))
    return Scale(dt.date.fromisoformat(series["start"]), dt.date.fromisoformat(series["end"]), top)


def ticks(start: dt.date, end: dt.date) -> list[dt.date]:
    """Where the x axis is marked: 1 January of each year for long plans, the first day of each quarter otherwise."""
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    step = 12 if months > 24 else 3
    out, year, month = [], start.year, 1
    while dt.date(year, month, 1) <= end:
        day = dt.date(year, month, 1)
        if day >= start:
            out.append(day)
        month += step
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return out


def render_svg(
    series: dict, *, chart_id: str, title: str, desc: str, labels: dict[str, str], tick_label: Callable[[dt.date], str]
) -> Markup:
    """The chart as an <svg role="img"> named by its <title> and <desc>; labels: actual, target, expected → text."""
    scale = scale_for(series)
    _top, step = nice_top(scale.top)
    points = [(dt.date.fromisoformat(p["date"]), p) for p in series["points"]]
    actual = [(scale.x0(), scale.y(0))] + [
        (scale.x(d), scale.y(p["actual"])) for d, p in points if p["actual"] is not None
    ]
    expected = [(scale.x0(), scale.y(0))] + [(scale.x(d), scale.y(p["expected"])) for d, p in points]
    target_y = scale.y(series["target"])
    right = WIDTH - RIGHT
    out = [
        f'<svg class="chart" id="{chart_id}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" xmlns="http://www.w3.org/2000/svg" '
        f'font-size="{FONT}" font-family="sans-serif">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
    ]
    # gridlines and the value axis
    for value in range(0, scale.top + 1, step):
        y = scale.y(value)
        out.append(f'<line x1="{LEFT}" x2="{right}" y1="{y}" y2="{y}" stroke="#d0d7de" stroke-width="1"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y + 4}" text-anchor="end" fill="#57606a">{value}</text>')
    for day in ticks(scale.start, scale.end):
        x = scale.x(day - dt.timedelta(days=1)) if day > scale.start else scale.x0()
        out.append(f'<line x1="{x}" x2="{x}" y1="{HEIGHT - BOTTOM}" y2="{HEIGHT - BOTTOM + 5}" stroke="#57606a"/>')
        out.append(f'<text x="{x + 3}" y="{HEIGHT - BOTTOM + 17}" fill="#57606a">{escape(tick_label(day))}</text>')
    out.append(f'<line x1="{LEFT}" x2="{right}" y1="{HEIGHT - BOTTOM}" y2="{HEIGHT - BOTTOM}" stroke="#57606a"/>')
    # the three lines: target, even pace, actual on top
    out.append(_line("target", [(scale.x0(), target_y), (right, target_y)]))
    out.append(_line("expected", expected))
    out.append(_line("actual", actual))
    out.extend(f'<circle cx="{x}" cy="{y}" r="3" fill="{LINES["actual"]["stroke"]}"/>' for x, y in actual[1:])
    # direct labels at the lines' ends, pushed apart where they would overlap
    last = next((p for _d, p in reversed(points) if p["actual"] is not None), None)
    ends = [
        ("target", target_y, f"{labels['target']} {series['target']}"),
        ("expected", expected[-1][1], f"{labels['expected']} {pace_text(points[-1][1]['expected'], series['target'])}"),
    ]
    if last is not None:
        ends.append(("actual", actual[-1][1], f"{labels['actual']} {last['actual']}"))
    for name, y, text in _spread(ends):
        out.append(
            f'<text x="{right + 6}" y="{y + 4}" fill="{LINES[name]["stroke"]}" font-weight="bold">{escape(text)}</text>'
        )
    # the legend shows each line's pattern beside its name
    x = LEFT
    for name in ("actual", "target", "expected"):
        out.append(_line(name, [(x, 14), (x + 26, 14)], role="legend"))
        out.append(f'<text x="{x + 31}" y="{18}" fill="#1f2328">{escape(labels[name])}</text>')
        x += 40 + _text_width(labels[name]) * 17 / FONT  # as wide as a phone draws it (style.css)
    out.append("</svg>")
    return Markup("\n".join(out))


def _line(name: str, coords: list[tuple[float, float]], role: str = "line") -> str:
    style = LINES[name]
    dash = f' stroke-dasharray="{style["dash"]}"' if style["dash"] else ""
    points = " ".join(f"{x},{y}" for x, y in coords)
    return (
        f'<polyline class="{role}-{name}" points="{points}" fill="none" stroke="{style["stroke"]}" '
        f'stroke-width="{style["width"]}"{dash} stroke-linecap="round" stroke-linejoin="round"/>'
    )


def _spread(ends: list[tuple[str, float, str]]) -> list[tuple[str, float, str]]:
    """Sort labels top to bottom and push each at least LABEL_GAP below the one above it, staying inside the chart."""
    placed: list[tuple[str, float, str]] = []
    for name, y, text in sorted(ends, key=lambda end: end[1]):
        if placed and y - placed[-1][1] < LABEL_GAP:
            y = placed[-1][1] + LABEL_GAP
        placed.append((name, y, text))
    overflow = placed[-1][1] - (HEIGHT - BOTTOM) if placed else 0
    if overflow > 0:
        placed = [(name, y - overflow, text) for name, y, text in placed]
    return placed


def _text_width(text: str) -> float:
    """Roughly how wide a label is drawn: Chinese characters are square, Latin ones a little over half as wide."""
    return sum(FONT if ord(ch) > 0x2E7F else FONT * 0.6 for ch in text)


def chart_view(cat: Catalogue, plan: dict, metric: dict, cell: dict, series: dict, who: str, chart_id: str) -> dict:
    """A chart of one progress cell from its series (registry/figures/series.py): the SVG, a caption and a table."""
    name, unit = cat.text(metric["name"]), cat.text(metric["unit"])
    labels = {"actual": cat.t("chart.actual"), "target": cat.t("chart.target"), "expected": cat.t("chart.expected")}
    title = cat.t("chart.title", who=who, metric=name)
    desc = cat.t(
        "chart.desc",
        date=cat.date(plan["as_of"]) if plan["as_of"] < plan["end"] else cat.date(plan["end"]),
        actual=cell["actual"],
        target=cell["target"],
        expected=pace_text(cell["expected"], cell["target"]),
        unit=unit,
    )
    long_plan = series["step_months"] > 1

    def tick(day: dt.date) -> str:
        return cat.t("chart.tick_year", year=day.year) if long_plan else cat.month(day.month)

    # The SVG is made here, as text: its <title> and <desc> take plain text (a reader's voice follows the page).
    svg = render_svg(series, chart_id=chart_id, title=plain(title), desc=plain(desc), labels=labels, tick_label=tick)
    rows = [
        {
            "date": cat.date(p["date"]),
            "actual": "—" if p["actual"] is None else str(p["actual"]),
            "expected": pace_text(p["expected"], series["target"]),
            "target": str(series["target"]),
        }
        for p in series["points"]
    ]
    return {
        "id": chart_id,
        "svg": svg,
        "title": title,
        "metric": name,
        "unit": unit,
        "rows": rows,
        "sample_text": cat.t("sample.chart", n=cell["samples"], unit=unit) if cell["samples"] else "",
        "caption": cat.t("chart.caption", metric=name, unit=unit),
        "table_caption": cat.t("chart.table_caption", who=who, metric=name),
        "series": series,
    }
