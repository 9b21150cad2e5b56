"""data/datapackage.json: a Frictionless Data Package (v1, tabular-data-package) describing every CSV download.

One resource per CSV file (a kind's Chinese-headed and English-headed tables, each plan's progress in both), with
its size and SHA-256, its CSV dialect and its Table Schema: a field per column, named by the column's header, with
the Chinese and English titles and the description of the schema field it comes from, its type (string, integer,
number, date, boolean with 是/否 or yes/no, object or array for a JSON cell), whether a cell is required, the
allowed labels of a code, the id as primary key and every single reference as a foreign key to the id of the
kind it names (a list of ids in one cell has no foreign key in Table Schema v1: its description says how the ids
are separated). The package states the licence and the sources that site.yaml sets, followed by each plan's source,
and the publisher. Everything comes from the schemas, the settings and the catalogue; nothing is typed in twice.
"""

from __future__ import annotations

from typing import Any

from registry import KINDS, folder_of
from registry.model.public import PublicRegistry
from registry.outputs.tables import SEPARATOR, Column, columns
from registry.pages.catalogue import Catalogue
from registry.pages.urls import DATA, kind_downloads, progress_downloads
from registry.records.schemas import SchemaSet

PACKAGE_PATH = f"{DATA}/datapackage.json"
PACKAGE_NAME = "dayuan-dasuo-registry"
"""The package's name (lower case, digits, - . _ /, as the specification asks); the title is the site's."""

DIALECT = {"delimiter": ",", "lineTerminator": "\r\n", "quoteChar": '"', "doubleQuote": True, "header": True}
"""How every CSV download is written (registry/outputs/tables.py: CsvFile)."""

Files = dict[str, tuple[int, str]]
"""out_path → (size in bytes, SHA-256 in hex) of every CSV written."""


def both(cats: dict[str, Catalogue], key: str, **values: Any) -> str:
    """An interface string in Chinese, then English: `中文 / English`."""
    return f"{cats['zh'].t(key, **values)} / {cats['en'].t(key, **values)}"


def bilingual(text: dict | None) -> str:
    """A record's or the settings' {zh, en} text as `中文 / English` (Chinese alone when there is no English)."""
    if not text:
        return ""
    return " / ".join(part for part in (text.get("zh"), text.get("en")) if part)


def required(schemas: SchemaSet, kind: str, path: tuple) -> bool:
    """Whether every step of a field's path is required, so the field is never absent from a record."""
    for n in range(1, len(path) + 1):
        parent = schemas.at(kind, path[: n - 1]) if n > 1 else schemas.schema(kind)
        if path[n - 1] not in ((parent or {}).get("required") or []):
            return False
    return True


class Describer:
    """The Table Schema of each CSV download, in one language."""

    def __init__(self, schemas: SchemaSet, cats: dict[str, Catalogue]):
        self.schemas, self.cats = schemas, cats

    def field(self, kind: str, column: Column, lang: str, header: dict[tuple, str]) -> dict[str, Any]:
        """The Table Schema field of one column of a kind's table in `lang`; `header` maps (path, how) to headers."""
        schemas, cat = self.schemas, self.cats[lang]
        node = schemas.at(kind, column.path) or {}
        items = schemas.at(kind, column.path + ("*",)) if node.get("type") == "array" else None
        how = column.how
        out: dict[str, Any] = {
            "name": getattr(column, lang),
            "title": f"{column.zh} / {column.en}",
            "type": "string",
        }
        notes = [node.get("description", "")]
        must = required(schemas, kind, column.path)
        if how == "value":
            out.update(_value_type(node))
        elif how == "label":
            out["constraints"] = {"enum": [cat.label(kind, column.path, code) for code in node["enum"]]}
        elif how == "bool":
            out.update(type="boolean", trueValues=[cat.t("export.yes")], falseValues=[cat.t("export.no")])
        elif how == "json":
            out["type"] = "array" if node.get("type") == "array" else "object"
        elif how in ("zh", "en") and node.get("x-markdown"):
            notes.append(both(self.cats, "package.plain"))
        elif how == "ref":
            notes.append(both(self.cats, "package.ref_name", column=header[(column.path, "id")]))
        if items is not None and how not in ("json",):
            notes.append(both(self.cats, "package.joined", sep=SEPARATOR[lang]))
            must = must and bool(node.get("minItems"))
        if how in ("en", "texts-en"):
            must = False  # English is optional everywhere
        constraints = out.setdefault("constraints", {})
        if must:
            constraints["required"] = True
        if column.path == ("id",):
            constraints.update(required=True, unique=True)
        if not constraints:
            del out["constraints"]
        out["description"] = " ".join(note for note in notes if note)
        return out

    def kind_schema(self, kind: str, lang: str) -> dict[str, Any]:
        """The Table Schema of a kind's CSV in `lang`: fields, primary key, foreign keys."""
        cols = columns(self.schemas, kind)
        header = {(c.path, c.how): getattr(c, lang) for c in cols}
        fields = [self.field(kind, c, lang, header) for c in cols]
        keys = []
        for c in cols:
            target = (self.schemas.at(kind, c.path) or {}).get("x-ref")
            if c.how == "id" and target:  # a single reference (a list of ids in one cell cannot be a key)
                keys.append(
                    {
                        "fields": [getattr(c, lang)],
                        "reference": {
                            "resource": "" if target == kind else resource_name(target, lang),
                            "fields": [id_header(self.schemas, target, lang)],
                        },
                    }
                )
        schema: dict[str, Any] = {"fields": fields, "primaryKey": [header[(("id",), "value")]]}
        if keys:
            schema["foreignKeys"] = keys
        return schema

    def progress_schema(self, lang: str, fields: tuple[str, ...]) -> dict[str, Any]:
        """The Table Schema of a plan's progress CSV in `lang` (the columns of registry/outputs/exports.py)."""
        cat, zh, en = self.cats[lang], self.cats["zh"], self.cats["en"]
        types = {"target": "integer", "actual": "integer", "samples": "integer", "percent": "integer"}
        types["expected"] = "number"
        out = []
        for name in (*fields, "status_label"):
            key = f"export.progress.{name}"
            field: dict[str, Any] = {"name": cat.t(key), "title": f"{zh.t(key)} / {en.t(key)}"}
            field["type"] = types.get(name, "string")
            field["description"] = both(self.cats, f"package.progress.{name}")
            if name in ("district", "metric", "target", "actual", "samples", "status", "status_label"):
                field["constraints"] = {"required": True}
            if name == "status":
                field["constraints"]["enum"] = list(STATUSES)
            elif name == "status_label":
                labels = [cat.t(f"status.{code}") for code in STATUSES] + [cat.t("status.behind.final")]
                field["constraints"]["enum"] = labels
            out.append(field)
        return {"fields": out, "primaryKey": [cat.t("export.progress.district"), cat.t("export.progress.metric")]}


