"""Long lists cut into pages: stem.html, stem-p2.html, …, each with a bounded pagination bar."""

from __future__ import annotations

import functools
import math
import pickle
from typing import Any

from registry.pages.base import Site
from registry.pages.deferred import Deferred, records_inputs
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
) -> list[Page | Deferred]:
    """A list of records as pages of PAGE_SIZE cards (list.html); deferred (registry/pages/deferred.py) when the
    registry can fingerprint the records, so a rebuild makes the cards of the pages whose records changed only."""
    total = max(1, math.ceil(len(records) / PAGE_SIZE))
    urls = [f"{stem}.html" if n == 1 else f"{stem}-p{n}.html" for n in range(1, total + 1)]
    pages: list[Page | Deferred] = []
    shared: bytes | None = None  # what every page of this list shows besides its cards, pickled once
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
        members = records_inputs(site.registry, chunk)
        if members is None:
            pages.append(_list_page(site, urls[n - 1], page_title, crumbs, chunk, pagination, context))
            continue
        if shared is None:
            shared = pickle.dumps((crumbs, context), protocol=pickle.HIGHEST_PROTOCOL)
        own = pickle.dumps((page_title, pagination), protocol=pickle.HIGHEST_PROTOCOL)  # pickles end themselves
        make = functools.partial(_list_page, site, urls[n - 1], page_title, crumbs, chunk, pagination, context)
        pages.append(Deferred(urls[n - 1], "list.html", b"".join((shared, own, members)), make, site.cat.lang))
    return pages


def _list_page(
    site: Site,
    url: str,
    title: str,
    crumbs: list[tuple[str, str]],
    chunk: list[Record],
    pagination: dict,
    context: dict[str, Any],
) -> Page:
    return site.page(url, "list.html", title, crumbs, cards=site.views.cards(chunk), pagination=pagination, **context)
