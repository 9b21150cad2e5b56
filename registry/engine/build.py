"""`build`: check, then compute the figures, plan the pages, render them and the downloads through the output, and
swap it in for public/ (or the folder given).

The stages run in data order: records (check) → model (the public registry, built once by filtering) → figures →
pages (planned from a tracked registry and tracked figures) and outputs (downloads, feeds, search index) → the
output (claimed, written or linked, scanned) → commit. Nothing is written under the output folder until every
record is loaded and checked; a failed build leaves the last one untouched.
"""

from __future__ import annotations

import datetime as dt
import os
import pickle
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from registry.engine import cache, fork, journal, unchanged
from registry.engine.checking import check
from registry.engine.depends import Fingerprints, TrackedFigures, TrackedRegistry, Tracker
from registry.engine.output import Output, Previous, twice
from registry.engine.tasks import MIN_RECORDS_FOR_WORKERS, Job, extra_rows, run_all
from registry.errors import PrivateValuesPublished, ProblemsFound
from registry.figures.figures import compute_figures
from registry.model.public import PublicRegistry, each_public, public_document, public_records
from registry.outputs.downloads import ExportFiles
from registry.outputs.feeds import feed_files
from registry.outputs.icons import icon_files
from registry.outputs.privacy import Scanner, scan_output
from registry.outputs.search import build_index
from registry.pages.catalogue import LANGS, Catalogue, load_messages
from registry.pages.plan import Editions, SitePlan
from registry.pages.render import Renderer
from registry.problems import Problem
from registry.records.history import file_history
from registry.records.record import Record
from registry.records.schemas import SchemaSet
from registry.timings import Timings

TEMPLATES = "site_templates"


@dataclass
class BuildReport:
    """What a build wrote."""

    out_dir: Path
    files: int
    bytes: int
    records: int
    as_of: str
    history: str = "git"
    """Where the calendar's change times come from: "git", else why not (registry/records/history.py)."""


LARGE = 30_000
"""From this many record files on, `check` runs in a forked process that hands back only the public records. Its
loading leaves a fragmented heap that the build's workers would inherit: at 100,000 records the build process kept
1.9 GB after `check`; the public records alone, unpickled into a fresh heap, take about 1 GB (bench/README.md)."""


def published(root: Path, timings: Timings) -> tuple[dict, SchemaSet, PublicRegistry, dict[str, str]]:
    """Check the project (raising ProblemsFound), then return the settings, the schemas, the public registry
    (samples left out if site.yaml says so, private fields dropped) and every private value."""
    records = root / "records"
    count = sum(len(os.listdir(folder)) for folder in records.iterdir() if folder.is_dir()) if records.is_dir() else 0
    if count >= LARGE and fork.may_fork():
        settings, schemas, public, secrets = _published_elsewhere(root, timings)
    else:
        settings, schemas, public, secrets = _published_here(root, timings)
    with timings.phase("public"):
        return settings, schemas, PublicRegistry(public, schemas), secrets


def _published_here(root: Path, timings: Timings) -> tuple[dict, SchemaSet, list[Record], dict[str, str]]:
    result = check(root, timings=timings)
    if not result.ok:
        raise ProblemsFound(result.problems)
    with timings.phase("public"):
        records, secrets = public_records(result.registry, bool(result.settings.get("include_samples")))
    return result.settings, result.schemas, records, secrets


def _published_elsewhere(root: Path, timings: Timings) -> tuple[dict, SchemaSet, list[Record], dict[str, str]]:
    """_published_here in a forked process; only the settings, the public records and the private values return,
    spooled through a file in parts of HAND_BACK records and read here once the child has exited (fork.in_child)."""
    parts = fork.in_child(lambda: _published_parts(root))
    settings = next(parts)
    public: list[Record] = []
    with timings.phase("load"):
        schemas = SchemaSet(root / "schemas")
        for part in parts:
            if isinstance(part, list):
                public += [Record(kind, record_id, public_document(path, data)) for kind, record_id, path, data in part]
            else:
                secrets, phases = part
    for name, seconds in phases.items():
        timings.add(name, seconds)
    return settings, schemas, public, secrets


