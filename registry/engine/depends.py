"""What each planned task read, so that a task whose inputs did not change is not even planned again.

The engine hands the page plan a `TrackedRegistry` and `TrackedFigures` in place of the public registry and its
figures: the same reads, each noted as a dependency of the task being planned — a whole kind (`all`), one record
(`get`), the records of a bucket (`bucket`), who refers to a record (`referrers`), or one figure (`progress`,
`counted`, …). Page families never know: no page module imports this one. Values the plan makes once and shares
across tasks (`memo`: cards, sorted lists, facet counts) carry the dependencies they were made from, and hand
them to every task that uses them.

A dependency's fingerprint is a hash of what it reads: the public data of the records involved. The next build
compares the stored fingerprints of each task with the current ones; when all are equal, the task's pages are the
same bytes as last time (everything else a page depends on — code, templates, schemas, settings, the as-of date —
is in the build's salt), so its files are linked from the last build instead of planned and rendered.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterable
from typing import Any

from registry import KINDS
from registry.engine.cache import digest
from registry.figures.figures import Figures
from registry.model.fields import ENGLISH, Fields, field_names, value_of
from registry.model.kinds import TITLE_FIELD
from registry.model.public import PublicRegistry, bucket_of
from registry.records.record import Record

Dep = tuple
"""("kind", kind) | ("rec", kind, id) | ("refs", kind, id, of_kind) | ("bucket", kind, bucket, buckets)
| ("figures", name) | ("name", kind, id): only a record's name | ("names", kind): every name of a kind
| ("fields", kind, names): those fields of every record of a kind (registry/model/fields.py), and which records
| ("refs", kind, id, of_kind, names): those fields of the records of_kind referring to it, and which records"""


class Tracker:
    """Collects the dependencies of the task being planned (none are collected outside a task)."""

    def __init__(self):
        self.deps: set[Dep] | None = None

    def start(self) -> None:
        self.deps = set()

    def stop(self) -> set[Dep]:
        deps, self.deps = self.deps or set(), None
        return deps

    def add(self, dep: Dep) -> None:
        if self.deps is not None:
            self.deps.add(dep)

    def memo(self, store: dict, key: Any, make: Callable[[], Any]) -> Any:
        """store[key], made once; whoever uses it depends on what making it read."""
        hit = store.get(key)
        if hit is None:
            outer, self.deps = self.deps, set()
            try:
                value = make()
            finally:
                inner, self.deps = self.deps, outer
            hit = store[key] = (value, frozenset(inner))
        if self.deps is not None:
            self.deps |= hit[1]
        return hit[0]


class TrackedRegistry:
    """The read side of a PublicRegistry, noting every read in a Tracker."""

    def __init__(self, registry: PublicRegistry, tracker: Tracker, fingerprints: Fingerprints | None = None):
        self._registry, self._tracker, self.schemas = registry, tracker, registry.schemas
        self._memo: dict = {}
        self._fingerprints = fingerprints or Fingerprints(registry, None)

    def all(self, kind: str) -> list[Record]:
        self._tracker.add(("kind", kind))
        return self._registry.all(kind)

    def get(self, kind: str, record_id: str) -> Record | None:
        self._tracker.add(("rec", kind, record_id))
        return self._registry.get(kind, record_id)

    def fields(self, kind: str, names: tuple[str, ...]) -> list[Record]:
        """Every record of a kind holding only the named fields: the task depends on those fields, not the records."""
        names = field_names(names)
        self._tracker.add(("fields", kind, names))
        return self._registry.fields(kind, names)

    def named(self, kind: str, record_id: str) -> Record | None:
        """A record holding only its name and sample mark: the task depends on those (a link shows no more)."""
        self._tracker.add(("name", kind, record_id))
        return self._registry.named(kind, record_id)

    def referrers(
        self, kind: str, record_id: str, of_kind: str | None = None, names: tuple[str, ...] | None = None
    ) -> list[Record]:
        """Who refers to a record, whole or (with `names`) holding those fields only: the task depends on which
        records they are and what it read of them."""
        if names is None:
            self._tracker.add(("refs", kind, record_id, of_kind))
        else:
            self._tracker.add(("refs", kind, record_id, of_kind, field_names(names)))
        return self._registry.referrers(kind, record_id, of_kind, names)

    def bucket(self, kind: str, bucket: int, buckets: int) -> list[Record]:
        """A bucket's records, each a dependency of its own (and which records the bucket holds): an edit elsewhere
        in the kind leaves the task alone."""
        records = self._registry.bucket(kind, bucket, buckets)
        for record in records:
            self._tracker.add(("rec", kind, record.id))
        self._tracker.add(("bucket", kind, bucket, buckets))
        return records

    def memo(self, key: Any, make: Callable[[], Any]) -> Any:
        return self._tracker.memo(self._memo, key, make)

    def inputs_of(self, records: Iterable[Record]) -> bytes:
        """Bytes that change whenever what a card can show of one of the records changes (Fingerprints.listed):
        what a deferred page (registry/pages/deferred.py) listing them is made of. Each is a dependency of the task."""
        parts = []
        for record in records:
            fingerprint, deps = self._fingerprints.listed(record)
            for dep in deps:
                self._tracker.add(dep)
            parts.append(f"{record.kind}:{record.id}:{fingerprint};")
        return "".join(parts).encode()

    def __len__(self) -> int:
        return len(self._registry)


class TrackedFigures:
    """The figures, noting each one read in a Tracker."""

    def __init__(self, figures: Figures, tracker: Tracker):
        self._figures, self._tracker, self.as_of = figures, tracker, figures.as_of

    def __getattr__(self, name: str) -> Any:
        self._tracker.add(("figures", name))
        return getattr(self._figures, name)


MANY = 500
"""More records of one kind than this read one by one in a task: depend on the whole kind instead (coarser, as
sound, and a few bytes instead of a fingerprint per record; a task that reads that many reads most of the kind)."""


def condense(deps: set[Dep]) -> set[Dep]:
    """The same dependencies, smaller: records read one by one give way to their whole kind when there are many,
    and whatever a whole kind already covers (its records, buckets and referrers among them) is dropped."""
    per_kind: dict[tuple[str, str], int] = {}
    for dep in deps:
        if dep[0] in ("rec", "name"):
            per_kind[dep[:2]] = per_kind.get(dep[:2], 0) + 1
    kinds = {dep[1] for dep in deps if dep[0] == "kind"} | {
        kind for (what, kind), count in per_kind.items() if what == "rec" and count > MANY
    }
    names = {kind for (what, kind), count in per_kind.items() if what == "name" and count > MANY} - kinds
    return (
        {
            dep
            for dep in deps
            if not (
                (dep[0] in ("rec", "bucket", "name", "names", "fields") and dep[1] in kinds)
                or (dep[0] == "name" and dep[1] in names)
                or (dep[0] == "refs" and dep[3] is not None and dep[3] in kinds)
            )
        }
        | {("kind", kind) for kind in kinds}
        | {("names", kind) for kind in names}
    )


def _hash(*parts: bytes) -> int:
    """A 64-bit fingerprint (an int is a third of the memory of a hex digest; a million are kept)."""
    return int(digest(*parts)[:16], 16)


class Fingerprints:
    """The current fingerprint of each kind of dependency, computed when first asked for (per process)."""

    def __init__(self, registry: PublicRegistry, figures: Figures):
        self.registry, self.figures = registry, figures
        self._figures: dict[str, int] = {}
        self._records: dict[tuple[str, str], int] = {}
        self._kinds: dict[str, int] = {}
        self._buckets: dict[tuple[str, int], dict[int, int]] = {}
        self._refs: dict[Dep, int] = {}
        self._verdicts: dict[int, bool] = {}
        self._listed: dict[tuple[str, str], tuple[int, tuple[Dep, ...]]] = {}
        self._names: dict[str, int] = {}
        self._fields: dict[Dep, int] = {}
        self._english: dict[tuple[str, str], bool | None] = {}

    def record(self, record: Record) -> int:
        key = (record.kind, record.id)
        found = self._records.get(key)
        if found is None:
            found = self._records[key] = _hash(pickle.dumps(record.data, protocol=pickle.HIGHEST_PROTOCOL))
        return found

    def listed(self, record: Record) -> tuple[int, tuple[Dep, ...]]:
        """A fingerprint of what a card can show of a record: the record — or, for a card's view of it
        (registry/pages/cards.py card_fields), the fields the view holds, its kind's those fields the dependency —
        and the name of each record it refers to by a single reference field (an achievement's institute, an
        event's district); with those reads as dependencies."""
        names = field_names(record.data.names) if isinstance(record.data, Fields) else None
        key = (record.kind, record.id, names)
        found = self._listed.get(key)
        if found is None:
            if names is None:
                deps: list[Dep] = [("rec", record.kind, record.id)]
                own = b""
            else:  # a card's view (registry/pages/cards.py): what it holds, and those fields of the kind as the dependency
                deps = [("fields", record.kind, names)]
                own = self._values(record, names)
            for pattern, target in self.registry.schemas.ref_fields(record.kind):
                value = record.get(pattern[0]) if len(pattern) == 1 and (names is None or pattern[0] in names) else None
                if isinstance(value, str):
                    deps.append(("name", target, value))
            named = deps if names is None else deps[1:]  # a view's own values stand for its kind's fields
            found = self._listed[key] = (_hash(repr([self.of(dep) for dep in named]).encode(), own), tuple(deps))
        return found

    def of(self, dep: Dep) -> int:
        name = dep[0]
        if name == "rec":
            record = self.registry.get(dep[1], dep[2])
            return -1 if record is None else self.record(record)
        if name == "name":
            record = self.registry.get(dep[1], dep[2])
            return -1 if record is None else self._name(record)
        if name == "names":
            if dep[1] not in self._names:
                self._names[dep[1]] = _hash(*(f"{r.id}:{self._name(r)}".encode() for r in self.registry.all(dep[1])))
            return self._names[dep[1]]
        if name == "fields":
            found = self._fields.get(dep)
            if found is None:
                names = dep[2]
                found = self._fields[dep] = _hash(*(self._values(r, names) for r in self.registry.all(dep[1])))
            return found
        if name == "kind":
            if dep[1] not in self._kinds:
                self._kinds[dep[1]] = _hash(*(f"{r.id}:{self.record(r)}".encode() for r in self.registry.all(dep[1])))
            return self._kinds[dep[1]]
        if name == "refs":
            found = self._refs.get(dep)
            if found is None:
                referrers = self.registry.referrers(*dep[1:4])
                if len(dep) == 4:
                    found = _hash(*(f"{r.kind}:{r.id}:{self.record(r)}".encode() for r in referrers))
                else:
                    found = _hash(*(self._values(r, dep[4]) for r in referrers))
                self._refs[dep] = found
            return found
        if name == "bucket":
            kind, bucket, buckets = dep[1:]
            if (kind, buckets) not in self._buckets:
                members: dict[int, list[bytes]] = {}
                for r in self.registry.all(kind):
                    members.setdefault(bucket_of(r.id, buckets), []).append(r.id.encode())
                self._buckets[(kind, buckets)] = {n: _hash(*ids) for n, ids in members.items()}
            return self._buckets[(kind, buckets)].get(bucket, -1)
        if name == "figures":
            if dep[1] not in self._figures:
                value = getattr(self.figures, dep[1])
                if dep[1] in Figures.CARRY_RECORDS:  # the others are plain data: pickled as they are
                    value = self._plain(value)
                self._figures[dep[1]] = _hash(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
            return self._figures[dep[1]]
        raise ValueError(f"unknown dependency {dep!r}")

    def _values(self, record: Record, names: tuple[str, ...]) -> bytes:
        """The id and the named fields of a record (whole or a view), as bytes; ENGLISH worked out once a record.
        A repr, not a pickle: a pickle's bytes depend on which equal values are one object (a record loaded again
        is parsed apart from those the check cache kept), a repr on the values only."""
        values = []
        for name in names:
            if name == ENGLISH:
                key = (record.kind, record.id)
                if key not in self._english:
                    self._english[key] = value_of(record.data, ENGLISH)
                values.append(self._english[key])
            else:
                values.append(record.data.get(name))
        return f"{record.id}:{values!r};".encode()

    def _name(self, record: Record) -> int:
        """A fingerprint of a record's name (and whether it is a sample): what a link to it shows."""
        return _hash(pickle.dumps((record.get(TITLE_FIELD.get(record.kind, "name")), record.sample)))

    def _plain(self, value: Any) -> Any:
        """A figure with each record it carries replaced by the record's fingerprint."""
        if isinstance(value, Record):
            return ("rec", value.kind, value.id, self.record(value))
        if isinstance(value, dict):
            return [(key, self._plain(item)) for key, item in value.items()]
        if isinstance(value, (list, tuple)):
            return [self._plain(item) for item in value]
        return value

    def snapshot(self, deps: set[Dep]) -> dict[Dep, int]:
        """The fingerprints of a task's dependencies now, to store with its pages (at 100,000 records the tasks
        read about a million records in all: the set is first made smaller without losing anything)."""
        return {dep: self.of(dep) for dep in sorted(condense(deps), key=repr)}

    def prepare(self, stored: Iterable[dict[Dep, int]]) -> None:
        """Every record's fingerprint, and whether each stored set is unchanged, made before workers are forked to
        share them (each worker would make most records' again, and compare the editions of a task in two places)."""
        for kind in KINDS:
            for record in self.registry.all(kind):
                self.record(record)
        for fingerprints in stored:
            self.unchanged(fingerprints)

    def unchanged(self, stored: dict[Dep, int]) -> bool:
        """Whether every dependency a task read last time has the same fingerprint now (compared once per stored
        set: the editions of a task share theirs, and the stored sets live as long as the build)."""
        verdict = self._verdicts.get(id(stored))
        if verdict is None:
            verdict = self._verdicts[id(stored)] = all(self.of(dep) == fp for dep, fp in stored.items())
        return verdict
