"""Spreadsheets: `template KIND OUT.xlsx` → fill in (openpyxl, as Excel would save it) → `import KIND IN.xlsx`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from registry.staff.sheet import SHEET_KINDS

HEADER_ROW, FIRST_ROW = 2, 3

GOOD = {
    "科技成果名称": "智能焊接机器人视觉引导系统",
    "大院大所名称": "清华大学",
    "科技成果所属领域": "装备制造",
    "科技成果所处阶段": "研制阶段",
    "科技成果及研发团队简介": "基于深度学习的焊缝识别与轨迹规划，适用于中厚板焊接。",
    "填报区镇": "开发区",
    "填报时间": dt.date(2021, 3, 1),
    "跟踪状态": "跟踪中",
    "联系电话": "0512-57000000",
    "填报人及联系电话 · 姓名": "张三",
    "填报人及联系电话 · 联系电话": "0512-57000001",
    "科技成果研发负责人 · 姓名": "李四",
}


def headers(sheet) -> dict[str, int]:
    """Header text without the required/private marks → column number."""
    return {str(c.value).lstrip("*").removesuffix("（不公开）"): c.column for c in sheet[HEADER_ROW] if c.value}


def fill(template: Path, out: Path, rows: list[dict]) -> Path:
    book = load_workbook(template)
    sheet = book.worksheets[0]
    columns = headers(sheet)
    for offset, values in enumerate(rows):
        for header, value in values.items():
            sheet.cell(FIRST_ROW + offset, columns[header], value)
    book.save(out)
    return out


@pytest.fixture
def template(shipped, run) -> Path:
    out = shipped / "成果填报.xlsx"
    result = run("--root", str(shipped), "template", "achievements", str(out))
    assert result.code == 0, result
    return out


def test_template_is_laid_out_like_annex_1(template):
    book = load_workbook(template)
    assert book.sheetnames == ["科技成果填报表", "填写说明", "选项"]
    sheet = book.worksheets[0]
    shown = [c.value for c in sheet[HEADER_ROW]]
    assert shown[:3] == ["*科技成果名称", "*大院大所名称", "成果所在院、系、实验室"]
    assert "联系电话（不公开）" in shown and "填报人及联系电话 · 联系电话（不公开）" in shown
    assert "科技成果与区镇的契合情况说明" in shown and "科技成果在区镇推介计划" in shown  # the form's own labels
    assert shown[-1] == "编号（选填，留空则按名称自动生成）"
    columns = headers(sheet)
    validations = {str(v.sqref).split(":")[0]: v for v in sheet.data_validations.dataValidation}
    letter = sheet.cell(HEADER_ROW, columns["科技成果所属领域"]).column_letter
    field_list = validations[f"{letter}{FIRST_ROW}"]
    assert field_list.type == "list"
    options = book["选项"]
    ref_col = field_list.formula1.split("!")[1].split(":")[0].strip("$").rstrip("0123456789").strip("$")
    labels = [c.value for c in options[ref_col][1:] if c.value]
    assert labels == ["电子信息", "能源环保", "装备制造", "生物技术与新医药", "新材料", "现代农业", "民生用品", "其他"]
    summary = validations[f"{sheet.cell(HEADER_ROW, columns['科技成果及研发团队简介']).column_letter}{FIRST_ROW}"]
    assert (summary.type, summary.operator, summary.formula1) == ("textLength", "lessThanOrEqual", "500")
    help_rows = [[c.value for c in row] for row in book["填写说明"].iter_rows()]
    assert help_rows[[r[1] for r in help_rows].index("科技成果所属领域")][:4] == ["G", "科技成果所属领域", "是", "是"]
    assert any(r[1] == "联系电话" and r[3] == "否" for r in help_rows)


def test_round_trip_writes_records_that_pass_check(shipped, template, run):
    second = {
        **GOOD,
        "科技成果名称": "低温等离子体废气处理装置",
        "科技成果所属领域": "能源环保",
        "大院大所名称": "tsinghua",
        "科技成果名称（英文，选填）": "Low-temperature plasma exhaust treatment",
    }
    sheet = fill(template, shipped / "filled.xlsx", [GOOD, second])

    preview = run("--root", str(shipped), "import", "achievements", str(sheet), "--dry-run")
    assert preview.code == 0, preview
    assert "第 3 行 / row 3 → records/achievements/zhi-neng-han-jie-ji-qi-ren-shi-jue-yin-dao-xi.yaml" in preview.out
    assert "第 4 行 / row 4 → records/achievements/di-wen-deng-li-zi-ti-fei-qi-chu-li-zhuang-zhi.yaml" in preview.out
    assert not (shipped / "records/achievements/zhi-neng-han-jie-ji-qi-ren-shi-jue-yin-dao-xi.yaml").exists()

    result = run("--root", str(shipped), "import", "achievements", str(sheet))
    assert result.code == 0, result
    path = shipped / "records/achievements/zhi-neng-han-jie-ji-qi-ren-shi-jue-yin-dao-xi.yaml"
    text = path.read_text(encoding="utf-8")
    assert 'contact_phone: "0512-57000000"' in text and "reported: 2021-03-01\n" in text
    assert "&" not in text and "*" not in text
    assert yaml.safe_load(text)["name"] == {"zh": "智能焊接机器人视觉引导系统"}
    other = yaml.safe_load(
        (shipped / "records/achievements/di-wen-deng-li-zi-ti-fei-qi-chu-li-zhuang-zhi.yaml").read_text(
            encoding="utf-8"
        )
    )
    assert other["name"] == {"zh": "低温等离子体废气处理装置", "en": "Low-temperature plasma exhaust treatment"}
    assert (other["institute"], other["field"], other["district"]) == ("tsinghua", "energy-environment", "kaifaqu")

    checked = run("--root", str(shipped), "check")
    assert checked.code == 0, checked

    again = run("--root", str(shipped), "import", "achievements", str(sheet))
    assert again.code == 1, again
    assert "已存在，未覆盖" in again.out and "--overwrite" in again.out
    assert run("--root", str(shipped), "import", "achievements", str(sheet), "--overwrite").code == 0


def test_one_bad_row_writes_nothing_and_names_row_and_column(shipped, template, run):
    rows = [
        GOOD,
        {**GOOD, "科技成果名称": "另一项成果", "科技成果所属领域": "航天"},
        {**GOOD, "科技成果名称": "第三项成果", "科技成果及研发团队简介": "长" * 501},
    ]
    before = sorted(p.name for p in (shipped / "records/achievements").iterdir())
    result = run("--root", str(shipped), "import", "achievements", str(fill(template, shipped / "bad.xlsx", rows)))
    assert result.code == 1, result
    lines = result.out.splitlines()
    assert lines[0].startswith(
        "第 4 行 科技成果所属领域（G 列）: “航天”不是可选项 / “航天” is not one of the choices — "
    )
    assert lines[1].startswith(
        "第 5 行 科技成果及研发团队简介（K 列）: 共 501 字，超过 500 字的限制 / 501 characters, over the limit of 500"
    )
    assert lines[-1] == "导入失败：发现 2 个问题，未写入任何文件 / import failed: 2 problems, nothing written"
    assert sorted(p.name for p in (shipped / "records/achievements").iterdir()) == before


def test_every_problem_of_a_row_is_reported_in_one_pass(shipped, template, run):
    """Four mistakes in one row — two cells that cannot be read, two values the check refuses — all in one run."""
    row = {
        **GOOD,
        "科技成果所属领域": "航天",
        "填报区镇": "火星镇",
        "科技成果及研发团队简介": "长" * 501,
        "状态更新时间": dt.date(2016, 1, 1),
    }
    result = run("--root", str(shipped), "import", "achievements", str(fill(template, shipped / "four.xlsx", [row])))
    assert result.code == 1, result
    lines = result.out.splitlines()
    assert [line.split(": ", 1)[0] for line in lines[:-1]] == [
        "第 3 行 科技成果所属领域（G 列）",
        "第 3 行 科技成果及研发团队简介（K 列）",
        "第 3 行 填报区镇（N 列）",
        "第 3 行 状态更新时间（S 列）",
    ], result
    assert lines[-1] == "导入失败：发现 4 个问题，未写入任何文件 / import failed: 4 problems, nothing written"


def test_a_sheet_made_from_an_earlier_template_still_imports(shipped, template, run):
    """Headers renamed to the form's exact labels (x-former-titles) are still read under their old names."""
    book = load_workbook(template)
    sheet = book.worksheets[0]
    renamed = {
        "科技成果与区镇的契合情况说明": "与区镇的契合情况说明",
        "科技成果在区镇推介计划": "在区镇推介计划",
        "填报人及联系电话 · 姓名": "填报人 · 姓名",
        "填报人及联系电话 · 联系电话": "填报人 · 联系电话",
    }
    for cell in sheet[HEADER_ROW]:
        for new, old in renamed.items():
            if cell.value and new in str(cell.value):
                cell.value = str(cell.value).replace(new, old)
    book.save(shipped / "old.xlsx")
    row = {
        **{k.replace("填报人及联系电话", "填报人"): v for k, v in GOOD.items()},
        "与区镇的契合情况说明": "与开发区的智能制造方向契合。",
        "在区镇推介计划": "在开发区举办一次推介会。",
    }
    result = run(
        "--root", str(shipped), "import", "achievements", str(fill(shipped / "old.xlsx", shipped / "f.xlsx", [row]))
    )
    assert result.code == 0, result
    data = yaml.safe_load(
        (shipped / "records/achievements/zhi-neng-han-jie-ji-qi-ren-shi-jue-yin-dao-xi.yaml").read_text(
            encoding="utf-8"
        )
    )
    assert (data["fit"], data["promotion"]) == (
        {"zh": "与开发区的智能制造方向契合。"},
        {"zh": "在开发区举办一次推介会。"},
    )
    assert data["reporter"] == {"name": "张三", "phone": "0512-57000001"}


