"""Visible text, plausible dates and look-alike names: the parts of `check` the golden cases cannot show alone."""

from __future__ import annotations

import datetime as dt
import filecmp
import json

import pytest
from conftest import FIXED_TODAY, REPO

from registry.records import dates
from registry.records.encoding import decode
from registry.records.names import how_alike, lookalike_key
from registry.records.schemas import SchemaSet
from registry.records.text import faults, needs_look, printable

SCHEMAS = SchemaSet(REPO / "schemas")


def _event(start: str) -> str:
    return (
        f"id: announced\ntitle:\n  zh: 测试预告论坛\ntype: forum\nstart: {start}\ndistrict: kaifaqu\n"
        "institutes: [tsinghua]\n"
    )


def test_check_reads_today_in_china_unless_registry_today_says(monkeypatch):
    monkeypatch.delenv(dates.TODAY_VARIABLE)
    china = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()
    assert dates.today() in (china, china + dt.timedelta(days=1))  # the clock may pass midnight in between

    monkeypatch.setenv(dates.TODAY_VARIABLE, "2024-02-29")
    assert dates.today() == dt.date(2024, 2, 29)
    assert dates.years_after(dates.today(), 2) == dt.date(2026, 2, 28)


def test_a_malformed_registry_today_is_a_usage_error(shipped, run, monkeypatch):
    monkeypatch.setenv(dates.TODAY_VARIABLE, "30/06/2021")

    result = run("--root", str(shipped), "check")

    assert result.code == 2, result
    assert result.err == "REGISTRY_TODAY=30/06/2021: 日期应写作 YYYY-MM-DD / the date must be YYYY-MM-DD\n"


def test_a_date_refused_today_passes_once_its_day_has_come_even_with_a_warm_cache(project, run, monkeypatch):
    root = project({"records/events/announced.yaml": _event("2023-01-02")}, with_shipped_records=True)
    monkeypatch.setenv(dates.TODAY_VARIABLE, "2020-12-31")  # two years and two days before

    before = run("--root", str(root), "check")
    monkeypatch.setenv(dates.TODAY_VARIABLE, "2021-01-02")
    after = run("--root", str(root), "check")

    assert before.code == 1 and before.out.count("\n") == 2 and "晚于 2022-12-31" in before.out, before
    assert after.code == 0, after  # the record cache holds no verdict that depends on the day


def test_the_built_site_does_not_depend_on_the_day_it_is_built(project, run, monkeypatch, tmp_path):
    root = project({"records/events/announced.yaml": _event("2022-05-20")}, with_shipped_records=True)
    outs = []
    for day in (FIXED_TODAY, "2022-12-31"):
        monkeypatch.setenv(dates.TODAY_VARIABLE, day)
        monkeypatch.setenv("REGISTRY_NO_CACHE", "1")
        outs.append(tmp_path / f"out-{day}")
        assert run("--root", str(root), "build", "--out", str(outs[-1])).code == 0

    compared = filecmp.dircmp(outs[0], outs[1])
    differing = []

    def walk(cmp):
        differing.extend(cmp.diff_files + cmp.left_only + cmp.right_only)
        for sub in cmp.subdirs.values():
            walk(sub)

    walk(compared)
    assert differing == []


def test_likely_duplicates_are_warnings_the_build_goes_on(project, run, tmp_path):
    root = project(
        {
            "records/institutes/suda-traditional.yaml": "id: suda-traditional\nname:\n  zh: 蘇州大學\n  en: Soochow University, Suzhou\n"
            "type: university\ncountry: CN\n"
        },
        with_shipped_records=True,
    )

    checked = run("--root", str(root), "check", "--format", "json")
    built = run("--root", str(root), "build", "--out", str(tmp_path / "out"))

    problems = json.loads(checked.out)["problems"]
    assert checked.code == 0 and {(p["code"], p["level"]) for p in problems} == {("likely-duplicate", "warning")}
    assert sorted(p["src_path"] for p in problems) == [
        "records/institutes/suda-traditional.yaml",
        "records/institutes/suda.yaml",
    ]
    assert built.code == 0, built


@pytest.mark.parametrize(
    ("one", "other", "alike"),
    [
        ("蘇州大學", "苏州大学", True),
        ("中國科學院瀋陽自動化研究所", "中国科学院沈阳自动化研究所", True),
        ("Тsinghua University", "Tsinghua University", True),  # Cyrillic Т
        ("Tsinghua Univеrsity", "TSINGHUA UNIVERSITY", True),  # Cyrillic е, and case
        ("Ｆｕｄａｎ", "Fudan", True),
        ("中科院·苏州", "中科院・苏州", True),
        ("苏州大学", "苏州科技大学", False),
        ("Shanghai University", "Shanghai Jiao Tong University", False),
        ("东南大学", "西南大学", False),
    ],
)
def test_lookalike_key_folds_width_script_and_look_alike_letters(one, other, alike):
    assert (lookalike_key(one) == lookalike_key(other)) is alike


