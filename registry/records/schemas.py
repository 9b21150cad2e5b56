"""The JSON Schemas in schemas/: loaded and checked once, and asked about fields, labels and privacy."""

from __future__ import annotations

import json
import math
import re
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator, ValidationError, validators
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from registry import KINDS
from registry.errors import SchemaError

COMMON = "common.schema.json"


_PLAIN = re.compile(r"[\u3000-\u3029\u3030-\u303f\u4e00-\u9fff\uff01-\uff5e\x21-\x7e]+")


def reader_length(text: str) -> int:
    """Count characters as a reader counts them: no spaces, line breaks, or invisible and combining marks."""
    text = unicodedata.normalize("NFC", text)
    stripped = "".join(text.split())  # str.split() splits at exactly what str.isspace() (and \s) is true for
    rest = _PLAIN.sub("", stripped)  # CJK, CJK punctuation, full-width forms and printable ASCII: each counts as one
    # Look at each distinct character left once (a technical summary keeps a few: · — × µ), not at every one.
    return len(stripped) - sum(rest.count(ch) for ch in set(rest) if not _counted(ch))


@cache
def _counted(ch: str) -> bool:
    """Whether a non-space character counts: not a format, combining or control character, nor a variation selector."""
    return unicodedata.category(ch) not in ("Cf", "Mn", "Me", "Cc") and not 0xFE00 <= ord(ch) <= 0xFE0F


def _max_chars(validator, limit, instance, schema):
    if isinstance(instance, str) and (count := reader_length(instance)) > limit:
        yield ValidationError(f"{count} characters, limit {limit}")


def _finite_number(checker, instance) -> bool:
    """JSON's numbers: YAML's .nan and .inf are floats but no number a record can mean (nor JSON can write)."""
    number = Draft202012Validator.TYPE_CHECKER.is_type(instance, "number")
    return number and (not isinstance(instance, float) or math.isfinite(instance))


_Validator = validators.extend(
    Draft202012Validator,
    {"x-max-chars": _max_chars},
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("number", _finite_number),
)
_FORMATS = Draft202012Validator.FORMAT_CHECKER


class _FastPattern:
    """`pattern` for the compiled validator, matched by Python's re.search exactly as jsonschema matches it."""

    def __init__(self, parent_schema: dict, value: str, schema_path: list):
        # Rust's regex differs from Python's (`$` before a final newline, what `\s` covers): one engine decides.
        self.search = re.compile(value).search

    def validate(self, instance: Any) -> None:
        if isinstance(instance, str) and not self.search(instance):
            raise ValueError("pattern")


class _FastMaxChars:
    """`x-max-chars` for the compiled validator: the same count as _max_chars."""

    def __init__(self, parent_schema: dict, value: int, schema_path: list):
        self.limit = value

    def validate(self, instance: Any) -> None:
        if isinstance(instance, str) and reader_length(instance) > self.limit:
            raise ValueError("x-max-chars")


_FAST_KEYWORDS = {"pattern": _FastPattern, "x-max-chars": _FastMaxChars}
"""Keywords the compiled validator must check with our Python code: every custom one, and `pattern`."""

_FAST_ERRORS = (ValueError, TypeError, OverflowError)
"""What the compiled validator raises for a value it cannot take (a lone surrogate: YAML refuses one, a caller may not)."""


_SLOW_ONLY = {"patternProperties", "$dynamicRef"}
"""Keywords the compiled validator would read its own way (a Rust regex, dynamic scopes): schemas using one get no fast path."""


