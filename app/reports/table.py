"""The shape of a report: a title block, typed columns and rows, independent of the file format.

Columns carry what a spreadsheet needs to be useful without editing: a header in the reader's
language, the unit on its own line, a number format, how the column totals (sum, max, min,
average or none) and a limit above or below which a cell is highlighted.  Rows are an iterable,
so a large report streams from the data to the file without holding everything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Total = Literal["sum", "max", "min", "average"] | None


class Cancelled(Exception):
    """The person asked to stop the report; nothing half-written is left behind."""


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    header: str  # in the report's language
    unit: str = ""
    number_format: str = "General"  # Excel's, e.g. "#,##0.00", "yyyy-mm-dd hh:mm"
    width: float = 14.0
    total: Total = None
    above: float | None = None  # highlight values above this (e.g. a load rate over 100 %)
    below: float | None = None  # highlight values below this (e.g. a power factor under 0.90)


@dataclass(frozen=True, slots=True)
class Chart:
    """A native chart of some columns over the rows: a load curve ("line") or energy by period ("bar")."""

    kind: Literal["line", "bar"]
    title: str
    category: str  # the column of the x axis (times or device names)
    series: tuple[str, ...]  # the columns plotted
    y_title: str = ""


@dataclass(slots=True)
class ReportTable:
    """One sheet of a report."""

    sheet: str  # the sheet's name (at most 31 characters, Excel's rule)
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    charts: Sequence[Chart] = ()
    note: str = ""  # e.g. what the flags in the remark column mean


@dataclass(slots=True)
class Report:
    """A whole report: the title block and its sheets."""

    title: str
    site: str
    period: str  # e.g. "2026-03-01 – 2026-03-31"
    generated_by: str
    tables: list[ReportTable]
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now().astimezone())
    language: Literal["zh", "en"] = "zh"


#: Called with (rows written, rows expected or None); raising `Cancelled` stops the report.
Progress = Callable[[int, int | None], None]
