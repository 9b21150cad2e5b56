"""Singular and plural in English, one rule for the pages, the reports, the scripts and the command line: CLDR's
English cardinal rule (a count written "1" is "one", any other is "other"). Chinese has no plural."""

from __future__ import annotations

PLURAL_FORMS = ("one", "other")
"""The forms an English count message gives in site_templates/messages.yaml ({one: …, other: …})."""


def plural_form(n: object) -> str:
    """ "one" or "other" for a count, given as a number or as the text a page shows ("1", "1,000", 1.5)."""
    return "one" if str(n).replace(",", "").strip() == "1" else "other"


def count_en(n: int, one: str, other: str | None = None) -> str:
    """A count with its English noun: 1 problem, 3 problems (other defaults to one + "s")."""
    return f"{n} {one if plural_form(n) == 'one' else other or one + 's'}"
