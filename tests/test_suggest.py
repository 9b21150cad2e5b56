"""Suggestions for an unknown reference: offered only when the value is a slip away from a record."""

from __future__ import annotations

import pytest
from conftest import REPO

from registry.engine.checking import check
from registry.records.crosscheck import _suggester
from registry.records.suggest import distance, register_command


@pytest.fixture(scope="module")
def institutes():
    registry = check(REPO).registry
    return _suggester(registry, "institute", {})


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("tsinghau", "tsinghua"),  # two letters swapped
        ("tsingua", "tsinghua"),  # one left out
        ("qinghua", "tsinghua"),  # the pinyin of 清华
        ("hgd", "hit"),  # the pinyin initials of 哈工大
        ("zkd", "ustc"),  # 中科大
        ("青华", "tsinghua"),  # a homophone typed by the input method
        ("上海交通大", "sjtu"),  # a character left out of the name
        ("sjtuu", "sjtu"),
    ],
)
def test_a_slip_is_answered_with_the_record_meant(institutes, typed, meant):
    assert institutes.near(typed) == meant


@pytest.mark.parametrize("typed", ["xjtlu", "mit", "西交利物浦", "cambridge", "shanghaijiaotong", "大学"])
def test_another_institute_gets_no_suggestion(institutes, typed):
    assert institutes.near(typed) is None


def test_distance_counts_a_swap_as_one_edit_and_stops_past_the_limit():
    assert distance("tsinghau", "tsinghua", 2) == 1
    assert distance("xjtlu", "sjtu", 1) == 2
    assert distance("abcdef", "uvwxyz", 2) == 3


def test_the_registration_command_uses_the_id_written_or_its_pinyin():
    taken = {"sjtu"}.__contains__
    assert register_command("institute", "xjtlu", taken) == "python build.py new institute xjtlu"
    assert register_command("institute", "西交利物浦", taken) == "python build.py new institute xi-jiao-li-wu-pu"
    assert register_command("institute", "sjtu-", taken) == "python build.py new institute ID"
