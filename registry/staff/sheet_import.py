"""`import KIND IN.xlsx`: rows of a filled-in sheet → YAML records, checked like any record, written all or nothing."""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter
from pypinyin import lazy_pinyin

from registry import folder_of
from registry.engine.checking import check
from registry.errors import ProblemsFound
from registry.problems import Problem, shown
from registry.records.discover import ID_MAX, ID_PATTERN
from registry.records.settings import SETTINGS_FILE
from registry.staff.record_yaml import to_yaml
from registry.staff.sheet import (
    HEADER_ROW,
    Column,
    columns,
    ref_choices,
    sheet_kind,
)
from registry.staff.sheet_cells import CellError, cell_value, read_sheet, row_problem

ID_LENGTH = 48
"""Generated ids are cut (at a hyphen) to this many characters: long enough to read, short enough for a URL."""


@dataclass
class Row:
    """One data row of the sheet and the record made of it."""

    number: int
    data: dict
    by_field: dict[str, Column] = field(default_factory=dict)
    id: str = ""
    src_path: str = ""
    replaces: bool = False


@dataclass
class Imported:
    """What `import` did, or would do (dry run): the records made of the rows."""

    rows: list[Row]
    written: bool

    def lines(self) -> list[str]:
        """A line per row: the file it becomes and whether that file is new."""
        return [
            f"第 {row.number} 行 / row {row.number} → {row.src_path}  {_record_name(row.data)}  "
            f"（{'覆盖 / replaces' if row.replaces else '新建 / new'}）"
            for row in self.rows
        ]


def _set(data: dict, path: tuple, value: Any) -> None:
    for key in path[:-1]:
        data = data.setdefault(key, {})
    data[path[-1]] = value


def _ordered(schemas, kind: str, data: Any, path: tuple = ()) -> Any:
    """Return data with keys in schema order, as in the records staff read."""
    if not isinstance(data, dict):
        return data
    order = list(schemas.properties(kind, path))
    keys = sorted(data, key=lambda k: order.index(k) if k in order else len(order))
    return {k: _ordered(schemas, kind, data[k], path + (k,)) for k in keys}


# -- ids --------------------------------------------------------------------------------------------------


def make_id(name: str) -> str:
    """An id from a Chinese name through its pinyin: `石墨烯散热膜` → `shi-mo-xi-san-re-mo`."""
    syllables = lazy_pinyin(name)
    slug = re.sub(r"[^a-z0-9]+", "-", "-".join(syllables).lower()).strip("-")
    while len(slug) > ID_LENGTH and "-" in slug:
        slug = slug.rsplit("-", 1)[0]
    return slug[:ID_MAX].strip("-")


def _record_name(data: dict) -> str:
    for key in ("name", "title"):
        if isinstance(data.get(key), dict) and data[key].get("zh"):
            return data[key]["zh"]
    return ""


# -- the import ---------------------------------------------------------------------------------------------


def _column_for(problem: Problem, by_field: dict[str, Column]) -> Column | None:
    """The column a check problem is about: its field, the field it sits in, or the first field below it."""
    if not problem.field:
        return None
    if problem.field in by_field:
        return by_field[problem.field]
    for name, column in by_field.items():
        if name.startswith(problem.field + ".") or problem.field.startswith((name + ".", name + "[")):
            return column
    return None


def _temp_project(root: Path, tmp: Path) -> Path:
    """A copy of what check reads, so the new records are checked without touching the project."""
    for name in ("records", "schemas"):
        if (root / name).is_dir():
            shutil.copytree(root / name, tmp / name, symlinks=True)
    if (root / SETTINGS_FILE).is_file():
        shutil.copy(root / SETTINGS_FILE, tmp / SETTINGS_FILE)
    return tmp


