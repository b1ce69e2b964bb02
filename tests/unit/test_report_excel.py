"""The workbook writer: what a manager sees in the file, read back with openpyxl, on both row paths."""

from __future__ import annotations

import datetime as dt
import math
import zipfile

import pytest
from openpyxl import load_workbook

from app.reports import excel
from app.reports.excel import FIRST_ROW, write_report
from app.reports.table import Cancelled, Chart, Column, Report, ReportTable


def report() -> Report:
    columns = [Column("time", "时间", number_format="yyyy-mm-dd hh:mm", width=17),
               Column("kw", "负荷", "kW", "#,##0.0", total="max", above=900.0),
               Column("pf", "功率因数", "", "0.00", total="average", below=0.9),
               Column("kwh", "电量", "kWh", "#,##0.00", total="sum"),
               Column("note", "备注")]
    start = dt.datetime(2026, 3, 1, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    rows = [[start + dt.timedelta(hours=h), 500.0 + 50 * h, 0.95 - 0.01 * h, 123.456 * h,
             "数据缺失" if h == 3 else None] for h in range(12)]
    rows[5][3] = math.nan  # unknown: an empty cell, never 0
    return Report("负荷报表", "示范配电房", "2026-03-01", "李经理",
                  [ReportTable("负荷", columns, iter(rows), charts=[Chart("line", "负荷曲线", "time", ("kw",), "kW")])])


@pytest.mark.parametrize("fast", [True, False])
def test_the_sheet_reads_back_with_formats_totals_limits_and_chart(tmp_path, monkeypatch, fast):
    monkeypatch.setattr(excel, "FAST_ROWS", fast)
    path = write_report(report(), tmp_path / "load.xlsx")
    ws = load_workbook(path)["负荷"]
    assert ws["A1"].value == "负荷报表" and ws["C3"].value == "制表人: 李经理"
    assert [ws.cell(row=5, column=i).value for i in range(1, 6)] == ["时间", "负荷", "功率因数", "电量", "备注"]
    assert ws["B6"].value == "(kW)" and ws["C6"].value is None
    first = FIRST_ROW
    assert ws.cell(row=first, column=1).value == dt.datetime(2026, 3, 1, 0, 0)
    assert ws.cell(row=first, column=1).number_format == "yyyy-mm-dd hh:mm"
    kw = ws.cell(row=first + 2, column=2)
    assert kw.value == 600.0 and kw.number_format == "#,##0.0"
    assert ws.cell(row=first + 5, column=4).value is None  # the unknown value
    note = ws.cell(row=first + 3, column=5)
    assert note.value == "数据缺失" and note.number_format == "General"
    last = first + 11
    totals = [ws.cell(row=last + 1, column=i).value for i in range(1, 5)]
    assert totals == [None, f"=MAX(B{first}:B{last})", f"=AVERAGE(C{first}:C{last})", f"=SUM(D{first}:D{last})"]
    rules = {str(r.sqref): [x.operator for x in r.rules] for r in ws.conditional_formatting}
    assert rules == {f"B{first}:B{last}": ["greaterThan"], f"C{first}:C{last}": ["lessThan"]}
    assert ws.freeze_panes == f"B{FIRST_ROW}" and ws.page_setup.orientation == "landscape"
    with zipfile.ZipFile(path) as z:
        assert any(n.startswith("xl/charts/chart") for n in z.namelist())


def test_a_cancelled_report_leaves_the_older_file(tmp_path):
    old = tmp_path / "r.xlsx"
    old.write_bytes(b"older")
    with pytest.raises(Cancelled):
        write_report(report(), old, cancelled=lambda: True)
    assert old.read_bytes() == b"older" and [p.name for p in tmp_path.iterdir()] == ["r.xlsx"]


def test_an_empty_table_has_its_headers_and_no_totals(tmp_path):
    r = report()
    r.tables[0].rows = iter(())
    ws = load_workbook(write_report(r, tmp_path / "e.xlsx"))["负荷"]
    assert ws.max_row == 6 and ws["A5"].value == "时间"
