"""The calendar's change times from git history: DTSTAMP and LAST-MODIFIED from the last commit that changed an
event's file, SEQUENCE counting the commits after the first; without history, the event's own date."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import icalendar
import pytest
from conftest import make_project

import build
from registry.records.history import Change, file_history

EVENT = "records/events/2016-gaoxinqu-robotics-forum.yaml"
FIRST = "2017-03-01T09:00:00+08:00"  # 01:00 UTC
CORRECTED = "2017-05-20T16:30:00+08:00"  # 08:30 UTC


def git(root: Path, *args: str, date: str = FIRST) -> str:
    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    identity = ["-c", "user.name=Staff", "-c", "user.email=staff@example.org", "-c", "commit.gpgsign=false"]
    done = subprocess.run(["git", *identity, *args], cwd=root, env=env, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture(scope="module")
def repository(tmp_path_factory) -> Path:
    """The shipped records committed once, then one event corrected twice (the other files never change)."""
    root = make_project(tmp_path_factory.mktemp("history") / "project", {}, with_shipped_records=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "records")
    event = root / EVENT
    for n, date in enumerate(("2017-04-01T10:00:00+08:00", CORRECTED), start=1):
        event.write_text(event.read_text(encoding="utf-8").replace(f"约20{n - 1}人", f"约20{n}人"), encoding="utf-8")
        git(root, "commit", "-q", "-am", f"correction {n}", date=date)
    return root


def events_of(out: Path) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical((out / "events.ics").read_bytes())
    return {str(e["SUMMARY"]).removeprefix("【示例】"): e for e in calendar.walk("VEVENT")}


def test_history_is_read_in_one_pass(repository):
    history = file_history(repository)
    assert history.source == "git"
    assert history.of(EVENT) == Change(1495269000, 3)  # 2017-05-20 08:30 UTC, added and corrected twice
    committed = sorted(p.relative_to(repository).as_posix() for p in (repository / "records").rglob("*.yaml"))
    assert sorted(history.changes) == committed
    assert {history.of(p) for p in committed if p != EVENT} == {Change(1488330000, 1)}  # 2017-03-01 01:00 UTC


def test_calendar_stamps_each_event_with_its_last_change(repository, capsys):
    out = repository.parent / "out"
    assert build.main(["--root", str(repository), "build", "--out", str(out)]) == 0
    assert "注意" not in capsys.readouterr().out
    events = events_of(out)
    corrected = events["高新区机器人与智能制造科技论坛"]
    assert corrected["DTSTAMP"].to_ical() == b"20170520T083000Z"
    assert corrected["LAST-MODIFIED"].to_ical() == b"20170520T083000Z"
    assert corrected["SEQUENCE"] == 2
    others = [e for title, e in events.items() if title != "高新区机器人与智能制造科技论坛"]
    assert others and all(e["DTSTAMP"].to_ical() == b"20170301T010000Z" and e["SEQUENCE"] == 0 for e in others)
    # Another build of the same commit, in a fresh copy of the repository: the same bytes (no clock, no mtime).
    copy = repository.parent / "clone"
    git(repository.parent, "clone", "-q", str(repository), str(copy))
    assert build.main(["--root", str(copy), "build", "--out", str(copy / "out")]) == 0
    assert (copy / "out" / "events.ics").read_bytes() == (out / "events.ics").read_bytes()


@pytest.mark.parametrize("how", ["shallow", "no-git"])
def test_without_history_the_calendar_falls_back_to_the_events_dates_and_says_so(repository, how, capsys):
    copy = repository.parent / how
    if how == "shallow":
        git(repository.parent, "clone", "-q", "--depth", "1", repository.as_uri(), str(copy))
    else:
        shutil.copytree(repository, copy, ignore=shutil.ignore_patterns(".git"))
    assert file_history(copy).source == how
    assert build.main(["--root", str(copy), "build", "--out", str(copy / "out")]) == 0
    assert f"no full git history ({how})" in capsys.readouterr().out
    events = events_of(copy / "out")
    corrected = events["高新区机器人与智能制造科技论坛"]
    assert corrected["DTSTAMP"].to_ical() == b"20161110T000000Z"  # its first day
    assert "LAST-MODIFIED" not in corrected
    assert all(e["SEQUENCE"] == 0 for e in events.values())
