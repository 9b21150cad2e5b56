"""One shape for every problem `check` finds, and the formats it is printed in."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from registry.plural import count_en

PER_FILE_LIMIT = 20
"""At most this many problems are reported for one file; the rest are summed up in one line."""

TEXT_LIMIT = 300
"""At most this many problems are printed as text; JSON and GitHub output carry every kept one."""

VALUE_CHARS = 30
"""A value echoed in a message is cut to this many characters."""


@dataclass(frozen=True, order=True)
class Problem:
    """A problem in one place of one file, in Chinese and English, with a hint how to fix it."""

    src_path: str
    line: int
    column: int
    field: str
    code: str
    zh: str
    en: str
    hint_zh: str = ""
    hint_en: str = ""
    level: str = "error"
    """"error" (check fails, nothing is built) or "warning" (reported, e.g. a likely duplicate; check passes)."""
    place: str = ""
    """Where the problem stands when that is not a line of a file, as people read it: a spreadsheet's row and column
    (第 4 行 所属领域（G 列）), a file of the output and the field whose value it holds. It then leads the text in place
    of path:line:column and the field (which still locate it for the other formats)."""

    def message(self, with_field: bool = True) -> str:
        """Render the field and what is wrong: `field: 中文 / English — 提示 / hint`."""
        field = f"{self.field}: " if self.field and with_field else ""
        hint = ""
        if self.hint_zh or self.hint_en:
            hint = " — " + " / ".join(h for h in (self.hint_zh, self.hint_en) if h)
        return f"{field}{self.zh} / {self.en}{hint}"

    def text(self) -> str:
        """Render as `path:line:col: field: 中文 / English — 提示 / hint` (a warning says so first)."""
        warning = "警告 / warning: " if self.level == "warning" else ""
        if self.place:  # it says the field too, as people read it
            return f"{self.place}: {warning}{self.message(with_field=False)}"
        return f"{self.src_path}:{self.line}:{self.column}: {warning}{self.message()}"


def shown(value: object, limit: int = VALUE_CHARS) -> str:
    """Return a value as it may appear in a message: one line, control characters escaped, cut short."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    out = []
    for ch in text[: limit + 1]:
        if ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 or ch in "\u200b\u200c\u200d\u2060\ufeff\u202e":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    result = "".join(out)
    if len(text) > limit:
        result = "".join(out[:limit]) + f"…（共 {len(text)} 字 / {len(text)} chars）"
    return result


def listing(items, limit: int = 8, sep: str = ", ") -> str:
    """Join choices for a hint, at most `limit` of them, so a long list of codes cannot swamp the line."""
    items = [str(item) for item in items]
    more = f"{sep}…（{len(items)}）" if len(items) > limit else ""
    return sep.join(items[:limit]) + more


def bounded(problems: list[Problem]) -> list[Problem]:
    """Sort problems and keep at most PER_FILE_LIMIT per file, adding a line that says how many were left out."""
    by_file: dict[str, list[Problem]] = {}
    for problem in sorted(set(problems)):
        by_file.setdefault(problem.src_path, []).append(problem)
    kept: list[Problem] = []
    for src_path, items in by_file.items():
        kept.extend(items[:PER_FILE_LIMIT])
        if len(items) > PER_FILE_LIMIT:
            more = len(items) - PER_FILE_LIMIT
            last = items[PER_FILE_LIMIT - 1]
            kept.append(
                Problem(
                    src_path,
                    last.line,
                    last.column,
                    "",
                    "too-many-problems",
                    f"此文件还有 {more} 个问题未列出",
                    f"{count_en(more, 'more problem')} in this file not listed",
                    "先修正上面的问题再重新检查",
                    "fix the ones above and run check again",
                )
            )
    return kept


def _count(number: int, noun: str) -> str:
    return count_en(number, noun)


def format_text(problems: list[Problem], record_count: int, summary: str | None = None) -> str:
    """Render problems for a terminal, ending with a one-line summary (`check`'s, unless another is given)."""
    lines = [p.text() for p in problems[:TEXT_LIMIT]]
    if len(problems) > TEXT_LIMIT:
        more = len(problems) - TEXT_LIMIT
        lines.append(
            f"……还有 {more} 个问题未显示 / {count_en(more, 'more problem')} not shown (--format json lists them all)"
        )
    if summary is not None:
        return "\n".join([*lines, summary]) + "\n"
    errors = [p for p in problems if p.level == "error"]
    warnings = len(problems) - len(errors)
    files = len({p.src_path for p in errors})
    also = f"；另有 {warnings} 个警告" if warnings else ""
    also_en = f"; {_count(warnings, 'warning')}" if warnings else ""
    if errors:
        lines.append(
            f"发现 {len(errors)} 个问题，涉及 {files} 个文件{also} / {_count(len(errors), 'problem')} in {_count(files, 'file')}{also_en}"
        )
    elif warnings:
        lines.append(
            f"检查通过：{record_count} 条记录，没有问题{also}（请核对） / check passed: {count_en(record_count, 'record')}, "
            f"no problems{also_en} (please look at them)"
        )
    else:
        lines.append(
            f"检查通过：{record_count} 条记录，没有问题 / check passed: {count_en(record_count, 'record')}, no problems"
        )
    return "\n".join(lines) + "\n"


