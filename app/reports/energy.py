"""The energy reports: the meter-reading report by device and tariff period, and interval energy.

Both read the meters' import-energy registers through the `DataSource` (15-minute rollups'
last values, or raw readings for short ranges), correct them with `app.analysis.energy`
(rollover, reset, replacement, gaps — each flagged in the remark column), and split energy and
cost by the tariff's periods in the site's local time.  A range with no readings at all is
refused with `NoData` rather than written as a sheet of zeros.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from app.analysis.energy import Flag, Register, Replacement
from app.analysis.tariff import Period, Tariff
from app.historian import History
from app.reports.table import Cancelled, Chart, Column, Report, ReportTable
from app.sources.base import DataSource, SiteModel

QUARTER_MS = 15 * 60_000
DAY_MS = 86_400_000
#: Up to this range everything is read from 15-minute data; beyond it the interval sheet reads daily
#: rollups and the split by tariff period hourly ones (15-minute ones when a period starts off the hour).
SPLIT_MAX_MS = 92 * DAY_MS
HOUR_MS = 3_600_000
Interval = Literal["15m", "hour", "day", "month", "year"]
_STEP_MS = {"15m": QUARTER_MS, "hour": 3_600_000}


class NoData(Exception):
    """The range holds no readings of the chosen meters; says so in both languages."""

    def __init__(self, message: str, message_en: str) -> None:
        super().__init__(message)
        self.message_en = message_en


@dataclass(frozen=True, slots=True)
class Meter:
    """A device's import-energy register: what the energy reports read."""

    device: str
    name: str
    point: str


def energy_meters(site: SiteModel, language: str = "zh") -> list[Meter]:
    """Every device with an import active-energy register (a point ``<device>.EPimp`` or ``.C<n>.EPimp``)."""
    names = {d.id: (d.name if language == "zh" else (d.name_en or d.name)) for d in site.devices}
    out = []
    for p in site.points:
        if p.kind == "counter" and p.id.endswith("EPimp") and p.device is not None:
            circuit = p.id[len(p.device) + 1:-len("EPimp")].rstrip(".")
            name = names.get(p.device, p.device) + (f" {circuit}" if circuit else "")
            out.append(Meter(p.device, name, p.id))
    return out


def boundaries(tariff: Tariff, start_ms: int, end_ms: int, interval: Interval) -> np.ndarray:
    """Interval edges from start to end: fixed steps, or local midnights / first days of months / years."""
    if interval in _STEP_MS:
        edges = np.arange(start_ms, end_ms, _STEP_MS[interval], dtype=np.int64)
        return np.append(edges, end_ms)
    zone = tariff.timezone
    at = dt.datetime.fromtimestamp(start_ms / 1000, zone)
    edges = [start_ms]
    while True:
        if interval == "day":
            at = dt.datetime.combine(at.date() + dt.timedelta(days=1), dt.time(), tzinfo=zone)
        elif interval == "month":
            at = dt.datetime(at.year + (at.month == 12), at.month % 12 + 1, 1, tzinfo=zone)
        else:
            at = dt.datetime(at.year + 1, 1, 1, tzinfo=zone)
        ms = int(at.timestamp() * 1000)
        if ms >= end_ms:
            edges.append(end_ms)
            return np.asarray(edges, dtype=np.int64)
        edges.append(ms)


def register_of(h: History, rollover: float | None = None, replacements: Sequence[Replacement] = ()) -> Register:
    """A register from a history answer: raw readings, or each bucket's smallest value at the bucket's start.

    A counter's smallest value in a bucket is its first, read at (a meter polled every second)
    or exactly on (a meter read every 15 minutes on the quarter hour) the bucket's start; the
    last value would sit anywhere from the start to the end depending on the poll period, and
    shift a sparse meter's energy by a whole interval.
    """
    if h.raw:
        series = h.columns()
        return Register(series.ts, series.value, rollover=rollover, replacements=replacements)
    ts = np.asarray([b[0] for b in h.buckets], dtype=np.int64)
    # consecutive buckets are one bucket apart: only a missing bucket is a gap
    return Register(ts, np.asarray([b[1] for b in h.buckets], dtype=np.float64), rollover=rollover,
                    replacements=replacements, max_gap_ms=max(30 * 60_000, 2 * h.bucket_ms - 1))


