"""The privacy scan looks inside the workbook: a private value that reaches only a sheet of data/registry.xlsx (its
XML is deflated, so a scan of the file's bytes cannot see it) stops the build, which names the sheet."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from conftest import make_project

import build
from registry.outputs import downloads
from registry.outputs.tables import Workbook

SECRET = "严晓芸"
"""A reporter's name (reporter.name, a private field; the same reporter filed two achievements)."""


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


class LeakyWorkbook(Workbook):
    """The real workbook, with one cell more: the private value, on the achievements sheet only."""

    def add_sheet(self, name: str, header: list[str]) -> None:
        super().add_sheet(name, header)
        if name == "科技成果":
            self.add(["", SECRET])


def test_a_private_value_only_in_the_workbook_stops_the_build_and_names_the_sheet(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("REGISTRY_NO_CACHE", "1")
    root = make_project(tmp_path / "project", {}, with_shipped_records=True)
    out = tmp_path / "public"
    assert build.main(["--root", str(root), "build", "--out", str(out)]) == 0
    before = files_of(out)
    assert not [path for path, data in before.items() if SECRET.encode() in data]
    capsys.readouterr()

    monkeypatch.setattr(downloads, "Workbook", LeakyWorkbook)
    assert build.main(["--root", str(root), "build", "--out", str(out)]) == 1
    printed = capsys.readouterr()
    leaks = [line.strip() for line in printed.err.splitlines() if line.strip().startswith("public/")]
    assert leaks == [
        "public/data/registry.xlsx 工作表 / sheet「科技成果」: records/achievements/biodegradable-suture-fibre.yaml: "
        "reporter.name: 私密字段的值出现在公开输出中 / a private value appears in the public output — "
        "删除公开文字中的电话或姓名 / remove the phone number or name from the public text"
    ], printed.out + "\n" + printed.err
    assert SECRET not in printed.out + printed.err  # the place is named, never the value
    assert files_of(out) == before  # the previous site stays as it was

    # The value is in the sheet's XML only, deflated: without the scan inside the archive nothing would find it.
    monkeypatch.undo()
    leaky = LeakyWorkbook("t", "2020-12-31")
    leaky.add_sheet("科技成果", ["a", "b"])
    data = leaky.close()
    assert SECRET.encode() not in data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert [n for n in archive.namelist() if SECRET.encode() in archive.read(n)] == ["xl/worksheets/sheet1.xml"]
