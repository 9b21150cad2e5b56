"""`report PERIOD`: a half-year report with the same figures as its page, as plain text or Markdown for a briefing."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from registry.engine.checking import check
from registry.errors import ProblemsFound, UsageError
from registry.figures.reports import Half, period_report, plan_halves
from registry.model.public import published
from registry.pages.cards import Views
from registry.pages.catalogue import Catalogue, load_messages, plain
from registry.pages.reports import ReportViews


@dataclass
class HalfReport:
    """A half-year report as its page shows it (ReportViews.half_report), in one language."""

    values: dict[str, Any]
    cat: Catalogue
    site_title: str


def half_report(root: Path, period: str, as_of: str | None, lang: str = "zh") -> HalfReport:
    """Check, then the report of a half year that has ended by the as-of date (site.yaml's unless given), in the
    language asked for (its names and texts in English where the records give them, else in Chinese)."""
    result = check(root)
    if not result.ok:
        raise ProblemsFound(result.problems)
    settings = result.settings
    public = published(result)
    try:
        as_of_date = dt.date.fromisoformat(as_of or settings["as_of"])
    except ValueError:
        raise UsageError(f"--as-of {as_of}: 日期应写作 YYYY-MM-DD / the date must be YYYY-MM-DD") from None
    available = plan_halves(public, as_of_date)
    half = Half.parse(period)
    if half is None or half not in available:
        choices = ", ".join(h.period for h in available) or "—"
        raise UsageError(
            f"report {period}: 没有这一半年的报告 / no report for this half year — "
            f"可选 / available (as of {as_of_date.isoformat()}): {choices}"
        )
    cat = Catalogue(load_messages(root / "site_templates" / "messages.yaml"), result.schemas, lang)
    values = ReportViews(Views(public, cat), cat).half_report(half, period_report(public, half.start, half.end))
    return HalfReport(values, cat, cat.text(settings.get("title")))


def format_text(report: HalfReport) -> str:
    """The report as plain text (tables aligned for a terminal)."""
    return report_lines(report.values, "text", report.cat, report.site_title)


def format_markdown(report: HalfReport) -> str:
    """The report as Markdown."""
    return report_lines(report.values, "markdown", report.cat, report.site_title)


def report_lines(report: dict[str, Any], fmt: str, cat: Catalogue, site_title: str) -> str:
    """The half-year report as plain text or Markdown: the page's content, for pasting into a briefing."""
    md = fmt == "markdown"
    out: list[str] = []

    def heading(level: int, text: str) -> None:
        if md:
            out.extend([f"{'#' * level} {text}", ""])
        else:
            out.extend(
                [text, ("=" if level == 1 else "-") * _width(text), ""]
                if level < 3
                else [cat.t("report.text_heading", text=text), ""]
            )

    def table(plan: dict) -> None:
        head = [
            cat.t("report.metric"),
            cat.t("report.target"),
            cat.t("report.actual"),
            cat.t("report.percent"),
            cat.t("report.expected"),
            cat.t("report.added"),
            cat.t("report.status"),
        ]
        rows = [
            [
                plain(r["metric"]) + cat.paren(r["unit"]) + (f" {cat.t('progress.sub_target')}" if r["sub"] else ""),
                str(r["target"]),
                _with(cat, r["actual"], r["sample_text"]),
                r["percent_text"],
                r["expected"],
                _with(cat, r["added"], r["added_sample_text"]),
                r["status_label"],
            ]
            for r in plan["rows"]
        ]
        out.append(
            plain(plan["title"]) + cat.paren(plan["period"]) + (f" — {plain(plan['note'])}" if plan["note"] else "")
        )
        out.append("")
        if md:
            out.append("| " + " | ".join(head) + " |")
            out.append("|" + "|".join(" ---: " if 0 < i < len(head) - 1 else " --- " for i in range(len(head))) + "|")
            out.extend("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows)
        else:
            widths = [max(_width(r[i]) for r in [head, *rows]) for i in range(len(head))]
            for row in [head, *rows]:
                out.append("  ".join(cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row)).rstrip())
        out.append("")

    bullet = "- " if md else "  · "
    colon = cat.t("punct.colon")
    heading(1, f"{plain(site_title)} · {plain(report['title'])}")
    hard_break = "  " if md else ""  # Markdown keeps the two lines apart only with a trailing double space
    out.extend(
        [
            f"{cat.t('report.range')}{colon}{report['range']}{hard_break}",
            f"{cat.t('report.as_of')}{colon}{report['as_of']}",
            "",
        ]
    )
    if report["retro_note"]:
        out.extend([plain(report["retro_note"]), ""])
    heading(2, cat.t("report.summary"))
    for plan in report["totals"]:
        table(plan)
    out.append(
        f"{cat.t('report.added_in_half')}{colon}"
        + cat.t("punct.comma").join(
            f"{a['label']} {_with(cat, a['count'], a['sample_text'])}" for a in report["added_totals"]
        )
    )
    out.append("")
    out.append(
        f"{cat.t('report.behind_list')}{colon}"
        + (cat.t("punct.list").join(plain(b["text"]) for b in report["behind"]) or cat.t("report.none"))
    )
    out.append("")
    for district in report["districts"]:
        heading(2, plain(district["name"]) + (cat.paren(cat.t("status.behind")) if district["behind"] else ""))
        for plan in district["plans"]:
            table(plan)
        if district["partners"]:
            out.extend([plain(district["partners"]["text"]), ""])
        heading(3, cat.t("report.added_heading", period=report["label"]))
        if not district["added_count"]:
            out.extend([cat.t("report.none_added"), ""])
        for group in district["added"]:
            out.append(group["label"] + cat.paren(group["count"]))
            out.extend(
                f"{bullet}{item['date']} {plain(item['text'])}"
                + (f" {cat.t('badge.sample_box')}" if item["sample"] else "")
                for item in group["records"]
            )
            out.append("")
        heading(3, cat.t("report.quality"))
        quality = district["quality"]
        if quality["empty"]:
            out.extend([cat.t("report.quality_ok"), ""])
        if quality["findings"]:
            out.extend([*(f"{bullet}{plain(q['line'])}" for q in quality["findings"]), ""])
    return "\n".join(out).rstrip() + "\n"


def _with(cat: Catalogue, figure: Any, sample_text: str) -> str:
    """A figure as the text report prints it: `12（其中示例 12）` / `12 (12 of them samples)` when it counts samples."""
    return f"{figure}{cat.paren(sample_text)}" if sample_text else str(figure)


def _width(text: str) -> int:
    """Columns a text takes in a terminal: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
