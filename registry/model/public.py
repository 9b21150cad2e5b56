"""The public registry: the records as the site publishes them, built once by filtering, and who refers to whom.

Filtering is one pass over the checked registry: a sample record is left out when site.yaml builds no samples
(and so are a district's sample partner entries and example office), every field the schemas do not allow to be
published is dropped (an allow-list: private fields, and anything no schema defines), and every private value is
noted on the way, for the privacy scan of the output. Line numbers are not kept: they serve `check`'s messages,
and at 100,000 records they take more memory than the data.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from types import MappingProxyType
from typing import Any

from registry import KINDS
from registry.model.fields import field_names, with_fields
from registry.model.kinds import TITLE_FIELD
from registry.records.check import CheckResult
from registry.records.document import Document, field_path
from registry.records.record import Record, Registry, values_at
from registry.records.schemas import SchemaSet


class PublicRegistry(Registry):
    """The public records by kind and id, with the index of references between them (who refers to whom), and the
    values that pages derive from them once (sorted lists, facet counts) by `memo`."""

    def __init__(self, records: list[Record], schemas: SchemaSet):
        super().__init__(records, schemas)
        self._referrers: dict[tuple[str, str], list[Record]] = defaultdict(list)
        for kind in KINDS:
            for pattern, target in schemas.ref_fields(kind):
                for record in self._by_kind[kind].values():
                    for _path, value in values_at(record.data, pattern):
                        if isinstance(value, str):
                            self._referrers[(target, value)].append(record)
        self._memo: dict[Any, Any] = {}

    def referrers(
        self, kind: str, record_id: str, of_kind: str | None = None, names: tuple[str, ...] | None = None
    ) -> list[Record]:
        """Records that refer to (kind, id), optionally only those of one kind; each once, sorted. With `names` (and
        a kind), each holding only those fields (registry/model/fields.py)."""
        seen = {}
        for record in self._referrers.get((kind, record_id), []):
            if of_kind is None or record.kind == of_kind:
                seen[(record.kind, record.id)] = record
        found = [seen[key] for key in sorted(seen)]
        if names is None:
            return found
        if of_kind is None:
            raise ValueError("referrers with some fields only are of one kind")
        names = field_names(names)
        view = self.memo(("by id", of_kind, names), lambda: {r.id: r for r in self.fields(of_kind, names)})
        return [view[r.id] for r in found]

    def bucket(self, kind: str, bucket: int, buckets: int) -> list[Record]:
        """The records of a kind whose pages make one task of the page plan (by a hash of the id, so that adding a
        record changes one bucket, not every bucket after it in id order); a kind is cut once, not once a bucket."""
        key = ("buckets", kind, buckets)
        if key not in self._memo:
            cut: dict[int, list[Record]] = {}
            for record in self._by_kind[kind].values():
                cut.setdefault(bucket_of(record.id, buckets), []).append(record)
            self._memo[key] = cut
        return self._memo[key].get(bucket, [])

    def fields(self, kind: str, names: tuple[str, ...]) -> list[Record]:
        """Every record of a kind, sorted by id, holding only the named fields (registry/model/fields.py: what a page
        that shows a few fields of many records reads, so that it depends on those only); made once per kind and names."""
        names = field_names(names)
        return self.memo(("fields", kind, names), lambda: with_fields(self._by_kind[kind].values(), names))

    def named(self, kind: str, record_id: str) -> Record | None:
        """A record holding only its name and sample mark: what a link to it shows (registry/model/fields.py)."""
        names = (TITLE_FIELD.get(kind, "name"), "sample")
        return self.memo(("named", kind), lambda: {r.id: r for r in self.fields(kind, names)}).get(record_id)

    def memo(self, key: Any, make: Callable[[], Any]) -> Any:
        """A value derived from the registry, made once (a card per record, a directory's sorted records)."""
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]


def bucket_of(record_id: str, buckets: int) -> int:
    """The bucket of a record: a hash of its id, modulo the number of buckets."""
    return zlib.crc32(record_id.encode()) % buckets


def published(result: CheckResult) -> PublicRegistry:
    """The registry as the site publishes it: samples left out if site.yaml says so, private fields dropped."""
    return public_view(result.registry, bool(result.settings.get("include_samples")))


def public_view(registry: Registry, include_samples: bool = True) -> PublicRegistry:
    """The public registry of a checked one, with samples or without them."""
    records, _secrets = public_records(registry, include_samples)
    return PublicRegistry(records, registry.schemas)


