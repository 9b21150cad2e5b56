"""Report pages as finished display values: the index, half-year reports and district report cards (the figures
come from registry/figures/reports.py; `build.py report` prints the same values as text: registry/staff/report.py)."""

from __future__ import annotations

from typing import Any

from registry.figures.reports import ADDED_KINDS, Half
from registry.model.kinds import DATE_FIELD, TITLE_FIELD
from registry.pages import display
from registry.pages.base import Site
from registry.pages.cards import Views
from registry.pages.catalogue import Catalogue
from registry.pages.display import field_labels
from registry.pages.render import Page
from registry.pages.urls import cell_url, half_url, plan_url, record_url, report_card_url
from registry.records.record import Record


def half_link(site: Site, half: Half, data: dict) -> dict[str, str]:
    """A link to a half-year report; one on a half that ended before the targets were issued says it is retrospective."""
    return ReportViews(site.views, site.cat).half_link(half, data)


class ReportViews:
    """Turns period_report data and cumulative series into display values for one language."""

    def __init__(self, views: Views, cat: Catalogue):
        self.views, self.cat, self.registry = views, cat, views.registry

    # -- shared pieces -----------------------------------------------------------------------------
    def half_label(self, half: Half) -> str:
        return self.cat.t(f"report.half{half.half}", year=half.year)

    def half_link(self, half: Half, data: dict) -> dict[str, str]:
        """A link to a half-year report (data: its period_report), marked when the report is retrospective."""
        retro = self.cat.t("report.retro_mark") if data["retrospective"] else ""
        return {"url": half_url(half.period), "text": self.half_label(half) + retro}

    def retro_note(self, issued: str | None) -> str:
        return self.cat.t("report.retro_note", date=self.cat.date(issued)) if issued else ""

    def metric_rows(self, plan: dict, cells: dict, district_id: str | None) -> list[dict[str, Any]]:
        """One row per metric the cells hold: target, actual at the end, percent, due by then, added, status."""
        rows = []
        for metric in plan["metrics"]:
            cell = cells.get(metric["id"])
            if cell is None:
                continue
            status = cell["status"]
            rows.append(
                {
                    "metric": self.cat.text(metric["name"]),
                    "unit": self.cat.text(metric["unit"]),
                    "sub": bool(metric.get("part_of")),
                    "target": cell["target"],
                    "actual": cell["actual"],
                    "added": cell["added"],
                    "sample_text": self.sample_text(cell["samples"]),
                    "added_sample_text": self.sample_text(cell["added_samples"]),
                    "percent_text": display.percent_text(cell["percent"]),
                    "expected": display.pace_text(cell["expected"], cell["target"]),
                    "status": status,
                    "status_label": display.status_label(self.cat, status, plan["closed"]),
                    "symbol": display.STATUS_SYMBOL[status],
                    "url": cell_url(plan["id"], district_id or "totals", metric["id"]),
                }
            )
        return rows

    def sample_text(self, samples: int) -> str:
        return display.sample_text(self.cat, samples)

    def plan_table(
        self, plan: dict, cells: dict, district_id: str | None, table_id: str, note: Any = None
    ) -> dict[str, Any]:
        return {
            "id": plan["id"],
            "table_id": table_id,
            "title": self.cat.text(plan["name"]),
            "url": plan_url(plan["id"]),
            "period": self.cat.date_range(plan["start"], plan["end"]),
            "note": self.cat.text(note),
            "rows": self.metric_rows(plan, cells, district_id),
        }

    def listed(self, kind: str, record_id: str) -> Record:
        """A record as a report lists it: its name, date and sample mark only (registry/model/fields.py), so the
        reports depend on those fields of the kind, not on its records whole (a summary edit leaves them alone)."""
        names = (TITLE_FIELD.get(kind, "name"), *((DATE_FIELD[kind],) if kind in DATE_FIELD else ()), "sample")
        by_id = self.registry.memo(
            ("listed", kind), lambda: {record.id: record for record in self.registry.fields(kind, names)}
        )
        return by_id[record_id]

    def item(self, kind: str, record_id: str) -> dict[str, Any]:
        record = self.listed(kind, record_id)
        return {
            "url": record_url(kind, record_id),
            "text": self.views.name(record),
            "date": self.cat.date(record.get(DATE_FIELD[kind])),
            "sample": record.sample,
        }

    def partners(self, entry: dict | None) -> dict[str, Any] | None:
        view = display.partner_view(self.cat, entry)
        return view and {key: view[key] for key in ("met", "text", "count", "samples", "required", "symbol", "state")}

    def quality(self, quality: dict) -> dict[str, Any]:
        """The data-quality findings as sentences, each with its record linked (before + link + after = line)."""
        cat, items = self.cat, []
        for entry in quality["missing"]:
            labels = field_labels(self.registry.schemas, entry["kind"], cat.lang)
            items.append(
                self.sentence(
                    entry["kind"],
                    entry["id"],
                    "report.missing",
                    kind=cat.t(f"kind_one.{entry['kind']}"),
                    fields=cat.join(labels.get(f, f) for f in entry["fields"]),
                )
            )
        for entry in quality["undated"]:
            items.append(
                self.sentence(entry["kind"], entry["id"], "report.undated", kind=cat.t(f"kind_one.{entry['kind']}"))
            )
        for entry in quality["stale"]:
            items.append(self.sentence("achievement", entry["id"], "report.stale", date=cat.date(entry["updated"])))
        return {"findings": items, "empty": not items}

    def sentence(self, record_kind: str, record_id: str, key: str, **values: str) -> dict[str, Any]:
        item = self.item(record_kind, record_id)
        before, _, after = self.cat.t(key, name="\x00", **values).partition("\x00")
        return {**item, "before": before, "after": after, "line": before + item["text"] + after}

    # -- a half-year report ----------------------------------------------------------------------
    def half_report(self, half: Half, data: dict) -> dict[str, Any]:
        """The whole report as display values: what the page, the text and the Markdown all show."""
        cat, plans = self.cat, {plan["id"]: plan for plan in data["plans"]}
        label = self.half_label(half)
        districts = []
        for entry in data["districts"]:
            link = self.views.link("district", entry["district"])
            added = [
                {
                    "kind": kind,
                    "label": cat.t(f"kind.{kind}"),
                    "count": len(entry["added"][kind]),
                    "records": [self.item(kind, rid) for rid in entry["added"][kind]],
                }
                for kind in ADDED_KINDS
                if entry["added"][kind]
            ]
            districts.append(
                {
                    "id": entry["district"],
                    "name": link["text"],
                    "url": link["url"],
                    "behind": entry["behind"],
                    "plans": [
                        self.plan_table(
                            plans[p["plan"]],
                            p["cells"],
                            entry["district"],
                            f"p-{entry['district']}-{p['plan']}",
                            p["note"],
                        )
                        for p in entry["plans"]
                    ],
                    "partners": self.partners(entry["partners"]),
                    "added": added,
                    "added_count": sum(group["count"] for group in added),
                    "quality": self.quality(entry["quality"]),
                    "card_url": report_card_url(entry["district"], half.year),
                }
            )
        behind = [{"url": d["url"], "text": d["name"], "anchor": f"d-{d['id']}"} for d in districts if d["behind"]]
        return {
            "period": half.period,
            "year": half.year,
            "label": label,
            "title": cat.t("report.title_retro" if data["retrospective"] else "report.title", period=label),
            "retro_note": self.retro_note(data["retrospective"]),
            "range": cat.date_range(data["start"], data["end"]),
            "as_of": cat.date(data["end"]),
            "totals": [self.plan_table(plan, plan["totals"], None, f"total-{plan['id']}") for plan in data["plans"]],
            "behind": behind,
            "districts": districts,
            "added_totals": [
                self.added_total(kind, {rid for e in data["districts"] for rid in e["added"][kind]})
                for kind in ADDED_KINDS
            ],
        }

    def added_total(self, kind: str, ids: set[str]) -> dict[str, Any]:
        samples = sum(self.listed(kind, rid).sample for rid in ids)
        return {"label": self.cat.t(f"kind.{kind}"), "count": len(ids), "sample_text": self.sample_text(samples)}

    # -- a district's report card ----------------------------------------------------------------
    def card(self, district_id: str, year: int, data: dict, halves: dict[Half, dict]) -> dict[str, Any]:
        """One district's year on one page: progress at year end, additions per half, partners, follow-ups."""
        cat, plans = self.cat, {plan["id"]: plan for plan in data["plans"]}
        entry = next(e for e in data["districts"] if e["district"] == district_id)
        link = self.views.link("district", district_id)
        by_half = {h: next(e for e in d["districts"] if e["district"] == district_id) for h, d in halves.items()}
        added = [
            {
                "label": cat.t(f"kind.{kind}"),  # a count per half, then the year's
                "cells": [
                    *(self.count(kind, by_half[h]["added"][kind]) for h in sorted(by_half)),
                    self.count(kind, entry["added"][kind]),
                ],
            }
            for kind in ADDED_KINDS
        ]
        return {
            "district": district_id,
            "name": link["text"],
            "url": link["url"],
            "year": year,
            "title": cat.t("report.card_title", district=link["text"], year=year)
            + (cat.t("report.retro_mark") if data["retrospective"] else ""),
            "retro_note": self.retro_note(data["retrospective"]),
            "range": cat.date_range(data["start"], data["end"]),
            "as_of": cat.date(data["end"]),
            "behind": entry["behind"],
            "plans": [
                self.plan_table(plans[p["plan"]], p["cells"], district_id, f"p-{p['plan']}", p["note"])
                for p in entry["plans"]
            ],
            "partners": self.partners(entry["partners"]),
            "halves": [
                {"label": self.half_link(h, halves[h])["text"], "url": half_url(h.period)} for h in sorted(by_half)
            ],
            "added": added,
            "added_labels": [self.half_link(h, halves[h])["text"] for h in sorted(by_half)]
            + [cat.t("report.year_total")],
            "quality": self.quality(entry["quality"]),
        }

    def count(self, kind: str, ids: list[str]) -> dict[str, Any]:
        """A number of records, with how many of them are samples."""
        return {"n": len(ids), "sample_text": self.sample_text(sum(self.listed(kind, rid).sample for rid in ids))}


