"""Report pages and charts as finished display values: half-year reports, district report cards, progress over time."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from registry.figures.reports import ADDED_KINDS, Half, period_report, plan_halves, plan_years, retrospective
from registry.figures.series import cumulative_series
from registry.pages.cards import DATE_FIELD, Views, record_url
from registry.pages.catalogue import Catalogue
from registry.pages.charts import render_svg
from registry.pages.policy import partner_view

if TYPE_CHECKING:
    from registry.pages.plan import SitePlan

STATUS_SYMBOL = {"achieved": "✓", "on-track": "→", "behind": "!", "not-started": "–"}


def half_url(half: Half) -> str:
    return f"reports/{half.period}.html"


def card_url(district_id: str, year: int) -> str:
    return f"reports/districts/{district_id}-{year}.html"


class ReportViews:
    """Turns period_report data and cumulative series into display values for one language."""

    def __init__(self, views: Views, cat: Catalogue):
        self.views, self.cat, self.registry = views, cat, views.registry

    # -- shared pieces -----------------------------------------------------------------------------
    def half_label(self, half: Half) -> str:
        return self.cat.t(f"report.half{half.half}", year=half.year)

    def half_link(self, half: Half) -> dict[str, str]:
        """A link to a half-year report; one on a half that ended before the targets were issued says it is retrospective."""
        retro = retrospective(self.registry, half.start, half.end)
        return {"url": half_url(half), "text": self.half_label(half) + (self.cat.t("report.retro_mark") if retro else "")}

    def retro_note(self, issued: str | None) -> str:
        return self.cat.t("report.retro_note", date=self.cat.date(issued)) if issued else ""

    def metric_rows(self, plan: dict, cells: dict, district_id: str | None) -> list[dict[str, Any]]:
        """One row per metric the cells hold: target, actual at the end, percent, due by then, added, status."""
        rows = []
        for metric in plan["metrics"]:
            cell = cells.get(metric["id"])
            if cell is None:
                continue
            status = cell["status"]
            final = plan["closed"] and status == "behind"
            where = district_id or "totals"
            rows.append({
                "metric": self.cat.text(metric["name"]), "unit": self.cat.text(metric["unit"]),
                "sub": bool(metric.get("part_of")),
                "target": cell["target"], "actual": cell["actual"], "added": cell["added"],
                "sample_text": self.sample_text(cell["samples"]), "added_sample_text": self.sample_text(cell["added_samples"]),
                "percent_text": "—" if cell["percent"] is None else f"{cell['percent']}%",
                "expected": self.cat.number(cell["expected"]), "status": status,
                "status_label": self.cat.t(f"status.{status}" + (".final" if final else "")),
                "symbol": STATUS_SYMBOL[status], "url": f"progress/{plan['id']}/{where}/{metric['id']}.html",
            })
        return rows

    def sample_text(self, samples: int) -> str:
        """“其中示例 n” beside a figure that counts sample records; nothing when none is counted."""
        return self.cat.t("sample.of", n=samples) if samples else ""

    def plan_table(self, plan: dict, cells: dict, district_id: str | None, note: Any = None) -> dict[str, Any]:
        return {"id": plan["id"], "title": self.cat.text(plan["name"]), "url": f"progress/{plan['id']}.html",
                "period": self.cat.date_range(plan["start"], plan["end"]), "note": self.cat.text(note),
                "rows": self.metric_rows(plan, cells, district_id)}

    def item(self, kind: str, record_id: str) -> dict[str, Any]:
        record = self.registry.get(kind, record_id)
        return {"url": record_url(kind, record_id), "text": self.views.name(record),
                "date": self.cat.date(record.get(DATE_FIELD[kind])), "sample": record.sample}

    def partners(self, entry: dict | None) -> dict[str, Any] | None:
        view = partner_view(self.cat, entry)
        return view and {key: view[key] for key in ("met", "text", "count", "samples", "required")}

    def quality(self, quality: dict) -> dict[str, Any]:
        """The data-quality findings as sentences, each with its record linked (before + link + after = line)."""
        cat, items = self.cat, []
        for entry in quality["missing"]:
            labels = self.field_labels(entry["kind"])
            items.append(self.sentence(entry["kind"], entry["id"], "report.missing", kind=cat.t(f"kind_one.{entry['kind']}"),
                                       fields="、".join(labels.get(f, f) for f in entry["fields"])))
        for entry in quality["undated"]:
            items.append(self.sentence(entry["kind"], entry["id"], "report.undated", kind=cat.t(f"kind_one.{entry['kind']}")))
        for entry in quality["stale"]:
            items.append(self.sentence("achievement", entry["id"], "report.stale", date=cat.date(entry["updated"])))
        return {"findings": items, "empty": not items}

    def sentence(self, record_kind: str, record_id: str, key: str, **values: str) -> dict[str, Any]:
        item = self.item(record_kind, record_id)
        before, _, after = self.cat.t(key, name="\x00", **values).partition("\x00")
        return {**item, "before": before, "after": after, "line": before + item["text"] + after}

    def field_labels(self, kind: str) -> dict[str, str]:
        zh = self.cat.lang == "zh"
        return {name: node.get("title" if zh else "x-title-en", name)
                for name, node in self.registry.schemas.properties(kind).items()}

    # -- a half-year report ----------------------------------------------------------------------
    def half_report(self, half: Half, data: dict) -> dict[str, Any]:
        """The whole report as display values: what the page, the text and the Markdown all show."""
        cat, plans = self.cat, {plan["id"]: plan for plan in data["plans"]}
        label = self.half_label(half)
        districts = []
        for entry in data["districts"]:
            link = self.views.link("district", entry["district"])
            added = [{"kind": kind, "label": cat.t(f"kind.{kind}"), "count": len(entry["added"][kind]),
                      "records": [self.item(kind, rid) for rid in entry["added"][kind]]}
                     for kind in ADDED_KINDS if entry["added"][kind]]
            districts.append({
                "id": entry["district"], "name": link["text"], "url": link["url"], "behind": entry["behind"],
                "plans": [self.plan_table(plans[p["plan"]], p["cells"], entry["district"], p["note"]) for p in entry["plans"]],
                "partners": self.partners(entry["partners"]), "added": added,
                "added_count": sum(group["count"] for group in added),
                "quality": self.quality(entry["quality"]),
                "card_url": card_url(entry["district"], half.year),
            })
        behind = [{"url": d["url"], "text": d["name"], "anchor": f"d-{d['id']}"} for d in districts if d["behind"]]
        return {
            "period": half.period, "year": half.year, "label": label,
            "title": cat.t("report.title_retro" if data["retrospective"] else "report.title", period=label),
            "retro_note": self.retro_note(data["retrospective"]),
            "range": cat.date_range(data["start"], data["end"]), "as_of": cat.date(data["end"]),
            "totals": [self.plan_table(plan, plan["totals"], None) for plan in data["plans"]],
            "behind": behind, "districts": districts,
            "added_totals": [self.added_total(kind, {rid for e in data["districts"] for rid in e["added"][kind]})
                             for kind in ADDED_KINDS],
        }

    def added_total(self, kind: str, ids: set[str]) -> dict[str, Any]:
        samples = sum(self.registry.get(kind, rid).sample for rid in ids)
        return {"label": self.cat.t(f"kind.{kind}"), "count": len(ids), "sample_text": self.sample_text(samples)}

    # -- a district's report card ----------------------------------------------------------------
    def card(self, district_id: str, year: int, data: dict, halves: dict[Half, dict]) -> dict[str, Any]:
        """One district's year on one page: progress at year end, additions per half, partners, follow-ups."""
        cat, plans = self.cat, {plan["id"]: plan for plan in data["plans"]}
        entry = next(e for e in data["districts"] if e["district"] == district_id)
        link = self.views.link("district", district_id)
        by_half = {h: next(e for e in d["districts"] if e["district"] == district_id) for h, d in halves.items()}
        added = [{"label": cat.t(f"kind.{kind}"),
                  "halves": [self.count(kind, by_half[h]["added"][kind]) for h in sorted(by_half)],
                  "year": self.count(kind, entry["added"][kind])} for kind in ADDED_KINDS]
        return {
            "district": district_id, "name": link["text"], "url": link["url"], "year": year,
            "title": cat.t("report.card_title", district=link["text"], year=year)
                     + (cat.t("report.retro_mark") if data["retrospective"] else ""),
            "retro_note": self.retro_note(data["retrospective"]),
            "range": cat.date_range(data["start"], data["end"]), "as_of": cat.date(data["end"]),
            "behind": entry["behind"],
            "plans": [self.plan_table(plans[p["plan"]], p["cells"], district_id, p["note"]) for p in entry["plans"]],
            "partners": self.partners(entry["partners"]),
            "halves": [{"label": self.half_link(h)["text"], "url": half_url(h)} for h in sorted(by_half)],
            "added": added, "quality": self.quality(entry["quality"]),
        }

    def count(self, kind: str, ids: list[str]) -> dict[str, Any]:
        """A number of records, with how many of them are samples."""
        return {"n": len(ids), "sample_text": self.sample_text(sum(self.registry.get(kind, rid).sample for rid in ids))}

    # -- progress over time ----------------------------------------------------------------------
    def chart(self, plan: dict, metric: dict, cell: dict, who: str, chart_id: str) -> dict[str, Any]:
        """A chart of one cell: the SVG, a caption and the same points as a table."""
        cat = self.cat
        series = cumulative_series(self.registry, plan, metric["id"], cell)
        name, unit = cat.text(metric["name"]), cat.text(metric["unit"])
        labels = {"actual": cat.t("chart.actual"), "target": cat.t("chart.target"), "expected": cat.t("chart.expected")}
        title = cat.t("chart.title", who=who, metric=name)
        desc = cat.t("chart.desc", date=cat.date(plan["as_of"]) if plan["as_of"] < plan["end"] else cat.date(plan["end"]),
                     actual=cell["actual"], target=cell["target"], expected=cat.number(cell["expected"]), unit=unit)
        long_plan = series["step_months"] > 1

        def tick(day: dt.date) -> str:
            return cat.t("chart.tick_year", year=day.year) if long_plan else cat.t("chart.tick_month", month=day.month)

        svg = render_svg(series, chart_id=chart_id, title=title, desc=desc, labels=labels, tick_label=tick)
        rows = [{"date": cat.date(p["date"]), "actual": "—" if p["actual"] is None else str(p["actual"]),
                 "expected": cat.number(p["expected"]), "target": str(series["target"])} for p in series["points"]]
        return {"id": chart_id, "svg": svg, "title": title, "metric": name, "unit": unit, "rows": rows,
                "sample_text": cat.t("sample.chart", n=cell["samples"], unit=unit) if cell["samples"] else "",
                "caption": cat.t("chart.caption", metric=name, unit=unit),
                "table_caption": cat.t("chart.table_caption", who=who, metric=name), "series": series}


