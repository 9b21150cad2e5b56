"""The about page (the programme in words, with the implementation plans and city-wide goals from the records) and
the page shown for an address that does not exist."""

from __future__ import annotations

from typing import Any

from registry.pages.base import ABOUT_FIGURES, Site
from registry.pages.directories import facet_groups, ordered
from registry.pages.districts import district_plans
from registry.pages.progress import city_goals
from registry.pages.render import Page
from registry.pages.urls import PAGE_KINDS, kind_url, plan_url


def plan(site: Site) -> list[Page]:
    cat = site.cat
    goals = [
        {**goal, "plan_title": cat.text(plan["name"]), "plan_url": plan_url(plan["id"])}
        for plan in site.figures.progress
        for goal in city_goals(site, plan)
    ]
    about, _marker, about_after = site.about.partition(ABOUT_FIGURES)
    return [
        site.page(
            "about.html",
            "about.html",
            cat.t("nav.about"),
            [site.home_crumb()],
            plans=[site.views.card(p) for p in site.registry.all("plan")],
            about=about,
            about_after=about_after,
            goals=goals,
            district_plans=district_plans(site.views, ordered(site, "district")),
        ),
        not_found(site),
        sitemap(site),
    ]


def sitemap(site: Site) -> Page:
    """网站地图: every section of the menu, with what is under it (a directory's facets, the plans, the data pages)."""
    cat = site.cat
    under: dict[str, list[dict[str, Any]]] = {
        kind_url(kind): [
            {"title": f["title"], "links": [{"url": o["url"], "text": o["text"]} for o in f["options"]]}
            for f in facet_groups(site, kind)
        ]
        for kind in PAGE_KINDS
    }
    under["progress/index.html"] = [
        {"title": "", "links": [{"url": plan_url(p["id"]), "text": cat.text(p["name"])} for p in site.figures.progress]}
    ]
    under["data/index.html"] = [
        {
            "title": "",
            "links": [
                {"url": "data/dictionary.html", "text": cat.t("data.dictionary")},
                {"url": "search.html", "text": cat.t("search.title")},
            ],
        }
    ]
    sections = [
        {"url": "index.html", "text": cat.t("nav.home"), "groups": []},
        *({"url": item["url"], "text": item["text"], "groups": under.get(item["url"], [])} for item in site.nav()),
    ]
    return site.page("sitemap.html", "sitemap.html", cat.t("sitemap.title"), [site.home_crumb()], sections=sections)


def not_found(site: Site) -> Page:
    """The page a host shows for a missing address, at whatever depth it was asked for: its links are absolute under
    base_url when site.yaml sets one; otherwise its styles are inlined (a relative stylesheet would not load)."""
    base_url = site.settings.get("base_url")
    return site.page(
        "404.html",
        "404.html",
        site.cat.t("page.not_found"),
        [site.home_crumb()],
        absolute_base=base_url or "",
        inline_style=not base_url,
    )
