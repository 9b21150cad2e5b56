"""`build.py diff REF`: records added, changed and removed, and the progress numbers that move, in a real git repo."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import make_project

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

NEW_PROJECT = """\
id: kaifaqu-new-test-project
name:
  zh: 测试用新合作项目
district: kaifaqu
enterprise:
  zh: 测试企业
institutes: [tsinghua]
mode: contract-rd
signed: 2019-05-01
"""


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture
def repo(tmp_path) -> Path:
    """The shipped project committed in a throwaway git repo."""
    root = make_project(tmp_path / "repo", {}, with_shipped_records=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.org", "add", ".")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "base")
    return root


def test_added_changed_removed_and_progress(repo, run):
    (repo / "records/projects/kaifaqu-new-test-project.yaml").write_text(NEW_PROJECT, encoding="utf-8")
    path = repo / "records/achievements/graphene-thermal-film.yaml"
    path.write_text(
        re.sub(r"(?m)^status: .*$", "status: negotiating", path.read_text(encoding="utf-8")), encoding="utf-8"
    )
    removed = repo / "records/events/2020-kaifaqu-it-forum.yaml"
    removed_name = next(line for line in removed.read_text(encoding="utf-8").splitlines() if line.startswith("  zh:"))[
        6:
    ]
    removed.unlink()

    result = run("--root", str(repo), "diff", "main")
    assert result.code == 0, result
    lines = result.out.splitlines()
    assert "记录 / records: 新增 1 / added, 修改 1 / changed, 删除 1 / removed" in lines
    added = lines[lines.index("新增 / added") + 1]
    assert added == "  校企合作项目 / Cooperation project  kaifaqu-new-test-project  测试用新合作项目"
    changed = lines[lines.index("修改 / changed") + 1]
    assert changed.startswith("  科技成果 / Technology achievement  graphene-thermal-film  ")
    assert changed.endswith("  [status]")
    gone = lines[lines.index("删除 / removed") + 1]
    assert gone == f"  对接活动 / Matchmaking event  2020-kaifaqu-it-forum  {removed_name}"

    progress = lines[lines.index("进度变化 / progress (统计截至 / as of 2020-12-31)") + 1 :]
    projects = [line for line in progress if line.startswith("  开发区 · 项目合作 2016–2020: ")]
    assert len(projects) == 1
    before, after = (int(n) for n in projects[0].split(": ")[1].split(" / ")[0].split(" → "))
    assert after == before + 1
    assert any(line.startswith("  开发区 · 对接活动 2016–2020: ") for line in progress)
    assert any(line.startswith("  合计 · 项目合作 2016–2020: ") for line in progress)


def test_markdown_for_the_job_summary(repo, run):
    (repo / "records/projects/kaifaqu-new-test-project.yaml").write_text(NEW_PROJECT, encoding="utf-8")
    result = run("--root", str(repo), "diff", "main", "--format", "markdown")
    assert result.code == 0, result
    lines = result.out.splitlines()
    assert lines[0] == "### 本次修改 / What this pull request changes"
    assert "| 校企合作项目 / Cooperation project | `kaifaqu-new-test-project` | 测试用新合作项目 |  |" in lines
    assert any(line.startswith("| 开发区 · 项目合作 2016–2020 | ") for line in lines)


def test_nothing_changed(repo, run):
    result = run("--root", str(repo), "diff", "HEAD")
    assert result.code == 0, result
    assert "记录 / records: 新增 0 / added, 修改 0 / changed, 删除 0 / removed" in result.out
    assert result.out.endswith("  没有变化 / nothing moves\n")


def test_ref_whose_records_fail_check_is_named(repo, run):
    bad = repo / "records/projects/kaifaqu-new-test-project.yaml"
    bad.write_text(NEW_PROJECT.replace("mode: contract-rd", "mode: handshake"), encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "broken")
    bad.write_text(NEW_PROJECT, encoding="utf-8")
    result = run("--root", str(repo), "diff", "HEAD")
    assert result.code == 0, result
    assert "注意：HEAD 处的记录 / the records at HEAD 未通过检查（1 个问题），进度变化未计算" in result.out
    assert "  校企合作项目 / Cooperation project  kaifaqu-new-test-project  测试用新合作项目  [mode]" in result.out


def test_unknown_ref_is_a_usage_error(repo, run):
    result = run("--root", str(repo), "diff", "no-such-branch")
    assert result.code == 2, result
    assert "找不到 git 版本 no-such-branch / unknown git ref no-such-branch" in result.err


def test_not_a_git_repo_is_a_usage_error(shipped, run):
    result = run("--root", str(shipped), "diff", "main")
    assert result.code == 2, result
    assert "不是 git 仓库" in result.err and "is not a git repository" in result.err
