"""Progress over time: the cumulative actual, the even-pace line and the target of one progress cell — pure functions."""

from __future__ import annotations

import calendar
import datetime as dt

from registry.figures.progress import (  # the same exact arithmetic as the cells, so chart and table never disagree
    _elapsed,
    _round,
)
from registry.records.record import Record, Registry

MONTHLY_UP_TO = 24
"""Plans of up to 24 months get a point at every month end; longer plans one at every quarter end."""


def step_months(start: dt.date, end: dt.date) -> int:
    """1 (monthly points) for a plan of up to MONTHLY_UP_TO months, else 3 (quarterly points)."""
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    return 1 if months <= MONTHLY_UP_TO else 3


def point_dates(start: dt.date, end: dt.date, as_of: dt.date) -> list[dt.date]:
    """The dates a series is sampled at: every step end in [start, end], the plan's end, and as_of if it falls between.

    Step ends are the last days of months counted from the start's month: for a plan starting in January
    with quarterly steps, 31 March, 30 June, 30 September, 31 December of every year.
    """
    step = step_months(start, end)
    dates: set[dt.date] = {end}
    year, month = start.year, start.month + step - 1
    while True:
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        if last >= end:
            break
        if last >= start:
            dates.add(last)
        month += step
    if start <= as_of < end:
        dates.add(as_of)
    return sorted(dates)


def cumulative_series(registry: Registry, plan: dict, metric_id: str, cell: dict) -> dict:
    """The cumulative series of one cell of compute_progress's output (a district row's or the totals'), its
    records looked up by id: `series_of`."""
    metric = next(m for m in plan["metrics"] if m["id"] == metric_id)
    return series_of(plan, metric, [registry.get(metric["kind"], record_id) for record_id in cell["records"]], cell)


def series_of(plan: dict, metric: dict, records: list[Record], cell: dict) -> dict:
    """The cumulative series of one cell, from the records it counts.

    {
      "plan": str, "metric": str, "start": "YYYY-MM-DD", "end": "YYYY-MM-DD", "as_of": "YYYY-MM-DD",
      "step_months": 1 | 3,
      "target": int,
      "points": [{"date": "YYYY-MM-DD",
                  "actual": int | None,    # what the cell would read at that date; None after as_of
                  "expected": float}],     # target × elapsed share, as the cell's `expected`
    }

    The lines start at 0 on the plan's first day (not a point). The actual at a date sums the cell's
    records (or their `people`) whose metric date is on or before it — the same records compute_progress
    counts, so the last point at or before as_of equals the cell's `actual`.
    """
    start, end, as_of = (dt.date.fromisoformat(plan[key]) for key in ("start", "end", "as_of"))
    amounts: list[tuple[dt.date, int]] = []
    for record in records:
        amount = record.get("people") if metric["measure"] == "people" else 1
        amounts.append((dt.date.fromisoformat(record.get(metric["date_field"])), amount))
    points = []
    for date in point_dates(start, end, as_of):
        actual = sum(amount for when, amount in amounts if when <= date) if date <= as_of else None
        expected = float(_round(cell["target"] * _elapsed(start, end, date), "0.01"))
        points.append({"date": date.isoformat(), "actual": actual, "expected": expected})
    return {
        "plan": plan["id"],
        "metric": metric["id"],
        "start": plan["start"],
        "end": plan["end"],
        "as_of": plan["as_of"],
        "step_months": step_months(start, end),
        "target": cell["target"],
        "points": points,
    }
