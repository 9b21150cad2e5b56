"""No broken links: every internal href/src/anchor/stylesheet in public/ resolves, offline; pages work from file://."""

from __future__ import annotations

import pytest
from browser_tools import check_links, html_pages


def test_every_internal_link_anchor_image_and_stylesheet_resolves(built_site):
    assert len(html_pages(built_site)) > 100
    assert check_links(built_site) == []


def write_site(root, files: dict[str, str]):
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_the_checker_reports_broken_links_missing_anchors_and_absolute_paths(tmp_path):
    site = write_site(
        tmp_path / "public",
        {
            "index.html": """<!DOCTYPE html><html lang="zh-CN"><head><title>x</title>
<link rel="stylesheet" href="assets/missing.css"></head><body>
<a href="a/page.html#here">fine</a>
<a href="a/page.html#nowhere">missing anchor</a>
<a href="#top">missing anchor on this page</a>
<a href="gone.html">broken link</a>
<a href="/a/page.html">absolute</a>
<a href="a/">a folder</a>
<img src="a/pic.png" alt="fine"><img src="a/nopic.png" alt="broken image">
<a href="https://example.org/">external, not fetched</a> <a href="mailto:x@example.org">mail</a>
</body></html>""",
            "a/page.html": '<!DOCTYPE html><p id="here"><a href="../index.html">up</a></p>',
            "a/index.html": "<!DOCTYPE html><p>folder index</p>",
            "a/pic.png": "not really a png, but it exists",
            "assets/style.css": "body { background: url('../a/nothing.png'); }",
        },
    )
    findings = check_links(site)
    assert findings == [
        "index.html:2: <link> 'assets/missing.css': assets/missing.css does not exist",
        "index.html:4: <a> 'a/page.html#nowhere': no id 'nowhere' in a/page.html",
        "index.html:5: <a> '#top': no id 'top' in index.html",
        "index.html:6: <a> 'gone.html': gone.html does not exist",
        "index.html:7: <a> '/a/page.html': absolute path — breaks under a sub-path and from the file system",
        "index.html:8: <a> 'a/': links to a folder — name the file (index.html) so it works from the file system",
        "index.html:9: <img> 'a/nopic.png': a/nopic.png does not exist",
        "assets/style.css:0: <css> '../a/nothing.png': a/nothing.png does not exist",
    ]


def test_the_site_works_from_the_file_system(page, built_site):
    pytest.importorskip("playwright")
    page.goto(built_site.joinpath("index.html").as_uri())
    # The stylesheet loaded through its relative link: the masthead has the brand colour.
    assert page.locator(".masthead").evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(158, 27, 27)"
    page.get_by_role("navigation", name="栏目").get_by_role("link", name="科技成果").click()
    assert page.url == built_site.joinpath("achievements", "index.html").as_uri()
    page.locator("main .card-title").first.click()
    assert page.url.startswith(built_site.joinpath("achievements").as_uri() + "/")
    page.get_by_role("navigation", name="栏目").get_by_role("link", name="目标进度").click()
    assert page.url == built_site.joinpath("progress", "index.html").as_uri()
