"""Plausible dates: none before the floor its schema states, none that records something done after today.

Each date field (and the partner year) says in its schema how far it may go: `x-earliest` (a date; a year field
compares its year) and `x-latest-years-ahead` (0: not after the day `check` runs, as for a date reported, signed,
established; 2: an announced event may be entered up to two years ahead). Only `check`
reads today's date, through `today()`; no page does, so the built site stays a function of the records and
site.yaml. REGISTRY_TODAY=YYYY-MM-DD fixes the day (the tests do; so can anyone reproducing an old check).
"""

from __future__ import annotations

import datetime as dt
import os
from functools import cache

from registry.errors import UsageError
from registry.problems import Problem
from registry.records.document import Document, field_path
from registry.records.record import as_date, values_at
from registry.records.schemas import SchemaSet

TODAY_VARIABLE = "REGISTRY_TODAY"
CHINA = dt.timezone(dt.timedelta(hours=8), "CST")
"""Kunshan's time zone: the registry's day turns at midnight there, wherever `check` runs."""


def today() -> dt.date:
    """The day `check` runs (China Standard Time), or the day REGISTRY_TODAY names."""
    fixed = os.environ.get(TODAY_VARIABLE)
    if not fixed:
        return dt.datetime.now(CHINA).date()
    try:
        return dt.date.fromisoformat(fixed)
    except ValueError:
        raise UsageError(f"{TODAY_VARIABLE}={fixed}: 日期应写作 YYYY-MM-DD / the date must be YYYY-MM-DD") from None


def years_after(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (29 February becomes 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@cache  # asked for every record: walk each kind's schema once
def _bounded_fields(schemas: SchemaSet, kind: str) -> list[tuple[tuple, dict]]:
    """(path pattern, subschema) of every field of a kind whose schema bounds its dates."""
    return [(path, node) for path, node in schemas.walk(kind) if node.get("x-date") or "x-latest-years-ahead" in node]


def date_problems(schemas: SchemaSet, kind: str, doc: Document, day: dt.date) -> list[Problem]:
    """Every date (and year) of one document that lies before its field's floor or too far after `day`."""
    problems = []
    for pattern, node in _bounded_fields(schemas, kind):
        ahead = node.get("x-latest-years-ahead")
        floor = as_date(node.get("x-earliest"))
        for path, value in values_at(doc.data, pattern):
            if isinstance(value, int) and not isinstance(value, bool):  # a year
                if not node.get("minimum", value) <= value <= node.get("maximum", value):
                    continue  # outside the schema's own range: the schema says so
                if floor is not None and value < floor.year:
                    problems.append(
                        _problem(
                            doc,
                            path,
                            "date-too-early",
                            f"年份 {value} 早于本字段最早可填的 {floor.year} 年",
                            f"the year {value} is before {floor.year}, the earliest this field allows",
                            "检查年份是否输错",
                            "check the year for a typo",
                        )
                    )
                elif ahead is not None and value > day.year + ahead:
                    problems.append(
                        _late(doc, path, str(value), str(years_after(day, ahead).year), day, ahead, year=True)
                    )
                continue
            when = as_date(value)
            if when is None:
                continue  # not a date at all: the schema says so
            if floor is not None and when < floor:
                problems.append(
                    _problem(
                        doc,
                        path,
                        "date-too-early",
                        f"日期 {value} 早于本字段最早可填的 {floor}",
                        f"the date {value} is before {floor}, the earliest this field allows",
                        "检查年份是否输错",
                        "check the year for a typo",
                    )
                )
            elif ahead is not None and when > years_after(day, ahead):
                problems.append(_late(doc, path, value, str(years_after(day, ahead)), day, ahead))
    return problems


def _late(doc: Document, path: tuple, value: str, limit: str, day: dt.date, ahead: int, year: bool = False) -> Problem:
    noun_zh, noun_en = ("年份", "year") if year else ("日期", "date")
    if ahead == 0:
        return _problem(
            doc,
            path,
            "date-in-future",
            f"{noun_zh} {value} 晚于今天（{day}）：这里记录的是已经发生的事",
            f"the {noun_en} {value} is after today ({day}): this field records something already done",
            "检查年份是否输错；还没发生的事，等发生后再登记",
            "check the year for a typo; enter it once it has happened",
        )
    return _problem(
        doc,
        path,
        "date-too-far-ahead",
        f"{noun_zh} {value} 晚于 {limit}（今天 {day} 之后 {ahead} 年）",
        f"the {noun_en} {value} is after {limit} ({ahead} years after today, {day})",
        f"最多提前 {ahead} 年登记：检查年份是否输错",
        f"enter it at most {ahead} years ahead: check the year for a typo",
    )


def _problem(doc: Document, path: tuple, code: str, zh: str, en: str, hint_zh: str, hint_en: str) -> Problem:
    line, column = doc.where(path)
    return Problem(doc.src_path, line, column, field_path(path), code, zh, en, hint_zh, hint_en)
