"""最后更新 from git: every record page shows the date of the last commit that changed its file (one `git log` for the
whole tree), the data page when the registry last changed; a build without history still works and says so."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from lxml import html

import build
from registry.records.history import file_history

RECORD = "records/achievements/lfp-battery-thermal-runaway-warning.yaml"
PAGE = "achievements/lfp-battery-thermal-runaway-warning.html"


def git(root: Path, *args: str, when: str | None = None) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "测试", "GIT_AUTHOR_EMAIL": "t@example.org"}
    env.update({"GIT_COMMITTER_NAME": "测试", "GIT_COMMITTER_EMAIL": "t@example.org"})
    if when:
        env.update({"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when})
    done = subprocess.run(["git", "-C", str(root), *args], env=env, capture_output=True, text=True, check=True)
    return done.stdout


def updated(page: Path) -> str:
    doc = html.parse(str(page)).getroot()
    (span,) = doc.xpath("//p[@class='kicker']/span[@class='updated']")
    times = span.xpath("time/@datetime")
    return times[0] if times else span.text_content()


def test_a_record_page_shows_the_date_of_its_file_s_last_commit(shipped):
    git(shipped, "init", "-q", "-b", "main")
    git(shipped, "add", "-A")
    git(shipped, "commit", "-qm", "records", when="2021-01-05T10:00:00+08:00")
    path = shipped / RECORD
    path.write_text(path.read_text(encoding="utf-8").replace("锂电池", "锂离子电池", 1), encoding="utf-8")
    # 1 a.m. in China is the evening before in UTC: the page dates it as git's %cs does, by China Standard Time
    git(shipped, "commit", "-qam", "edit", when="2021-03-05T01:00:00+08:00")
    assert build.main(["--root", str(shipped), "build"]) == 0
    public = shipped / "public"
    for rel in (RECORD, "records/institutes/tsinghua.yaml", "records/districts/kaifaqu.yaml"):
        page = {"achievements": "achievements", "institutes": "institutes", "districts": "districts"}
        kind = rel.split("/")[1]
        out = public / page[kind] / (Path(rel).stem + ".html")
        assert updated(out) == git(shipped, "log", "-1", "--format=%cs", "--", rel).strip()
    assert updated(public / PAGE) == "2021-03-05"
    history = file_history(shipped)
    assert history.source == "git" and history.of(RECORD).revisions == 2
    assert history.of("records/institutes/tsinghua.yaml").revisions == 1
    assert updated(public / "institutes/tsinghua.html") == "2021-01-05"
    data = html.parse(str(public / "data/index.html")).getroot()
    assert data.xpath("string(//p[@class='updated'])") == "登记簿最近一次更改：2021年3月5日"
    assert data.xpath("//p[@class='updated']/time/@datetime") == ["2021-03-05"]


def test_without_git_history_the_build_works_and_says_so(shipped):
    shutil.rmtree(shipped / ".git", ignore_errors=True)
    assert build.main(["--root", str(shipped), "build"]) == 0
    assert updated(shipped / "public" / PAGE) == "最后更新：未知（本次构建没有 git 版本历史）"
    data = html.parse(str(shipped / "public/data/index.html")).getroot()
    assert data.xpath("string(//p[@class='updated'])") == "登记簿最近一次更改：未知（本次构建没有 git 版本历史）"


def test_history_is_read_with_one_git_process_for_the_whole_tree(shipped, monkeypatch):
    git(shipped, "init", "-q", "-b", "main")
    git(shipped, "add", "-A")
    git(shipped, "commit", "-qm", "records", when="2021-01-05T10:00:00+08:00")
    calls = []
    real = subprocess.run

    def counting(args, *rest, **kwargs):
        if args and args[0] == "git":
            calls.append(args)
        return real(args, *rest, **kwargs)

    monkeypatch.setattr(subprocess, "run", counting)
    assert build.main(["--root", str(shipped), "build"]) == 0
    logs = [c for c in calls if "log" in c]
    # One log; besides it only rev-parse (the history's "shallow?" and the nothing-changed stamp's commit), none per file.
    assert len(logs) == 1 and all("rev-parse" in c for c in calls if "log" not in c) and len(calls) <= 3
