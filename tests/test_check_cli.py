"""`build.py check` and `build.py new` as staff and CI run them: exit codes, output formats, templates."""

from __future__ import annotations

import json

import pytest
import yaml
from conftest import REPO

from registry import KINDS, folder_of
from registry.records.yamlload import parse

PERCENT_STATUS = """\
id: percent
name:
  zh: 测试用高分子涂层技术
institute: tsinghua
field: new-materials
stage: research
summary:
  zh: 一项用于检查测试的成果简介。
district: kaifaqu
reported: 2017-03-10
status: 50%
"""


def test_the_shipped_records_check_clean(run):
    result = run("--root", str(REPO), "check")

    assert result.code == 0, result
    assert result.out.startswith("检查通过："), result


def test_problems_exit_1_and_a_clean_project_exits_0(project, run):
    clean = project({})
    assert run("--root", str(clean), "check").code == 0
    (clean / "records/achievements").mkdir()
    (clean / "records/achievements/x.yaml").write_text("", encoding="utf-8")

    assert run("--root", str(clean), "check").code == 1


@pytest.mark.parametrize(
    "argv",
    [("frobnicate",), ("check", "--format", "xml"), ("check", "--colour"), ("new", "achievement")],
    ids=["unknown subcommand", "bad --format", "unknown option", "new without an id"],
)
def test_a_usage_error_exits_2_and_says_so(argv, shipped, run):
    result = run("--root", str(shipped), *argv)

    assert result.code == 2, result
    assert "用法错误 / usage error" in result.err
    assert result.out == ""


def test_github_format_escapes_properties_and_data_as_actions_requires(project, run):
    root = project(
        {"records/achievements/a,b:c.yaml": "id: a\n", "records/achievements/percent.yaml": PERCENT_STATUS},
        with_shipped_records=True,
    )

    result = run("--root", str(root), "check", "--format", "github")

    assert result.code == 1, result
    assert result.out.splitlines() == [
        "::error file=records/achievements/a%2Cb%3Ac.yaml,line=1,col=1,title=bad-file-name::"
        "文件名不是有效编号 / the file name is not a valid id — 改名为 a-b-c.yaml（只用小写英文字母、数字和连字符，"
        "最多 64 个字符），并把 id 改成一样 / rename it a-b-c.yaml (lower-case letters, digits and hyphens, "
        "at most 64 characters) and make the id the same",
        "::error file=records/achievements/percent.yaml,line=11,col=9,title=status::"
        "status: 取值 `50%25` 无效 / `50%25` is not allowed — 可选：tracked（跟踪中），negotiating（洽谈中），"
        "transferred（已转化），industrialised（已产业化） / choose one of: tracked, negotiating, transferred, industrialised",
        "::notice title=检查结果 / check result::发现 2 个问题，涉及 2 个文件 / 2 problems in 2 files — "
        "完整列表见本次运行页面的 Summary（记录检查），或在本地运行 python build.py check / "
        "every one is listed in this run's Summary, or run python build.py check",
    ]


def test_github_format_ends_with_the_total_and_markdown_lists_every_problem(project, run):
    """Six broken files, 19 problems: GitHub marks only 10 on the pull request, so the last line gives the total
    and says where the rest are; the Markdown table for the job summary holds all 19."""
    broken = {
        f"records/achievements/broken-{n}.yaml": f"id: broken-{n}\nname: {{zh: 坏记录{n}}}\nstage: nowhere\n"
        for n in range(6)
    }
    broken["records/achievements/broken-5.yaml"] += "institute: xjtlu\n"
    root = project(broken, with_shipped_records=True)

    text = run("--root", str(root), "check")
    github = run("--root", str(root), "check", "--format", "github")
    markdown = run("--root", str(root), "check", "--format", "markdown")

    total = len(text.out.splitlines()) - 1
    assert total > 10 and text.out.splitlines()[-1].startswith(f"发现 {total} 个问题，涉及 6 个文件")
    lines = github.out.splitlines()
    assert github.code == markdown.code == 1
    assert sum(line.startswith("::error ") for line in lines) == total
    assert lines[-1] == (
        f"::notice title=检查结果 / check result::发现 {total} 个问题，涉及 6 个文件 / {total} problems in "
        "6 files — 拉取请求页面最多标出前 10 个；完整列表见本次运行页面的 Summary（记录检查），或在本地运行 "
        "python build.py check / the pull request marks at most the first 10; every one is listed in "
        "this run's Summary, or run python build.py check"
    )
    table = [line.split(" | ") for line in markdown.out.splitlines() if line.startswith("| records/")]
    assert [line.removeprefix("| ") for line, *_ in table] == [
        line.split(":")[0] for line in text.out.splitlines()[:-1]
    ]
    assert any(row[2] == "institute" and "xjtlu" in row[3] for row in table)
    assert markdown.out.splitlines()[:3] == [
        "## 记录检查 / Record check",
        "",
        f"发现 {total} 个问题，涉及 6 个文件 / {total} problems in 6 files",
    ]


