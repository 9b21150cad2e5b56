"""The privacy scan: every way a phone number or a reporter's name can be written is found, ordinary numbers are not."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from registry.outputs.privacy import Scanner, scan_private

SECRETS = {
    "0512-5000 0001": "records/achievements/a.yaml: contact_phone",
    "138 1234 5678": "records/achievements/a.yaml: reporter.phone",
    "5751 2345": "records/achievements/b.yaml: reporter.phone",
    "上官丽": "records/achievements/a.yaml: reporter.name",
    "Li Wei": "records/achievements/b.yaml: reporter.name",
}
WHERE = {value: where for value, where in SECRETS.items()}


@pytest.fixture(scope="module")
def scanner() -> Scanner:
    return Scanner(SECRETS)


def found(scanner: Scanner, text: str) -> str | None:
    """What the scan reports for text, asserting that the str and the bytes entry points agree."""
    where = scanner.find_bytes(text.encode("utf-8"))
    assert scanner.find(text) == where
    return where


@pytest.mark.parametrize(
    "written",
    [
        "0512-5000 0001",
        "051250000001",
        "0512 5000 0001",
        "0512.5000.0001",
        "(0512) 5000-0001",
        "0512-50000001",
        "（0512）5000 0001",
        "0512\u30005000\u30000001",
        "0512\xa05000\xa00001",
        "0512–5000—0001",
        "0512 — （5000） 0001",
        "０５１２－５０００ ０００１",
        "0512-５０００ 0001",
        "0512\t5000\n0001",
        "0512－5000．0001",
        "0512\u20095000\u202f0001",
    ],
)
def test_a_landline_is_found_however_it_is_spaced_or_bracketed(scanner, written):
    assert found(scanner, f"<p>联系电话：{written}。</p>") == WHERE["0512-5000 0001"]


@pytest.mark.parametrize(
    "written", ["13812345678", "138-1234-5678", "+138 1234 5678", "１３８１２３４５６７８", "138\u30001234\u30005678"]
)
def test_a_mobile_number_is_found_however_it_is_written(scanner, written):
    assert found(scanner, f"电话{written}") == WHERE["138 1234 5678"]


def test_a_phone_inside_html_json_and_csv_is_found(scanner):
    html = '<tr><th>电话</th><td><a href="tel:0512-50000001">0512 5000 0001</a></td></tr>'
    assert found(scanner, html) == WHERE["0512-5000 0001"]
    data = json.dumps({"summary": {"zh": "欢迎来电（0512）5000\u30000001咨询"}}, ensure_ascii=False, indent=1)
    assert found(scanner, data) == WHERE["0512-5000 0001"]
    assert found(scanner, '编号,名称,简介\r\nx,石墨烯,"请致电 138-1234-5678"\r\n') == WHERE["138 1234 5678"]
    assert found(scanner, "<li>5751-2345</li>") == WHERE["5751 2345"]


def test_a_phone_at_the_end_of_a_long_page_is_found(scanner):
    page = "<p>2020-01-05 第12页，共120页。石墨烯导热膜</p>\n" * 20000 + "电话 0512（5000）0001"
    assert found(scanner, page) == WHERE["0512-5000 0001"]


def test_names_are_found_in_any_text(scanner):
    assert found(scanner, "<td>填报人：上官丽</td>") == WHERE["上官丽"]
    assert found(scanner, json.dumps({"name": "上官丽"}, ensure_ascii=False)) == WHERE["上官丽"]
    assert found(scanner, "reported by Li Wei,") == WHERE["Li Wei"]


ORDINARY = """\
<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>2016—2020年 计划 · 第 3 页</title></head><body>
<p>2016-2020 年、2017 年计划（2017-01-01 至 2017-12-31）；截至 2020-12-31，完成 98 / 79 / 16 / 13 项，完成率 87.5%。</p>
<p>昆政办发〔2017〕163号；合同金额 1,234,567.89 元；电话区号 0512，邮编 215300。</p>
<table><tr><td>2019</td><td>2020</td><td>2021</td></tr><tr><td>1.5</td><td>20.25</td><td>300</td></tr></table>
<a href="../achievements/bench-ach-005000.html">bench-ach-005000</a> <time datetime="2020-01-05">2020年1月5日</time>
{"as_of": "2020-12-31", "count": 10000, "counts": [250, 40, 25, 300], "elapsed": 0.8, "percent": 75}
"20200105","2020/01/05","0512,5000,0001","5751/2345","138:1234:5678",138 1234 567x8
</body></html>
"""


def test_a_page_of_dates_and_numbers_is_not_a_leak(scanner):
    # A false positive fails the build: dates, totals, ids, amounts, and digits split by commas, slashes, colons or
    # letters are not phone numbers.
    assert found(scanner, ORDINARY) is None
    assert found(scanner, ORDINARY * 50) is None


def test_digits_split_by_anything_but_a_separator_stay_apart(scanner):
    for text in ("0512，5000，0001", "0512年5000 0001", "0512-5000 000", "5751 234", "138 1234 567"):
        assert found(scanner, text) is None, text


def test_which_values_are_searched_as_digits_and_which_as_text():
    scanner = Scanner(
        {
            "0512-5000 0001": "phone",
            "12": "a short number",
            "7": "one digit",
            "电话 0512-5000 0001": "note",
            "x": "one letter",
            "１３８１２３４５６７８": "full-width",
        }
    )
    assert scanner.digit_needles == {"051250000001": "phone", "12": "a short number", "13812345678": "full-width"}
    # A phone is found by its digits; text around it (or a value of one character) is its own needle.
    assert sorted(scanner.text_needles) == ["12", "电话 0512-5000 0001", "１３８１２３４５６７８"]
    assert not Scanner({}) and not Scanner({"x": "one letter"}).find("x")


# -- the scan agrees with its plain definition on random text -------------------------------------------------------
DIGIT_CHARS = list("0123456789") + list("０１２３４５６７８９")
SEPARATOR_CHARS = list(" \t\n-.()+") + ["\u3000", "\xa0", "（", "）", "—", "–", "－", "\u2009", "．"]
OTHER_CHARS = ["，", "、", "。", "年", "“", "”", "〔", "a", "<", "/", ":", ",", "é", "·", "石", "\ufffd", "丽"]


def plain_definition(scanner: Scanner, text: str) -> set[str]:
    """Every needle in text, the slow obvious way: runs of digits with separators between, separators removed."""
    where = {w for value, w in scanner.text_needles.items() if value in text}
    separators = re.escape("".join(SEPARATOR_CHARS)) + r"\s\-–—()（）+.－＋．‐‑‒−"
    ascii_text = text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    for run in re.findall(rf"[0-9](?:[{separators}]*[0-9])*", ascii_text):
        digits = re.sub(r"[^0-9]", "", run)
        where |= {w for needle, w in scanner.digit_needles.items() if needle in digits}
    return where


def random_text(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randrange(1, 30)):
        kind = rng.random()
        if kind < 0.06:  # a secret's digits, written with random separators and full-width digits
            value = rng.choice(["051250000001", "13812345678", "57512345"])
            parts.append(
                "".join(
                    rng.choice([c, chr(ord(c) + 0xFEE0)]) + rng.choice(["", "", "", *SEPARATOR_CHARS]) for c in value
                )
            )
        elif kind < 0.08:
            parts.append(rng.choice(["上官丽", "Li Wei", "上官", "Li  Wei"]))
        else:
            parts.append(rng.choice(rng.choice([DIGIT_CHARS, SEPARATOR_CHARS, OTHER_CHARS, list("0123456789")])))
    return "".join(parts)


def test_the_scan_agrees_with_the_plain_definition_on_random_text(scanner):
    rng = random.Random(7)
    hits = 0
    for _ in range(4000):
        text = random_text(rng)
        expected = plain_definition(scanner, text)
        where = found(scanner, text)
        assert (where in expected) if expected else where is None, (text, expected, where)
        hits += bool(expected)
    assert 400 < hits < 3600, "the random texts hold both pages with and without a private value"


def test_scan_private_names_each_file_that_holds_a_private_value(tmp_path: Path):
    files = {
        "index.html": ORDINARY,
        "data/a.json": '{"note": "（0512）5000 0001"}',
        "data/a.csv": "x,上官丽\r\n",
        "search/0.json": '{"t": "13812345678"}',
        "ok.txt": "2020-01-05",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    assert scan_private(tmp_path, SECRETS) == [
        ("data/a.csv", WHERE["上官丽"]),
        ("data/a.json", WHERE["0512-5000 0001"]),
        ("search/0.json", WHERE["138 1234 5678"]),
    ]
    assert scan_private(tmp_path, Scanner(SECRETS), ["index.html", "ok.txt"]) == []


def test_a_large_file_scanned_in_pieces_gives_what_a_whole_scan_gives(scanner, monkeypatch):
    import registry.outputs.privacy

    rng = random.Random(11)
    monkeypatch.setattr(
        registry.outputs.privacy, "PIECE", 5
    )  # every file is "large": pieces of a few bytes, cut everywhere
    hits = 0
    for _ in range(3000):
        text = "".join(random_text(rng) for _ in range(3))
        data = text.encode("utf-8")
        whole, pieces = scanner._find(text, data), scanner.find_bytes(data)
        assert (pieces is None) == (whole is None), text
        expected = plain_definition(scanner, text)  # which value is reported first may differ; each is a real one
        assert (pieces in expected) if expected else pieces is None, (text, expected, pieces)
        hits += whole is not None
    assert 300 < hits < 2900