HAND_BACK = 2000
"""Public records per part that the forked check hands back (each part pickled on its own: a pickle's memo of every
object it holds, and the pickle itself, stay small)."""


def _published_parts(root: Path) -> Iterator[Any]:
    """_published_here in a forked process, in parts: the settings, then the public records as rows (kind, id,
    src_path, data) HAND_BACK at a time, made one by one from the checked registry, then the private values with the
    phases' seconds."""
    timings = Timings()
    result = check(root, timings=timings)
    if not result.ok:
        raise ProblemsFound(result.problems)
    yield result.settings
    secrets: dict[str, str] = {}
    rows: list[tuple] = []
    with timings.phase("public"):  # the rows' pickling and writing included
        for record in each_public(result.registry, bool(result.settings.get("include_samples")), secrets):
            rows.append((record.kind, record.id, record.src_path, record.data))
            if len(rows) == HAND_BACK:
                yield rows
                rows = []
        yield rows
    yield dict(sorted(secrets.items())), timings.phases


def build_site(
    root: Path,
    out_dir: Path,
    as_of: str | None = None,
    timings: Timings | None = None,
    jobs: int | None = None,
    base_url: str | None = None,
) -> BuildReport:
    """Build the site from root's records into out_dir; on any problem nothing in out_dir changes. `jobs` caps
    the processes that render (default: one per core); `base_url`, the published address, overrides site.yaml's."""
    timings = timings or Timings()
    journal.recover(out_dir)  # a commit that was interrupted is finished first
    stamp = unchanged.begin(root, out_dir, as_of, base_url)  # the inputs' fingerprints, before anything is read
    may_fork = fork.may_fork()  # asked before anything starts a thread of its own
    settings, schemas, public, secrets = published(root, timings)
    if base_url:
        settings = {**settings, "base_url": base_url}
    with timings.phase("figures"):
        as_of = as_of or settings["as_of"]
        figures = compute_figures(public, dt.date.fromisoformat(as_of))

    with timings.phase("plan"):
        messages = load_messages(root / TEMPLATES / "messages.yaml")
        cats = {lang: Catalogue(messages, schemas, lang) for lang in LANGS}
        cat = cats["zh"]
        tracker = Tracker()
        history = file_history(root)  # one `git log` for every record file's last change (pages, calendar)
        fingerprints = Fingerprints(public, figures)
        tracked, tracked_figures = TrackedRegistry(public, tracker, fingerprints), TrackedFigures(figures, tracker)
        # Every language is the same plan with its own catalogue (and about text); the tracked registry and its memos
        # are shared, so what both read is made once.
        plan = Editions(
            [
                SitePlan(
                    tracked,
                    tracked_figures,
                    settings,
                    c,
                    (root / TEMPLATES / "content" / f"about.{lang}.md").read_text(encoding="utf-8"),
                    history,
                )
                for lang, c in cats.items()
            ]
        )
        shared = plan.shared()
        renderer = Renderer(root / TEMPLATES, {})
        renderer.editions = shared
        folder = cache.enabled(root)
        manifest_path = folder / f"output-{cache.digest(str(out_dir).encode())}.pickle" if folder else None
        manifest = cache.read_pickle(manifest_path, {}) if out_dir.is_dir() else {}
        secrets_key = cache.digest(pickle.dumps(secrets))
        # Everything a page's bytes depend on besides the records and figures its task reads (registry/engine/
        # depends.py): the code, the templates, the schemas (labels), the settings, the as-of date, the shared values.
        made_of = (
            cache.code_version("*").encode(),
            cache.folder_digest(root / TEMPLATES).encode(),
            cache.folder_digest(root / "schemas").encode(),
            pickle.dumps(settings),
            as_of.encode(),
        )
        downloads_salt = cache.digest(*made_of)  # the downloads do not show the history
        salt = cache.digest(
            *made_of,
            pickle.dumps(history),  # a commit can change a page's 最后更新 without changing its record
            *(
                pickle.dumps(values[name])
                for values in shared.values()
                for name in ("site", "nav", "downloads", "base_url")
            ),
        )
        same = manifest.get("salt") == salt
        previous = Previous(
            manifest.get("files", {}) if same else {},
            manifest.get("secrets") == secrets_key,
            manifest.get("tasks", {}) if same else {},
        )
        scanner = Scanner(secrets)

    assets = root / TEMPLATES / "assets"
    output = Output(out_dir, previous, scan_output(scanner) if scanner else None, manifest_path)
    try:
        # Downloads, the search index and the assets are made by the workers beside the pages and scanned like them;
        # the feeds (whose sitemap lists every page) by this process once the pages are known.
        extras = {
            "search": lambda: build_index(public, cats, folder / "search" if folder else None, downloads_salt),
            "exports": lambda: ExportFiles(
                public, figures.progress, cat, as_of, settings, folder / "exports" if folder else None, downloads_salt
            ),
            "assets": lambda: {
                **{
                    f"assets/{p.relative_to(assets).as_posix()}": p.read_bytes()
                    for p in sorted(assets.rglob("*"))
                    if p.is_file()
                },
                **icon_files(),
            },
        }
        job = Job(plan, tracker, fingerprints, renderer, output, salt.encode(), extras)
        workers = min(jobs or fork.cores(), fork.cores()) if may_fork and len(public) >= MIN_RECORDS_FOR_WORKERS else 1
        with timings.phase("output"):
            # The longest extras first, so a worker makes them while the other plans and renders pages. The search
            # index and the downloads one after the other in one process: each holds hundreds of megabytes while it
            # is made (at 30,000 records 176 and 222 MB more), and a process keeps the memory it once held; made side
            # by side in both processes they added up to a third of the build's peak.
            rows, page_paths, read = run_all(job, timings, ["search+exports", "assets"], workers)
            rows += extra_rows(job, "feeds", lambda: feed_files(public, cats, settings, page_paths, history), timings)
        # The plan's memos (a card per record, sorted lists) and the fingerprints are done with: let them go before
        # the manifest is made (hundreds of megabytes at 100,000 records).
        del job, plan, renderer, tracker
        files, leaks = {}, []
        for out_path, key, size, mtime, _linked, found in rows:
            if out_path in files:  # a kept file has no claim in staging to refuse the second
                raise twice(out_path)
            files[out_path] = (key, size, mtime)
            leaks += found
        del rows  # 169,000 at 100,000 records; the manifest below keeps what is needed
        if leaks:
            raise PrivateValuesPublished([_leak(out, where) for out, where in sorted(leaks)])

        def keep_manifest() -> None:  # once the commit is journaled (what it writes is then decided), under its lock
            with timings.phase("manifest"):
                cache.write_pickle(manifest_path, {"salt": salt, "secrets": secrets_key, "files": files, "tasks": read})

        with timings.phase("commit"):
            output.commit(files, keep_manifest)
    except BaseException:
        output.discard()
        raise
    report = BuildReport(
        out_dir, len(files), sum(size for _key, size, _mtime in files.values()), len(public), as_of, history.source
    )
    stamp.save(files, report)
    return report


def _leak(out_path: str, where: str) -> Problem:
    """A private value found in a file of the output, as a problem: the file, and the record and field it is kept
    in (never the value)."""
    return Problem(
        f"public/{out_path}",
        1,
        1,
        where,
        "private-value-published",
        "私密字段的值出现在公开输出中",
        "a private value appears in the public output",
        "删除公开文字中的电话或姓名",
        "remove the phone number or name from the public text",
        place=f"public/{out_path}: {where}",
    )
