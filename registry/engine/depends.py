"""What each planned task read, so that a task whose inputs did not change is not even planned again.

While a task of the page plan runs, every read of the public registry goes through a `TrackedRegistry`, which
notes a dependency: a whole kind (`all`), one record (`get`), who refers to a record (`referrers`), or the
computed progress. Values the plan memoises across tasks (cards, sorted lists, facet counts) carry the
dependencies they were made from, and hand them to every task that uses them (`Tracker.memo`).

A dependency's fingerprint is a hash of what it reads: the public data of the records involved. The next build
compares the stored fingerprints of each task with the current ones; when all are equal, the task's pages are the
same bytes as last time (everything else a page depends on — code, templates, schemas, settings, the as-of date —
is in the build's salt), so its files are linked from the last build instead of planned and rendered.
"""

from __future__ import annotations

import pickle
import zlib
from collections.abc import Callable
from typing import Any

from registry.engine.cache import digest
from registry.records.record import Record, Registry

Dep = tuple
"""("kind", kind) | ("rec", kind, id) | ("refs", kind, id, of_kind) | ("bucket", kind, bucket, buckets) | ("progress",)"""

RECORDS_PER_TASK = 200
"""Record pages per task of the page plan, on average: messages stay few, and two workers stay balanced."""


def record_buckets(count: int) -> int:
    """How many tasks a kind's record pages are cut into: a power of two, about RECORDS_PER_TASK records each."""
    buckets = 1
    while count / buckets > RECORDS_PER_TASK:
        buckets *= 2
    return buckets


def bucket_of(record_id: str, buckets: int) -> int:
    """The task a record's page belongs to: by a hash of its id, so adding a record changes one task, not every
    task after it in id order."""
    return zlib.crc32(record_id.encode()) % buckets


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
    """The read side of a Registry, noting every read in a Tracker."""

    def __init__(self, registry: Registry, tracker: Tracker):
        self.inner, self.tracker, self.schemas = registry, tracker, registry.schemas

    def all(self, kind: str) -> list[Record]:
        self.tracker.add(("kind", kind))
        return self.inner.all(kind)

    def get(self, kind: str, record_id: str) -> Record | None:
        self.tracker.add(("rec", kind, record_id))
        return self.inner.get(kind, record_id)

    def referrers(self, kind: str, record_id: str, of_kind: str | None = None) -> list[Record]:
        self.tracker.add(("refs", kind, record_id, of_kind))
        return self.inner.referrers(kind, record_id, of_kind)

    def __len__(self) -> int:
        return len(self.inner)


MANY = 500
"""More records of one kind than this read one by one in a task: depend on the whole kind instead (coarser, as
sound, and a few bytes instead of a fingerprint per record; a task that reads that many reads most of the kind)."""


def condense(deps: set[Dep]) -> set[Dep]:
    """The same dependencies, smaller: records read one by one give way to their whole kind when there are many,
    and whatever a whole kind already covers (its records, buckets and referrers among them) is dropped."""
    per_kind: dict[str, int] = {}
    for dep in deps:
        if dep[0] == "rec":
            per_kind[dep[1]] = per_kind.get(dep[1], 0) + 1
    kinds = {dep[1] for dep in deps if dep[0] == "kind"} | {kind for kind, count in per_kind.items() if count > MANY}
    return {dep for dep in deps if not ((dep[0] in ("rec", "bucket") and dep[1] in kinds)
                                        or (dep[0] == "refs" and dep[3] is not None and dep[3] in kinds))} | \
        {("kind", kind) for kind in kinds}


def _hash(*parts: bytes) -> int:
    """A 64-bit fingerprint (an int is a third of the memory of a hex digest; a million are kept)."""
    return int(digest(*parts)[:16], 16)


class Fingerprints:
    """The current fingerprint of each kind of dependency, computed when first asked for (per process)."""

    def __init__(self, registry: Registry, progress: Any):
        self.registry = registry
        self.progress = _hash(pickle.dumps(progress, protocol=pickle.HIGHEST_PROTOCOL))
        self._records: dict[tuple[str, str], int] = {}
        self._kinds: dict[str, int] = {}
        self._buckets: dict[tuple[str, int], dict[int, int]] = {}

    def record(self, record: Record) -> int:
        key = (record.kind, record.id)
        found = self._records.get(key)
        if found is None:
            found = self._records[key] = _hash(pickle.dumps(record.data, protocol=pickle.HIGHEST_PROTOCOL))
        return found

    def of(self, dep: Dep) -> int:
        name = dep[0]
        if name == "rec":
            record = self.registry.get(dep[1], dep[2])
            return -1 if record is None else self.record(record)
        if name == "kind":
            if dep[1] not in self._kinds:
                self._kinds[dep[1]] = _hash(*(f"{r.id}:{self.record(r)}".encode() for r in self.registry.all(dep[1])))
            return self._kinds[dep[1]]
        if name == "refs":
            return _hash(*(f"{r.kind}:{r.id}:{self.record(r)}".encode() for r in self.registry.referrers(*dep[1:])))
        if name == "bucket":
            kind, bucket, buckets = dep[1:]
            if (kind, buckets) not in self._buckets:
                members: dict[int, list[bytes]] = {}
                for r in self.registry.all(kind):
                    members.setdefault(bucket_of(r.id, buckets), []).append(r.id.encode())
                self._buckets[(kind, buckets)] = {n: _hash(*ids) for n, ids in members.items()}
            return self._buckets[(kind, buckets)].get(bucket, -1)
        if name == "progress":
            return self.progress
        raise ValueError(f"unknown dependency {dep!r}")

    def snapshot(self, deps: set[Dep]) -> dict[Dep, int]:
        """The fingerprints of a task's dependencies now, to store with its pages (at 100,000 records the tasks
        read about a million records in all: the set is first made smaller without losing anything)."""
        return {dep: self.of(dep) for dep in sorted(condense(deps), key=repr)}

    def unchanged(self, stored: dict[Dep, int]) -> bool:
        """Whether every dependency a task read last time has the same fingerprint now."""
        return all(self.of(dep) == fingerprint for dep, fingerprint in stored.items())
