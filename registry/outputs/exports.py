"""Open data: JSON, CSV and XLSX per kind, progress per plan and the export's JSON Schema, from the public registry.

Every file is built from the public registry (registry/model/public.py, never from HTML) and returned as bytes
keyed by out_path under data/; the build writes them through the output, whose privacy scan covers them too. The
tables themselves (columns, CSV, the workbook) are registry/outputs/tables.py.

Shapes (EXPORT_VERSION 1; keys sorted, UTF-8, no wall-clock time):
  data/<kinds>.json      {"version", "kind", "as_of", "count", "records": [public record, sorted by id]}
  data/registry.json     {"version", "as_of", "counts": {kind: n}, "records": {kind: [record, …]},
                          "licence": {"name": {"zh", "en"}, "url", "id"}}   # licence: as site.yaml sets it, if it does
  data/progress-<plan>.json {"version", "plan", "name", "start", "end", "as_of", "elapsed",
                          "rows": [{"district", "district_name", "metric", "metric_name", "target", "actual",
                                    "percent", "expected", "status"}]}   # district "total" = municipal totals,
                                                                         #   "city" = a city-wide goal (target = its lower end)
  data/export.schema.json  JSON Schema (2020-12) of all three shapes
  data/<kinds>.csv / .en.csv, data/progress-<plan>.csv / .en.csv: the same rows with Chinese / English headers
  data/registry.xlsx     one sheet per kind, Chinese headers
  data/datapackage.json  the Frictionless Data Package of every CSV (registry/outputs/datapackage.py), written last

The files are made by registry/outputs/downloads.py from fragments kept in the build cache
(registry/outputs/fragments.py), so a rebuild makes again only what contains a change.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

from registry import KINDS
from registry.pages.catalogue import Catalogue
from registry.records.schemas import SchemaSet
from registry.records.text import REPLACE

EXPORT_VERSION = 1

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


# -- the export's JSON Schema -----------------------------------------------------------------------------------
def _public_schema(node: Any) -> Any:
    """A schema without its private fields, every $ref pointing into the one export schema's $defs."""
    if isinstance(node, list):
        return [_public_schema(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {}
    private = {
        name for name, sub in node.get("properties", {}).items() if isinstance(sub, dict) and sub.get("x-private")
    }
    for key, value in node.items():
        if key in ("$schema", "$defs"):
            continue
        if key == "$ref":
            file_name, _, pointer = value.partition("#")
            out[key] = (
                "#/$defs/common-" + pointer.rsplit("/", 1)[1] if file_name or pointer.startswith("/$defs/") else value
            )
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
        "type": "object",
        "required": ["version", "kind", "as_of", "count", "records"],
        "additionalProperties": False,
        "properties": {
            "version": version,
            "kind": {"enum": list(KINDS)},
            "as_of": date,
            "count": {"type": "integer", "minimum": 0},
            "records": {"type": "array"},
        },
        "allOf": [
            {
                "if": {"properties": {"kind": {"const": k}}},
                "then": {"properties": {"records": {"items": {"$ref": f"#/$defs/{k}"}}}},
            }
            for k in KINDS
        ],
    }
    defs["registry-export"] = {
        "type": "object",
        "required": ["version", "as_of", "counts", "records"],
        "additionalProperties": False,
        "properties": {
            "version": version,
            "as_of": date,
            "counts": {
                "type": "object",
                "required": list(KINDS),
                "additionalProperties": False,
                "properties": {k: {"type": "integer", "minimum": 0} for k in KINDS},
            },
            "records": {
                "type": "object",
                "required": list(KINDS),
                "additionalProperties": False,
                "properties": {k: {"type": "array", "items": {"$ref": f"#/$defs/{k}"}} for k in KINDS},
            },
            "licence": _public_schema(schemas.files["site.schema.json"]["properties"]["licence"]),
        },
    }
    number_or_null = {"type": ["integer", "null"]}
    defs["progress-export"] = {
        "type": "object",
        "required": ["version", "plan", "name", "start", "end", "as_of", "elapsed", "rows"],
        "additionalProperties": False,
        "properties": {
            "version": version,
            "plan": {"$ref": "#/$defs/common-id"},
            "name": {"$ref": "#/$defs/common-text"},
            "start": date,
            "end": date,
            "as_of": date,
            "elapsed": {"type": "number", "minimum": 0, "maximum": 1},
            "rows": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": [
                        "district",
                        "district_name",
                        "metric",
                        "metric_name",
                        "target",
                        "actual",
                        "samples",
                        "percent",
                        "expected",
                        "status",
                    ],
                    "properties": {
                        "district": {"type": "string"},
                        "district_name": {"type": "string"},
                        "metric": {"type": "string"},
                        "metric_name": {"type": "string"},
                        "target": {"type": "integer"},
                        "actual": {"type": "integer"},
                        "samples": {"type": "integer", "minimum": 0},
                        "percent": number_or_null,
                        "expected": {"type": "number"},
                        "status": {"enum": ["not-started", "achieved", "on-track", "behind"]},
                    },
                },
            },
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "大院大所登记簿开放数据 / Registry open data",
        "description": "data/*.json 的结构 / The shape of every data/*.json file (export version 1).",
        "oneOf": [
            {"$ref": "#/$defs/kind-export"},
            {"$ref": "#/$defs/registry-export"},
            {"$ref": "#/$defs/progress-export"},
        ],
        "$defs": defs,
    }


