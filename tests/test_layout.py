"""The package keeps its shape: read from the modules' own imports (ast), no import cycle, no import against the flow
of the data (DESIGN.md: records → model → figures → pages → outputs → engine → staff), no module over 400 lines,
every folder says in its docstring what it takes and what it gives, and templates only place finished values."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from conftest import REPO

STAGES = ("records", "model", "figures", "pages", "outputs", "engine", "staff")
"""The folders of registry/, in the order data flows; a module may import its own stage and those before it.
The modules beside them (registry/__init__.py, errors.py, problems.py, timings.py, plural.py, hashing.py, pickles.py) are the base every stage uses."""

MAX_LINES = 400


def modules(package: Path) -> dict[str, Path]:
    """Dotted name → file of every module of a package (registry.pages.plan → registry/pages/plan.py)."""
    out = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules a module imports, anywhere in it (at the top, inside a function, for type checking)."""
    package = (name if path.name == "__init__.py" else name.rpartition(".")[0]).split(".")
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: `from .x import y` in package p is p.x; each further dot goes up one package
                base = ".".join([*package[: len(package) - node.level + 1], *([base] if base else [])])
            # `from registry.engine import cache` imports the module registry.engine.cache
            found |= {f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names}
    return {module for module in found if module in known}


def stage(name: str) -> int:
    """The position of a module's stage in the flow; -1 for the base beside the stages."""
    parts = name.split(".")
    return STAGES.index(parts[1]) if len(parts) > 2 or (len(parts) == 2 and parts[1] in STAGES) else -1


def layout_problems(package: Path) -> list[str]:
    """Every way a package breaks the layout: long modules, imports against the flow, cycles, folders without a word."""
    found = modules(package)
    graph = {name: imports(name, path, set(found)) for name, path in found.items()}
    problems = []
    for name, path in found.items():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            problems.append(f"{name}: {lines} lines (at most {MAX_LINES})")
        if path.name == "__init__.py" and not ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))):
            problems.append(f"{name}: no docstring saying what the folder takes and gives")
        for target in sorted(graph[name]):
            if stage(target) > stage(name):
                problems.append(f"{name} imports {target}: against the flow")
    problems += [f"import cycle: {' → '.join(cycle)}" for cycle in cycles(graph)]
    return problems


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each module that lies on one (depth first; a package's __init__ importing its own modules
    counts like any other module)."""
    state: dict[str, int] = {}
    stack: list[str] = []
    out = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                out.append([*stack[stack.index(target) :], target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return out


def test_the_registry_keeps_its_layout():
    assert layout_problems(REPO / "registry") == []


def test_every_stage_is_a_folder_of_the_package():
    assert sorted(p.name for p in (REPO / "registry").iterdir() if (p / "__init__.py").is_file()) == sorted(STAGES)


def test_the_layout_check_finds_a_cycle_a_backward_import_and_a_long_module(tmp_path):
    package = tmp_path / "registry"
    files = {
        "__init__.py": '"""The package."""\n',
        "records/__init__.py": '"""Loading."""\n',
        "records/load.py": "from registry.pages.show import shown\n",  # records may not reach the pages
        "pages/__init__.py": "",  # no docstring
        "pages/show.py": "from . import cards\n\n\ndef shown():\n    return cards\n",
        "pages/cards.py": "import registry.pages.show\n" + "x = 1\n" * MAX_LINES,
    }
    for rel, text in files.items():
        (package / rel).parent.mkdir(parents=True, exist_ok=True)
        (package / rel).write_text(text, encoding="utf-8")

    assert layout_problems(package) == [
        "registry.pages: no docstring saying what the folder takes and gives",
        f"registry.pages.cards: {MAX_LINES + 1} lines (at most {MAX_LINES})",
        "registry.records.load imports registry.pages.show: against the flow",
        "import cycle: registry.pages.cards → registry.pages.show → registry.pages.cards",
    ]


EXPRESSION = re.compile(r"{{(.*?)}}|{%(.*?)%}", re.S)
STRING = re.compile(r"'[^']*'|\"[^\"]*\"")
COMPUTING = re.compile(
    r"[~+*/%]|(?<![\w.])-|\|\s*(?:length|count|sum|round|int|float|join|format|replace|string)\b"
    r"|\brange\s*\("
)
"""Arithmetic, joining text (an id, a URL), counting or formatting inside a template expression (strings removed)."""


def computing(template: str) -> list[str]:
    """The expressions of a template that compute instead of placing a finished value."""
    text = re.sub(r"{#.*?#}", "", template, flags=re.S)
    found = []
    for match in EXPRESSION.finditer(text):
        expression = STRING.sub("''", match.group(1) or match.group(2)).strip().strip("-+").strip()
        if COMPUTING.search(expression):
            found.append(match.group(0))
    return found


def test_templates_only_place_finished_values():
    found = {
        path.name: computing(path.read_text(encoding="utf-8")) for path in (REPO / "site_templates").glob("*.html")
    }
    assert {name: expressions for name, expressions in found.items() if expressions} == {}


def test_the_template_check_finds_arithmetic_url_building_and_counting():
    assert computing("{{ cell.actual * 100 // cell.target }}%") == ["{{ cell.actual * 100 // cell.target }}"]
    assert computing("<a href=\"{{ (kind + 's/index.html')|url }}\">") == ["{{ (kind + 's/index.html')|url }}"]
    assert computing("{{ t('page.count', n=cards|length) }} {{ 'p-' ~ plan.id }}") == [
        "{{ t('page.count', n=cards|length) }}",
        "{{ 'p-' ~ plan.id }}",
    ]
    assert computing("{%- for c in row.halves + [row.year] -%}{{ c.n }}{%- endfor %}") == [
        "{%- for c in row.halves + [row.year] -%}"
    ]
    assert (
        computing(
            "{{ t('progress.actual_target', actual=cell.actual, target=cell.target) }}{% if not loop.last %}、"
            '{% endif %}<a href="{{ cell.url|url }}" class="x-{{ cell.status }}">'
        )
        == []
    )
