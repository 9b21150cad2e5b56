"""District pages, and what the policy asks of a district as finished display values: the ≥ 5 partners check, the
counterpart list as Annex 2 gives it (open or closed, with notes on how an entry was read), the dedicated office and
its implementation plan, the district's progress in every plan and its progress over time."""

from __future__ import annotations

from typing import Any

from registry.pages import display
from registry.pages.base import Site
from registry.pages.cards import Views
from registry.pages.charts import chart_view
from registry.pages.urls import cell_url, plan_url, report_card_url
from registry.records.record import Record


def planned_view(views: Views, record: Record) -> dict[str, Any]:
    """A district's counterpart list as Annex 2 gives it: the institutes, whether the list ends in 等 (open), and the
    notes on how an entry was read (each entry with a note links to it)."""
    cat = views.cat
    notes = {
        note["institute"]: cat.text(note["note"])
        for note in record.get("planned_notes") or []
        if isinstance(note, dict)
    }
    items = [
        {**views.link("institute", institute), "note_id": f"planned-note-{institute}" if institute in notes else None}
        for institute in record.get("planned_institutes") or []
    ]
    open_ = record.get("planned_open") is True
    return {
        "items": items,
        "open": open_,
        "open_text": cat.t("planned.open") if open_ else "",
        "notes": [
            {"institute": views.link("institute", institute), "id": f"planned-note-{institute}", "note": text}
            for institute, text in notes.items()
        ],
    }


def office_view(views: Views, record: Record) -> dict[str, Any] | None:
    """What the policy asks of a district's science and technology department (a dedicated office, an implementation
    plan), and the plan itself when it is published; None for the departments' row, which has no such duty."""
    if record.get("kind") != "district":
        return None
    cat, plan = views.cat, record.get("implementation_plan")
    return {
        "duty": cat.t("district.duty"),
        "plan": {"url": plan["url"], "title": cat.text(plan.get("title")), "published": cat.date(plan.get("published"))}
        if isinstance(plan, dict)
        else None,
        "none": cat.t("district.no_plan"),
    }


def institute_notes(views: Views, districts: list[Record], institute_id: str) -> list[dict[str, Any]]:
    """The districts' notes on how an entry naming this institute was read (e.g. 杜克大学 in 高新区's list)."""
    return [
        {"district": views.link("district", district.id), "note": views.cat.text(note["note"])}
        for district in districts
        for note in district.get("planned_notes") or []
        if isinstance(note, dict) and note.get("institute") == institute_id
    ]


def district_plans(views: Views, districts: list[Record]) -> list[dict[str, Any]]:
    """Every district (not the departments' row), in order, with its published implementation plan or None."""
    return [
        {"district": views.link("district", district.id), "office": office_view(views, district)}
        for district in districts
        if district.get("kind") == "district"
    ]


def district(site: Site, record: Record) -> dict[str, Any]:
    """A district page beyond its facts: partners and the ≥ 5 check, its progress in every plan, the counterpart
    list, the office and its plan, charts of its progress over time and links to its report cards."""
    views, cat, figures = site.views, site.cat, site.figures
    indicator = display.partner_view(cat, next((i for i in figures.partners if i["district"] == record.id), None))
    partners = [
        {**views.link("institute", p["institute"]), "since": p["since"], "entry_sample": p.get("sample", False)}
        for p in record.get("partners", [])
    ]
    plans, charts = [], []
    who = views.name(record)
    for plan in figures.progress:
        row = next((r for r in plan["rows"] if r["district"] == record.id), None)
        if row is None:
            continue
        metrics = [m for m in plan["metrics"] if m["id"] in row["cells"]]
        plans.append(
            {
                "plan": plan,
                "url": plan_url(plan["id"]),
                "title": cat.text(plan["name"]),
                "cells": [
                    display.cell(cat, plan, m, row["cells"][m["id"]], cell_url(plan["id"], record.id, m["id"]))
                    for m in metrics
                ],
                "note": cat.t("progress.row_note", note=cat.text(row["note"])) if row.get("note") else "",
            }
        )
        charts.append(
            {
                "title": cat.text(plan["name"]),
                "charts": [
                    chart_view(
                        cat,
                        plan,
                        m,
                        row["cells"][m["id"]],
                        figures.series[(plan["id"], record.id, m["id"])],
                        who,
                        f"chart-{plan['id']}-{m['id']}",
                    )
                    for m in metrics
                ],
            }
        )
    links = [
        {"url": report_card_url(record.id, year), "text": cat.t("report.card_link", year=year)}
        for year in figures.years
    ]
    return {
        "partners": partners,
        "indicator": indicator,
        "plans": plans,
        "planned": planned_view(views, record),
        "office": office_view(views, record),
        "over_time": {"sections": charts, "links": links, "links_title": cat.t("report.cards")},
    }
