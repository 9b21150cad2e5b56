"""The pages of open data and search: data/index.html, data/dictionary.html and search.html (finished values)."""

from __future__ import annotations

from registry.pages.base import Site
from registry.pages.catalogue import Catalogue, lang_of, plain
from registry.pages.dataset import dataset
from registry.pages.dictionary import dictionary
from registry.pages.directories import facet_groups, facet_title, ordered
from registry.pages.render import Page
from registry.pages.urls import (
    CALENDAR_PATH,
    DATA,
    EDITIONS,
    EXPORT_KINDS,
    FEED_PATH,
    PAGE_KINDS,
    SITEMAP_PATH,
    kind_downloads,
    kind_url,
    progress_downloads,
)

SEARCH_SCRIPT_TEXTS = ("count", "at_least", "shown", "none", "empty", "loading", "error", "browse_count")
"""The messages site_templates/assets/search-ui.js fills in (search.<name>), as the search form's data-msg-* attributes."""


def download_links(cat: Catalogue) -> dict[str, list[dict[str, str]]]:
    """kind → the download links a directory or record page shows (url, text), for the |url filter."""
    out = {}
    for kind in EXPORT_KINDS:
        paths = kind_downloads(kind)
        out[kind] = [
            {"url": paths["json"], "text": "JSON"},
            {"url": paths["csv"], "text": cat.t("data.csv_zh")},
            {"url": paths["csv_en"], "text": cat.t("data.csv_en")},
            {"url": paths["xlsx"], "text": "Excel (XLSX)"},
            {"url": "data/index.html", "text": cat.t("data.all")},
        ]
    return out


def share(cat: Catalogue, n: int, total: int) -> str:
    """n of total, with its percentage (— when there is nothing to count)."""
    if not total:
        return "—"
    return cat.t("data.english_value", n=cat.number(n), total=cat.number(total), percent=int(100 * n / total))


def plan(site: Site) -> list[Page]:
    """The data downloads page, the data dictionary and the search page."""
    cat, registry = site.cat, site.registry
    home = site.home_crumb()
    data_crumb = ("data/index.html", cat.t("data.title"))
    kinds = []
    english = site.figures.english
    for kind in EXPORT_KINDS:
        paths = kind_downloads(kind)
        kinds.append(
            {
                "label": site.plural(kind),
                "count": len(registry.fields(kind, ())),  # how many: no field read
                "json": paths["json"],
                "csv": paths["csv"],
                "csv_en": paths["csv_en"],
                "english": share(cat, english[kind]["named"], english[kind]["records"]),
                "english_texts": share(cat, english[kind]["translated"], english[kind]["texts"]),
            }
        )
    progress = [{"title": cat.text(p["name"]), **progress_downloads(p["id"])} for p in site.figures.progress]
    has_sitemap = bool(site.settings.get("base_url"))
    licence = site.settings.get("licence") or {}
    whole = {
        "json": f"{DATA}/registry.json",
        "xlsx": f"{DATA}/registry.xlsx",
        "schema": f"{DATA}/export.schema.json",
        "package": f"{DATA}/datapackage.json",
    }
    downloads = [
        (k[fmt], f"{k['label']} · {name}")
        for k in kinds
        for fmt, name in (("json", "JSON"), ("csv", cat.t("data.csv_zh")), ("csv_en", cat.t("data.csv_en")))
    ]
    downloads += [
        (path, cat.t(f"data.{key}"))
        for key, path in zip(("whole_json", "whole_xlsx", "schema", "package"), whole.values(), strict=True)
    ]
    downloads += [
        (p[fmt], f"{p['title']} · {name}")
        for p in progress
        for fmt, name in (("json", "JSON"), ("csv", cat.t("data.csv_zh")), ("csv_en", cat.t("data.csv_en")))
    ]
    downloads += [(FEED_PATH, cat.t("data.atom")), (CALENDAR_PATH, cat.t("data.ics"))]
    pages = [
        site.page(
            "data/index.html",
            "data.html",
            cat.t("data.title"),
            [home],
            kinds=kinds,
            progress=progress,
            whole=whole,
            dataset=dataset(site, downloads),
            updated=site.registry_updated(),
            feeds={"atom": FEED_PATH, "ics": CALENDAR_PATH, "sitemap": SITEMAP_PATH if has_sitemap else None},
            dictionary_url="data/dictionary.html",
            licence={"name": cat.text(licence.get("name")), "url": licence.get("url", "")},
        ),
        site.page(
            "data/dictionary.html",
            "dictionary.html",
            cat.t("data.dictionary"),
            [home, data_crumb],
            sections=dictionary(registry.schemas, cat),
        ),
    ]
    schemas = registry.schemas
    selects = [
        {
            "name": "kind",
            "label": cat.t("search.kind"),
            "options": [{"value": k, "text": site.plural(k), "lang": ""} for k in PAGE_KINDS],
        },
        {
            "name": "field",
            "label": facet_title(site, "achievement", "field"),
            "options": [
                {"value": c, "text": cat.label("achievement", "field", c), "lang": ""}
                for c in schemas.at("achievement", ("field",))["enum"]
            ],
        },
        {
            "name": "stage",
            "label": facet_title(site, "achievement", "stage"),
            "options": [
                {"value": c, "text": cat.label("achievement", "stage", c), "lang": ""}
                for c in schemas.at("achievement", ("stage",))["enum"]
            ],
        },
        {
            "name": "district",
            "label": cat.t("kind_one.district"),
            "options": [
                {"value": d.id, "text": plain(site.views.name(d)), "lang": lang_of(site.views.name(d))}
                for d in ordered(site, "district")
            ],
        },
    ]
    browse = [{"url": kind_url(k), "text": site.plural(k)} for k in PAGE_KINDS]
    facets = facet_groups(site, "achievement")
    pages.append(
        site.page(
            "search.html",
            "search.html",
            cat.t("search.title"),
            [home],
            selects=selects,
            store=f"{EDITIONS[cat.lang]}search/",
            # the script's messages as data-msg-* attributes; a count message also as its .one form (→ data-msg-*-one)
            messages={
                name.replace("_", "-").replace(".", "-"): text
                for name, text in cat.script_texts("search.", SEARCH_SCRIPT_TEXTS).items()
            },
            browse=browse,
            facets=[f for f in facets if f["name"] in ("field", "stage", "district")],
            data_links=[{"url": "data/index.html", "text": cat.t("data.all")}]
            + [
                {"url": kind_downloads(k)["csv"], "text": f"{site.plural(k)} · {cat.t('data.csv_zh')}"}
                for k in EXPORT_KINDS
            ],
        )
    )
    return pages
