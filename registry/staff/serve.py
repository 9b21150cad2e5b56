"""`serve`: build, serve public/ on 127.0.0.1, and rebuild whenever a record, schema, template or site.yaml changes."""

from __future__ import annotations

import http.server
import signal
import threading
from collections.abc import Callable
from pathlib import Path

from watchfiles import watch

from registry.engine.build import TEMPLATES, build_site
from registry.errors import BuildError, ProblemsFound, SchemaError, UsageError
from registry.problems import format_text
from registry.records.settings import SETTINGS_FILE

WATCHED_DIRS = ("records", "schemas", TEMPLATES)
"""Folders whose changes trigger a rebuild (with site.yaml); public/ itself is never watched."""


def rebuild(root: Path, out_dir: Path, say: Callable[[str], None]) -> bool:
    """Build once; print problems instead of raising, so the last good build stays served. Return success."""
    try:
        report = build_site(root, out_dir)
    except ProblemsFound as found:
        say(format_text(found.problems, 0).rstrip("\n"))
        say("检查未通过，仍在提供上一次成功构建的网站 / check failed: still serving the last good build")
        return False
    except (BuildError, SchemaError) as error:
        say(f"错误 / error: {error}")
        say("仍在提供上一次成功构建的网站 / still serving the last good build")
        return False
    say(f"已构建 / built {report.files} 个文件 / files（统计截至 / as of {report.as_of}）")
    return True


def _handler(out_dir: Path) -> type[http.server.SimpleHTTPRequestHandler]:
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(out_dir), **kwargs)

        def end_headers(self):
            self.send_header("Cache-Control", "no-store")  # a preview: always show the latest build
            super().end_headers()

        def send_error(self, code, message=None, explain=None):
            """A missing page is answered with the site's own 404 page (as GitHub Pages and the server do)."""
            page = out_dir / "404.html"
            if code != 404 or not page.is_file():
                return super().send_error(code, message, explain)
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def log_message(self, format, *args):  # only rebuilds and problems belong in the terminal
            pass

    return Handler


def _relevant(root: Path) -> Callable[[object, str], bool]:
    settings = str(root / SETTINGS_FILE)
    return lambda _change, path: path == settings or not Path(path).name.startswith((".", "~$"))


def watch_paths(root: Path) -> list[Path]:
    """The folders and files a rebuild depends on (those that exist)."""
    return [p for p in (*(root / d for d in WATCHED_DIRS), root / SETTINGS_FILE) if p.exists()]


def serve(root: Path, port: int, say: Callable[[str], None], stop: threading.Event | None = None) -> int:
    """Build, serve out_dir on 127.0.0.1:port, and rebuild on every change until stopped (Ctrl+C); `say` shows a line
    (the command line's printer: this module prints nothing itself)."""
    out_dir = root / "public"
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():  # `kill` stops as cleanly as Ctrl+C
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:  # take the port first: a busy port is reported before a build is spent
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _handler(out_dir))
    except OSError as error:
        raise UsageError(
            f"端口 {port} 无法使用（{error.strerror}）/ port {port} is not available — "
            "换一个端口，例如 --port 8001 / choose another, e.g. --port 8001"
        ) from None
    rebuild(root, out_dir, say)
    out_dir.mkdir(exist_ok=True)  # serve an empty folder rather than fail while the first build has problems
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    say(
        f"预览地址 / serving at http://127.0.0.1:{server.server_address[1]}/ "
        "（修改记录后自动重建，Ctrl+C 停止 / rebuilds on every change, Ctrl+C stops）"
    )
    try:
        for changes in watch(
            *watch_paths(root),
            watch_filter=_relevant(root),
            stop_event=stop,
            raise_interrupt=False,
            rust_timeout=1000,
            yield_on_timeout=False,
        ):
            names = sorted(
                {
                    Path(path).relative_to(root).as_posix()
                    for _change, path in changes
                    if Path(path).is_relative_to(root)
                }
            )
            say(f"已修改 / changed: {', '.join(names[:5])}{' …' if len(names) > 5 else ''}")
            rebuild(root, out_dir, say)
    finally:
        server.shutdown()
        server.server_close()
        say("已停止 / stopped")
    return 0
