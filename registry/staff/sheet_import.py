"""`import KIND IN.xlsx`: rows of a filled-in sheet → YAML records, checked like any record, written all or nothing."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter
from pypinyin import lazy_pinyin

from registry import folder_of
from registry.engine.checking import check
from registry.errors import ProblemsFound, UsageError
from registry.problems import Problem, shown
from registry.records.discover import ID_MAX, ID_PATTERN
from registry.records.settings import SETTINGS_FILE
from registry.staff.record_yaml import to_yaml
from registry.staff.sheet import (
    HEADER_ROW,
    LIST_SEPARATORS,
    PRIVATE_MARK,
    REQUIRED_MARK,
    Column,
    columns,
    ref_choices,
    sheet_kind,
)

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
        return [f"第 {row.number} 行 / row {row.number} → {row.src_path}  {_record_name(row.data)}  "
                f"（{'覆盖 / replaces' if row.replaces else '新建 / new'}）" for row in self.rows]


def row_problem(row: int, column: Column | None, letter: str, zh: str, en: str, hint_zh: str = "", hint_en: str = "",
                code: str = "sheet-cell") -> Problem:
    """A problem in one cell (or one row) of the sheet, placed as staff read it: `第 7 行 所属领域（F 列）`."""
    where = f"第 {row} 行" if row else "导入后 / after import"
    if column is not None:
        where += f" {column.header}（{letter} 列）"
    return Problem("", row, column_index_from_string(letter) if letter else 0, column.field if column else "", code,
                   zh, en, hint_zh, hint_en, place=where)


class CellError(Exception):
    """A cell that cannot be read as its column's kind of value."""

    def __init__(self, zh: str, en: str, hint_zh: str = "", hint_en: str = ""):
        super().__init__(en)
        self.zh, self.en, self.hint_zh, self.hint_en = zh, en, hint_zh, hint_en


# -- reading the sheet --------------------------------------------------------------------------------------

def _base_header(text: Any) -> str:
    text = str(text or "").strip()
    return text.removeprefix(REQUIRED_MARK).removesuffix(PRIVATE_MARK).strip()


