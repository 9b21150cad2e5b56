"""`diff REF`: what a change does to the registry — records added, changed, removed, and progress numbers that move."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from registry import KINDS, folder_of
from registry.engine.checking import check
from registry.errors import RegistryError, SchemaError, UsageError
from registry.figures.progress import compute_progress
from registry.model.public import published
from registry.plural import count_en
from registry.records.check import CheckResult
from registry.records.document import field_path

SNAPSHOT_PATHS = ("records", "schemas", "site.yaml")
"""What `check` reads: enough of the tree at REF to load and count its records."""


@dataclass
class RecordChange:
    """One record added, changed or removed."""

    kind: str
    id: str
    name: str
    fields: list[str] = field(default_factory=list)
    sample: bool = False
    """Added with `sample: true`, or changed to it: fiction that a reviewer must not merge as a real record."""


@dataclass
class Move:
    """One progress number that moves: plan, row (district, or totals), metric, before and after."""

    plan: str
    row: str
    metric: str
    before: tuple[int, int] | None
    after: tuple[int, int] | None


@dataclass
class Diff:
    """Everything `diff` reports, in the order it is printed."""

    ref: str
    commit: str
    as_of: str
    added: list[RecordChange]
    changed: list[RecordChange]
    removed: list[RecordChange]
    moves: list[Move]
    problems: dict[str, int]
    """Side label → number of check problems there (sides without problems are left out)."""
    titles: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Kind → its Chinese and English title (from the working tree's schemas)."""


def _git(repo: Path, *args: str, binary: bool = False) -> Any:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=not binary, check=False)


def tree_at(root: Path, ref: str, dest: Path) -> str:
    """Extract records/, schemas/ and site.yaml of the project at git ref REF into dest; return the commit id."""
    top = _git(root, "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        raise UsageError(
            f"{root} 不是 git 仓库，无法对比 / is not a git repository, so there is nothing to compare with — "
            "在仓库内运行，或用 --root 指定仓库中的项目 / run it inside a clone of the repository"
        )
    commit = _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if commit.returncode != 0:
        raise UsageError(
            f"找不到 git 版本 {ref} / unknown git ref {ref} — "
            "请写分支名、标签或提交编号，例如 origin/main / give a branch, tag or commit, e.g. origin/main "
            "(在 CI 中先 git fetch / in CI, fetch it first)"
        )
    commit_id = commit.stdout.strip()
    prefix = _git(root, "rev-parse", "--show-prefix").stdout.strip()
    present = [
        prefix + p for p in SNAPSHOT_PATHS if _git(root, "cat-file", "-e", f"{commit_id}:{prefix}{p}").returncode == 0
    ]
    dest.mkdir(parents=True, exist_ok=True)
    if present:
        archive = _git(root, "archive", "--format=tar", commit_id, "--", *present, binary=True)
        if archive.returncode != 0:
            raise UsageError(f"git archive {ref}: {archive.stderr.decode(errors='replace').strip()}")
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(dest, filter="data")
    return commit_id


def _name(record) -> str:
    for key in ("name", "title"):
        value = record.get(key)
        if isinstance(value, dict) and isinstance(value.get("zh"), str):
            return value["zh"]
    return record.id


def changed_fields(before: Any, after: Any, path: tuple = ()) -> list[str]:
    """Return the field paths whose values differ (mappings compared key by key, lists as a whole), sorted."""
    if isinstance(before, dict) and isinstance(after, dict):
        out = []
        for key in sorted(set(before) | set(after), key=str):
            out += changed_fields(before.get(key), after.get(key), path + (key,))
        return out
    return [] if before == after else [field_path(path)]


def _numbers(result: CheckResult, as_of: dt.date) -> dict[tuple, dict]:
    """Flatten progress into {(plan, row, metric): {target, actual, labels}}; empty when the records fail check."""
    if not result.ok:
        return {}
    out = {}
    for plan in compute_progress(published(result), as_of):
        years = sorted({plan["start"][:4], plan["end"][:4]})
        period = "–".join(years)
        metrics = {m["id"]: (m["name"] or {}).get("zh", m["id"]) for m in plan["metrics"]}
        rows = [((row["name"] or {}).get("zh", row["district"]), row["district"], row["cells"]) for row in plan["rows"]]
        rows.append(("合计", "", plan["totals"]))
        for order, (row_name, row_id, cells) in enumerate(rows):
            for metric_order, (metric_id, cell) in enumerate(cells.items()):
                out[(plan["id"], row_id, metric_id)] = {
                    "plan": period,
                    "row": row_name,
                    "metric": metrics.get(metric_id, metric_id),
                    "value": (cell["actual"], cell["target"]),
                    "order": (plan["start"], plan["id"], order if row_id else 10**6, metric_order),
                }
    return out


