"""Directories: each kind's listing in order, and a set of plain static pages per facet (field, district, year…)."""

from __future__ import annotations

from typing import Any

from registry.model.kinds import DATE_FIELD
from registry.pages.base import Site
from registry.pages.cards import card_fields
from registry.pages.display import field_label
from registry.pages.paging import paginate
from registry.pages.render import Page
from registry.pages.urls import facet_index_url, facet_url, kind_url
from registry.records.record import Record

FACET_SHOWN = 30
"""Options per facet in a list page's sidebar: with 1,000 institutes, listing every one made each of the ~2,000
achievement list pages 130–160 KB (350 MB in all, measured in bench/); every facet page is still built."""

FACETS = {
    "institute": ("type", "country", "district"),
    "achievement": ("field", "stage", "institute", "district", "status"),
    "event": ("year", "type", "district"),
    "project": ("mode", "district", "year"),
    "talent": ("form", "district", "year"),
    "carrier": ("type", "level", "district"),
}
"""The facets of each directory, each a set of plain static pages."""


class Sidebar:
    """The facets a list page's sidebar shows: at most FACET_SHOWN options each, those with most records (and the
    active one), in their usual order. Every facet page still exists; only the sidebar is bounded.

    Made once per directory; each facet page costs O(FACET_SHOWN), not O(values) (10,000 institutes at 100,000 records).
    """

    def __init__(self, facets: list[dict[str, Any]]):
        self.facets = facets
        self.shown: list[dict[str, Any]] = []
        self.position: dict[str, dict[str, int]] = {}
        for group in facets:
            options = group["options"]
            self.position[group["name"]] = {option["url"]: i for i, option in enumerate(options)}
            more = None
            if len(options) > FACET_SHOWN:
                ranked = sorted(range(len(options)), key=lambda i: (-options[i]["count"], i))
                keep = sorted(ranked[:FACET_SHOWN])
                more = {"url": facet_index_url(options[0]["url"]), "count": len(options)}
                group = {**group, "options": [options[i] for i in keep]}
            self.shown.append({**group, "more": more})

    def page(self, facet: str | None = None, url: str | None = None) -> list[dict[str, Any]]:
        """The sidebar of one page; the option of `facet` at `url` is marked active (and shown even outside the top)."""
        if facet is None:
            return self.shown
        positions = self.position[facet]
        out = []
        for full, group in zip(self.facets, self.shown, strict=True):
            if group["name"] != facet:
                out.append(group)
                continue
            chosen = full["options"][positions[url]]
            options = [option for option in group["options"] if option is not chosen]
            options.append({**chosen, "active": True})
            options.sort(key=lambda option: positions[option["url"]])
            out.append({**group, "options": options})
        return out


def facet_values(site: Site, record: Record, facet: str) -> list[str]:
    """The values a record has for a facet (a record may sit under several, e.g. partner districts)."""
    if facet == "year":
        date = site.views.date_of(record)
        return [date[:4]] if date else []
    if record.kind == "institute" and facet == "district":
        return sorted(
            {
                d.id
                for d in site.registry.all("district")
                if record.id in d.get("planned_institutes", [])
                or any(p.get("institute") == record.id for p in d.get("partners", []))
            }
        )
    value = record.get(facet)
    return [value] if isinstance(value, str) else []


def facet_label(site: Site, kind: str, facet: str, value: str) -> str:
    if facet == "year":
        return value
    if facet in ("district", "institute"):
        return site.views.link(facet, value)["text"]
    return site.cat.label(kind, facet, value)


def facet_title(site: Site, kind: str, facet: str) -> str:
    if facet == "year":
        return site.cat.t("facet.year")
    if kind == "institute" and facet == "district":
        return site.cat.t("facet.partner_district")
    return field_label(site.registry.schemas.at(kind, (facet,)) or {}, site.cat.lang, facet)


def facet_order(site: Site, kind: str, facet: str, values: list[str]) -> list[str]:
    if facet == "year":
        return sorted(values, reverse=True)
    node = site.registry.schemas.at(kind, (facet,)) or {}
    if "enum" in node:
        return [v for v in node["enum"] if v in values]
    if facet == "district":
        order = {d.id: (d.get("order", 999), d.id) for d in site.registry.all("district")}
        return sorted(values, key=lambda v: order.get(v, (999, v)))
    return sorted(values)


def facets(site: Site, kind: str, records: list[Record]) -> list[dict[str, Any]]:
    """Every facet of a directory: its options (url, text, record count) in order."""
    out = []
    for facet in FACETS.get(kind, ()):
        counts: dict[str, int] = {}
        for record in records:
            for value in facet_values(site, record, facet):
                counts[value] = counts.get(value, 0) + 1
        options = [
            {
                "url": facet_url(kind, facet, value),
                "text": facet_label(site, kind, facet, value),
                "count": counts[value],
                "active": False,
            }
            for value in facet_order(site, kind, facet, list(counts))
        ]
        out.append({"name": facet, "title": facet_title(site, kind, facet), "options": options})
    return out