def test_how_alike_names_the_narrowest_difference():
    assert how_alike("苏州大学", "苏州大学")[0] == "名称相同"
    assert how_alike("苏州 大学", "苏州大学")[0].startswith("只差全角半角")
    assert how_alike("蘇州大學", "苏州大学")[0] == "只差繁体与简体"
    assert how_alike("Тsinghua", "Tsinghua") == (
        "只差外形相近的字符：Т（U+0422）与 T（U+0054）",
        "differs only in characters that look alike, Т (U+0422) for T (U+0054), from",
    )


def test_every_date_field_states_its_floor_and_how_far_ahead_it_may_lie():
    for kind in [*SCHEMAS.files]:
        kind = kind.removesuffix(".schema.json")
        if kind == "common":
            continue
        for path, node in SCHEMAS.walk(kind):
            if node.get("x-date") or node.get("x-title-en") == "Partner since":
                assert dt.date.fromisoformat(node["x-earliest"]), (kind, path)
                assert isinstance(node["x-latest-years-ahead"], int), (kind, path)
                assert "不早于" in node["description"] and "not before" in node["description"].lower(), (kind, path)


def test_every_name_and_every_text_has_a_length_limit():
    for kind in (k.removesuffix(".schema.json") for k in SCHEMAS.files if k != "common.schema.json"):
        for path, node in SCHEMAS.walk(kind):
            if node.get("type") == "string" and path[-1] in ("zh", "en"):
                parent = SCHEMAS.at(kind, path[:-1])
                assert "maxLength" in node or parent.get("x-markdown"), (kind, path)
            if path in (("name",), ("title",), ("full_name",)) or path[-2:] == ("lead", "name"):
                assert SCHEMAS.at(kind, path + ("zh",))["maxLength"] == 60, (kind, path)


@pytest.mark.parametrize(
    ("value", "multiline", "code"),
    [
        ("正常的名称", False, None),
        ("Name with inner  spaces", False, None),
        ("a\u200db", False, None),
        ("第一段\n\n\t缩进", True, None),
        ("结尾换行\n", True, None),
        ("a\x1bb", False, "text-control"),
        ("a\x85b", True, "text-control"),
        ("a\rb", True, "text-control"),
        ("a\x7f", False, "text-control"),
        ("a\tb", False, "text-line-break"),
        ("名称\n", False, "text-line-break"),
        ("a\u202eb", True, "text-bidi"),
        ("a\u2069", False, "text-bidi"),
        ("\ufdd0", False, "text-noncharacter"),
        ("\U0010ffff", False, "text-noncharacter"),
        ("\u3000", False, "text-invisible"),
        ("\u200b\u2060", True, "text-invisible"),
        ("\u2800", False, "text-invisible"),
        ("\u3164", False, "text-invisible"),
        ("\n \n", True, "text-invisible"),
        (" 名称", False, "text-padding"),
        ("名称\u200b", False, "text-padding"),
        ("\ufeff名称", False, "text-padding"),
        (" 名称 ", True, None),
    ],
)
def test_the_text_rule(value, multiline, code):
    found = faults(value, multiline)

    assert [f.code for f in found] == ([code] if code else [])
    assert bool(needs_look(value)) or not found  # the loader's scan never misses a value the rule refuses


def test_a_padding_hint_never_echoes_a_private_value():
    (fault,) = faults(" 0512-57000000", multiline=False, private=True)
    assert "0512" not in fault.hint_zh + fault.hint_en + fault.zh + fault.en


def test_printable_replaces_only_what_xml_and_utf8_cannot_carry():
    assert printable("正常\t\n\r text \u202e\x85") == "正常\t\n\r text \u202e\x85"
    assert printable("a\x00b\x1b\ud800\ufffe\uffff") == "a\ufffdb\ufffd\ufffd\ufffd\ufffd"


@pytest.mark.parametrize(
    ("data", "utf16"),
    [
        ("id: x\nname:\n  zh: 测试\n".encode("utf-16-le"), True),
        ("id: x\nname:\n  zh: 测试\n".encode("utf-16-be"), True),
        ("id: 中文名称很长的记录\n".encode("utf-16-le"), True),
        (b"id: x\n\x00\x00\nname: y\n", False),
        ("id: x\nname:\n  zh: 测\x00试\n".encode(), False),
    ],
)
def test_utf16_is_diagnosed_by_its_byte_pattern_not_by_any_nul(data, utf16):
    _text, problems = decode("x.yaml", data)

    assert (problems[0].code == "not-utf8" if problems else False) is utf16