def public_records(registry: Registry, include_samples: bool) -> tuple[list[Record], dict[str, str]]:
    """Every record as it is published (in registry order), and every private value of the registry → where it is
    kept, e.g. 'records/achievements/x.yaml: reporter.phone' (of every record, samples left out or not)."""
    secrets: dict[str, str] = {}
    records = list(each_public(registry, include_samples, secrets))
    return records, dict(sorted(secrets.items()))


def each_public(registry: Registry, include_samples: bool, secrets: dict[str, str]) -> Iterator[Record]:
    """public_records one record at a time (so the whole public copy need not be held beside the checked registry);
    the private values are noted in `secrets` on the way (complete, unsorted, once the records are all taken)."""
    split = _Split(registry.schemas)
    for kind in KINDS:
        for record in registry.all(kind):
            data = record.data
            if not include_samples:
                if record.sample:
                    split.private(record, data, secrets)
                    continue
                data = _without_sample_entries(record)
            yield Record(kind, record.id, public_document(record.src_path, split.public(record, data, secrets)))


def public_document(src_path: str, data: Any) -> Document:
    """A published record's document: its data only. No line numbers (they serve `check`'s messages), so it shares
    one read-only empty table for each of them instead of six new containers a record (≈ 0.5 KB: 70 MB at 140,000
    records)."""
    return Document(src_path, data, _NO_MARKS, _NO_MARKS, _NO_MARKS, _NO_PATHS, _NO_PATHS, _NO_MARKS)


_NO_MARKS: Any = MappingProxyType({})
_NO_PATHS: Any = frozenset()


def private_values(registry: Registry) -> dict[str, str]:
    """Every private value (as text) → where it is kept."""
    return public_records(registry, include_samples=True)[1]


def _without_sample_entries(record: Record) -> Any:
    """A district's data without its sample partner entries and its example office (other records as they are)."""
    data = record.data
    if record.kind != "district":
        return data
    example_office = isinstance(data.get("office"), dict) and data["office"].get("example") is True
    partners = data.get("partners") or []
    if not example_office and not any(isinstance(p, dict) and p.get("sample") for p in partners):
        return data
    data = {key: value for key, value in data.items() if key != "office" or not example_office}
    if "partners" in data:
        data["partners"] = [p for p in data["partners"] if not p.get("sample")]
    return data


SHARED_TEXT = 80
"""Published texts up to this long are one object per value (dates, ids, kinds, places, names recur from record to
record; the loader makes each anew): at 30,000 achievements 1.3 million texts hold 198,000 values."""


class _Split:
    """Splits a record's data into what may be published and its private values, walking data and schema at once."""

    def __init__(self, schemas: SchemaSet):
        self.schemas = schemas
        self._nodes: dict[tuple[str, tuple], dict | None] = {}
        self._texts: dict[str, str] = {}

    def _node(self, kind: str, pattern: tuple) -> dict | None:
        key = (kind, pattern)
        if key not in self._nodes:
            self._nodes[key] = self.schemas.at(kind, pattern) if pattern else self.schemas.schema(kind)
        return self._nodes[key]

    def public(self, record: Record, data: Any, secrets: dict[str, str]) -> Any:
        return self._walk(record, data, (), (), secrets)

    def private(self, record: Record, data: Any, secrets: dict[str, str]) -> None:
        self._walk(record, data, (), (), secrets)

    def _walk(self, record: Record, data: Any, path: tuple, pattern: tuple, secrets: dict[str, str]) -> Any:
        node = self._node(record.kind, pattern)
        if node is None:
            return None
        if node.get("x-private"):
            for leaf_path, value in _leaves(data, path):
                if leaf_path and value is not None:
                    secrets.setdefault(str(value), f"{record.src_path}: {field_path(leaf_path)}")
            return None
        if isinstance(data, dict):
            out = {}
            for key, value in data.items():
                sub = self._node(record.kind, pattern + (key,))
                if sub is not None:
                    kept = self._walk(record, value, path + (key,), pattern + (key,), secrets)
                    if not sub.get("x-private"):
                        out[key] = kept
            return out
        if isinstance(data, list):
            return [self._walk(record, item, path + (i,), pattern + ("*",), secrets) for i, item in enumerate(data)]
        if isinstance(data, str) and len(data) <= SHARED_TEXT:
            return self._texts.setdefault(data, data)
        return data


def _leaves(value: Any, path: tuple) -> Iterator[tuple[tuple, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, path + (index,))
    else:
        yield path, value
