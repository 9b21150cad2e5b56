"""Spreadsheets for staff: the columns of a kind, derived from its schema — what `template` writes
(registry/staff/sheet_template.py) and `import` reads back (registry/staff/sheet_import.py).

One column per leaf field, in schema order, headed by the field's Chinese title; Chinese text first,
the optional English forms of top-level texts at the end, then the optional id. Enumerations and
references become drop-down lists of Chinese labels; `x-max-chars`, minimum and maximum become data
validation; private columns are marked.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from registry import folder_of
from registry.errors import SchemaError, UsageError
from registry.records.document import field_path
from registry.records.record import Registry
from registry.records.schemas import SchemaSet

SHEET_KINDS = ("achievement", "event", "project", "talent", "carrier")
"""Kinds staff may fill in as a spreadsheet (districts, institutes and plans are kept by maintainers)."""

TITLE_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3
PRIVATE_MARK = "（不公开）"
REQUIRED_MARK = "*"
ID_HEADER = "编号（选填，留空则按名称自动生成）"
ENGLISH_SUFFIX = "（英文，选填）"
LIST_SEPARATORS = "、,，;；\n"
"""Several references in one cell are separated by any of these."""


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
        raise UsageError(
            f"类别 {name} 不能用表格填报 / kind {name} cannot be filled in as a sheet — "
            f"可用 / use one of: {', '.join(folder_of(k) for k in SHEET_KINDS)}"
        )
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


def _add(
    schemas: SchemaSet,
    kind: str,
    path: tuple,
    node: dict,
    required: bool,
    prefix: str,
    main: list[Column],
    english: list[Column],
    former_prefixes: tuple[str, ...] = (),
) -> None:
    title = prefix + node.get("title", path[-1])
    titles = (node.get("title", path[-1]), *node.get("x-former-titles", ()))
    former = tuple(dict.fromkeys(p + t for p in (prefix, *former_prefixes) for t in titles if p + t != title))
    private = schemas.is_private(kind, path)
    description = node.get("description", "").partition(" / ")[0]
    if _is_text(node):
        zh = schemas.at(kind, path + ("zh",)) or {}
        main.append(
            Column(
                path + ("zh",),
                title,
                "text",
                required,
                private,
                description,
                max_chars=zh.get("x-max-chars"),
                former=former,
            )
        )
        if len(path) == 1:
            english.append(
                Column(
                    path + ("en",),
                    title + ENGLISH_SUFFIX,
                    "text",
                    False,
                    private,
                    description,
                    former=tuple(f + ENGLISH_SUFFIX for f in former),
                )
            )
        return
    if node.get("type") == "object":
        for name, sub in schemas.properties(kind, path).items():
            _add(
                schemas,
                kind,
                path + (name,),
                sub,
                required and name in node.get("required", []),
                title + " · ",
                main,
                english,
                tuple(f + " · " for f in former),
            )
        return
    shape = _leaf_shape(node)
    if shape is None:
        raise SchemaError(f"{kind}.{field_path(path)}: 无法放入表格 / this field cannot be a spreadsheet column")
    ref = node.get("x-ref") or (schemas.at(kind, path + ("*",)) or {}).get("x-ref")
    main.append(
        Column(
            path,
            title,
            shape,
            required,
            private,
            description,
            node.get("x-labels", {}),
            ref,
            minimum=node.get("minimum"),
            maximum=node.get("maximum"),
            former=former,
        )
    )


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
