"""Custom reports: templates saved and run again, each aggregation checked on known data from a real historian."""

from __future__ import annotations

import numpy as np
import pytest
from openpyxl import load_workbook

from app.analysis.tariff import tariff_from_mapping
from app.historian import PointInfo
from app.reports.custom import CustomTemplate, TemplateError, TemplateShelf, custom_report
from app.reports.energy import NoData
from app.reports.excel import FIRST_ROW, write_report
from tests.integration.test_energy_report import APRIL, MARCH, H, started
from tests.unit.test_analysis_bill import TARIFF

MIN = 60_000


async def test_each_aggregation_on_known_data(sqlite_url, tmp_path):
    source = await started(sqlite_url)  # F1-01.EPimp grows 100 kWh an hour all March
    try:
        # F1-01.P: a sample a minute, hour h of the day at 10 x h kW (so each hour is flat)
        ts = np.arange(MARCH - H, APRIL + H, MIN, dtype=np.int64)
        hour = ((ts - MARCH) // H) % 24
        source.historian.import_history(PointInfo("F1-01.P", "kW"), ts, 10.0 * hour)
        tariff = tariff_from_mapping(TARIFF, "Asia/Shanghai")
        day = (MARCH + 24 * H, MARCH + 48 * H)  # March 2nd, local

        async def run(aggregation, interval="hour", layout="times", points=("F1-01.P",), span=day):
            t = CustomTemplate("t", points, aggregation, interval, layout)
            return await custom_report(source, tariff, t, *span, by="李经理")

        def column(report, k=1):
            return [row[k] for row in report.tables[0].rows]

        assert column(await run("avg")) == pytest.approx([10.0 * h for h in range(24)])
        assert column(await run("max"))[5] == 50.0 and column(await run("min"))[5] == 50.0
        assert column(await run("sum")) == pytest.approx([10.0 * h for h in range(24)])  # kW over 1 h: kWh
        assert column(await run("first"))[0] == 230.0  # the last sample before midnight: 23:59 of the 1st
        assert column(await run("last"))[3] == 30.0
        assert column(await run("delta", points=("F1-01.EPimp",))) == pytest.approx([100.0] * 24)
        daily = await run("delta", "day", points=("F1-01.EPimp", "F1-01.P"), span=(MARCH, APRIL))
        assert column(daily) == pytest.approx([2400.0] * 31)
        monthly = await run("avg", "month", span=(MARCH, APRIL))
        assert column(monthly) == pytest.approx([115.0])  # the mean of 0, 10 ... 230
        year = (MARCH - 59 * 24 * H, MARCH + 306 * 24 * H)  # 2026, local
        with pytest.raises(NoData):  # readings from March only: a year's growth is not known, not guessed
            await run("delta", "year", points=("F1-01.EPimp",), span=year)
        yearly = await run("max", "year", span=year)
        assert column(yearly) == pytest.approx([230.0])
        by_points = await run("max", "day", "points", points=("F1-01.P", "F1-01.EPimp"), span=(MARCH, MARCH + 72 * H))
        rows = list(by_points.tables[0].rows)
        assert [r[1] for r in rows] == ["kW", "kWh"] and rows[0][0].endswith(" 最大值")
        assert rows[0][2:] == [230.0, 230.0, 230.0]
        # the register's largest reading of each day: its 23:45 reading, 1000 + 100 x (24 d + 23.75)
        assert rows[1][2:] == pytest.approx([3375.0 + 2400.0 * d for d in range(3)])
        sheet = await run("sum", "day", span=(MARCH, MARCH + 3 * 24 * H))
        path = write_report(sheet, tmp_path / "custom.xlsx")
        with pytest.raises(NoData):
            await run("avg", span=(APRIL + 10 * 24 * H, APRIL + 11 * 24 * H))
        with pytest.raises(TemplateError, match=r"no point 'NO\.SUCH'"):
            await run("avg", points=("NO.SUCH",))
    finally:
        await source.stop()
    ws = load_workbook(path).active
    assert ws.cell(row=FIRST_ROW, column=2).value == pytest.approx(2760.0)  # 10 x (0 + ... + 23) kWh a day
    assert ws.cell(row=6, column=2).value == "(kWh)"
    assert ws.cell(row=FIRST_ROW + 3, column=2).value == f"=SUM(B{FIRST_ROW}:B{FIRST_ROW + 2})"


def test_templates_are_kept_by_name(tmp_path):
    shelf = TemplateShelf(tmp_path / "reports" / "templates.json")
    assert shelf.load() == {}
    a = CustomTemplate("每日负荷", ("F1-01.P", "F1-02.P"), "max", "day", "times")
    shelf.save(a)
    shelf.save(CustomTemplate("月电量", ("F1-01.EPimp",), "delta", "month", "points"))
    assert TemplateShelf(shelf.path).load() == {"每日负荷": a, "月电量": shelf.load()["月电量"]}
    shelf.delete("每日负荷")
    assert list(shelf.load()) == ["月电量"]
    with pytest.raises(TemplateError, match="choose at least one point"):
        shelf.save(CustomTemplate("空", ()))
    with pytest.raises(TemplateError, match="'median' is not an aggregation"):
        CustomTemplate("x", ("a",), "median").check()  # type: ignore[arg-type]
    shelf.path.write_text("{not json", encoding="utf-8")
    with pytest.raises(TemplateError, match="cannot be read"):
        shelf.load()
    assert shelf.path.read_text(encoding="utf-8") == "{not json"  # left for a person to look at
