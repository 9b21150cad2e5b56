"""The staff forms' "other" boxes (field_other, stage_other, type_other, mode_other) and character counters: a box
shows only while its field says other, by keyboard too, and a hidden one writes nothing; a counter stands only under a
text input that has a limit, in the page's language."""

from __future__ import annotations

import json

import pytest
from browser_tools import AXE_JS, axe_violations, wait_until
from conftest import NPM_CI, require_tool
from lxml import html as lxml_html

pytest.importorskip("playwright")

FORMS = ("achievements", "events", "projects", "talents", "carriers", "institutes")
OTHER_BOXES = {
    "achievements": {"f-field-other": "f-field", "f-stage-other": "f-stage"},
    "events": {"f-type-other": "f-type"},
    "projects": {"f-mode-other": "f-mode"},
    "talents": {},
    "carriers": {},
    "institutes": {},
}


def open_form(page, built_site, path: str):
    page.goto((built_site / path).as_uri())
    page.wait_for_selector("#record-form:not([hidden])")
    page.evaluate("() => localStorage.clear()")
    page.reload()
    page.wait_for_selector("#record-form:not([hidden])")
    return page


def hidden_boxes(page) -> dict[str, bool]:
    return page.evaluate(
        "() => Object.fromEntries([...document.querySelectorAll('[data-other-of]')].map(b => [b.id, b.hidden]))"
    )


@pytest.mark.parametrize("lang", ["", "en/"])
def test_counters_stand_only_under_text_inputs_with_a_limit_and_other_boxes_name_their_field(built_site, lang):
    for kind in FORMS:
        doc = lxml_html.parse(str(built_site / f"{lang}forms/{kind}.html")).getroot()
        counters = doc.xpath("//*[contains(concat(' ', @class, ' '), ' counter ')]")
        assert counters, kind
        for counter in counters:
            (control,) = counter.xpath("preceding-sibling::input | preceding-sibling::textarea")
            assert counter.get("id") == control.get("id") + "-count", kind
            assert control.get("type", "text") == "text" and control.xpath("ancestor::div[@class='lang-input']"), kind
            assert control.get("data-max-chars") or control.get("data-max-length"), kind
            assert counter.get("id") in control.get("aria-describedby").split(), kind
        described = doc.xpath("//*[@aria-describedby][not(self::input[@type='text']) and not(self::textarea)]")
        assert [
            el.get("id") for el in described if any(i.endswith("-count") for i in el.get("aria-describedby").split())
        ] == [], kind
        assert doc.xpath("//input[@type='date']") or kind == "institutes", kind  # dates, none with a counter
        boxes = {box.get("id"): box.get("data-other-of") for box in doc.xpath("//*[@data-other-of]")}
        assert boxes == OTHER_BOXES[kind], kind
        for box, field in boxes.items():
            (select,) = doc.xpath(f"//select[@id='{field}']")
            assert select.get("aria-controls") == box
            assert "other" in select.xpath("option/@value")
            # Served visible: only the script, which also reveals the form, hides a box not in use.
            assert doc.xpath(f"//*[@id='{box}']/@hidden") == []


def test_an_other_box_shows_only_while_other_is_chosen_by_keyboard_and_a_hidden_one_writes_nothing(page, built_site):
    open_form(page, built_site, "en/forms/events.html")
    assert hidden_boxes(page) == {"f-type-other": True}
    page.focus("#f-type")
    page.keyboard.press("End")  # the last option, Other, chosen from the keyboard
    assert page.input_value("#f-type") == "other"
    assert hidden_boxes(page) == {"f-type-other": False}
    page.keyboard.press("Tab")  # the box comes next in the tab order, right after its field
    assert page.evaluate("() => document.activeElement.id") == "f-type-other-zh"
    page.keyboard.type("技术沙龙")
    require_tool(AXE_JS.is_file(), f"{AXE_JS} missing ({NPM_CI})")
    assert axe_violations(page) == []
    page.select_option("#f-type", "forum")
    assert hidden_boxes(page) == {"f-type-other": True}
    wait_until(page, "JSON.parse(localStorage.getItem(localStorage.key(0)) || '{}').data?.type === 'forum'")
    kept = json.loads(page.evaluate("() => localStorage.getItem(localStorage.key(0))"))["data"]
    assert "type_other" not in kept  # what the form keeps (and writes) leaves the unused box out
    page.select_option("#f-type", "other")
    assert hidden_boxes(page) == {"f-type-other": False}
    assert page.input_value("#f-type-other-zh") == "技术沙龙"  # nothing typed was thrown away


def test_a_file_that_fills_an_other_box_without_other_keeps_it_in_view(page, built_site, tmp_path):
    record = tmp_path / "forum.yaml"
    record.write_text(
        "id: forum-x\ntitle:\n  zh: 测试论坛\ntype: forum\ntype_other:\n  zh: 技术沙龙\n", encoding="utf-8"
    )
    open_form(page, built_site, "forms/events.html")
    page.set_input_files("#edit-file", str(record))
    wait_until(page, "document.querySelector('#start-status').textContent !== ''")
    assert page.input_value("#f-type") == "forum"
    assert hidden_boxes(page) == {"f-type-other": False}  # shown, so the clerk sees what check will refuse
    assert page.input_value("#f-type-other-zh") == "技术沙龙"


def test_the_english_counter_speaks_english_punctuation(page, built_site):
    open_form(page, built_site, "en/forms/achievements.html")
    page.fill("#f-summary-zh", "成果简介")
    assert page.inner_text("#f-summary-zh-count") == "4 / 500 characters (spaces and line breaks not counted)"
    open_form(page, built_site, "forms/achievements.html")
    page.fill("#f-summary-zh", "成果简介")
    assert page.inner_text("#f-summary-zh-count") == "4 / 500 字（不计空格和换行）"