def test_missing_required_cell_and_private_value_not_echoed(shipped, template, run):
    row = {k: v for k, v in GOOD.items() if k != "跟踪状态"}
    row["联系电话"] = 51257000000  # Excel turned the phone into a number
    result = run("--root", str(shipped), "import", "achievements", str(fill(template, shipped / "x.xlsx", [row])))
    assert result.code == 1, result
    assert "第 3 行 联系电话（F 列）: 电话号码被 Excel 存成了数字" in result.out
    assert "51257000000" not in result.out


@pytest.mark.parametrize("kind", SHEET_KINDS)
def test_every_sheet_kind_round_trips(kind, shipped, run):
    """Fill every required column with its first choice (or a plausible value) and import: driven by the sheet itself."""
    out = shipped / f"{kind}.xlsx"
    assert run("--root", str(shipped), "template", f"{kind}s", str(out)).code == 0
    book = load_workbook(out)
    sheet, options = book.worksheets[0], book["选项"]
    first_choice = {str(col[0].value): col[1].value for col in options.iter_cols()}
    validations = {str(v.sqref).split(":")[0]: v for v in sheet.data_validations.dataValidation}
    for cell in sheet[HEADER_ROW]:
        if not str(cell.value).startswith("*"):
            continue
        header = str(cell.value).lstrip("*").removesuffix("（不公开）")
        rule = validations.get(f"{cell.column_letter}{FIRST_ROW}")
        if header in first_choice:
            value = first_choice[header]
        elif rule is not None and rule.type == "date":
            value = dt.date(2019, 6, 1)
        elif rule is not None and rule.type in ("whole", "decimal"):
            value = 2  # a talent's first choice of form is 团队, and a team has 2 people or more
        elif header in ("参与的大院大所", "合作大院大所"):
            value = "清华大学、cas"  # several institutes in one cell: names or ids, separated by 、
        else:
            value = f"表格导入测试{kind}"
        sheet.cell(FIRST_ROW, cell.column, value)
    book.save(out)
    result = run("--root", str(shipped), "import", f"{kind}s", str(out))
    assert result.code == 0, result
    assert run("--root", str(shipped), "check").code == 0


