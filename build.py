#!/usr/bin/env python3
"""Command line of the 大院大所 registry: check records, build the site, start a new record.

python build.py                  # check, then build public/
python build.py check [--format text|json|github|markdown]
python build.py new KIND ID
python build.py diff REF [--format text|markdown]
python build.py serve [--port N]
python build.py template KIND OUT.xlsx
python build.py import KIND IN.xlsx [--dry-run] [--overwrite]
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import sys
from pathlib import Path

from registry import KINDS
from registry.errors import ProblemsFound, RegistryError, UsageError
from registry.plural import count_en

ROOT = Path(__file__).resolve().parent

BASE_URL_VARIABLE = "REGISTRY_BASE_URL"
"""The environment variable that gives `build` the published address (.github/workflows/pages.yml sets it)."""


FORMATS = {
    "check": {
        "text": "registry.problems:format_text",
        "json": "registry.problems:format_json",
        "github": "registry.problems:format_github",
        "markdown": "registry.problems:format_markdown",
    },
    "diff": {"text": "registry.staff.diff:format_text", "markdown": "registry.staff.diff:format_markdown"},
    "report": {"text": "registry.staff.report:format_text", "markdown": "registry.staff.report:format_markdown"},
}
"""Every --format of every command, in one table (module:function, imported when used); the choices come from it."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # exit code 2 for usage errors, message in both languages
        self.print_usage(sys.stderr)
        sys.stderr.write(f"用法错误 / usage error: {message}\n")
        sys.exit(2)


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="build.py", description="昆山大院大所合作登记簿 / Kunshan 大院大所 registry")
    parser.add_argument("--root", type=Path, default=ROOT, help="项目根目录 / project root (default: this folder)")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    check = sub.add_parser("check", help="检查全部记录 / validate every record and print every problem")
    check.add_argument(
        "--format",
        choices=list(FORMATS["check"]),
        default="text",
        help="输出格式 / output format (github: Actions annotations; markdown: a table for a job summary)",
    )

    build = sub.add_parser("build", help="检查后构建网站 / check, then build the site into public/")
    build.add_argument("--out", type=Path, default=None, help="输出目录 / output folder (default: public/)")
    build.add_argument("--as-of", default=None, help="统计截止日期 / measure progress at this date (YYYY-MM-DD)")
    build.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="最多用几个进程 / processes to build with (default: one per core; 1 uses least memory)",
    )
    build.add_argument(
        "--timings",
        action="store_true",
        help="在标准错误输出各阶段耗时 / print each phase's seconds to stderr (see bench/)",
    )
    build.add_argument(
        "--base-url",
        default=None,
        metavar="URL",
        help="发布网址，优先于 site.yaml 的 base_url / the published address, over site.yaml's base_url "
        "(default: the environment's REGISTRY_BASE_URL, which the Pages workflow sets)",
    )

    new = sub.add_parser("new", help="生成一条记录模板 / write a template record")
    new.add_argument("kind", help=f"类别 / kind: {', '.join(KINDS)}")
    new.add_argument("id", help="编号 / id, e.g. graphene-film")
    diff = sub.add_parser("diff", help="与某个 git 版本对比记录和进度 / compare records and progress with a git ref")
    diff.add_argument("ref", help="git 版本 / git ref, e.g. origin/main")
    diff.add_argument("--format", choices=list(FORMATS["diff"]), default="text", help="输出格式 / output format")
    diff.add_argument("--as-of", default=None, help="统计截止日期 / measure progress at this date (YYYY-MM-DD)")

    serve = sub.add_parser("serve", help="本地预览，记录修改后自动重建 / preview locally, rebuilding on every change")
    serve.add_argument(
        "--port", type=int, default=8000, help="端口 / port on 127.0.0.1 (default 8000; 0 = any free port)"
    )

    template = sub.add_parser("template", help="生成填报用 Excel 表格 / write an XLSX sheet to fill in")
    template.add_argument("kind", help="类别 / kind: achievements, events, projects, talents, carriers")
    template.add_argument("out", type=Path, help="输出文件 / output file, e.g. 成果填报.xlsx")

    imp = sub.add_parser("import", help="把 Excel 表格的各行导入为记录 / turn the rows of an XLSX sheet into records")
    imp.add_argument("kind", help="类别 / kind: achievements, events, projects, talents, carriers")
    imp.add_argument("sheet", type=Path, help="填好的表格 / the filled-in XLSX file")
    imp.add_argument(
        "--dry-run",
        action="store_true",
        help="只显示将写入的记录，不写文件 / show what would be written, write nothing",
    )
    imp.add_argument("--overwrite", action="store_true", help="允许覆盖已有记录 / allow replacing existing records")
    report = sub.add_parser("report", help="打印半年督查报告 / print a half-year supervision report, e.g. 2017-h1")
    report.add_argument("period", help="半年 / half year: YYYY-h1 (1–6月) or YYYY-h2 (7–12月)")
    report.add_argument("--format", choices=list(FORMATS["report"]), default="text", help="输出格式 / output format")
    report.add_argument("--as-of", default=None, help="统计截止日期 / as-of date (YYYY-MM-DD; default: site.yaml)")
    report.add_argument("--lang", choices=["zh", "en"], default="zh", help="语言 / language of the report")
    return parser


