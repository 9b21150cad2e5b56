"""Tables of records for the downloads: a kind's columns from its schema, cells in one language, CSV files and the
XLSX workbook written row by row (formula-looking cells neutralised, nothing a spreadsheet could run)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import xlsxwriter

from registry.model.kinds import TITLE_FIELD
from registry.model.public import PublicRegistry
from registry.outputs.plaintext import PlainText
from registry.pages.catalogue import Catalogue
from registry.records.schemas import SchemaSet
from registry.records.text import REPLACE, printable

SEPARATOR = {"zh": "、", "en": "; "}
"""What joins the items of a list in one cell, by the table's language."""

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""A CSV cell starting with one of these is read by spreadsheets as a formula (OWASP: CSV injection)."""


# -- columns: one table layout per kind, from the schema ------------------------------------------------------
@dataclass(frozen=True)
class Column:
    """One column of a kind's table: the field path, how its cell is made, and its zh/en headers."""

    path: tuple
    how: str
    zh: str
    en: str


def columns(schemas: SchemaSet, kind: str) -> list[Column]:
    """Every public field of a kind as columns, in schema order (a text field gives a zh and an en column)."""
    out: list[Column] = []
    for name, node in schemas.properties(kind).items():
        _columns(schemas, kind, (name,), node, "", "", out)
    return out


def _columns(
    schemas: SchemaSet, kind: str, path: tuple, node: dict, pre_zh: str, pre_en: str, out: list[Column]
) -> None:
    if node.get("x-private"):
        return
    zh = pre_zh + node.get("title", path[-1])
    en = pre_en + node.get("x-title-en", path[-1])
    items = schemas.at(kind, path + ("*",)) if node.get("type") == "array" else None
    props = node.get("properties", {})
    if "zh" in props:
        out += [Column(path, "zh", zh, f"{en} (Chinese)"), Column(path, "en", f"{zh}（英文）", en)]
    elif node.get("x-ref") or (items is not None and items.get("x-ref")):
        out += [Column(path, "ref", zh, en), Column(path, "id", f"{zh}（编号）", f"{en} (id)")]
    elif "enum" in node:
        out.append(Column(path, "label", zh, en))
    elif items is not None and "zh" in items.get("properties", {}):
        out += [Column(path, "texts-zh", zh, f"{en} (Chinese)"), Column(path, "texts-en", f"{zh}（英文）", en)]
    elif items is not None and items.get("type") == "string":
        out.append(Column(path, "strings", zh, en))
    elif node.get("type") == "object" and props:
        for sub in props:
            _columns(schemas, kind, path + (sub,), schemas.at(kind, path + (sub,)) or {}, f"{zh}·", f"{en} · ", out)
    elif node.get("type") == "boolean":
        out.append(Column(path, "bool", zh, en))
    elif node.get("type") in ("array", "object"):
        out.append(Column(path, "json", zh, en))
    else:
        out.append(Column(path, "value", zh, en))


Cell = str | int | float


class Table:
    """Cells of a kind's records in one language: labels, referenced names, joined lists, Markdown as plain text (one
    converter may be shared by the tables of both languages)."""

    def __init__(self, registry: PublicRegistry, cat: Catalogue, plain: PlainText | None = None):
        self.registry, self.cat = registry, cat
        self.plain = plain or PlainText()
        self.names: dict[tuple[str, str], str] = {}

    def name(self, kind: str, record_id: str) -> str:
        key = (kind, record_id)
        if key not in self.names:  # the same institutes and districts are named in thousands of rows
            record = self.registry.get(kind, record_id)
            self.names[key] = self.cat.text(record.get(TITLE_FIELD.get(kind, "name"))) if record else record_id
        return self.names[key]

    def cell(self, kind: str, data: dict, column: Column) -> Cell:
        return self.row_maker(kind, [column])(data)[0]

    def row_maker(self, kind: str, cols: list[Column]) -> Callable[[dict], list[Cell]]:
        """A function from a record's data to its row: each column's way of making its cell is chosen once."""
        makers = [(column.path, self._maker(kind, column)) for column in cols]

        def row(data: dict) -> list[Cell]:
            cells = []
            for path, make in makers:
                value: Any = data
                for part in path:
                    value = value.get(part) if isinstance(value, dict) else None
                cells.append("" if value is None else make(value))
            return cells

        return row

    def rows(self, kind: str, cols: list[Column]) -> list[list[Cell]]:
        row = self.row_maker(kind, cols)
        return [row(r.data) for r in self.registry.all(kind)]

    def _maker(self, kind: str, column: Column) -> Callable[[Any], Cell]:
        how, sep, cat = column.how, SEPARATOR[self.cat.lang], self.cat
        if how in ("zh", "en"):
            if (self.registry.schemas.at(kind, column.path) or {}).get("x-markdown"):  # the JSON keeps the Markdown
                plain, zh = self.plain, how == "zh"
                return lambda value: plain(value.get(how, ""), zh) if isinstance(value, dict) else str(value)
            return lambda value: value.get(how, "") if isinstance(value, dict) else str(value)
        if how in ("ref", "id"):
            schemas = self.registry.schemas
            node = schemas.at(kind, column.path) or {}
            target = node.get("x-ref") or (schemas.at(kind, column.path + ("*",)) or {}).get("x-ref")

            def ref(value: Any) -> str:
                ids = value if isinstance(value, list) else [value]
                return sep.join(ids if how == "id" else [self.name(target, i) for i in ids])

            return ref
        if how == "label":
            return lambda value: cat.label(kind, column.path, value)
        if how in ("texts-zh", "texts-en"):
            return lambda value: sep.join(v.get(how[-2:], "") for v in value if isinstance(v, dict))
        if how == "strings":
            return lambda value: sep.join(str(v) for v in value)
        if how == "bool":
            return lambda value: cat.t("export.yes" if value else "export.no")
        if how == "json":
            return lambda value: json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return lambda value: value if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)


