"""The page plan: every page of the site as (out_path, template, finished context)."""

from __future__ import annotations

import math
from typing import Any

from registry import folder_of
from registry.engine.depends import TrackedRegistry, Tracker, bucket_of, record_buckets
from registry.pages.cards import Views, record_url
from registry.pages.catalogue import Catalogue
from registry.pages.data import plan_data_pages
from registry.pages.policy import district_plans, institute_notes, office_view, partner_view, planned_view
from registry.pages.render import Page
from registry.pages.reports import district_over_time, plan_over_time, plan_reports
from registry.records.contacts import contact_view
from registry.records.record import Record, Registry

FACET_SHOWN = 30
"""Options per facet in a list page's sidebar: with 1,000 institutes, listing every one made each of the ~2,000
achievement list pages 130–160 KB (350 MB in all, measured in bench/); every facet page is still built."""

PAGE_SIZE = 50
"""Cards per directory page; a 10,000-record facet is 200 pages, not one 5 MB page."""

LATEST = 6
"""How many events and achievements the home page shows."""

LISTED_KINDS = ("institute", "achievement", "event", "project", "talent", "carrier", "district")
FACETS = {
    "institute": ("type", "country", "district"),
    "achievement": ("field", "stage", "institute", "district", "status"),
    "event": ("year", "type", "district"),
    "project": ("mode", "district", "year"),
    "talent": ("form", "district", "year"),
    "carrier": ("type", "level", "district"),
}
"""The facets of each directory, each a set of plain static pages."""

def section_of(out_path: str) -> str:
    """The site section a page belongs to: its first folder, or the page itself at the top."""
    return out_path.split("/", 1)[0] if "/" in out_path else out_path


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


def facet_index_url(option_url: str) -> str:
    """The page listing every value of a facet, beside its value pages: achievements/institute/index.html."""
    return option_url.rsplit("/", 1)[0] + "/index.html"


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


STATUS_SYMBOL = {"achieved": "✓", "on-track": "→", "behind": "!", "not-started": "–"}

ABOUT_FIGURES = "<!-- figures: the implementation plans and the city-wide goals are shown here -->"
"""The line of site_templates/content/about.*.md where the about page places its figures from the records."""


