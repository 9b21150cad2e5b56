"""Supervision reports: the half years the plans run in, and what each district did in a period — pure functions."""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from registry.figures.progress import DEFAULT_OWNER_FIELDS, compute_progress, partner_indicator
from registry.model.kinds import DATE_FIELD
from registry.records.record import Record, Registry, as_date

ADDED_KINDS = ("project", "event", "talent", "carrier", "achievement")
"""The kinds a report lists as added during a period, in the order the report shows them."""

EXPECTED_FIELDS = {
    "project": ("value", "summary"),
    "event": ("venue", "summary"),
    "talent": ("enterprise", "role"),
    "carrier": ("established", "institutes", "enterprise"),
    "achievement": ("department", "lead", "fit", "promotion"),
}
"""Optional fields a supervision report expects: the assessment asks for a project's contract value, the
enterprise and role of a talent, a carrier's founding date (without it the carrier counts toward nothing),
and the Annex 1 cells that the schema leaves optional. A record added during a period that lacks one is listed
in that period's data-quality section; a record of a counted kind with no date at all, in every period's."""

STALE_AFTER_YEARS = 1
"""An achievement whose follow-up status (or, if never updated, its report) is older than this is flagged."""

PERIOD_RE = re.compile(r"^(\d{4})-h([12])$")


@dataclass(frozen=True, order=True)
class Half:
    """A half year: January–June (1) or July–December (2)."""

    year: int
    half: int

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, 6, 30) if self.half == 1 else dt.date(self.year, 12, 31)

    @property
    def period(self) -> str:
        """The id used in URLs and on the command line: 2017-h1."""
        return f"{self.year}-h{self.half}"

    @classmethod
    def parse(cls, text: str) -> Half | None:
        """2017-h1 → Half(2017, 1); None for anything else."""
        match = PERIOD_RE.match(text.strip().lower())
        return cls(int(match[1]), int(match[2])) if match else None


def plan_halves(registry: Registry, as_of: dt.date) -> list[Half]:
    """Every half year that overlaps a plan's period and has ended by as_of, oldest first."""
    halves = set()
    for start, end in _plan_periods(registry):
        for year in range(start.year, end.year + 1):
            for half in (Half(year, 1), Half(year, 2)):
                if half.start <= end and half.end >= start and half.end <= as_of:
                    halves.add(half)
    return sorted(halves)


def plan_years(registry: Registry, as_of: dt.date) -> list[int]:
    """Every calendar year that overlaps a plan's period and has ended by as_of, oldest first."""
    return sorted(
        {
            year
            for start, end in _plan_periods(registry)
            for year in range(start.year, end.year + 1)
            if dt.date(year, 12, 31) <= as_of
        }
    )


def retrospective(registry: Registry, first: dt.date, last: dt.date) -> dt.date | None:
    """The date the targets were issued, when [first, last] ended before it: a report on such a period is
    retrospective statistics, not the half-yearly supervision that the issuing document set up.

    None when any plan running in the period was issued by its last day, or does not say when it was issued
    (then nothing is claimed either way)."""
    running = [
        plan
        for plan in _plans(registry)
        if (start := as_date(plan.get("start")))
        and (end := as_date(plan.get("end")))
        and start <= last
        and end >= first
    ]
    issued = [as_date(plan.get("issued")) for plan in running]
    if not issued or None in issued or min(issued) <= last:
        return None
    return min(issued)