def test_json_format_parses_and_lists_what_the_text_format_lists(project, run):
    root = project({"records/achievements/percent.yaml": PERCENT_STATUS}, with_shipped_records=True)

    text = run("--root", str(root), "check")
    report = json.loads(run("--root", str(root), "check", "--format", "json").out)

    assert report["records"] > 0
    assert [(p["src_path"], p["line"], p["column"], p["field"], p["code"]) for p in report["problems"]] == [
        ("records/achievements/percent.yaml", 11, 9, "status", "enum")
    ]
    assert text.out.splitlines()[0].startswith("records/achievements/percent.yaml:11:9: status: 取值 `50%` 无效")


def test_a_project_without_records_is_one_problem(tmp_path, run):
    (tmp_path / "schemas").symlink_to(REPO / "schemas")
    (tmp_path / "site.yaml").write_text((REPO / "site.yaml").read_text(encoding="utf-8"), encoding="utf-8")

    result = run("--root", str(tmp_path), "check")

    assert result.code == 1
    assert result.out.splitlines()[0] == (
        "records:1:1: 找不到 records/ 文件夹 / there is no records/ folder — 在项目根目录运行，或用 --root 指定 / "
        "run from the project's root or pass --root"
    )


def test_a_project_without_site_yaml_is_one_problem(project, run):
    root = project({}, site=None)

    result = run("--root", str(root), "check")

    assert result.code == 1
    assert result.out.splitlines()[0].startswith("site.yaml:1:1: 找不到站点设置 site.yaml / site.yaml is missing — ")


@pytest.mark.parametrize("kind", KINDS)
def test_new_writes_a_template_for_every_kind(kind, project, run):
    root = project({})

    result = run("--root", str(root), "new", kind, "test-record")

    assert result.code == 0, result
    written = root / "records" / folder_of(kind) / "test-record.yaml"
    assert result.out == f"已创建 / created records/{folder_of(kind)}/test-record.yaml\n"
    doc, problems = parse(written.name, written.read_text(encoding="utf-8"))
    assert problems == [] and doc.data["id"] == "test-record"


@pytest.mark.parametrize(
    ("kind", "record_id", "says"),
    [
        ("achievement", "Graphene_Film", "格式不对 / malformed id"),
        ("achievement", "a" * 65, "格式不对 / malformed id"),
        ("achievements", "graphene-film", "是否应为 achievement"),
        ("widget", "graphene-film", "未知类别 widget"),
    ],
    ids=["bad id", "id over 64 characters", "plural kind", "unknown kind"],
)
def test_new_refuses_a_bad_kind_or_id_and_writes_nothing(kind, record_id, says, project, run):
    root = project({})

    result = run("--root", str(root), "new", kind, record_id)

    assert result.code == 2, result
    assert says in result.err
    assert list((root / "records").rglob("*")) == []


def test_new_refuses_to_overwrite_a_record(project, run):
    root = project({"records/institutes/tsinghua.yaml": "id: tsinghua\n"})

    result = run("--root", str(root), "new", "institute", "tsinghua")

    assert result.code == 2
    assert "records/institutes/tsinghua.yaml 已存在，不会覆盖 / already exists, not overwritten" in result.err
    assert (root / "records/institutes/tsinghua.yaml").read_text(encoding="utf-8") == "id: tsinghua\n"


def test_an_achievement_template_fails_check_until_filled_in_then_passes(shipped, run):
    assert run("--root", str(shipped), "new", "achievement", "graphene-film-2").code == 0
    path = shipped / "records/achievements/graphene-film-2.yaml"
    assert run("--root", str(shipped), "check").code == 1, "an unfilled template must not pass check"

    record = yaml.safe_load(path.read_text(encoding="utf-8"))  # what a staffer fills in, field by field
    record["name"]["zh"] = "高导热石墨烯散热膜（二期）"
    record["institute"] = "tsinghua"
    record["field"] = "new-materials"
    record["stage"] = "research"
    record["summary"]["zh"] = "二期成果简介。"
    record["district"] = "qiandeng"
    record["reported"] = "2018-04-02"
    record["status"] = "tracked"
    path.write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8")

    result = run("--root", str(shipped), "check")
    assert result.code == 0, result
