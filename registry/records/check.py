"""`check`: load every record, validate it, cross-check them all, and return every problem at once."""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from registry.engine import cache
from registry.engine.cache import Timings
from registry.problems import Problem, bounded
from registry.records.contacts import contact_warnings
from registry.records.crosscheck import NAME_PATHS, crosscheck
from registry.records.dates import date_problems, today
from registry.records.discover import Found, discover
from registry.records.names import fold_names
from registry.records.record import Record, Registry
from registry.records.schemas import SchemaSet
from registry.records.validate import validate
from registry.records.yamlload import MAX_BYTES, Document, decode, load, parse

SETTINGS_FILE = "site.yaml"


@dataclass
class CheckResult:
    """What `check` found: the problems (bounded per file), and the registry and settings it loaded."""

    problems: list[Problem]
    registry: Registry
    settings: dict
    schemas: SchemaSet

    @property
    def ok(self) -> bool:
        """No errors (warnings, such as a likely duplicate, do not stop a build)."""
        return not any(p.level == "error" for p in self.problems)

    def published(self) -> Registry:
        """The registry as the site publishes it: samples left out if site.yaml says so, private fields dropped."""
        registry = self.registry if self.settings.get("include_samples") else self.registry.without_samples()
        return registry.public()


def load_settings(root: Path, schemas: SchemaSet) -> tuple[dict, list[Problem]]:
    """Load and validate site.yaml."""
    path = root / SETTINGS_FILE
    if not path.is_file():
        return {}, [Problem(SETTINGS_FILE, 1, 1, "", "no-settings", "找不到站点设置 site.yaml", "site.yaml is missing",
                            "在项目根目录添加 site.yaml（见 README）", "add site.yaml at the project's root (see README)")]
    doc, problems = load(path, SETTINGS_FILE)
    if doc is None:
        return {}, problems
    return doc.data, problems + validate(schemas, "site", doc) + date_problems(schemas, "site", doc, today())


def check(root: Path, schemas: SchemaSet | None = None, timings: Timings | None = None) -> CheckResult:
    """Gather and check everything under root; nothing is written (except the record cache in .cache/)."""
    with _no_cyclic_gc():
        return _check(root, schemas, timings or Timings())


@contextmanager
def _no_cyclic_gc():
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


def _check(root: Path, schemas: SchemaSet | None, timings: Timings) -> CheckResult:
    with timings.phase("load"):
        schemas = schemas or SchemaSet(root / "schemas")
        settings, problems = load_settings(root, schemas)
        found, found_problems = discover(root)
    problems += found_problems
    records: list[Record] = []
    folder = cache.enabled(root)
    # A record's problems depend only on its bytes, its schema and this code: reuse them when all three are the same.
    salt = cache.digest(cache.code_version("records.check", "records.yamlload", "records.slips", "records.validate",
                                           "records.schemas", "problems", "records.record", "records.text",
                                           "records.encoding", "records.names").encode(),
                        cache.folder_digest(root / "schemas").encode()) if folder else ""
    store = cache.RecordCache(folder, salt)
    results: dict[str, tuple] = {}
    misses: list[tuple[Found, str, bytes | None]] = []
    with timings.phase("load"):
        for item in found:
            # Without a cache nothing needs the bytes here: then each file is read where it is parsed, on every core.
            data = _read(item.path) if folder is not None else None
            key = cache.digest(item.kind.encode(), data) if data is not None else ""
            hit = store.get(item.src_path, key) if data is not None else None
            if hit is not None:
                results[item.src_path] = hit
            else:
                misses.append((item, key, data))
    with timings.phase("parse+validate"):  # parse and validate what the cache did not hold, on every core when many
        for (item, key, data), (doc, file_problems) in zip(misses, _check_files(schemas, misses), strict=True):
            results[item.src_path] = (doc, file_problems)
            if data is not None:
                store.put(item.src_path, key, doc, file_problems)
        misses.clear()  # the files' bytes: 300 MB at 100,000 records
    for item in found:
        doc, file_problems = results[item.src_path]
        problems += file_problems
        if doc is None or not isinstance(doc.data, dict):
            continue
        records.append(Record(item.kind, item.id, doc))
    with timings.phase("load"):
        store.save()
    with timings.phase("cross-check"):
        registry = Registry(records, schemas)
        problems += crosscheck(registry, schemas, records)
        problems += contact_warnings(registry, settings)
    return CheckResult(bounded(problems), registry, settings, schemas)


MIN_FILES_FOR_WORKERS = 2000
"""Below this, forking workers costs more than parsing in one process."""

_MISSES: list = []
_SCHEMAS: list = []


def _check_files(schemas: SchemaSet, misses: list[tuple[Found, str, bytes | None]]) -> list[tuple]:
    """(document, problems) of each file, in order: parsed and validated, by forked workers when there are many."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    forkable = "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1
    if cores < 2 or len(misses) < MIN_FILES_FOR_WORKERS or not forkable:
        return [_check_file(schemas, item, data) for item, _key, data in misses]
    _MISSES[:], _SCHEMAS[:] = misses, [schemas]  # inherited by the forked workers, which get only index ranges
    try:
        step = 500
        spans = [(start, min(start + step, len(misses))) for start in range(0, len(misses), step)]
        pool = multiprocessing.get_context("fork").Pool(cores, initializer=_default_sigterm)
        try:
            parts = pool.map(_check_span, spans, chunksize=1)
            pool.close()
        except BaseException:
            pool.terminate()
            raise
        finally:
            pool.join()
    finally:
        _MISSES.clear()
        _SCHEMAS.clear()
    return [result for part in parts for result in part]


def _default_sigterm() -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler (`serve`), so terminate() works


def _check_span(span: tuple[int, int]) -> list[tuple]:
    return [_check_file(_SCHEMAS[0], item, data) for item, _key, data in _MISSES[span[0]:span[1]]]


def _check_file(schemas: SchemaSet, item: Found, data: bytes | None) -> tuple[Document | None, list[Problem]]:
    """Load (from the bytes already read) and validate one record file."""
    doc, file_problems = load(item.path, item.src_path) if data is None else _parse(item.src_path, data)
    if doc is not None and isinstance(doc.data, dict):
        file_problems = file_problems + validate(schemas, item.kind, doc)
        doc.suspect.clear()  # looked at: neither the cache nor the workers' results need to carry it
        doc.folded = fold_names(doc.data, NAME_PATHS[item.kind])  # kept in the cache: a warm check needs no tables
    return doc, file_problems


def _read(path: Path) -> bytes | None:
    """A record file's bytes, or None when `load` must see it (too large, empty) to report it."""
    try:
        size = path.stat().st_size
    except OSError:
        return None
    return path.read_bytes() if 0 < size <= MAX_BYTES else None


def _parse(src_path: str, data: bytes) -> tuple[Document | None, list[Problem]]:
    """What `load` does once the bytes are read."""
    text, problems = decode(src_path, data)
    if text is None:
        return None, problems
    return parse(src_path, text)
