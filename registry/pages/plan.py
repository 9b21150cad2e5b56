"""The page plan: every page of the site as (out_path, template, finished context), cut into tasks.

A task names a page family and what to plan of it; the family that plans it is chosen from FAMILIES. Tasks, not one
list of every page: a worker plans and renders one task at a time, so no process holds the whole plan (169,000
pages with their contexts at 100,000 records), and a task whose inputs did not change need not be planned at all.

A SitePlan is the site in one language; Editions holds one per language (the same families, each with its own
Catalogue), their tasks tagged with the language and their pages in the edition's folder (registry/pages/urls.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from registry.figures.figures import Figures
from registry.model.public import PublicRegistry
from registry.pages import about, data, directories, forms, home, listing, progress, records, reports
from registry.pages.base import Site
from registry.pages.catalogue import Catalogue
from registry.pages.deferred import Deferred, finished
from registry.pages.render import Page
from registry.pages.urls import EDITIONS, PAGE_KINDS
from registry.records.history import History

RECORDS_PER_TASK = 200
"""Record pages per task, on average: messages stay few, and two workers stay balanced."""

FAMILIES: dict[str, Callable[..., list[Page]]] = {
    "home": home.plan,
    "directory": directories.plan,
    "listing": listing.plan,
    "records": records.plan,
    "progress": progress.plan,
    "reports": reports.plan,
    "data": data.plan,
    "about": about.plan,
    "forms": forms.plan,
}
"""Task name → the family that plans its pages, called as family(site, *task arguments)."""


def record_buckets(count: int) -> int:
    """How many tasks a kind's record pages are cut into: a power of two, about RECORDS_PER_TASK records each."""
    buckets = 1
    while count / buckets > RECORDS_PER_TASK:
        buckets *= 2
    return buckets


class SitePlan:
    """Every page of the site, from the public registry and its figures, in one language."""

    def __init__(
        self,
        registry: PublicRegistry,
        figures: Figures,
        settings: dict,
        cat: Catalogue,
        about: str = "",
        history: History | None = None,
    ):
        self.site = Site(registry, figures, settings, cat, about, history)

    def tasks(self) -> list[tuple]:
        """The plan cut into independent tasks, in page order: (family name, *arguments)."""
        tasks: list[tuple] = [("home",)]
        for kind in PAGE_KINDS:
            tasks.append(("directory", kind, None))
            tasks += [("directory", kind, facet) for facet in directories.FACETS.get(kind, ())]
            tasks.append(("listing", kind))
            buckets = record_buckets(len(self.site.registry.all(kind)))
            tasks += [("records", kind, bucket, buckets) for bucket in range(buckets)]
        return tasks + [("progress",), ("reports",), ("data",), ("about",), ("forms",)]

    def run(self, task: tuple) -> list[Page | Deferred]:
        """Plan the pages of one task, each in this language's edition (out_path in its folder); a page may be
        deferred (registry/pages/deferred.py)."""
        name, *args = task
        pages = FAMILIES[name](self.site, *args)
        lang = self.site.cat.lang
        prefix = EDITIONS[lang]
        return [
            page.moved(prefix, lang)
            if isinstance(page, Deferred)
            else Page(prefix + page.out_path, page.template, page.context, lang)
            for page in pages
        ]

    def plan(self) -> list[Page]:
        """Every page, in one list (small sites, tests): the tasks run one after another."""
        return [finished(page) for task in self.tasks() for page in self.run(task)]

    def prepare(self, tasks: list[tuple] | None = None) -> None:
        """Make what many tasks share (sorted lists, facet counts) once, before workers are forked to share it: for
        the tasks given (those to be planned), else for every task."""
        tasks = self.tasks() if tasks is None else tasks
        listed = {task[1] for task in tasks if task[0] in ("directory", "listing")}
        for kind in PAGE_KINDS:
            if kind in listed:
                directories.directory(self.site, kind)
        if any(task[0] == "records" for task in tasks):
            records.institute_children(self.site)

    def shared(self) -> dict[str, Any]:
        """The values every page shows: the site's identity, the menu, the download links, the catalogue."""
        site = self.site
        return {
            "t": site.cat.t,
            # made here, once, outside any task: what they read is in the build's salt, not a task's dependency
            "site": site.shared["site"],
            "nav": site.shared["nav"],
            "downloads": data.download_links(site.cat),
            "base_url": site.settings.get("base_url") or "",
        }


class Editions:
    """The site in every language: one SitePlan per Catalogue, the same families and tasks in each (a second
    language is a second render of the same plan). Tasks are (lang, family, *arguments)."""

    def __init__(self, plans: list[SitePlan]):
        self.plans = {plan.site.cat.lang: plan for plan in plans}

    def tasks(self) -> list[tuple]:
        return [(lang, *task) for lang, plan in self.plans.items() for task in plan.tasks()]

    def run(self, task: tuple) -> list[Page | Deferred]:
        lang, *rest = task
        return self.plans[lang].run(tuple(rest))

    def plan(self) -> list[Page]:
        return [finished(page) for task in self.tasks() for page in self.run(task)]

    def prepare(self, tasks: list[tuple] | None = None) -> None:
        for lang, plan in self.plans.items():
            plan.prepare(None if tasks is None else [tuple(task[1:]) for task in tasks if task[0] == lang])

    def shared(self) -> dict[str, dict[str, Any]]:
        """Language → the values every page of its edition shows."""
        return {lang: plan.shared() for lang, plan in self.plans.items()}
