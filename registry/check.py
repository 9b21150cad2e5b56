"""`check`: load every record, validate it, cross-check them all, and return every problem at once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .crosscheck import crosscheck
from .discover import discover
from .model import Record, Registry
from .problems import Problem, bounded
from .schemas import SchemaSet
from .validate import validate
from .yamlload import load

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
        return not self.problems

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
    return doc.data, problems + validate(schemas, "site", doc)


def check(root: Path, schemas: SchemaSet | None = None) -> CheckResult:
    """Gather and check everything under root; nothing is written."""
    schemas = schemas or SchemaSet(root / "schemas")
    settings, problems = load_settings(root, schemas)
    found, found_problems = discover(root)
    problems += found_problems
    records: list[Record] = []
    for item in found:
        doc, load_problems = load(item.path, item.src_path)
        problems += load_problems
        if doc is None or not isinstance(doc.data, dict):
            continue
        problems += validate(schemas, item.kind, doc)
        records.append(Record(item.kind, item.id, doc))
    registry = Registry(records, schemas)
    problems += crosscheck(registry, schemas, records)
    return CheckResult(bounded(problems), registry, settings, schemas)
