"""Open data: JSON, CSV and XLSX per kind, progress per plan and the export's JSON Schema, from the public registry.

Every file is built from `Registry.public()` (never from HTML) and returned as bytes keyed by out_path under
data/; the site build writes them into staging before its privacy scan, so the scan covers them too.

Shapes (EXPORT_VERSION 1; keys sorted, UTF-8, no wall-clock time):
  data/<kinds>.json      {"version", "kind", "as_of", "count", "records": [public record, sorted by id]}
  data/registry.json     {"version", "as_of", "counts": {kind: n}, "records": {kind: [record, …]}}
  data/progress-<plan>.json {"version", "plan", "name", "start", "end", "as_of", "elapsed",
                          "rows": [{"district", "district_name", "metric", "metric_name", "target", "actual",
                                    "percent", "expected", "status"}]}   # district "total" = municipal totals,
                                                                         #   "city" = a city-wide goal (target = its lower end)
  data/export.schema.json  JSON Schema (2020-12) of all three shapes
  data/<kinds>.csv / .en.csv, data/progress-<plan>.csv / .en.csv: the same rows with Chinese / English headers
  data/registry.xlsx     one sheet per kind, Chinese headers

One pass over each kind's records feeds its Chinese CSV, its English CSV and its sheet of the workbook, and the
workbook keeps no rows in memory (XlsxWriter's constant_memory mode writes each row out as it comes).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson
import xlsxwriter

from registry import KINDS, folder_of
from registry.outputs.privacy import Scanner
from registry.pages.cards import TITLE_FIELD
from registry.pages.catalogue import Catalogue
from registry.records.record import Registry
from registry.records.schemas import SchemaSet
from registry.records.text import REPLACE, printable

EXPORT_VERSION = 1
DATA = "data"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""A CSV cell starting with one of these is read by spreadsheets as a formula (OWASP: CSV injection)."""


JSON_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE


def dumps(value: Any) -> bytes:
    """JSON as every export writes it: sorted keys, real Chinese characters, an indent of two, a final newline.

    The bytes are those of json.dumps(value, sort_keys=True, ensure_ascii=False, indent=2) + "\\n" but for a float
    below 1e-4, whose exponent has no leading zero (1e-7, not 1e-07); orjson writes them ten times faster (the
    standard library's encoder runs in Python once it indents).
    """
    try:
        return orjson.dumps(value, option=JSON_OPTIONS)
    except orjson.JSONEncodeError:  # an integer beyond 64 bits (written as it is), a lone surrogate (U+FFFD)
        return (json.dumps(value, sort_keys=True, ensure_ascii=False, indent=2) + "\n").encode("utf-8", REPLACE)


def kind_downloads(kind: str) -> dict[str, str]:
    """The site-root paths of one kind's downloads, by format."""
    stem = f"{DATA}/{folder_of(kind)}"
    return {"json": f"{stem}.json", "csv": f"{stem}.csv", "csv_en": f"{stem}.en.csv", "xlsx": f"{DATA}/registry.xlsx"}


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


def _columns(schemas: SchemaSet, kind: str, path: tuple, node: dict, pre_zh: str, pre_en: str, out: list[Column]) -> None:
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
    """Cells of a kind's records in one language: labels, referenced names, joined lists."""

    def __init__(self, registry: Registry, cat: Catalogue):
        self.registry, self.cat = registry, cat
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
        how, sep, cat = column.how, "、" if self.cat.lang == "zh" else "; ", self.cat
        if how in ("zh", "en"):
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


