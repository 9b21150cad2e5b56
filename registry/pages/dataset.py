"""The downloads page's schema.org Dataset (JSON-LD): the registry's open data as dataset search engines read it, with
one DataDownload per file the page offers."""

from __future__ import annotations

import json

from markupsafe import Markup

from registry.pages.base import Site
from registry.pages.render import relative_url

PAGE = "data/index.html"

FORMATS = {
    ".json": "application/json",
    ".csv": "text/csv",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xml": "application/atom+xml",
    ".ics": "text/calendar",
}
"""Media type by file ending (the JSON Schema is JSON too, as the page links it)."""


def dataset(site: Site, downloads: list[tuple[str, str]]) -> Markup:
    """The Dataset of (site-root path, name) downloads, as the text of a <script type="application/ld+json">."""
    cat, settings = site.cat, site.settings
    licence = settings.get("licence") or {}
    organiser = {"@type": "GovernmentOrganization", "name": cat.text(settings.get("organiser"))}
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": cat.text(settings.get("title")),
        "description": cat.t("data.lead"),
        "inLanguage": "zh-CN" if cat.lang == "zh" else "en",
        "isAccessibleForFree": True,
        "creator": organiser,
        "publisher": organiser,
        "distribution": [
            {
                "@type": "DataDownload",
                "name": name,
                "encodingFormat": FORMATS["." + path.rsplit(".", 1)[1]],
                "contentUrl": site.published_url(path) or relative_url(path, PAGE),
            }
            for path, name in downloads
        ],
    }
    if licence.get("url"):
        data["license"] = licence["url"]
    if site.published_url(PAGE):
        data["url"] = site.published_url(PAGE)
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1)
    # Inside <script> only "</" could end the element early: < > & as JSON escapes, which every JSON parser reads back.
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