def compare(root: Path, ref: str, as_of: str | None = None) -> Diff:
    """Compare the records and progress at git ref REF with the working tree under root."""
    with tempfile.TemporaryDirectory(prefix="registry-diff-") as tmp:
        commit = tree_at(root, ref, Path(tmp))
        try:
            before = check(Path(tmp))
        except SchemaError as error:  # a maintainer's broken schema at REF: name the ref, not the temporary folder
            raise RegistryError(
                f"{ref} 处的 schemas/ 无法使用，无法对比 / the schemas at {ref} cannot be used, "
                f"so there is nothing to compare with: {str(error).replace(tmp + '/', '')}"
            ) from None
    after = check(root)
    as_of = as_of or after.settings.get("as_of") or before.settings.get("as_of")
    try:
        as_of_date = dt.date.fromisoformat(str(as_of))
    except ValueError:
        raise UsageError(f"--as-of {as_of}: 日期应写作 YYYY-MM-DD / the date must be YYYY-MM-DD") from None
    added, changed, removed = [], [], []
    for kind in KINDS:
        old = {r.id: r for r in before.registry.all(kind)}
        new = {r.id: r for r in after.registry.all(kind)}
        for record_id in sorted(set(old) | set(new)):
            if record_id not in old:
                added.append(RecordChange(kind, record_id, _name(new[record_id]), sample=new[record_id].sample))
            elif record_id not in new:
                removed.append(RecordChange(kind, record_id, _name(old[record_id])))
            elif fields := changed_fields(old[record_id].data, new[record_id].data):
                became_sample = new[record_id].sample and not old[record_id].sample
                changed.append(RecordChange(kind, record_id, _name(new[record_id]), fields, became_sample))
    old_numbers, new_numbers = _numbers(before, as_of_date), _numbers(after, as_of_date)
    moves = []
    if old_numbers and new_numbers:
        keys = set(old_numbers) | set(new_numbers)
        for key in sorted(keys, key=lambda k: (new_numbers.get(k) or old_numbers[k])["order"]):
            a, b = old_numbers.get(key), new_numbers.get(key)
            if (a and a["value"]) != (b and b["value"]):
                labels = b or a
                moves.append(
                    Move(
                        labels["plan"],
                        labels["row"],
                        labels["metric"],
                        a["value"] if a else None,
                        b["value"] if b else None,
                    )
                )
    problems = {
        label: sum(p.level == "error" for p in side.problems)
        for label, side in ((ref, before), ("working tree", after))
        if not side.ok
    }
    titles = {kind: _kind_title(after.schemas, kind) for kind in KINDS}
    return Diff(ref, commit, as_of_date.isoformat(), added, changed, removed, moves, problems, titles)


def _kind_title(schemas, kind: str) -> tuple[str, str]:
    schema = schemas.schema(kind)
    return schema.get("title", kind), schema.get("x-title-en", kind)


def _number(value: tuple[int, int] | None) -> str:
    return "—" if value is None else str(value[0])


def move_text(move: Move) -> str:
    """`开发区 · 项目合作 2016–2020: 12 → 13 / 60`."""
    target = (move.after or move.before)[1]
    if move.before and move.after and move.before[1] != move.after[1]:
        target = f"{move.before[1]} → {move.after[1]}"
        return f"{move.row} · {move.metric} {move.plan}: {_number(move.before)} → {_number(move.after)}（目标 / target {target}）"
    return f"{move.row} · {move.metric} {move.plan}: {_number(move.before)} → {_number(move.after)} / {target}"


