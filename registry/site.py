"""`build`: check, then compute progress, plan the pages, render them into staging and swap in public/."""

from __future__ import annotations

import datetime as dt
import pickle
from dataclasses import dataclass
from pathlib import Path

from . import cache
from .cache import Timings
from .catalogue import Catalogue, load_messages
from .check import check
from .datapages import download_links
from .errors import BuildError, ProblemsFound
from .exports import export_files, scan_archive
from .feeds import feed_files
from .pages import SitePlan
from .parallel import Job, Previous, render_all
from .progress import compute_progress, partner_indicator
from .render import Renderer
from .search import build_index
from .writer import Scanner, Staging, safe_join

TEMPLATES = "site_templates"


@dataclass
class BuildReport:
    """What a build wrote."""

    out_dir: Path
    files: int
    bytes: int
    records: int
    as_of: str


def build_site(root: Path, out_dir: Path, as_of: str | None = None, timings: Timings | None = None) -> BuildReport:
    """Build the site from root's records into out_dir; on any problem nothing in out_dir changes."""
    timings = timings or Timings()
    result = check(root, timings=timings)
    if not result.ok:
        raise ProblemsFound(result.problems)
    with timings.phase("progress"):
        settings = result.settings
        registry = result.registry if settings.get("include_samples") else result.registry.without_samples()
        public = registry.public()
        as_of = as_of or settings["as_of"]
        as_of_date = dt.date.fromisoformat(as_of)
        progress = compute_progress(public, as_of_date)
        partners = partner_indicator(public, as_of_date)

    with timings.phase("plan"):
        cat = Catalogue(load_messages(root / TEMPLATES / "messages.yaml"), result.schemas, "zh")
        about = (root / TEMPLATES / "content" / f"about.{cat.lang}.md").read_text(encoding="utf-8")
        plan = SitePlan(public, progress, partners, settings, cat, as_of, about)
        pages = plan.plan()
        shared = {"t": cat.t, "site": plan.site(), "nav": plan.nav(), "downloads": download_links(cat)}
        renderer = Renderer(root / TEMPLATES, shared)
        secrets = result.registry.private_values()
        scanner = Scanner(secrets)
        folder = cache.enabled(root)
        manifest_path = folder / f"output-{cache.digest(str(out_dir).encode())}.pickle" if folder else None
        manifest = cache.read_pickle(manifest_path, {}) if out_dir.is_dir() else {}
        secrets_key = cache.digest(pickle.dumps(secrets))
        # Everything a page's bytes depend on besides its own context: the code, the templates, the shared values.
        salt = cache.digest(cache.code_version("*").encode(), cache.folder_digest(root / TEMPLATES).encode(),
                            pickle.dumps(shared["site"]), pickle.dumps(shared["nav"]), pickle.dumps(shared["downloads"]))
        previous = Previous(out_dir, manifest.get("files", {}) if manifest.get("salt") == salt else {},
                            manifest.get("secrets") == secrets_key)

    staging = Staging(out_dir)
    try:
        for page in pages:
            staging.reserve(page.out_path)
        with timings.phase("pages"):
            rows = render_all(Job(pages, renderer, staging.dir, previous, scanner, salt.encode()), timings)
        files = {out_path: (key, size, mtime) for out_path, key, size, mtime, _reused, _leak in rows}
        leaks = [(out_path, leak) for out_path, _key, _size, _mtime, _reused, leak in rows if leak]
        for out_path, _key, size, _mtime, _reused, _leak in rows:
            staging.written[out_path] = size
        # Downloads, feeds and the search index go into staging before the privacy scan, so it covers them.
        extra = {f"assets/{path.relative_to(root / TEMPLATES / 'assets').as_posix()}": path.read_bytes()
                 for path in sorted(p for p in (root / TEMPLATES / "assets").rglob("*") if p.is_file())}
        with timings.phase("exports"):
            extra.update(export_files(public, progress, cat, as_of, cat.text(settings.get("title"))))
            extra.update(feed_files(public, cat, settings, [page.out_path for page in pages]))
        with timings.phase("search"):
            extra.update(build_index(public, cat))
        to_scan = []
        with timings.phase("write"):
            for out_path, data in extra.items():
                key, target = cache.digest(data), safe_join(staging.dir, out_path)
                reused = previous.reuse(out_path, key, target)
                if reused is None:
                    staging.write(out_path, data)
                    files[out_path] = (key, len(data), target.stat().st_mtime_ns)
                else:
                    staging.reserve(out_path)
                    files[out_path] = (key, *reused)
                staging.written[out_path] = len(data)
                if reused is None or not previous.secrets_same:
                    to_scan.append((out_path, data))
        with timings.phase("scan"):
            for out_path, data in to_scan:
                where = scanner.find_bytes(data)
                if where:
                    leaks.append((out_path, where))
                if out_path.endswith(".xlsx"):
                    leaks += scan_archive(out_path, data, scanner)
        if leaks:
            lines = [f"  public/{out}: {where}" for out, where in sorted(leaks)[:20]]
            raise BuildError("私密字段的值出现在公开输出中，已停止构建 / a private value appears in the public output; "
                             "nothing was published:\n" + "\n".join(lines) +
                             "\n  删除公开文字中的电话或姓名 / remove the phone number or name from the public text")
        with timings.phase("write"):
            staging.commit()
    except BaseException:
        staging.discard()
        raise
    cache.write_pickle(manifest_path, {"salt": salt, "secrets": secrets_key, "files": files})
    return BuildReport(out_dir, len(staging.written), sum(staging.written.values()), len(public), as_of)
