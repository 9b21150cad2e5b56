"""The search page's "显示更多结果" when the candidates left all turn out not to contain the query: the button goes and
focus moves to the count (which now says how many there are), not to the page's body, in real Chromium."""

from __future__ import annotations

import sys

import yaml
from browser_tools import wait_until
from conftest import REPO, serve_folder

import build

sys.path.insert(0, str(REPO / "bench"))
from generate import dump, generate

QUERY = "蓝藻晶格"
TRUE, FALSE = 50, 4
BUSY = "document.getElementById('search-more').hasAttribute('aria-busy')"


def test_when_no_candidate_left_holds_the_query_focus_moves_to_the_count(tmp_path, page):
    root = generate(tmp_path / "project", 40)
    source = yaml.safe_load((root / "records/achievements/bench-ach-000002.yaml").read_text(encoding="utf-8"))
    # Fifty of the newest achievements have the query in their names. Four older ones, a year apart (so each lies in a
    # text chunk of its own), have every two-character piece of it in their summaries but not the query itself:
    # candidates ranked after the fifty, whose chunks are fetched only when more results are asked for.
    for n in range(TRUE + FALSE):
        data = {**source, "id": f"more-{n:02d}"}
        if n < TRUE:
            data.update(name={"zh": f"{QUERY}膜{n + 1}号"}, reported="2020-12-30")
        else:
            data.update(summary={"zh": "蓝藻培养；藻晶分离；晶格测量。"}, reported=f"{2016 + n - TRUE}-06-04")
        (root / f"records/achievements/more-{n:02d}.yaml").write_text(dump(data), encoding="utf-8")
    assert build.main(["--root", str(root), "build"]) == 0
    base, server = serve_folder(root / "public", prefix="public/")
    try:
        page.goto(base + "search.html?q=" + QUERY)
        page.get_by_role("status").filter(has_text="至少找到").filter(has_text="待核对").wait_for()
        more = page.get_by_role("button", name="显示更多结果")
        shown = [page.locator("#search-results li").count()]
        while not page.evaluate("document.getElementById('search-more').hidden") and len(shown) < 10:
            more.focus()
            page.keyboard.press("Enter")  # fetched only now; focus on the first new result when there is one
            wait_until(page, f"!{BUSY}")
            shown.append(page.locator("#search-results li").count())
            if shown[-1] > shown[-2]:
                assert page.evaluate("document.activeElement.closest('li') !== null"), shown
        # The last press checked the candidates left: none holds the query, so nothing new, and the button is gone.
        assert shown == [10, 20, 30, 40, 50, 50], shown
        whole = f"找到 {TRUE} 条与“{QUERY}”相关的记录。 已显示 {TRUE} 条。"
        assert page.evaluate("document.getElementById('search-status').textContent") == whole
        assert page.evaluate("document.activeElement.id") == "search-status", "focus is not lost to the page"
    finally:
        server.shutdown()
