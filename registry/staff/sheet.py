"""Spreadsheets for staff: the columns of a kind, derived from its schema, and `template KIND OUT.xlsx`.

One column per leaf field, in schema order, headed by the field's Chinese title; Chinese text first,
the optional English forms of top-level texts at the end, then the optional id. Enumerations and
references become drop-down lists of Chinese labels; `x-max-chars`, minimum and maximum become data
validation; private columns are marked. `sheets_import` reads the same columns back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from registry import folder_of
from registry.errors import SchemaError, UsageError
from registry.records.record import Registry
from registry.records.schemas import SchemaSet
from registry.records.yamlload import field_path

SHEET_KINDS = ("achievement", "event", "project", "talent", "carrier")
"""Kinds staff may fill in as a spreadsheet (districts, institutes and plans are kept by maintainers)."""

TITLE_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3
ROWS = 1000
"""Data validation and formats cover this many rows below the header."""

DATA_SHEET_SUFFIX = "填报表"
HELP_SHEET = "填写说明"
OPTIONS_SHEET = "选项"
PRIVATE_MARK = "（不公开）"
REQUIRED_MARK = "*"
ID_HEADER = "编号（选填，留空则按名称自动生成）"
ENGLISH_SUFFIX = "（英文，选填）"
LIST_SEPARATORS = "、,，;；\n"
"""Several references in one cell are separated by any of these."""

_REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")
_OPTIONAL_FILL = PatternFill("solid", fgColor="E2EFDA")
_PRIVATE_FILL = PatternFill("solid", fgColor="F8CBAD")


@dataclass
class Column:
    """One spreadsheet column: the data path it fills, how its cells are read, and what the sheet says about it."""

    path: tuple
    header: str
    shape: str
    """text, string, enum, ref, refs, date, integer, number, phone or id."""
    required: bool
    private: bool
    description: str = ""
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    ref: str | None = None
    max_chars: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    former: tuple[str, ...] = ()
    """Headers the column had in earlier templates (the schema's x-former-titles): still read by `import`."""

    @property
    def field(self) -> str:
        return field_path(self.path)

    def shown_header(self) -> str:
        """The header as written in the sheet: `*` for required, （不公开） for private."""
        return (REQUIRED_MARK if self.required else "") + self.header + (PRIVATE_MARK if self.private else "")


def sheet_kind(name: str) -> str:
    """Accept `achievements` or `achievement`; refuse kinds that are not filled in as sheets."""
    kind = name[:-1] if name.endswith("s") and name[:-1] in SHEET_KINDS else name
    if kind not in SHEET_KINDS:
        raise UsageError(f"类别 {name} 不能用表格填报 / kind {name} cannot be filled in as a sheet — "
                         f"可用 / use one of: {', '.join(folder_of(k) for k in SHEET_KINDS)}")
    return kind


def _is_text(node: dict) -> bool:
    props = node.get("properties", {})
    return node.get("type") == "object" and "zh" in props and set(props) <= {"zh", "en"}


def _leaf_shape(node: dict) -> str | None:
    if "enum" in node:
        return "enum"
    if node.get("x-ref"):
        return "ref"
    if node.get("type") == "array" and isinstance(node.get("items"), dict):
        return "refs" if node["items"].get("x-ref") or "$ref" in node["items"] else None
    if node.get("x-date"):
        return "date"
    if node.get("type") in ("integer", "number"):
        return node["type"]
    if node.get("type") == "string":
        return "phone" if "0-9+" in node.get("pattern", "") else "string"
    return None


def columns(schemas: SchemaSet, kind: str) -> list[Column]:
    """Every column of a kind's sheet, in order: Chinese fields in schema order, English texts, then the id."""
    main: list[Column] = []
    english: list[Column] = []
    schema = schemas.schema(kind)
    for name, node in schemas.properties(kind).items():
        if name in ("id", "sample"):
            continue
        _add(schemas, kind, (name,), node, name in schema.get("required", []), "", main, english)
    ident = Column(("id",), ID_HEADER, "id", False, False, schemas.at(kind, ("id",)).get("description", ""))
    return main + english + [ident]


def _add(schemas: SchemaSet, kind: str, path: tuple, node: dict, required: bool, prefix: str,
         main: list[Column], english: list[Column], former_prefixes: tuple[str, ...] = ()) -> None:
    title = prefix + node.get("title", path[-1])
    titles = (node.get("title", path[-1]), *node.get("x-former-titles", ()))
    former = tuple(dict.fromkeys(p + t for p in (prefix, *former_prefixes) for t in titles if p + t != title))
    private = schemas.is_private(kind, path)
    description = node.get("description", "").partition(" / ")[0]
    if _is_text(node):
        zh = schemas.at(kind, path + ("zh",)) or {}
        main.append(Column(path + ("zh",), title, "text", required, private, description, max_chars=zh.get("x-max-chars"),
                           former=former))
        if len(path) == 1:
            english.append(Column(path + ("en",), title + ENGLISH_SUFFIX, "text", False, private, description,
                                  former=tuple(f + ENGLISH_SUFFIX for f in former)))
        return
    if node.get("type") == "object":
        for name, sub in schemas.properties(kind, path).items():
            _add(schemas, kind, path + (name,), sub, required and name in node.get("required", []), title + " · ",
                 main, english, tuple(f + " · " for f in former))
        return
    shape = _leaf_shape(node)
    if shape is None:
        raise SchemaError(f"{kind}.{field_path(path)}: 无法放入表格 / this field cannot be a spreadsheet column")
    ref = node.get("x-ref") or (schemas.at(kind, path + ("*",)) or {}).get("x-ref")
    main.append(Column(path, title, shape, required, private, description, node.get("x-labels", {}), ref,
                       minimum=node.get("minimum"), maximum=node.get("maximum"), former=former))


def ref_choices(registry: Registry, kind: str) -> dict[str, str]:
    """Drop-down label → id for the records of a kind: the Chinese name, with the id where two names are alike."""
    names: dict[str, list[str]] = {}
    for record in registry.all(kind):
        name = (record.get("name") or {}).get("zh") if isinstance(record.get("name"), dict) else None
        names.setdefault(name or record.id, []).append(record.id)
    out = {}
    for name, ids in names.items():
        for record_id in ids:
            out[name if len(ids) == 1 else f"{name}（{record_id}）"] = record_id
    return out


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
    common = {"allow_blank": True, "showErrorMessage": True, "showInputMessage": True,
              "promptTitle": column.header[:32], "prompt": _hint(column)[:250]}
    if option_range and column.shape in ("enum", "ref"):
        return DataValidation(type="list", formula1=option_range, errorTitle="请从列表中选择",
                              error="请从下拉列表中选择一项 / pick one from the list", **common)
    if column.max_chars:  # our count skips spaces, Excel's does not: warn, never refuse
        return DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(column.max_chars),
                              errorStyle="warning", errorTitle="超过字数限制",
                              error=f"限 {column.max_chars} 字 / at most {column.max_chars} characters", **common)
    if column.shape in ("integer", "number") and column.maximum is not None:
        return DataValidation(type="whole" if column.shape == "integer" else "decimal", operator="between",
                              formula1=f"{column.minimum or 0:g}", formula2=f"{column.maximum:g}",
                              errorTitle="数字超出范围", error=_hint(column)[:250], **common)
    if column.shape == "date":
        return DataValidation(type="date", operator="greaterThanOrEqual", formula1="DATE(1949,1,1)",
                              errorStyle="warning", errorTitle="日期格式", error="例如 2017-11-08", **common)
    return None


