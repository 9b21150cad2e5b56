"""A kind's records with only some fields readable: what a page that shows a few fields of many records reads.

A task of the page plan depends on what it reads (registry/engine/depends.py). A task that reads every record of a
kind whole — the reports list achievements by name and date, the home page counts samples and sorts by date, the
forms offer every achievement by name — would be planned again after any edit of the kind, a summary included,
in each edition. Reading `registry.fields(kind, names)` instead, it depends on those fields of the kind only.

Sound by construction: a record of such a view holds the named fields only, and reading any other field (or going
over all of them) raises FieldNotRead, in every build and test, so a page cannot show a field its task does not
depend on. Fields a record does not have read as absent, as on a whole record.

One name is not a field: ENGLISH, whether the record's texts give an English form at all — what a card shows as
"(Chinese only)" on an English page. Read in a view, it lets a list depend on that one fact instead of every text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from registry.records.document import Document
from registry.records.record import Record

ENGLISH = "(english)"
"""A name a view can hold beside fields (no field has parentheses): None when the record has no {zh, en} text, else
whether one of them at least gives an English form (`english`)."""


class FieldNotRead(LookupError):
    """A page read a field that the view of the records it was handed does not hold: a bug in the page's code (it
    must ask registry.fields for the field, or read the whole record)."""


class Fields(dict):
    """A record's data holding only `names`: a read of any other key raises FieldNotRead, and so does going over
    its keys (what it would not see is unknown)."""

    __slots__ = ("names",)

    def __init__(self, names: frozenset[str], data: dict):
        super().__init__((name, data[name]) for name in names if name in data)
        self.names = names

    def _known(self, key: Any) -> None:
        if key not in self.names:
            raise FieldNotRead(f"field {key!r} is not among those read: {sorted(self.names)}")

    def get(self, key: Any, default: Any = None) -> Any:
        self._known(key)
        return dict.get(self, key, default)

    def __getitem__(self, key: Any) -> Any:
        self._known(key)
        return dict.__getitem__(self, key)

    def __contains__(self, key: Any) -> bool:
        self._known(key)
        return dict.__contains__(self, key)

    def _whole(self, *_args: Any) -> Any:
        raise FieldNotRead(f"the record's fields cannot be gone over: only {sorted(self.names)} were read")

    __iter__ = keys = values = items = __len__ = _whole  # type: ignore[assignment]

    def __reduce__(self):  # pickled as what it holds (the build never pickles one)
        return (Fields, (self.names, dict(dict.items(self))))


def field_names(names: Iterable[str]) -> tuple[str, ...]:
    """The names as a dependency keeps them: each once, sorted."""
    return tuple(sorted(set(names)))


def with_fields(records: Iterable[Record], names: tuple[str, ...]) -> list[Record]:
    """The records, each holding only the named fields (same kind, id and file), and ENGLISH if named."""
    allowed = frozenset(names)
    out = []
    for r in records:
        data = Fields(allowed, r.data)
        if ENGLISH in allowed:
            dict.__setitem__(data, ENGLISH, english(r.data))
        out.append(Record(r.kind, r.id, Document(r.src_path, data)))
    return out


def value_of(data: dict, name: str) -> Any:
    """A field's value in a record's data, whole or a view; ENGLISH worked out from a whole record's texts."""
    if name == ENGLISH and not isinstance(data, Fields):
        return english(data)
    return data.get(name)


def english(data: Any) -> bool | None:
    """None when the data holds no {zh, en} text, else whether any of them gives its English form."""
    found = None
    for text in pairs(data):
        if text.get("en"):
            return True
        found = False
    return found


def pairs(value: Any) -> Iterator[dict]:
    """Every {zh, en} text in a record's data (a name, a summary, a venue, each item of a list of texts)."""
    if isinstance(value, dict):
        if isinstance(value.get("zh"), str):
            yield value
        else:
            for item in value.values():
                yield from pairs(item)
    elif isinstance(value, list):
        for item in value:
            yield from pairs(item)
