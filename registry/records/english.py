"""`check`'s warning about a published record without an English name: the English edition (en/) shows its Chinese
name instead, marked "(Chinese only)" where the record gives no English at all. A warning, not an error: the Chinese
site is complete without it."""

from __future__ import annotations

from registry import KINDS
from registry.problems import Problem
from registry.records.record import Registry

NAME_FIELD = {"event": "title"}
"""The field that names a record; `name` unless listed here (as registry/model/kinds.py TITLE_FIELD, a later stage)."""


def english_warnings(registry: Registry, settings: dict, failing: set[str]) -> list[Problem]:
    """One warning per published record (samples only while they are built) whose name gives no English form; none
    for a file that has errors (those come first: the warning follows once they are fixed)."""
    with_samples = settings.get("include_samples") is not False
    warnings = []
    for kind in KINDS:
        field = NAME_FIELD.get(kind, "name")
        for record in registry.all(kind):
            name = record.get(field)
            if (record.sample and not with_samples) or record.src_path in failing:
                continue
            if not isinstance(name, dict) or name.get("en"):
                continue
            line, column = record.doc.where((field,))
            warnings.append(
                Problem(
                    record.src_path,
                    line,
                    column,
                    field,
                    "no-english-name",
                    "没有英文名称：英文版（en/）将显示中文名称",
                    "no English name: the English edition (en/) shows the Chinese one",
                    f"在 {field} 的 zh 下面加一行 en: 写上英文名称",
                    f"add a line en: with the English name under {field}'s zh",
                    level="warning",
                )
            )
    return warnings