ORDER_FIELDS = {"district": ("order",), "institute": ("type",)}
"""The fields a kind's directory order is made from (the others: the kind's date, newest first; then the id)."""


def order_fields(kind: str) -> tuple[str, ...]:
    return ORDER_FIELDS.get(kind, (DATE_FIELD[kind],) if kind in DATE_FIELD else ())


def in_order(site: Site, kind: str, records: list[Record]) -> list[Record]:
    """Records of a kind in directory order."""
    if kind == "district":
        return sorted(records, key=lambda r: (r.get("order", 999), r.id))
    if kind == "institute":
        types = site.registry.schemas.at("institute", ("type",))["enum"]
        return sorted(records, key=lambda r: (types.index(r.get("type")) if r.get("type") in types else 99, r.id))
    return site.views.sorted_latest(records)


def ordered(site: Site, kind: str) -> list[Record]:
    """A kind's records in directory order (made once per kind)."""
    return site.registry.memo(("ordered", kind), lambda: in_order(site, kind, site.registry.all(kind)))


def ordered_fields(site: Site, kind: str, names: tuple[str, ...]) -> list[Record]:
    """A kind's records in directory order, each holding only the named fields (and those it is ordered by): for
    a page that shows a few fields of every record (registry/model/fields.py)."""
    names = (*names, *order_fields(kind))
    return site.registry.memo(("ordered", kind, names), lambda: in_order(site, kind, site.registry.fields(kind, names)))


def facet_fields(kind: str) -> tuple[str, ...]:
    """The fields a directory's facets are counted from."""
    facets = FACETS.get(kind, ())
    return tuple(f for f in facets if f != "year") + ((DATE_FIELD[kind],) if "year" in facets else ())


def facet_groups(site: Site, kind: str) -> list[dict[str, Any]]:
    """A directory's facets with their counts, made from the fields they count only: the data, search and site-map
    pages show them, and an edit of another field (a summary) leaves those pages alone. Made once per kind."""
    return site.registry.memo(
        ("facets", site.cat.lang, kind), lambda: facets(site, kind, site.registry.fields(kind, facet_fields(kind)))
    )


def directory(site: Site, kind: str) -> tuple[list[Record], list[dict[str, Any]], Sidebar]:
    """A directory's records in order, each holding what its card and facets show (so an edit of another field
    leaves the directory alone), its facets with their counts, and its sidebar (made once per kind)."""

    def make() -> tuple[list[Record], list[dict[str, Any]], Sidebar]:
        groups = facet_groups(site, kind)
        return ordered_fields(site, kind, (*card_fields(kind), *facet_fields(kind))), groups, Sidebar(groups)

    return site.registry.memo(("directory", site.cat.lang, kind), make)


def plan(site: Site, kind: str, facet: str | None) -> list[Page]:
    """A directory's main listing (facet None), or one facet's pages: every value's listing, and the page of all
    values when the sidebar cannot show them all."""
    records, groups, sidebar = directory(site, kind)
    home, clear = site.home_crumb(), kind_url(kind)
    list_json = clear.removesuffix(".html") + ".json"  # registry/pages/listing.py: what filters.js combines
    if facet is None:
        return paginate(
            site,
            clear.removesuffix(".html"),
            site.plural(kind),
            [home],
            records,
            kind=kind,
            facets=sidebar.page(),
            intro=site.cat.t(f"intro.{kind}"),
            facet=None,
            clear_url=clear,
            list_json=list_json,
        )
    pages = []
    group = next(group for group in groups if group["name"] == facet)
    if len(group["options"]) > FACET_SHOWN:  # the sidebar shows the top values; this page lists all
        title = f"{site.plural(kind)} · {group['title']}"
        pages.append(
            site.page(
                facet_index_url(group["options"][0]["url"]),
                "facet_index.html",
                title,
                [home, site.kind_crumb(kind)],
                options=group["options"],
                count=len(group["options"]),
            )
        )
    # One pass over the records per facet, not one per value (a 10,000-record kind has ~1,000 values).
    subsets: dict[str, list[Record]] = {}
    for record in records:
        for value in facet_values(site, record, facet):
            subsets.setdefault(value, []).append(record)
    for option in group["options"]:
        value = option["url"].rsplit("/", 1)[1].removesuffix(".html")
        title = site.cat.t("page.facet_title", kind=site.plural(kind), facet=group["title"], value=option["text"])
        pages += paginate(
            site,
            option["url"].removesuffix(".html"),
            title,
            [home, site.kind_crumb(kind)],
            subsets.get(value, []),
            kind=kind,
            facets=sidebar.page(facet, option["url"]),
            intro="",
            facet={"title": group["title"], "text": option["text"], "name": facet, "value": value},
            clear_url=clear,
            list_json=list_json,
        )
    return pages
