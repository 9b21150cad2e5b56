"""The compiled validator (jsonschema-rs) that checks valid records fast gives jsonschema's verdict on every document.

`SchemaSet.validate` trusts the compiled validator only to say "valid"; if it ever said so of a document jsonschema
refuses, the build would accept an invalid record. So every document the tests know — the golden cases, the
shipped records, hand-made edge values and thousands of mutations of the shipped records — must get the same
verdict from both.
"""

from __future__ import annotations

import copy
import json
import random
import re
import unicodedata
from pathlib import Path

import pytest
from conftest import REPO, make_project
from jsonschema import Draft202012Validator
from test_cases import case_folders, make_case

from registry import KINDS, folder_of
from registry.records.schemas import _FAST_KEYWORDS, SchemaSet, _Validator, reader_length
from registry.records.validate import validate
from registry.records.yamlload import load

SCHEMAS = SchemaSet(REPO / "schemas")


def _documents(root: Path, only_new: bool = False) -> list[tuple[str, str, object]]:
    """(kind, src_path, data) of every record and the settings of a project; only_new: those not shipped as they are."""
    paths = [("site", root / "site.yaml")]
    paths += [(kind, path) for kind in KINDS for path in sorted((root / "records" / folder_of(kind)).glob("*.yaml"))]
    found = []
    for kind, path in paths:
        rel = path.relative_to(root)
        if only_new and (REPO / rel).is_file() and (REPO / rel).read_bytes() == path.read_bytes():
            continue
        if not path.is_file() or path.is_symlink():
            continue
        doc, _problems = load(path, rel.as_posix())
        if doc is not None and isinstance(doc.data, dict):
            found.append((kind, rel.as_posix(), doc.data))
    return found


def _errors(errors) -> list[tuple]:
    return [(tuple(e.absolute_path), e.validator, e.message) for e in errors]


def _same_verdict(kind: str, data: object, strict: bool = True) -> None:
    """Both validators agree; strict=False: the compiled one may refuse what jsonschema accepts (never the reverse)."""
    slow = SCHEMAS.validate_slow(kind, data)
    try:
        fast = SCHEMAS.is_valid_fast(kind, data)
    except ValueError:  # a value it cannot take: validate() asks jsonschema
        fast = False
    verdicts = f"{kind}: compiled says {'valid' if fast else 'invalid'}, jsonschema {_errors(slow)}: {data!r:.300}"
    assert not (fast and slow), verdicts
    if strict:
        assert fast == (not slow), verdicts
    assert _errors(SCHEMAS.validate(kind, data)) == _errors(slow)


def test_every_custom_keyword_is_checked_by_the_compiled_validator_too():
    custom = set(_Validator.VALIDATORS) - set(Draft202012Validator.VALIDATORS)

    assert custom and custom <= set(_FAST_KEYWORDS)


def test_shipped_records_and_settings_get_the_same_verdict():
    documents = _documents(REPO)

    assert len(documents) > 100
    for kind, _src_path, data in documents:
        _same_verdict(kind, data)


