"""A directory's records for the browser (site_templates/assets/filters.js): `<folder>/index.json` per edition.

With JavaScript, a directory page combines its facets (field + stage + district + year + institute…), counts
each option within the current selection, sorts by 最后更新 and downloads the rows shown. The static single-facet
pages stay as they are; this file is what the script filters. Shape (sorted keys, deterministic):

  {"kind", "csv": CSV path relative to this file (the edition's language), "facets": [{"name", "title",
   "options": [[value, text, lang or ""]]}], "records": [[id, title, url relative to this file, date, [meta], sample,
   updated ISO date or "", [[values] per facet], chinese only]]}  — records in directory order; the CSV's rows are
   in id order. A title or meta item that a page shows with Chinese marked (an English page showing a record's
   Chinese) is a list of runs, [[text, lang or ""]] (registry/pages/catalogue.py runs), so the script marks what the
   static card marks; an option, which holds text only, gives its lang (a district without an English name);
   "chinese only" is the card's "(Chinese only)".
"""

from __future__ import annotations

import orjson
from markupsafe import Markup

from registry import folder_of
from registry.pages.base import Site
from registry.pages.catalogue import lang_of, plain, runs
from registry.pages.directories import directory, facet_title, facet_values
from registry.pages.render import Page, relative_url
from registry.pages.urls import EDITIONS, kind_downloads

YEAR_TOO = ("achievement", "carrier", "institute")
"""Kinds whose static pages have no year facet: the script adds one (the record's date, as the cards show it)."""

TEXTS = ("any", "sort", "sort_default", "sort_updated", "download", "more", "shown", "updated", "apply")
"""The script's words (site_templates/messages.yaml filter.*), placeholders ({n}, {date}) left for it to fill."""


def list_index(site: Site, kind: str) -> Page:
    """The JSON a directory page's script filters (records, their facet values, their 最后更新)."""
    records, groups, _sidebar = directory(site, kind)
    out_path = f"{folder_of(kind)}/index.json"
    if kind in YEAR_TOO and all(group["name"] != "year" for group in groups):  # no static year pages for these
        years = sorted({y for record in records for y in facet_values(site, record, "year")}, reverse=True)
        options = [{"url": f"year/{y}.html", "text": y} for y in years]
        groups = [*groups, {"name": "year", "title": facet_title(site, kind, "year"), "options": options}]
    names = [group["name"] for group in groups]
    rows = []
    for record, card in zip(records, site.views.cards(records), strict=True):
        rows.append(
            [
                record.id,
                runs(card["title"]),
                relative_url(card["url"], out_path),
                card.get("date") or "",
                [runs(m) for m in card.get("meta", []) if m],
                bool(card.get("sample")),
                site.updated(record.src_path)["iso"],
                [facet_values(site, record, name) for name in names],
                card["chinese_only"],
            ]
        )
    facets = [
        {
            "name": group["name"],
            "title": group["title"],
            "options": [
                [option["url"].rsplit("/", 1)[1].removesuffix(".html"), plain(option["text"]), lang_of(option["text"])]
                for option in group["options"]
            ],
        }
        for group in groups
    ]
    downloads = kind_downloads(kind)
    csv = downloads["csv" if site.cat.lang == "zh" else "csv_en"]
    data = {
        "kind": kind,
        "csv": relative_url(csv, EDITIONS[site.cat.lang] + out_path),
        "facets": facets,
        "records": rows,
        "text": site.cat.script_texts("filter.", TEXTS)
        | {
            "sample": site.cat.t("badge.sample"),
            "clear": site.cat.t("page.clear_filter"),
            "chinese_only": site.cat.t("record.chinese_only"),
        },
    }
    return Page(out_path, "directory.json", {"json": Markup(orjson.dumps(data, option=orjson.OPT_SORT_KEYS).decode())})


def plan(site: Site, kind: str) -> list[Page]:
    return [list_index(site, kind)]