def test_usage_errors(shipped, run, tmp_path):
    assert run("--root", str(shipped), "template", "plans", str(tmp_path / "p.xlsx")).code == 2
    missing = run("--root", str(shipped), "import", "achievements", str(tmp_path / "none.xlsx"))
    assert missing.code == 2 and "找不到表格" in missing.err
    (tmp_path / "not.xlsx").write_text("a,b\n", encoding="utf-8")
    wrong = run("--root", str(shipped), "import", "achievements", str(tmp_path / "not.xlsx"))
    assert wrong.code == 2 and "不是 .xlsx 表格" in wrong.err


def test_import_applies_the_text_rule_of_check_and_names_row_and_column(shipped, template, run):
    rows = [
        {**GOOD, "科技成果名称": "\u200b"},
        {**GOOD, "科技成果名称": "智能\u202e焊接系统"},
        {**GOOD, "科技成果名称": "视觉引导系统", "成果所在院、系、实验室": "机械\n工程系"},
    ]
    before = sorted(p.name for p in (shipped / "records/achievements").iterdir())

    result = run("--root", str(shipped), "import", "achievements", str(fill(template, shipped / "text.xlsx", rows)))

    assert result.code == 1, result
    assert result.out.splitlines() == [
        "第 3 行 科技成果名称（A 列）: 只有空白或看不见的字符，如 U+200B（零宽空格），读者看到的是空白 / holds only blank or "
        "invisible characters, such as U+200B (zero-width space): readers see nothing — 填写看得见的内容，或删除这一行 / "
        "write visible text, or delete the line",
        "第 4 行 科技成果名称（A 列）: 第 3 个字符是改变文字方向的控制符 U+202E（从右到左强制） / character 3 is the "
        "bidirectional control U+202E (right-to-left override) — 删除它：它会让这一行的文字倒着显示，常见于从网页复制的文字 / "
        "delete it: it can make the text read backwards; it comes with text pasted from the web",
        "第 5 行 成果所在院、系、实验室（C 列）: 第 3 个字符是换行，单行字段不能有 / character 3 is a line break, which a "
        "single-line field cannot hold — 写成一行：删除换行或 Tab（表格单元格里的 Alt+Enter、引号里的 \\n 或 \\t、以 | 或 > "
        "开头的多行写法） / write it on one line: remove the break or tab (Alt+Enter in a cell, \\n or \\t in quotes, a | or > block)",
        "导入失败：发现 3 个问题，未写入任何文件 / import failed: 3 problems, nothing written",
    ]
    assert sorted(p.name for p in (shipped / "records/achievements").iterdir()) == before
