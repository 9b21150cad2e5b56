"""What the search index knows of each public record: its names and every other public text, each tagged with the
edition that shows it, and the row of each edition's text store (registry/outputs/search.py has the index itself).

The postings cover every text in every language, so a search on any page finds a record by any of its texts (an
English page finds a Chinese-only record by its Chinese). What a result shows comes from its edition's store: the
record's texts in that language only (the Chinese where a text has no English, marked for the page), so an excerpt
never mixes languages; the texts it does not show are kept beside them for checking a match (search.js).
"""

from __future__ import annotations

import re
from typing import Any

from registry.model.kinds import DATE_FIELD
from registry.model.public import PublicRegistry
from registry.pages.cards import Views
from registry.pages.catalogue import Catalogue, Chinese, has_chinese
from registry.pages.urls import EDITIONS, PAGE_KINDS, record_url
from registry.records.record import Record

SEARCH_KINDS = PAGE_KINDS
"""Kinds with record pages (plans have none)."""

MARKUP = re.compile(r"[*`#]+")

SHOWN = {
    "zh": frozenset({"zh", "zh-only", "any", "zh-extra"}),
    "en": frozenset({"en", "zh-only", "any"}),
}
"""Which texts each edition shows, by tag: "zh" a Chinese text that has an English form, "zh-only" one that has none,
"en" an English form, "any" a text with one form only, "zh-extra" the short names of a record referred to (Chinese
shorthand an English excerpt leaves out)."""

Tagged = list[tuple[str, str]]
"""A record's texts in order, each with its tag: its own prose first, then the labels and names it refers to."""


class SearchDocs:
    """The searchable text of each public record: names (Chinese, English, short names) and tagged texts."""

    def __init__(self, public: PublicRegistry, cats: dict[str, Catalogue]):
        self.public, self.cats = public, cats
        self.views = {lang: Views(public, cat) for lang, cat in cats.items()}
        self.schemas = public.schemas
        # The walk asks the same few schema questions for every record: answered once per kind and path.
        self._rules: dict[tuple[str, tuple], tuple[str, Any]] = {}
        self._labels: dict[tuple[str, tuple, Any], Tagged] = {}
        self._names: dict[tuple[str, str], Tagged] = {}
        self.refs: list[tuple[str, str]] | None = None
        """When a list, `texts` notes in it each record it names, (kind, id)."""

    def names(self, record: Record) -> list[str]:
        """A record's names: Chinese, English, and an institute's short names."""
        name = record.get("title" if record.kind == "event" else "name") or {}
        return [v for v in (name.get("zh"), name.get("en"), *record.get("aliases", [])) if v]

    def texts(self, record: Record) -> Tagged:
        """Every other public text, tagged: prose, code labels (zh, en), the names of the records it refers to."""
        own: Tagged = []
        linked: Tagged = []
        for key, value in record.data.items():
            if key not in ("id", "name", "title", "aliases", "sample"):
                self._texts(record.kind, (key,), value, own, linked)
        # The record's own prose first, so excerpts show it; Markdown emphasis marks would only clutter them.
        return [(MARKUP.sub("", text), tag) for text, tag in own] + linked

    def _rule(self, kind: str, pattern: tuple) -> tuple[str, Any]:
        """What the schema says to do with a value at a path pattern ('*' for list items)."""
        rule = self._rules.get((kind, pattern))
        if rule is None:
            node = self.schemas.at(kind, pattern) or {}
            if node.get("x-ref"):
                rule = ("ref", node["x-ref"])
            elif "enum" in node:
                rule = ("enum", None)
            elif node.get("x-date") or node.get("format") == "uri":
                rule = ("skip", None)
            else:
                rule = ("text", None)
            self._rules[(kind, pattern)] = rule
        return rule

    def _texts(self, kind: str, pattern: tuple, value: Any, out: Tagged, linked: Tagged) -> None:
        what, target = self._rule(kind, pattern)
        if what == "ref" and isinstance(value, str):
            linked += self.ref_names(target, value)
            if self.refs is not None:
                self.refs.append((target, value))
        elif what == "enum":
            labels = self._labels.get((kind, pattern, value))
            if labels is None:
                found = self.schemas.labels(kind, pattern).get(value, {})
                labels = self._labels[(kind, pattern, value)] = [(text, lang) for lang, text in found.items()]
            linked += labels
        elif isinstance(value, dict) and isinstance(value.get("zh"), str):  # a text in Chinese and perhaps English
            out += _pair(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                self._texts(kind, pattern + (key,), item, out, linked)
        elif isinstance(value, list):
            for item in value:
                self._texts(kind, pattern + ("*",), item, out, linked)
        elif isinstance(value, str) and what != "skip":
            out.append((value, "any"))

    def ref_names(self, kind: str, record_id: str) -> Tagged:
        """The tagged names of a record referred to (none if it is not public)."""
        names = self._names.get((kind, record_id))
        if names is None:
            record = self.public.get(kind, record_id)
            names = self._names[(kind, record_id)] = self._tagged_names(record) if record is not None else []
        return names

    def _tagged_names(self, record: Record) -> Tagged:
        name = record.get("title" if record.kind == "event" else "name") or {}
        return _pair(name) + [(alias, "zh-extra") for alias in record.get("aliases", [])]

    def date(self, record: Record, lang: str) -> str:
        """The date a result shows, as the record's card shows it."""
        cat = self.cats[lang]
        if record.kind == "event":
            return cat.date_range(record.get("start"), record.get("end"))
        return cat.date(record.get(DATE_FIELD.get(record.kind, ""), "") or "")

    def facets(self, record: Record) -> tuple[str | None, str | None, list[str]]:
        """field, stage (achievements) and the districts a record belongs to."""
        if record.kind == "district":
            districts = [record.id]
        else:
            districts = [d for d in (record.get("district"), record.get("coordinated_by")) if isinstance(d, str)]
        return record.get("field"), record.get("stage"), sorted(set(districts))

    def ordered(self) -> list[Record]:
        views = next(iter(self.views.values()))
        return [r for kind in SEARCH_KINDS for r in views.sorted_latest(self.public.all(kind))]

    def stored(self, record: Record, lang: str, texts: Tagged | None = None) -> list[Any]:
        """A doc in an edition's text store: [url, title, title extras, [shown text…], date, sample (1 or 0),
        [other text…]], and in an edition other than the first, [title in Chinese (1 or 0), [shown texts that are
        Chinese, by position]] (search-ui.js marks them lang="zh-CN")."""
        names, title = self.names(record), self.views[lang].name(record)
        shown, other, chinese = [], [], []
        for text, tag in self.texts(record) if texts is None else texts:
            if tag in SHOWN[lang]:
                if lang != "zh" and (tag == "zh-only" or (tag == "any" and has_chinese(text))):
                    chinese.append(len(shown))
                shown.append(text)
            else:
                other.append(text)
        row = [
            EDITIONS[lang] + record_url(record.kind, record.id),
            str.__str__(title),
            "\n".join(n for n in names if n != title),
            shown,
            self.date(record, lang),
            int(record.sample),
            other,
        ]
        if lang != "zh":
            row.append([int(isinstance(title, Chinese)), chinese])
        return row


def _pair(value: dict) -> Tagged:
    """A {zh, en} text as tagged texts: the Chinese says whether an English form stands beside it."""
    zh, en = value.get("zh"), value.get("en")
    out: Tagged = [(zh, "zh" if en else "zh-only")] if zh else []
    return out + [(en, "en")] if en else out
