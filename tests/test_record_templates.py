"""What staff are told to copy is a real record: record-templates/ (blank records, never samples), as CONTRIBUTING.md
says; a clerk's copy, filled in, passes check and is published as fact. A pull request that adds a record marked
`sample: true` is called out in its summary.

To rewrite record-templates/ after a schema change:  UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_record_templates.py
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import lxml.html
import pytest
from clerk import ACHIEVEMENT, copy_project, fill_in
from conftest import REPO

import build
from registry import folder_of
from registry.records.schemas import SchemaSet
from registry.staff.new import STARTER_KINDS, STARTERS, template

UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"

FILLED = {
    "achievement": ACHIEVEMENT,
    "event": {
        "id": "staff-event",
        "title.zh": "智能制造产学研对接会",
        "type": "matchmaking",
        "start": "2021-04-08",
        "district": "kaifaqu",
        "institutes": "[tsinghua, sjtu]",
    },
    "project": {
        "id": "staff-project",
        "name.zh": "伺服电机控制算法合同研发",
        "district": "kaifaqu",
        "enterprise.zh": "昆山某精密机械有限公司",
        "institutes": "[hit]",
        "mode": "contract-rd",
        "signed": "2021-05-20",
    },
    "talent": {
        "id": "staff-talent",
        "name.zh": "工业机器人视觉团队",
        "form": "team",
        "people": "4",
        "institute": "sjtu",
        "district": "kaifaqu",
        "date": "2021-06-01",
    },
    "carrier": {
        "id": "staff-carrier",
        "name.zh": "精密制造联合研发中心",
        "type": "new-rd-institution",
        "level": "kunshan",
    },
    "institute": {
        "id": "staff-institute",
        "name.zh": "西交利物浦大学",
        "name.en": "Xi'an Jiaotong-Liverpool University",
        "type": "university",
        "country": "CN",
    },
}
"""What a clerk writes into each template: its required fields, nothing else."""


def guide_step() -> str:
    """CONTRIBUTING.md's step that says what to copy in GitHub's web editor (its way 2, step 3)."""
    guide = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    start = guide.index("：在 GitHub 网页上直接编辑")
    way = guide[start : guide.index("### 方式", start)]
    return next(line for line in way.splitlines() if line.startswith("3. "))


@pytest.mark.parametrize("kind", STARTER_KINDS)
def test_each_template_file_is_what_build_py_new_writes(kind):
    path = REPO / STARTERS / f"{kind}.yaml"
    expected = template(SchemaSet(REPO / "schemas"), kind, None)
    if UPDATE:
        path.write_text(expected, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == expected, (
        f"rewrite {path.name}: UPDATE_GOLDEN=1 (see this file's docstring)"
    )
    assert not re.search(r"(?m)^sample:", expected)


def test_contributing_points_to_a_template_not_to_a_sample():
    step = guide_step()
    named = re.findall(r"`([\w./-]+\.yaml)`", step)
    assert named == [f"{STARTERS}/achievement.yaml"], step
    for path in named:
        text = (REPO / path).read_text(encoding="utf-8")
        assert not re.search(r"(?m)^sample:\s*true", text)
    english = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8").split("## English", 1)[1]
    assert f"`{STARTERS}/achievement.yaml`" in english


@pytest.mark.parametrize("kind", STARTER_KINDS)
def test_a_filled_in_template_passes_check(kind, project, run):
    text = fill_in((REPO / STARTERS / f"{kind}.yaml").read_text(encoding="utf-8"), FILLED[kind])
    root = project({f"records/{folder_of(kind)}/{FILLED[kind]['id']}.yaml": text}, with_shipped_records=True)
    result = run("--root", str(root), "check")
    assert result.code == 0, result


def test_an_unfilled_copy_fails_check_on_every_empty_field(project, run):
    text = (REPO / STARTERS / "achievement.yaml").read_text(encoding="utf-8")
    root = project({"records/achievements/copied.yaml": text}, with_shipped_records=True)
    result = run("--root", str(root), "check")
    assert result.code == 1
    fields = [line.split(": ")[1] for line in result.out.splitlines()[:-1]]
    assert fields == ["id", "name.zh", "institute", "field", "stage", "summary.zh", "district", "reported", "status"]
    assert "编号与文件名相同：改为 id: copied" in result.out


def test_the_clerks_copy_is_published_as_fact(tmp_path):
    """Copy what CONTRIBUTING.md says, fill it in, check, build without samples: the record is there, unmarked."""
    root = copy_project(tmp_path / "project", git=False)
    source = re.findall(r"`([\w./-]+\.yaml)`", guide_step())[0]
    record = root / "records/achievements" / f"{ACHIEVEMENT['id']}.yaml"
    record.write_text(fill_in((root / source).read_text(encoding="utf-8"), ACHIEVEMENT), encoding="utf-8")
    for include in ("true", "false"):
        site = root / "site.yaml"
        site.write_text(
            re.sub(r"(?m)^include_samples: \w+", f"include_samples: {include}", site.read_text(encoding="utf-8")),
            encoding="utf-8",
        )
        assert build.main(["--root", str(root), "check"]) == 0
        out = tmp_path / f"out-{include}"
        assert build.main(["--root", str(root), "build", "--out", str(out)]) == 0
        page = lxml.html.parse(str(out / "achievements" / f"{ACHIEVEMENT['id']}.html")).getroot()
        assert page.xpath("string(//h1)").strip() == ACHIEVEMENT["name.zh"]
        assert not page.xpath(
            "//article//*[contains(@class, 'badge-sample')][not(ancestor::*[contains(@class, 'contact')])]"
        )
        listing = lxml.html.parse(str(out / "achievements" / "index.html")).getroot()
        (card,) = [
            li
            for li in listing.xpath("//li[contains(@class, 'card')]")
            if li.xpath(f".//a[contains(@href, '{ACHIEVEMENT['id']}.html')]")
        ]
        assert not card.xpath(".//*[contains(@class, 'badge-sample')]")


# -- the pull request's summary --------------------------------------------------------------------------------


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        capture_output=True,
        check=True,
    )


def test_the_pull_request_summary_calls_out_a_record_added_as_a_sample(tmp_path, run):
    root = copy_project(tmp_path / "repo")
    sample_copy = (root / "records/achievements/graphene-thermal-film.yaml").read_text(encoding="utf-8")
    sample_copy = sample_copy.replace("id: graphene-thermal-film", "id: copied-sample").replace(
        "高导热石墨烯复合散热膜制备技术", "复制来的示例成果"
    )
    (root / "records/achievements/copied-sample.yaml").write_text(sample_copy, encoding="utf-8")
    real = fill_in((root / STARTERS / "achievement.yaml").read_text(encoding="utf-8"), ACHIEVEMENT)
    (root / "records/achievements" / f"{ACHIEVEMENT['id']}.yaml").write_text(real, encoding="utf-8")

    markdown = run("--root", str(root), "diff", "HEAD", "--format", "markdown")
    text = run("--root", str(root), "diff", "HEAD")

    assert markdown.code == text.code == 0, markdown
    block = [line for line in markdown.out.splitlines() if line.startswith(">")]
    assert block[0] == "> [!WARNING]" and "sample: true" in block[1]
    assert block[-1] == "> - `records/achievements/copied-sample.yaml` 复制来的示例成果"
    assert ACHIEVEMENT["id"] not in "\n".join(block)
    assert "| `copied-sample` | 复制来的示例成果 **（示例 / sample）** |" in markdown.out
    assert "  records/achievements/copied-sample.yaml  复制来的示例成果" in text.out.splitlines()

    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "add")
    path = root / "records/achievements" / f"{ACHIEVEMENT['id']}.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "sample: true\n", encoding="utf-8")  # a real record made fiction
    changed = run("--root", str(root), "diff", "HEAD", "--format", "markdown")
    assert f"> - `records/achievements/{ACHIEVEMENT['id']}.yaml` {ACHIEVEMENT['name.zh']}" in changed.out

    git(root, "checkout", "-q", "--", ".")
    clean = run("--root", str(root), "diff", "HEAD", "--format", "markdown")
    assert "[!WARNING]" not in clean.out