class CsvFile:
    """CSV in UTF-8 with a byte-order mark (so Excel reads Chinese), CRLF line ends, formula cells neutralised;
    rows are added one at a time."""

    def __init__(self, header: list[str]):
        # Encoded as it is written: a text buffer of Chinese rows held 3-4 times the memory of the file (200 MB at
        # 100,000 achievements) until the bytes were made from it.
        self.bytes = io.BytesIO()
        self.buf = io.TextIOWrapper(self.bytes, encoding="utf-8", errors=REPLACE, newline="")  # lone surrogate → U+FFFD
        self.buf.write("\ufeff")
        self.writer = csv.writer(self.buf, lineterminator="\r\n")
        self.writer.writerow(header)

    def add(self, row: list) -> None:
        self.writer.writerow(
            [("'" + v if v.startswith(FORMULA_START) else v) if isinstance(v, str) else v for v in row]
        )

    def close(self) -> bytes:
        self.buf.flush()
        data = self.bytes.getvalue()
        self.buf.detach()
        self.bytes.close()
        return data


def csv_bytes(header: list[str], rows: Iterable[list]) -> bytes:
    """A whole CSV file (as CsvFile writes it) from its header and rows."""
    out = CsvFile(header)
    for row in rows:
        out.add(row)
    return out.close()


class Workbook:
    """One .xlsx, a sheet per kind, written row by row; byte-identical for the same input (no clock, fixed dates).

    XlsxWriter's constant_memory mode writes each row to a temporary file once the next begins, so the workbook
    holds no rows (at 100,000 records the in-memory mode held hundreds of megabytes); its strings are then stored
    in each cell instead of a shared table. It zips the parts with a fixed date in 1980.
    """

    def __init__(self, title: str, as_of: str, organiser: str = "", licence: dict | None = None):
        self.buf = io.BytesIO()
        # Strings stay strings: nothing typed into a record becomes a formula, a number or a link in Excel.
        self.book = xlsxwriter.Workbook(
            self.buf,
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
            },
        )
        # `created` replaces the clock in docProps/core.xml.
        created = dt.datetime.combine(dt.date.fromisoformat(as_of), dt.time(), tzinfo=dt.UTC)
        properties = {"title": printable(title), "author": printable(organiser), "created": created}
        if licence:  # stated where Excel shows a file's properties: the comments, and custom properties by name
            name = " / ".join(printable(licence["name"][lang]) for lang in ("zh", "en") if licence["name"].get(lang))
            properties["comments"] = f"数据许可 / Licence: {name} — {licence['url']}"
            self.book.set_custom_property("licence", name)
            self.book.set_custom_property("licence-url", licence["url"])
            if licence.get("id"):
                self.book.set_custom_property("licence-id", licence["id"])
        self.book.set_properties(properties)
        self.bold = self.book.add_format({"bold": True})
        self.sheet: Any = None
        self.row = 0

    def add_sheet(self, name: str, header: list[str]) -> None:
        """Start the next sheet; the rows added from now on go to it."""
        self.sheet, self.row = self.book.add_worksheet(name), 0
        self.sheet.freeze_panes(1, 0)
        self.sheet.set_column(0, max(0, len(header) - 1), 18)
        self.sheet.write_row(0, 0, header, self.bold)

    def add(self, row: list[Cell]) -> None:
        self.row += 1
        write_number, write_string, r = self.sheet.write_number, self.sheet.write_string, self.row
        for c, value in enumerate(row):
            if isinstance(value, (int, float)):
                write_number(r, c, value)
            elif value != "":
                write_string(r, c, printable(value))  # XlsxWriter escapes controls, but a lone surrogate would stop it

    def close(self) -> bytes:
        self.book.close()
        return self.buf.getvalue()