async def read_registers(source: DataSource, meters: Sequence[Meter], start_ms: int, end_ms: int,
                         cancelled: Callable[[], bool] | None = None,
                         progress: Callable[[int, int | None], None] | None = None,
                         step_ms: int = QUARTER_MS) -> dict[str, Register]:
    """Every meter's register over the range at ``step_ms`` resolution (15-minute or daily rollups,
    or raw readings when there are fewer), from one step before the start to one after the end."""
    first = start_ms - step_ms
    max_points = math.ceil((end_ms + step_ms - first) / step_ms)
    site = source.site()
    rollover = {p.id: p.rollover for p in site.points}
    changes: dict[str, list[Replacement]] = {}
    for d in site.devices:  # meters replaced on site, as the site file records them
        for quantity, at_ms, old_final, new_initial in d.meter_changes:
            changes.setdefault(f"{d.id}.{quantity}", []).append(Replacement(at_ms, old_final, new_initial))
    out: dict[str, Register] = {}
    points = [m.point for m in meters]
    for i in range(0, len(points), 100):
        if cancelled is not None and cancelled():
            raise Cancelled()
        for h in await source.histories(points[i:i + 100], first, end_ms + step_ms, max_points, rows=False):
            out[h.point] = register_of(h, rollover.get(h.point), changes.get(h.point, ()))
        if progress is not None:
            progress(min(i + 100, len(points)), len(points))
    return out


def _no_data(registers: dict[str, Register], meters: Sequence[Meter], start_ms: int, end_ms: int) -> None:
    if not any(len(r.ts) and r.ts[0] <= end_ms and r.ts[-1] >= start_ms for r in registers.values()):
        raise NoData(f"所选 {len(meters)} 块电表在该时段内没有任何读数，未生成报表",
                     f"the {len(meters)} chosen meters have no readings in this range: no report was made")


def _remark(flags: Flag, language: str) -> str:
    zh, en = flags.words
    return zh if language == "zh" else en


def reading_table(tariff: Tariff, meters: Sequence[Meter], registers: dict[str, Register], start_ms: int,
                  end_ms: int, language: str = "zh") -> ReportTable:
    """The meter-reading report (抄表报表): one row per meter — energy, split by period, cost."""
    zh = language == "zh"
    period_cols = [Column(f"kwh_{p.value}", f"{p.words[0]}电量" if zh else f"{p.words[1]} energy", "kWh",
                          "#,##0.00", 12, "sum") for p in Period]
    columns = [
        Column("meter", "电表" if zh else "Meter", width=24),
        Column("first", "起始读数" if zh else "First reading", "kWh", "#,##0.00", 14),
        Column("last", "截止读数" if zh else "Last reading", "kWh", "#,##0.00", 14),
        Column("kwh", "用电量" if zh else "Energy", "kWh", "#,##0.00", 14, "sum"),
        *period_cols,
        Column("cost", "电费" if zh else "Cost", "元" if zh else "yuan", "#,##0.00", 14, "sum"),
    ]
    resold = any(tariff.resale_of(m.device) for m in meters)
    if resold:  # sub-metered tenants, charging points: what they are charged and what is left
        columns += [Column("revenue", "转售收入" if zh else "Revenue", "元" if zh else "yuan", "#,##0.00", 14, "sum"),
                    Column("margin", "毛利" if zh else "Margin", "元" if zh else "yuan", "#,##0.00", 14, "sum",
                           below=0.0)]
    columns.append(Column("remark", "备注" if zh else "Remark", width=30))
    spans = list(tariff.spans(start_ms, end_ms))
    lo = np.asarray([s[0] for s in spans], dtype=np.int64)
    hi = np.asarray([s[1] for s in spans], dtype=np.int64)
    prices = [tariff.prices_on(dt.datetime.fromtimestamp(s[0] / 1000, tariff.timezone).date()).energy[s[2]]
              for s in spans]

    def rows() -> Iterable[list[object]]:
        for m in meters:
            reg = registers.get(m.point, Register([], []))
            got = reg.between(lo, hi)
            by = dict.fromkeys(Period, 0.0)
            cost = 0.0
            for (_a, _b, period), kwh, price in zip(spans, got.kwh.tolist(), prices, strict=True):
                if not math.isnan(kwh):
                    by[period] += kwh
                    cost += kwh * price
            total, flags = got.total()
            first_last = _readings(reg, start_ms, end_ms)
            resale = tariff.resale_of(m.device)
            if np.isnan(got.kwh).all():  # not one span of the range has readings
                yield [m.name, None, None, None, *(None for _ in Period), None, *((None, None) if resold else ()),
                       _remark(Flag.NO_DATA, language)]
                continue
            money: tuple[float | None, ...] = ()
            if resold:
                revenue = sum(by[p] * resale.energy[p] for p in Period) if resale else None
                money = (revenue, None if revenue is None else revenue - cost)
            yield [m.name, *first_last, total, *(by[p] for p in Period), cost, *money, _remark(flags, language)]

    return ReportTable("抄表" if zh else "Readings", columns, rows(),
                       charts=[Chart("bar", "分时电量" if zh else "Energy by period", "meter",
                                     tuple(c.key for c in period_cols), "kWh")])


