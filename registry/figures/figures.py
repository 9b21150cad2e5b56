"""Every figure the site shows, computed from the public registry before any page is planned.

Pages read figures; they never compute them. The figures carry the records they count (a progress cell's records,
not their ids), so no page looks them up again, and each figure is made once: the progress at the as-of date is the
same object the pages, the downloads and the last period report read, and a half year's opening is the progress at
the end of the half before it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from registry.figures.coverage import english_coverage
from registry.figures.progress import compute_progress, partner_indicator
from registry.figures.reports import Dated, Half, period_report, plan_halves, plan_years
from registry.figures.series import series_of
from registry.records.record import Record, Registry

CellKey = tuple[str, str, str]
"""(plan id, row, metric id): the row is a district id, "totals", or "city" for a city-wide goal."""


@dataclass
class Figures:
    """The figures of one public registry at one as-of date (all plain data but `counted`, which holds records)."""

    as_of: str
    progress: list[dict]
    """compute_progress(registry, as_of): every plan's cells (registry/figures/progress.py)."""
    partners: list[dict]
    """partner_indicator(registry, as_of): the ≥ 5 long-term partners check of every district."""
    counted: dict[CellKey, list[Record]]
    """The records each cell counts (rows, totals and city-wide goals), sorted by id."""
    series: dict[CellKey, dict]
    """The cumulative series of every cell of a district row and of the totals, for the charts."""
    halves: dict[Half, dict]
    """period_report of every half year that overlaps a plan and has ended by the as-of date, oldest first."""
    years: dict[int, dict]
    """period_report of every calendar year that overlaps a plan and has ended by the as-of date, oldest first."""
    english: dict[str, dict[str, int]]
    """english_coverage(registry): per kind, how many records and texts give an English form."""

    CARRY_RECORDS = ("counted",)
    """The figures that hold records; every other one is plain data."""


def compute_figures(registry: Registry, as_of: dt.date) -> Figures:
    """Every figure of the site, from the public registry, as of a date."""
    progress_at = _progress_memo(registry)
    progress = progress_at(as_of)
    counted: dict[CellKey, list[Record]] = {}
    series: dict[CellKey, dict] = {}
    for plan in progress:
        metrics = {metric["id"]: metric for metric in plan["metrics"]}
        cells = [(row["district"], row["cells"]) for row in plan["rows"]] + [("totals", plan["totals"])]
        for row, row_cells in cells:
            for metric_id, cell in row_cells.items():
                records = _records(registry, metrics[metric_id]["kind"], cell["records"])
                counted[(plan["id"], row, metric_id)] = records
                series[(plan["id"], row, metric_id)] = series_of(plan, metrics[metric_id], records, cell)
        for goal in plan["city_goals"]:
            counted[(plan["id"], "city", goal["metric"])] = _records(
                registry, metrics[goal["metric"]]["kind"], goal["records"]
            )
    dated = Dated(registry)
    halves = {
        half: period_report(registry, half.start, half.end, progress_at, dated) for half in plan_halves(registry, as_of)
    }
    years = {
        year: period_report(registry, dt.date(year, 1, 1), dt.date(year, 12, 31), progress_at, dated)
        for year in plan_years(registry, as_of)
    }
    return Figures(
        as_of.isoformat(),
        progress,
        partner_indicator(registry, as_of),
        counted,
        series,
        halves,
        years,
        english_coverage(registry),
    )


def _records(registry: Registry, kind: str, ids: list[str]) -> list[Record]:
    records = [registry.get(kind, record_id) for record_id in ids]
    return [record for record in records if record is not None]


def _progress_memo(registry: Registry) -> Callable[[dt.date], list[dict]]:
    """compute_progress at a date, made once per date (the reports of consecutive periods share their bounds)."""
    made: dict[dt.date, list[dict]] = {}
    matches: dict = {}  # each metric's dated records, read once for every date

    def progress_at(day: dt.date) -> list[dict]:
        if day not in made:
            made[day] = compute_progress(registry, day, matches)
        return made[day]

    return progress_at
