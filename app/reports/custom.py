"""Custom reports: a person picks points, an aggregation, an interval and a layout, saves it under a
name, and runs it again for any range.

Aggregations per interval (in the site's local time):

- ``min``, ``max``, ``avg``, ``last``: of the samples in the interval (from the historian's rollups);
- ``first``: the value at the interval's start — the last sample before it;
- ``delta``: the growth of a counter over the interval, through rollover, resets and gaps
  (`app.analysis.energy.Register`; an energy register gives kWh);
- ``sum``: the integral over the interval, average × hours (a power in kW gives kWh).

Templates are kept in one JSON file (written beside itself and renamed, so a crash never
leaves half a file) under the console's data folder.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal, get_args

import numpy as np

from app.analysis.energy import Replacement
from app.analysis.tariff import Tariff
from app.historian import History
from app.reports.energy import DAY_MS, NoData, boundaries, register_of
from app.reports.files import write_json
from app.reports.table import Cancelled, Chart, Column, Report, ReportTable
from app.sources.base import DataSource

Aggregation = Literal["first", "last", "min", "max", "avg", "sum", "delta"]
Interval = Literal["15m", "hour", "day", "month", "year"]
Layout = Literal["times", "points"]
_WIDTH_MS = {"15m": 15 * 60_000, "hour": 3_600_000, "day": DAY_MS, "month": DAY_MS, "year": DAY_MS}  # from days
_AGG_WORDS = {"first": ("期初值", "first"), "last": ("期末值", "last"), "min": ("最小值", "min"),
              "max": ("最大值", "max"), "avg": ("平均值", "average"), "sum": ("累计", "integral"),
              "delta": ("增量", "growth")}


class TemplateError(ValueError):
    """A template that cannot be run or saved; says what in words."""


@dataclass(frozen=True, slots=True)
class CustomTemplate:
    name: str
    points: tuple[str, ...]
    aggregation: Aggregation = "avg"
    interval: Interval = "hour"
    layout: Layout = "times"

    def check(self, known: Iterable[str] | None = None) -> None:
        """`TemplateError` naming the first problem (unknown points when ``known`` is given)."""
        if not self.name.strip():
            raise TemplateError("a template needs a name")
        if not self.points:
            raise TemplateError(f"template {self.name!r}: choose at least one point")
        if self.aggregation not in get_args(Aggregation):
            raise TemplateError(f"template {self.name!r}: {self.aggregation!r} is not an aggregation "
                                f"({', '.join(get_args(Aggregation))})")
        if self.interval not in get_args(Interval):
            raise TemplateError(f"template {self.name!r}: {self.interval!r} is not an interval "
                                f"({', '.join(get_args(Interval))})")
        if self.layout not in get_args(Layout):
            raise TemplateError(f"template {self.name!r}: layout is 'times' or 'points', not {self.layout!r}")
        if known is not None:
            missing = [p for p in self.points if p not in set(known)]
            if missing:
                raise TemplateError(f"template {self.name!r}: the site has no point {missing[0]!r}")


class TemplateShelf:
    """The named templates of one console, in a JSON file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def load(self) -> dict[str, CustomTemplate]:
        """Every template; a damaged file is an error in words (the file is left as it is for a person)."""
        if not self.path.exists():
            return {}
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            out = {}
            for item in raw["templates"]:
                t = CustomTemplate(str(item["name"]), tuple(str(p) for p in item["points"]), item["aggregation"],
                                   item["interval"], item["layout"])
                t.check()
                out[t.name] = t
            return out
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise TemplateError(f"the report templates in {self.path.name} cannot be read: {exc}") from exc

    def save(self, template: CustomTemplate) -> None:
        template.check()
        templates = self.load()
        templates[template.name] = template
        self._write(templates)

    def delete(self, name: str) -> None:
        templates = self.load()
        if templates.pop(name, None) is not None:
            self._write(templates)

    def _write(self, templates: dict[str, CustomTemplate]) -> None:
        write_json(self.path, {"templates": [{**asdict(t), "points": list(t.points)} for t in templates.values()]})


def aggregate(h: History, aggregation: Aggregation, edges: np.ndarray, *, rollover: float | None = None,
              replacements: Sequence[Replacement] = ()) -> np.ndarray:
    """One value per interval [edges[k], edges[k+1]) of a point's history (NaN where unknown); a counter's
    growth goes through its rollover and recorded replacements."""
    starts, ends = edges[:-1], edges[1:]
    if aggregation == "delta":
        return register_of(h, rollover, replacements).between(starts, ends).kwh
    if h.raw:
        s = h.columns()
        ts, values = s.ts, s.value
        lo_idx = np.searchsorted(ts, starts, side="left")
        hi_idx = np.searchsorted(ts, ends, side="left")
        out = np.full(len(starts), np.nan)
        for k, (a, b) in enumerate(zip(lo_idx.tolist(), hi_idx.tolist(), strict=True)):
            if aggregation == "first":
                out[k] = values[a - 1] if a > 0 else np.nan
            elif b > a:
                out[k] = _of(values[a:b], aggregation, ts[a:b], int(ends[k] - starts[k]))
        return out
    b_ts = np.asarray([b[0] for b in h.buckets], dtype=np.int64)
    cols = {"min": 1, "max": 2, "avg": 3, "last": 4, "sum": 3}
    values = np.asarray([b[cols.get(aggregation, 4)] for b in h.buckets], dtype=np.float64)
    lasts = np.asarray([b[4] for b in h.buckets], dtype=np.float64)
    out = np.full(len(starts), np.nan)
    lo_idx = np.searchsorted(b_ts, starts, side="left")
    hi_idx = np.searchsorted(b_ts, ends, side="left")
    for k, (a, b) in enumerate(zip(lo_idx.tolist(), hi_idx.tolist(), strict=True)):
        if aggregation == "first":
            out[k] = lasts[a - 1] if a > 0 else np.nan
        elif b > a:
            part = values[a:b]
            part = part[~np.isnan(part)]
            if not len(part):
                continue
            if aggregation == "min":
                out[k] = part.min()
            elif aggregation == "max":
                out[k] = part.max()
            elif aggregation == "last":
                out[k] = part[-1]
            elif aggregation == "avg":
                out[k] = part.mean()
            else:  # sum: the integral, each bucket's average over its width
                out[k] = part.sum() * h.bucket_ms / 3_600_000
    return out


