"""Typing slips behind a YAML parse error, found on the line where they are (yamlload reports them).

A Chinese input method types a full-width colon (`status： tracked`); a colon loses its space (`status:tracked`);
a quote is left open. libyaml notices later, often at the end of the file: in a template from `build.py new`,
after the comments below the slip. So the lines looked at are the error's own, the three lines with content
above it (comments and blank lines passed over) and the one after.
"""

from __future__ import annotations

import re

from registry.problems import Problem

FULLWIDTH_KEY = re.compile(r"^\s*(-\s+)?[A-Za-z_][A-Za-z0-9_]*\s*：")
NO_SPACE_KEY = re.compile(r"^\s*(-\s+)?(?P<key>[A-Za-z_][A-Za-z0-9_]*):[^\s:/\"']")
"""`status:tracked`: YAML reads a colon without a space after it as part of the text."""
OPEN_QUOTE = re.compile(r'(?<!\\)"')


def near_error(lines: list[str], line: int) -> list[int]:
    """The line numbers to look at for a parse error reported at `line`, nearest first (the one after last)."""
    near = [line] if 1 <= line <= len(lines) else []
    number = min(line, len(lines) + 1) - 1
    while number >= 1 and len(near) < 4:
        stripped = lines[number - 1].strip()
        if stripped and not stripped.startswith("#"):
            near.append(number)
        number -= 1
    return near + ([line + 1] if line + 1 <= len(lines) else [])


def typing_slip(src_path: str, lines: list[str], line: int) -> Problem | None:
    """The slip behind a parse error at `line`, on its own line; None when none is found."""
    near = near_error(lines, line)
    for number in near:
        if FULLWIDTH_KEY.match(lines[number - 1]):
            return Problem(
                src_path,
                number,
                lines[number - 1].index("：") + 1,
                "",
                "yaml-fullwidth-colon",
                "字段名后面用了全角冒号“：”",
                "a full-width colon ： follows the field name",
                "改成英文冒号加空格，例如 stage: research",
                "use an ASCII colon and a space, e.g. stage: research",
            )
    for number in near:
        if match := NO_SPACE_KEY.match(lines[number - 1]):
            return Problem(
                src_path,
                number,
                match.end() - 1,
                "",
                "yaml-colon-space",
                "冒号后面缺少空格",
                "a colon is not followed by a space",
                f"在冒号后加一个空格：{match.group('key')}: …",
                f"put a space after the colon: {match.group('key')}: …",
            )
    for number in sorted(n for n in near if n <= line):
        content = lines[number - 1]
        if not content.lstrip().startswith("#") and len(OPEN_QUOTE.findall(content)) % 2:
            return Problem(
                src_path,
                number,
                content.index('"') + 1,
                "",
                "yaml-syntax",
                "引号没有配对",
                "a quote is not closed",
                "在这个值的末尾补上同样的引号",
                "close the quote at the end of the value",
            )
    return None
