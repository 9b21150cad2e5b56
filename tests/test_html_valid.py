"""Valid HTML: the Nu Html Checker (vnu.jar, run once with the machine's Java) finds no error on any page of public/."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_tools import VNU_JAR, html_pages, java_available, run_vnu
from conftest import NPM_CI, install_hint, require_tool

BROKEN = """<!DOCTYPE html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>未闭合的元素</title></head>
<body>
<main>
<div class="card"><p>这个 div 没有闭合
</main>
</body>
</html>
"""


@pytest.fixture(scope="module")
def vnu_report(built_site, tmp_path_factory) -> tuple[list[Path], Path, dict[Path, list[str]]]:
    """One checker run (the JVM is slow to start) over every page of the site and one deliberately broken page."""
    require_tool(java_available(), f"java not found ({install_hint('openjdk-17-jre-headless')})")
    require_tool(VNU_JAR.is_file(), f"{VNU_JAR} missing ({NPM_CI})")
    broken = tmp_path_factory.mktemp("broken") / "unclosed.html"
    broken.write_text(BROKEN, encoding="utf-8")
    pages = [(built_site / rel).resolve() for rel in html_pages(built_site)]
    return pages, broken.resolve(), run_vnu([*pages, broken])


def test_every_page_is_valid_html(vnu_report, built_site):
    pages, broken, errors = vnu_report
    found = {
        str(path.relative_to(built_site.resolve())) if path in pages else str(path): messages
        for path, messages in errors.items()
        if messages and path != broken
    }
    assert len(pages) > 100
    assert found == {}


def test_the_checker_reports_an_unclosed_element(vnu_report):
    _, broken, errors = vnu_report
    assert errors[broken] == [
        "line 7: End tag “main” seen, but there were open elements.",
        "line 6: Unclosed element “div”.",
    ]
