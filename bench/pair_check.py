"""Time `build.py check` of two code trees on the same records, runs alternating, cold (no .cache/) and warm.

    .venv/bin/python bench/pair_check.py BEFORE AFTER [--records PROJECT] [--runs N] [--work DIR]

BEFORE and AFTER are checkouts of the repository (e.g. `git worktree add /tmp/before main`); each is timed with its
own code and its own schemas on a copy of the records (PROJECT, a folder made by bench/generate.py, or by default the
records and site.yaml of AFTER), hard-linked, so that both read the same bytes. The order alternates run by run, so a
machine that gets busier or quieter does not favour one side. Prints each run and the medians, wall and CPU seconds
(CPU = user + system of the check and its workers).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def project(tree: Path, records: Path, work: Path, side: str) -> Path:
    """A folder with the records of `records` (hard links) and the schemas of `tree`."""
    root = work / side
    if not root.exists():
        root.mkdir(parents=True)
        subprocess.run(["cp", "-al", str(records / "records"), str(root / "records")], check=True)
        shutil.copy(records / "site.yaml", root / "site.yaml")
    shutil.rmtree(root / "schemas", ignore_errors=True)
    shutil.copytree(tree / "schemas", root / "schemas")
    return root


def one(tree: Path, root: Path, cold: bool) -> tuple[float, float, str]:
    if cold:
        shutil.rmtree(root / ".cache", ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(tree / "build.py"), "--root", str(root), "check"], capture_output=True, text=True
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    last = done.stdout.splitlines()[-1] if done.stdout else done.stderr.strip()[-200:]
    return wall, cpu, f"exit {done.returncode}: {last[:80]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--records", type=Path, default=None, help="a project folder (default: AFTER's records)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--work", type=Path, default=Path("/tmp/pair-check"))
    args = parser.parse_args()
    trees = {"before": args.before.resolve(), "after": args.after.resolve()}
    records = (args.records or args.after).resolve()
    shutil.rmtree(args.work, ignore_errors=True)
    roots = {side: project(tree, records, args.work, side) for side, tree in trees.items()}
    for side in trees:  # one untimed run each: the page cache, the .pyc files
        one(trees[side], roots[side], cold=True)
    times: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for run in range(args.runs):
        for side in list(trees) if run % 2 == 0 else list(reversed(trees)):
            for state in ("cold", "warm"):
                wall, cpu, said = one(trees[side], roots[side], cold=state == "cold")
                times.setdefault((side, state), []).append((wall, cpu))
                print(f"run {run} {side:6} {state}: {wall:.3f} s wall, {cpu:.3f} s CPU ({said})", flush=True)
    for state in ("cold", "warm"):
        medians = {side: [statistics.median(t[i] for t in times[(side, state)]) for i in (0, 1)] for side in trees}
        (bw, bc), (aw, ac) = medians["before"], medians["after"]
        print(
            f"{state}: before {bw:.3f} / {bc:.3f} s, after {aw:.3f} / {ac:.3f} s (wall / CPU): "
            f"{100 * (aw - bw) / bw:+.1f} % wall, {100 * (ac - bc) / bc:+.1f} % CPU"
        )


if __name__ == "__main__":
    main()
