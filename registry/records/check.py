"""`check`: load every record, validate it, cross-check them all, and return every problem at once.

How the record files are loaded is the caller's: one after another here, or (the engine) from the record cache and
on every core. Either way each file goes through `check_file`, and its problems depend only on its bytes, its
schema and this code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from registry.problems import Problem, bounded
from registry.records.contacts import contact_warnings
from registry.records.crosscheck import crosscheck
from registry.records.discover import Found, discover
from registry.records.document import Document
from registry.records.duplicates import NAME_PATHS
from registry.records.encoding import decode
from registry.records.english import english_warnings
from registry.records.names import fold_names
from registry.records.record import Record, Registry
from registry.records.schemas import SchemaSet
from registry.records.settings import load_settings
from registry.records.validate import validate
from registry.records.yamlload import load, parse
from registry.timings import Timings

FileResult = tuple[Document | None, list[Problem]]
"""What loading and validating one record file gives: its document (None when it cannot be read) and problems."""

LoadFiles = Callable[[SchemaSet, list[Found], Timings], list[FileResult]]
"""Loads and validates every file found, results in the same order."""


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


def check(
    root: Path, schemas: SchemaSet | None = None, timings: Timings | None = None, load_files: LoadFiles | None = None
) -> CheckResult:
    """Gather and check everything under root; nothing is written."""
    timings = timings or Timings()
    with timings.phase("load"):
        schemas = schemas or SchemaSet(root / "schemas")
        settings, problems = load_settings(root, schemas)
        found, found_problems = discover(root)
    problems += found_problems
    records: list[Record] = []
    for item, (doc, file_problems) in zip(found, (load_files or one_by_one)(schemas, found, timings), strict=True):
        problems += file_problems
        if doc is not None and isinstance(doc.data, dict):
            records.append(Record(item.kind, item.id, doc))
    with timings.phase("cross-check"):
        registry = Registry(records, schemas)
        problems += crosscheck(registry, schemas, records)
        problems += contact_warnings(registry, settings)
        problems += english_warnings(registry, settings, {p.src_path for p in problems if p.level == "error"})
    return CheckResult(bounded(problems), registry, settings, schemas)


def one_by_one(schemas: SchemaSet, found: list[Found], timings: Timings) -> list[FileResult]:
    """Every file loaded and validated in this process, one after another."""
    with timings.phase("parse+validate"):
        return [check_file(schemas, item) for item in found]


def check_file(schemas: SchemaSet, item: Found, data: bytes | None = None) -> FileResult:
    """Load one record file (from its bytes when they are already read) and validate it."""
    doc, file_problems = load(item.path, item.src_path) if data is None else _parse(item.src_path, data)
    if doc is not None and isinstance(doc.data, dict):
        file_problems = file_problems + validate(schemas, item.kind, doc)
        doc.suspect.clear()  # looked at: neither a cache nor a worker's results need to carry it
        doc.folded = fold_names(doc.data, NAME_PATHS[item.kind])  # kept in a cache: a warm check needs no tables
    return doc, file_problems


def _parse(src_path: str, data: bytes) -> FileResult:
    """What `load` does once the bytes are read."""
    text, problems = decode(src_path, data)
    if text is None:
        return None, problems
    return parse(src_path, text)
