"""The build benchmark: check, full build, rebuilds after one edit, peak memory, output size, at N records.

    .venv/bin/python bench/run.py [--sizes 1000 10000 100000] [--runs 3] [--keep DIR] [--verify]
    .venv/bin/python bench/run.py --vs-hugo [--sizes 10000] [--runs 3]     # cold builds against Hugo's, in pairs

For each N, bench/generate.py writes a synthetic project into a temporary folder; every command runs as a
subprocess (`build.py --root … check|build --timings`), timed by wall clock and by CPU (the children's user +
system time: the fairer figure on a busy machine), its peak memory sampled as RSS and PSS summed over the whole
process tree (workers included). Each run starts cold (no .cache/, no output), then edits one achievement,
then adds one event, then builds once more with nothing changed. Medians over the runs. --verify then applies
every kind of edit in bench/edits.py in turn (renames, statuses, English texts, additions, a removal, new words in
the search index, a field the downloads show), each followed by an incremental build and a clean build into
another folder, compared byte for byte (exit 1 at the first difference); the records are put back afterwards.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import hugo_site  # noqa: E402
from edits import add_event, edit_achievement, every_edit  # noqa: E402
from generate import generate  # noqa: E402

PHASE = re.compile(r"^timing (\S+)\s+([\d.]+) s")


@dataclass
class Measure:
    """One subprocess: wall seconds, CPU seconds (children), peak RSS and PSS of its process tree (bytes), phases."""

    wall: float
    cpu: float
    peak: int
    peak_pss: int
    phases: dict[str, float] = field(default_factory=dict)


def tree_memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) summed over a process and all its descendants, from /proc, in bytes.

    RSS counts a page shared by forked workers once per process; PSS splits it between them, so the PSS sum is
    the memory the tree really holds. Both are reported.
    """
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                children.setdefault(int(f.read().rsplit(")", 1)[1].split()[1]), []).append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    rss = pss = 0
    todo = [pid]
    while todo:
        current = todo.pop()
        todo += children.get(current, [])
        try:
            with open(f"/proc/{current}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1]) * 1024
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1]) * 1024
        except (OSError, ValueError):
            continue
    return rss, pss


def run(argv: list[str], env: dict[str, str] | None = None) -> Measure:
    """Run build.py with argv (see measure)."""
    return measure([sys.executable, str(REPO / "build.py"), *argv], env)


def measure(command: list[str], env: dict[str, str] | None = None) -> Measure:
    """Run a command, sampling its tree's memory every 50 ms; fail loudly if it fails."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )
    peak = [0, 0]

    def sample() -> None:
        while proc.poll() is None:
            rss, pss = tree_memory(proc.pid)
            peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - started
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # CPU of the build and its workers (all reaped)
    if proc.returncode != 0:
        raise SystemExit(
            f"{' '.join(command)} failed ({proc.returncode}):\n{out.decode()[-3000:]}\n{err.decode()[-3000:]}"
        )
    phases = {m.group(1): float(m.group(2)) for line in err.decode().splitlines() if (m := PHASE.match(line))}
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Measure(wall, cpu, peak[0], peak[1], phases)


def tree_size(folder: Path) -> tuple[int, int]:
    """(files, bytes) under a folder."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def same_tree(a: Path, b: Path) -> list[str]:
    """Paths whose bytes differ between two folders (or that exist in only one)."""
    files_a = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()}
    differ = sorted(files_a ^ files_b)
    differ += [rel for rel in sorted(files_a & files_b) if not filecmp.cmp(a / rel, b / rel, shallow=False)]
    return differ


