"""What a search costs a phone: bytes and files fetched in real headless Chromium, per query, on a built site.

    .venv/bin/python bench/search_transfer.py PUBLIC_DIR [--store en/search/] [--query Q ...]

Serves PUBLIC_DIR over HTTP on 127.0.0.1 under a sub-path, opens search.html?q=… (en/search.html with
--store en/search/) in a fresh browser context for each query (nothing cached), and counts the search index's files
(everything under search/ and en/search/) fetched until the first page of results is shown (the results list is no
longer aria-busy and the status is not "searching") and until the network is idle. Prints one table.
The page itself (HTML, CSS, scripts, ≈ the same for every query) is counted apart.
"""

from __future__ import annotations

import argparse
import http.server
import os
import shutil
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

QUERIES = ["锂电池", "新材料", "研究院", "技术", "智能制造装备", "graphene", "Tsinghua", "锂", "量子引力"]
"""The fixed list: frequent Chinese words of 2, 3 and 6 characters, English words, one character, and no result."""

FIRST_PAGE = (
    "(() => { const list = document.getElementById('search-results');"
    " const status = document.getElementById('search-status').textContent;"
    " return list && !list.hasAttribute('aria-busy') && status !== ''"
    " && status !== document.getElementById('search-form').dataset.msgLoading; })()"
)
"""True once the search page shows its first page of results (or says there are none)."""

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]


def serve(folder: Path) -> tuple[str, http.server.ThreadingHTTPServer]:
    """Serve a folder's parent on 127.0.0.1, so the site lives under a sub-path (/<folder name>/)."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(folder.parent), **kwargs)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/{quote(folder.name)}/", server


def is_index(url: str) -> bool:
    return "/search/" in urlsplit(url).path


def measure(browser, base: str, query: str, page_path: str = "search.html", timeout: float = 60.0) -> dict:
    """One query in a fresh context: {"first": (bytes, files), "idle": (bytes, files), "page": bytes, "status": text,
    "shown": results on the page, "seconds": until the first page}."""
    context = browser.new_context()
    page = context.new_page()
    fetched: list[tuple[str, int]] = []
    page.on("requestfinished", lambda request: fetched.append((request.url, request.sizes()["responseBodySize"])))
    started = time.monotonic()
    page.goto(f"{base}{page_path}?q={quote(query)}")
    deadline = started + timeout
    while not page.evaluate(FIRST_PAGE):
        if time.monotonic() > deadline:
            raise AssertionError(f"{query}: no results shown within {timeout} s")
        page.wait_for_timeout(20)
    seconds = time.monotonic() - started
    first = list(fetched)
    shown = page.locator("#search-results li").count()
    status = page.locator("#search-status").inner_text()
    page.wait_for_load_state("networkidle")
    idle = list(fetched)
    context.close()

    def total(requests: list[tuple[str, int]]) -> tuple[int, int]:
        index = [size for url, size in requests if is_index(url)]
        return sum(index), len(index)

    return {
        "first": total(first),
        "idle": total(idle),
        "page": sum(size for url, size in idle if not is_index(url)),
        "status": status,
        "shown": shown,
        "seconds": seconds,
    }


def chromium() -> str:
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("public", type=Path)
    parser.add_argument("--store", default="search/", help="the edition's text store: search/ or en/search/")
    parser.add_argument("--query", action="append", help="a query (repeatable); default: the fixed list")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    page_path = "search.html" if args.store == "search/" else args.store.removesuffix("search/") + "search.html"
    base, server = serve(args.public.resolve())
    print(
        "| query | first page: KB / files | network idle: KB / files | page (HTML, CSS, JS) KB | results shown | status |"
    )
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
            for query in args.query or QUERIES:
                got = measure(browser, base, query, page_path)
                first, idle = got["first"], got["idle"]
                print(
                    f"| {query} | {first[0] / 1000:,.1f} / {first[1]} | {idle[0] / 1000:,.1f} / {idle[1]} "
                    f"| {got['page'] / 1000:,.1f} | {got['shown']} | {got['status']} |",
                    flush=True,
                )
            browser.close()
    finally:
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
