"""The home page: how many records of each kind, every plan's municipal totals, the latest events and achievements."""

from __future__ import annotations

from registry.model.kinds import DATE_FIELD
from registry.pages.base import Site
from registry.pages.progress import total_cells
from registry.pages.render import Page
from registry.pages.urls import PAGE_KINDS, kind_url, plan_url

LATEST = 6
"""How many events and achievements the home page shows."""


def latest(site: Site, kind: str) -> list[dict]:
    """The cards of a kind's LATEST newest records: the kind read by date only, the records shown read whole."""
    dated = site.registry.fields(kind, (DATE_FIELD[kind],))
    return site.views.cards([site.registry.get(kind, r.id) for r in site.views.sorted_latest(dated)[:LATEST]])


def plan(site: Site) -> list[Page]:
    """The home page; it reads of each kind the sample marks (to count), of events and achievements the dates, and
    the few records it shows (registry/model/fields.py), so an edit of a record it does not show leaves it alone."""
    cat = site.cat
    counts = []
    for kind in PAGE_KINDS:
        if kind != "district":
            records = site.registry.fields(kind, ("sample",))
            samples = sum(r.sample for r in records)
            counts.append(
                {
                    "kind": kind,
                    "label": site.plural(kind),
                    "count": len(records),
                    "url": kind_url(kind),
                    "sample_text": cat.t("sample.of", n=samples) if samples else "",
                }
            )
    glance = [
        {"plan": p, "url": plan_url(p["id"]), "title": cat.text(p["name"]), "cells": total_cells(site, p)}
        for p in site.figures.progress
    ]
    events, achievements = latest(site, "event"), latest(site, "achievement")
    return [
        Page(
            "index.html",
            "home.html",
            {
                "title": cat.t("nav.home"),
                "breadcrumbs": [],
                "section": "",
                "meta": site.meta("index.html", "home.html", cat.t("nav.home")),
                "counts": counts,
                "glance": glance,
                "events": events,
                "achievements": achievements,
            },
        )
    ]