def verify_every_edit(root: Path, count: int) -> None:
    """Apply every kind of edit (bench/edits.py) in turn, each followed by an incremental build and a clean build
    into another folder, compared byte for byte (exit 1 at the first difference); the records are put back after."""
    out, clean, kept = root / "public", root / "public-clean", root / "records-kept"
    shutil.rmtree(kept, ignore_errors=True)
    shutil.copytree(root / "records", kept)
    try:
        run(["--root", str(root), "build", "--out", str(out)])
        for what, edit in every_edit(root):
            edit()
            run(["--root", str(root), "build", "--out", str(out)])
            shutil.rmtree(clean, ignore_errors=True)
            run(["--root", str(root), "build", "--out", str(clean)], env={"REGISTRY_NO_CACHE": "1"})
            differ = same_tree(out, clean)
            shutil.rmtree(clean)
            if differ:
                raise SystemExit(
                    f"N={count}, after “{what}”: incremental output differs from a clean build: {differ[:10]}"
                )
            print(
                f"verified N={count}: after “{what}” the incremental output equals a clean build, byte for byte",
                file=sys.stderr,
            )
    finally:
        shutil.rmtree(root / "records")
        shutil.move(kept, root / "records")


def bench_size(count: int, runs: int, work: Path, verify: bool) -> dict:
    """Every measurement for one N, as medians over runs."""
    root = work / f"n{count}"
    if not root.exists():
        started = time.perf_counter()
        generate(root, count)
        print(f"generated N={count} in {time.perf_counter() - started:.1f} s → {root}", file=sys.stderr)
    pristine = {p: p.read_bytes() for p in (root / "records/achievements").glob("bench-ach-00000*.yaml")}
    out = root / "public"
    rows: dict[str, list] = {k: [] for k in ("check_cold", "check", "build", "edit", "add", "again")}
    phases: list[dict[str, float]] = []
    for n in range(runs):
        shutil.rmtree(root / ".cache", ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
        rows["check_cold"].append(run(["--root", str(root), "check"]))
        rows["check"].append(run(["--root", str(root), "check"]))
        shutil.rmtree(root / ".cache", ignore_errors=True)
        full = run(["--root", str(root), "build", "--out", str(out), "--timings"])
        rows["build"].append(full)
        phases.append(full.phases)
        edit_achievement(root, n)
        rows["edit"].append(run(["--root", str(root), "build", "--out", str(out), "--timings"]))
        added = add_event(root, n)
        rows["add"].append(run(["--root", str(root), "build", "--out", str(out), "--timings"]))
        rows["again"].append(run(["--root", str(root), "build", "--out", str(out), "--timings"]))  # nothing changed
        added.unlink()
        for path, data in pristine.items():
            path.write_bytes(data)
    files, size = tree_size(out)
    _, index = tree_size(out / "search")
    if verify:
        verify_every_edit(root, count)

    def med(key: str, attr: str) -> float:
        return statistics.median(getattr(m, attr) for m in rows[key])

    names = list(dict.fromkeys(name for p in phases for name in p))
    return {
        "n": count,
        "records": sum(1 for _ in (root / "records").rglob("*.yaml")),
        **{f"{k}_{a}": med(k, a) for k in rows for a in ("wall", "cpu")},
        "peak": max(m.peak for m in rows["build"]),
        "peak_pss": max(m.peak_pss for m in rows["build"]),
        "files": files,
        "bytes": size,
        "index": index,
        "phases": {name: statistics.median(p.get(name, 0.0) for p in phases) for name in names},
    }


def vs_hugo(count: int, pairs: int, work: Path) -> list[tuple[Measure, Measure]]:
    """Cold full builds of this project and of the Hugo reference site (bench/hugo_site.py) of the same records,
    in pairs; the order alternates (this project first in odd pairs, Hugo first in even ones), so a drift of the
    machine's speed falls on both."""
    root = work / f"n{count}"
    if not root.exists():
        generate(root, count)
    site = work / f"hugo-n{count}"
    pages = hugo_site.write_site(root, site)
    print(f"N={count}: Hugo site of {pages:,} pages → {site}", file=sys.stderr)
    out = root / "public"

    def ours() -> Measure:
        shutil.rmtree(root / ".cache", ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
        return run(["--root", str(root), "build", "--out", str(out)])

    def hugo() -> Measure:
        hugo_site.clean(site)
        return measure(hugo_site.command(site))

    results = []
    for n in range(pairs):
        if n % 2 == 0:
            a = ours()
            b = hugo()
        else:
            b = hugo()
            a = ours()
        results.append((a, b))
        print(f"N={count} pair {n + 1}: {a.wall:.2f} s / {b.wall:.2f} s = {a.wall / b.wall:.2f}", file=sys.stderr)
    return results


def hugo_table(results: dict[int, list[tuple[Measure, Measure]]]) -> str:
    """Each pair's cold builds (wall / CPU s, peak PSS) and the ratios this project ÷ Hugo, then the medians."""
    out = (
        "| N | pair | this project | Hugo, pages only | ratio wall | ratio CPU | ratio PSS |\n"
        "|---:|---:|---:|---:|---:|---:|---:|\n"
    )

    def cell(m: Measure) -> str:
        return f"{m.wall:.2f} / {m.cpu:.2f} s, {m.peak_pss / 2**20:,.0f} MB"

    for count, pairs in results.items():
        for n, (a, b) in enumerate(pairs, 1):
            out += (
                f"| {count:,} | {n} | {cell(a)} | {cell(b)} | {a.wall / b.wall:.2f} | {a.cpu / b.cpu:.2f} | "
                f"{a.peak_pss / b.peak_pss:.2f} |\n"
            )
        ratios = [(a.wall / b.wall, a.cpu / b.cpu, a.peak_pss / b.peak_pss) for a, b in pairs]
        medians = [statistics.median(r[i] for r in ratios) for i in range(3)]
        out += f"| {count:,} | median | | | **{medians[0]:.2f}** | {medians[1]:.2f} | {medians[2]:.2f} |\n"
    return (
        out + "\nCold builds (no cache, no output), wall / CPU seconds; ratios are this project ÷ Hugo, pair by pair.\n"
    )


def table(results: list[dict]) -> str:
    """The results as one Markdown table (wall s / CPU s), then each size's phase shares."""
    head = (
        "| N | records | check cold | check | build | edit 1 achievement | add 1 event | nothing changed | "
        "peak RSS / PSS | files | bytes | index |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    lines = []
    for r in results:
        cells = [
            f"{r[f'{k}_wall']:.2f} / {r[f'{k}_cpu']:.2f}"
            for k in ("check_cold", "check", "build", "edit", "add", "again")
        ]
        lines.append(
            f"| {r['n']:,} | {r['records']:,} | "
            + " | ".join(cells)
            + f" | {r['peak'] / 2**20:,.0f} / {r['peak_pss'] / 2**20:,.0f} MB | {r['files']:,} | {r['bytes'] / 1e6:,.1f} MB | {r['index'] / 1e6:,.1f} MB |"
        )
    out = head + "\n".join(lines) + "\n\nTimes are seconds, wall / CPU (the build's processes), medians.\n"
    for r in results:
        top = {k: v for k, v in r["phases"].items() if "." not in k}
        total = sum(top.values()) or 1.0
        out += f"\nN = {r['n']:,}, full build by phase (s, share): " + ", ".join(
            f"{k} {v:.2f} ({100 * v / total:.0f}%)" for k, v in top.items()
        )
        sub = {k: v for k, v in r["phases"].items() if "." in k}
        if sub:
            out += "; inside output, summed over workers: " + ", ".join(
                f"{k.split('.', 1)[1]} {v:.2f}" for k, v in sub.items()
            )
        out += "\n"
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None, help="generate into (and keep) this folder")
    parser.add_argument("--verify", action="store_true", help="compare the incremental output with a clean build")
    parser.add_argument(
        "--vs-hugo", action="store_true", help="cold builds paired with Hugo's of the same records (--runs pairs)"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="registry-bench-") as tmp:
        work = args.keep or Path(tmp)
        if args.vs_hugo:
            sys.stdout.write(hugo_table({n: vs_hugo(n, args.runs, work) for n in args.sizes}))
            return 0
        results = [bench_size(n, args.runs, work, args.verify) for n in args.sizes]
    sys.stdout.write(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
