"""The <meta> tags of a page: the description and keywords every search engine reads, and those Chinese government
website inspections read (SiteName, SiteDomain, SiteIDCode, ColumnName, ColumnType; on a record page ArticleTitle,
PubDate and ContentSource, as 政府网站网页设计规范 names them), from site.yaml and the page's own content."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup

from registry.pages.catalogue import Catalogue, has_chinese

COLUMN_TYPES = {
    "home.html": "home",
    "list.html": "list",
    "facet_index.html": "list",
    "progress.html": "statistics",
    "progress_index.html": "statistics",
    "drilldown.html": "statistics",
    "report.html": "report",
    "report_index.html": "report",
    "report_card.html": "report",
    "data.html": "data",
    "dictionary.html": "data",
    "search.html": "search",
    "sitemap.html": "sitemap",
    "about.html": "about",
    "404.html": "about",
}
"""A page's template → its column type (a record page's is "article"): the meta.type.* messages name them."""

DESCRIPTION_CHARS = 150
"""A description longer than this is cut (search engines show about this many characters of Chinese)."""

MARKDOWN_SIGNS = re.compile(r"[*_`#>\[\]]+")
SPACES = re.compile(r"\s+")


def plain(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    """Markdown prose as one line of plain text, at most `limit` characters (… where cut)."""
    line = SPACES.sub(" ", MARKDOWN_SIGNS.sub("", text or "")).strip()
    return line if len(line) <= limit else line[: limit - 1] + "…"


def text_only(value: Any) -> str:
    """A value as plain text: a Markup value (a record's Chinese marked lang="zh-CN") without its tags."""
    return Markup(value).striptags() if isinstance(value, Markup) else str(value or "")


def column_name(nav: list[dict[str, str]], section: str, cat: Catalogue, title: str) -> str:
    """The column (栏目) a page belongs to: its menu item, 首页 for the home page, else its own title."""
    if section == "index.html":
        return cat.t("nav.home")
    return next((item["text"] for item in nav if item["section"] == section), title)


def page_meta(
    identity: dict[str, Any],
    nav: list[dict[str, str]],
    cat: Catalogue,
    page: tuple[str, str, str, str],
    article: dict[str, Any] | None = None,
) -> list[dict[str, str]]:
    """The meta tags of a page, as (name, content) entries in order; page = (out_path, template, title, section).
    `article` (record pages): description, keywords and the date of the last change (pubdate, may be empty)."""
    _out_path, template, title, section = page
    column = column_name(nav, section, cat, title)
    kind = "article" if article is not None else COLUMN_TYPES.get(template, "list")
    if article is not None:
        description = article["description"]
        keywords = article["keywords"]
    else:
        description = cat.t(f"meta.type.{kind}.description", title=title, site=identity["title"])
        keywords = [title, column, identity["title"]]
    entries = [
        ("description", description),
        ("keywords", ",".join(dict.fromkeys(k for k in keywords if k))),
        ("SiteName", identity["title"]),
        ("SiteDomain", urlsplit(identity["base_url"]).hostname or "" if identity["base_url"] else ""),
        ("SiteIDCode", identity["site_code"]),
        ("ColumnName", column),
        ("ColumnType", cat.t(f"meta.type.{kind}")),
    ]
    if article is not None:
        entries += [
            ("ArticleTitle", title),
            ("PubDate", article["pubdate"]),
            ("ContentSource", identity["organiser"]),
        ]
    # On a page of another language, content still in Chinese (the title of a record without a translation) says so.
    texts = [(name, text_only(content)) for name, content in entries]
    return [
        {"name": name, "content": text, "lang": "zh-CN" if cat.lang != "zh" and has_chinese(text) else ""}
        for name, text in texts
        if text
    ]