def plan(site: Site) -> list[Page]:
    """The report pages: the index, one per half year, a card per district per year."""
    cat, figures = site.cat, site.figures
    rv = ReportViews(site.views, cat)
    home, crumb = site.home_crumb(), ("reports/index.html", cat.t("nav.reports"))
    districts = sorted(site.registry.all("district"), key=lambda d: (d.get("order", 999), d.id))
    index_years = []
    for year in sorted({h.year for h in figures.halves} | set(figures.years)):
        index_years.append(
            {
                "year": year,
                "halves": [half_link(site, h, data) for h, data in figures.halves.items() if h.year == year],
                "cards": [{"url": report_card_url(d.id, year), "text": site.views.name(d)} for d in districts]
                if year in figures.years
                else [],
            }
        )
    pages = [
        site.page(
            "reports/index.html",
            "report_index.html",
            cat.t("nav.reports"),
            [home],
            years=index_years,
            empty=not figures.halves,
        )
    ]
    for half, data in figures.halves.items():
        report = rv.half_report(half, data)
        pages.append(site.page(half_url(half.period), "report.html", report["title"], [home, crumb], report=report))
    for year, data in figures.years.items():
        in_year = {h: d for h, d in figures.halves.items() if h.year == year}
        for district in districts:
            card = rv.card(district.id, year, data, in_year)
            pages.append(
                site.page(
                    report_card_url(district.id, year), "report_card.html", card["title"], [home, crumb], card=card
                )
            )
    return pages
