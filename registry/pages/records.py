"""Record pages: one per record, laid out by kind (an institute's partners, the Annex 1 form of an achievement, a
district's profile and progress), each with what refers to it and a way to get in touch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from registry.pages import districts
from registry.pages.base import Site
from registry.pages.cards import card_fields
from registry.pages.catalogue import has_chinese
from registry.pages.contact import contact_view
from registry.pages.directories import ordered
from registry.pages.display import field_labels
from registry.pages.form_fields import FORM_KINDS
from registry.pages.meta import plain, text_only
from registry.pages.render import Page
from registry.pages.urls import edit_url, form_url, record_url
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
        "facts": [] if kind in OWN_DETAILS else views.facts(record),
        "related": related(site, record),
        "kind": kind,
        "kind_label": site.cat.t(f"kind_one.{kind}"),
        "updated": site.updated(record.src_path),
        "contact": contact_view(record, site.registry, site.settings, site.cat, site.with_examples),
        "edit": edit_links(site, record),
    }
    card, cat = context["record"], site.cat
    # The page's description and keywords, as plain text; on a page of another language than Chinese, the record's
    # Chinese standing in for a missing translation is left out of them (only the title stays, marked by page_meta).
    title = text_only(card["title"])
    facts = [text_only(m) for m in card["meta"]]
    summary = next((text_only(cat.text(record.get(f))) for f in SUMMARY_FIELDS if record.get(f)), "")
    if cat.lang != "zh":
        facts = [f for f in facts if not has_chinese(f)]
        summary = "" if has_chinese(summary) else summary
    lead = cat.t("punct.semicolon").join([context["kind_label"], *facts])
    context["article_meta"] = {
        "description": plain(
            title + cat.t("punct.paren", text=lead) + (cat.t("punct.colon") + summary if summary else "")
        ),
        "keywords": [title, context["kind_label"], *facts],
        "pubdate": context["updated"]["iso"],
    }
    template, extra = LAYOUTS.get(kind, ("record.html", None))
    if extra is not None:
        context.update(extra(site, record))
    return site.page(record_url(kind, record.id), template, views.name(record), crumbs, **context)


def edit_links(site: Site, record: Record) -> dict[str, str] | None:
    """ "修改此记录": the host's edit page of the record's file, and the form started from its published fields; only
    when site.yaml names the repository (staff need access to it either way)."""
    host = edit_url(site.settings, record.kind, record.id)
    if host is None:
        return None
    form = f"{form_url(record.kind)}?edit={record.id}" if record.kind in FORM_KINDS else None
    return {"host": host, "form": form}


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
        referrers = site.registry.referrers(record.kind, record.id, of_kind=kind, names=card_fields(kind))
        referrers = site.views.sorted_latest(referrers)
        if referrers:
            sections.append({"title": site.plural(kind), "cards": site.views.cards(referrers), "kind": kind})
    return sections


def institute_children(site: Site) -> dict[Any, list[Record]]:
    """Parent institute id → its child institutes as their cards show them, made once (not a pass over every
    institute per institute)."""

    def make() -> dict[Any, list[Record]]:
        children: dict[Any, list[Record]] = {}
        for r in site.registry.fields("institute", ("parent", *card_fields("institute"))):
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
    labels = field_labels(site.registry.schemas, record.kind, cat.lang)
    if cat.lang != "zh":  # the form's own headings, translated (the schema's English titles are the CSV's headers)
        labels = {**labels, **{name: cat.t(f"annex1.{name}") for name in ANNEX1_HEADINGS}}
    return {"form": form, "facts_by_name": labels}


ANNEX1_HEADINGS = (
    "name",
    "institute",
    "department",
    "lead",
    "lead_title",
    "field",
    "stage",
    "summary",
    "fit",
    "promotion",
    "district",
    "reported",
)
"""The cells of Annex 1 whose headings an edition in another language translates from the form (annex1.* in the
catalogue); the Chinese page prints the schema's titles, which are the form's own words."""


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

OWN_DETAILS = {"achievement"}
"""Kinds whose template lays out the record's details itself (achievement.html: the Annex 1 form) in place of the
facts list, which their pages therefore neither make nor carry."""
