"""Reading a filled-in sheet: its header row matched to the columns (registry/staff/sheet.py), its data rows, and each
cell as the value its field holds; a cell or header that cannot be read is a problem placed at its row and column."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter

from registry.errors import UsageError
from registry.problems import Problem, shown
from registry.staff.sheet import HEADER_ROW, LIST_SEPARATORS, PRIVATE_MARK, REQUIRED_MARK, Column


def row_problem(
    row: int,
    column: Column | None,
    letter: str,
    zh: str,
    en: str,
    hint_zh: str = "",
    hint_en: str = "",
    code: str = "sheet-cell",
) -> Problem:
    """A problem in one cell (or one row) of the sheet, placed as staff read it: `第 7 行 所属领域（F 列）`."""
    where = f"第 {row} 行" if row else "导入后 / after import"
    if column is not None:
        where += f" {column.header}（{letter} 列）"
    return Problem(
        "",
        row,
        column_index_from_string(letter) if letter else 0,
        column.field if column else "",
        code,
        zh,
        en,
        hint_zh,
        hint_en,
        place=where,
    )


class CellError(Exception):
    """A cell that cannot be read as its column's kind of value."""

    def __init__(self, zh: str, en: str, hint_zh: str = "", hint_en: str = ""):
        super().__init__(en)
        self.zh, self.en, self.hint_zh, self.hint_en = zh, en, hint_zh, hint_en


def _base_header(text: Any) -> str:
    text = str(text or "").strip()
    return text.removeprefix(REQUIRED_MARK).removesuffix(PRIVATE_MARK).strip()


def read_sheet(
    path: Path, cols: list[Column]
) -> tuple[list[tuple[int, dict[int, Any]]], dict[int, Column], list[Problem]]:
    """Return the data rows (Excel row number, {column index: value}), the header map and header problems."""
    if not path.is_file():
        raise UsageError(f"找不到表格 {path} / no such file: {path}")
    try:
        book = load_workbook(path, data_only=True, read_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise UsageError(
            f"{path}: 不是 .xlsx 表格 / not an .xlsx workbook ({error}) — "
            "在 Excel 中“另存为 Excel 工作簿 (*.xlsx)” / save it as an Excel workbook (*.xlsx)"
        ) from None
    sheet = book.worksheets[0]
    by_header = {former: c for c in cols for former in c.former}  # a sheet made from an earlier template
    by_header.update({c.header: c for c in cols})
    rows = list(sheet.iter_rows(values_only=True))
    book.close()
    header_row = next(
        (n for n, values in enumerate(rows[:10], start=1) if sum(_base_header(v) in by_header for v in values) >= 1),
        None,
    )
    if header_row is None:
        return (
            [],
            {},
            [
                row_problem(
                    HEADER_ROW,
                    None,
                    "",
                    "找不到表头",
                    "no header row found",
                    "请使用 build.py template 生成的表格",
                    "use a sheet written by build.py template",
                )
            ],
        )
    header_map: dict[int, Column] = {}
    problems = []
    for index, value in enumerate(rows[header_row - 1]):
        if value is None or str(value).strip() == "":
            continue
        column = by_header.get(_base_header(value))
        letter = get_column_letter(index + 1)
        if column is None:
            problems.append(
                row_problem(
                    header_row,
                    None,
                    letter,
                    f"未知的列“{shown(str(value))}”（{letter} 列）",
                    f"unknown column “{shown(str(value))}” (column {letter})",
                    "不要修改表头；多余的列请删除",
                    "keep the headers as written; delete extra columns",
                )
            )
        elif column in header_map.values():
            problems.append(
                row_problem(
                    header_row,
                    column,
                    letter,
                    "这一列出现了两次",
                    "this column appears twice",
                    "删除其中一列",
                    "delete one of them",
                )
            )
        else:
            header_map[index] = column
    data = []
    for number, values in enumerate(rows[header_row:], start=header_row + 1):
        cells = {
            i: v
            for i, v in enumerate(values)
            if i in header_map and not (isinstance(v, str) and not v.strip()) and v is not None
        }
        if cells:
            data.append((number, cells))
    return data, header_map, problems


def _match_label(column: Column, text: str) -> str:
    for code, label in column.labels.items():
        if text in (code, label.get("zh"), label.get("en")) or text.lower() == code.lower():
            return code
    choices = "、".join(label["zh"] for label in column.labels.values())
    raise CellError(
        f"“{shown(text)}”不是可选项",
        f"“{shown(text)}” is not one of the choices",
        f"从下拉列表中选择：{choices}",
        "pick one from the drop-down list",
    )


def _match_ref(column: Column, text: str, choices: dict[str, str], ids: set[str]) -> str:
    if text in ids:
        return text
    if text in choices:
        return choices[text]
    names = {label.split("（")[0]: record_id for label, record_id in choices.items()}
    if text in names:
        return names[text]
    raise CellError(
        f"找不到“{shown(text)}”",
        f"no {column.ref} named or numbered “{shown(text)}”",
        "从下拉列表中选择名称，或填写编号",
        "pick a name from the drop-down list, or write its id",
    )


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
            raise CellError(
                f"“{shown(text)}”不是数字", f"“{shown(text)}” is not a number", "只填数字", "write digits only"
            ) from None
        return int(number) if number.is_integer() else number
    if column.shape == "phone" and isinstance(value, int | float):
        raise CellError(
            "电话号码被 Excel 存成了数字，开头的 0 可能已丢失",
            "Excel stored the phone number as a number; a leading 0 may be lost",
            "把这一列设为“文本”格式后重新输入",
            "format the column as Text and type it again",
        )
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