def plan_reports(site: SitePlan) -> None:
    """Add the report pages (index, one per half year, a card per district per year) to a site plan."""
    cat, registry = site.cat, site.registry
    rv = ReportViews(site.views, cat)
    as_of = dt.date.fromisoformat(site.as_of)
    home, crumb = site.home_crumb(), ("reports/index.html", cat.t("nav.reports"))
    halves = {half: period_report(registry, half.start, half.end) for half in plan_halves(registry, as_of)}
    years = plan_years(registry, as_of)
    districts = sorted(registry.all("district"), key=lambda d: (d.get("order", 999), d.id))
    index_years = []
    for year in sorted({h.year for h in halves} | set(years)):
        index_years.append({
            "year": year,
            "halves": [rv.half_link(h) for h in sorted(halves) if h.year == year],
            "cards": [{"url": card_url(d.id, year), "text": site.views.name(d)} for d in districts] if year in years else [],
        })
    site.add("reports/index.html", "report_index.html", cat.t("nav.reports"), [home], years=index_years,
             empty=not halves)
    for half, data in halves.items():
        report = rv.half_report(half, data)
        site.add(half_url(half), "report.html", report["title"], [home, crumb], report=report)
    for year in years:
        data = period_report(registry, dt.date(year, 1, 1), dt.date(year, 12, 31))
        in_year = {h: d for h, d in halves.items() if h.year == year}
        for district in districts:
            card = rv.card(district.id, year, data, in_year)
            site.add(card_url(district.id, year), "report_card.html", card["title"], [home, crumb], card=card)


