"""The documents are executable: every command README.md, CONTRIBUTING.md and the workflows tell people to type is
run here, as written there (read from the documents, not copied into this file), on a copy of the shipped project,
and must exit as the documents say."""

from __future__ import annotations

import json
import os
import queue
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from clerk import ACHIEVEMENT, copy_project, fill_in
from conftest import REPO
from doc_commands import command_table, expand, readme, staff_commands, workflow_commands
from openpyxl import load_workbook
from test_sheets import FIRST_ROW, GOOD, fill

import build
from registry import KINDS, folder_of

TIMEOUT = 180
NAMES = ["智能焊接机器人视觉引导系统", "低温等离子体废气处理装置", "高精度光纤陀螺仪标定方法"]
"""Achievement names the clerk writes into each sheet (one sheet after another, so the ids differ)."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_free(port: int) -> bool:
    """Whether `serve` could take the port (it sets SO_REUSEADDR, as http.server does)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def concrete(words: list[str]) -> list[str]:
    """A documented argument list with its placeholders filled in as a user would; an unknown placeholder fails."""
    sub = words[2] if len(words) > 2 else "build"
    kind = {"new": "achievement", "template": "achievements", "import": "achievements"}.get(sub)
    values = {
        "DIR": "site-out",
        "YYYY-MM-DD": "2019-06-30",
        "URL": "https://dyds.example.gov.cn/registry/",
        "REF": "HEAD",
        "PERIOD": "2017-h1",
        "ID": "doc-example",
        "KIND": kind,
        "OUT.xlsx": "OUT.xlsx",
        "IN.xlsx": "IN.xlsx",
    }
    out = []
    for index, word in enumerate(words):
        if word == "N":
            word = {"--jobs": "1", "--port": str(free_port())}[words[index - 1]]
        elif word in values:
            word = values[word]
        else:
            assert not re.fullmatch(r"[A-Z][A-Z0-9.\-]*", word), (
                f"unknown placeholder {word} in {words}: say here what a user types"
            )
        assert word, f"no value for a placeholder in {words}"
        out.append(word)
    return out


def argv_of(words: list[str]) -> list[str]:
    assert words[:2] == ["python", "build.py"], words
    return [sys.executable, *words[1:]]


