"""Likely duplicates: names (and short names) of one kind that fold to the same text (registry/records/names.py),
reported as warnings on every record involved."""

from __future__ import annotations

import dataclasses
from collections import defaultdict

from registry.problems import Problem, shown
from registry.records.names import how_alike, lookalike_key
from registry.records.record import Record, Registry, problem_at, values_at

_DUPLICATE_KEYS = {
    # kind: (name paths, extra fields that must also match for two records to be "the same")
    "district": ((("name", "zh"), ("full_name", "zh")), ()),
    "institute": ((("name", "zh"), ("name", "en"), ("aliases", "*")), ()),
    "plan": ((("name", "zh"),), ()),
    "achievement": ((("name", "zh"),), ("institute",)),
    "event": ((("title", "zh"),), ("start",)),
    "project": ((("name", "zh"),), ("district",)),
    "talent": ((("name", "zh"),), ("institute",)),
    "carrier": ((("name", "zh"),), ()),
}
NAME_PATHS = {kind: name_paths for kind, (name_paths, _extra) in _DUPLICATE_KEYS.items()}
"""The fields of each kind compared for likely duplicates; `check` folds them as it checks each file (cached)."""


def duplicates(registry: Registry) -> list[Problem]:
    """Warn of names (and short names) that fold to the same text (registry/names.py), on every record involved.

    Each record of a pair is told about the other, so the warning lands on the file a pull request adds as
    well as on the one already there. A warning, not an error: two different things may be named alike.
    """
    problems = []
    for kind, (name_paths, extra) in _DUPLICATE_KEYS.items():
        groups: dict[tuple, list[tuple[Record, tuple, str]]] = defaultdict(list)
        for record in sorted(registry.all(kind), key=lambda r: r.src_path):
            context = tuple(str(record.get(f)) for f in extra)
            own = set()
            folded = record.doc.folded
            for pattern in name_paths:
                for path, value in values_at(record.data, pattern):
                    if not isinstance(value, str):
                        continue
                    fold = folded.get(path)
                    fold = lookalike_key(value) if fold is None else fold  # not folded when the file was checked
                    key = (fold,) + context
                    if fold and key not in own:
                        own.add(key)
                        groups[key].append((record, path, value))
        for entries in groups.values():
            for record, path, value in entries if len(entries) > 1 else ():
                other, _other_path, other_value = next(e for e in entries if e[0] is not record)
                how_zh, how_en = how_alike(value, other_value)
                same = value == other_value
                zh = (
                    f"“{shown(value)}”与 {other.src_path} 的"
                    + (how_zh if same else f"“{shown(other_value)}”{how_zh}")
                    + "，可能是重复记录"
                )
                en = (
                    f"“{shown(value)}” {how_en} "
                    + ("" if same else f"“{shown(other_value)}” in ")
                    + f"{other.src_path}: likely a duplicate"
                )
                problems.append(
                    _warning(
                        problem_at(
                            record,
                            path,
                            "likely-duplicate",
                            zh,
                            en,
                            "如是同一条请合并，否则把名称写得能区分",
                            "merge them, or make the names distinct",
                        )
                    )
                )
    return problems


def _warning(problem: Problem) -> Problem:
    return dataclasses.replace(problem, level="warning")