# -- progress ---------------------------------------------------------------------------------------------------
PROGRESS_FIELDS = (
    "district",
    "district_name",
    "metric",
    "metric_name",
    "target",
    "actual",
    "samples",
    "percent",
    "expected",
    "status",
)
"""The columns of a progress download; `samples` is the part of `actual` that sample (fictional) records make."""


def progress_rows(plan: dict, cat: Catalogue) -> list[dict]:
    """A plan's progress as flat rows (district × metric, the municipal totals as district 'total', then the city-wide
    goals as district 'city', whose target is the goal's lower end)."""
    rows = []
    for row in plan["rows"]:
        for metric in plan["metrics"]:
            if metric["id"] in row["cells"]:
                rows.append(
                    _progress_row(
                        row["district"],
                        cat.text(row.get("name")) or row["district"],
                        metric,
                        row["cells"][metric["id"]],
                        cat,
                    )
                )
    for metric in plan["metrics"]:
        if metric["id"] in plan["totals"]:
            rows.append(_progress_row("total", cat.t("progress.total"), metric, plan["totals"][metric["id"]], cat))
    metrics = {metric["id"]: metric for metric in plan["metrics"]}
    for goal in plan.get("city_goals", []):
        rows.append(_progress_row("city", cat.t("progress.city"), metrics[goal["metric"]], goal, cat))
    return rows


def _progress_row(district: str, name: str, metric: dict, cell: dict, cat: Catalogue) -> dict:
    return {
        "district": district,
        "district_name": name,
        "metric": metric["id"],
        "metric_name": cat.text(metric["name"]),
        "target": cell["target"],
        "actual": cell["actual"],
        "samples": cell["samples"],
        "percent": cell["percent"],
        "expected": cell["expected"],
        "status": cell["status"],
    }


def progress_table(plan: dict, cat: Catalogue) -> tuple[list[str], list[list]]:
    """Header and rows of a plan's progress CSV in the catalogue's language (status as code and label)."""
    header = [cat.t(f"export.progress.{f}") for f in PROGRESS_FIELDS] + [cat.t("export.progress.status_label")]
    rows = []
    for row in progress_rows(plan, cat):
        label_key = f"status.{row['status']}" + (".final" if plan.get("closed") and row["status"] == "behind" else "")
        rows.append([("" if row[f] is None else row[f]) for f in PROGRESS_FIELDS] + [cat.t(label_key)])
    return header, rows
