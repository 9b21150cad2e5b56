"""Progress pages: the overview of every plan, a table per plan (districts × metrics, totals, city-wide goals) with
charts of the municipal totals, and a drill-down per cell listing exactly the records it counts."""

from __future__ import annotations

from typing import Any

from registry.pages import display
from registry.pages.base import Site
from registry.pages.charts import chart_view
from registry.pages.display import field_labels
from registry.pages.render import Page
from registry.pages.reports import half_link
from registry.pages.urls import cell_url, plan_url


def plan(site: Site) -> list[Page]:
    cat, figures = site.cat, site.figures
    home, crumb = site.home_crumb(), ("progress/index.html", cat.t("nav.progress"))
    partners = [
        {**display.partner_view(cat, i), "link": site.views.link("district", i["district"])} for i in figures.partners
    ]
    pages = [
        site.page(
            "progress/index.html",
            "progress_index.html",
            cat.t("nav.progress"),
            [home],
            plans=[
                {
                    "plan": p,
                    "url": plan_url(p["id"]),
                    "period": cat.date_range(p["start"], p["end"]),
                    "title": cat.text(p["name"]),
                    "cells": total_cells(site, p),
                }
                for p in figures.progress
            ],
            partners=partners,
        )
    ]
    for progress in figures.progress:
        pages += plan_pages(site, progress, [home, crumb])
    return pages


def plan_pages(site: Site, plan: dict, crumbs: list[tuple[str, str]]) -> list[Page]:
    """A plan's table and the drill-down of each of its cells."""
    cat = site.cat
    plan_title, url = cat.text(plan["name"]), plan_url(plan["id"])
    metrics = [{**m, "label": cat.text(m["name"]), "unit_label": cat.text(m["unit"])} for m in plan["metrics"]]
    notes = [{"label": m["label"], "text": cat.text(m["note"])} for m in metrics if m.get("note")]
    rows = []
    for row in plan["rows"]:
        cells = [
            display.cell(cat, plan, m, row["cells"][m["id"]], cell_url(plan["id"], row["district"], m["id"]))
            if m["id"] in row["cells"]
            else None
            for m in plan["metrics"]
        ]
        rows.append(
            {
                "link": site.views.link("district", row["district"]),
                "outside": row["outside_totals"],
                "note": cat.text(row.get("note")),
                "cells": cells,
                "district": row["district"],
            }
        )
    totals = [
        display.cell(cat, plan, m, plan["totals"][m["id"]], cell_url(plan["id"], "totals", m["id"]))
        if m["id"] in plan["totals"]
        else None
        for m in plan["metrics"]
    ]
    goals = city_goals(site, plan)
    pages = [
        site.page(
            url,
            "progress.html",
            plan_title,
            crumbs,
            plan=plan,
            metrics=metrics,
            rows=rows,
            notes=notes,
            goals=goals,
            totals=totals,
            period=cat.date_range(plan["start"], plan["end"]),
            source=cat.text(plan["source"]),
            lead=lead(site, plan),
            **over_time(site, plan),
        )
    ]
    crumbs = [*crumbs, (url, plan_title)]
    for row_view in rows:
        for metric, cell in zip(plan["metrics"], row_view["cells"], strict=True):
            if cell is not None:
                pages.append(
                    drilldown(
                        site,
                        plan,
                        metric,
                        cell,
                        (plan["id"], row_view["district"], metric["id"]),
                        row_view["link"]["text"],
                        crumbs,
                    )
                )
    for metric, cell in zip(plan["metrics"], totals, strict=True):
        if cell is not None:
            pages.append(
                drilldown(
                    site, plan, metric, cell, (plan["id"], "totals", metric["id"]), cat.t("progress.total"), crumbs
                )
            )
    for goal in goals:
        pages.append(
            drilldown(
                site,
                plan,
                goal["metric_entry"],
                goal,
                (plan["id"], "city", goal["metric_entry"]["id"]),
                cat.t("progress.city"),
                crumbs,
                city=True,
            )
        )
    return pages


