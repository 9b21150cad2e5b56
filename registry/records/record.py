"""A record as loaded (its data and where each value stands), and the registry that indexes them by kind and id."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from registry import KINDS
from registry.problems import Problem
from registry.records.document import Document, field_path
from registry.records.schemas import SchemaSet


@dataclass(eq=False)
class Record:
    """One record file, its data as written (dates as text) and where each value stands."""

    kind: str
    id: str
    doc: Document

    @property
    def data(self) -> dict:
        return self.doc.data

    @property
    def src_path(self) -> str:
        return self.doc.src_path

    @property
    def sample(self) -> bool:
        return self.data.get("sample") is True

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)


def as_date(value: Any) -> dt.date | None:
    """A record's ISO date text (YYYY-MM-DD) as a date; None for anything else, including impossible dates."""
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def values_at(data: Any, pattern: tuple, prefix: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """Yield (path, value) for every value matching a path pattern in which '*' stands for any list index."""
    if not pattern:
        yield prefix, data
        return
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        if isinstance(data, list):
            for index, item in enumerate(data):
                yield from values_at(item, rest, prefix + (index,))
    elif isinstance(data, dict) and head in data:
        yield from values_at(data[head], rest, prefix + (head,))


class Registry:
    """All records by kind and id (sorted): what `check` loaded and cross-checks, and what the model filters."""

    def __init__(self, records: list[Record], schemas: SchemaSet):
        self.schemas = schemas
        self._by_kind: dict[str, dict[str, Record]] = {kind: {} for kind in KINDS}
        for record in sorted(records, key=lambda r: (r.kind, r.id)):
            self._by_kind[record.kind].setdefault(record.id, record)

    def all(self, kind: str) -> list[Record]:
        """Every record of a kind, sorted by id."""
        return list(self._by_kind[kind].values())

    def get(self, kind: str, record_id: str) -> Record | None:
        return self._by_kind[kind].get(record_id)

    def __len__(self) -> int:
        return sum(len(records) for records in self._by_kind.values())


def problem_at(
    record: Record, path: tuple, code: str, zh: str, en: str, hint_zh: str = "", hint_en: str = "", key: bool = False
) -> Problem:
    """A problem at a path of a record (or at its key), with the line and column it stands at."""
    line, column = record.doc.where(path, key=key)
    return Problem(record.src_path, line, column, field_path(path), code, zh, en, hint_zh, hint_en)
