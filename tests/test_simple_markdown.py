"""registry/pages/simple_markdown.py: Markdown of the commonest shape made without Python-Markdown, the same bytes the
full converter and sanitiser make (pages) and the same text the plain-text reader makes of them (downloads)."""

from __future__ import annotations

import random
import re

import pytest

from bench.generate import Generator
from registry.outputs import plaintext
from registry.pages import simple_markdown
from registry.pages.render import PLAIN, MarkdownRenderer
from registry.pages.simple_markdown import convert
from tests.test_render import converted


def read_back(html: str, zh: bool = True) -> str:
    """The downloads' plain text of sanitised HTML, read by the full reader (never the shortcut)."""
    reader = plaintext._Reader(zh)
    reader.feed(html)
    reader.close()
    return reader.text()


def mismatches(texts: list[str]) -> tuple[int, list[str]]:
    """How many texts the shortcut took, and those where it differs from the full path (page HTML or either
    language's plain text)."""
    taken, wrong = 0, []
    for text in texts:
        made = convert(text)
        if made is None:
            continue
        taken += 1
        html = converted(text)
        if made[0] != html or made[1] != read_back(html) or made[1] != read_back(html, zh=False):
            wrong.append(text)
    return taken, wrong


def generated_texts(count: int = 300) -> list[str]:
    """Every Chinese and English text of a generated registry (bench/generate.py) that is not plain."""
    texts: list[str] = []

    def walk(value):
        if isinstance(value, dict):
            for key, inner in value.items():
                texts.append(inner) if key in ("zh", "en") and isinstance(inner, str) else walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    for _, _, data in Generator(count).records():
        walk(data)
    return sorted({text for text in texts if not PLAIN.fullmatch(text)})


INERT = list("中文材料ab1２Z٣é .%()!:;?/=@~$^\"',#+-") + ["（", "）", "：", "\u3000", "\u2028", "\x85", "—", "。"]
ALNUM = list("中文ab1٣Zé２")


def random_texts(seed: int, count: int) -> list[str]:
    """Texts near the shape's edges: paragraphs and "- " lists of inline text with `*` and `**` spans, any inert
    ASCII sign, Unicode spaces and punctuation next to the spans, at the start of a line or inside a span."""
    rng = random.Random(seed)

    def run(size: int) -> str:
        return "".join(rng.choice(INERT) for _ in range(size))

    def line() -> str:
        out = rng.choice([*ALNUM, "*"]) if rng.random() < 0.7 else ""
        for _ in range(rng.randint(1, 4)):
            if rng.random() < 0.5:
                out += run(rng.randint(1, 4))
            else:
                marks = rng.choice(["*", "**"])
                inner = rng.choice(ALNUM) + (run(rng.randint(0, 3)) + rng.choice(ALNUM) if rng.random() < 0.7 else "")
                out += marks + inner + marks
        return out

    def block() -> str:
        if rng.random() < 0.4:
            return "\n".join("- " + line() for _ in range(rng.randint(1, 3)))
        return line()

    return ["\n\n".join(block() for _ in range(rng.randint(1, 4))) for _ in range(count)]


def test_every_text_of_a_generated_registry_that_takes_the_shortcut_is_made_as_markdown_makes_it():
    texts = generated_texts()
    taken, wrong = mismatches(texts)
    assert wrong == []
    assert taken > len(texts) * 0.8  # the summaries' paragraphs, lists and emphasis, `%`, `(`, `-`: most of them


def test_random_texts_near_the_edges_of_the_shape_are_made_as_markdown_makes_them():
    texts = random_texts(20261207, 6000)
    taken, wrong = mismatches(texts)
    assert wrong == []
    assert taken > 1000


def test_the_comparison_finds_a_shortcut_that_takes_a_sign_it_must_not(monkeypatch):
    """Let `&`, `<`, `_`, `[`, a no-break space through: the same comparison then finds texts made wrongly."""
    monkeypatch.setattr(simple_markdown, "TEXT", re.compile(r"[^\x00-\x1f*]*"))
    texts = [*random_texts(1, 500), "A&B", "a<b", "甲_乙_丙", "见[2017]号", "不\u00a0换行", "x > y"]
    assert mismatches(texts)[1]


@pytest.mark.parametrize(
    "text",
    [
        "- 一\n\n- 二",  # two lists a blank line apart: one loose list, items in <p>
        "1. 第一",  # an ordered list
        "2020. 年度",  # starts like one
        "* 一项",  # a list marked with *
        "### 标题",
        "> 引文",
        "+ 一项",
        "甲\n乙",  # a soft line break
        "甲\n\n\n乙",
        "甲  ",
        " 甲",
        "\u3000全角空格开头",
        "**（重点）**说明",  # a span starting with punctuation: flanking rules decide
        "**重点 **说明",
        "**甲****乙**",  # spans touching
        "甲**乙",
        "A&B",
        "a<b>",
        "甲_乙_",
        "[2017] 163 号",
        "`代码`",
        "a\\*b",
        "不\u00a0换行",
        "列 | 表",
        "- 一\n二",
        "- ",
    ],
)
def test_text_outside_the_shape_goes_through_markdown(text):
    assert convert(text) is None
    assert str(MarkdownRenderer()(text)) == converted(text)
    assert plaintext.PlainText()(text) == read_back(converted(text))