def read_sheet(path: Path, cols: list[Column]) -> tuple[list[tuple[int, dict[int, Any]]], dict[int, Column], list[Problem]]:
    """Return the data rows (Excel row number, {column index: value}), the header map and header problems."""
    if not path.is_file():
        raise UsageError(f"找不到表格 {path} / no such file: {path}")
    try:
        book = load_workbook(path, data_only=True, read_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise UsageError(f"{path}: 不是 .xlsx 表格 / not an .xlsx workbook ({error}) — "
                         "在 Excel 中“另存为 Excel 工作簿 (*.xlsx)” / save it as an Excel workbook (*.xlsx)") from None
    sheet = book.worksheets[0]
    by_header = {former: c for c in cols for former in c.former}  # a sheet made from an earlier template
    by_header.update({c.header: c for c in cols})
    rows = list(sheet.iter_rows(values_only=True))
    book.close()
    header_row = next((n for n, values in enumerate(rows[:10], start=1)
                       if sum(_base_header(v) in by_header for v in values) >= 1), None)
    if header_row is None:
        return [], {}, [row_problem(HEADER_ROW, None, "", "找不到表头", "no header row found",
                                   "请使用 build.py template 生成的表格", "use a sheet written by build.py template")]
    header_map: dict[int, Column] = {}
    problems = []
    for index, value in enumerate(rows[header_row - 1]):
        if value is None or str(value).strip() == "":
            continue
        column = by_header.get(_base_header(value))
        letter = get_column_letter(index + 1)
        if column is None:
            problems.append(row_problem(header_row, None, letter, f"未知的列“{shown(str(value))}”（{letter} 列）",
                                       f"unknown column “{shown(str(value))}” (column {letter})",
                                       "不要修改表头；多余的列请删除", "keep the headers as written; delete extra columns"))
        elif column in header_map.values():
            problems.append(row_problem(header_row, column, letter, "这一列出现了两次", "this column appears twice",
                                       "删除其中一列", "delete one of them"))
        else:
            header_map[index] = column
    data = []
    for number, values in enumerate(rows[header_row:], start=header_row + 1):
        cells = {i: v for i, v in enumerate(values) if i in header_map and not (isinstance(v, str) and not v.strip())
                 and v is not None}
        if cells:
            data.append((number, cells))
    return data, header_map, problems


# -- cells to values ----------------------------------------------------------------------------------------

def _match_label(column: Column, text: str) -> str:
    for code, label in column.labels.items():
        if text in (code, label.get("zh"), label.get("en")) or text.lower() == code.lower():
            return code
    choices = "、".join(label["zh"] for label in column.labels.values())
    raise CellError(f"“{shown(text)}”不是可选项", f"“{shown(text)}” is not one of the choices",
                    f"从下拉列表中选择：{choices}", "pick one from the drop-down list")


def _match_ref(column: Column, text: str, choices: dict[str, str], ids: set[str]) -> str:
    if text in ids:
        return text
    if text in choices:
        return choices[text]
    names = {label.split("（")[0]: record_id for label, record_id in choices.items()}
    if text in names:
        return names[text]
    raise CellError(f"找不到“{shown(text)}”", f"no {column.ref} named or numbered “{shown(text)}”",
                    "从下拉列表中选择名称，或填写编号", "pick a name from the drop-down list, or write its id")


def cell_value(column: Column, value: Any, choices: dict[str, str], ids: set[str]) -> Any:
    """Turn one non-empty cell into the value its field holds; raise CellError when it cannot be read."""
    if column.shape == "date":
        if isinstance(value, dt.datetime | dt.date):
            return (value.date() if isinstance(value, dt.datetime) else value).isoformat()
        return str(value).strip()
    if column.shape in ("integer", "number") and isinstance(value, int | float) and not isinstance(value, bool):
        return int(value) if float(value).is_integer() else value
    if column.shape in ("integer", "number"):
        text = str(value).strip()
        try:
            number = float(text)
        except ValueError:
            raise CellError(f"“{shown(text)}”不是数字", f"“{shown(text)}” is not a number", "只填数字", "write digits only") from None
        return int(number) if number.is_integer() else number
    if column.shape == "phone" and isinstance(value, int | float):
        raise CellError("电话号码被 Excel 存成了数字，开头的 0 可能已丢失", "Excel stored the phone number as a number; "
                        "a leading 0 may be lost", "把这一列设为“文本”格式后重新输入", "format the column as Text and type it again")
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code that Excel stored as a number
    if isinstance(value, dt.datetime | dt.date):
        value = value.date().isoformat() if isinstance(value, dt.datetime) else value.isoformat()
    text = str(value).replace("\r\n", "\n").strip()
    if column.shape == "enum":
        return _match_label(column, text)
    if column.shape == "ref":
        return _match_ref(column, text, choices, ids)
    if column.shape == "refs":
        parts = [p.strip() for p in re.split(f"[{re.escape(LIST_SEPARATORS)}]", text) if p.strip()]
        return [_match_ref(column, part, choices, ids) for part in parts]
    return text


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


def import_sheet(root: Path, kind_name: str, sheet_path: Path, *, dry_run: bool = False,
                 overwrite: bool = False) -> Imported:
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
        problems.append(row_problem(HEADER_ROW + 1, None, "", "表格中没有要导入的行", "the sheet has no rows to import",
                                   "从表头下一行开始填写", "fill in rows below the header"))

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


def _assign_id(row: Row, kind: str, existing: dict, taken: dict[str, int], overwrite: bool,
               id_column: Column, letters: dict[str, str]) -> list[Problem]:
    """Give a row its id: as written, or from the name's pinyin, unique in the sheet and the registry."""
    given = row.data.pop("id", None)
    name = _record_name(row.data)
    letter = letters.get("id", "")
    if given:
        if not ID_PATTERN.match(given) or len(given) > ID_MAX:
            return [row_problem(row.number, id_column, letter, f"编号“{shown(given)}”格式不对", f"malformed id “{shown(given)}”",
                               f"只用小写英文字母、数字和连字符，最多 {ID_MAX} 个字符，或留空自动生成",
                               "lower-case letters, digits and hyphens, or leave it empty")]
        if given in taken:
            return [row_problem(row.number, id_column, letter, f"编号 {given} 与第 {taken[given]} 行重复",
                               f"id {given} is also used in row {taken[given]}", "换一个编号", "choose another id")]
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
            return [row_problem(row.number, id_column if given else None, letter if given else "",
                               f"{row.src_path} 已存在，未覆盖", f"{row.src_path} already exists and is not replaced",
                               "如要更新这条记录，加 --overwrite 再运行；如是另一条记录，在编号列填写新编号",
                               "to update it, run again with --overwrite; for a different record, write a new id")]
        row.replaces = True
    return []


def _check_in_copy(root: Path, kind: str, rows: list[Row], cols: list[Column], baseline,
                   letters: dict[str, str]) -> list[Problem]:
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
            out.append(row_problem(0, None, "", f"{problem.src_path}:{problem.line}: {problem.zh}", problem.en,
                                   problem.hint_zh, problem.hint_en, problem.code))
            continue
        column = _column_for(problem, by_field)
        out.append(row_problem(row.number, column, letters.get(column.field, "") if column else "",
                               problem.zh, problem.en, problem.hint_zh, problem.hint_en, problem.code))
    return sorted(out, key=lambda p: (p.line, p.column))

