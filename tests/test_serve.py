"""`build.py serve`: a real server on 127.0.0.1 that rebuilds after a real file change and survives a broken record."""

from __future__ import annotations

import queue
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import REPO

RECORD = "records/achievements/graphene-thermal-film.yaml"
PAGE = "achievements/graphene-thermal-film.html"
TIMEOUT = 60.0
"""Upper bound on any wait below; a healthy run takes a few seconds (watchfiles debounces for 1.6 s)."""


class Server:
    """`build.py serve --port 0` in a subprocess, its stdout read line by line in a thread."""

    def __init__(self, root: Path):
        self.proc = subprocess.Popen(
            [sys.executable, "-u", str(REPO / "build.py"), "--root", str(root), "serve", "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, text: str) -> str:
        """Return the first new output line containing text; fail after TIMEOUT seconds."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.proc.poll() is not None:
                    break
                continue
            self.seen.append(line)
            if text in line:
                return line
        pytest.fail(f"no line with {text!r} within {TIMEOUT}s; output so far:\n" + "\n".join(self.seen))

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def poll(url: str, wanted: str) -> str:
    """Fetch url until its body contains wanted (bounded by TIMEOUT)."""
    deadline = time.monotonic() + TIMEOUT
    body = ""
    while time.monotonic() < deadline:
        status, body = fetch(url)
        if status == 200 and wanted in body:
            return body
        time.sleep(0.2)
    pytest.fail(f"{url} never contained {wanted!r}")


def test_serves_rebuilds_and_keeps_the_last_good_build(shipped):
    server = Server(shipped)
    try:
        line = server.wait_for("http://127.0.0.1:")
        base = line[line.index("http://") :].split()[0]
        assert base.startswith("http://127.0.0.1:") and base.endswith("/")
        status, home = fetch(base + "index.html")
        assert status == 200 and "<html" in home
        status, missing = fetch(base + "achievements/no-such/page.html")
        assert status == 404 and "<title>找不到页面 · 昆山市大院大所合作登记簿</title>" in missing
        assert "高导热石墨烯复合散热膜制备技术" in poll(base + PAGE, "高导热石墨烯复合散热膜制备技术")

        path = shipped / RECORD
        text = path.read_text(encoding="utf-8")
        path.write_text(
            text.replace("高导热石墨烯复合散热膜制备技术", "高导热石墨烯散热膜（已修改）"), encoding="utf-8"
        )
        server.wait_for("已修改 / changed: " + RECORD)
        server.wait_for("已构建 / built")
        assert "高导热石墨烯散热膜（已修改）" in poll(base + PAGE, "高导热石墨烯散热膜（已修改）")

        path.write_text(text.replace("stage: ", "stage: nowhere-"), encoding="utf-8")
        problem = server.wait_for(RECORD + ":")
        assert ": stage: " in problem
        server.wait_for("检查未通过，仍在提供上一次成功构建的网站 / check failed: still serving the last good build")
        assert server.proc.poll() is None
        status, page = fetch(base + PAGE)
        assert status == 200 and "高导热石墨烯散热膜（已修改）" in page
    finally:
        server.stop()


def test_port_in_use_is_a_usage_error(shipped, run):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("--root", str(shipped), "serve", "--port", str(port))
    assert result.code == 2, result
    assert f"端口 {port} 无法使用" in result.err and "--port 8001" in result.err