def _objects_in(node: Any):
    """Every JSON object in a schema, itself included."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _objects_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from _objects_in(value)


def _conforms(name: str):
    # jsonschema's own format checker, so both validators accept the same dates, e-mails and URIs
    # (and leave unchecked the same formats: `uri` needs a package we do not install).
    return lambda instance: _FORMATS.conforms(instance, name)


def _qualify(node: Any, file_name: str) -> Any:
    """Return a copy of a schema in which every local $ref (#/...) names its file, so it resolves anywhere."""
    if isinstance(node, dict):
        out = {k: _qualify(v, file_name) for k, v in node.items()}
        if isinstance(out.get("$ref"), str) and out["$ref"].startswith("#"):
            out["$ref"] = file_name + out["$ref"]
        return out
    if isinstance(node, list):
        return [_qualify(v, file_name) for v in node]
    return node


def _merge(base: dict, over: dict) -> dict:
    """Overlay the keywords written beside a $ref on the schema it points to."""
    merged = dict(base)
    for key, value in over.items():
        if key == "$ref":
            continue
        if key == "properties" and "properties" in merged:
            props = dict(merged["properties"])
            for name, sub in value.items():
                props[name] = {**props.get(name, {}), **sub}
            merged["properties"] = props
        elif key == "required" and "required" in merged:
            merged["required"] = list(dict.fromkeys([*merged["required"], *value]))
        else:
            merged[key] = value
    return merged


class SchemaSet:
    """Every schema of schemas/, each checked against its metaschema and compiled once."""

    def __init__(self, schema_dir: Path):
        self.schema_dir = schema_dir
        self.files: dict[str, dict] = {}
        self._fields: dict[tuple, list] = {}
        for path in sorted(schema_dir.glob("*.schema.json")):
            try:
                schema = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
                raise SchemaError(f"{path}: cannot read the schema: {error}") from error
            # The compiled validator says "valid" in 2 ms where jsonschema takes 45 (every check pays it); jsonschema
            # words what is wrong with a schema it refuses.
            valid = _meta_valid(schema)
            errors = (
                []
                if valid
                else sorted(Draft202012Validator(Draft202012Validator.META_SCHEMA).iter_errors(schema), key=str)
            )
            if errors or not valid:
                raise SchemaError(f"{path}: not a valid JSON Schema: {errors[0].message if errors else 'refused'}")
            self.files[path.name] = schema
        missing = [k for k in (*KINDS, "site") if f"{k}.schema.json" not in self.files]
        if missing or COMMON not in self.files:
            raise SchemaError(f"{schema_dir}: missing schemas for {', '.join(missing) or COMMON}")
        self._qualified = {name: _qualify(schema, name) for name, schema in self.files.items()}
        registry = Registry().with_resources(
            (name, Resource.from_contents(schema, default_specification=DRAFT202012))
            for name, schema in self.files.items()
        )
        self._validators = {
            name.removesuffix(".schema.json"): _Validator(
                schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
            )
            for name, schema in self.files.items()
            if name != COMMON
        }
        self._fast = _compile_fast(self.files)

    def validate(self, kind: str, data: Any) -> list[ValidationError]:
        """Return every schema error of one record (or of site settings, kind 'site')."""
        # Most records are valid: the compiled (Rust) validator says so over ten times faster. Only a record it
        # refuses, or cannot take, goes through jsonschema, which alone finds the errors and words them.
        fast = self._fast.get(kind)
        try:
            if fast is not None and fast.is_valid(data):
                return []
        except _FAST_ERRORS:
            pass
        return list(self._validators[kind].iter_errors(data))

    def validate_slow(self, kind: str, data: Any) -> list[ValidationError]:
        """Return every schema error as jsonschema alone finds them (for tests comparing the two validators)."""
        return list(self._validators[kind].iter_errors(data))

    def is_valid_fast(self, kind: str, data: Any) -> bool:
        """The compiled validator's verdict alone (for tests comparing the two validators)."""
        return self._fast[kind].is_valid(data)

    def schema(self, kind: str) -> dict:
        """Return the top-level schema of a kind, its $ref resolved."""
        return self.resolve(self._qualified[f"{kind}.schema.json"], f"{kind}.schema.json")

    def resolve(self, schema: dict, in_file: str) -> dict:
        """Return a subschema with its $ref (to this file or common.schema.json) followed and merged."""
        ref = schema.get("$ref")
        if not ref:
            return schema
        file_name, _, pointer = ref.partition("#")
        target_file = file_name or in_file
        target: Any = self._qualified[target_file]
        for part in pointer.strip("/").split("/") if pointer.strip("/") else []:
            target = target[part]
        return _merge(self.resolve(target, target_file), schema)

    def at(self, kind: str, path: tuple) -> dict | None:
        """Return the subschema that governs the value at a data path, or None where no field is defined."""
        return _at(self, kind, tuple(path))

    def properties(self, kind: str, path: tuple = ()) -> dict[str, dict]:
        """Return the fields allowed at a path (resolved), in schema order."""
        key = ("properties", kind, tuple(path))
        if key not in self._fields:  # asked for every record page: resolve once per kind and path
            node = self.at(kind, path) or {}
            self._fields[key] = {
                name: self.resolve(sub, f"{kind}.schema.json") for name, sub in node.get("properties", {}).items()
            }
        return dict(self._fields[key])

    def title(self, kind: str, path: tuple) -> tuple[str, str]:
        """Return the Chinese and English titles of the field at a path ('' where it has none)."""
        node = self.at(kind, path) or {}
        return node.get("title", ""), node.get("x-title-en", "")

    def labels(self, kind: str, path: tuple) -> dict[str, dict[str, str]]:
        """Return the zh/en labels of an enumeration's codes at a path."""
        return (self.at(kind, path) or {}).get("x-labels", {})

    def is_private(self, kind: str, path: tuple) -> bool:
        """Whether the value at a path, or any field above it, is marked x-private."""
        return any((self.at(kind, path[:n]) or {}).get("x-private") for n in range(1, len(path) + 1))

    def walk(self, kind: str):
        """Yield (path pattern, subschema) for every field of a kind; list items appear as '*'."""
        yield from _walk(self, kind, (), self.schema(kind))

    def ref_fields(self, kind: str) -> list[tuple[tuple, str]]:
        """Return (path pattern, referenced kind) for every field that holds another record's id."""
        key = ("ref", kind)
        if key not in self._fields:  # asked once per record: walk the schema once per kind
            self._fields[key] = [(path, node["x-ref"]) for path, node in self.walk(kind) if "x-ref" in node]
        return list(self._fields[key])

    def date_fields(self, kind: str) -> list[tuple]:
        """Return the path patterns of every date field of a kind."""
        key = ("date", kind)
        if key not in self._fields:
            self._fields[key] = [path for path, node in self.walk(kind) if node.get("x-date")]
        return list(self._fields[key])

    def public(self, kind: str, data: Any, path: tuple = ()) -> Any:
        """Return only what may be published: fields the schema defines and does not mark private (an allow-list)."""
        node = self.at(kind, path) if path else self.schema(kind)
        if node is None or node.get("x-private"):
            return None
        if isinstance(data, dict):
            out = {}
            for key, value in data.items():
                sub = self.at(kind, path + (key,))
                if sub is not None and not sub.get("x-private"):
                    out[key] = self.public(kind, value, path + (key,))
            return out
        if isinstance(data, list):
            return [self.public(kind, item, path + (i,)) for i, item in enumerate(data)]
        return data


def _meta_valid(schema: Any) -> bool:
    """Whether a schema is valid against the 2020-12 metaschema, as the compiled validator sees it."""
    try:
        return jsonschema_rs.meta.is_valid(schema)
    except _FAST_ERRORS:
        return False


def _compile_fast(files: dict[str, dict]) -> dict[str, Any]:
    """A jsonschema-rs validator per kind, resolving $refs between our files as the Python validator does."""
    objects = [node for schema in files.values() for node in _objects_in(schema)]
    if any(keyword in node for node in objects for keyword in _SLOW_ONLY):
        return {}  # every record through jsonschema: slower, never wrong
    base = "json-schema:///"  # the files have no $id: give each the URI its name resolves to
    registry = jsonschema_rs.Registry([(base + name, schema) for name, schema in files.items()])
    formats = {node["format"]: _conforms(node["format"]) for node in objects if isinstance(node.get("format"), str)}
    return {
        name.removesuffix(".schema.json"): jsonschema_rs.Draft202012Validator(
            schema,
            registry=registry,
            base_uri=base + name,
            formats=formats,
            validate_formats=True,
            keywords=_FAST_KEYWORDS,
            offline=True,
        )
        for name, schema in files.items()
        if name != COMMON
    }


@cache
def _at(schemas: SchemaSet, kind: str, path: tuple) -> dict | None:
    # Cached on the path as given too: pages ask for the same few paths hundreds of thousands of times.
    return _at_cached(schemas, kind, tuple("*" if isinstance(p, int) else p for p in path))


@cache
def _at_cached(schemas: SchemaSet, kind: str, path: tuple) -> dict | None:
    in_file = f"{kind}.schema.json"
    node = schemas.schema(kind)
    for part in path:
        if part == "*":
            items = node.get("items")
            node = schemas.resolve(items, in_file) if isinstance(items, dict) else None
        else:
            props = node.get("properties", {})
            if part in props:
                node = schemas.resolve(props[part], in_file)
            elif isinstance(node.get("additionalProperties"), dict):
                node = schemas.resolve(node["additionalProperties"], in_file)
            else:
                node = None
        if node is None:
            return None
    return node


def _walk(schemas: SchemaSet, kind: str, path: tuple, node: dict):
    for name in node.get("properties", {}):
        sub = schemas.at(kind, path + (name,))
        yield path + (name,), sub
        yield from _walk(schemas, kind, path + (name,), sub)
    if isinstance(node.get("items"), dict):
        sub = schemas.at(kind, path + ("*",))
        yield path + ("*",), sub
        yield from _walk(schemas, kind, path + ("*",), sub)
