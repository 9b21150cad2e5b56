"""Records and the registry that indexes them: by kind and id, and who refers to whom."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from registry import KINDS
from registry.records.schemas import SchemaSet
from registry.records.yamlload import Document, field_path


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
    """All records by kind and id (sorted), with an index of references between them."""

    def __init__(self, records: list[Record], schemas: SchemaSet):
        self.schemas = schemas
        self._by_kind: dict[str, dict[str, Record]] = {kind: {} for kind in KINDS}
        for record in sorted(records, key=lambda r: (r.kind, r.id)):
            self._by_kind[record.kind].setdefault(record.id, record)
        self._referrers: dict[tuple[str, str], list[tuple[Record, tuple]]] = defaultdict(list)
        for kind in KINDS:
            for pattern, target in schemas.ref_fields(kind):
                for record in self._by_kind[kind].values():
                    for path, value in values_at(record.data, pattern):
                        if isinstance(value, str):
                            self._referrers[(target, value)].append((record, path))

    def all(self, kind: str) -> list[Record]:
        """Every record of a kind, sorted by id."""
        return list(self._by_kind[kind].values())

    def get(self, kind: str, record_id: str) -> Record | None:
        return self._by_kind[kind].get(record_id)

    def referrers(self, kind: str, record_id: str, of_kind: str | None = None) -> list[Record]:
        """Records that refer to (kind, id), optionally only those of one kind; each once, sorted."""
        seen = {}
        for record, _path in self._referrers.get((kind, record_id), []):
            if of_kind is None or record.kind == of_kind:
                seen[(record.kind, record.id)] = record
        return [seen[key] for key in sorted(seen)]

    def __len__(self) -> int:
        return sum(len(records) for records in self._by_kind.values())

    def without_samples(self) -> Registry:
        """A registry without sample records, and without sample partner entries and example offices in districts."""
        kept = []
        for kind in KINDS:
            for record in self.all(kind):
                if record.sample:
                    continue
                example_office = isinstance(record.get("office"), dict) and record.get("office").get("example") is True
                if kind == "district" and (example_office or any(p.get("sample") for p in record.get("partners", []))):
                    data = {key: value for key, value in record.data.items() if key != "office" or not example_office}
                    if "partners" in data:
                        data["partners"] = [p for p in data["partners"] if not p.get("sample")]
                    record = Record(kind, record.id, Document(record.src_path, data, record.doc.marks,
                                                              record.doc.key_marks, record.doc.raw))
                kept.append(record)
        return Registry(kept, self.schemas)

    def public(self) -> Registry:
        """The same records holding only what the schemas allow to be published (private fields dropped).

        Without line numbers: they serve `check`'s messages, and the public view is for pages and exports
        (at 100,000 records the positions take more memory than the data)."""
        records = [Record(r.kind, r.id, Document(r.src_path, self.schemas.public(r.kind, r.data)))
                   for kind in KINDS for r in self.all(kind)]
        return Registry(records, self.schemas)

    def private_values(self) -> dict[str, str]:
        """Every private value (as text) → where it is kept, e.g. 'records/achievements/x.yaml: reporter.phone'."""
        found: dict[str, str] = {}
        for kind in KINDS:
            for record in self.all(kind):
                _collect_private(self.schemas, record, record.data, (), found)
        return dict(sorted(found.items()))


def _collect_private(schemas: SchemaSet, record: Record, value: Any, path: tuple, found: dict[str, str]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _collect_private(schemas, record, item, path + (key,), found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _collect_private(schemas, record, item, path + (index,), found)
    elif path and value is not None and schemas.is_private(record.kind, path):
        found.setdefault(str(value), f"{record.src_path}: {field_path(path)}")
