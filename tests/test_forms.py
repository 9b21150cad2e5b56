"""The staff forms in real Chromium: a clerk fills the achievement form, and the file it writes passes `check` and
shows on the built site; what check refuses the form refuses first, in Chinese; the new-file address carries exactly
the file shown; a schema change changes the form. Pages opened from the file system, as a clerk's download would be."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from browser_tools import AXE_JS, SCREENSHOTS, axe_violations, horizontal_overflow, keyboard_focus_problems, wait_until
from conftest import NPM_CI, REPO, make_project, require_tool
from lxml import html as lxml_html

import build
from registry.outputs.feeds import sitemaps
from registry.records.yamlload import load

pytest.importorskip("playwright")

REPOSITORY = "https://github.com/kunshan-kjj/registry"
SUMMARY_500 = ("昆山石墨烯散热膜研发团队" * 40 + "面向五代通信基站" * 10)[:500]


DOC_IMAGES = REPO / "docs/img"
"""CONTRIBUTING.md's pictures of the form, made by these tests: `UPDATE_DOC_IMAGES=1 .venv/bin/python -m pytest
tests/test_forms.py` rewrites them (otherwise they go to screenshots/ only, which is not committed)."""


def doc_image(page, name: str, first: str, last: str | None = None) -> None:
    """A picture of the page from element `first` to element `last`, 800 px wide, for CONTRIBUTING.md."""
    SCREENSHOTS.mkdir(exist_ok=True)
    size = page.viewport_size
    page.set_viewport_size({"width": 800, "height": 900})
    try:
        top = page.locator(first).bounding_box()
        bottom = page.locator(last or first).bounding_box()
        scroll = page.evaluate("() => window.scrollY")
        clip = {
            "x": 0,
            "y": top["y"] + scroll - 8,
            "width": 800,
            "height": bottom["y"] + bottom["height"] - top["y"] + 16,
        }
        shot = page.screenshot(path=str(SCREENSHOTS / name), clip=clip, full_page=True, animations="disabled")
    finally:
        page.set_viewport_size(size)
    if os.environ.get("UPDATE_DOC_IMAGES"):
        DOC_IMAGES.mkdir(parents=True, exist_ok=True)
        (DOC_IMAGES / name).write_bytes(shot)


def site_with(tmp_path: Path, extra_settings: str = "", schema_edit=None) -> Path:
    """A copy of the shipped project (optionally with site.yaml lines added and a schema edited), built into public/."""
    root = make_project(tmp_path / "project", {}, with_shipped_records=True)
    if extra_settings:
        with (root / "site.yaml").open("a", encoding="utf-8") as settings:
            settings.write(extra_settings)
    if schema_edit:
        schema_edit(root)
    assert build.main(["--root", str(root), "build"]) == 0
    return root


@pytest.fixture(scope="module")
def linked_site(tmp_path_factory) -> Path:
    """The shipped records with a repository, a branch and the forms in the menu."""
    return site_with(tmp_path_factory.mktemp("forms"), f"repository: {REPOSITORY}\nbranch: main\nforms_in_menu: true\n")


def form_page(page, root: Path, kind_folder: str = "achievements"):
    page.goto((root / "public" / "forms" / f"{kind_folder}.html").as_uri())
    page.wait_for_selector("#record-form:not([hidden])")
    page.evaluate("() => localStorage.clear()")
    page.reload()
    page.wait_for_selector("#record-form:not([hidden])")
    return page


def type_with_input_method(page, selector: str, text: str) -> None:
    """Type as a Chinese input method does: a composition (pinyin shown, then replaced), committed at its end."""
    page.focus(selector)
    cdp = page.context.new_cdp_session(page)
    counter = selector + "-count"
    before = page.inner_text(counter)
    cdp.send("Input.imeSetComposition", {"text": "shi mo xi", "selectionStart": 9, "selectionEnd": 9})
    assert page.input_value(selector).endswith("shi mo xi")
    assert page.inner_text(counter) == before  # the pinyin being composed is not counted
    cdp.send("Input.insertText", {"text": text})
    cdp.detach()


def fill_achievement(page, record_id: str, summary: str = SUMMARY_500) -> None:
    page.fill("#f-id", record_id)
    page.fill("#f-name-zh", "表单填报的石墨烯散热膜")
    page.fill("#f-institute-filter", "清华")
    page.select_option("#f-institute", "tsinghua")
    page.fill("#f-department-zh", "no")
    page.fill("#f-lead-name-zh", "张三")
    page.fill("#f-lead-title-zh", "12:30")
    page.fill("#f-contact-phone", "0512-57311234")
    page.select_option("#f-field", "new-materials")
    page.select_option("#f-stage", "research")
    type_with_input_method(page, "#f-summary-zh", summary)
    page.fill("#f-fit-zh", "2017-01-05")
    page.select_option("#f-district", "kaifaqu")
    page.fill("#f-reported", "2017-05-01")
    page.select_option("#f-status", "tracked")


def test_a_clerk_fills_the_achievement_form_and_the_file_passes_check_and_shows_on_the_site(
    page, linked_site, tmp_path
):
    form_page(page, linked_site)
    fill_achievement(page, "form-graphene-film")
    assert page.inner_text("#f-summary-zh-count").startswith("500 / 500 字")
    page.click("#form-check")
    page.wait_for_selector("#form-output:not([hidden])")
    shown = page.input_value("#output-yaml")
    doc_image(page, "forms-picker.png", "label[for=f-institute]", "#f-institute")
    doc_image(page, "forms-counter.png", "#f-summary legend", "#f-summary-zh-count")
    doc_image(page, "forms-output.png", "#form-result")

    # The prefilled new-file address carries exactly the file shown, at its path.
    href = page.get_attribute("#output-submit", "href")
    parts = urlsplit(href)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{REPOSITORY}/new/main/records/achievements"
    query = parse_qs(parts.query, keep_blank_values=True)
    assert query["filename"] == ["form-graphene-film.yaml"]
    assert query["value"] == [shown]
    assert len(href) <= 8000

    # Into a copy of the project: check is clean and the build shows the record.
    root = make_project(tmp_path / "copy", {}, with_shipped_records=True)
    target = root / "records/achievements/form-graphene-film.yaml"
    target.write_text(shown, encoding="utf-8")
    assert build.main(["--root", str(root), "check"]) == 0
    assert build.main(["--root", str(root), "build"]) == 0
    built = lxml_html.parse(str(root / "public/achievements/form-graphene-film.html"))
    assert built.findtext(".//h1").strip() == "表单填报的石墨烯散热膜"
    assert "0512-57311234" not in (root / "public/achievements/form-graphene-film.html").read_text(encoding="utf-8")

    # The strings YAML 1.1 would misread come back as the same strings; keys in schema order.
    doc, problems = load(target, "form-graphene-film.yaml")
    assert problems == []
    data = doc.data
    assert data["department"]["zh"] == "no"
    assert data["lead"]["title"]["zh"] == "12:30"
    assert data["fit"]["zh"] == "2017-01-05"
    assert data["contact_phone"] == "0512-57311234"
    assert data["summary"]["zh"] == SUMMARY_500
    assert list(data) == [
        "id", "name", "institute", "department", "lead", "contact_phone", "field", "stage", "summary", "fit",
        "district", "reported", "status",
    ]  # fmt: skip
    assert yaml.safe_load(shown)["department"]["zh"] == "no"  # a plain YAML 1.1 reader too


def test_what_check_refuses_the_form_refuses_before_any_file_in_chinese(page, linked_site):
    form_page(page, linked_site)
    taken = sorted(p.stem for p in (linked_site / "records/achievements").glob("*.yaml"))[0]
    fill_achievement(page, taken, summary=SUMMARY_500 + "多")
    page.select_option("#f-status", "")
    page.click("#form-check")
    page.wait_for_selector(".problems li")
    problems = page.locator(".problems li").all_inner_texts()
    assert page.is_hidden("#form-output")
    assert f"编号 {taken} 已被已发布的记录使用：请换一个编号；要修改那条记录，请用上面的“修改已发布的记录”" in problems
    assert any(
        p.startswith("科技成果及研发团队简介（中文）：共 501 字，超过 500 字的限制，请删减 1 字") for p in problems
    ), problems
    assert page.inner_text("#f-summary-zh-error").startswith("共 501 字")  # next to the field, no name needed
    assert "请填写跟踪状态" in problems
    assert page.inner_text("#f-summary-zh-count").startswith("501 / 500 字，超出 1 字")
    assert page.get_attribute("#f-status", "aria-invalid") == "true"
    doc_image(page, "forms-problems.png", "#form-result")


def test_an_unknown_institute_in_a_file_the_form_starts_from_is_refused(page, linked_site, tmp_path):
    form_page(page, linked_site)
    source = tmp_path / "draft.yaml"
    source.write_text(
        "# 开发区草稿\nid: draft-coating\nname:\n  zh: 草稿涂层技术\ninstitute: qinghua\nfield: new-materials\n"
        "stage: research\nsummary:\n  zh: 简介。\ndistrict: kaifaqu\nreported: 2017-03-10\nstatus: tracked\n",
        encoding="utf-8",
    )
    page.set_input_files("#edit-file", str(source))
    wait_until(page, "document.querySelector('#start-status').textContent.includes('draft.yaml')")
    page.click("#form-check")
    page.wait_for_selector(".problems li")
    assert page.locator(".problems li").all_inner_texts() == [
        "找不到编号为 qinghua 的大院大所：请从列表中选择；确属新的大院大所，请先登记"
    ]
    page.select_option("#f-institute", "tsinghua")
    page.click("#form-check")
    page.wait_for_selector("#form-output:not([hidden])")
    assert page.input_value("#output-yaml").startswith("# 开发区草稿\nid: draft-coating\n")  # comments kept


def test_a_record_at_every_annex_1_limit_is_too_long_for_an_address_and_is_copied_instead(page, linked_site):
    form_page(page, linked_site)
    fill_achievement(page, "at-every-limit")
    page.fill("#f-name-zh", "超" * 60)
    page.fill("#f-department-zh", "院" * 200)
    page.fill("#f-fit-zh", "契" * 300)
    page.fill("#f-promotion-zh", "推" * 200)
    page.click("#form-check")
    page.wait_for_selector("#form-output:not([hidden])")
    href = page.get_attribute("#output-submit", "href")
    assert href == f"{REPOSITORY}/new/main/records/achievements?filename=at-every-limit.yaml"
    assert page.get_attribute("#output-submit", "data-fits") == "false"
    note = page.inner_text("#output-note")
    assert "内容太长" in note and "复制内容" in note
    assert page.get_attribute("#output-download", "download") == "at-every-limit.yaml"
    assert page.get_attribute("#output-download", "href").startswith("blob:")


def test_what_is_typed_survives_a_reload_until_cleared(page, linked_site):
    form_page(page, linked_site)
    page.fill("#f-name-zh", "刷新后仍在")
    page.wait_for_timeout(400)
    page.reload()
    page.wait_for_selector("#record-form:not([hidden])")
    assert page.input_value("#f-name-zh") == "刷新后仍在"
    assert "已恢复" in page.inner_text("#form-status")
    page.click("#form-clear")
    assert page.input_value("#f-name-zh") == ""
    page.reload()
    page.wait_for_selector("#record-form:not([hidden])")
    assert page.input_value("#f-name-zh") == ""


def test_editing_a_published_record_starts_from_its_public_fields_and_marks_the_private_ones(
    page, linked_site, tmp_path
):
    from conftest import serve_folder

    base, server = serve_folder(linked_site / "public", prefix="public/")
    try:
        page.goto(base + "achievements/index.html")
        first = page.locator("main .card-title").first.get_attribute("href")
        page.goto(base + "achievements/" + first.rsplit("/", 1)[-1])
        edit = page.locator(".edit-links a").all()
        record_id = first.rsplit("/", 1)[-1].removesuffix(".html")
        assert edit[0].get_attribute("href") == f"{REPOSITORY}/edit/main/records/achievements/{record_id}.yaml"
        edit[1].click()
        wait_until(page, "document.querySelector('#start-status').textContent.includes('已载入')")
        page.click("#form-check")
        page.wait_for_selector("#form-output:not([hidden])")
        written = page.input_value("#output-yaml")
    finally:
        server.shutdown()
    assert f"id: {record_id}\n" in written
    assert "# contact_phone: 不公开字段，表单中未填写：合并前由审核人保留原文件中的值" in written
    assert "# reporter: 不公开字段" in written
    assert page.get_attribute("#output-submit", "href").endswith(f"/edit/main/records/achievements/{record_id}.yaml")
    published = json.loads((linked_site / "public/data/achievements.json").read_text(encoding="utf-8"))
    public = next(r for r in published["records"] if r["id"] == record_id)
    assert yaml.safe_load(written) == public  # every public field, nothing private, nothing else


def test_adding_a_field_to_a_schema_adds_it_to_the_form(page, tmp_path):
    def add_patent(root: Path) -> None:
        path = root / "schemas/achievement.schema.json"
        schema = json.loads(path.read_text(encoding="utf-8"))
        schema["properties"]["patent"] = {
            "type": "string",
            "title": "专利号",
            "x-title-en": "Patent number",
            "description": "授权专利号。 / The granted patent's number.",
        }
        path.write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")

    root = site_with(tmp_path, schema_edit=add_patent)
    form_page(page, root)
    assert page.inner_text("label[for=f-patent]").startswith("专利号")
    assert page.inner_text("#f-patent-help") == "授权专利号。"
    fill_achievement(page, "with-patent")
    page.fill("#f-patent", "ZL201710000000.1")
    page.click("#form-check")
    page.wait_for_selector("#form-output:not([hidden])")
    assert 'patent: "ZL201710000000.1"' not in page.input_value("#output-yaml")  # letters first: plain is safe
    assert "patent: ZL201710000000.1\n" in page.input_value("#output-yaml")


def test_the_forms_are_in_the_menu_only_when_site_yaml_says_so_and_never_indexed(linked_site, built_site):
    def menu(public: Path) -> list[str]:
        return [
            a.get("href") for a in lxml_html.parse(str(public / "index.html")).iterfind(".//nav[@class='mainnav']//a")
        ]

    assert "forms/index.html" in menu(linked_site / "public")
    assert "forms/index.html" not in menu(built_site)
    for public in (linked_site / "public", built_site):
        for path in (public / "forms").glob("*.html"):
            robots = lxml_html.parse(str(path)).xpath("//meta[@name='robots']/@content")
            assert robots == ["noindex"], path
    pages = ["index.html", "forms/index.html", "forms/achievements.html", "en/forms/events.html", "about.html"]
    sitemap = sitemaps(pages, "https://dayuan.ks.gov.cn/")["sitemap.xml"].decode()
    assert "forms" not in sitemap and "about.html" in sitemap and "/index.html" in sitemap
    # Without a repository: no edit links, and the form offers a download only.
    record = next((built_site / "achievements").glob("[a-z]*-*.html"))
    assert lxml_html.parse(str(record)).xpath("//*[@class='edit-links no-print']") == []
    assert lxml_html.parse(str(built_site / "forms/achievements.html")).xpath("//*[@id='output-submit']") == []


def test_the_form_page_runs_no_inline_script_and_no_eval(page, linked_site):
    """A Content-Security-Policy without inline scripts or eval leaves the form working."""
    public = linked_site / "public"
    source = (public / "forms/achievements.html").read_text(encoding="utf-8")
    csp = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; script-src 'self'; object-src 'none'\">"
    strict = public / "forms/achievements-csp.html"
    strict.write_text(source.replace("<head>", "<head>\n" + csp, 1), encoding="utf-8")
    violations = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    try:
        page.goto(strict.as_uri())
        page.wait_for_selector("#record-form:not([hidden])")
        fill_achievement(page, "csp-check")
        page.click("#form-check")
        page.wait_for_selector("#form-output:not([hidden])")
    finally:
        strict.unlink()
    assert violations == []
    assert all(not s.text for s in lxml_html.fromstring(source.encode()).iterfind(".//script[@src]"))
    assert [s.get("type") for s in lxml_html.fromstring(source.encode()).iterfind(".//script") if not s.get("src")] == [
        "application/json"
    ]


@pytest.mark.parametrize("width", [375, 1280])
def test_the_form_fits_a_phone_and_works_by_keyboard(page, linked_site, width):
    page.set_viewport_size({"width": width, "height": 900})
    form_page(page, linked_site)
    assert horizontal_overflow(page) == 0
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"forms-achievement-{width}.png"), full_page=False)
    if width == 1280:
        assert keyboard_focus_problems(page, max_tabs=600) == []
        return
    taken = sorted(p.stem for p in (linked_site / "records/achievements").glob("*.yaml"))[0]
    fill_achievement(page, taken, summary=SUMMARY_500 + "多")
    page.click("#form-check")
    page.wait_for_selector(".problems li")
    assert horizontal_overflow(page) == 0  # the problem list, a long id in it
    page.fill("#f-summary-zh", "")
    fill_achievement(page, "phone-check")
    page.click("#form-check")
    page.wait_for_selector("#form-output:not([hidden])")
    assert horizontal_overflow(page) == 0  # the file and its buttons


def test_the_vendored_browser_libraries_are_the_pinned_packages(tmp_path):
    node = shutil.which("node")
    from conftest import NPM_CI, require_tool

    require_tool(node is not None and (REPO / "node_modules/esbuild").is_dir(), f"node or esbuild missing ({NPM_CI})")
    import subprocess

    result = subprocess.run([node, "tests/js/vendor.mjs", "--check"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    lock = json.loads((REPO / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    for name, file in (("yaml", "yaml.js"), ("@cfworker/json-schema", "json-schema.js")):
        version = lock[f"node_modules/{name}"]["version"]
        head = (REPO / "site_templates/assets/vendor" / file).read_text(encoding="utf-8").splitlines()[0]
        assert head.startswith(f"/*! {name} {version} "), head
        assert (REPO / "site_templates/assets/vendor" / file.replace(".js", ".LICENSE")).is_file()
        assert "new Function" not in (REPO / "site_templates/assets/vendor" / file).read_text(encoding="utf-8")


def test_the_form_with_its_problems_and_with_its_file_and_a_record_page_with_edit_links_pass_axe(page, linked_site):
    require_tool(AXE_JS.is_file(), f"{AXE_JS} missing ({NPM_CI})")
    form_page(page, linked_site)
    fill_achievement(page, "axe-check", summary=SUMMARY_500 + "多")
    page.click("#form-check")
    page.wait_for_selector(".problems li")
    assert axe_violations(page) == []
    page.fill("#f-summary-zh", "简介。")
    page.click("#form-check")
    page.wait_for_selector("#form-output:not([hidden])")
    assert axe_violations(page) == []
    record = next((linked_site / "public/achievements").glob("[a-z]*-*.html"))
    page.goto(record.as_uri())
    assert page.locator(".edit-links a").count() == 2
    assert axe_violations(page) == []


def test_every_picture_contributing_shows_is_one_the_browser_tests_make():
    guide = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    pictures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", guide)
    assert pictures, "CONTRIBUTING.md shows the form"
    source = Path(__file__).read_text(encoding="utf-8")
    for picture in pictures:
        assert (REPO / picture).is_file(), picture
        assert picture.startswith("docs/img/") and f'"{Path(picture).name}"' in source, picture
        assert (REPO / picture).stat().st_size < 150_000, picture


def test_the_english_form_takes_its_labels_and_help_from_the_schemas_english_halves():
    """Ready for the English edition: the same plan in English gives the schema's x-title-en and English help."""
    from registry.engine.checking import check
    from registry.figures.figures import compute_figures
    from registry.model.public import published
    from registry.pages.catalogue import Catalogue, load_messages
    from registry.pages.plan import SitePlan
    from registry.pages.render import Renderer

    result = check(REPO)
    cat = Catalogue(load_messages(REPO / "site_templates/messages.yaml"), result.schemas, "en")
    public = published(result)
    day = dt.date.fromisoformat(result.settings["as_of"])
    plan = SitePlan(public, compute_figures(public, day), result.settings, cat, "")
    renderer = Renderer(REPO / "site_templates", {**plan.shared(), "downloads": {}})
    (form,) = [p for p in plan.run(("forms",)) if p.out_path == "en/forms/achievements.html"]
    page = lxml_html.fromstring(renderer.render(form))
    schema = json.loads((REPO / "schemas/achievement.schema.json").read_text(encoding="utf-8"))
    for name in ("institute", "field", "stage", "district", "status", "contact_phone"):
        node = schema["properties"][name]
        label = page.find(f".//label[@for='f-{name.replace('_', '-')}']")
        assert label is not None and label.text_content().strip().startswith(node["x-title-en"]), name
        help_text = page.find(f".//*[@id='f-{name.replace('_', '-')}-help']").text_content()
        assert node["description"].split(" / ", 1)[1].strip() in help_text, name
    stages = [o.text_content() for o in page.iterfind(".//select[@id='f-stage']/option")][1:]
    assert stages and all(not re.search(r"[\u4e00-\u9fff]", text) for text in stages), stages
