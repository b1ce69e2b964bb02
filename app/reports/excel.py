"""A `Report` as an Excel workbook a manager can forward as it is (openpyxl, streamed).

Each sheet opens with a title block (report, site, period, generated when and by whom), then a
header row and a units row that stay frozen with the first column while scrolling; numbers
carry their formats; a totals row holds real formulas (=SUM(...)) so an edited cell updates
it; cells past a column's limit are highlighted by conditional formatting; charts are native
Excel charts over the sheet's own cells.  Sheets are written in openpyxl's write-only mode,
row by row from the report's iterables, so a month of 15-minute data for hundreds of meters
never sits in memory as cell objects.  The file appears only when complete: it is written
next to the target and renamed over it, so a cancelled or failed report leaves no half file
and never destroys an older one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, LineChart, Reference, Series
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.properties import PageSetupProperties

from app.reports.table import Cancelled, Chart, Progress, Report, ReportTable

#: The first data row: title block (3 rows), a blank row, headers, units.
HEADER_ROW = 5
UNIT_ROW = 6
FIRST_ROW = 7
PROGRESS_EVERY = 500
#: Write bodies through reused cells (`_row_writer`); off, every value gets a cell of its own.
FAST_ROWS = True

_LABELS = {
    "zh": {"site": "站点", "period": "统计周期", "generated": "生成时间", "by": "制表人", "total": "合计",
           "max": "最大值", "min": "最小值", "average": "平均值"},
    "en": {"site": "Site", "period": "Period", "generated": "Generated", "by": "By", "total": "Total",
           "max": "Maximum", "min": "Minimum", "average": "Average"},
}
_FUNCTIONS = {"sum": "SUM", "max": "MAX", "min": "MIN", "average": "AVERAGE"}
_TITLE = Font(bold=True, size=14)
_BOLD = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDE6F0")
_UNIT_FONT = Font(italic=True, color="555555")
_THIN = Border(bottom=Side(style="thin", color="888888"))
_ABOVE = PatternFill("solid", fgColor="F8CBAD")
_BELOW = PatternFill("solid", fgColor="FFE699")


def write_report(report: Report, path: Path, *, progress: Progress | None = None,
                 cancelled: Callable[[], bool] | None = None) -> Path:
    """Write ``report`` to ``path`` (.xlsx); `Cancelled` when ``cancelled()`` turns true (no file left)."""
    path = Path(path)
    wb = Workbook(write_only=True)
    written = [0]

    def tick() -> None:
        if cancelled is not None and cancelled():
            raise Cancelled()
        if progress is not None:
            progress(written[0], None)

    try:
        for table in report.tables:
            _write_sheet(wb, report, table, written, tick)
    except BaseException:
        for ws in wb.worksheets:  # let openpyxl finish its temporary sheet files before they are dropped
            with contextlib.suppress(Exception):
                ws.close()
        raise
    fd, tmp = tempfile.mkstemp(suffix=".xlsx.part", dir=path.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _write_sheet(wb: Workbook, report: Report, table: ReportTable, written: list[int],
                 tick: Callable[[], None]) -> None:
    ws: WriteOnlyWorksheet = wb.create_sheet(_sheet_name(table.sheet))
    labels = _LABELS[report.language]
    columns = table.columns
    for i, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = column.width
    ws.freeze_panes = f"B{FIRST_ROW}"
    # Printed: landscape, all columns on the page's width, the header and units rows on every page.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = f"{HEADER_ROW}:{UNIT_ROW}"
    ws.append([_cell(ws, report.title, font=_TITLE)])
    ws.append([_cell(ws, f"{labels['site']}: {report.site}"), None,
               _cell(ws, f"{labels['period']}: {report.period}")])
    generated = report.generated_at.strftime("%Y-%m-%d %H:%M")
    ws.append([_cell(ws, f"{labels['generated']}: {generated}"), None,
               _cell(ws, f"{labels['by']}: {report.generated_by}")])
    ws.append([_cell(ws, table.note, font=_UNIT_FONT)] if table.note else [])
    ws.append([_cell(ws, c.header, font=_BOLD, fill=_HEAD_FILL, wrap=True) for c in columns])
    ws.append([_cell(ws, f"({c.unit})" if c.unit else "", font=_UNIT_FONT, fill=_HEAD_FILL, border=_THIN)
               for c in columns])
    row = FIRST_ROW
    convert = _row_writer(wb, ws, columns)
    for values in table.rows:
        ws.append(convert(values))
        row += 1
        written[0] += 1
        if written[0] % PROGRESS_EVERY == 0:
            tick()
    last = row - 1
    if row > FIRST_ROW and any(c.total for c in columns):
        totals: list[Any] = []
        for i, c in enumerate(columns, start=1):
            if i == 1:
                totals.append(_cell(ws, labels["total"] if all(x.total in (None, "sum") for x in columns)
                                    else "", font=_BOLD, border=_THIN))
            elif c.total:
                letter = get_column_letter(i)
                formula = f"={_FUNCTIONS[c.total]}({letter}{FIRST_ROW}:{letter}{last})"
                totals.append(_cell(ws, formula, font=_BOLD, number_format=c.number_format, border=_THIN))
            else:
                totals.append(None)
        ws.append(totals)
    for i, c in enumerate(columns, start=1):
        if row == FIRST_ROW:
            break
        span = f"{get_column_letter(i)}{FIRST_ROW}:{get_column_letter(i)}{last}"
        if c.above is not None:
            ws.conditional_formatting.add(span, CellIsRule(operator="greaterThan", formula=[repr(c.above)],
                                                           fill=_ABOVE))
        if c.below is not None:
            ws.conditional_formatting.add(span, CellIsRule(operator="lessThan", formula=[repr(c.below)], fill=_BELOW))
    for k, chart in enumerate(table.charts):
        if row > FIRST_ROW:
            # Below a short table (it prints on the same page, full width); beside a long one (in view).
            anchor = (f"A{last + 4 + 18 * k}" if last - FIRST_ROW < 40
                      else f"{get_column_letter(len(columns) + 2)}{HEADER_ROW + 18 * k}")
            ws.add_chart(_chart(ws, chart, columns, last), anchor)
    tick()


def _chart(ws: WriteOnlyWorksheet, spec: Chart, columns: Sequence[Any], last: int) -> LineChart | BarChart:
    keys = [c.key for c in columns]
    chart: LineChart | BarChart = LineChart() if spec.kind == "line" else BarChart()
    chart.title = spec.title
    chart.y_axis.title = spec.y_title
    chart.height, chart.width = 8.5, 18
    for key in spec.series:
        col = keys.index(key) + 1
        values = Reference(ws, min_col=col, min_row=FIRST_ROW, max_row=last)
        chart.series.append(Series(values, title=columns[col - 1].header))
    category = keys.index(spec.category) + 1
    chart.set_categories(Reference(ws, min_col=category, min_row=FIRST_ROW, max_row=last))
    if isinstance(chart, BarChart):
        chart.type = "col"
        chart.grouping = "stacked" if len(spec.series) > 1 else "clustered"
        if len(spec.series) > 1:
            chart.overlap = 100
    return chart


def _cell(ws: WriteOnlyWorksheet, value: Any, *, font: Font | None = None, fill: PatternFill | None = None,
          number_format: str | None = None, border: Border | None = None, wrap: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if number_format is not None:
        cell.number_format = number_format
    if border is not None:
        cell.border = border
    if wrap:
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    return cell


class _StyledCell(Cell):
    """A cell whose style index is worked out once for its column instead of per cell."""

    __slots__ = ("_style_index",)

    @property
    def style_id(self) -> int:  # type: ignore[override]
        return self._style_index


def _row_writer(wb: Workbook, ws: WriteOnlyWorksheet,
                columns: Sequence[Any]) -> Callable[[Sequence[Any]], list[Any]]:
    """Write the body's rows through one reused cell per column carrying the column's number format.

    openpyxl's write-only sheet makes a new cell object for every styled value and hashes its
    style for every cell: ~10 µs a cell, 10 s for a month of 15-minute values of 200 meters.
    Rows are written the moment they are appended, so one cell per column can carry each row's
    value in turn, its style index computed once.  This replaces the sheet's private row
    converter (openpyxl 3.1, pinned in pyproject.toml); should that change, the sheet is written
    the ordinary way, a new formatted cell per value, only slower.  Returns what turns a row of
    values into what to append.
    """
    formats = [c.number_format for c in columns]
    if not (FAST_ROWS and hasattr(ws, "_values_to_row") and hasattr(wb, "_cell_styles")):
        def ordinary(values: Sequence[Any]) -> list[Any]:
            out = []
            for value, number_format in zip(map(_plain, values), formats, strict=False):
                if value is None or isinstance(value, str) or number_format == "General":
                    out.append(value)
                else:
                    out.append(_cell(ws, value, number_format=number_format))
            return out
        return ordinary
    cells: list[Cell] = []
    for i, column in enumerate(columns, start=1):
        if column.number_format == "General":
            cells.append(Cell(ws, row=1, column=i))
            continue
        cell = _StyledCell(ws, row=1, column=i)
        cell.number_format = column.number_format
        cell._style_index = wb._cell_styles.add(cell._style)
        cells.append(cell)

    def values_to_row(values: Sequence[Any], row_idx: int) -> Any:
        for col_idx, value in enumerate(values, 1):
            if value is None:
                continue
            if isinstance(value, Cell):  # a title-block cell styled on its own
                value.column, value.row = col_idx, row_idx
                yield value
                continue
            cell = cells[col_idx - 1] if col_idx <= len(cells) else Cell(ws, row=1, column=col_idx)
            cell.value = value
            cell.row = row_idx
            yield cell

    ws._values_to_row = values_to_row  # type: ignore[method-assign]
    return lambda values: [_plain(v) for v in values]


def _plain(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None  # unknown stays empty, never a zero
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # Excel has no time zones: the builder gives local times
    return value


def _sheet_name(name: str) -> str:
    cleaned = "".join("_" if ch in '[]:*?/\\' else ch for ch in name)
    return cleaned[:31] or "Sheet"