def district_over_time(site: SitePlan, district_id: str) -> dict[str, Any]:
    """Context for a district page: a chart per plan and metric of its row, and links to its report cards."""
    rv = ReportViews(site.views, site.cat)
    who = site.views.link("district", district_id)["text"]
    sections = []
    for plan in site.progress:
        row = next((r for r in plan["rows"] if r["district"] == district_id), None)
        if row is None:
            continue
        charts = [rv.chart(plan, metric, row["cells"][metric["id"]], who, f"chart-{plan['id']}-{metric['id']}")
                  for metric in plan["metrics"] if metric["id"] in row["cells"]]
        sections.append({"title": site.cat.text(plan["name"]), "charts": charts})
    years = plan_years(site.registry, dt.date.fromisoformat(site.as_of))
    links = [{"url": card_url(district_id, year), "text": site.cat.t("report.card_link", year=year)} for year in years]
    return {"over_time": {"sections": sections, "links": links, "links_title": site.cat.t("report.cards")}}


def plan_over_time(site: SitePlan, plan: dict) -> dict[str, Any]:
    """Context for a plan's progress page: a chart of the municipal total of each metric, and the half-year reports."""
    rv = ReportViews(site.views, site.cat)
    who = site.cat.t("progress.total")
    charts = [rv.chart(plan, metric, plan["totals"][metric["id"]], who, f"chart-{plan['id']}-{metric['id']}")
              for metric in plan["metrics"] if metric["id"] in plan["totals"]]
    start, end = dt.date.fromisoformat(plan["start"]), dt.date.fromisoformat(plan["end"])
    halves = [h for h in plan_halves(site.registry, dt.date.fromisoformat(site.as_of)) if h.end >= start and h.start <= end]
    links = [rv.half_link(h) for h in halves]
    return {"over_time": {"sections": [{"title": None, "charts": charts}], "links": links,
                          "links_title": site.cat.t("report.halves")}}