def import_sheet(
    root: Path, kind_name: str, sheet_path: Path, *, dry_run: bool = False, overwrite: bool = False
) -> Imported:
    """Import every row or none: write a record per row (unless dry_run), or raise ProblemsFound naming the row
    and column of every problem."""
    kind = sheet_kind(kind_name)
    baseline = check(root)
    schemas, registry = baseline.schemas, baseline.registry
    cols = columns(schemas, kind)
    id_column = cols[-1]
    data_rows, header_map, problems = read_sheet(sheet_path, cols)
    choices = {c.ref: ref_choices(registry, c.ref) for c in cols if c.ref}
    ids = {c.ref: {r.id for r in registry.all(c.ref)} for c in cols if c.ref}

    rows: list[Row] = []
    for number, cells in data_rows:
        row = Row(number, {})
        for index, value in cells.items():
            column = header_map[index]
            row.by_field[column.field] = column
            try:
                converted = cell_value(column, value, choices.get(column.ref, {}), ids.get(column.ref, set()))
            except CellError as error:
                letter = get_column_letter(index + 1)
                zh, en = error.zh, error.en
                if column.private and shown(str(value)) in zh + en:  # never echo a private value in a log
                    zh, en = "填写的内容无法识别", "the value cannot be read"
                problems.append(row_problem(number, column, letter, zh, en, error.hint_zh, error.hint_en))
                continue
            _set(row.data, column.path, converted)
        rows.append(row)
    if not rows and not problems:
        problems.append(
            row_problem(
                HEADER_ROW + 1,
                None,
                "",
                "表格中没有要导入的行",
                "the sheet has no rows to import",
                "从表头下一行开始填写",
                "fill in rows below the header",
            )
        )

    letters = {column.field: get_column_letter(index + 1) for index, column in header_map.items()}
    existing = {r.id: r for r in registry.all(kind)}
    taken: dict[str, int] = {}
    for row in rows:
        problems += _assign_id(row, kind, existing, taken, overwrite, id_column, letters)

    # Every problem of every row in one pass: the rows are checked like records even when some cells could not be
    # read (those cells are left out, and what the check then says about their columns is not said twice).
    unread = {(p.line, p.field) for p in problems if p.field}
    checked = _check_in_copy(root, kind, [row for row in rows if row.src_path], cols, baseline, letters)
    problems += [p for p in checked if not p.field or (p.line, p.field) not in unread]
    problems.sort(key=lambda p: (p.line, p.column))

    if problems:
        raise ProblemsFound([replace(p, src_path=sheet_path.name) for p in problems])
    if not dry_run:
        for row in rows:
            path = root / row.src_path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(to_yaml(row.data, cols), encoding="utf-8", newline="\n")
    return Imported(rows, not dry_run)


def _assign_id(
    row: Row,
    kind: str,
    existing: dict,
    taken: dict[str, int],
    overwrite: bool,
    id_column: Column,
    letters: dict[str, str],
) -> list[Problem]:
    """Give a row its id: as written, or from the name's pinyin, unique in the sheet and the registry."""
    given = row.data.pop("id", None)
    name = _record_name(row.data)
    letter = letters.get("id", "")
    if given:
        if not ID_PATTERN.match(given) or len(given) > ID_MAX:
            return [
                row_problem(
                    row.number,
                    id_column,
                    letter,
                    f"编号“{shown(given)}”格式不对",
                    f"malformed id “{shown(given)}”",
                    f"只用小写英文字母、数字和连字符，最多 {ID_MAX} 个字符，或留空自动生成",
                    "lower-case letters, digits and hyphens, or leave it empty",
                )
            ]
        if given in taken:
            return [
                row_problem(
                    row.number,
                    id_column,
                    letter,
                    f"编号 {given} 与第 {taken[given]} 行重复",
                    f"id {given} is also used in row {taken[given]}",
                    "换一个编号",
                    "choose another id",
                )
            ]
        record_id = given
    else:
        base = make_id(name) or f"{kind}-row-{row.number}"
        record_id, n = base, 1
        # a record of the same name is this row imported before (replace only with --overwrite); any other is a clash
        while record_id in taken or (record_id in existing and _record_name(existing[record_id].data) != name):
            n += 1
            record_id = f"{base}-{n}"
    taken[record_id] = row.number
    row.id = record_id
    row.src_path = f"records/{folder_of(kind)}/{record_id}.yaml"
    row.data = {"id": record_id, **row.data}
    if record_id in existing:
        if not overwrite:
            return [
                row_problem(
                    row.number,
                    id_column if given else None,
                    letter if given else "",
                    f"{row.src_path} 已存在，未覆盖",
                    f"{row.src_path} already exists and is not replaced",
                    "如要更新这条记录，加 --overwrite 再运行；如是另一条记录，在编号列填写新编号",
                    "to update it, run again with --overwrite; for a different record, write a new id",
                )
            ]
        row.replaces = True
    return []


def _check_in_copy(
    root: Path, kind: str, rows: list[Row], cols: list[Column], baseline, letters: dict[str, str]
) -> list[Problem]:
    """Write the rows into a copy of the project, run the real check there, and map new problems to rows and columns."""
    by_path = {}
    with tempfile.TemporaryDirectory(prefix="registry-import-") as tmp:
        copy = _temp_project(root, Path(tmp))
        for row in rows:
            row.data = _ordered(baseline.schemas, kind, row.data)
            path = copy / row.src_path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(to_yaml(row.data, cols), encoding="utf-8", newline="\n")
            by_path[row.src_path] = row
        after = check(copy)
    before = set(baseline.problems)
    by_field = {column.field: column for column in cols}
    out = []
    for problem in after.problems:
        if problem in before or problem.level == "warning":  # a likely duplicate: `check` shows it, the rows go in
            continue
        row = by_path.get(problem.src_path)
        if row is None:
            out.append(
                row_problem(
                    0,
                    None,
                    "",
                    f"{problem.src_path}:{problem.line}: {problem.zh}",
                    problem.en,
                    problem.hint_zh,
                    problem.hint_en,
                    problem.code,
                )
            )
            continue
        column = _column_for(problem, by_field)
        out.append(
            row_problem(
                row.number,
                column,
                letters.get(column.field, "") if column else "",
                problem.zh,
                problem.en,
                problem.hint_zh,
                problem.hint_en,
                problem.code,
            )
        )
    return sorted(out, key=lambda p: (p.line, p.column))