@pytest.mark.parametrize(
    "folder",
    case_folders("valid") + case_folders("invalid") + case_folders("warning"),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_golden_case_records_get_the_same_verdict(folder, tmp_path):
    root = make_case(folder, tmp_path / "project")

    for kind, _src_path, data in _documents(root, only_new=True):
        _same_verdict(kind, data)


def _achievement() -> dict:
    return copy.deepcopy(
        next(data for kind, _p, data in _documents(REPO) if kind == "achievement" and "reporter" in data)
    )


def _site() -> dict:
    return copy.deepcopy(next(data for kind, _p, data in _documents(REPO) if kind == "site"))


DATES = [
    "2017-02-28",
    "2016-02-29",
    "2017-02-29",
    "2017-02-30",
    "2017-13-01",
    "2017-2-3",
    "2017-02-28\n",
    "2017-02-28 ",
    "２０１７-02-28",
    "2017/02/28",
    "0000-01-01",
    "9999-12-31",
    "",
]
IDS = ["ok-id", "ok-id\n", "Ok-id", "ok--id", "-ok", "ok_id", "ok-ｉｄ", "ok-id ", "x" * 64, ""]
URLS = [
    "https://example.org",
    "https://example.org/\n",
    "http://a\x1cb",
    "http://a\u3000b",
    "http://a\x85b",
    "https://例子.中国/路径",
    "ftp://example.org",
    "https://",
    "https:// x",
    "not a url",
]
PHONES = ["0512-5000 0005", "0512-5000 0005\n", "+86 (512) 5000", "12", "0512\u20035000", "０５１２-5000"]
EMAILS = ["office@example.org", "@", "no-at-sign", "a@b", "a@b\n", ""]


def _texts_around(limit: int) -> list[str]:
    """Texts at and just over a reader-length limit, with what the count skips or folds."""
    return [
        "字" * limit,
        "字" * (limit + 1),
        "字 " * limit,
        "字\n" * (limit + 1),
        "字\u200b" * limit,
        "e\u0301" * limit,
        "e\u0301" * (limit + 1),
        "\u0958" * limit,
        "a" * limit + "\ufe0f" * 5,
    ]


@pytest.mark.parametrize("value", DATES)
def test_a_date_gets_the_same_verdict(value):
    data = _achievement()
    data["reported"] = value

    _same_verdict("achievement", data)


@pytest.mark.parametrize("value", IDS)
def test_an_id_and_a_reference_get_the_same_verdict(value):
    for field in ("id", "institute", "district"):
        data = _achievement()
        data[field] = value
        _same_verdict("achievement", data)


@pytest.mark.parametrize("value", URLS)
def test_a_uri_gets_the_same_verdict(value):
    data = next(copy.deepcopy(d) for kind, _p, d in _documents(REPO) if kind == "institute" and "website" in d)
    data["website"] = value

    _same_verdict("institute", data)


@pytest.mark.parametrize("value", PHONES)
def test_a_private_phone_gets_the_same_verdict(value):
    data = _achievement()
    data["contact_phone"] = data["reporter"]["phone"] = value

    _same_verdict("achievement", data)


@pytest.mark.parametrize("value", EMAILS)
def test_an_email_gets_the_same_verdict(value):
    data = _site()
    data["contact"]["email"] = value

    _same_verdict("site", data)


@pytest.mark.parametrize("field", ["summary", "fit", "promotion"])
def test_annex_1_character_limits_get_the_same_verdict(field):
    limit = SCHEMAS.at("achievement", (field, "zh"))["x-max-chars"]
    for text in _texts_around(limit):
        data = _achievement()
        data[field]["zh"] = text
        _same_verdict("achievement", data)


ODD_VALUES = [
    None,
    True,
    False,
    0,
    1,
    -1,
    1.0,
    1.5,
    2**70,
    -(2**70),
    float("nan"),
    float("inf"),
    "",
    "x",
    "tracked",
    "2017-02-28",
    [],
    ["x"],
    [1, True],
    [1, 1.0],
    ["x", "x"],
    {},
    {"zh": "x"},
    {"zh": ""},
]


def _leaves(value, path=()):
    yield path
    if isinstance(value, dict):
        for key, sub in value.items():
            yield from _leaves(sub, path + (key,))
    elif isinstance(value, list):
        for index, sub in enumerate(value):
            yield from _leaves(sub, path + (index,))


def _fields(kind: str, data: dict) -> list[tuple]:
    """The path of every value in a record, one per schema field (the first list item, the first district…)."""
    seen, found = set(), []
    for path in list(_leaves(data))[1:]:
        pattern = tuple(
            "*" if isinstance(part, int) or part not in SCHEMAS.properties(kind, path[:n]) else part
            for n, part in enumerate(path)
        )
        if pattern not in seen:
            seen.add(pattern)
            found.append(path)
    return found


def _replaced(data, path, value):
    data = copy.deepcopy(data)
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return data


def _removed(data, path):
    data = copy.deepcopy(data)
    target = data
    for part in path[:-1]:
        target = target[part]
    del target[path[-1]]
    return data


def _one_of_each_kind() -> list[tuple[str, dict]]:
    seen, found = set(), []
    for kind, _src_path, data in sorted(
        _documents(REPO), key=lambda d: -len(repr(d[2]))
    ):  # the fullest record of each kind
        if kind not in seen:
            seen.add(kind)
            found.append((kind, data))
    return found


@pytest.mark.parametrize(("kind", "data"), _one_of_each_kind(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_field_replaced_by_odd_values_or_removed_gets_the_same_verdict(kind, data):
    for path in _fields(kind, data):
        for value in ODD_VALUES:
            # JSON has no NaN: jsonschema-rs reads it as null and refuses it where jsonschema takes it as a number;
            # such a record goes through jsonschema, which decides.
            _same_verdict(kind, _replaced(data, path, value), strict=value == value)
        _same_verdict(kind, _removed(data, path))
        if isinstance(path[-1], str):
            _same_verdict(kind, _replaced(data, path[:-1] + (path[-1] + "_x",), 1))  # an unknown field beside it
            _same_verdict(kind, _replaced(data, path[:-1] + ("Bad Key",), {}))


def test_a_value_the_compiled_validator_cannot_take_is_left_to_jsonschema():
    data = _achievement()
    data["field"] = "\ud800"  # a lone surrogate: Rust strings cannot hold one

    with pytest.raises(ValueError):
        SCHEMAS.is_valid_fast("achievement", data)
    assert _errors(SCHEMAS.validate("achievement", data)) == _errors(SCHEMAS.validate_slow("achievement", data))
    assert [e.validator for e in SCHEMAS.validate("achievement", data)] == ["enum"]


def test_an_invalid_record_read_from_yaml_gets_jsonschema_s_problems(tmp_path):
    root = make_project(
        tmp_path / "p", {"records/achievements/x.yaml": "id: x\nname: {zh: 名称}\nreported: 2017-02-30\n"}
    )
    doc, _problems = load(root / "records/achievements/x.yaml", "records/achievements/x.yaml")

    problems = validate(SCHEMAS, "achievement", doc)

    assert ("reported", "date-invalid") in {(p.field, p.code) for p in problems}


def _reader_length_one_by_one(text: str) -> int:
    """The Annex 1 count as first written: every non-space character that is not invisible or combining."""
    text = unicodedata.normalize("NFC", text)
    return sum(
        1
        for ch in text
        if not ch.isspace()
        and unicodedata.category(ch) not in ("Cf", "Mn", "Me", "Cc")
        and not 0xFE00 <= ord(ch) <= 0xFE0F
    )


def test_reader_length_counts_as_one_character_at_a_time_would():
    rng = random.Random(7)
    odd = "e\u0301\u0958\u200b\u200d\u202e\ufe0f\ufe00 \t\n\u3000\u00a0\x1c\x85\u2028字，“”·℃①Ωﬁ"
    texts = ["", "字" * 500, "字 ，" * 200, "“引号”与·间隔号" * 30]
    texts += [
        "".join(
            rng.choice(odd) if rng.random() < 0.6 else chr(rng.randrange(0x20, 0x30000))
            for _ in range(rng.randrange(80))
        )
        for _ in range(3000)
    ]
    for text in texts:
        text = text.encode("utf-8", "replace").decode("utf-8", "replace")  # no lone surrogates
        assert reader_length(text) == _reader_length_one_by_one(text), repr(text)


def test_a_schema_with_a_keyword_the_compiled_validator_reads_its_own_way_is_left_to_jsonschema(tmp_path):
    root = make_project(tmp_path / "p", {})
    path = root / "schemas/institute.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["patternProperties"] = {"^x-\\s$": {"type": "integer"}}  # a regex Rust would read differently
    path.write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")

    schemas = SchemaSet(root / "schemas")
    data = _achievement()

    assert schemas._fast == {}
    assert _errors(schemas.validate("achievement", data)) == _errors(schemas.validate_slow("achievement", data)) == []
    data["field"] = "nope"
    assert [e.validator for e in schemas.validate("achievement", data)] == ["enum"]


def test_the_compiled_metaschema_check_agrees_with_jsonschema_on_our_schemas_and_broken_ones():
    from registry.records.schemas import _meta_valid

    schemas = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((REPO / "schemas").glob("*.schema.json"))]
    broken = []
    for schema in schemas[:3]:
        for key, value in (
            ("type", 5),
            ("required", "id"),
            ("properties", []),
            ("minLength", -1),
            ("$defs", 3),
            ("enum", "a"),
            ("pattern", 7),
            ("additionalProperties", "no"),
        ):
            broken.append({**schema, key: value})
    meta = Draft202012Validator(Draft202012Validator.META_SCHEMA)

    for schema in schemas + broken:
        assert _meta_valid(schema) == meta.is_valid(schema), json.dumps(schema)[:200]
    assert not any(_meta_valid(schema) for schema in broken)


def test_a_schema_the_metaschema_refuses_is_a_schema_error(tmp_path):
    from registry.errors import SchemaError

    root = make_project(tmp_path / "project", {})
    (root / "schemas" / "talent.schema.json").write_text('{"type": "objekt"}', encoding="utf-8")

    with pytest.raises(
        SchemaError, match=re.escape("talent.schema.json: not a valid JSON Schema: 'objekt' is not valid")
    ):
        SchemaSet(root / "schemas")
