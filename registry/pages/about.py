"""The about page (the programme in words, with the implementation plans and city-wide goals from the records) and
the page shown for an address that does not exist."""

from __future__ import annotations

from registry.pages.base import ABOUT_FIGURES, Site
from registry.pages.directories import ordered
from registry.pages.districts import district_plans
from registry.pages.progress import city_goals
from registry.pages.render import Page
from registry.pages.urls import plan_url


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
    ]


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