STOPPED = {
    "build": (None, "检查未通过，未构建，public/ 保持不变 / check failed: nothing built, the output is unchanged"),
    "report": (None, "检查未通过，无法生成报告 / check failed: no report"),
    "import": ("导入失败：发现 {n} 个问题，未写入任何文件 / import failed: {problems}, nothing written", None),
}
"""What a command says when it stops on problems: the last line under them (None: `check`'s summary), and a line
on stderr."""


def formatter(command: str, name: str):
    """The function that formats a command's result in the named format (FORMATS)."""
    module, _, function = FORMATS[command][name].partition(":")
    return getattr(importlib.import_module(module), function)


def out(text: str) -> None:
    """Print to stdout at once (a terminal or a pipe: `serve`'s lines are read as they come)."""
    sys.stdout.write(text)
    sys.stdout.flush()


def cmd_check(args) -> int:
    from registry.engine.checking import check

    result = check(args.root)
    problems = result.problems
    if args.format == "github":  # in Actions: say once if the repository is public and private fields are filled
        from registry.engine.visibility import public_repository_warning

        warning = public_repository_warning(result.registry, os.environ)
        problems = [*problems, warning] if warning else problems
    out(formatter("check", args.format)(problems, len(result.registry)))
    return 0 if result.ok else 1


def cmd_build(args) -> int:
    import datetime as dt

    from registry.engine.unchanged import unchanged_build
    from registry.timings import Timings

    out_dir = (args.out or args.root / "public").resolve()
    if args.as_of is not None:
        try:
            dt.date.fromisoformat(args.as_of)
        except ValueError:
            raise UsageError(f"--as-of {args.as_of}: 日期应写作 YYYY-MM-DD / the date must be YYYY-MM-DD") from None
    if args.jobs is not None and args.jobs < 1:
        raise UsageError(f"--jobs {args.jobs}: 至少为 1 / must be 1 or more")
    base_url = args.base_url or os.environ.get(BASE_URL_VARIABLE) or None
    if base_url is not None and not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", base_url):
        source = "--base-url" if args.base_url else BASE_URL_VARIABLE
        raise UsageError(
            f"{source} {base_url}: 应为以 http:// 或 https:// 开头的完整网址 / must be a full address starting with "
            "http:// or https://, e.g. https://owner.github.io/repo/"
        )
    timings = Timings()
    report = unchanged_build(args.root, out_dir, args.as_of, timings, base_url)  # before the stages are even imported
    if report is None:
        from registry.engine.build import build_site

        report = build_site(args.root, out_dir, as_of=args.as_of, timings=timings, jobs=args.jobs, base_url=base_url)
    out(
        f"已构建 / built {report.files} 个文件 / files, {report.bytes:,} 字节 / bytes → {report.out_dir}"
        f"（统计截至 / as of {report.as_of}）\n"
    )
    if report.history != "git":  # say so: calendar apps see no correction until the build can read history
        out(
            "注意 / note: 没有完整的 git 历史，日历的 DTSTAMP 取活动日期，SEQUENCE 为 0 / no full git history "
            f"({report.history}): the calendar's DTSTAMP is each event's date and SEQUENCE 0\n"
        )
    if args.timings:
        sys.stderr.write("".join(f"timing {line}\n" for line in timings.lines()))
    return 0


