"""Finding record files: only records/<kinds>/<id>.yaml is a record; anything else is reported, never followed."""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from registry import KINDS, folder_of
from registry.problems import Problem

ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
ID_MAX = 64
FOLDERS = {folder_of(kind): kind for kind in KINDS}
RESERVED = re.compile(r"^index(-p[0-9]+)?$")
"""Ids that would land on a directory's own pages (index.html, index-p2.html, …)."""
RESERVED_BY_KIND = {"district": {"totals", "city"}}
"""progress/<plan>/totals/ and progress/<plan>/city/ hold the drill-down pages of the municipal totals and of the
city-wide goals."""


def is_reserved(kind: str, record_id: str) -> bool:
    """Whether an id would collide with a page the site generates."""
    return bool(RESERVED.match(record_id)) or record_id in RESERVED_BY_KIND.get(kind, set())


@dataclass(frozen=True)
class Found:
    """A record file found on disk."""

    kind: str
    id: str
    path: Path
    src_path: str


def _problem(src_path, code, zh, en, hint_zh, hint_en) -> Problem:
    return Problem(src_path, 1, 1, "", code, zh, en, hint_zh, hint_en)


def _suggest_id(stem: str) -> str | None:
    """Return the id a file name was probably meant to be, or None when it has no usable letters (e.g. Chinese)."""
    if not stem.isascii():
        return None
    suggestion = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:ID_MAX].strip("-")
    return suggestion if ID_PATTERN.match(suggestion or "-") else None


def discover(root: Path) -> tuple[list[Found], list[Problem]]:
    """Return the record files under root/records (sorted by path) and a problem for everything else there."""
    records_dir = root / "records"
    found: list[Found] = []
    problems: list[Problem] = []
    if not records_dir.is_dir() or records_dir.is_symlink():
        return [], [
            _problem(
                "records",
                "no-records",
                "找不到 records/ 文件夹",
                "there is no records/ folder",
                "在项目根目录运行，或用 --root 指定",
                "run from the project's root or pass --root",
            )
        ]
    for entry in sorted(os.scandir(records_dir), key=lambda e: e.name):
        rel = f"records/{entry.name}"
        if entry.is_symlink():
            problems.append(
                _problem(
                    rel,
                    "symlink",
                    "符号链接不会被读取",
                    "a symbolic link is not read",
                    "把真实文件放到这里，删除链接",
                    "put the real file here and delete the link",
                )
            )
        elif not entry.is_dir():
            problems.append(
                _problem(
                    rel,
                    "not-in-kind-folder",
                    "记录文件应放在类别文件夹里",
                    "a record belongs in a kind folder",
                    f"移到 records/<类别>/，类别为：{', '.join(FOLDERS)}",
                    f"move it to records/<kind>/, one of: {', '.join(FOLDERS)}",
                )
            )
        elif entry.name not in FOLDERS:
            close = difflib.get_close_matches(entry.name, list(FOLDERS), n=1, cutoff=0.6)
            hint = (
                (f"是否应为 {close[0]}？", f"did you mean {close[0]}?")
                if close
                else (f"类别文件夹为：{', '.join(FOLDERS)}", f"kind folders are: {', '.join(FOLDERS)}")
            )
            problems.append(
                _problem(
                    rel,
                    "unknown-kind",
                    f"未知的记录类别文件夹 {entry.name}",
                    f"unknown kind folder {entry.name}",
                    *hint,
                )
            )
        else:
            _scan_kind(Path(entry.path), FOLDERS[entry.name], found, problems)
    return found, problems


def _scan_kind(folder: Path, kind: str, found: list[Found], problems: list[Problem]) -> None:
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        rel = f"records/{folder.name}/{entry.name}"
        stem, dot, ext = entry.name.rpartition(".")
        if entry.is_symlink():
            problems.append(
                _problem(
                    rel,
                    "symlink",
                    "符号链接不会被读取",
                    "a symbolic link is not read",
                    "把真实文件放到这里，删除链接",
                    "put the real file here and delete the link",
                )
            )
        elif entry.is_dir():
            problems.append(
                _problem(
                    rel,
                    "subfolder",
                    "类别文件夹里不能再有子文件夹",
                    "a kind folder holds no sub-folders",
                    f"把记录直接放在 records/{folder.name}/ 下",
                    f"put records directly in records/{folder.name}/",
                )
            )
        elif not entry.is_file():
            problems.append(_problem(rel, "not-a-file", "不是普通文件", "not a regular file", "删除它", "delete it"))
        elif not dot or ext != "yaml":
            hint = (
                ("把扩展名改为 .yaml", "rename it to end in .yaml")
                if ext in ("yml", "YAML", "YML")
                else (
                    "记录文件必须是 <编号>.yaml；其他文件请放在 records/ 之外",
                    "records are <id>.yaml; keep other files outside records/",
                )
            )
            problems.append(
                _problem(
                    rel,
                    "not-a-record",
                    "不是记录文件（扩展名应为 .yaml）",
                    "not a record file (the extension must be .yaml)",
                    *hint,
                )
            )
        elif not ID_PATTERN.match(stem) or len(stem) > ID_MAX:
            suggestion = _suggest_id(stem)
            if suggestion:
                hint = (
                    f"改名为 {suggestion}.yaml（只用小写英文字母、数字和连字符，最多 {ID_MAX} 个字符），并把 id 改成一样",
                    f"rename it {suggestion}.yaml (lower-case letters, digits and hyphens, at most {ID_MAX} characters) "
                    "and make the id the same",
                )
            else:
                hint = (
                    f"文件名即编号，只用小写英文字母、数字和连字符（最多 {ID_MAX} 个字符），可用英文名或拼音，例如 graphene-film.yaml",
                    f"the file name is the id: lower-case letters, digits and hyphens (at most {ID_MAX} characters), "
                    "from the English name or pinyin, e.g. graphene-film.yaml",
                )
            problems.append(
                _problem(rel, "bad-file-name", "文件名不是有效编号", "the file name is not a valid id", *hint)
            )
        elif is_reserved(kind, stem):
            problems.append(
                _problem(
                    rel,
                    "reserved-id",
                    f"编号 {stem} 是网站页面保留的名称",
                    f"the id {stem} is a name the site keeps for its own pages",
                    f"换一个编号，例如 {kind}-{stem}.yaml",
                    f"choose another id, e.g. {kind}-{stem}.yaml",
                )
            )
        else:
            found.append(Found(kind, stem, Path(entry.path), rel))
