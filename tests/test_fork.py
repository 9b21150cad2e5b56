"""`fork.in_child`: values made in a forked process come back one by one, only once that process has exited."""

from __future__ import annotations

import os

import pytest

from registry.engine import fork


def _made_elsewhere(parts: int):
    for number in range(parts):
        yield os.getpid(), number, "成果" * 1000


def test_values_come_back_in_order_from_a_process_that_has_exited():
    seen = []
    for pid, number, text in fork.in_child(lambda: _made_elsewhere(5)):
        assert pid != os.getpid()
        with pytest.raises(ProcessLookupError):  # the child is gone (and reaped) before the first value is read
            os.kill(pid, 0)
        seen.append((number, text))
    assert seen == [(number, "成果" * 1000) for number in range(5)]
    assert list(fork.in_child(lambda: iter(()))) == []


def _fails_after_two():
    yield 1
    yield 2
    raise ValueError("记录有误 / a record is wrong")


def test_an_error_in_the_child_is_raised_here_before_any_value():
    values = []
    with pytest.raises(ValueError, match="a record is wrong"):
        values.extend(fork.in_child(_fails_after_two))
    assert values == []


def test_a_child_that_dies_is_reported():
    def dies():
        yield 1
        os._exit(3)

    with pytest.raises(RuntimeError, match="exit code 3"):
        list(fork.in_child(dies))
