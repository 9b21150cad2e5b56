"""A way to make contact from every record page: the district's office, else the municipal office; invented details
marked as examples and never published as real; `check` warns when a page would have no contact at all."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest
from conftest import make_project

import build
from registry.engine.checking import check
from registry.model.public import published
from registry.pages.contact import tel_href
from registry.pages.urls import record_url

REAL_OFFICE = """\
office:
  name:
    zh: 开发区科技和信息化局
  phone: "0512-5736 0000"
  email: kjj@kaifaqu.example.org
  address:
    zh: 昆山市前进东路 1 号
  hours:
    zh: 工作日 9:00–17:00
"""


def set_samples(root: Path, include: bool) -> None:
    site = root / "site.yaml"
    site.write_text(
        re.sub(
            r"(?m)^include_samples: \w+", f"include_samples: {str(include).lower()}", site.read_text(encoding="utf-8")
        ),
        encoding="utf-8",
    )


def without_example_office(root: Path, district: str) -> None:
    path = root / "records/districts" / f"{district}.yaml"
    path.write_text(path.read_text(encoding="utf-8").split("\noffice:")[0] + "\n", encoding="utf-8")


def contact_box(out: Path, url: str):
    page = lxml.html.parse(str(out / url)).getroot()
    (box,) = page.xpath("//section[@class='contact']")
    return box


def lines(box) -> dict[str, tuple[str, str | None]]:
    return {
        div.xpath("string(dt)"): (div.xpath("string(dd)"), (div.xpath("dd/a/@href") or [None])[0])
        for div in box.xpath(".//dl[@class='contact-lines']/div")
    }


@pytest.fixture(scope="module")
def shipped_out(tmp_path_factory) -> tuple[Path, Path]:
    root = make_project(tmp_path_factory.mktemp("contacts") / "project", {}, with_shipped_records=True)
    out = root.parent / "out"
    assert build.main(["--root", str(root), "build", "--out", str(out)]) == 0
    return root, out


def test_every_record_page_shows_a_phone_and_an_email_marked_as_examples(shipped_out):
    root, out = shipped_out
    registry = published(check(root))
    seen = 0
    for kind in ("achievement", "event", "project", "talent", "carrier", "institute", "district"):
        for record in registry.all(kind):
            box = contact_box(out, record_url(kind, record.id))
            found = lines(box)
            assert found["电话"][1].startswith("tel:+86512") and found["邮箱"][1].startswith("mailto:"), record.id
            assert box.xpath("h2/span[contains(@class, 'badge-sample')]"), "invented details are marked in the heading"
            assert box.xpath("string(p[contains(@class, 'contact-example')])").startswith("示例联系方式")
            seen += 1
    assert seen == sum(
        len(registry.all(k)) for k in ("achievement", "event", "project", "talent", "carrier", "institute", "district")
    )


def test_an_achievement_sends_people_to_its_district_office(shipped_out):
    _root, out = shipped_out
    box = contact_box(out, "achievements/graphene-thermal-film.html")
    assert box.xpath("string(p[@class='contact-intro'])") == "了解或洽谈此成果，请联系填报区镇：千灯科技部门"
    assert lines(box)["电话"] == ("0512-0000 1009", "tel:+8651200001009")
    assert lines(box)["办公时间"] == ("工作日 9:00–12:00，13:30–17:30", None)
    assert box.xpath("string(p[last()])") == "研发负责人的联系方式不公开。"
    # the research lead's phone (private) is on no page; the office's is public
    assert "0512-5000 0001" not in (out / "achievements/graphene-thermal-film.html").read_text(encoding="utf-8")


def test_without_a_district_office_the_municipal_office_is_shown(tmp_path):
    root = make_project(tmp_path / "project", {}, with_shipped_records=True)
    without_example_office(root, "qiandeng")
    out = tmp_path / "out"
    assert build.main(["--root", str(root), "build", "--out", str(out)]) == 0
    box = contact_box(out, "achievements/graphene-thermal-film.html")
    assert box.xpath("string(p[@class='contact-intro'])") == "了解或洽谈，请联系：市科技局大院大所办公室"
    assert lines(box)["电话"] == ("0512-0000 1000", "tel:+8651200001000")
    assert box.xpath("string(p[@class='muted'])") == "千灯尚未公布联系方式，请先联系市级办公室。"


def test_a_real_office_is_shown_without_marks_and_published_without_samples(tmp_path, run):
    root = make_project(tmp_path / "project", {}, with_shipped_records=True)
    without_example_office(root, "kaifaqu")
    path = root / "records/districts/kaifaqu.yaml"
    path.write_text(path.read_text(encoding="utf-8") + REAL_OFFICE, encoding="utf-8")
    set_samples(root, False)
    out = tmp_path / "out"
    assert run("--root", str(root), "build", "--out", str(out)).code == 0
    box = contact_box(out, "districts/kaifaqu.html")
    assert lines(box)["电话"] == ("0512-5736 0000", "tel:+8651257360000")
    assert not box.xpath(".//*[contains(@class, 'badge-sample') or contains(@class, 'contact-example')]")
    # the example offices of the other districts are not published at all, on pages or in the downloads
    assert "0512-0000 10" not in (out / "data/districts.json").read_text(encoding="utf-8")
    assert lines(contact_box(out, "districts/qiandeng.html")) == {}
    assert contact_box(out, "districts/qiandeng.html").xpath("string(p[@class='empty'])") == "暂无公开的联系方式。"
    footer = lxml.html.parse(str(out / "index.html")).getroot().xpath("string(//footer)")
    assert "0512-0000 1000" not in footer and "dayuan-office@example.org" not in footer


def test_check_warns_of_record_pages_without_any_contact_when_samples_are_off(tmp_path, run):
    root = make_project(tmp_path / "project", {}, with_shipped_records=True)
    assert run("--root", str(root), "check").out.splitlines() == [
        "检查通过：138 条记录，没有问题 / check passed: 138 records, no problems"
    ]
    set_samples(root, False)
    result = run("--root", str(root), "check")
    assert result.code == 0, result
    warned = [line.split(":")[0] for line in result.out.splitlines()[:-1]]
    real = sorted(
        f"records/carriers/{p.name}"
        for p in (root / "records/carriers").iterdir()
        if "\nsample: true" not in p.read_text(encoding="utf-8")
    )
    assert sorted(warned) == real and len(real) == 4
    assert result.out.splitlines()[0].endswith(
        " — 在 site.yaml 的 contact 中填写真实的电话、邮箱或地址，并删除 example: true / "
        "give contact in site.yaml a real phone, e-mail or address, without example: true"
    )
    assert "警告 / warning: 发布后这条记录的页面没有任何联系方式" in result.out
    assert result.out.splitlines()[-1] == (
        "检查通过：138 条记录，没有问题；另有 4 个警告（请核对） / check passed: 138 records, "
        "no problems; 4 warnings (please look at them)"
    )
    github = run("--root", str(root), "check", "--format", "github").out.splitlines()
    assert sum(line.startswith("::warning file=records/carriers/") for line in github) == 4

    site = root / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8").replace("  example: true\n", ""), encoding="utf-8")
    assert run("--root", str(root), "check").out.splitlines()[-1].endswith("no problems")


def test_an_office_takes_only_an_offices_public_fields(tmp_path, run):
    """A person's name or mobile number has no place in it: an unknown field, reported like any other."""
    root = make_project(tmp_path / "project", {}, with_shipped_records=True)
    path = root / "records/districts/kaifaqu.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("  example: true\n", "  person: 张三\n  example: true\n"),
        encoding="utf-8",
    )
    result = run("--root", str(root), "check")
    assert result.code == 1
    assert result.out.splitlines()[0].startswith("records/districts/kaifaqu.yaml:")
    assert "office.person: 未知字段 `person`" in result.out


@pytest.mark.parametrize(
    ("phone", "href"),
    [("0512-5736 0000", "tel:+8651257360000"), ("+86 512 5736 0000", "tel:+8651257360000"), ("12345", "tel:12345")],
)
def test_tel_links(phone, href):
    assert tel_href(phone) == href
