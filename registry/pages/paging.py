"""Long lists cut into pages: stem.html, stem-p2.html, …, each with a bounded pagination bar."""

from __future__ import annotations

import math
from typing import Any

from registry.pages.base import Site
from registry.pages.render import Page
from registry.records.record import Record

PAGE_SIZE = 50
"""Cards per directory page; a 10,000-record facet is 200 pages, not one 5 MB page."""


def page_window(current: int, total: int, radius: int = 2) -> list[int]:
    """Page numbers a pagination bar shows: the first, the last and `radius` either side of the current one;
    0 marks a gap. Bounded, so a 2,000-page listing does not put 2,000 links on each of its pages."""
    shown = sorted({1, total, *range(max(1, current - radius), min(total, current + radius) + 1)})
    out: list[int] = []
    for number in shown:
        if out and number - out[-1] == 2:
            out.append(number - 1)  # a gap of one page is shown as that page, not as an ellipsis
        elif out and number - out[-1] > 2:
            out.append(0)
        out.append(number)
    return out


def paginate(
    site: Site, stem: str, title: str, crumbs: list[tuple[str, str]], records: list[Record], **context: Any
) -> list[Page]:
    """A list of records as pages of PAGE_SIZE cards (list.html)."""
    total = max(1, math.ceil(len(records) / PAGE_SIZE))
    urls = [f"{stem}.html" if n == 1 else f"{stem}-p{n}.html" for n in range(1, total + 1)]
    pages = []
    for n in range(1, total + 1):
        chunk = records[(n - 1) * PAGE_SIZE : n * PAGE_SIZE]
        links = [{"n": i, "url": urls[i - 1] if i else None} for i in page_window(n, total)]
        pagination = {
            "current": n,
            "total": total,
            "count": len(records),
            "prev": urls[n - 2] if n > 1 else None,
            "next": urls[n] if n < total else None,
            "pages": links,
        }
        page_title = title if n == 1 else title + site.cat.paren(site.cat.t("page.nth", number=n))
        pages.append(
            site.page(
                urls[n - 1],
                "list.html",
                page_title,
                crumbs,
                cards=site.views.cards(chunk),
                pagination=pagination,
                **context,
            )
        )
    return pages