def call(root: Path, words: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(argv_of(words), cwd=root, capture_output=True, text=True, encoding="utf-8", timeout=TIMEOUT)


def shown(result: subprocess.CompletedProcess) -> str:
    return f"{' '.join(result.args)}\nexit {result.returncode}\n--- stdout ---\n{result.stdout[-3000:]}\n--- stderr ---\n{result.stderr[-3000:]}"


def serve_and_stop(root: Path, words: list[str]) -> None:
    """Run `serve` as written, fetch the home page it says it serves, then stop it as Ctrl+C/kill would: exit 0."""
    if "--port" not in words and not port_free(8000):  # the default port is taken on this machine: serve says so
        result = call(root, words)
        assert result.returncode == 2 and "--port 8001" in result.stderr, shown(result)
        words = [*words, "--port", str(free_port())]  # and the user does what the message says
    port = int(words[words.index("--port") + 1]) if "--port" in words else 8000  # the documented default
    proc = subprocess.Popen(
        [*argv_of(words)[:1], "-u", *argv_of(words)[1:]],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
    seen, url = [], None
    deadline = time.monotonic() + 60
    try:
        while url is None and time.monotonic() < deadline and proc.poll() is None:
            try:
                line = lines.get(timeout=0.2)
            except queue.Empty:
                continue
            seen.append(line)
            found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            if found and "serving at" in line:
                url = found.group(0)
        assert url == f"http://127.0.0.1:{port}/", "".join(seen)
        with urllib.request.urlopen(url + "index.html", timeout=30) as response:
            assert response.status == 200 and "<h1>" in response.read().decode("utf-8")
    finally:
        proc.terminate()
        code = proc.wait(timeout=30)
    assert code == 0, "".join(seen)


def fill_sheet(path: Path, name: str) -> None:
    """What the clerk does between `template` and `import`: one achievement, typed into the first row."""
    fill(path, path, [{**GOOD, "科技成果名称": name}])
    assert load_workbook(path).worksheets[0].cell(FIRST_ROW, 1).value == name


def records(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in (root / "records").rglob("*.yaml")}


# -- README: the command table ---------------------------------------------------------------------------------

ROWS = command_table()


def test_the_table_documents_every_subcommand_and_each_row_runs_something():
    documented = {
        words[2] if len(words) > 2 else "build" for row in ROWS for syntax in row.syntaxes for words in expand(syntax)
    }
    assert documented == set(build.COMMANDS), "README's command table and build.py's subcommands differ"
    assert all(row.syntaxes for row in ROWS)


def undocumented_kinds(text: str) -> list[str]:
    """The kinds of record (a schema each in schemas/) whose folder README does not name, as `institutes`."""
    return [kind for kind in KINDS if f"`{folder_of(kind)}`" not in text]


def test_readme_documents_every_kind_of_record():
    schemas = {p.name.removesuffix(".schema.json") for p in (REPO / "schemas").glob("*.schema.json")}
    assert schemas - {"common", "site"} == set(KINDS), "a schema that is not a kind, or a kind without a schema"
    assert undocumented_kinds(readme()) == []
    assert undocumented_kinds(readme().replace("`talents`", "talents")) == ["talent"]  # the check can fail


def check_effect(root: Path, words: list[str], result: subprocess.CompletedProcess, before: set[str]) -> None:
    """What the row says the command does, seen in the files it leaves and what it prints."""
    sub = words[2] if len(words) > 2 else "build"
    if sub == "build":
        out = words[words.index("--out") + 1] if "--out" in words else "public"
        assert (root / out / "index.html").is_file() and "已构建 / built" in result.stdout
        if "--as-of" in words:
            assert words[words.index("--as-of") + 1] in result.stdout
        if "--timings" in words:
            assert "timing " in result.stderr
    elif sub == "check":
        form = words[words.index("--format") + 1] if "--format" in words else "text"
        if form == "json":
            assert json.loads(result.stdout)["problems"] == []
        else:
            assert "检查通过" in result.stdout
    elif sub == "new":
        assert records(root) - before == {f"records/{words[3]}s/{words[4]}.yaml"}
    elif sub == "template":
        assert load_workbook(root / words[4]).worksheets[0].title
    elif sub == "import":
        added = records(root) - before
        assert (not added) if "--dry-run" in words else len(added) == 1, added
    elif sub in ("diff", "report"):
        assert result.stdout.strip()
        if words[-2:] == ["--format", "markdown"]:
            assert result.stdout.lstrip().startswith("#")


@pytest.mark.parametrize(
    "row", ROWS, ids=[row.syntaxes[-1].split(" [")[0].removeprefix("python build.py ") for row in ROWS]
)
def test_every_row_of_the_command_table_runs_as_written(row, tmp_path):
    root = copy_project(tmp_path / "project")
    for syntax in row.syntaxes:
        for documented in expand(syntax):
            words = concrete(documented)
            if words[2:3] == ["serve"]:
                serve_and_stop(root, words)
                continue
            if words[2:3] == ["import"] and not (root / words[4]).exists():
                assert call(root, ["python", "build.py", "template", words[3], words[4]]).returncode == 0
                fill_sheet(root / words[4], NAMES[0])
            before = records(root)
            result = call(root, words)
            assert result.returncode == 0, shown(result)
            check_effect(root, words, result, before)


def test_root_before_the_subcommand_points_at_another_project(tmp_path):
    assert "`--root DIR` before the subcommand points at another project folder." in readme()
    root = copy_project(tmp_path / "project")
    result = subprocess.run(
        [sys.executable, str(root / "build.py"), "--root", str(root), "check"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=TIMEOUT,
    )
    assert result.returncode == 0 and "检查通过" in result.stdout, shown(result)


def break_a_record(root: Path) -> None:
    path = root / "records/achievements/graphene-thermal-film.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("field: new-materials", "field: 新材料"), encoding="utf-8")


def row_saying(sub: str) -> str:
    return next(row.says for row in ROWS if any(s.startswith(f"python build.py {sub}") for s in row.syntaxes))


def test_check_exits_as_the_table_says(tmp_path):
    assert "exit 0 clean, 1 problems, 2 usage error" in row_saying("check")
    root = copy_project(tmp_path / "project")
    assert call(root, ["python", "build.py", "check"]).returncode == 0
    assert call(root, ["python", "build.py", "check", "--format", "yaml"]).returncode == 2
    break_a_record(root)
    result = call(root, ["python", "build.py", "check"])
    assert result.returncode == 1 and "graphene-thermal-film.yaml" in result.stdout, shown(result)


def test_build_refuses_on_a_problem_and_leaves_the_output_untouched(tmp_path):
    assert "Refuses to build on any problem and leaves the previous output untouched" in row_saying("build")
    root = copy_project(tmp_path / "project")
    assert call(root, ["python", "build.py"]).returncode == 0
    before = {p: p.stat().st_mtime_ns for p in (root / "public").rglob("*")}
    break_a_record(root)
    result = call(root, ["python", "build.py"])
    assert result.returncode == 1, shown(result)
    assert {p: p.stat().st_mtime_ns for p in (root / "public").rglob("*")} == before


def test_diff_exits_2_for_an_unknown_ref_or_outside_a_repository(tmp_path):
    assert "Exit 2 for an unknown ref or outside a git repository" in row_saying("diff")
    root = copy_project(tmp_path / "project")
    assert call(root, ["python", "build.py", "diff", "no-such-branch"]).returncode == 2
    outside = copy_project(tmp_path / "outside", git=False)
    assert call(outside, ["python", "build.py", "diff", "HEAD"]).returncode == 2


def test_report_exits_2_for_a_half_year_without_a_report(tmp_path):
    assert "Exit 2 for a half year that has no report" in row_saying("report")
    result = call(copy_project(tmp_path / "project"), ["python", "build.py", "report", "2030-h1"])
    assert result.returncode == 2 and "2017-h1" in result.stderr, shown(result)


def test_import_writes_nothing_when_a_row_has_a_problem(tmp_path):
    assert "writes nothing if any row has a problem, and names its row and column" in row_saying("import")
    root = copy_project(tmp_path / "project")
    assert call(root, ["python", "build.py", "template", "achievements", "IN.xlsx"]).returncode == 0
    fill(root / "IN.xlsx", root / "IN.xlsx", [GOOD, {**GOOD, "科技成果名称": NAMES[1], "科技成果所属领域": "航天"}])
    before = records(root)
    result = call(root, ["python", "build.py", "import", "achievements", "IN.xlsx"])
    assert result.returncode == 1 and "第 4 行" in result.stdout and "G 列" in result.stdout, shown(result)
    assert records(root) == before


# -- CONTRIBUTING.md: what staff are told to type -------------------------------------------------------------


def test_contributing_commands_run_in_the_order_staff_meet_them(tmp_path):
    """Each command as written, with what the clerk does in between: fill in the template `new` wrote, type a row
    into the sheet `template` wrote, and, after an import's --dry-run, run it again without (as the guide says)."""
    commands = staff_commands()
    subs = {command.split()[2] for command in commands}
    assert {"new", "template", "import", "check", "serve"} <= subs, commands
    guide = (Path(__file__).parent.parent / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert "去掉 `--dry-run`" in guide and "again without `--dry-run`" in " ".join(guide.split())
    root = copy_project(tmp_path / "project")
    ids = iter(["staff-new-one", "staff-new-two", "staff-new-three"])
    sheets = iter(NAMES)
    for command in commands:
        words = command.split()
        if words[2] == "new":  # the placeholder the guide writes for the id (编号, <id>)
            words[4] = next(ids)
        if words[2] == "serve":
            serve_and_stop(root, words)
            continue
        before = records(root)
        result = call(root, words)
        assert result.returncode == 0, shown(result)
        if words[2] == "new":
            path = root / f"records/{words[3]}s/{words[4]}.yaml"
            assert records(root) - before == {path.relative_to(root).as_posix()}
            values = {**ACHIEVEMENT, "id": words[4], "name.zh": f"{ACHIEVEMENT['name.zh']}（{words[4]}）"}
            path.write_text(fill_in(path.read_text(encoding="utf-8"), values), encoding="utf-8")
        elif words[2] == "template":
            fill_sheet(root / words[4], next(sheets))
        elif words[2] == "import" and "--dry-run" in words:
            assert records(root) == before and "→ records/" in result.stdout
            real = [w for w in words if w != "--dry-run"]
            again = call(root, real)
            assert again.returncode == 0 and len(records(root) - before) == 1, shown(again)
        elif words[2] == "check":
            assert "检查通过" in result.stdout
    final = call(root, ["python", "build.py", "check"])
    assert final.returncode == 0, shown(final)


# -- the workflows: the lines that call build.py ---------------------------------------------------------------


@pytest.mark.parametrize("workflow", ["pull-request.yml", "pages.yml", "server.yml"])
def test_workflow_steps_run_as_written(workflow, tmp_path):
    lines = workflow_commands(workflow)
    assert any("check --format github" in line for line in lines)
    root = copy_project(tmp_path / "project")
    summary = tmp_path / "summary.md"
    summary.write_text("", encoding="utf-8")
    head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, check=True)
    env = {**os.environ, "BASE_SHA": head.stdout.strip(), "GITHUB_STEP_SUMMARY": str(summary)}
    for line in lines:
        result = subprocess.run(
            ["bash", "-c", line], cwd=root, env=env, capture_output=True, text=True, encoding="utf-8", timeout=TIMEOUT
        )
        assert result.returncode == 0, shown(result)
    if workflow == "pull-request.yml":
        assert "## 记录检查 / Record check" in summary.read_text(encoding="utf-8")
    assert yaml.safe_load((root / ".github/workflows" / workflow).read_text(encoding="utf-8"))["jobs"]


def test_a_command_broken_in_a_document_fails(tmp_path):
    """The machinery above can fail: a misspelt option or an unknown placeholder in a document is caught."""
    root = copy_project(tmp_path / "project", git=False)
    runs = expand("python build.py check [--format text|yaml]")
    assert [call(root, concrete(words)).returncode for words in runs] == [0, 0, 2]
    with pytest.raises(AssertionError, match="unknown placeholder FILE"):
        concrete(["python", "build.py", "template", "achievements", "FILE"])


def test_the_messages_contributing_quotes_are_real_check_output():
    """CONTRIBUTING.md's table of messages says they are real output: each part of each one (split at ` / ` and
    ` — `) is in the golden output of the case that makes them (tests/cases/invalid/contributing-examples)."""
    guide = (Path(__file__).parent.parent / "CONTRIBUTING.md").read_text(encoding="utf-8")
    table = guide[guide.index("## 三、") : guide.index("## 四、")]
    golden = (Path(__file__).parent / "cases/invalid/contributing-examples/expected.txt").read_text(encoding="utf-8")
    quoted = [
        re.sub(r"^(``|`)\s*(.*?)\s*\1$", r"\2", re.split(r"(?<!\\)\|", line)[1].strip())
        for line in table.splitlines()
        if line.startswith("| `")
    ]
    assert len(quoted) >= 8
    for message in quoted:
        for part in re.split(r" / | — ", message):
            assert part in golden, f"CONTRIBUTING.md quotes “{part}”, which check does not print"