def _of(values: np.ndarray, aggregation: str, ts: np.ndarray, span_ms: int) -> float:
    values = values[~np.isnan(values)]
    if not len(values):
        return math.nan
    if aggregation == "min":
        return float(values.min())
    if aggregation == "max":
        return float(values.max())
    if aggregation == "last":
        return float(values[-1])
    if aggregation == "avg":
        return float(values.mean())
    return float(values.mean() * span_ms / 3_600_000)  # sum: the integral over the interval


async def custom_report(source: DataSource, tariff: Tariff, template: CustomTemplate, start_ms: int, end_ms: int,
                        *, by: str, language: str = "zh", cancelled: Callable[[], bool] | None = None) -> Report:
    """Run a template over [start, end) in the site's local time."""
    zh = language == "zh"
    site = source.site()
    info = {p.id: p for p in site.points}
    template.check(info)
    edges = boundaries(tariff, start_ms, end_ms, template.interval)
    width = _WIDTH_MS[template.interval]
    first = start_ms - width
    max_points = math.ceil((end_ms + width - first) / width)
    histories: dict[str, History] = {}
    for i in range(0, len(template.points), 100):
        if cancelled is not None and cancelled():
            raise Cancelled()
        for h in await source.histories(list(template.points[i:i + 100]), first, end_ms + width, max_points,
                                        rows=False):
            histories[h.point] = h
    changes: dict[str, list[Replacement]] = {}
    for d in site.devices:
        for quantity, at_ms, old_final, new_initial in d.meter_changes:
            changes.setdefault(f"{d.id}.{quantity}", []).append(Replacement(at_ms, old_final, new_initial))
    values = {p: aggregate(histories[p], template.aggregation, edges, rollover=info[p].rollover,
                           replacements=changes.get(p, ())) if p in histories
              else np.full(len(edges) - 1, np.nan) for p in template.points}
    if all(np.isnan(v).all() for v in values.values()):
        raise NoData("所选测点在该时段内没有任何数据，未生成报表",
                     "the chosen points have no data in this range: no report was made")
    agg = _AGG_WORDS[template.aggregation][0 if zh else 1]
    fmt = {"15m": "yyyy-mm-dd hh:mm", "hour": "yyyy-mm-dd hh:mm", "day": "yyyy-mm-dd", "month": "yyyy-mm",
           "year": "yyyy"}
    times = [dt.datetime.fromtimestamp(t / 1000, tariff.timezone).replace(tzinfo=None) for t in edges[:-1].tolist()]

    def name(p: str) -> str:
        i = info[p]
        return i.name if zh else (i.name_en or i.name)

    def unit(p: str) -> str:
        u = info[p].unit
        if template.aggregation == "sum" and u in ("kW", "kvar", "kVA"):
            return u + "h"
        return u

    total = "sum" if template.aggregation in ("delta", "sum") else None
    if template.layout == "times":
        columns: Sequence[Column] = [
            Column("time", "时间" if zh else "Time", number_format=fmt[template.interval], width=17),
            *(Column(f"p{i}", f"{name(p)} {agg}", unit(p), "#,##0.00", 14, total)
              for i, p in enumerate(template.points))]
        rows: Iterable[list[object]] = ([t, *(values[p][k] for p in template.points)] for k, t in enumerate(times))
        charts = [Chart("line", template.name, "time", tuple(f"p{i}" for i in range(min(len(template.points), 6))))]
    else:
        pattern = {"15m": "%m-%d %H:%M", "hour": "%m-%d %H:%M", "day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}
        columns = [Column("point", "测点" if zh else "Point", width=28),
                   Column("unit", "单位" if zh else "Unit", width=8),
                   *(Column(f"t{k}", t.strftime(pattern[template.interval]), "", "#,##0.00", 12)
                     for k, t in enumerate(times))]
        rows = ([f"{name(p)} {agg}", unit(p), *values[p].tolist()] for p in template.points)
        charts = []
    table = ReportTable(template.name[:31], columns, rows, charts=charts)
    first_day = dt.datetime.fromtimestamp(start_ms / 1000, tariff.timezone)
    last_day = dt.datetime.fromtimestamp((end_ms - 1) / 1000, tariff.timezone)
    return Report(template.name, site.name if zh else (site.name_en or site.name),
                  f"{first_day:%Y-%m-%d %H:%M} – {last_day:%Y-%m-%d %H:%M}", by, [table],
                  language="zh" if zh else "en")
