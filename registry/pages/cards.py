"""Public records as finished display values: titles, labelled facts, links and cards — no queries in templates."""

from __future__ import annotations

from typing import Any

from registry.model.fields import ENGLISH, field_names, value_of
from registry.model.kinds import DATE_FIELD, TITLE_FIELD
from registry.model.public import PublicRegistry
from registry.pages.catalogue import Catalogue
from registry.pages.display import field_label
from registry.pages.urls import record_url
from registry.records.record import Record

HIDDEN_FACTS = {
    "id",
    "sample",
    "order",
    "name",
    "title",
    "field_other",
    "stage_other",
    "type_other",
    "mode_other",
    "planned_institutes",
    "planned_open",
    "planned_notes",
    "implementation_plan",
    "office",
}
"""Fields a record page does not list among its facts: the title, codes shown with their label, what a district
page shows in sections of its own (registry/pages/districts.py), and the office (the page's contact box)."""


CARD_FIELDS = {
    "institute": ("type", "country", "aliases"),
    "achievement": ("institute", "field", "field_other", "stage", "stage_other", "status"),
    "event": ("type", "type_other", "district", "venue", "start", "end"),
    "project": ("enterprise", "mode", "mode_other", "district"),
    "talent": ("form", "people", "institute", "role", "district"),
    "carrier": ("type", "type_other", "level", "district"),
    "district": ("industries",),
    "plan": ("start", "end"),
}
"""The fields a kind's card shows besides its name, date and sample mark (Views.card), with the `_other` text of each
enumeration that offers "other" (Views.enum reads it then)."""


def card_fields(kind: str) -> tuple[str, ...]:
    """Everything a card of the kind reads: a list of cards reads its records with these only
    (registry/model/fields.py), so it does not depend on their other fields (an edited summary leaves it alone)."""
    own = (TITLE_FIELD.get(kind, "name"), "sample", ENGLISH, *CARD_FIELDS.get(kind, ()))
    return field_names(own + ((DATE_FIELD[kind],) if kind in DATE_FIELD else ()))


