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
        site.page("404.html", "404.html", cat.t("page.not_found"), [site.home_crumb()]),
    ]