def cmd_new(args) -> int:
    from registry.records.schemas import SchemaSet
    from registry.staff.new import new_record

    path = new_record(args.root, SchemaSet(args.root / "schemas"), args.kind, args.id)
    out(f"已创建 / created {path.relative_to(args.root).as_posix()}\n")
    return 0


def cmd_diff(args) -> int:
    from registry.staff.diff import compare

    out(formatter("diff", args.format)(compare(args.root, args.ref, args.as_of)))
    return 0


def cmd_serve(args) -> int:
    from registry.staff.serve import serve

    return serve(args.root, args.port, lambda line: out(line + "\n"))


def cmd_template(args) -> int:
    from registry.staff.sheet_template import write_template

    path = write_template(args.root, args.kind, args.out)
    out(f"已生成 / written {path}\n")
    return 0


def cmd_import(args) -> int:
    from registry.staff.sheet_import import import_sheet

    imported = import_sheet(args.root, args.kind, args.sheet, dry_run=args.dry_run, overwrite=args.overwrite)
    n = len(imported.rows)
    lines = imported.lines()
    if imported.written:
        lines.append(
            f"已导入 {n} 条记录 / imported {count_en(n, 'record')} — 运行 python build.py check 确认，然后提交 / run check, "
            "then commit them"
        )
    else:
        lines.append(
            f"预览：{n} 条记录可以导入，未写入任何文件；确认编号无误后去掉 --dry-run 再运行 / dry run: {count_en(n, 'record')} "
            "would be written, nothing written — check the ids, then run without --dry-run"
        )
    out("".join(line + "\n" for line in lines))
    return 0


def cmd_report(args) -> int:
    from registry.staff.report import half_report

    out(formatter("report", args.format)(half_report(args.root, args.period, args.as_of, args.lang)))
    return 0


COMMANDS = {
    "check": cmd_check,
    "build": cmd_build,
    "new": cmd_new,
    "diff": cmd_diff,
    "serve": cmd_serve,
    "template": cmd_template,
    "import": cmd_import,
    "report": cmd_report,
}


def stopped(command: str, found) -> int:
    """Print the problems a command stopped on, and what it did not do; exit code 1."""
    from registry.problems import format_text

    summary, verdict = STOPPED.get(command, (None, None))
    count = len(found.problems)
    out(format_text(found.problems, 0, summary and summary.format(n=count, problems=count_en(count, "problem"))))
    if verdict:
        sys.stderr.write(verdict + "\n")
    return 1


def main(argv: list[str] | None = None) -> int:
    """Run one command; return the exit code (0 ok, 1 problems, 2 usage)."""
    parser = make_parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser.parse_args(argv)
    if args.command is None:  # `python build.py` (or `--root DIR` alone) is `build` with every option at its default
        args = parser.parse_args([*argv, "build"])
    args.root = args.root.resolve()
    command = args.command
    if command not in COMMANDS:
        sys.stderr.write(f"尚未实现 / not yet available: {command}\n")
        return 2
    try:
        return COMMANDS[command](args)
    except ProblemsFound as found:
        return stopped(command, found)
    except UsageError as error:
        sys.stderr.write(f"{error}\n")
        return 2
    except RegistryError as error:
        sys.stderr.write(f"错误 / error: {error}\n")
        return 1


if __name__ == "__main__":
    sys.exit(main())
