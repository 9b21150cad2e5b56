"""When each record file last changed, read from git history in one pass over the whole records/ tree.

`git log --name-only` over records/ lists every commit (newest first) with the files it changed: a file's last
change is the first commit that names it, and the number of commits that name it counts its revisions. One process
for the whole tree, not one per file (100,000 records would be 100,000 processes). What this gives depends on the
history only, never the clock or the working tree, so the same commit builds the same bytes. Where there is no
history to read — a tarball or a copy without .git, git not installed, a shallow clone (whose oldest commit would
claim every file) — `History.source` says why and callers fall back to the records' own dates.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

FOLDER = "records"


@dataclass(frozen=True)
class Change:
    """A record file in history: the commit time of its last change (seconds since 1970, UTC) and how many commits
    changed it (1 = only the one that added it)."""

    time: int
    revisions: int


@dataclass(frozen=True)
class History:
    """Every committed record file's Change, by path relative to the project root (records/events/x.yaml)."""

    changes: dict[str, Change] = field(default_factory=dict)
    source: str = "git"
    """"git", or why there is no history: "no-git" (no repository or no git), "shallow" (a shallow clone)."""

    def of(self, src_path: str) -> Change | None:
        """The file's last change, or None when history does not know it (no history, or not committed yet)."""
        return self.changes.get(src_path)


def _git(root: Path, *args: str) -> str | None:
    """git's standard output in root, or None when git is missing or fails (no repository there)."""
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "-c", "core.quotePath=false", *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=False,
        )
    except OSError:
        return None
    return done.stdout if done.returncode == 0 else None


def file_history(root: Path) -> History:
    """The history of every file under root/records/, from one `git log`."""
    shallow = _git(root, "rev-parse", "--is-shallow-repository")
    if shallow is None:
        return History(source="no-git")
    if shallow.strip() == "true":
        return History(source="shallow")
    log = _git(root, "log", "--relative", "--no-renames", "--name-only", "--format=%x00%ct", "--", FOLDER)
    if log is None:
        return History(source="no-git")
    times: dict[str, int] = {}
    counts: dict[str, int] = {}
    time = 0
    for line in log.splitlines():
        if line.startswith("\0"):
            time = int(line[1:])
        elif line:
            times.setdefault(line, time)  # newest first: the first commit that names a file changed it last
            counts[line] = counts.get(line, 0) + 1
    return History({path: Change(times[path], counts[path]) for path in sorted(times)})