class Views:
    """Builds display values from the public registry for one language."""

    def __init__(self, registry: PublicRegistry, cat: Catalogue):
        self.registry, self.cat = registry, cat

    # -- names and links -------------------------------------------------------------------------
    def name(self, record: Record) -> str:
        return self.cat.text(record.get(TITLE_FIELD.get(record.kind, "name")))

    def link(self, kind: str, record_id: str) -> dict[str, Any]:
        """A link to a record: its address, name and sample mark (only those read: registry/model/fields.py)."""
        record = self.registry.named(kind, record_id)
        if record is None:  # cannot happen after check; kept so a bug shows as text, not a crash
            return {"url": None, "text": record_id, "sample": False}
        return {"url": record_url(kind, record_id), "text": self.name(record), "sample": record.sample}

    def date_of(self, record: Record) -> str:
        field = DATE_FIELD.get(record.kind)
        return (record.get(field) or "") if field else ""

    def sorted_latest(self, records: list[Record]) -> list[Record]:
        """Newest first by the kind's date, then by id; undated last."""
        dated = sorted((r for r in records if self.date_of(r)), key=lambda r: (self.date_of(r), r.id), reverse=True)
        return dated + sorted((r for r in records if not self.date_of(r)), key=lambda r: r.id)

    def enum(self, record: Record, field: str) -> str:
        value = self.cat.label(record.kind, field, record.get(field))
        if record.get(field) == "other" and record.get(f"{field}_other"):
            value += self.cat.paren(self.cat.text(record.get(f"{field}_other")))
        return value

    def chinese_only(self, record: Record) -> bool:
        """Whether a page in another language than Chinese shows the record all in Chinese: it has texts, and not
        one of them gives an English form (the page says so beside its name); read as ENGLISH from a card's view."""
        return self.cat.lang != "zh" and value_of(record.data, ENGLISH) is False

    # -- cards (one line in a list) --------------------------------------------------------------
    def card(self, record: Record) -> dict[str, Any]:
        """A record as one entry of a list: title, link, a few facts, date and the sample mark."""
        meta: list[str] = []
        kind, get = record.kind, record.get
        if kind == "institute":
            meta = [
                self.enum(record, "type"),
                self.cat.label(kind, "country", get("country")),
                self.cat.join(map(self.cat.as_written, get("aliases", []))),
            ]
        elif kind == "achievement":
            meta = [
                self.link("institute", get("institute"))["text"],
                self.enum(record, "field"),
                self.enum(record, "stage"),
                self.enum(record, "status"),
            ]
        elif kind == "event":
            meta = [
                self.enum(record, "type"),
                self.link("district", get("district"))["text"],
                self.cat.text(get("venue")),
            ]
        elif kind == "project":
            meta = [
                self.cat.text(get("enterprise")),
                self.enum(record, "mode"),
                self.link("district", get("district"))["text"],
            ]
        elif kind == "talent":
            meta = [
                self.enum(record, "form") + self.cat.count("unit.people", get("people")),
                self.link("institute", get("institute"))["text"],
                self.cat.text(get("role")),
                self.link("district", get("district"))["text"],
            ]
        elif kind == "carrier":
            meta = [
                self.enum(record, "type"),
                self.enum(record, "level"),
                self.link("district", get("district"))["text"] if get("district") else "",
            ]
        elif kind == "district":
            meta = [self.cat.join(self.cat.text(t) for t in get("industries", []))]
        elif kind == "plan":
            meta = [self.cat.date_range(get("start"), get("end"))]
        if kind == "event":
            date = self.cat.date_range(get("start"), get("end"))
        else:
            date = self.cat.date(self.date_of(record))
        return {
            "url": record_url(kind, record.id),
            "title": self.name(record),
            "meta": [m for m in meta if m],
            "date": date,
            "sample": record.sample,
            "id": record.id,
            "chinese_only": self.chinese_only(record),
        }

    def cards(self, records: list[Record]) -> list[dict[str, Any]]:
        """Cards of many records; each record's card is made once and shared (a record is listed on many pages)."""
        memo, card, lang = self.registry.memo, self.card, self.cat.lang
        return [memo(("card", lang, r.kind, r.id), lambda r=r: card(r)) for r in records]

    # -- facts (the labelled fields of a record page) --------------------------------------------
    def facts(self, record: Record) -> list[dict[str, Any]]:
        """Every public field present, in schema order, as {label, kind, value}: kind says how it is shown."""
        schemas, out = self.registry.schemas, []
        for name, node in schemas.properties(record.kind).items():
            if name in HIDDEN_FACTS or name not in record.data:
                continue
            value = record.get(name)
            label = field_label(node, self.cat.lang, name)
            if node.get("x-unit") == "wan-yuan":  # the unit goes with the amount (90 万元, CNY 900,000)
                label = label.removesuffix(self.cat.t("unit.wan_yuan.title"))
            fact = self.fact(record, name, node, value)
            if fact is not None:
                out.append({"label": label, "name": name, **fact})
        return out

    def fact(self, record: Record, name: str, node: dict, value: Any) -> dict[str, Any] | None:
        schemas = self.registry.schemas
        if node.get("x-ref"):
            return {"kind": "links", "value": [self.link(node["x-ref"], value)]}
        items = schemas.at(record.kind, (name, "*")) if node.get("type") == "array" else None
        if items is not None and items.get("x-ref"):
            return {"kind": "links", "value": [self.link(items["x-ref"], v) for v in value]}
        if "enum" in node:
            return {"kind": "text", "value": self.enum(record, name)}
        if node.get("x-markdown"):
            return {"kind": "markdown", "value": self.cat.text(value)}
        if node.get("x-date"):
            return {"kind": "text", "value": self.cat.date(value)}
        if node.get("format") == "uri":
            return {"kind": "external", "value": value}
        if items is not None and items.get("properties", {}).get("zh"):
            return {"kind": "text", "value": self.cat.join(self.cat.text(v) for v in value)}
        if items is not None and items.get("type") == "string":
            return {"kind": "text", "value": self.cat.join(map(self.cat.as_written, value))}
        if isinstance(value, dict) and "zh" in value:
            return {"kind": "text", "value": self.cat.text(value)}
        if isinstance(value, dict):  # a group of fields, e.g. the research lead
            return {"kind": "text", "value": self.cat.join((self.cat.text(v) for v in value.values()), "punct.comma")}
        if isinstance(value, bool):
            return None
        if isinstance(value, (int, float)) and node.get("x-unit") == "wan-yuan":
            return {"kind": "text", "value": self.cat.money(value)}
        if isinstance(value, (int, float)):
            return {"kind": "text", "value": self.cat.number(value)}
        return None
