"""Whether a GitHub Actions run can tell that the records repository is public while private fields are filled in:
then `check --format github` warns once (the private values are in every clone and the whole history)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path

from registry import KINDS
from registry.model.public import private_values
from registry.problems import Problem
from registry.records.record import Registry

PIECES = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


def repository_is_public(environ: Mapping[str, str]) -> bool | None:
    """True or False from the event payload GitHub Actions writes at $GITHUB_EVENT_PATH (its `repository` object:
    `visibility` "public", "private" or "internal", else the older `private`), None when it cannot tell (not in
    Actions, no payload, a payload without the repository)."""
    path = environ.get("GITHUB_EVENT_PATH")
    if not path:
        return None
    try:
        event = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    repository = event.get("repository") if isinstance(event, dict) else None
    if not isinstance(repository, dict):
        return None
    if isinstance(repository.get("visibility"), str):
        return repository["visibility"] == "public"
    if isinstance(repository.get("private"), bool):
        return not repository["private"]
    return None


def public_repository_warning(registry: Registry, environ: Mapping[str, str]) -> Problem | None:
    """One warning when the repository is known to be public and any private field is filled, placed at the first
    such field (file, line, field; never the value); None otherwise."""
    if repository_is_public(environ) is not True:
        return None
    places = sorted(set(private_values(registry).values()))
    if not places:
        return None
    src_path, _, field = places[0].partition(": ")
    path = tuple(int(index) if index else key for index, key in PIECES.findall(field))
    record = next((r for kind in KINDS for r in registry.all(kind) if r.src_path == src_path), None)
    line, column = record.doc.where(path) if record else (1, 1)
    return Problem(
        src_path,
        line,
        column,
        field,
        "private-fields-in-public-repository",
        "本仓库是公开仓库，而记录填写了私密字段（这是第一处）：任何人都能在仓库及其历史中读到",
        "this repository is public, yet records fill in private fields (this is the first): anyone can read them in "
        "the repository and its history",
        "把仓库设为私有（Settings → General → Danger Zone），或删除私密字段并清除历史；见 CONTRIBUTING.md",
        "make the repository private (Settings → General → Danger Zone), or remove the private fields and purge "
        "them from history; see CONTRIBUTING.md",
        level="warning",
    )
