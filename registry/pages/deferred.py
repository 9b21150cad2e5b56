"""A page planned by what it is made of, its context made only when it must be rendered.

A long listing (a directory of 10,000 records is 200 pages, its facets 2,000 more) changes in a page or two when one
record is edited. Making every page's context (a card per record) to find out which is what a rebuild after one edit
cost, once per edition. A deferred page says instead what its bytes are a function of — its place, title and
pagination, the context its listing shares, and each listed record with the names of the records it refers to by a
single field (all a card shows of them: registry/pages/cards.py), by fingerprint — and how to make its context. The build keys the page by that (the build's salt aside: code, templates, settings) and makes
the context only when the last build's file cannot be linked.

Only a registry that can fingerprint records (the engine's tracked registry) defers; with a plain one the page is
made at once, so small tools and tests see finished pages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from registry.pages.render import Page
from registry.records.record import Record


@dataclass
class Deferred:
    """A page to make only if its inputs changed: `inputs` are bytes from which its context follows."""

    out_path: str
    template: str
    inputs: bytes
    make: Callable[[], Page]
    lang: str = "zh"

    def moved(self, prefix: str, lang: str) -> Deferred:
        """The same page in an edition's folder."""
        make = self.make

        def made() -> Page:
            page = make()
            return Page(prefix + page.out_path, page.template, page.context, lang)

        return Deferred(prefix + self.out_path, self.template, self.inputs, made, lang)


def records_inputs(registry: object, records: Iterable[Record]) -> bytes | None:
    """Bytes that change whenever what a card can show of one of the records changes — or None when the registry
    cannot say (a plain registry: make the page now)."""
    inputs_of = getattr(registry, "inputs_of", None)
    return None if inputs_of is None else inputs_of(records)


def finished(page: Page | Deferred) -> Page:
    """A page with its context made."""
    return page.make() if isinstance(page, Deferred) else page
