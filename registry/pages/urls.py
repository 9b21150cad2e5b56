"""Where every page and file of the site lives: site-root paths, made here and nowhere else (templates make them
relative with the |url filter; they never build one).

A page plan speaks of routes (achievements/x.html); each language's edition has its pages under its own folder
(EDITIONS: the Chinese at the root, the English under en/), so a route is the same page in every language. Downloads,
assets and the search index's postings are shared: one copy at the root serves every edition."""

from __future__ import annotations

from urllib.parse import quote

from registry import folder_of

PAGE_KINDS = ("institute", "achievement", "event", "project", "talent", "carrier", "district")
"""Kinds with a directory and a page per record (plans have their progress pages instead), in menu order."""

EXPORT_KINDS = (*PAGE_KINDS, "plan")
"""Kinds whose downloads the data page and each directory offer."""

DATA = "data"
FEED_PATH = "feed.xml"
CALENDAR_PATH = "events.ics"
SITEMAP_PATH = "sitemap.xml"


EDITIONS = {"zh": "", "en": "en/"}
"""Language → the folder its edition's pages live in; the first is the site's own language (x-default)."""

LANGUAGE_NAMES = {"zh": "中文", "en": "English"}
"""Each language by its own name, for the language switch (written in that language, never translated)."""

SHARED = ("assets/", "data/", "search/", SITEMAP_PATH, "robots.txt", "favicon.ico", "apple-touch-icon.png")
"""Files every edition links to at the root: a path starting with one of these, unless it is a page (.html)."""


def localised(target: str, lang: str) -> str:
    """A site-root path as a page of the `lang` edition links to it: its route inside the edition's folder, or the
    shared file itself (data/achievements.csv, assets/style.css)."""
    prefix = EDITIONS[lang]
    if not prefix or "://" in target or target.startswith(("mailto:", "tel:", "#")):
        return target
    if target.startswith(SHARED) and not target.partition("#")[0].endswith(".html"):
        return target
    return prefix + target


def route_of(out_path: str) -> tuple[str, str]:
    """(language, route) of a page's out_path: en/achievements/x.html → ("en", "achievements/x.html")."""
    for lang, prefix in EDITIONS.items():
        if prefix and out_path.startswith(prefix):
            return lang, out_path[len(prefix) :]
    return next(iter(EDITIONS)), out_path


def section_of(out_path: str) -> str:
    """The site section a page belongs to: its first folder, or the page itself at the top."""
    return out_path.split("/", 1)[0] if "/" in out_path else out_path


def record_url(kind: str, record_id: str) -> str:
    """The page of a record."""
    if kind == "plan":  # a plan's page is its progress table; there is no plans/ folder
        return plan_url(record_id)
    return f"{folder_of(kind)}/{record_id}.html"


def kind_url(kind: str) -> str:
    """A kind's directory."""
    return f"{folder_of(kind)}/index.html"


def facet_url(kind: str, facet: str, value: str) -> str:
    """The listing of a kind's records with one value of a facet."""
    return f"{folder_of(kind)}/{facet}/{value}.html"


def facet_index_url(option_url: str) -> str:
    """The page listing every value of a facet, beside its value pages: achievements/institute/index.html."""
    return option_url.rsplit("/", 1)[0] + "/index.html"


def plan_url(plan_id: str) -> str:
    """A plan's progress table."""
    return f"progress/{plan_id}.html"


def cell_url(plan_id: str, row: str, metric_id: str) -> str:
    """The drill-down of one progress cell: row is a district id, "totals" or "city"."""
    return f"progress/{plan_id}/{row}/{metric_id}.html"


def form_url(kind: str) -> str:
    """The staff form that writes a record of a kind."""
    return f"forms/{folder_of(kind)}.html"


FORMS_INDEX = "forms/index.html"


def indexed(path: str) -> bool:
    """Whether search engines are asked to index a page: not the staff forms (noindex, never in the sitemap)."""
    return path.rpartition("/")[0].rpartition("/")[2] != "forms"  # forms/…, and an edition's <lang>/forms/…


def half_url(period: str) -> str:
    """A half-year report (period: 2017-h1)."""
    return f"reports/{period}.html"


def report_card_url(district_id: str, year: int) -> str:
    """A district's report card for a year."""
    return f"reports/districts/{district_id}-{year}.html"


def kind_downloads(kind: str) -> dict[str, str]:
    """The downloads of one kind, by format."""
    stem = f"{DATA}/{folder_of(kind)}"
    return {"json": f"{stem}.json", "csv": f"{stem}.csv", "csv_en": f"{stem}.en.csv", "xlsx": f"{DATA}/registry.xlsx"}


def progress_downloads(plan_id: str) -> dict[str, str]:
    """The progress downloads of one plan, by format."""
    stem = f"{DATA}/progress-{plan_id}"
    return {"json": f"{stem}.json", "csv": f"{stem}.csv", "csv_en": f"{stem}.en.csv"}


def repository_urls(settings: dict) -> dict[str, str] | None:
    """The host's new-file and edit addresses for record files (GitHub's form), or None without `repository`."""
    repo = settings.get("repository")
    if not repo:
        return None
    branch = quote(settings.get("branch") or "main", safe="/")
    return {"new": f"{repo}/new/{branch}/records/", "edit": f"{repo}/edit/{branch}/records/"}


def edit_url(settings: dict, kind: str, record_id: str) -> str | None:
    """The host's edit page of one record's file ("修改此记录"), or None without `repository`."""
    urls = repository_urls(settings)
    return f"{urls['edit']}{folder_of(kind)}/{record_id}.yaml" if urls else None
