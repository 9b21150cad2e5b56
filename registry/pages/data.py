"""The pages of open data and search: data/index.html, data/dictionary.html and search.html (finished values)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from registry import folder_of
from registry.outputs.exports import DATA, kind_downloads
from registry.outputs.feeds import CALENDAR_PATH, FEED_PATH
from registry.outputs.search import SEARCH_KINDS
from registry.pages.dictionary import dictionary

if TYPE_CHECKING:
    from registry.pages.plan import SitePlan

EXPORT_KINDS = ("institute", "achievement", "event", "project", "talent", "carrier", "district", "plan")


def download_links(cat: Any) -> dict[str, list[dict[str, str]]]:
    """kind → the download links a directory or record page shows (url, text), for the |url filter."""
    out = {}
    for kind in EXPORT_KINDS:
        paths = kind_downloads(kind)
        out[kind] = [{"url": paths["json"], "text": "JSON"}, {"url": paths["csv"], "text": cat.t("data.csv_zh")},
                     {"url": paths["csv_en"], "text": cat.t("data.csv_en")}, {"url": paths["xlsx"], "text": "Excel (XLSX)"},
                     {"url": "data/index.html", "text": cat.t("data.all")}]
    return out


def plan_data_pages(plan: SitePlan) -> None:
    """Add the data page, the data dictionary and the search page to a SitePlan."""
    cat, registry = plan.cat, plan.registry
    home = plan.home_crumb()
    data_crumb = ("data/index.html", cat.t("data.title"))
    kinds = []
    for kind in EXPORT_KINDS:
        paths = kind_downloads(kind)
        kinds.append({"label": plan.plural(kind), "count": len(registry.all(kind)), "json": paths["json"],
                      "csv": paths["csv"], "csv_en": paths["csv_en"]})
    progress = [{"title": cat.text(p["name"]), "json": f"{DATA}/progress-{p['id']}.json",
                 "csv": f"{DATA}/progress-{p['id']}.csv", "csv_en": f"{DATA}/progress-{p['id']}.en.csv"}
                for p in plan.progress]
    has_sitemap = bool(plan.settings.get("base_url"))
    plan.add("data/index.html", "data.html", cat.t("data.title"), [home], kinds=kinds, progress=progress,
             whole={"json": f"{DATA}/registry.json", "xlsx": f"{DATA}/registry.xlsx",
                    "schema": f"{DATA}/export.schema.json"},
             feeds={"atom": FEED_PATH, "ics": CALENDAR_PATH, "sitemap": "sitemap.xml" if has_sitemap else None},
             dictionary_url="data/dictionary.html", licence=cat.text(plan.settings.get("licence")))
    plan.add("data/dictionary.html", "dictionary.html", cat.t("data.dictionary"), [home, data_crumb],
             sections=dictionary(registry.schemas, cat))
    schemas = registry.schemas
    selects = [
        {"name": "kind", "label": cat.t("search.kind"),
         "options": [{"value": k, "text": plan.plural(k)} for k in SEARCH_KINDS]},
        {"name": "field", "label": plan.facet_title("achievement", "field"),
         "options": [{"value": c, "text": cat.label("achievement", "field", c)} for c in schemas.at("achievement", ("field",))["enum"]]},
        {"name": "stage", "label": plan.facet_title("achievement", "stage"),
         "options": [{"value": c, "text": cat.label("achievement", "stage", c)} for c in schemas.at("achievement", ("stage",))["enum"]]},
        {"name": "district", "label": cat.t("kind_one.district"),
         "options": [{"value": d.id, "text": plan.views.name(d)} for d in plan.ordered("district")]},
    ]
    browse = [{"url": f"{folder_of(k)}/index.html", "text": plan.plural(k)} for k in SEARCH_KINDS]
    facets = plan.directory("achievement")[1]
    plan.add("search.html", "search.html", cat.t("search.title"), [home], selects=selects, browse=browse,
             facets=[f for f in facets if f["name"] in ("field", "stage", "district")])
