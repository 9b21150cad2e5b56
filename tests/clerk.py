"""What a clerk does by hand, done the same way in tests: copy the project, fill in a record template."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SKIPPED = (".venv", "node_modules", "public", ".cache", "screenshots", ".git")

ACHIEVEMENT = {
    "id": "welding-vision-guidance",
    "name.zh": "激光熔覆再制造修复技术",
    "institute": "tsinghua",
    "field": "equipment",
    "stage": "research",
    "summary.zh": "基于深度学习的焊缝识别与轨迹规划，适用于中厚板焊接，已在两家企业试用。",
    "district": "kaifaqu",
    "reported": "2021-03-01",
    "status": "tracked",
}
"""A real achievement as a clerk fills in the template: every required field."""

_KEY = re.compile(r"^(?P<indent>\s*)(?P<key>[A-Za-z_][A-Za-z0-9_]*):(?P<rest>.*)$")


def fill_in(template: str, values: dict[str, str]) -> str:
    """Fill a record template as a clerk does: the value of each listed field (a dotted path such as `name.zh`)
    replaces the placeholder on its line, the comment after it is kept. Fails if a listed field is not in the
    template, or if an uncommented field is left empty (`""` or `[]`) — the template asked for something the
    clerk was not told to fill in."""
    out, parents, used = [], [], set()
    for line in template.splitlines():
        match = _KEY.match(line)
        if match and not line.lstrip().startswith("#"):
            depth = len(match["indent"]) // 2
            parents = [*parents[:depth], match["key"]]
            path = ".".join(parents)
            if path in values:
                _old, sep, comment = match["rest"].partition("  # ")
                line = f"{match['indent']}{match['key']}: {values[path]}" + (f"  # {comment}" if sep else "")
                used.add(path)
            elif match["rest"].split("  # ")[0].strip() in ('""', "[]"):
                raise AssertionError(f"the template asks for {path}, which the clerk was not told to fill in: {line}")
        out.append(line)
    missing = sorted(set(values) - used)
    if missing:
        raise AssertionError(f"not in the template: {', '.join(missing)}")
    return "\n".join(out) + "\n"


def copy_project(dest: Path, *, git: bool = True) -> Path:
    """A copy of the shipped project as a clerk's clone has it: every file git knows (and new ones not ignored),
    committed in a fresh repository, with `.venv` pointing at this Python's environment (as `.ci/run` made it)."""
    listed = (
        subprocess.run(
            ["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            capture_output=True,
            check=True,
        )
        .stdout.decode("utf-8")
        .split("\0")
    )
    for rel in filter(None, listed):
        source = REPO / rel
        if rel.split("/", 1)[0] in SKIPPED or source.is_symlink() or not source.is_file():
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    if git:
        env = {
            **os.environ,
            "GIT_AUTHOR_NAME": "clerk",
            "GIT_AUTHOR_EMAIL": "clerk@example.org",
            "GIT_COMMITTER_NAME": "clerk",
            "GIT_COMMITTER_EMAIL": "clerk@example.org",
        }
        for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "copy"]):
            subprocess.run(["git", "-C", str(dest), *args], check=True, env=env, capture_output=True)
    (dest / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    return dest
