"""The kinds of edit staff make, as functions on a generated project (bench/generate.py): the benchmark times two
of them (`edit_achievement`, `add_event`), and `bench/run.py --verify` and tests/test_bench.py apply every one in
turn and compare each incremental build with a clean build of the same records, byte for byte.

Each edit changes what other pages and files show — names on cards and in search results, facet counts, progress,
partner lists, a download's rows, a search-index postings file or text chunk — so a dependency the incremental
build misses shows as a difference.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import yaml
from generate import dump


def edit_achievement(root: Path, run_number: int) -> None:
    """Change the first sentence of one achievement's summary, as staff do."""
    path = sorted((root / "records/achievements").glob("bench-ach-*.yaml"))[run_number % 5]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["summary"]["zh"] = f"第{run_number + 1}次修改。" + data["summary"]["zh"]
    path.write_text(dump(data), encoding="utf-8")


def add_event(root: Path, run_number: int) -> Path:
    """Add one new event record."""
    path = root / "records/events" / f"bench-added-{run_number}.yaml"
    path.write_text(
        f"id: bench-added-{run_number}\ntitle:\n  zh: 新增对接活动（第{run_number}次）\ntype: forum\n"
        "start: 2020-06-01\ndistrict: kaifaqu\ninstitutes: [tsinghua]\n",
        encoding="utf-8",
    )
    return path


def retext(path: Path, old: str, new: str) -> None:
    """Replace the first `old` in a record file (which must contain it)."""
    text = path.read_text(encoding="utf-8")
    if old not in text:
        raise ValueError(f"{path}: {old!r} not found")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def restatus(path: Path) -> None:
    """Move an achievement to another status."""
    text = path.read_text(encoding="utf-8")
    status = re.search(r"^status: (\S+)$", text, re.M).group(1)
    path.write_text(
        text.replace(f"status: {status}", "status: " + ("tracked" if status != "tracked" else "transferred")),
        encoding="utf-8",
    )


def redate(path: Path) -> None:
    """The record's report date set to the newest of all (it moves to the top of every list sorted by date)."""
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^reported: \S+$", "reported: 2020-12-30", text, count=1, flags=re.M), encoding="utf-8")


def english_summary(path: Path, text: str) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["summary"]["en"] = text
    path.write_text(dump(data), encoding="utf-8")


def chinese_summary(path: Path, text: str) -> None:
    """Put `text` before an achievement's Chinese summary."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["summary"]["zh"] = text + data["summary"]["zh"]
    path.write_text(dump(data), encoding="utf-8")


def chinese_summary_without(path: Path, text: str) -> None:
    """Take `text` off the front of an achievement's Chinese summary again."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not data["summary"]["zh"].startswith(text):
        raise ValueError(f"{path}: the summary does not start with {text!r}")
    data["summary"]["zh"] = data["summary"]["zh"].removeprefix(text)
    path.write_text(dump(data), encoding="utf-8")


def add_achievement(root: Path, record_id: str) -> None:
    """A copy of an achievement under a new id (sorted after bench-ach-000002)."""
    source = (root / "records/achievements/bench-ach-000002.yaml").read_text(encoding="utf-8")
    target = root / f"records/achievements/{record_id}.yaml"
    target.write_text(source.replace("id: bench-ach-000002", f"id: {record_id}", 1), encoding="utf-8")


def by_hand(out: Path) -> None:
    """A page edited and files put into the output by hand: the next build (which keeps public/ in place) restores the
    page and deletes the files and their folder."""
    (out / "stray").mkdir()
    (out / "stray/page.html").write_text("<p>by hand</p>", encoding="utf-8")
    (out / "achievements/stray.html").write_text("<p>by hand</p>", encoding="utf-8")
    with open(out / "about.html", "a", encoding="utf-8") as page:
        page.write("<!-- by hand -->")


def every_edit(root: Path) -> list[tuple[str, Callable[[], object]]]:
    """Every kind of edit (one of them to the output, public/, by hand), in the order they are applied, each on top
    of the ones before."""
    records = root / "records"
    english = records / "achievements/bench-ach-000005.yaml"
    return [
        (
            "rename an institute",
            lambda: retext(records / "institutes/tsinghua.yaml", "zh: 清华大学", "zh: 清华大学（改）"),
        ),
        (
            "rename an institute in English only",
            lambda: retext(records / "institutes/tsinghua.yaml", "en: Tsinghua University", "en: Tsinghua Univ."),
        ),
        # Fields that whole-kind pages read alone (registry/model/fields.py): the reports, the home page, the forms
        # and the facet counts must follow them (a summary edit leaves those pages unplanned).
        ("move an achievement's report date", lambda: redate(records / "achievements/bench-ach-000011.yaml")),
        (
            "mark an achievement a sample",
            lambda: retext(records / "achievements/bench-ach-000012.yaml", "id: ", "sample: true\nid: "),
        ),
        ("give an achievement an English summary", lambda: english_summary(english, "A film for hot optics.")),
        ("edit only that English text", lambda: english_summary(english, "A film for very hot optics.")),
        ("change an achievement's status", lambda: restatus(records / "achievements/bench-ach-000003.yaml")),
        ("add an event", lambda: add_event(root, 1)),
        ("remove a project", lambda: (records / "projects/bench-project-00002.yaml").unlink()),
        ("edit public/ by hand", lambda: by_hand(root / "public")),
        ("rename a district", lambda: retext(records / "districts/bacheng.yaml", "zh: 巴城\n", "zh: 巴城镇区\n")),
        ("edit a summary only", lambda: edit_achievement(root, 0)),
        ("add an achievement (later rows move down)", lambda: add_achievement(root, "bench-ach-000002a")),
        ("rename an achievement", lambda: retext(records / "achievements/bench-ach-000040.yaml", "zh: ", "zh: 新")),
        (
            "new words in a summary",
            lambda: chinese_summary(records / "achievements/bench-ach-000007.yaml", "石墨烯量子点。"),
        ),
        (  # the postings kept in the cache patched: tokens no other record has leave the index (search_cache.py)
            "those words taken out again",
            lambda: chinese_summary_without(records / "achievements/bench-ach-000007.yaml", "石墨烯量子点。"),
        ),
        (
            "edit a field the downloads show",
            lambda: retext(
                records / "achievements/bench-ach-000010.yaml", "department:\n  zh: ", "department:\n  zh: 改过的"
            ),
        ),
    ]
