"""`check` finds the same problems in one process and in forked workers, and leaves the garbage collector as it was."""

from __future__ import annotations

import gc
import json
import os
import random
import shutil
import subprocess
import sys
import unicodedata

import pytest
from conftest import REPO

from registry import KINDS
from registry.engine.checking import check
from registry.records.names import normalise

BAD = {
    "records/achievements/bad-date.yaml": "id: bad-date\nname: {zh: 日期不存在的成果}\nreported: 2017-02-30\n",
    "records/achievements/long-fit.yaml": "id: long-fit\nfit:\n  zh: " + "字" * 301 + "\n",
    "records/institutes/bad-site.yaml": 'id: bad-site\nname: {zh: 某大学, en: A University}\nwebsite: "http://a\\x1cb"\n',
    "records/events/dup.yaml": "id: dup\nid: dup\n",
}


FORKED = """
import json, sys, threading
from pathlib import Path
from registry import KINDS
from registry.engine import checking as check
assert threading.active_count() == 1  # so check forks its workers
check.MIN_FILES_FOR_WORKERS = 1  # even for these 140 files
result = check.check(Path(sys.argv[1]))
print(json.dumps({"problems": [p.text() for p in result.problems],
                  "records": [[r.kind, r.id, r.data] for kind in KINDS for r in result.registry.all(kind)]}, ensure_ascii=False))
"""


@pytest.mark.parametrize("cache", ["cache", "no cache"])
def test_forked_workers_find_what_one_process_finds(project, monkeypatch, cache):
    if cache == "no cache":  # then the workers read the files themselves
        monkeypatch.setenv("REGISTRY_NO_CACHE", "1")
    root = project(BAD, with_shipped_records=True)
    single = check(root)
    assert {"date-invalid", "too-many-chars", "text-control", "yaml-duplicate-key"} <= {p.code for p in single.problems}
    shutil.rmtree(root / ".cache", ignore_errors=True)  # no record cached: the workers parse every file

    # In a fresh process: this one may run threads (earlier tests'), and then check never forks.
    forked = json.loads(
        subprocess.run(
            [sys.executable, "-c", FORKED, str(root)],
            cwd=REPO,
            env=os.environ,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )

    assert forked["problems"] == [p.text() for p in single.problems]
    assert len(forked["records"]) == len(single.registry) > 100
    assert forked["records"] == [[r.kind, r.id, r.data] for kind in KINDS for r in single.registry.all(kind)]


def test_check_leaves_the_garbage_collector_as_it_found_it(project):
    root = project(BAD)
    check(root)
    assert gc.isenabled()
    gc.disable()
    try:
        check(root)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_normalise_keeps_the_letters_and_numbers_of_the_folded_text():
    rng = random.Random(5)
    texts = ["清华大学", "Ｔｓｉｎｇｈｕａ Univ.", "上海交大\u200b", "中国科学院·沈阳自动化研究所", "Straße ①"]
    texts += ["".join(chr(rng.randrange(0x20, 0x30000)) for _ in range(rng.randrange(30))) for _ in range(2000)]
    for text in texts:
        text = text.encode("utf-8", "replace").decode("utf-8")
        folded = unicodedata.normalize("NFKC", text).casefold()
        assert normalise(text) == "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LN"), repr(text)
