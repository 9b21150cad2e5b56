"""Progress: actuals against plan targets, and the long-term partner check, as of a date — pure functions."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from registry.records.record import Record, Registry, as_date

DEFAULT_OWNER_FIELDS = ("district",)
PARTNERS_REQUIRED = 5
"""The policy asks for 5 or more long-term partner institutes per district."""


def compute_progress(registry: Registry, as_of: dt.date, matches: dict | None = None) -> list[dict]:
    """One entry per plan (sorted by plan start, then id), as plain data; the registry is expected to pass check.

    [{
      "id": str, "name": {"zh": str, "en"?: str}, "source": {"zh": str, "en"?: str},
      "start": "YYYY-MM-DD", "end": "YYYY-MM-DD", "as_of": "YYYY-MM-DD",
      "started": bool,          # as_of >= start
      "closed": bool,           # as_of >= end
      "final": bool,            # == closed: every status is then achieved or behind for good
      "elapsed": float,         # days start..min(as_of, end) inclusive / days start..end inclusive,
                                #   0.0 before start, 1.0 once closed; rounded half up to 4 decimals
      "metrics": [{"id": str, "name": {zh, en?}, "unit": {zh, en?}, "kind": str,
                   "measure": "records" | "people", "part_of": str | None,
                   "date_field": str, "owner_fields": [str], "where": {field: [str]},
                   "note": {zh, en?} | None}],                         # in plan order
      "rows": [{                # one per target row, by the district's `order`, then district id
        "district": str, "name": {zh, en?} | None,
        "kind": "district" | "department" | None,    # None only for a district that does not exist
        "outside_totals": bool, "note": {zh, en?} | None,
        "cells": {metric_id: cell},                   # only the metrics this row has a target for
      }],
      "totals": {metric_id: cell + {"declared": bool}},   # every metric with a declared total or a target in a
                                                          #   row inside the totals (not a departments-only one)
      "city_goals": [cell + {"metric": str, "min": int, "max": int | None, "note": {zh, en?} | None}],
                                # the plan's city-wide goals, in plan order: target = min; counts every record
                                #   the metric counts in the city, whatever district owns it (or none)
    }]

    cell = {
      "target": int,
      "actual": int,            # records counted, or the sum of their `people` (measure: people)
      "percent": int | None,    # floor(actual * 100 / target); None when target is 0
      "expected": float,        # target × the exact elapsed share, rounded half up to 2 decimals
      "status": "not-started" | "achieved" | "on-track" | "behind",
                                # not-started: as_of < start; achieved: actual >= target;
                                # on-track: actual >= expected; otherwise behind
      "records": [str],         # ids of the records counted, sorted
      "samples": int,           # the part of `actual` that sample records make (0 when none is counted)
    }

    A metric counts the records of its `kind` whose `date_field` holds an ISO date in
    [start, min(end, as_of)] and whose fields named in `where` take one of the listed values;
    a record without that date counts toward nothing. A record counts, once, toward the row of
    every district id found in the metric's `owner_fields` (default [district]), and only where
    that row has a target for the metric. A `part_of` metric is a sub-target with its own cells.
    Totals: target is the declared total where the plan declares one ("declared": true), else
    the sum of the targets of the rows not in `outside_totals`; actual is the sum of those rows'
    actuals and records the sorted union of their records. A metric that only rows outside the totals
    have a target for (the departments' scientist teams) has no total: a municipal 0 / 0 would say nothing.

    `matches` keeps each metric's dated records for a caller that computes progress at many dates (the figures
    of every period report): give the same dict to every call on one registry.
    """
    plans = sorted(registry.all("plan"), key=lambda plan: (as_date(plan.get("start")) or dt.date.max, plan.id))
    matches = {} if matches is None else matches
    return [_plan_progress(registry, plan, as_of, matches) for plan in plans]


def partner_indicator(registry: Registry, as_of: dt.date) -> list[dict]:
    """≥ 5 long-term partners per district (kind district, not the departments' row), as of a date.

    The rule is a real obligation of each district, so a sample never satisfies it: a partner entry marked
    `sample: true`, or any entry of a district record that is itself a sample, is listed but not counted.

    [{
      "district": str, "name": {zh, en?},            # districts by `order`, then id
      "partners": [{"institute": str, "since": int, "sample": bool}],
                                # entries with since <= as_of.year, sorted by since, then institute
      "count": int,             # the entries that are not samples
      "samples": int,           # the sample entries left out of count
      "required": 5,
      "met": bool,              # count >= required
    }]
    """
    out = []
    for district in _by_order(r for r in registry.all("district") if r.get("kind") == "district"):
        entries = [
            {
                "institute": entry["institute"],
                "since": entry["since"],
                "sample": entry.get("sample") is True or district.sample,
            }
            for entry in district.get("partners") or []
            if isinstance(entry, dict) and isinstance(entry.get("since"), int) and entry["since"] <= as_of.year
        ]
        entries.sort(key=lambda entry: (entry["since"], entry["institute"]))
        count = sum(not entry["sample"] for entry in entries)
        out.append(
            {
                "district": district.id,
                "name": district.get("name"),
                "partners": entries,
                "count": count,
                "samples": len(entries) - count,
                "required": PARTNERS_REQUIRED,
                "met": count >= PARTNERS_REQUIRED,
            }
        )
    return out


def _plan_progress(registry: Registry, plan: Record, as_of: dt.date, matches: dict) -> dict:
    start, end = as_date(plan.get("start")), as_date(plan.get("end"))
    share = _elapsed(start, end, as_of)
    started, closed = as_of >= start, as_of >= end
    metrics = [m for m in plan.get("metrics") or [] if isinstance(m, dict)]
    outside = set(plan.get("outside_totals") or [])
    target_rows = sorted(
        (row for row in plan.get("targets") or [] if isinstance(row, dict)),
        key=lambda row: _order_key(registry.get("district", row["district"]), row["district"]),
    )
    row_ids = {row["district"] for row in target_rows}
    window = (start, min(end, as_of))

    # metric id -> district id -> {record id: amount}
    counted = {metric["id"]: _count(registry, metric, window, row_ids, matches) for metric in metrics}

    rows = []
    for row in target_rows:
        district = registry.get("district", row["district"])
        cells = {}
        for metric in metrics:
            if metric["id"] in row["values"]:
                amounts = counted[metric["id"]].get(row["district"], {})
                samples = sum(
                    amount for record_id, amount in amounts.items() if registry.get(metric["kind"], record_id).sample
                )
                cells[metric["id"]] = _cell(
                    row["values"][metric["id"]], sum(amounts.values()), sorted(amounts), share, started, samples
                )
        rows.append(
            {
                "district": row["district"],
                "name": district.get("name") if district else None,
                "kind": district.get("kind") if district else None,
                "outside_totals": row["district"] in outside,
                "note": row.get("note"),
                "cells": cells,
            }
        )

    declared_totals = plan.get("totals") or {}
    totals = {}
    for metric in metrics:
        metric_id = metric["id"]
        in_totals = [row["cells"][metric_id] for row in rows if not row["outside_totals"] and metric_id in row["cells"]]
        declared = metric_id in declared_totals
        if not in_totals and not declared:
            continue
        target = declared_totals[metric_id] if declared else sum(cell["target"] for cell in in_totals)
        actual = sum(cell["actual"] for cell in in_totals)
        records = sorted({record_id for cell in in_totals for record_id in cell["records"]})
        samples = sum(cell["samples"] for cell in in_totals)
        totals[metric_id] = {**_cell(target, actual, records, share, started, samples), "declared": declared}

    metrics_by_id = {metric["id"]: metric for metric in metrics}
    city_goals = []
    for goal in plan.get("city_goals") or []:
        metric = metrics_by_id.get(goal.get("metric")) if isinstance(goal, dict) else None
        if metric is None:
            continue
        matching = _matching(registry, metric, window, matches)
        amounts = {record.id: amount for record, amount in matching}
        samples = sum(amount for record, amount in matching if record.sample)
        city_goals.append(
            {
                **_cell(goal["min"], sum(amounts.values()), sorted(amounts), share, started, samples),
                "metric": metric["id"],
                "min": goal["min"],
                "max": goal.get("max"),
                "note": goal.get("note"),
            }
        )

    return {
        "id": plan.id,
        "name": plan.get("name"),
        "source": plan.get("source"),
        "start": start.isoformat(),
        "end": end.isoformat(),
        "as_of": as_of.isoformat(),
        "started": started,
        "closed": closed,
        "final": closed,
        "elapsed": float(_round(share, "0.0001")),
        "metrics": [
            {
                "id": m["id"],
                "name": m.get("name"),
                "unit": m.get("unit"),
                "kind": m["kind"],
                "measure": m["measure"],
                "part_of": m.get("part_of"),
                "date_field": m["date_field"],
                "owner_fields": list(m.get("owner_fields") or ["district"]),
                "where": m.get("where") or {},
                "note": m.get("note"),
            }
            for m in metrics
        ],
        "rows": rows,
        "totals": totals,
        "city_goals": city_goals,
    }


def _count(
    registry: Registry, metric: dict, window: tuple[dt.date, dt.date], row_ids: set[str], matches: dict
) -> dict[str, dict[str, int]]:
    """Return district id -> {record id: amount} for one metric, over the plan's rows only."""
    owner_fields = metric.get("owner_fields") or DEFAULT_OWNER_FIELDS
    by_district: dict[str, dict[str, int]] = {}
    for record, amount in _matching(registry, metric, window, matches):
        for owner in _owners(record, owner_fields):
            if owner in row_ids:
                by_district.setdefault(owner, {})[record.id] = amount
    return by_district


def _matching(
    registry: Registry, metric: dict, window: tuple[dt.date, dt.date], matches: dict
) -> list[tuple[Record, int]]:
    """(record, amount) for every record a metric counts in the window, whoever owns it."""
    key = (metric["kind"], metric["date_field"], metric["measure"], repr(sorted((metric.get("where") or {}).items())))
    if key not in matches:
        matches[key] = list(_dated(registry, metric))
    first, last = window
    return [(record, amount) for when, record, amount in matches[key] if first <= when <= last]


def _dated(registry: Registry, metric: dict):
    """Yield (date, record, amount) for every record a metric counts at some date, in registry order."""
    where = metric.get("where") or {}
    for record in registry.all(metric["kind"]):
        when = as_date(record.get(metric["date_field"]))
        if when is None:
            continue
        if any(record.get(field) not in allowed for field, allowed in where.items()):
            continue
        if metric["measure"] == "people":
            amount = record.get("people")
            if not isinstance(amount, int) or isinstance(amount, bool):
                continue
        else:
            amount = 1
        yield when, record, amount


def _owners(record: Record, owner_fields) -> set[str]:
    """Every district id named in the owner fields (a field may hold one id or a list of ids)."""
    owners = set()
    for field in owner_fields:
        value = record.get(field)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                owners.add(item)
    return owners


def _cell(target: int, actual: int, records: list[str], share: Fraction, started: bool, samples: int = 0) -> dict:
    expected = _round(target * share, "0.01")
    if not started:
        status = "not-started"
    elif actual >= target:
        status = "achieved"
    elif actual >= expected:  # against the rounded value the reader sees, so the two never disagree
        status = "on-track"
    else:
        status = "behind"
    return {
        "target": target,
        "actual": actual,
        "percent": actual * 100 // target if target else None,
        "expected": float(expected),
        "status": status,
        "records": records,
        "samples": samples,
    }


def _elapsed(start: dt.date, end: dt.date, as_of: dt.date) -> Fraction:
    """The exact share of the period elapsed at as_of: whole days, both ends inclusive."""
    if as_of < start:
        return Fraction(0)
    if as_of >= end:
        return Fraction(1)
    return Fraction((as_of - start).days + 1, (end - start).days + 1)


def _round(value: Fraction, places: str) -> Decimal:
    """Round an exact fraction half up (not to the nearest binary float), so results never depend on float error."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _order_key(district: Record | None, district_id: str) -> tuple:
    order = district.get("order") if district else None
    return (order if isinstance(order, int) and not isinstance(order, bool) else float("inf"), district_id)


def _by_order(districts) -> list[Record]:
    return sorted(districts, key=lambda district: _order_key(district, district.id))