def write_template(root: Path, kind_name: str, out: Path) -> Path:
    """Write an XLSX sheet for a kind: one row per record, Chinese headers, drop-downs, limits, help sheet."""
    from registry.records.check import check

    kind = sheet_kind(kind_name)
    if out.exists():
        raise UsageError(f"{out} 已存在，不会覆盖 / already exists, not overwritten — 换一个文件名 / choose another name")
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

    sheet.cell(TITLE_ROW, 1, f"{schema['title']}填报表（每行一条；带 * 的列必填；橙色列不公开）/ "
                             f"{schema['x-title-en']}: one per row")
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
        labels = ([v["zh"] for v in column.labels.values()] if column.shape == "enum"
                  else list(ref_choices(result.registry, column.ref)) if column.shape == "ref" else [])
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
    sheet.append(["列 / column", "表头 / header", "必填 / required", "公开 / public", "说明 / description", "填写要求 / how to fill"])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for index, column in enumerate(cols, start=1):
        sheet.append([get_column_letter(index), column.header, "是" if column.required else "否",
                      "否" if column.private else "是", column.description, _hint(column)])
    for letter, width in zip("ABCDEF", (10, 32, 10, 10, 60, 60), strict=True):
        sheet.column_dimensions[letter].width = width


def import_sheet(root: Path, kind_name: str, sheet_path: Path, *, dry_run: bool = False, overwrite: bool = False) -> int:
    """`import KIND IN.xlsx`: see registry.staff.sheet_import."""
    from registry.staff.sheet_import import import_sheet as run

    return run(root, kind_name, sheet_path, dry_run=dry_run, overwrite=overwrite)