STATUSES = ("not-started", "achieved", "on-track", "behind")


def _value_type(node: dict) -> dict[str, Any]:
    """The Table Schema type of a plain value, from its JSON Schema."""
    if node.get("type") == "integer":
        return {"type": "integer"}
    if node.get("type") == "number":
        return {"type": "number"}
    if node.get("x-date"):
        return {"type": "date"}
    if node.get("format") == "uri":
        return {"type": "string", "format": "uri"}
    if node.get("format") == "email":
        return {"type": "string", "format": "email"}
    return {"type": "string"}


def resource_name(kind: str, lang: str) -> str:
    """The resource of a kind's CSV: `achievements`, and `achievements-en` for the English-headed one."""
    return folder_of(kind) + ("-en" if lang == "en" else "")


def id_header(schemas: SchemaSet, kind: str, lang: str) -> str:
    """The header of a kind's id column in `lang`."""
    return next(getattr(c, lang) for c in columns(schemas, kind) if c.path == ("id",))


def _resource(name: str, out_path: str, title: str, description: str, files: Files, schema: dict) -> dict[str, Any]:
    size, sha256 = files[out_path]
    return {
        "name": name,
        "path": out_path.removeprefix(f"{DATA}/"),
        "profile": "tabular-data-resource",
        "title": title,
        "description": description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": size,
        "hash": f"sha256:{sha256}",
        "dialect": DIALECT,
        "schema": schema,
    }


def datapackage(
    public: PublicRegistry,
    progress: list[dict],
    cats: dict[str, Catalogue],
    settings: dict,
    files: Files,
    progress_fields: tuple[str, ...],
) -> dict[str, Any]:
    """The Data Package descriptor of the CSV downloads in `files` (written before it); a progress CSV has the
    columns `progress_fields` and a status label."""
    describer = Describer(public.schemas, cats)
    resources = []
    for kind in KINDS:
        paths = kind_downloads(kind)
        for lang, path, label in (("zh", paths["csv"], "data.csv_zh"), ("en", paths["csv_en"], "data.csv_en")):
            resources.append(
                _resource(
                    resource_name(kind, lang),
                    path,
                    f"{cats['zh'].t(f'kind.{kind}')} {cats['zh'].t(label)} / "
                    f"{cats['en'].t(f'kind.{kind}')} {cats['en'].t(label)}",
                    public.schemas.schema(kind).get("description", ""),
                    files,
                    describer.kind_schema(kind, lang),
                )
            )
    for plan in progress:
        paths = progress_downloads(plan["id"])
        for lang, path, label in (("zh", paths["csv"], "data.csv_zh"), ("en", paths["csv_en"], "data.csv_en")):
            resources.append(
                _resource(
                    f"progress-{plan['id']}" + ("-en" if lang == "en" else ""),
                    path,
                    f"{cats['zh'].text(plan['name'])} {cats['zh'].t(label)} / "
                    f"{cats['en'].text(plan['name'])} {cats['en'].t(label)}",
                    both(cats, "package.progress"),
                    files,
                    describer.progress_schema(lang, progress_fields),
                )
            )
    package: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": bilingual(settings.get("title")),
        "description": both(cats, "data.lead"),
        "contributors": [{"title": bilingual(settings.get("organiser")), "role": "publisher"}],
        "resources": resources,
    }
    base_url = settings.get("base_url")
    if base_url:
        package["homepage"] = base_url
        package["id"] = base_url.rstrip("/") + "/" + PACKAGE_PATH
    licence = settings.get("licence")
    if licence:
        package["licenses"] = [
            {
                **({"name": licence["id"]} if licence.get("id") else {}),
                "path": licence["url"],
                "title": bilingual(licence["name"]),
            }
        ]
    sources = [
        {"title": bilingual(source["title"]), **({"path": source["url"]} if source.get("url") else {})}
        for source in settings.get("sources", [])
    ]
    for plan in public.all("plan"):
        title = bilingual(plan.get("source"))
        if title and title not in (s["title"] for s in sources):
            sources.append({"title": title})
    if sources:
        package["sources"] = sources
    return package