def added_rules(registry: Registry) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Kind → (date field, owner fields): from the first plan metric that counts the kind, else the kind's listing date.

    For counted kinds this is the metric's date_field and owner_fields, so a record is "added" in the
    period in which it starts to count; achievements are not counted and go by `reported` and `district`.
    """
    rules: dict[str, tuple[str, tuple[str, ...]]] = {}
    for plan in _plans(registry):
        for metric in plan.get("metrics") or []:
            if isinstance(metric, dict) and metric.get("kind") in ADDED_KINDS:
                rules.setdefault(
                    metric["kind"], (metric["date_field"], tuple(metric.get("owner_fields") or DEFAULT_OWNER_FIELDS))
                )
    for kind in ADDED_KINDS:
        rules.setdefault(kind, (DATE_FIELD[kind], DEFAULT_OWNER_FIELDS))
    return rules


def period_report(
    registry: Registry,
    first: dt.date,
    last: dt.date,
    progress_at: Callable[[dt.date], list[dict]] | None = None,
    dated: Dated | None = None,
) -> dict:
    """What every district did in [first, last] and where it stood at `last`; the registry is expected to pass check.

    {
      "start": "YYYY-MM-DD", "end": "YYYY-MM-DD",     # first, last
      "retrospective": "YYYY-MM-DD" | None,          # the plans' issue date, when the period ended before it
      "plans": [{                # compute_progress(registry, last) entries of the plans overlapping the period,
        ...plan entry...,        #   with every cell (rows and totals) given "added": actual at `last` minus
      }],                        #   actual on the day before `first`, and "added_samples": the same for samples
      "districts": [{            # every district record (districts and the departments' row);
        "district": str, "name": {zh, en?}, "kind": "district" | "department",
        "behind": bool,          #   any of its cells in these plans is "behind"; behind ones first, then by order
        "plans": [{"plan": str, "note": {zh, en?} | None,
                   "cells": {metric_id: cell + {"added": int, "added_samples": int}}}],   # added_samples: of added
        "added": {kind: [record id]},     # every ADDED_KINDS kind; dated in [first, last] by added_rules,
                                          #   owned by this district; sorted by date, then id
        "partners": partner_indicator entry at `last` | None (for the departments' row),
        "quality": {
          "missing": [{"kind": str, "id": str, "fields": [str]}],   # added records lacking EXPECTED_FIELDS
          "undated": [{"kind": str, "id": str}],  # its records of a kind with no date in the date field
          "stale": [{"id": str, "updated": "YYYY-MM-DD"}],  # achievements reported by `last` whose
        },                                        #   status_updated (else reported) is over a year before `last`
      }],
    }

    `progress_at(day)` gives compute_progress(registry, day) and `dated` the registry's records by date (a caller
    making many reports passes both, made once: a half's opening is the day the half before ended); both are read,
    never changed.
    """
    progress_at = progress_at or (lambda day: compute_progress(registry, day))
    before = {plan["id"]: plan for plan in progress_at(first - dt.timedelta(days=1))}
    at_end = [
        _with_added(plan, before[plan["id"]])
        for plan in progress_at(last)
        if plan["start"] <= last.isoformat() and plan["end"] >= first.isoformat()
    ]

    dated = dated or Dated(registry)
    partners = {entry["district"]: entry for entry in partner_indicator(registry, last)}
    added = dated.added_in(first, last)
    undated = dated.undated
    stale = dated.stale_at(last)
    districts = []
    for district in sorted(registry.all("district"), key=_order_key):
        rows = [(plan, row) for plan in at_end for row in plan["rows"] if row["district"] == district.id]
        mine = added.get(district.id, {})
        districts.append(
            {
                "district": district.id,
                "name": district.get("name"),
                "kind": district.get("kind"),
                "behind": any(cell["status"] == "behind" for _plan, row in rows for cell in row["cells"].values()),
                "plans": [{"plan": plan["id"], "note": row.get("note"), "cells": row["cells"]} for plan, row in rows],
                "added": {kind: [record.id for record in mine.get(kind, [])] for kind in ADDED_KINDS},
                "partners": partners.get(district.id),
                "quality": {
                    "missing": _missing(mine),
                    "undated": undated.get(district.id, []),
                    "stale": stale.get(district.id, []),
                },
            }
        )
    districts.sort(key=lambda entry: not entry["behind"])  # stable: by order within each group
    issued = retrospective(registry, first, last)
    return {
        "start": first.isoformat(),
        "end": last.isoformat(),
        "retrospective": issued and issued.isoformat(),
        "plans": at_end,
        "districts": districts,
    }


def _with_added(plan: dict, opening: dict) -> dict:
    """A plan's progress at a period's end, each cell (rows and totals) with what was added since the opening."""

    def added(cell: dict, old: dict) -> dict:
        return {**cell, "added": cell["actual"] - old["actual"], "added_samples": cell["samples"] - old["samples"]}

    rows = [
        {
            **row,
            "cells": {metric_id: added(cell, old_row["cells"][metric_id]) for metric_id, cell in row["cells"].items()},
        }
        for row, old_row in zip(plan["rows"], opening["rows"], strict=True)
    ]
    totals = {metric_id: added(cell, opening["totals"][metric_id]) for metric_id, cell in plan["totals"].items()}
    return {**plan, "rows": rows, "totals": totals}


class Dated:
    """The records a period report reads, by date, made once for every period of a registry: the dated records of
    each added kind (with their owners), the undated ones by district, and every achievement's report and update."""

    def __init__(self, registry: Registry):
        self.added: list[tuple[str, list[tuple[dt.date, str, Record, list[str]]]]] = []
        self.undated: dict[str, list[dict]] = {}
        """District id → its records of an added kind with no date in the kind's date field (they count toward
        nothing)."""
        for kind, (date_field, owner_fields) in added_rules(registry).items():
            dated = []
            for record in registry.all(kind):
                owners = sorted(_owners(record, owner_fields))
                when = as_date(record.get(date_field))
                if when is None:
                    for owner in owners:
                        self.undated.setdefault(owner, []).append({"kind": kind, "id": record.id})
                else:
                    dated.append((when, record.id, record, owners))
            dated.sort(key=lambda item: item[:2])
            self.added.append((kind, dated))
        self.achievements = []
        for record in registry.all("achievement"):
            reported, district = as_date(record.get("reported")), record.get("district")
            if reported is not None and isinstance(district, str):
                updated = as_date(record.get("status_updated")) or reported
                self.achievements.append((reported, updated, district, record.id))

    def added_in(self, first: dt.date, last: dt.date) -> dict[str, dict[str, list[Record]]]:
        """District id → kind → the records dated in [first, last] that it owns, by date then id."""
        out: dict[str, dict[str, list[Record]]] = {}
        for kind, dated in self.added:
            start = bisect.bisect_left(dated, (first,), key=lambda item: item[:1])
            for when, _id, record, owners in dated[start:]:
                if when > last:
                    break
                for owner in owners:
                    out.setdefault(owner, {}).setdefault(kind, []).append(record)
        return out

    def stale_at(self, last: dt.date) -> dict[str, list[dict]]:
        """District id → achievements reported by `last` whose status_updated (else reported) is over a year
        before it."""
        before = _years_before(last, STALE_AFTER_YEARS)
        out: dict[str, list[dict]] = {}
        for reported, updated, district, record_id in self.achievements:
            if reported <= last and updated < before:
                out.setdefault(district, []).append({"id": record_id, "updated": updated.isoformat()})
        for entries in out.values():
            entries.sort(key=lambda entry: (entry["updated"], entry["id"]))
        return out


def _missing(added: dict[str, list[Record]]) -> list[dict]:
    """The records added in the period that lack an expected field, with the fields they lack."""
    out = []
    for kind in ADDED_KINDS:
        for record in added.get(kind, []):
            fields = [field for field in EXPECTED_FIELDS[kind] if record.get(field) in (None, "", [])]
            if fields:
                out.append({"kind": kind, "id": record.id, "fields": fields})
    return out


def _plans(registry: Registry) -> list[Record]:
    return sorted(registry.all("plan"), key=lambda plan: (str(plan.get("start")), plan.id))


def _plan_periods(registry: Registry) -> list[tuple[dt.date, dt.date]]:
    periods = [(as_date(plan.get("start")), as_date(plan.get("end"))) for plan in _plans(registry)]
    return [(start, end) for start, end in periods if start and end]


def _years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` earlier; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _owners(record: Record, owner_fields: tuple[str, ...]) -> set[str]:
    owners = set()
    for field in owner_fields:
        value = record.get(field)
        owners.update(item for item in (value if isinstance(value, list) else [value]) if isinstance(item, str))
    return owners


def _order_key(district: Record) -> tuple:
    order = district.get("order")
    return (order if isinstance(order, int) and not isinstance(order, bool) else float("inf"), district.id)
