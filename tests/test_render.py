"""registry/render.py: the Markdown filter's shortcut for plain text, and dict-first attribute lookup."""

from __future__ import annotations

import random

import nh3
import pytest

from registry.pages import render
from registry.pages.render import PLAIN, MarkdownRenderer, Page, Renderer

ALPHABET = (
    "中文成果技术昆山，。、；：（）【】“”《》！？—…０１２abcXYZ0123456789 \u3000\u2003\u200b\ufeff\u2028\u0085"
    "é°±×÷€£¥©®™·"
)


def converted(text: str) -> str:
    """What the filter makes of text through Python-Markdown and the sanitiser, never taking the shortcut."""
    html = MarkdownRenderer()._md.reset().convert(text)
    return nh3.clean(
        html,
        tags=render.ALLOWED_TAGS | {"h3", "h4", "h5", "h6"},
        attributes=render.ALLOWED_ATTRIBUTES,
        url_schemes=render.URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )


def test_plain_text_takes_the_shortcut_with_the_bytes_markdown_would_make():
    rng, md, plain = random.Random(20171231), MarkdownRenderer(), 0
    for _ in range(20_000):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 40)))
        if PLAIN.fullmatch(text):
            plain += 1
            assert str(md(text)) == converted(text), text
    assert plain > 10_000  # the alphabet is mostly plain: the comparison ran on many texts


@pytest.mark.parametrize(
    "text",
    [
        "**重点**",
        "1. 第一",
        "- 一项",
        "甲*乙*",
        "甲\n\n乙",
        " 缩进",
        "a  ",
        "<b>x</b>",
        "A&B",
        "[链接](https://e.example)",
        "制\t表",
        "不\u00a0换行",
        "\u3000全角空格开头",
    ],
)
def test_text_with_any_markup_sign_goes_through_markdown(text):
    assert PLAIN.fullmatch(text) is None
    assert str(MarkdownRenderer()(text)) == converted(text)


def test_dict_keys_are_found_before_attributes_and_a_typo_still_fails(tmp_path):
    (tmp_path / "t.html").write_text("{{ card.items }}|{{ card.title }}|{{ card.tilte }}", encoding="utf-8")
    renderer = Renderer(tmp_path, {})
    with pytest.raises(Exception, match="tilte"):  # StrictUndefined: a misspelt key fails the build
        renderer.render(Page("x.html", "t.html", {"card": {"items": "键", "title": "题"}}))
    (tmp_path / "t.html").write_text("{{ card.items }}|{{ card.title }}", encoding="utf-8")
    assert renderer.env.get_template("t.html").render(card={"items": "键", "title": "题"}) == "键|题"