def _readings(reg: Register, start_ms: int, end_ms: int) -> tuple[float | None, float | None]:
    """The raw register values nearest the range's ends (as read from the meter, uncorrected)."""
    if not len(reg.ts):
        return None, None
    i = int(np.searchsorted(reg.ts, start_ms, side="left"))
    j = int(np.searchsorted(reg.ts, end_ms, side="right")) - 1
    raw = reg.raw_values
    return (float(raw[i]) if i < len(raw) else None), (float(raw[j]) if j >= 0 else None)


def interval_table(tariff: Tariff, meters: Sequence[Meter], registers: dict[str, Register], start_ms: int,
                   end_ms: int, interval: Interval, language: str = "zh") -> ReportTable:
    """Energy per interval: one row per interval (local time), one column per meter, a total column."""
    zh = language == "zh"
    edges = boundaries(tariff, start_ms, end_ms, interval)
    starts, ends = edges[:-1], edges[1:]
    per_meter = [registers.get(m.point, Register([], [])).between(starts, ends) for m in meters]
    time_format = {"15m": "yyyy-mm-dd hh:mm", "hour": "yyyy-mm-dd hh:mm", "day": "yyyy-mm-dd",
                   "month": "yyyy-mm", "year": "yyyy"}[interval]
    columns = [Column("time", "时间" if zh else "Time", number_format=time_format, width=17),
               *(Column(f"m{i}", m.name, "kWh", "#,##0.00", 12, "sum") for i, m in enumerate(meters)),
               Column("total", "合计" if zh else "Total", "kWh", "#,##0.00", 14, "sum"),
               Column("remark", "备注" if zh else "Remark", width=30)]
    zone = tariff.timezone
    kwh = np.vstack([g.kwh for g in per_meter]) if per_meter else np.zeros((0, len(starts)))
    flags = np.bitwise_or.reduce(np.vstack([g.flags for g in per_meter]), axis=0) if per_meter else None

    def rows() -> Iterable[list[object]]:
        columns_kwh = kwh.T.tolist()
        for k, t in enumerate(starts.tolist()):
            when = dt.datetime.fromtimestamp(t / 1000, zone).replace(tzinfo=None)
            values = columns_kwh[k]
            known = [v for v in values if not math.isnan(v)]
            remark = _remark(Flag(int(flags[k])), language) if flags is not None else ""
            yield [when, *values, sum(known) if known else None, remark]

    return ReportTable("分时段电量" if zh else "Interval energy", columns, rows(),
                       charts=[Chart("line", "负荷电量曲线" if zh else "Energy curve", "time", ("total",), "kWh")])


async def energy_report(source: DataSource, tariff: Tariff, meters: Sequence[Meter], start_ms: int, end_ms: int,
                        interval: Interval, *, by: str, language: str = "zh",
                        cancelled: Callable[[], bool] | None = None,
                        progress: Callable[[int, int | None], None] | None = None,
                        by_period: bool = True) -> Report:
    """The meter-reading sheet (energy and cost by tariff period) and the interval sheet of ``meters``
    over [start, end); ``by_period=False``: the interval sheet alone (the daily-energy report).

    A long range (a year) reads its intervals from daily rollups and the split by period from hourly
    ones: each finest where it must be, neither from a year of quarter hours.
    """
    if end_ms - start_ms <= SPLIT_MAX_MS or interval in ("15m", "hour"):
        registers = await read_registers(source, meters, start_ms, end_ms, cancelled, progress, QUARTER_MS)
        split = registers
    else:
        registers = await read_registers(source, meters, start_ms, end_ms, cancelled, progress, DAY_MS)
        on_the_hour = all(minute % 60 == 0 for season in tariff.seasons for minute, _p in season.day.switches)
        split = await read_registers(source, meters, start_ms, end_ms, cancelled, progress,
                                     HOUR_MS if on_the_hour else QUARTER_MS) if by_period else {}
    _no_data(registers, meters, start_ms, end_ms)
    site = source.site()
    zone = tariff.timezone
    first = dt.datetime.fromtimestamp(start_ms / 1000, zone)
    last = dt.datetime.fromtimestamp((end_ms - 1) / 1000, zone)
    zh = language == "zh"
    intervals = interval_table(tariff, meters, registers, start_ms, end_ms, interval, language)
    if not by_period:
        title = ("日电量报表" if interval == "day" else "分时段电量报表") if zh else "Energy by interval"
        return Report(title=title,
                      site=site.name if zh else (site.name_en or site.name),
                      period=f"{first:%Y-%m-%d %H:%M} – {last:%Y-%m-%d %H:%M}", generated_by=by, tables=[intervals],
                      language="zh" if zh else "en")
    return Report(
        title="电能抄表报表" if zh else "Energy meter-reading report",
        site=site.name if zh else (site.name_en or site.name),
        period=f"{first:%Y-%m-%d %H:%M} – {last:%Y-%m-%d %H:%M}",
        generated_by=by,
        tables=[reading_table(tariff, meters, split, start_ms, end_ms, language), intervals],
        language="zh" if zh else "en",
    )
