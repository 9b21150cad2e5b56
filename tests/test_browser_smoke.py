"""A first walk in a real Chromium: the home page loads from a sub-path and its links lead somewhere."""

import pytest

pytest.importorskip("playwright")


def test_home_page_title_and_progress_link(page, site_url):
    page.goto(site_url + "index.html")
    assert page.title() == "昆山市大院大所合作登记簿"
    page.get_by_role("link", name="“十三五”期间目标任务").first.click()
    assert page.url.endswith("/public/progress/2016-2020.html")
    assert page.get_by_role("table").locator("caption").inner_text().startswith("“十三五”期间目标任务")
