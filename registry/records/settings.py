"""site.yaml: the site's settings, loaded and checked like a record (its own schema, the text rule, its dates)."""

from __future__ import annotations

from pathlib import Path

from registry.problems import Problem
from registry.records.dates import date_problems, today
from registry.records.schemas import SchemaSet
from registry.records.validate import validate
from registry.records.yamlload import load

SETTINGS_FILE = "site.yaml"


def load_settings(root: Path, schemas: SchemaSet) -> tuple[dict, list[Problem]]:
    """Load and validate site.yaml."""
    path = root / SETTINGS_FILE
    if not path.is_file():
        return {}, [
            Problem(
                SETTINGS_FILE,
                1,
                1,
                "",
                "no-settings",
                "找不到站点设置 site.yaml",
                "site.yaml is missing",
                "在项目根目录添加 site.yaml（见 README）",
                "add site.yaml at the project's root (see README)",
            )
        ]
    doc, problems = load(path, SETTINGS_FILE)
    if doc is None:
        return {}, problems
    return doc.data, problems + validate(schemas, "site", doc) + date_problems(schemas, "site", doc, today())
