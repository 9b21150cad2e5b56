"""`template KIND OUT.xlsx`: a spreadsheet to fill in, one row per record, with Chinese headers, drop-down lists,
length limits, private columns marked and a help sheet (the columns: registry/staff/sheet.py)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from registry import folder_of
from registry.engine.checking import check
from registry.errors import UsageError
from registry.staff.sheet import FIRST_ROW, HEADER_ROW, TITLE_ROW, Column, columns, ref_choices, sheet_kind

ROWS = 1000
"""Data validation and formats cover this many rows below the header."""

DATA_SHEET_SUFFIX = "填报表"
HELP_SHEET = "填写说明"
OPTIONS_SHEET = "选项"

_REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")
_OPTIONAL_FILL = PatternFill("solid", fgColor="E2EFDA")
_PRIVATE_FILL = PatternFill("solid", fgColor="F8CBAD")


def _hint(column: Column) -> str:
    """What the help sheet and the header comment say about filling a column."""
    parts = ["必填" if column.required else "选填"]
    if column.private:
        parts.append("不公开：仅供科技局内部使用，不会出现在网站上")
    if column.shape == "enum":
        parts.append("从下拉列表选择：" + "、".join(label["zh"] for label in column.labels.values()))
    elif column.shape == "ref":
        parts.append("从下拉列表选择（也可填编号）")
    elif column.shape == "refs":
        parts.append("可填多个名称或编号，用顿号“、”分隔")
    elif column.shape == "date":
        parts.append("日期，例如 2017-11-08")
    elif column.shape == "phone":
        parts.append("电话号码，按文本填写，例如 0512-57512345")
    elif column.shape in ("integer", "number"):
        parts.append("数字" + (f"，{column.minimum:g}–{column.maximum:g}" if column.maximum is not None else ""))
    if column.max_chars:
        parts.append(f"附件1限 {column.max_chars} 字（本登记簿计字时不计空格和换行）")
    return "；".join(parts)


def _validation(column: Column, option_range: str | None) -> DataValidation | None:
    common = {
        "allow_blank": True,
        "showErrorMessage": True,
        "showInputMessage": True,
        "promptTitle": column.header[:32],
        "prompt": _hint(column)[:250],
    }
    if option_range and column.shape in ("enum", "ref"):
        return DataValidation(
            type="list",
            formula1=option_range,
            errorTitle="请从列表中选择",
            error="请从下拉列表中选择一项 / pick one from the list",
            **common,
        )
    if column.max_chars:  # our count skips spaces, Excel's does not: warn, never refuse
        return DataValidation(
            type="textLength",
            operator="lessThanOrEqual",
            formula1=str(column.max_chars),
            errorStyle="warning",
            errorTitle="超过字数限制",
            error=f"限 {column.max_chars} 字 / at most {column.max_chars} characters",
            **common,
        )
    if column.shape in ("integer", "number") and column.maximum is not None:
        return DataValidation(
            type="whole" if column.shape == "integer" else "decimal",
            operator="between",
            formula1=f"{column.minimum or 0:g}",
            formula2=f"{column.maximum:g}",
            errorTitle="数字超出范围",
            error=_hint(column)[:250],
            **common,
        )
    if column.shape == "date":
        return DataValidation(
            type="date",
            operator="greaterThanOrEqual",
            formula1="DATE(1949,1,1)",
            errorStyle="warning",
            errorTitle="日期格式",
            error="例如 2017-11-08",
            **common,
        )
    return None


def write_template(root: Path, kind_name: str, out: Path) -> Path:
    """Write an XLSX sheet for a kind: one row per record, Chinese headers, drop-downs, limits, help sheet."""
    kind = sheet_kind(kind_name)
    if out.exists():
        raise UsageError(
            f"{out} 已存在，不会覆盖 / already exists, not overwritten — 换一个文件名 / choose another name"
        )
    if out.suffix.lower() != ".xlsx":
        raise UsageError(f"{out}: 文件名应以 .xlsx 结尾 / the file name must end in .xlsx")
    result = check(root)
    schemas = result.schemas
    cols = columns(schemas, kind)
    schema = schemas.schema(kind)

    book = Workbook()
    sheet = book.active
    sheet.title = schema["title"] + DATA_SHEET_SUFFIX
    help_sheet = book.create_sheet(HELP_SHEET)
    options = book.create_sheet(OPTIONS_SHEET)
    options.sheet_state = "hidden"

    sheet.cell(
        TITLE_ROW,
        1,
        f"{schema['title']}填报表（每行一条；带 * 的列必填；橙色列不公开）/ {schema['x-title-en']}: one per row",
    )
    sheet.cell(TITLE_ROW, 1).font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=len(cols))
    option_col = 0
    for index, column in enumerate(cols, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(HEADER_ROW, index, column.shown_header())
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.fill = _PRIVATE_FILL if column.private else _REQUIRED_FILL if column.required else _OPTIONAL_FILL
        cell.comment = Comment(f"{column.description}\n{_hint(column)}".strip(), "build.py template")
        sheet.column_dimensions[letter].width = 40 if column.max_chars else 18
        option_range = None
        labels = (
            [v["zh"] for v in column.labels.values()]
            if column.shape == "enum"
            else list(ref_choices(result.registry, column.ref))
            if column.shape == "ref"
            else []
        )
        if labels:
            option_col += 1
            option_letter = get_column_letter(option_col)
            options.cell(1, option_col, column.header)
            for row, label in enumerate(labels, start=2):
                options.cell(row, option_col, label)
            option_range = f"'{OPTIONS_SHEET}'!${option_letter}$2:${option_letter}${len(labels) + 1}"
        validation = _validation(column, option_range)
        cells = f"{letter}{FIRST_ROW}:{letter}{FIRST_ROW + ROWS - 1}"
        if validation is not None:
            sheet.add_data_validation(validation)
            validation.add(cells)
        if column.shape in ("phone", "id", "string", "text", "refs"):
            for row in range(FIRST_ROW, FIRST_ROW + ROWS):
                sheet.cell(row, index).number_format = "@"  # text: keeps 0512… and long digit strings as typed
        elif column.shape == "date":
            for row in range(FIRST_ROW, FIRST_ROW + ROWS):
                sheet.cell(row, index).number_format = "yyyy-mm-dd"
    sheet.freeze_panes = sheet.cell(FIRST_ROW, 2)
    sheet.row_dimensions[HEADER_ROW].height = 45

    _write_help(help_sheet, kind, schema, cols)
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return out


def _write_help(sheet, kind: str, schema: dict, cols: list[Column]) -> None:
    lines = [
        f"{schema['title']}填报说明 / How to fill in this sheet",
        f"1. 在“{schema['title']}{DATA_SHEET_SUFFIX}”工作表中每行填写一条{schema['title']}，从第 {FIRST_ROW} 行开始；不要修改表头。",
        "2. 带 * 的列必填；橙色列（不公开）仅供科技局内部使用，不会出现在网站上。",
        "3. 有下拉箭头的列请从列表中选择；多个大院大所用顿号“、”分隔。",
        "4. 编号可以留空：导入时按名称的拼音自动生成，并在导入前显示供确认。",
        f"5. 填好后运行：python build.py import {folder_of(kind)} 文件名.xlsx --dry-run 先预览，确认后去掉 --dry-run 正式导入。",
        "   导入前会像其他记录一样检查全部内容；任何一行有问题都不会写入文件，并指出第几行、哪一列。",
        "Fill one record per row from row 3; keep the headers. * = required; orange = private (never published).",
        f"Then run: python build.py import {folder_of(kind)} FILE.xlsx --dry-run, and again without --dry-run.",
        "",
    ]
    for line in lines:
        sheet.append([line])
    sheet.cell(1, 1).font = Font(bold=True, size=14)
    sheet.append(
        [
            "列 / column",
            "表头 / header",
            "必填 / required",
            "公开 / public",
            "说明 / description",
            "填写要求 / how to fill",
        ]
    )
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for index, column in enumerate(cols, start=1):
        sheet.append(
            [
                get_column_letter(index),
                column.header,
                "是" if column.required else "否",
                "否" if column.private else "是",
                column.description,
                _hint(column),
            ]
        )
    for letter, width in zip("ABCDEF", (10, 32, 10, 10, 60, 60), strict=True):
        sheet.column_dimensions[letter].width = width
