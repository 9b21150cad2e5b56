"""Measure the search index: build time, size and files for the shipped records and a synthetic N-record set.

    .venv/bin/python bench/search_index.py [N]      (default 10000; the synthetic records go to a temp folder)

Synthetic achievements reuse sentences of the shipped summaries in random (seeded) order, so the text has
real Chinese bigram variety. Prints one line per set; timings are medians of 3 runs, wall clock and CPU
(CPU time is the fairer figure on a shared, busy machine), of building the index and encoding every file (the
files are encoded when read). "index peak" is the growth of this process's peak RSS over the index builds alone
(Linux: the peak is reset after `check`); memory freed by `check` is reused first, so it is a lower bound.
"""

from __future__ import annotations

import gc
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from registry.engine.checking import check  # noqa: E402
from registry.model.public import public_view  # noqa: E402
from registry.outputs.search import build_index  # noqa: E402
from registry.pages.catalogue import Catalogue, load_messages  # noqa: E402


def measure(root: Path, label: str) -> None:
    started = time.perf_counter()
    result = check(root)
    assert result.ok, result.problems[:3]
    public = public_view(result.registry)
    checked = time.perf_counter() - started
    cat = Catalogue(load_messages(REPO / "site_templates" / "messages.yaml"), result.schemas, "zh")
    del result
    gc.collect()
    before = reset_peak()
    times, cpu, sizes = [], [], {}
    for _ in range(3):
        started, cpu_started = time.perf_counter(), time.process_time()
        sizes = {name: len(data) for name, data in build_index(public, cat).items()}
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    size = sum(sizes.values())
    postings = sum(n for name, n in sizes.items() if "/t-" in name)
    store = sum(n for name, n in sizes.items() if "/d-" in name)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    growth = f"index peak +{status_mb('VmHWM') - before:.0f} MB, " if before is not None else ""
    print(
        f"{label}: {len(public)} records, check {checked:.2f} s, index {statistics.median(times):.2f} s "
        f"({statistics.median(cpu):.2f} s CPU), "
        f"{size / 1e6:.2f} MB in {len(sizes)} files (postings {postings / 1e6:.2f} MB, text store {store / 1e6:.2f} MB), "
        f"{growth}peak RSS {peak:.0f} MB"
    )


def status_mb(key: str) -> float:
    """A memory figure of this process from /proc/self/status, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    raise KeyError(key)


def reset_peak() -> float | None:
    """Reset this process's peak RSS to its current RSS (Linux); the current RSS in MB, or None elsewhere."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return status_mb("VmRSS")
    except (OSError, KeyError):
        return None


def synthetic(root: Path, count: int) -> None:
    shutil.copytree(REPO / "schemas", root / "schemas")
    shutil.copytree(REPO / "records", root / "records")
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    shipped = [
        yaml.safe_load(p.read_text(encoding="utf-8"))
        for p in sorted((REPO / "records" / "achievements").glob("*.yaml"))
    ]
    sentences = sorted({s + "。" for r in shipped for s in r["summary"]["zh"].split("。") if s})
    institutes = sorted(p.stem for p in (REPO / "records" / "institutes").glob("*.yaml"))
    districts = ["kaifaqu", "gaoxinqu", "huaqiao", "zhoushi", "lujia", "bacheng", "zhangpu", "qiandeng"]
    rng = random.Random(20201231)
    folder = root / "records" / "achievements"
    for n in range(count):
        base = shipped[n % len(shipped)]
        summary = ""
        while len(summary) < 400:
            summary += rng.choice(sentences)
        record = {
            "id": f"synthetic-{n:06d}",
            "name": {"zh": base["name"]["zh"] + f"（第{n}号）"},
            "institute": rng.choice(institutes),
            "field": base["field"],
            "stage": base["stage"],
            "summary": {"zh": summary[:480]},
            "district": rng.choice(districts),
            **{k: base[k] for k in ("field_other", "stage_other") if k in base},
            "reported": f"{2016 + n % 5}-{1 + n % 12:02d}-{1 + n % 28:02d}",
            "status": "tracked",
            "sample": True,
        }
        (folder / f"{record['id']}.yaml").write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    measure(REPO, "shipped")
    with tempfile.TemporaryDirectory() as tmp:
        synthetic(Path(tmp), count)
        measure(Path(tmp), f"synthetic +{count}")


if __name__ == "__main__":
    main()
