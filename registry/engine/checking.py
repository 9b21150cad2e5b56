"""`check` as the engine runs it: the record cache, workers on every core, the cycle collector paused.

A record's problems depend only on its bytes, its schema and the code that checks it, so they are kept in
.cache/records.pickle under a hash of all three and reused while all three are the same. Files the cache does not
hold are parsed and validated here, or by forked workers when there are many.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from pathlib import Path

from registry.engine import cache, fork
from registry.records import check as records
from registry.records.discover import Found
from registry.records.schemas import SchemaSet
from registry.records.yamlload import MAX_BYTES
from registry.timings import Timings

MIN_FILES_FOR_WORKERS = 2000
"""Below this, forking workers costs more than parsing in one process."""

SPAN = 500
"""Files per task of the workers."""

CHECK_CODE = (
    "records.check",
    "records.yamlload",
    "records.yaml_events",
    "records.document",
    "records.slips",
    "records.validate",
    "records.value_messages",
    "records.schemas",
    "problems",
    "records.record",
    "records.text",
    "records.encoding",
    "records.names",
    "records.duplicates",
)
"""The modules a record's verdict depends on: a change in any of them empties the record cache."""


def check(root: Path, schemas: SchemaSet | None = None, timings: Timings | None = None) -> records.CheckResult:
    """Gather and check everything under root; nothing is written except the record cache in .cache/."""
    with no_cyclic_gc():
        return records.check(root, schemas, timings, _Loader(root))


@contextmanager
def no_cyclic_gc():
    """Pause the cycle collector while records are loaded (in this process and the forked workers).

    Loading makes millions of small dicts, tuples and strings that live on and hold no cycles, yet every
    700 new ones start a collection that walks them again: 30% of a warm check of 10,000 records, and of
    the workers' parsing. What cycles do appear (jsonschema's errors) are collected when it resumes.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Loader:
    """Loads and validates the files `check` found: from the cache when it holds them, else on every core."""

    def __init__(self, root: Path):
        self.root = root

    def __call__(self, schemas: SchemaSet, found: list[Found], timings: Timings) -> list[records.FileResult]:
        folder = cache.enabled(self.root)
        with timings.phase("load"):
            salt = (
                cache.digest(
                    cache.code_version(*CHECK_CODE).encode(), cache.folder_digest(self.root / "schemas").encode()
                )
                if folder
                else ""
            )
            store = cache.RecordCache(folder, salt)
            results: dict[str, records.FileResult] = {}
            misses: list[tuple[Found, str, bytes | None]] = []
            for item in found:
                # Without a cache nothing needs the bytes here: then each file is read where it is parsed.
                data = _read(item.path) if folder is not None else None
                key = cache.digest(item.kind.encode(), data) if data is not None else ""
                hit = store.get(item.src_path, key) if data is not None else None
                if hit is not None:
                    results[item.src_path] = hit
                else:
                    misses.append((item, key, data))
        with timings.phase("parse+validate"):
            for (item, key, data), result in zip(misses, _check_files(schemas, misses), strict=True):
                results[item.src_path] = result
                if data is not None:
                    store.put(item.src_path, key, *result)
            misses.clear()  # the files' bytes: 300 MB at 100,000 records
        with timings.phase("load"):
            store.save()
        return [results[item.src_path] for item in found]


def _check_files(schemas: SchemaSet, misses: list[tuple[Found, str, bytes | None]]) -> list[records.FileResult]:
    """(document, problems) of each file, in order: by forked workers when there are many."""
    if len(misses) < MIN_FILES_FOR_WORKERS or not fork.may_fork():
        return [records.check_file(schemas, item, data) for item, _key, data in misses]
    spans = [(start, min(start + SPAN, len(misses))) for start in range(0, len(misses), SPAN)]
    parts = fork.each(
        spans,
        lambda span: [records.check_file(schemas, item, data) for item, _key, data in misses[span[0] : span[1]]],
        fork.cores(),
    )
    return [result for part in parts for result in part]


def _read(path: Path) -> bytes | None:
    """A record file's bytes, or None when `load` must see it (too large, empty) to report it."""
    try:
        size = path.stat().st_size
    except OSError:
        return None
    return path.read_bytes() if 0 < size <= MAX_BYTES else None