def report_lines(report: dict[str, Any], fmt: str, cat: Catalogue, site_title: str) -> str:
    """The half-year report as plain text or Markdown: the page's content, for pasting into a briefing."""
    md = fmt == "markdown"
    out: list[str] = []

    def heading(level: int, text: str) -> None:
        if md:
            out.extend([f"{'#' * level} {text}", ""])
        else:
            out.extend([text, ("=" if level == 1 else "-") * _width(text), ""] if level < 3 else [f"【{text}】", ""])

    def table(plan: dict) -> None:
        head = [cat.t("report.metric"), cat.t("report.target"), cat.t("report.actual"), cat.t("report.percent"),
                cat.t("report.expected"), cat.t("report.added"), cat.t("report.status")]
        rows = [[f"{r['metric']}（{r['unit']}）" + (f" {cat.t('progress.sub_target')}" if r["sub"] else ""), str(r["target"]),
                 _with(r["actual"], r["sample_text"]), r["percent_text"], r["expected"], _with(r["added"], r["added_sample_text"]),
                 r["status_label"]] for r in plan["rows"]]
        out.append(f"{plan['title']}（{plan['period']}）" + (f" — {plan['note']}" if plan["note"] else ""))
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
    heading(1, f"{site_title} · {report['title']}")
    hard_break = "  " if md else ""  # Markdown keeps the two lines apart only with a trailing double space
    out.extend([f"{cat.t('report.range')}：{report['range']}{hard_break}", f"{cat.t('report.as_of')}：{report['as_of']}", ""])
    if report["retro_note"]:
        out.extend([report["retro_note"], ""])
    heading(2, cat.t("report.summary"))
    for plan in report["totals"]:
        table(plan)
    out.append(f"{cat.t('report.added_in_half')}：" + "，".join(f"{a['label']} {_with(a['count'], a['sample_text'])}"
                                                                for a in report["added_totals"]))
    out.append("")
    out.append(f"{cat.t('report.behind_list')}：" + ("、".join(b["text"] for b in report["behind"]) or cat.t("report.none")))
    out.append("")
    for district in report["districts"]:
        heading(2, district["name"] + (f"（{cat.t('status.behind')}）" if district["behind"] else ""))
        for plan in district["plans"]:
            table(plan)
        if district["partners"]:
            out.extend([district["partners"]["text"], ""])
        heading(3, cat.t("report.added_heading", period=report["label"]))
        if not district["added_count"]:
            out.extend([cat.t("report.none_added"), ""])
        for group in district["added"]:
            out.append(f"{group['label']}（{group['count']}）")
            out.extend(f"{bullet}{item['date']} {item['text']}" + (f" 【{cat.t('badge.sample')}】" if item["sample"] else "")
                       for item in group["records"])
            out.append("")
        heading(3, cat.t("report.quality"))
        quality = district["quality"]
        if quality["empty"]:
            out.extend([cat.t("report.quality_ok"), ""])
        if quality["findings"]:
            out.extend([*(f"{bullet}{q['line']}" for q in quality["findings"]), ""])
    return "\n".join(out).rstrip() + "\n"


def _with(figure: Any, sample_text: str) -> str:
    """A figure as the text report prints it: `12（其中示例 12）` when it counts samples."""
    return f"{figure}（{sample_text}）" if sample_text else str(figure)


def _width(text: str) -> int:
    """Columns a text takes in a terminal: CJK and full-width characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def report_for_cli(root, period: str, fmt: str, as_of: str | None) -> str:
    """`build.py report PERIOD`: check, then the half-year report as text or Markdown (as the site would show it)."""
    from registry.errors import ProblemsFound, UsageError
    from registry.pages.catalogue import load_messages
    from registry.records.check import check

    result = check(root)
    if not result.ok:
        raise ProblemsFound(result.problems)
    settings = result.settings
    public = result.published()
    try:
        as_of_date = dt.date.fromisoformat(as_of or settings["as_of"])
    except ValueError:
        raise UsageError(f"--as-of {as_of}: 日期应写作 YYYY-MM-DD / the date must be YYYY-MM-DD") from None
    available = plan_halves(public, as_of_date)
    half = Half.parse(period)
    if half is None or half not in available:
        choices = ", ".join(h.period for h in available) or "—"
        raise UsageError(f"report {period}: 没有这一半年的报告 / no report for this half year — "
                         f"可选 / available (as of {as_of_date.isoformat()}): {choices}")
    cat = Catalogue(load_messages(root / "site_templates" / "messages.yaml"), result.schemas, "zh")
    views = Views(public, cat)
    report = ReportViews(views, cat).half_report(half, period_report(public, half.start, half.end))
    return report_lines(report, fmt, cat, cat.text(settings.get("title")))

