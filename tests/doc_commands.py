"""The commands the documents tell people to type, read from README.md, CONTRIBUTING.md and the workflows.

Tests run what these functions return, so a command changed in a document is the command that is tested.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
CODE_SPAN = re.compile(r"`([^`]+)`")
OPTIONAL = re.compile(r"\[([^\]]+)\]")


@dataclass(frozen=True)
class TableRow:
    """One row of README's command table: the syntax written in its first cell and what its second cell says."""

    syntaxes: tuple[str, ...]
    says: str


def section(text: str, heading: str) -> str:
    """The body of a Markdown `## heading` section, up to the next heading of the same level."""
    match = re.search(rf"^## {re.escape(heading)}\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    if match is None:
        raise AssertionError(f"no section `## {heading}`")
    return match.group(1)


def code_blocks(text: str, lang: str = "sh") -> list[str]:
    """The bodies of the fenced code blocks of a language, in order (indented fences as in a list item too)."""
    blocks = re.findall(rf"^[ \t]*```{lang}[ \t]*\n(.*?)^[ \t]*```", text, re.M | re.S)
    return [re.sub(r"^[ \t]+", "", block, flags=re.M) for block in blocks]


def readme() -> str:
    return (REPO / "README.md").read_text(encoding="utf-8")


def quick_start() -> str:
    """The first shell block of README's Quick start: what a new user pastes first."""
    blocks = code_blocks(section(readme(), "Quick start"))
    if not blocks:
        raise AssertionError("README's Quick start has no ```sh block")
    return blocks[0].strip()


def command_table() -> list[TableRow]:
    """README's `## Commands` table, one entry per row; `\\|` inside a cell is a literal |."""
    rows = []
    for line in section(readme(), "Commands").splitlines():
        if not line.startswith("| `"):
            continue
        cells = [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", line)[1:-1]]
        syntaxes = tuple(s for s in CODE_SPAN.findall(cells[0]) if s.startswith("python build.py"))
        rows.append(TableRow(syntaxes, cells[1]))
    return rows


def expand(syntax: str) -> list[list[str]]:
    """A command's syntax as the argument lists that try every part of it, placeholders still in place.

    `python build.py check [--format text|json|github]` gives `check`, then `check --format text`, `… json`,
    `… github`: the bare command first, then every optional part at once, once per alternative.
    """
    required = OPTIONAL.sub(" ", syntax).split()
    groups = [group.split() for group in OPTIONAL.findall(syntax)]
    runs = [required]
    width = max((len(token.split("|")) for group in groups for token in group), default=1)
    for choice in range(width) if groups else ():
        run = list(required)
        for group in groups:
            for token in group:
                options = token.split("|")
                run.append(options[min(choice, len(options) - 1)])
        runs.append(run)
    return runs


def contributing() -> str:
    return (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")


def staff_commands() -> list[str]:
    """Every `python build.py …` that CONTRIBUTING.md tells staff to type, in document order, each once:
    lines of its shell blocks (a trailing `# comment` dropped) and inline code spans."""
    text = contributing()
    found: list[tuple[int, str]] = []
    fence = re.compile(r"^[ \t]*```(\w*)[ \t]*\n(.*?)^[ \t]*```", re.M | re.S)
    for match in fence.finditer(text):
        for line in match.group(2).splitlines() if match.group(1) == "sh" else ():
            line = line.split(" #", 1)[0].strip()
            if line.startswith("python build.py"):
                found.append((match.start(), line))
    prose = fence.sub(lambda m: " " * len(m.group(0)), text)  # inline spans only outside the blocks
    for match in re.finditer(r"``(.+?)``|`([^`\n]+)`", prose):
        span = (match.group(1) or match.group(2)).strip()
        if span.startswith("python build.py"):
            found.append((match.start(), span))
    out: list[str] = []
    for _position, command in sorted(found):
        if command not in out:
            out.append(command)
    return out


def workflow_commands(name: str) -> list[str]:
    """The lines of a workflow's `run:` steps that call build.py, as written (shell variables unexpanded)."""
    doc = yaml.safe_load((REPO / ".github" / "workflows" / name).read_text(encoding="utf-8"))
    return [
        line.strip()
        for job in doc["jobs"].values()
        for step in job.get("steps", [])
        for line in step.get("run", "").splitlines()
        if "build.py" in line
    ]