def neutralise(value: Any) -> Any:
    """Make a text cell safe to open in a spreadsheet: a leading = + - @ tab or CR gets a ' in front."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


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
        self.writer.writerow([("'" + v if v.startswith(FORMULA_START) else v) if isinstance(v, str) else v for v in row])

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

    def __init__(self, title: str, as_of: str):
        self.buf = io.BytesIO()
        # Strings stay strings: nothing typed into a record becomes a formula, a number or a link in Excel.
        self.book = xlsxwriter.Workbook(self.buf, {"constant_memory": True, "strings_to_formulas": False,
                                                   "strings_to_numbers": False, "strings_to_urls": False})
        # `created` replaces the clock in docProps/core.xml.
        created = dt.datetime.combine(dt.date.fromisoformat(as_of), dt.time(), tzinfo=dt.UTC)
        self.book.set_properties({"title": printable(title), "created": created})
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


def xlsx_bytes(sheets: list[tuple[str, list[str], list[list]]], title: str, as_of: str) -> bytes:
    """One workbook, a sheet per (name, header, rows), as Workbook writes it."""
    book = Workbook(title, as_of)
    for name, header, rows in sheets:
        book.add_sheet(name, header)
        for row in rows:
            book.add(row)
    return book.close()


def scan_archive(out_path: str, data: bytes, scanner: Scanner) -> list[tuple[str, str]]:
    """The privacy scan inside one .xlsx (a zip of XML files), member by member, in memory."""
    if not scanner:
        return []
    found = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for inner in sorted(archive.namelist()):
            where = scanner.find_bytes(archive.read(inner))
            if where:
                found.append((f"{out_path}!{inner}", where))
    return found


# -- the export's JSON Schema -----------------------------------------------------------------------------------
def _public_schema(node: Any) -> Any:
    """A schema without its private fields, every $ref pointing into the one export schema's $defs."""
    if isinstance(node, list):
        return [_public_schema(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {}
    private = {name for name, sub in node.get("properties", {}).items() if isinstance(sub, dict) and sub.get("x-private")}
    for key, value in node.items():
        if key in ("$schema", "$defs"):
            continue
        if key == "$ref":
            file_name, _, pointer = value.partition("#")
            out[key] = "#/$defs/common-" + pointer.rsplit("/", 1)[1] if file_name or pointer.startswith("/$defs/") else value
        elif key == "properties" and isinstance(value, dict):
            out[key] = {k: _public_schema(v) for k, v in value.items() if k not in private}
        elif key == "required" and isinstance(value, list):
            out[key] = [k for k in value if k not in private]
        else:
            out[key] = _public_schema(value)
    return out


def export_schema(schemas: SchemaSet) -> dict:
    """The JSON Schema every JSON download validates against; private fields are absent (additionalProperties: false)."""
    defs = {f"common-{name}": _public_schema(sub) for name, sub in schemas.files["common.schema.json"]["$defs"].items()}
    for kind in KINDS:
        defs[kind] = _public_schema(schemas.files[f"{kind}.schema.json"])
    version = {"const": EXPORT_VERSION}
    date = {"$ref": "#/$defs/common-date"}
    defs["kind-export"] = {
        "type": "object", "required": ["version", "kind", "as_of", "count", "records"], "additionalProperties": False,
        "properties": {"version": version, "kind": {"enum": list(KINDS)}, "as_of": date,
                       "count": {"type": "integer", "minimum": 0}, "records": {"type": "array"}},
        "allOf": [{"if": {"properties": {"kind": {"const": k}}},
                   "then": {"properties": {"records": {"items": {"$ref": f"#/$defs/{k}"}}}}} for k in KINDS],
    }
    defs["registry-export"] = {
        "type": "object", "required": ["version", "as_of", "counts", "records"], "additionalProperties": False,
        "properties": {
            "version": version, "as_of": date,
            "counts": {"type": "object", "required": list(KINDS), "additionalProperties": False,
                       "properties": {k: {"type": "integer", "minimum": 0} for k in KINDS}},
            "records": {"type": "object", "required": list(KINDS), "additionalProperties": False,
                        "properties": {k: {"type": "array", "items": {"$ref": f"#/$defs/{k}"}} for k in KINDS}}},
    }
    number_or_null = {"type": ["integer", "null"]}
    defs["progress-export"] = {
        "type": "object", "required": ["version", "plan", "name", "start", "end", "as_of", "elapsed", "rows"],
        "additionalProperties": False,
        "properties": {
            "version": version, "plan": {"$ref": "#/$defs/common-id"}, "name": {"$ref": "#/$defs/common-text"},
            "start": date, "end": date, "as_of": date, "elapsed": {"type": "number", "minimum": 0, "maximum": 1},
            "rows": {"type": "array", "items": {
                "type": "object", "additionalProperties": False,
                "required": ["district", "district_name", "metric", "metric_name", "target", "actual", "samples",
                             "percent", "expected", "status"],
                "properties": {"district": {"type": "string"}, "district_name": {"type": "string"},
                               "metric": {"type": "string"}, "metric_name": {"type": "string"},
                               "target": {"type": "integer"}, "actual": {"type": "integer"},
                               "samples": {"type": "integer", "minimum": 0}, "percent": number_or_null,
                               "expected": {"type": "number"},
                               "status": {"enum": ["not-started", "achieved", "on-track", "behind"]}}}}},
    }
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "大院大所登记簿开放数据 / Registry open data",
            "description": "data/*.json 的结构 / The shape of every data/*.json file (export version 1).",
            "oneOf": [{"$ref": "#/$defs/kind-export"}, {"$ref": "#/$defs/registry-export"},
                      {"$ref": "#/$defs/progress-export"}],
            "$defs": defs}


# -- progress ---------------------------------------------------------------------------------------------------
PROGRESS_FIELDS = ("district", "district_name", "metric", "metric_name", "target", "actual", "samples", "percent", "expected",
                   "status")
"""The columns of a progress download; `samples` is the part of `actual` that sample (fictional) records make."""


def progress_rows(plan: dict, cat: Catalogue) -> list[dict]:
    """A plan's progress as flat rows (district × metric, the municipal totals as district 'total', then the city-wide
    goals as district 'city', whose target is the goal's lower end)."""
    rows = []
    for row in plan["rows"]:
        for metric in plan["metrics"]:
            if metric["id"] in row["cells"]:
                rows.append(_progress_row(row["district"], cat.text(row.get("name")) or row["district"], metric,
                                          row["cells"][metric["id"]], cat))
    for metric in plan["metrics"]:
        if metric["id"] in plan["totals"]:
            rows.append(_progress_row("total", cat.t("progress.total"), metric, plan["totals"][metric["id"]], cat))
    metrics = {metric["id"]: metric for metric in plan["metrics"]}
    for goal in plan.get("city_goals", []):
        rows.append(_progress_row("city", cat.t("progress.city"), metrics[goal["metric"]], goal, cat))
    return rows


def _progress_row(district: str, name: str, metric: dict, cell: dict, cat: Catalogue) -> dict:
    return {"district": district, "district_name": name, "metric": metric["id"], "metric_name": cat.text(metric["name"]),
            "target": cell["target"], "actual": cell["actual"], "samples": cell["samples"], "percent": cell["percent"],
            "expected": cell["expected"], "status": cell["status"]}


def progress_table(plan: dict, cat: Catalogue) -> tuple[list[str], list[list]]:
    """Header and rows of a plan's progress CSV in the catalogue's language (status as code and label)."""
    header = [cat.t(f"export.progress.{f}") for f in PROGRESS_FIELDS] + [cat.t("export.progress.status_label")]
    rows = []
    for row in progress_rows(plan, cat):
        label_key = f"status.{row['status']}" + (".final" if plan.get("closed") and row["status"] == "behind" else "")
        rows.append([("" if row[f] is None else row[f]) for f in PROGRESS_FIELDS] + [cat.t(label_key)])
    return header, rows


# -- everything -------------------------------------------------------------------------------------------------
def export_files(public: Registry, progress: list[dict], cat: Catalogue, as_of: str, title: str) -> Iterator[tuple[str, bytes]]:
    """Every data/ download as (out_path, bytes), from the public registry and the computed progress.

    Made one file at a time, so the writer can write each and let it go (at 100,000 records the downloads are
    over 1 GB; holding them all at once was the exports worker's peak)."""
    cats = {"zh": Catalogue(cat.messages, public.schemas, "zh"), "en": Catalogue(cat.messages, public.schemas, "en")}
    tables = {lang: Table(public, c) for lang, c in cats.items()}
    everything: dict[str, list] = {}
    book = Workbook(title, as_of)
    for kind in KINDS:
        records = [r.data for r in public.all(kind)]
        everything[kind] = records
        paths = kind_downloads(kind)
        yield paths["json"], dumps({"version": EXPORT_VERSION, "kind": kind, "as_of": as_of, "count": len(records),
                                    "records": records})
        cols = columns(public.schemas, kind)
        zh_row, en_row = tables["zh"].row_maker(kind, cols), tables["en"].row_maker(kind, cols)
        zh_csv, en_csv = CsvFile([c.zh for c in cols]), CsvFile([c.en for c in cols])
        book.add_sheet(cats["zh"].t(f"kind.{kind}"), [c.zh for c in cols])
        for data in records:  # one pass feeds both CSV files and the sheet; no table of rows is kept
            row = zh_row(data)
            zh_csv.add(row)
            book.add(row)
            en_csv.add(en_row(data))
        yield paths["csv"], zh_csv.close()
        yield paths["csv_en"], en_csv.close()
    yield f"{DATA}/registry.json", dumps({"version": EXPORT_VERSION, "as_of": as_of,
                                          "counts": {k: len(v) for k, v in everything.items()}, "records": everything})
    yield f"{DATA}/registry.xlsx", book.close()
    yield f"{DATA}/export.schema.json", dumps(export_schema(public.schemas))
    for plan in progress:
        stem = f"{DATA}/progress-{plan['id']}"
        yield f"{stem}.json", dumps({"version": EXPORT_VERSION, "plan": plan["id"], "name": plan["name"],
                                     "start": plan["start"], "end": plan["end"], "as_of": plan["as_of"],
                                     "elapsed": plan["elapsed"], "rows": progress_rows(plan, cats["zh"])})
        for lang, suffix in (("zh", ".csv"), ("en", ".en.csv")):
            yield stem + suffix, csv_bytes(*progress_table(plan, cats[lang]))