def lead(site: Site, plan: dict) -> str:
    """Where the plan stands in its period, in words."""
    cat = site.cat
    if plan["closed"]:
        return cat.t("progress.closed")
    if not plan["started"]:
        return cat.t("progress.not_started")
    return cat.t("progress.elapsed", date=cat.date(site.as_of), percent=round(plan["elapsed"] * 100, 1))


def total_cells(site: Site, plan: dict) -> list[dict[str, Any]]:
    """The municipal totals of a plan's metrics, as cells."""
    return [
        display.cell(site.cat, plan, m, plan["totals"][m["id"]], cell_url(plan["id"], "totals", m["id"]))
        for m in plan["metrics"]
        if m["id"] in plan["totals"]
    ]


def city_goals(site: Site, plan: dict) -> list[dict[str, Any]]:
    """The plan's city-wide goals as cells: the target shown as the goal's range (1–2), linked to its records."""
    metrics = {m["id"]: m for m in plan["metrics"]}
    out = []
    for goal in plan["city_goals"]:
        metric = metrics[goal["metric"]]
        target = f"{goal['min']}–{goal['max']}" if goal["max"] not in (None, goal["min"]) else goal["min"]
        cell = display.cell(
            site.cat, plan, metric, {**goal, "target": target}, cell_url(plan["id"], "city", goal["metric"])
        )
        out.append({**cell, "note": site.cat.text(goal["note"]), "metric_entry": metric})
    return out


def drilldown(
    site: Site,
    plan: dict,
    metric: dict,
    cell: dict,
    key: tuple[str, str, str],
    who: str,
    crumbs: list[tuple[str, str]],
    city: bool = False,
) -> Page:
    """The records one cell counts, and how it counts them."""
    cat, kind = site.cat, metric["kind"]
    cards = site.views.cards(site.views.sorted_latest(site.figures.counted[key]))
    labels = field_labels(site.registry.schemas, kind, cat.lang)
    filters = [
        cat.t(
            "progress.filter_item",
            field=labels.get(field, field),
            values=cat.join(cat.label(kind, field, v) for v in values),
        )
        for field, values in metric["where"].items()
    ]
    samples = sum(card["sample"] for card in cards)
    return site.page(
        cell["url"],
        "drilldown.html",
        cat.t("punct.pair", a=who, b=cat.text(metric["name"])),
        crumbs,
        cell=cell,
        cards=cards,
        count=len(cards),
        metric=metric,
        sample_text=cat.t("sample.counted", n=samples) if samples else "",
        plan_name=cat.text(plan["name"]),
        kind_label=site.plural(kind),
        date_label=labels.get(metric["date_field"], metric["date_field"]),
        owner_labels=cat.join(labels.get(f, f) for f in metric["owner_fields"]),
        filters=cat.join(filters, "punct.semicolon"),
        people=metric["measure"] == "people",
        city=city,
        note=cell["note"] if city else cat.text(metric.get("note")),
        window=cat.date_range(plan["start"], min(plan["end"], site.as_of)),
    )


def over_time(site: Site, plan: dict) -> dict[str, Any]:
    """A chart of the municipal total of each metric, and links to the half-year reports of the plan's period."""
    cat, figures = site.cat, site.figures
    who = cat.t("progress.total")
    charts = [
        chart_view(
            cat,
            plan,
            metric,
            plan["totals"][metric["id"]],
            figures.series[(plan["id"], "totals", metric["id"])],
            who,
            f"chart-{plan['id']}-{metric['id']}",
        )
        for metric in plan["metrics"]
        if metric["id"] in plan["totals"]
    ]
    links = [
        half_link(site, half, data)
        for half, data in figures.halves.items()
        if half.end.isoformat() >= plan["start"] and half.start.isoformat() <= plan["end"]
    ]
    return {
        "over_time": {
            "sections": [{"title": None, "charts": charts}],
            "links": links,
            "links_title": cat.t("report.halves"),
        }
    }
