"""The loader's fast path for `key: scalar` builds what the general path builds: values, positions, raw text, refusals."""

from __future__ import annotations

from registry.records.yaml_events import MAX_DEPTH
from registry.records.yamlload import parse


def _nested(depth: int, leaf: str) -> str:
    """A mapping `k:` nested so that the leaf value sits at the given depth."""
    return "".join("  " * level + "k:\n" for level in range(depth - 1)) + "  " * (depth - 1) + f"k: {leaf}\n"


def test_plain_scalars_keep_their_yaml_type_and_text_as_written_only_when_not_text():
    doc, problems = parse("x.yaml", "a: text\nb: '0512'\nc: 0512\nd: yes\ne: 2017-03-10\nf: ~\ng: |\n  block\nh: 1.5\n")

    assert problems == []
    assert doc.data == {
        "a": "text",
        "b": "0512",
        "c": 330,
        "d": True,
        "e": "2017-03-10",
        "f": None,
        "g": "block\n",
        "h": 1.5,
    }
    assert doc.raw == {("c",): "0512", ("d",): "yes", ("e",): "2017-03-10", ("f",): "~", ("h",): "1.5"}
    assert doc.marks[("b",)] == (2, 4) and doc.key_marks[("b",)] == (2, 1) and doc.marks[("g",)] == (7, 4)


def test_a_scalar_at_the_depth_limit_is_kept_and_one_level_deeper_is_refused():
    kept, kept_problems = parse("x.yaml", _nested(MAX_DEPTH, "leaf"))
    refused, refused_problems = parse("x.yaml", _nested(MAX_DEPTH + 1, "leaf"))

    assert kept_problems == []
    value = kept.data
    for _ in range(MAX_DEPTH):
        value = value["k"]
    assert value == "leaf"
    assert [p.code for p in refused_problems] == ["yaml-too-deep"]
    assert ("k",) * (MAX_DEPTH + 1) in refused.refused


def test_an_anchored_or_tagged_scalar_value_is_still_reported():
    doc, problems = parse("x.yaml", "a: &x text\nb: !!str 12\nc: ! 12\n")

    assert [(p.code, p.line) for p in problems] == [("yaml-anchor", 1), ("yaml-tag", 2)]
    assert doc.data == {"a": "text", "b": "12", "c": 12}
