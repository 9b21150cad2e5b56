"""registry/pages/render.py: the Markdown filter's shortcut for plain text and its memo, dict-first attribute lookup, the frame
rendered once."""

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


def _build(root, out, frame_key=None):
    """The shipped site built into `out`; `frame_key` stands in for Renderer._frame_key when given."""
    from registry.engine.build import build_site

    if frame_key is None:
        build_site(root, out, jobs=1)
        return out
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Renderer, "_frame_key", frame_key)
        build_site(root, out, jobs=1)
    return out


def _files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*.html")}


def test_the_frame_rendered_once_gives_every_page_what_rendering_it_whole_gives(shipped, tmp_path):
    """Every page of the shipped site (both editions) is byte for byte what it is when each page renders its own
    header, navigation and footer (frame_key None: no part kept); and a key that left out the page's folder would
    put one folder's relative links on another's pages, which this comparison sees."""
    cached = _files(_build(shipped, tmp_path / "cached"))
    whole = _files(_build(shipped, tmp_path / "whole", lambda self, page, shared: None))
    assert len(cached) > 200 and cached.keys() == whole.keys()
    assert [path for path in cached if cached[path] != whole[path]] == []

    def folderless(self, page, shared):
        return (id(shared), page.lang, page.context.get("section"), page.context.get("absolute_base"))

    wrong = _files(_build(shipped, tmp_path / "wrong", folderless))
    assert any(wrong[path] != whole[path] for path in whole)


def test_a_markdown_text_is_converted_once_and_the_memo_starts_again_when_full(monkeypatch):
    md = MarkdownRenderer()
    text = "一段**加粗**的`代码`"  # outside registry/pages/simple_markdown.py's shape: converted
    first = md(text)
    assert str(first) == converted(text) and md(text) is first  # remembered: the same object again
    assert str(md(text, top=2)) == str(first) and md(text, top=2) is not first  # a heading level is its own key
    monkeypatch.setattr(render, "MEMO_TEXTS", 2)
    md("第三段*文字*与`代码`")  # the memo holds two: it starts again
    assert md(text) is not first and str(md(text)) == str(first)