def _problem_lines(diff: Diff) -> list[str]:
    lines = []
    for label, count in diff.problems.items():
        where = "工作区 / the working tree" if label == "working tree" else f"{label} 处的记录 / the records at {label}"
        lines.append(
            f"注意：{where} 未通过检查（{count} 个问题），进度变化未计算 / does not pass check "
            f"({count_en(count, 'problem')}), so progress is not compared — 运行 python build.py check 查看 / run check to see them"
        )
    return lines


SAMPLE_WARNING = (
    "示例数据：以下记录标有 sample: true，合并后会显示为“示例”（虚构），不发布示例数据时也不会出现；"
    "正式记录请删除这一行 / Sample data: these records are marked sample: true, so the site shows them as "
    "fictional and leaves them out when samples are not built; delete the line from a real record"
)


def _samples(diff: Diff) -> list[RecordChange]:
    return [item for item in (*diff.added, *diff.changed) if item.sample]


def _path(item: RecordChange) -> str:
    return f"records/{folder_of(item.kind)}/{item.id}.yaml"


def format_text(diff: Diff) -> str:
    """Render a diff for a terminal."""
    lines = [
        f"对比 / comparing {diff.ref} ({diff.commit[:12]}) → 工作区 / working tree",
        f"记录 / records: 新增 {len(diff.added)} / added, 修改 {len(diff.changed)} / changed, "
        f"删除 {len(diff.removed)} / removed",
    ]
    lines += _problem_lines(diff)
    if _samples(diff):
        lines += ["", f"注意 / note — {SAMPLE_WARNING}:", *(f"  {_path(item)}  {item.name}" for item in _samples(diff))]
    for heading, items in (
        ("新增 / added", diff.added),
        ("修改 / changed", diff.changed),
        ("删除 / removed", diff.removed),
    ):
        if not items:
            continue
        lines += ["", heading]
        for item in items:
            zh, en = diff.titles[item.kind]
            fields = f"  [{', '.join(item.fields)}]" if item.fields else ""
            lines.append(
                f"  {zh} / {en}  {item.id}  {item.name}{fields}" + ("  【示例 / sample】" if item.sample else "")
            )
    lines += ["", f"进度变化 / progress (统计截至 / as of {diff.as_of})"]
    lines += [f"  {move_text(m)}" for m in diff.moves] or ["  没有变化 / nothing moves"]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def format_markdown(diff: Diff) -> str:
    """Render a diff as Markdown, for a pull request's job summary."""
    lines = [
        "### 本次修改 / What this pull request changes",
        "",
        f"对比 / compared with `{_cell(diff.ref)}` (`{diff.commit[:12]}`) · "
        f"新增 **{len(diff.added)}** / added · 修改 **{len(diff.changed)}** / changed · "
        f"删除 **{len(diff.removed)}** / removed",
    ]
    for line in _problem_lines(diff):
        lines += ["", f"> **{_cell(line)}**"]
    if _samples(diff):
        lines += [
            "",
            "> [!WARNING]",
            f"> **{_cell(SAMPLE_WARNING)}**",
            ">",
            *(f"> - `{_path(item)}` {_cell(item.name)}" for item in _samples(diff)),
        ]
    sections = (("新增 / Added", diff.added), ("修改 / Changed", diff.changed), ("删除 / Removed", diff.removed))
    for heading, items in sections:
        if not items:
            continue
        lines += [
            "",
            f"#### {heading}",
            "",
            "| 类别 / kind | 编号 / id | 名称 / name | 字段 / fields |",
            "| --- | --- | --- | --- |",
        ]
        for item in items:
            zh, en = diff.titles[item.kind]
            fields = ", ".join(f"`{f}`" for f in item.fields)
            sample = " **（示例 / sample）**" if item.sample else ""
            lines.append(f"| {zh} / {en} | `{item.id}` | {_cell(item.name)}{sample} | {fields} |")
    lines += ["", f"#### 进度变化 / Progress that moves (统计截至 / as of {diff.as_of})", ""]
    if diff.moves:
        lines += ["| 目标 / target | 变化 / change |", "| --- | --- |"]
        for move in diff.moves:
            label, _, change = move_text(move).partition(": ")
            lines.append(f"| {_cell(label)} | {_cell(change)} |")
    else:
        lines.append("没有变化 / nothing moves")
    return "\n".join(lines) + "\n"
