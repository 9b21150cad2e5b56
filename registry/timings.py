"""Seconds spent per phase of a build, for `build --timings` and bench/; costs nothing when not shown."""

from __future__ import annotations

import time
from contextlib import contextmanager


class Timings:
    """Seconds spent per phase of a build, for `build --timings` and bench/; costs nothing when not shown."""

    def __init__(self):
        self.phases: dict[str, float] = {}

    @contextmanager
    def phase(self, name: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - started)

    def add(self, name: str, seconds: float) -> None:
        self.phases[name] = self.phases.get(name, 0.0) + seconds

    def lines(self) -> list[str]:
        """One line per phase: name, seconds, share of the total (of the top-level phases; `work.*` are sums over the workers, inside `output`)."""
        total = sum(seconds for name, seconds in self.phases.items() if "." not in name) or 1.0
        return [f"{name:12} {seconds:8.3f} s {100 * seconds / total:5.1f}%" for name, seconds in self.phases.items()]
