"""Interface strings in one catalogue (zh, en), labels from the schemas, and dates and numbers as readers see them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from registry.errors import SchemaError
from registry.records.schemas import SchemaSet
from registry.records.yamlload import load

LANGS = ("zh", "en")
_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def load_messages(path: Path) -> dict[str, dict[str, str]]:
    """Load site_templates/messages.yaml: key → {zh, en}; every key must carry both languages."""
    doc, problems = load(path, str(path))
    if problems or doc is None:
        raise SchemaError(f"{path}: " + "; ".join(p.text() for p in problems))
    bad = [key for key, value in doc.data.items() if not isinstance(value, dict) or set(value) != set(LANGS)]
    if bad:
        raise SchemaError(f"{path}: keys without both zh and en: {', '.join(bad[:10])}")
    return doc.data


class Catalogue:
    """Everything language-dependent, for one language."""

    def __init__(self, messages: dict[str, dict[str, str]], schemas: SchemaSet, lang: str = "zh"):
        self.messages, self.schemas, self.lang = messages, schemas, lang

    def t(self, key: str, **values: Any) -> str:
        """The interface string `key` in this language, with {placeholders} filled in."""
        try:
            text = self.messages[key][self.lang]
        except KeyError:
            raise SchemaError(f"messages.yaml has no key {key!r}") from None
        return text.format(**values) if values else text

    def text(self, value: Any) -> str:
        """A record's {zh, en} text in this language, falling back to Chinese."""
        if isinstance(value, dict):
            return value.get(self.lang) or value.get("zh", "")
        return "" if value is None else str(value)

    def label(self, kind: str, field: tuple | str, code: Any) -> str:
        """The label of an enumeration code, from the schema's x-labels."""
        path = (field,) if isinstance(field, str) else field
        labels = self.schemas.labels(kind, path)
        return labels.get(code, {}).get(self.lang, str(code)) if code is not None else ""

    def date(self, iso: str | None) -> str:
        """2017-05-12 → 2017年5月12日 (zh) or 12 May 2017 (en)."""
        if not iso:
            return ""
        day = dt.date.fromisoformat(iso)
        if self.lang == "zh":
            return f"{day.year}年{day.month}月{day.day}日"
        return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"

    def date_range(self, start: str | None, end: str | None) -> str:
        if not end or end == start:
            return self.date(start)
        return f"{self.date(start)}–{self.date(end)}"

    def number(self, value: float | int | None) -> str:
        if value is None:
            return "—"
        if isinstance(value, float) and not value.is_integer():
            return f"{value:,.2f}".rstrip("0").rstrip(".")
        return f"{int(value):,}"