class SitePlan:
    """Plans every page from the public registry, its progress and the site settings, for one language."""

    def __init__(self, registry: Registry, progress: list[dict], partners: list[dict], settings: dict,
                 cat: Catalogue, as_of: str, about: str = ""):
        self.tracker = Tracker()
        self.registry = TrackedRegistry(registry, self.tracker)  # every read is a dependency of the task (depends.py)
        self._progress, self._partners, self.about = progress, partners, about
        self.settings, self.cat, self.as_of = settings, cat, as_of
        self.views = Views(self.registry, cat, self.tracker.memo)
        self.pages: list[Page] = []
        self._labels: dict[str, dict[str, str]] = {}
        # Memoised across tasks with the dependencies they were made from (Tracker.memo).
        self._children: dict[str, Any] = {}
        self._ordered: dict[str, Any] = {}
        self._directories: dict[str, Any] = {}

    @property
    def progress(self) -> list[dict]:
        self.tracker.add(("progress",))
        return self._progress

    @property
    def partners(self) -> list[dict]:
        self.tracker.add(("progress",))
        return self._partners

    # -- shared context -----------------------------------------------------------------------
    def site(self) -> dict[str, Any]:
        s, t = self.settings, self.cat
        contact = s.get("contact", {})
        example = contact.get("example") is True
        if example and not self.with_examples:  # invented details are never published as real
            contact = {"office": contact.get("office")}
        police = s.get("police_filing")
        police_code = "".join(ch for ch in police if ch.isdigit()) if police else ""
        return {
            "title": t.text(s.get("title")), "organiser": t.text(s.get("organiser")),
            "office": t.text(contact.get("office")), "email": contact.get("email", ""),
            "phone": contact.get("phone", ""), "address": t.text(contact.get("address")),
            "hours": t.text(contact.get("hours")), "contact_example": example and self.with_examples,
            "samples": self.samples_shown(),
            "site_code": s.get("site_code", ""), "icp": s.get("icp", ""), "police_filing": police or "",
            "police_url": f"https://www.beian.gov.cn/portal/registerSystemInfo?recordcode={police_code}" if police_code else "",
            "licence": t.text(s.get("licence")), "as_of": t.date(self.as_of), "lang": "zh-CN" if t.lang == "zh" else "en",
        }

    @property
    def with_examples(self) -> bool:
        """Whether sample records and example contacts are built (site.yaml include_samples)."""
        return self.settings.get("include_samples") is True

    def samples_shown(self) -> bool:
        """Whether any page counts or lists a sample: a sample record or sample partner entry in the public view."""
        inner = self.registry.inner
        return any(r.sample for kind in LISTED_KINDS for r in inner.all(kind)) or any(
            p.get("sample") for d in inner.all("district") for p in d.get("partners", []))

    def nav(self) -> list[dict[str, str]]:
        """The main navigation: each item's url, text and the section (first path segment) it marks current."""
        items = [(f"{folder_of(k)}/index.html", self.plural(k)) for k in LISTED_KINDS]
        items += [("progress/index.html", self.cat.t("nav.progress")), ("reports/index.html", self.cat.t("nav.reports")),
                  ("data/index.html", self.cat.t("nav.data")), ("about.html", self.cat.t("nav.about"))]
        return [{"url": url, "text": text, "section": section_of(url)} for url, text in items]

    def add(self, out_path: str, template: str, title: str, crumbs: list[tuple[str, str]], **context: Any) -> None:
        """Add a page; crumbs are (url, text) pairs above this page, home first."""
        breadcrumbs = [{"url": url, "text": text} for url, text in crumbs] + [{"url": None, "text": title}]
        self.pages.append(Page(out_path, template, {"title": title, "breadcrumbs": breadcrumbs,
                                                    "section": section_of(out_path), **context}))

    def plural(self, kind: str) -> str:
        return self.cat.t(f"kind.{kind}")

    def home_crumb(self) -> tuple[str, str]:
        return ("index.html", self.cat.t("nav.home"))

    def kind_crumb(self, kind: str) -> tuple[str, str]:
        return (f"{folder_of(kind)}/index.html", self.plural(kind))

    # -- the plan -----------------------------------------------------------------------------
    def tasks(self) -> list[tuple]:
        """The plan cut into independent pieces, in page order: each names a group of pages that `run` plans.

        Pieces, not one list of every page: a worker plans and renders one piece at a time, so no process holds the
        whole plan (169,000 pages with their contexts at 100,000 records), and planning runs on every core.
        """
        tasks: list[tuple] = [("home",)]
        for kind in LISTED_KINDS:
            tasks.append(("directory", kind, None))
            tasks += [("directory", kind, facet) for facet in FACETS.get(kind, ())]
            buckets = record_buckets(len(self.registry.inner.all(kind)))
            tasks += [("records", kind, bucket, buckets) for bucket in range(buckets)]
        return tasks + [("progress",), ("reports",), ("data",), ("about",)]

    def run(self, task: tuple) -> list[Page]:
        """Plan the pages of one task (from `tasks`)."""
        pages, _deps = self.run_tracked(task)
        return pages

    def run_tracked(self, task: tuple) -> tuple[list[Page], set[tuple]]:
        """Plan the pages of one task, and say what it read of the registry (registry/depends.py)."""
        self.tracker.start()
        try:
            pages = self._run(task)
        finally:
            deps = self.tracker.stop()
        return pages, deps

    def _run(self, task: tuple) -> list[Page]:
        self.pages = []
        name, *args = task
        if name == "home":
            self.plan_home()
        elif name == "directory":
            self.plan_listing(*args)
        elif name == "records":
            kind, bucket, buckets = args
            # Which records a bucket holds is read without depending on the whole kind: each page depends on
            # its own record (and what it shows of others), so an edit elsewhere in the kind leaves the task alone.
            for record in self.registry.inner.all(kind):
                if bucket_of(record.id, buckets) == bucket:
                    self.registry.get(kind, record.id)
                    self.plan_record(record)
            self.tracker.add(("bucket", kind, bucket, buckets))  # which records the bucket holds
        elif name == "progress":
            self.plan_progress()
        elif name == "reports":
            plan_reports(self)  # half-year reports and district report cards (registry/reportpages.py)
        elif name == "data":
            self.plan_data()
        elif name == "about":
            goals = [{**goal, "plan_title": self.cat.text(plan["name"]), "plan_url": f"progress/{plan['id']}.html"}
                     for plan in self.progress for goal in self.city_goals(plan)]
            about, _marker, about_after = self.about.partition(ABOUT_FIGURES)
            self.add("about.html", "about.html", self.cat.t("nav.about"), [self.home_crumb()],
                     plans=[self.views.card(p) for p in self.registry.all("plan")], about=about, about_after=about_after,
                     goals=goals,
                     district_plans=district_plans(self.views, self.ordered("district")))
            self.add("404.html", "404.html", self.cat.t("page.not_found"), [self.home_crumb()])
        else:
            raise ValueError(f"unknown plan task {task!r}")
        pages, self.pages = self.pages, []
        return pages

    def prepare(self) -> None:
        """Compute what many tasks share (sorted lists, facet counts), once, before workers are forked to share it."""
        for kind in LISTED_KINDS:
            self.directory(kind)
        self.children()

    def plan(self) -> list[Page]:
        """Every page, in one list (small sites, tests): the tasks run one after another."""
        return [page for task in self.tasks() for page in self.run(task)]

    def plan_data(self) -> None:
        """The data downloads page, the data dictionary and the search page (registry/datapages.py)."""
        plan_data_pages(self)

    def plan_home(self) -> None:
        counts = []
        for kind in LISTED_KINDS:
            if kind != "district":
                records = self.registry.all(kind)
                samples = sum(r.sample for r in records)
                counts.append({"kind": kind, "label": self.plural(kind), "count": len(records), "url": f"{folder_of(kind)}/index.html",
                               "sample_text": self.cat.t("sample.of", n=samples) if samples else ""})
        glance = [{"plan": p, "url": f"progress/{p['id']}.html", "title": self.cat.text(p["name"]),
                   "cells": [self.total_cell(p, m) for m in p["metrics"] if m["id"] in p["totals"]]}
                  for p in self.progress]
        events = self.views.cards(self.views.sorted_latest(self.registry.all("event"))[:LATEST])
        achievements = self.views.cards(self.views.sorted_latest(self.registry.all("achievement"))[:LATEST])
        self.pages.append(Page("index.html", "home.html", {
            "title": self.cat.t("nav.home"), "breadcrumbs": [], "section": "", "counts": counts, "glance": glance,
            "events": events, "achievements": achievements}))

    # -- directories and facets ---------------------------------------------------------------
    def facet_values(self, record: Record, facet: str) -> list[str]:
        """The values a record has for a facet (a record may sit under several, e.g. partner districts)."""
        if facet == "year":
            date = self.views.date_of(record)
            return [date[:4]] if date else []
        if record.kind == "institute" and facet == "district":
            return sorted({d.id for d in self.registry.all("district")
                           if record.id in d.get("planned_institutes", [])
                           or any(p.get("institute") == record.id for p in d.get("partners", []))})
        value = record.get(facet)
        return [value] if isinstance(value, str) else []

    def facet_label(self, kind: str, facet: str, value: str) -> str:
        if facet == "year":
            return value
        if facet in ("district", "institute"):
            return self.views.link(facet, value)["text"]
        return self.cat.label(kind, facet, value)

    def facet_title(self, kind: str, facet: str) -> str:
        if facet == "year":
            return self.cat.t("facet.year")
        node = self.registry.schemas.at(kind, (facet,)) or {}
        if kind == "institute" and facet == "district":
            return self.cat.t("facet.partner_district")
        return node.get("title", facet) if self.cat.lang == "zh" else node.get("x-title-en", facet)

    def facet_order(self, kind: str, facet: str, values: list[str]) -> list[str]:
        if facet == "year":
            return sorted(values, reverse=True)
        node = self.registry.schemas.at(kind, (facet,)) or {}
        if "enum" in node:
            return [v for v in node["enum"] if v in values]
        if facet == "district":
            order = {d.id: (d.get("order", 999), d.id) for d in self.registry.all("district")}
            return sorted(values, key=lambda v: order.get(v, (999, v)))
        return sorted(values)

    def facets(self, kind: str, records: list[Record], active: tuple[str, str] | None) -> list[dict[str, Any]]:
        out = []
        for facet in FACETS.get(kind, ()):
            counts: dict[str, int] = {}
            for record in records:
                for value in self.facet_values(record, facet):
                    counts[value] = counts.get(value, 0) + 1
            options = [{"url": f"{folder_of(kind)}/{facet}/{value}.html", "text": self.facet_label(kind, facet, value),
                        "count": counts[value], "active": active == (facet, value)}
                       for value in self.facet_order(kind, facet, list(counts))]
            out.append({"name": facet, "title": self.facet_title(kind, facet), "options": options})
        return out

    def ordered(self, kind: str) -> list[Record]:
        """A kind's records in directory order (made once per kind)."""
        return self.tracker.memo(self._ordered, kind, lambda: self._order(kind))

    def _order(self, kind: str) -> list[Record]:
        records = self.registry.all(kind)
        if kind == "district":
            return sorted(records, key=lambda r: (r.get("order", 999), r.id))
        if kind == "institute":
            types = self.registry.schemas.at("institute", ("type",))["enum"]
            return sorted(records, key=lambda r: (types.index(r.get("type")) if r.get("type") in types else 99, r.id))
        return self.views.sorted_latest(records)

    def directory(self, kind: str) -> tuple[list[Record], list[dict[str, Any]], Sidebar]:
        """A directory's records in order, its facets with their counts, and its sidebar (made once per kind)."""
        def make() -> tuple[list[Record], list[dict[str, Any]], Sidebar]:
            records = self.ordered(kind)
            facets = self.facets(kind, records, None)
            return records, facets, Sidebar(facets)

        return self.tracker.memo(self._directories, kind, make)

    def plan_listing(self, kind: str, facet: str | None) -> None:
        """A directory's main listing (facet None), or one facet's pages: every value's listing, and the page of
        all values when the sidebar cannot show them all."""
        records, facets, sidebar = self.directory(kind)
        base = folder_of(kind)
        if facet is None:
            self.paginate(f"{base}/index", self.plural(kind), [self.home_crumb()], records, kind=kind,
                          facets=sidebar.page(), intro=self.cat.t(f"intro.{kind}"), facet=None)
            return
        facet_group = next(group for group in facets if group["name"] == facet)
        if len(facet_group["options"]) > FACET_SHOWN:  # the sidebar shows the top values; this page lists all
            title = f"{self.plural(kind)} · {facet_group['title']}"
            self.add(facet_index_url(facet_group["options"][0]["url"]), "facet_index.html", title,
                     [self.home_crumb(), self.kind_crumb(kind)], options=facet_group["options"],
                     count=len(facet_group["options"]))
        # One pass over the records per facet, not one per value (a 10,000-record kind has ~1,000 values).
        subsets: dict[str, list[Record]] = {}
        for record in records:
            for value in self.facet_values(record, facet):
                subsets.setdefault(value, []).append(record)
        for option in facet_group["options"]:
            value = option["url"].rsplit("/", 1)[1].removesuffix(".html")
            title = f"{self.plural(kind)} · {facet_group['title']}：{option['text']}"
            self.paginate(f"{base}/{facet}/{value}", title, [self.home_crumb(), self.kind_crumb(kind)],
                          subsets.get(value, []), kind=kind, facets=sidebar.page(facet, option["url"]), intro="",
                          facet={"title": facet_group["title"], "text": option["text"]})

    def paginate(self, stem: str, title: str, crumbs: list[tuple[str, str]], records: list[Record], **context: Any) -> None:
        """Split a list into pages of PAGE_SIZE: stem.html, stem-p2.html, …"""
        total = max(1, math.ceil(len(records) / PAGE_SIZE))
        urls = [f"{stem}.html" if n == 1 else f"{stem}-p{n}.html" for n in range(1, total + 1)]
        for n in range(1, total + 1):
            chunk = records[(n - 1) * PAGE_SIZE: n * PAGE_SIZE]
            links = [{"n": i, "url": urls[i - 1] if i else None} for i in page_window(n, total)]
            pagination = {"current": n, "total": total, "count": len(records),
                          "prev": urls[n - 2] if n > 1 else None, "next": urls[n] if n < total else None,
                          "pages": links}
            page_title = title if n == 1 else f"{title}（{self.cat.t('page.nth', n=n)}）"
            self.add(urls[n - 1], "list.html", page_title, crumbs, cards=self.views.cards(chunk),
                     pagination=pagination, **context)

    # -- record pages -------------------------------------------------------------------------
    def related(self, record: Record) -> list[dict[str, Any]]:
        """Sections of records that refer to this one, by kind."""
        sections = []
        if record.kind == "institute":
            children = self.children().get(record.id, [])
            if children:
                sections.append({"title": self.cat.t("section.children"), "cards": self.views.cards(children)})
        for kind in ("achievement", "event", "project", "talent", "carrier"):
            if kind == record.kind:
                continue
            referrers = self.views.sorted_latest(self.registry.referrers(record.kind, record.id, of_kind=kind))
            if referrers:
                sections.append({"title": self.plural(kind), "cards": self.views.cards(referrers), "kind": kind})
        return sections

    def children(self) -> dict[Any, list[Record]]:
        """Parent institute id → its child institutes, made once (not a pass over every institute per institute)."""
        def make() -> dict[Any, list[Record]]:
            children: dict[Any, list[Record]] = {}
            for r in self.registry.all("institute"):
                children.setdefault(r.get("parent"), []).append(r)
            return children

        return self.tracker.memo(self._children, "institute", make)

    def plan_record(self, record: Record) -> None:
        views, kind = self.views, record.kind
        title = views.name(record)
        crumbs = [self.home_crumb(), self.kind_crumb(kind)]
        context: dict[str, Any] = {"record": views.card(record), "facts": views.facts(record),
                                   "related": self.related(record), "kind": kind,
                                   "kind_label": self.cat.t(f"kind_one.{kind}"),
                                   "contact": contact_view(record, self.registry, self.settings, self.cat, self.with_examples)}
        if kind == "institute":
            partner_of = [d for d in self.ordered("district")
                          if any(p.get("institute") == record.id for p in d.get("partners", []))]
            planned_by = [d for d in self.ordered("district") if record.id in d.get("planned_institutes", [])]
            context["partner_of"] = [views.link("district", d.id) for d in partner_of]
            context["planned_by"] = [views.link("district", d.id) for d in planned_by]
            context["planned_notes"] = institute_notes(views, planned_by, record.id)
            self.add(record_url(kind, record.id), "institute.html", title, crumbs, **context)
        elif kind == "district":
            self.add(record_url(kind, record.id), "district.html", title, crumbs, **context,
                     **self.district_context(record), **district_over_time(self, record.id))
        elif kind == "achievement":
            self.add(record_url(kind, record.id), "achievement.html", title, crumbs, **context,
                     form=self.achievement_form(record), facts_by_name=self.field_labels(kind))
        else:
            self.add(record_url(kind, record.id), "record.html", title, crumbs, **context)

    def achievement_form(self, record: Record) -> dict[str, Any]:
        """The Annex 1 form's cells, in its order; contact goes through the reporting district's office."""
        views, cat, get = self.views, self.cat, record.get
        lead = get("lead") or {}
        return {
            "name": views.name(record),
            "institute": views.link("institute", get("institute")),
            "department": cat.text(get("department")),
            "lead": cat.text(lead.get("name")), "lead_title": cat.text(lead.get("title")),
            "field": views.enum(record, "field"), "stage": views.enum(record, "stage"),
            "summary": cat.text(get("summary")), "fit": cat.text(get("fit")), "promotion": cat.text(get("promotion")),
            "district": views.link("district", get("district")), "reported": cat.date(get("reported")),
            "status": views.enum(record, "status"), "status_updated": cat.date(get("status_updated")),
            "field_codes": self.checkboxes(record, "field"), "stage_codes": self.checkboxes(record, "stage"),
        }

    def checkboxes(self, record: Record, field: str) -> list[dict[str, Any]]:
        """An enumeration as the form's row of boxes, the record's own value ticked (with its 'other' text)."""
        codes = self.registry.schemas.at(record.kind, (field,))["enum"]
        return [{"text": self.views.enum(record, field) if code == record.get(field) else self.cat.label(record.kind, field, code),
                 "checked": code == record.get(field)} for code in codes]

    def field_labels(self, kind: str) -> dict[str, str]:
        """Field name → its title in this language, for forms laid out by hand (lead.title as lead_title)."""
        if kind not in self._labels:  # one per kind, shared by every page of the kind
            self._labels[kind] = self._field_labels(kind)
        return self._labels[kind]

    def _field_labels(self, kind: str) -> dict[str, str]:
        schemas, zh = self.registry.schemas, self.cat.lang == "zh"
        labels = {name: node.get("title" if zh else "x-title-en", name) for name, node in schemas.properties(kind).items()}
        for name, node in schemas.properties(kind).items():
            for sub in node.get("properties", {}):
                if sub not in ("zh", "en"):
                    labels[f"{name}_{sub}"] = schemas.title(kind, (name, sub))[0 if zh else 1]
        return labels

    def district_context(self, record: Record) -> dict[str, Any]:
        views = self.views
        indicator = partner_view(self.cat, next((i for i in self.partners if i["district"] == record.id), None))
        partners = [{**views.link("institute", p["institute"]), "since": p["since"], "entry_sample": p.get("sample", False)}
                    for p in record.get("partners", [])]
        plans = []
        for plan in self.progress:
            row = next((r for r in plan["rows"] if r["district"] == record.id), None)
            if row is None:
                continue
            plans.append({"plan": plan, "url": f"progress/{plan['id']}.html", "title": self.cat.text(plan["name"]),
                          "cells": [self.row_cell(plan, row, m) for m in plan["metrics"] if m["id"] in row["cells"]],
                          "note": self.cat.text(row.get("note"))})
        return {"partners": partners, "indicator": indicator, "plans": plans,
                "planned": planned_view(views, record), "office": office_view(views, record)}

    # -- progress -----------------------------------------------------------------------------
    def cell(self, plan: dict, metric: dict, cell: dict, url: str) -> dict[str, Any]:
        status = cell["status"]
        return {**cell, "url": url, "metric": self.cat.text(metric["name"]), "unit": self.cat.text(metric["unit"]),
                "status_label": self.cat.t(f"status.{status}" + (".final" if plan.get("closed") and status == "behind" else "")),
                "symbol": STATUS_SYMBOL.get(status, ""), "part_of": metric.get("part_of"),
                "percent_text": "—" if cell["percent"] is None else f"{cell['percent']}%",
                "sample_text": self.cat.t("sample.of", n=cell["samples"]) if cell["samples"] else "",
                "bar": min(100, cell["percent"] or 0) if cell["percent"] is not None else 0}

    def row_cell(self, plan: dict, row: dict, metric: dict) -> dict[str, Any]:
        return self.cell(plan, metric, row["cells"][metric["id"]], f"progress/{plan['id']}/{row['district']}/{metric['id']}.html")

    def total_cell(self, plan: dict, metric: dict) -> dict[str, Any]:
        return self.cell(plan, metric, plan["totals"][metric["id"]], f"progress/{plan['id']}/totals/{metric['id']}.html")

    def plan_progress(self) -> None:
        cat = self.cat
        home, crumb = self.home_crumb(), ("progress/index.html", cat.t("nav.progress"))
        partners = [{**partner_view(cat, i), "link": self.views.link("district", i["district"])} for i in self.partners]
        self.add("progress/index.html", "progress_index.html", cat.t("nav.progress"), [home],
                 plans=[{"plan": p, "url": f"progress/{p['id']}.html", "period": cat.date_range(p["start"], p["end"]),
                         "title": cat.text(p["name"]),
                         "cells": [self.total_cell(p, m) for m in p["metrics"] if m["id"] in p["totals"]]}
                        for p in self.progress],
                 partners=partners)
        for plan in self.progress:
            plan_title = cat.text(plan["name"])
            metrics = [{**m, "label": cat.text(m["name"]), "unit_label": cat.text(m["unit"])} for m in plan["metrics"]]
            notes = [{"label": m["label"], "text": cat.text(m["note"])} for m in metrics if m.get("note")]
            rows = []
            for row in plan["rows"]:
                cells = [self.row_cell(plan, row, m) if m["id"] in row["cells"] else None for m in plan["metrics"]]
                rows.append({"link": self.views.link("district", row["district"]), "outside": row["outside_totals"],
                             "note": cat.text(row.get("note")), "cells": cells})
            totals = [self.total_cell(plan, m) if m["id"] in plan["totals"] else None for m in plan["metrics"]]
            goals = self.city_goals(plan)
            plan_url = f"progress/{plan['id']}.html"
            self.add(plan_url, "progress.html", plan_title, [home, crumb], plan=plan, metrics=metrics, rows=rows, notes=notes,
                     goals=goals,
                     totals=totals, period=cat.date_range(plan["start"], plan["end"]),
                     source=cat.text(plan["source"]), elapsed_percent=round(plan["elapsed"] * 100, 1),
                     **plan_over_time(self, plan))
            for row_view in rows:
                for metric, cell in zip(plan["metrics"], row_view["cells"], strict=True):
                    if cell is not None:
                        self.plan_drilldown(plan, metric, cell, row_view["link"]["text"], [home, crumb, (plan_url, plan_title)])
            for metric, cell in zip(plan["metrics"], totals, strict=True):
                if cell is not None:
                    self.plan_drilldown(plan, metric, cell, cat.t("progress.total"), [home, crumb, (plan_url, plan_title)])
            for goal in goals:
                self.plan_drilldown(plan, goal["metric_entry"], goal, cat.t("progress.city"),
                                    [home, crumb, (plan_url, plan_title)], city=True)

    def city_goals(self, plan: dict) -> list[dict[str, Any]]:
        """The plan's city-wide goals as cells: the target shown as the goal's range (1–2), linked to its records."""
        metrics = {m["id"]: m for m in plan["metrics"]}
        out = []
        for goal in plan["city_goals"]:
            metric = metrics[goal["metric"]]
            target = f"{goal['min']}–{goal['max']}" if goal["max"] not in (None, goal["min"]) else goal["min"]
            cell = self.cell(plan, metric, {**goal, "target": target}, f"progress/{plan['id']}/city/{goal['metric']}.html")
            out.append({**cell, "note": self.cat.text(goal["note"]), "metric_entry": metric})
        return out

    def plan_drilldown(self, plan: dict, metric: dict, cell: dict, who: str, crumbs: list, city: bool = False) -> None:
        kind = metric["kind"]
        records = [self.registry.get(kind, rid) for rid in cell["records"]]
        cards = self.views.cards(self.views.sorted_latest([r for r in records if r is not None]))
        title = f"{who} · {self.cat.text(metric['name'])}"
        labels = self.field_labels(kind)
        filters = [f"{labels.get(field, field)}：{'、'.join(self.cat.label(kind, field, v) for v in values)}"
                   for field, values in metric["where"].items()]
        samples = sum(card["sample"] for card in cards)
        self.add(cell["url"], "drilldown.html", title, crumbs, cell=cell, cards=cards, count=len(cards), metric=metric,
                 sample_text=self.cat.t("sample.counted", n=samples) if samples else "",
                 plan_name=self.cat.text(plan["name"]), kind_label=self.plural(kind),
                 date_label=labels.get(metric["date_field"], metric["date_field"]),
                 owner_labels="、".join(labels.get(f, f) for f in metric["owner_fields"]),
                 filters="；".join(filters), people=metric["measure"] == "people", city=city,
                 note=cell["note"] if city else self.cat.text(metric.get("note")),
                 window=self.cat.date_range(plan["start"], min(plan["end"], self.as_of)))
