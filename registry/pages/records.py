"""Record pages: one per record, laid out by kind (an institute's partners, the Annex 1 form of an achievement, a
district's profile and progress), each with what refers to it and a way to get in touch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from registry.pages import districts
from registry.pages.base import Site
from registry.pages.contact import contact_view
from registry.pages.directories import ordered
from registry.pages.display import field_labels
from registry.pages.meta import plain
from registry.pages.render import Page
from registry.pages.urls import record_url
from registry.records.record import Record

RELATED_KINDS = ("achievement", "event", "project", "talent", "carrier")
"""Kinds whose records a record page lists when they refer to it, in this order."""


SUMMARY_FIELDS = ("summary",)
"""The field whose prose ends a record page's meta description (every kind with pages has one)."""


def plan(site: Site, kind: str, bucket: int, buckets: int) -> list[Page]:
    """The pages of one bucket of a kind's records."""
    return [record_page(site, record) for record in site.registry.bucket(kind, bucket, buckets)]


def record_page(site: Site, record: Record) -> Page:
    views, kind = site.views, record.kind
    crumbs = [site.home_crumb(), site.kind_crumb(kind)]
    context: dict[str, Any] = {
        "record": views.card(record),
        "facts": views.facts(record),
        "related": related(site, record),
        "kind": kind,
        "kind_label": site.cat.t(f"kind_one.{kind}"),
        "updated": site.updated(record.src_path),
        "contact": contact_view(record, site.registry, site.settings, site.cat, site.with_examples),
    }
    card = context["record"]
    summary = next((site.cat.text(record.get(f)) for f in SUMMARY_FIELDS if record.get(f)), "")
    lead = "；".join([context["kind_label"], *card["meta"]])
    context["article_meta"] = {
        "description": plain(f"{card['title']}（{lead}）" + (f"：{summary}" if summary else "")),
        "keywords": [card["title"], context["kind_label"], *card["meta"]],
        "pubdate": context["updated"]["iso"],
    }
    template, extra = LAYOUTS.get(kind, ("record.html", None))
    if extra is not None:
        context.update(extra(site, record))
    return site.page(record_url(kind, record.id), template, views.name(record), crumbs, **context)


def related(site: Site, record: Record) -> list[dict[str, Any]]:
    """Sections of records that refer to this one, by kind."""
    sections = []
    if record.kind == "institute":
        children = institute_children(site).get(record.id, [])
        if children:
            sections.append({"title": site.cat.t("section.children"), "cards": site.views.cards(children)})
    for kind in RELATED_KINDS:
        if kind == record.kind:
            continue
        referrers = site.views.sorted_latest(site.registry.referrers(record.kind, record.id, of_kind=kind))
        if referrers:
            sections.append({"title": site.plural(kind), "cards": site.views.cards(referrers), "kind": kind})
    return sections


def institute_children(site: Site) -> dict[Any, list[Record]]:
    """Parent institute id → its child institutes, made once (not a pass over every institute per institute)."""

    def make() -> dict[Any, list[Record]]:
        children: dict[Any, list[Record]] = {}
        for r in site.registry.all("institute"):
            children.setdefault(r.get("parent"), []).append(r)
        return children

    return site.registry.memo(("children",), make)


def institute(site: Site, record: Record) -> dict[str, Any]:
    """An institute's partner districts, the districts that plan to work with it, and their notes on it."""
    views, all_districts = site.views, ordered(site, "district")
    partner_of = [d for d in all_districts if any(p.get("institute") == record.id for p in d.get("partners", []))]
    planned_by = [d for d in all_districts if record.id in d.get("planned_institutes", [])]
    return {
        "partner_of": [views.link("district", d.id) for d in partner_of],
        "planned_by": [views.link("district", d.id) for d in planned_by],
        "planned_notes": districts.institute_notes(views, planned_by, record.id),
    }


def achievement(site: Site, record: Record) -> dict[str, Any]:
    """The Annex 1 form's cells, in its order; contact goes through the reporting district's office."""
    views, cat, get = site.views, site.cat, record.get
    lead = get("lead") or {}
    form = {
        "name": views.name(record),
        "institute": views.link("institute", get("institute")),
        "department": cat.text(get("department")),
        "lead": cat.text(lead.get("name")),
        "lead_title": cat.text(lead.get("title")),
        "field": views.enum(record, "field"),
        "stage": views.enum(record, "stage"),
        "summary": cat.text(get("summary")),
        "fit": cat.text(get("fit")),
        "promotion": cat.text(get("promotion")),
        "district": views.link("district", get("district")),
        "reported": cat.date(get("reported")),
        "status": views.enum(record, "status"),
        "status_updated": cat.date(get("status_updated")),
        "field_codes": checkboxes(site, record, "field"),
        "stage_codes": checkboxes(site, record, "stage"),
    }
    return {"form": form, "facts_by_name": field_labels(site.registry.schemas, record.kind, site.cat.lang)}


def checkboxes(site: Site, record: Record, field: str) -> list[dict[str, Any]]:
    """An enumeration as the form's row of boxes, the record's own value ticked (with its 'other' text)."""
    codes = site.registry.schemas.at(record.kind, (field,))["enum"]
    return [
        {
            "text": site.views.enum(record, field)
            if code == record.get(field)
            else site.cat.label(record.kind, field, code),
            "checked": code == record.get(field),
        }
        for code in codes
    ]


LAYOUTS: dict[str, tuple[str, Callable[[Site, Record], dict[str, Any]] | None]] = {
    "institute": ("institute.html", institute),
    "district": ("district.html", districts.district),
    "achievement": ("achievement.html", achievement),
}
"""Kind → its page's template and what it shows beyond the facts, related records and contact; record.html else."""