def format_json(problems: list[Problem], record_count: int) -> str:
    """Render problems as one JSON document (stable key order)."""
    doc = {"records": record_count, "problems": [_fields(p) for p in problems]}
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _fields(problem: Problem) -> dict:
    fields = asdict(problem)
    if not problem.place:  # a line of a file: path, line and column say where
        del fields["place"]
    return fields


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


GITHUB_SHOWN = 10
"""GitHub shows at most this many error annotations of one step on a pull request; the rest only in the log."""


def _errors_and_warnings(problems: list[Problem]) -> tuple[list[Problem], list[Problem]]:
    errors = [p for p in problems if p.level == "error"]
    return errors, [p for p in problems if p.level != "error"]


def _summary(errors: list[Problem]) -> tuple[str, str]:
    files = len({p.src_path for p in errors})
    return (
        f"发现 {len(errors)} 个问题，涉及 {files} 个文件",
        f"{_count(len(errors), 'problem')} in {_count(files, 'file')}",
    )


def format_github(problems: list[Problem], record_count: int) -> str:
    """Render problems as GitHub Actions annotations, shown inline on the changed lines of a pull request, and a
    closing notice with the total and where the full list is (GitHub shows only the first GITHUB_SHOWN)."""
    lines = []
    for p in problems:
        title = _escape_property(p.field or p.code)
        lines.append(
            f"::{p.level} file={_escape_property(p.src_path)},line={p.line},col={p.column},"
            f"title={title}::{_escape_data(p.message())}"
        )
    errors, warnings = _errors_and_warnings(problems)
    if not errors:
        summary = format_text(problems, record_count).splitlines()[-1]
        if warnings:  # a notice too, so that a clerk sees the warnings are there to be read
            summary = f"::notice title={_escape_property('检查结果 / check result')}::{_escape_data(summary)}"
        return "\n".join([*lines, summary]) + "\n"
    zh, en = _summary(errors)
    where_zh = (
        f"拉取请求页面最多标出前 {GITHUB_SHOWN} 个；" if len(errors) > GITHUB_SHOWN else ""
    ) + "完整列表见本次运行页面的 Summary（记录检查），或在本地运行 python build.py check"
    where_en = (
        f"the pull request marks at most the first {GITHUB_SHOWN}; " if len(errors) > GITHUB_SHOWN else ""
    ) + "every one is listed in this run's Summary, or run python build.py check"
    lines.append(
        f"::notice title={_escape_property('检查结果 / check result')}::"
        f"{_escape_data(f'{zh} / {en} — {where_zh} / {where_en}')}"
    )
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    """Text for one cell of a Markdown table: on one line, its pipes, backticks and tags kept from acting as markup."""
    return (
        text.replace("\\", "\\\\")
        .replace("|", "\\|")
        .replace("`", "\\`")
        .replace("<", "&lt;")
        .replace("\r", " ")
        .replace("\n", " ")
    )


def _table(items: list[Problem], what: str) -> list[str]:
    head = [f"| 文件 / file | 行:列 / line:col | 字段 / field | {what} |", "| --- | --- | --- | --- |"]
    return head + [
        f"| {_cell(p.src_path)} | {p.line}:{p.column} | {_cell(p.field)} | {_cell(p.message())} |" for p in items
    ]


def format_markdown(problems: list[Problem], record_count: int) -> str:
    """Render every problem (then every warning) as a Markdown table (file, line, field, message), for a job summary."""
    errors, warnings = _errors_and_warnings(problems)
    lines = ["## 记录检查 / Record check", ""]
    if errors:
        zh, en = _summary(errors)
        lines += [f"{zh} / {en}", "", *_table(errors, "问题 / problem")]
    else:
        lines.append(format_text(warnings, record_count).splitlines()[-1])
    if warnings:
        lines += ["", f"### 警告 / Warnings（{len(warnings)}）", "", *_table(warnings, "警告 / warning")]
    return "\n".join(lines) + "\n"


FORMATS = {"text": format_text, "json": format_json, "github": format_github, "markdown": format_markdown}
"""Output formats of `check`, by the name given to --format."""
