"""The home page: how many records of each kind, every plan's municipal totals, the latest events and achievements."""

from __future__ import annotations

from registry.pages.base import Site
from registry.pages.progress import total_cells
from registry.pages.render import Page
from registry.pages.urls import PAGE_KINDS, kind_url, plan_url

LATEST = 6
"""How many events and achievements the home page shows."""


def plan(site: Site) -> list[Page]:
    cat, views = site.cat, site.views
    counts = []
    for kind in PAGE_KINDS:
        if kind != "district":
            records = site.registry.all(kind)
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
    events = views.cards(views.sorted_latest(site.registry.all("event"))[:LATEST])
    achievements = views.cards(views.sorted_latest(site.registry.all("achievement"))[:LATEST])
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
