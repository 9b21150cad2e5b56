"""data/datapackage.json: the Frictionless Data Package of every CSV download, validated by the frictionless library on
the shipped records and on a 1,000-achievement bench project, and shown failing where a CSV breaks its schema."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import subprocess
import sys
from pathlib import Path

import frictionless
import pytest
from conftest import REPO, make_project

import build
from registry import KINDS, folder_of

sys.path.insert(0, str(REPO / "bench"))
import generate  # bench/generate.py

BASE_URL = "https://dyds.example.gov.cn/registry/"


def build_into(root: Path, out: Path) -> Path:
    assert build.main(["--root", str(root), "build", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def shipped(tmp_path_factory) -> Path:
    """The shipped records, built with a published address."""
    root = make_project(tmp_path_factory.mktemp("package") / "project", {}, with_shipped_records=True)
    site = root / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + f"base_url: {BASE_URL}\n", encoding="utf-8")
    return build_into(root, root.parent / "out")


def package(out: Path) -> dict:
    return json.loads((out / "data" / "datapackage.json").read_text(encoding="utf-8"))


def validate(out: Path) -> frictionless.Report:
    return frictionless.validate(str(out / "data" / "datapackage.json"))


def errors(report: frictionless.Report) -> list[tuple[str, str]]:
    return [(task.name, error.type) for task in report.tasks for error in task.errors] + [
        ("", error.type) for error in report.errors
    ]


def test_frictionless_validate_passes_on_the_shipped_records(shipped):
    # The command a data user would run, as written, in the folder they downloaded.
    run = subprocess.run(
        [sys.executable, "-m", "frictionless", "validate", "--json", "datapackage.json"],
        cwd=shipped / "data",
        capture_output=True,
        text=True,
        timeout=300,
    )
    result = json.loads(run.stdout)
    assert run.returncode == 0 and result["valid"], [e for t in result["tasks"] for e in t["errors"]][:5]
    rows = {task["name"]: task["stats"]["rows"] for task in result["tasks"]}
    for kind in KINDS:
        count = len(list((REPO / "records" / folder_of(kind)).glob("*.yaml")))
        assert rows[folder_of(kind)] == rows[folder_of(kind) + "-en"] == count, kind


def test_the_package_describes_every_csv_download_and_nothing_else(shipped):
    descriptor = package(shipped)
    paths = [resource["path"] for resource in descriptor["resources"]]
    assert sorted(paths) == sorted(p.name for p in (shipped / "data").glob("*.csv"))
    assert len(paths) == 2 * len(KINDS) + 2 * 2  # a Chinese- and an English-headed table per kind and per plan
    for resource in descriptor["resources"]:
        data = (shipped / "data" / resource["path"]).read_bytes()
        assert resource["bytes"] == len(data) and resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
        assert [field["name"] for field in resource["schema"]["fields"]] == header, resource["name"]
        assert " / " in resource["title"] and all(" / " in field["title"] for field in resource["schema"]["fields"])


def test_fields_carry_the_schemas_titles_descriptions_types_codes_and_keys(shipped):
    resources = {resource["name"]: resource for resource in package(shipped)["resources"]}
    achievements = {f["name"]: f for f in resources["achievements"]["schema"]["fields"]}
    field = achievements["科技成果所属领域"]
    assert field["title"] == "科技成果所属领域 / Field of application"
    assert field["constraints"]["enum"][:2] == ["电子信息", "能源环保"] and "其他" in field["constraints"]["enum"]
    assert "附件1" in field["description"] or "Annex 1" in field["description"]
    assert achievements["填报时间"]["type"] == "date" and achievements["填报时间"]["constraints"] == {"required": True}
    assert "Markdown" in achievements["科技成果及研发团队简介"]["description"]
    assert "contact_phone" not in json.dumps(resources) and not any("电话" in name for name in achievements)
    en = {f["name"]: f for f in resources["achievements-en"]["schema"]["fields"]}
    assert en["Field of application"]["constraints"]["enum"][:2] == ["Electronic information", "Energy and environment"]
    assert en["Sample data"]["type"] == "boolean" and en["Sample data"]["trueValues"] == ["yes"]
    assert resources["projects"]["schema"]["primaryKey"] == ["编号"]
    keys = {tuple(k["fields"]): k["reference"] for k in resources["achievements"]["schema"]["foreignKeys"]}
    assert keys[("大院大所名称（编号）",)] == {"resource": "institutes", "fields": ["编号"]}
    assert keys[("填报区镇（编号）",)] == {"resource": "districts", "fields": ["编号"]}
    parent = resources["institutes-en"]["schema"]["foreignKeys"]
    assert parent == [{"fields": ["Parent (id)"], "reference": {"resource": "", "fields": ["Identifier"]}}]
    progress = resources["progress-2017"]["schema"]
    assert progress["primaryKey"] == ["区镇编号", "指标编号"]
    assert {f["name"]: f["type"] for f in progress["fields"]}["目标"] == "integer"


def test_the_package_states_the_licence_the_sources_and_the_publisher(shipped):
    descriptor = package(shipped)
    assert descriptor["licenses"] == [
        {
            "name": "CC-BY-4.0",
            "path": "https://creativecommons.org/licenses/by/4.0/",
            "title": "知识共享 署名 4.0（CC BY 4.0） / Creative Commons Attribution 4.0 (CC BY 4.0)",
        }
    ]
    titles = [source["title"] for source in descriptor["sources"]]
    assert "昆政办发〔2017〕163号" in titles[0]
    assert any("附件2" in title for title in titles) and any("附件3" in title for title in titles)
    assert descriptor["contributors"][0]["role"] == "publisher"
    assert descriptor["homepage"] == BASE_URL and descriptor["id"] == BASE_URL + "data/datapackage.json"
    assert descriptor["profile"] == "tabular-data-package"


def test_frictionless_validate_passes_on_a_1000_record_bench_project(tmp_path):
    root = generate.generate(tmp_path / "bench", 1000)
    out = build_into(root, tmp_path / "out")
    report = validate(out)
    assert report.valid, errors(report)[:5]
    rows = {task.name: task.stats["rows"] for task in report.tasks}
    assert rows["achievements"] == rows["achievements-en"] == 1000
    assert rows["events"] == 100 and rows["projects"] == 100


def _rewrite(out: Path, name: str, change) -> None:
    """Change a CSV's rows with `change(rows)` and write it back as the build writes it (BOM, CRLF); its size and
    hash in the package are updated, so only the change itself can make it invalid."""
    path = out / "data" / name
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))
    change(rows)
    text = io.StringIO(newline="")
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    data = "\ufeff".encode() + text.getvalue().encode("utf-8")
    path.write_bytes(data)
    descriptor = package(out)
    for resource in descriptor["resources"]:
        if resource["path"] == name:
            resource.update(bytes=len(data), hash="sha256:" + hashlib.sha256(data).hexdigest())
    (out / "data" / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")


def _set(column: str, row: int, value: str):
    def change(rows):
        rows[row][rows[0].index(column)] = value

    return change


@pytest.mark.parametrize(
    "name, change, error",
    [
        ("achievements.csv", _set("科技成果所属领域", 1, "新材"), "constraint-error"),  # not a label of the code
        ("achievements.en.csv", _set("Institute (id)", 2, "no-such-institute"), "foreign-key"),
        ("projects.csv", _set("签约日期", 1, "2019/05/01"), "type-error"),
        ("events.csv", _set("编号", 2, ""), "constraint-error"),  # the id is required
        ("progress-2017.csv", _set("目标", 1, "十"), "type-error"),
        ("talents.csv", lambda rows: rows.__setitem__(2, list(rows[1])), "primary-key"),  # the same id twice
    ],
)
def test_a_csv_that_breaks_its_table_schema_fails_validation(shipped, tmp_path, name, change, error):
    out = tmp_path / "copy"
    (out / "data").mkdir(parents=True)
    for path in (shipped / "data").glob("*.*"):
        (out / "data" / path.name).write_bytes(path.read_bytes())
    assert validate(out).valid
    _rewrite(out, name, change)
    report = validate(out)
    assert not report.valid and (name.replace(".csv", "").replace(".en", "-en"), error) in errors(report)
