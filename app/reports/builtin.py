"""Built-in reports beside the meter-reading report: the electricity bill, max demand and power
factor by day, and alarm statistics.

Each builds a `Report` from what the `DataSource` answers, in the site's local time, and says
`NoData` rather than writing zeros when the range holds nothing.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from app.alarms.model import JournalQuery
from app.analysis.bill import month_range, monthly_bill
from app.analysis.demand import max_demand
from app.analysis.energy import Flag, Register
from app.analysis.load import load_rate_distribution, unbalance_percent
from app.analysis.losses import loss_rate_words, section_loss, transformer_loss
from app.analysis.power_factor import monthly_power_factor
from app.analysis.tariff import Period, Tariff
from app.reports.energy import DAY_MS, Meter, NoData, boundaries, energy_meters, read_registers
from app.reports.table import Chart, Column, Report, ReportTable
from app.sources.base import DataSource

LEVEL_WORDS = {1: ("紧急", "critical"), 2: ("重要", "major"), 3: ("次要", "minor"), 4: ("提示", "notice")}


def reactive_point(meter: Meter) -> str:
    """The import reactive-energy register beside a meter's import active one (…EPimp -> …EQimp)."""
    return meter.point[: -len("EPimp")] + "EQimp"


def _site_name(source: DataSource, zh: bool) -> str:
    site = source.site()
    return site.name if zh else (site.name_en or site.name)


def _remark(flags: Flag, zh: bool) -> str:
    return flags.words[0] if zh else flags.words[1]


async def bill_report(source: DataSource, tariff: Tariff, meters: Sequence[Meter], year: int, month: int, *,
                      by: str, language: str = "zh", capacity_kva: dict[str, float] | None = None,
                      cancelled: Callable[[], bool] | None = None) -> Report:
    """The month's bill per meter: energy and charge by period, basic charge, power-factor adjustment."""
    zh = language == "zh"
    start, end = month_range(tariff, year, month)
    active = await read_registers(source, meters, start, end, cancelled)
    reactive_meters = [Meter(m.device, m.name, reactive_point(m)) for m in meters]
    reactive = await read_registers(source, reactive_meters, start, end, cancelled)
    if not any(len(r.ts) for r in active.values()):
        raise NoData(f"所选电表在 {year}-{month:02d} 没有任何读数，未生成电费报表",
                     f"the chosen meters have no readings in {year}-{month:02d}: no bill was made")
    yuan = "元" if zh else "yuan"
    columns = [Column("meter", "电表" if zh else "Meter", width=22),
               *(Column(f"e_{p.value}", f"{p.words[0]}电量" if zh else f"{p.words[1]} energy", "kWh", "#,##0.00",
                        12, "sum") for p in Period),
               Column("kwh", "总电量" if zh else "Energy", "kWh", "#,##0.00", 13, "sum"),
               *(Column(f"c_{p.value}", f"{p.words[0]}电费" if zh else f"{p.words[1]} charge", yuan, "#,##0.00",
                        12, "sum") for p in Period),
               Column("basic_q", "基本电费计费量" if zh else "Billed demand/capacity", "kW/kVA", "#,##0.0", 14),
               Column("basic", "基本电费" if zh else "Basic charge", yuan, "#,##0.00", 13, "sum"),
               Column("md_at", "最大需量时间" if zh else "Max demand at", number_format="yyyy-mm-dd hh:mm", width=17),
               Column("pf", "月功率因数" if zh else "Power factor", "", "0.00", 10, below=tariff.pf_standard),
               Column("pf_pct", "力调比例" if zh else "PF adjustment", "%", "0.00", 11),
               Column("pf_yuan", "力调电费" if zh else "PF charge", yuan, "#,##0.00", 12, "sum"),
               Column("total", "应付电费" if zh else "Total", yuan, "#,##0.00", 14, "sum"),
               Column("remark", "备注" if zh else "Remark", width=28)]

    def rows() -> Iterable[list[object]]:
        for m in meters:
            a = active.get(m.point, Register([], []))
            q = reactive.get(reactive_point(m))
            bill = monthly_bill(a, tariff, year, month, reactive=q if q is not None and len(q.ts) else None,
                                capacity_kva=(capacity_kva or {}).get(m.device))
            at = (dt.datetime.fromtimestamp(bill.max_demand_at_ms / 1000, tariff.timezone).replace(tzinfo=None)
                  if bill.max_demand_at_ms is not None else None)
            yield [m.name, *(bill.energy_kwh[p] for p in Period), bill.energy_total_kwh,
                   *(bill.energy_yuan[p] for p in Period), bill.basic_quantity, bill.basic_yuan, at,
                   bill.power_factor, bill.pf_percent, bill.pf_yuan, bill.total_yuan, _remark(bill.flags, zh)]

    note = ("力调电费 = (电度电费 + 基本电费) × 力调比例；功率因数按月有功、无功电量计算，四舍五入到两位小数"
            if zh else "PF charge = (energy + basic charge) × adjustment; the power factor from the month's active "
                       "and reactive energy, rounded half up to 0.01")
    table = ReportTable("电费" if zh else "Bill", columns, rows(), note=note,
                        charts=[Chart("bar", "分时电费" if zh else "Charge by period", "meter",
                                      tuple(f"c_{p.value}" for p in Period), yuan)])
    return Report("电费结算报表" if zh else "Electricity bill", _site_name(source, zh), f"{year}-{month:02d}", by,
                  [table], language="zh" if zh else "en")


async def demand_pf_report(source: DataSource, tariff: Tariff, meters: Sequence[Meter], start_ms: int,
                           end_ms: int, *, by: str, language: str = "zh",
                           cancelled: Callable[[], bool] | None = None) -> Report:
    """Per meter and local day: energy, max demand (15-min sliding) and when, power factor, load factor."""
    zh = language == "zh"
    active = await read_registers(source, meters, start_ms, end_ms, cancelled)
    reactive = await read_registers(source, [Meter(m.device, m.name, reactive_point(m)) for m in meters],
                                    start_ms, end_ms, cancelled)
    if not any(len(r.ts) for r in active.values()):
        raise NoData("所选电表在该时段内没有任何读数，未生成需量与功率因数报表",
                     "the chosen meters have no readings in this range: no demand and power-factor report was made")
    edges = boundaries(tariff, start_ms, end_ms, "day")
    columns = [Column("day", "日期" if zh else "Day", number_format="yyyy-mm-dd", width=12),
               Column("meter", "电表" if zh else "Meter", width=22),
               Column("kwh", "用电量" if zh else "Energy", "kWh", "#,##0.00", 13, "sum"),
               Column("md", "最大需量" if zh else "Max demand", "kW", "#,##0.0", 12, "max"),
               Column("md_at", "出现时间" if zh else "At", number_format="hh:mm", width=9),
               Column("lf", "负荷率" if zh else "Load factor", "%", "0.0", 10),
               Column("pf", "功率因数" if zh else "Power factor", "", "0.00", 11, below=tariff.pf_standard),
               Column("remark", "备注" if zh else "Remark", width=28)]

    def rows() -> Iterable[list[object]]:
        for lo, hi in zip(edges[:-1].tolist(), edges[1:].tolist(), strict=True):
            day = dt.datetime.fromtimestamp(lo / 1000, tariff.timezone).replace(tzinfo=None)
            for m in meters:
                a = active.get(m.point, Register([], []))
                kwh, flags = a.between(np.asarray([lo]), np.asarray([hi])).total()
                if Flag.NO_DATA in flags:
                    yield [day, m.name, None, None, None, None, None, _remark(Flag.NO_DATA, zh)]
                    continue
                peak = max_demand(a, lo, hi)
                q = reactive.get(reactive_point(m))
                kvarh = q.between(np.asarray([lo]), np.asarray([hi])).kwh[0] if q is not None else math.nan
                pf = None if math.isnan(kvarh) else monthly_power_factor(kwh, float(kvarh))
                average_kw = kwh / ((hi - lo) / 3_600_000)
                load_factor = 100.0 * average_kw / peak[0] if peak and peak[0] > 0 else None
                at = (dt.datetime.fromtimestamp(peak[1] / 1000, tariff.timezone).replace(tzinfo=None)
                      if peak else None)
                yield [day, m.name, kwh, peak[0] if peak else None, at, load_factor, pf, _remark(flags, zh)]

    return Report("最大需量与功率因数日报" if zh else "Max demand and power factor by day", _site_name(source, zh),
                  _period(tariff, start_ms, end_ms), by,
                  [ReportTable("需量与功率因数" if zh else "Demand and PF", columns, rows())],
                  language="zh" if zh else "en")


async def alarm_statistics_report(source: DataSource, tariff: Tariff, start_ms: int, end_ms: int, *, by: str,
                                  language: str = "zh") -> Report:
    """Alarms raised in the range: by level, by room, by device, the most frequent points, and how fast
    they were acknowledged."""
    zh = language == "zh"
    entries = await source.alarm_journal(JournalQuery(start=start_ms, end=end_ms, changes=("raised",),
                                                      limit=1_000_000))
    if not entries:
        raise NoData("该时段内没有告警记录", "no alarms were raised in this range")
    acks = await source.alarm_journal(JournalQuery(start=start_ms, end=end_ms + 7 * DAY_MS, changes=("acked",),
                                                   limit=1_000_000))
    acked_at = {e.alarm_id: e.ts for e in acks}
    by_level: Counter[int] = Counter()
    by_room: Counter[str] = Counter()
    by_device: Counter[str] = Counter()
    by_point: Counter[str] = Counter()
    waits: dict[int, list[float]] = defaultdict(list)
    names = {p.id: (p.name if zh else (p.name_en or p.name)) for p in source.site().points}
    for e in entries:
        by_level[e.level] += 1
        by_room[e.room or "—"] += 1
        by_device[e.device or "—"] += 1
        by_point[e.point] += 1
        if e.alarm_id in acked_at:
            waits[e.level].append((acked_at[e.alarm_id] - e.ts) / 60_000)
    level_cols = [Column("level", "级别" if zh else "Level", width=12),
                  Column("count", "次数" if zh else "Count", "", "0", 10, "sum"),
                  Column("acked", "已确认" if zh else "Acknowledged", "", "0", 12, "sum"),
                  Column("wait", "平均确认用时" if zh else "Mean time to acknowledge", "分钟" if zh else "min",
                         "0.0", 16)]
    level_rows = [[LEVEL_WORDS.get(lv, (str(lv), str(lv)))[0 if zh else 1], n, len(waits[lv]),
                   (sum(waits[lv]) / len(waits[lv])) if waits[lv] else None] for lv, n in sorted(by_level.items())]
    top_cols = [Column("what", "对象" if zh else "What", width=30),
                Column("count", "次数" if zh else "Count", "", "0", 10, "sum")]
    tables = [ReportTable("按级别" if zh else "By level", level_cols, level_rows,
                          charts=[Chart("bar", "告警次数" if zh else "Alarms", "level", ("count",), "")]),
              ReportTable("按区域" if zh else "By room", top_cols, [[k, v] for k, v in by_room.most_common()]),
              ReportTable("按设备" if zh else "By device", top_cols, [[k, v] for k, v in by_device.most_common()]),
              ReportTable("频发测点" if zh else "Most frequent", top_cols,
                          [[f"{names.get(k, k)} ({k})", v] for k, v in by_point.most_common(50)])]
    return Report("告警统计报表" if zh else "Alarm statistics", _site_name(source, zh),
                  _period(tariff, start_ms, end_ms), by, tables, language="zh" if zh else "en")


def _period(tariff: Tariff, start_ms: int, end_ms: int) -> str:
    first = dt.datetime.fromtimestamp(start_ms / 1000, tariff.timezone)
    last = dt.datetime.fromtimestamp((end_ms - 1) / 1000, tariff.timezone)
    return f"{first:%Y-%m-%d} – {last:%Y-%m-%d}"


def _meter_of(device: str, meters: Sequence[Meter]) -> Meter | None:
    return next((m for m in meters if m.device == device and m.point == f"{device}.EPimp"), None)


async def loss_report(source: DataSource, tariff: Tariff, start_ms: int, end_ms: int, *, by: str,
                      language: str = "zh", transformer_threshold: float = 3.0, section_threshold: float = 2.0,
                      cancelled: Callable[[], bool] | None = None) -> Report:
    """Transformer losses (HV in − LV out, against the nameplate) and section losses (incomer − its
    feeders), from the site's topology (each device's ``upstream`` and ``role``)."""
    zh = language == "zh"
    site = source.site()
    devices = {d.id: d for d in site.devices}
    meters = energy_meters(site, language)
    pairs = [(hv, lv) for lv in site.devices if lv.role == "transformer_lv" and lv.upstream
             for hv in [devices.get(lv.upstream)] if hv is not None and hv.role == "transformer_hv"]
    sections = [(d, [c for c in site.devices if c.upstream == d.id and c.role in ("feeder", "transformer_hv")])
                for d in site.devices if d.role in ("incomer", "transformer_lv")]
    sections = [(d, kids) for d, kids in sections if kids]
    wanted = {m.point: m for m in meters if m.device in {x.id for pair in pairs for x in pair} |
              {d.id for d, kids in sections} | {k.id for _d, kids in sections for k in kids}}
    reactive_meters = [Meter(lv.id, lv.name, f"{lv.id}.EQimp") for _hv, lv in pairs]
    registers = await read_registers(source, list(wanted.values()) + reactive_meters, start_ms, end_ms, cancelled)
    if not any(len(r.ts) for r in registers.values()):
        raise NoData("该时段内没有电表读数，无法计算损耗", "no meter readings in this range: no losses can be computed")
    empty = Register([], [])

    def name(d: object) -> str:
        return d.name if zh else (d.name_en or d.name)  # type: ignore[attr-defined]

    losses = []
    for hv, lv in pairs:
        rated = lv.rating_kva or hv.rating_kva
        p0 = hv.no_load_loss_kw if hv.no_load_loss_kw is not None else lv.no_load_loss_kw
        pk = hv.load_loss_kw if hv.load_loss_kw is not None else lv.load_loss_kw
        losses.append(("transformer", transformer_loss(
            name(lv).replace("低压进线", "").replace(" LV incomer", "") or lv.id,
            registers.get(f"{hv.id}.EPimp", empty), registers.get(f"{lv.id}.EPimp", empty), start_ms, end_ms,
            rated_kva=rated, no_load_loss_kw=p0, load_loss_kw=pk,
            lv_reactive=registers.get(f"{lv.id}.EQimp"), threshold_percent=transformer_threshold)))
    for d, kids in sections:
        kid_ids = {k.id for k in kids}  # a multi-circuit meter counts with all its circuits
        feeders = {m.point: registers.get(m.point, empty) for m in meters if m.device in kid_ids}
        losses.append(("section", section_loss(name(d), registers.get(f"{d.id}.EPimp", empty), feeders, start_ms,
                                               end_ms, threshold_percent=section_threshold)))
    kinds = {"transformer": ("变压器损耗", "transformer"), "section": ("线路/母线损耗", "section")}
    columns = [Column("what", "对象" if zh else "What", width=24),
               Column("kind", "类别" if zh else "Kind", width=14),
               Column("in", "输入电量" if zh else "Energy in", "kWh", "#,##0.00", 14),
               Column("out", "输出电量" if zh else "Energy out", "kWh", "#,##0.00", 14),
               Column("loss", "损耗电量" if zh else "Loss", "kWh", "#,##0.00", 13, "sum"),
               Column("rate", "损耗率" if zh else "Loss rate", "%", "0.00", 10, above=section_threshold),
               Column("expected", "铭牌计算损耗" if zh else "Nameplate loss", "kWh", "#,##0.00", 14),
               Column("beyond", "超出铭牌" if zh else "Beyond nameplate", "kWh", "#,##0.00", 13),
               Column("remark", "备注" if zh else "Remark", width=34)]
    rows = []
    for kind, loss in losses:
        words = loss_rate_words(loss)[0 if zh else 1]
        if loss.flags & (Flag.GAP | Flag.RESET):
            words += ("；" if zh else "; ") + _remark(loss.flags & (Flag.GAP | Flag.RESET), zh)
        complete = loss.complete
        rows.append([loss.name, kinds[kind][0 if zh else 1], loss.input_kwh if complete else None,
                     loss.output_kwh if complete else None, loss.loss_kwh, loss.rate_percent, loss.expected_kwh,
                     loss.unexplained_kwh, words])
    note = (f"变压器损耗率阈值 {transformer_threshold:g}%，线路/母线 {section_threshold:g}%；"
            "铭牌损耗 = 空载损耗×小时 + 负载损耗×Σ负载率²×小时" if zh else
            f"thresholds: transformers {transformer_threshold:g} %, sections {section_threshold:g} %; nameplate loss "
            "= no-load loss × hours + load loss × Σ load factor² × hours")
    return Report("损耗分析报表" if zh else "Loss report", _site_name(source, zh), _period(tariff, start_ms, end_ms),
                  by, [ReportTable("损耗" if zh else "Losses", columns, rows, note=note,
                                   charts=[Chart("bar", "损耗电量" if zh else "Losses", "what", ("loss",), "kWh")])],
                  language="zh" if zh else "en")


async def transformer_load_report(source: DataSource, tariff: Tariff, start_ms: int, end_ms: int, *, by: str,
                                  language: str = "zh", cancelled: Callable[[], bool] | None = None) -> Report:
    """Each transformer's load by day (max kVA and load rate, average load rate, hours above 80 %) and
    the distribution of its 15-minute load rates over the range."""
    zh = language == "zh"
    site = source.site()
    transformers = [d for d in site.devices if d.role == "transformer_lv" and d.rating_kva]
    if not transformers:
        raise NoData("站点文件中没有带额定容量的变压器低压侧电表",
                     "the site file has no transformer LV meter with a kVA rating")
    active_m = [Meter(t.id, t.name, f"{t.id}.EPimp") for t in transformers]
    reactive_m = [Meter(t.id, t.name, f"{t.id}.EQimp") for t in transformers]
    registers = await read_registers(source, active_m + reactive_m, start_ms, end_ms, cancelled)
    if not any(len(registers.get(m.point, Register([], [])).ts) for m in active_m):
        raise NoData("该时段内没有变压器电表读数", "no transformer meter readings in this range")
    edges = boundaries(tariff, start_ms, end_ms, "day")
    quarters = np.arange(start_ms, end_ms, 15 * 60_000, dtype=np.int64)
    ends = np.minimum(quarters + 15 * 60_000, end_ms)
    kva: dict[str, np.ndarray] = {}
    for t in transformers:
        p = registers.get(f"{t.id}.EPimp", Register([], [])).between(quarters, ends).kwh * 4
        q_reg = registers.get(f"{t.id}.EQimp")
        q = q_reg.between(quarters, ends).kwh * 4 if q_reg is not None and len(q_reg.ts) else np.zeros(len(p))
        kva[t.id] = np.hypot(p, np.nan_to_num(q))
        kva[t.id][np.isnan(p)] = np.nan
    name = {t.id: (t.name if zh else (t.name_en or t.name)) for t in transformers}
    unbalance = await _unbalance(source, [t.id for t in transformers], quarters, start_ms, end_ms)
    day_cols = [Column("day", "日期" if zh else "Day", number_format="yyyy-mm-dd", width=12),
                Column("tx", "变压器" if zh else "Transformer", width=22),
                Column("max_kva", "最大视在功率" if zh else "Max apparent power", "kVA", "#,##0.0", 14),
                Column("max_rate", "最大负载率" if zh else "Max load rate", "%", "0.0", 12, "max", above=100.0),
                Column("avg_rate", "平均负载率" if zh else "Average load rate", "%", "0.0", 12),
                Column("hours80", "负载率>80%时长" if zh else "Hours above 80 %", "h", "0.00", 14, "sum"),
                Column("unb_max", "最大三相电流不平衡度" if zh else "Max current unbalance", "%", "0.0", 16,
                       above=15.0),
                Column("unb_avg", "平均不平衡度" if zh else "Average unbalance", "%", "0.0", 13)]

    def day_rows() -> Iterable[list[object]]:
        for lo, hi in zip(edges[:-1].tolist(), edges[1:].tolist(), strict=True):
            day = dt.datetime.fromtimestamp(lo / 1000, tariff.timezone).replace(tzinfo=None)
            inside = (quarters >= lo) & (quarters < hi)
            for t in transformers:
                part = kva[t.id][inside]
                known = part[~np.isnan(part)]
                u = unbalance[t.id][inside]
                u = u[~np.isnan(u)]
                u_max, u_avg = (float(u.max()), float(u.mean())) if len(u) else (None, None)
                if not len(known):
                    yield [day, name[t.id], None, None, None, None, u_max, u_avg]
                    continue
                rate = 100.0 * known / t.rating_kva
                yield [day, name[t.id], float(known.max()), float(rate.max()), float(rate.mean()),
                       float((rate > 80.0).sum()) * 0.25, u_max, u_avg]

    dist_cols = [Column("bin", "负载率区间" if zh else "Load rate", width=14),
                 *(Column(f"t{i}", name[t.id], "%", "0.0", 14) for i, t in enumerate(transformers))]
    dists = [load_rate_distribution(kva[t.id], float(t.rating_kva)) for t in transformers]  # type: ignore[arg-type]
    dist_rows = [[label, *(d[k][1] for d in dists)] for k, (label, _v) in enumerate(dists[0])]
    return Report("变压器负载报表" if zh else "Transformer load report", _site_name(source, zh),
                  _period(tariff, start_ms, end_ms), by,
                  [ReportTable("日负载" if zh else "Daily load", day_cols, day_rows()),
                   ReportTable("负载率分布" if zh else "Load-rate distribution", dist_cols, dist_rows,
                               charts=[Chart("bar", "负载率分布（时间占比）" if zh else "Share of time by load rate",
                                             "bin", tuple(f"t{i}" for i in range(len(transformers))), "%")])],
                  language="zh" if zh else "en")


async def _unbalance(source: DataSource, devices: list[str], quarters: np.ndarray, start_ms: int,
                     end_ms: int) -> dict[str, np.ndarray]:
    """Each device's three-phase current unbalance per quarter hour from its Ia/Ib/Ic averages (NaN unknown)."""
    points = [f"{d}.I{phase}" for d in devices for phase in "abc"]
    max_points = math.ceil((end_ms - start_ms) / (15 * 60_000))
    found = {h.point: h for h in await source.histories(points, start_ms, end_ms, max_points, rows=False)}
    out = {}
    for d in devices:
        phases = []
        for phase in "abc":
            h = found.get(f"{d}.I{phase}")
            values = np.full(len(quarters), np.nan)
            if h is not None:
                if h.raw:
                    s = h.columns()
                    k = np.clip(np.searchsorted(quarters, s.ts, side="right") - 1, 0, len(quarters) - 1)
                    sums = np.bincount(k, weights=np.nan_to_num(s.value), minlength=len(quarters))
                    counts = np.bincount(k, weights=~np.isnan(s.value), minlength=len(quarters))
                    with np.errstate(invalid="ignore", divide="ignore"):
                        values = np.where(counts > 0, sums / counts, np.nan)
                else:
                    ts = np.asarray([b[0] for b in h.buckets], dtype=np.int64)
                    avg = np.asarray([b[3] for b in h.buckets], dtype=np.float64)
                    k = np.searchsorted(quarters, ts)
                    ok = (k < len(quarters)) & (quarters[np.minimum(k, len(quarters) - 1)] == ts)
                    values[k[ok]] = avg[ok]
            phases.append(values)
        out[d] = unbalance_percent(*phases)
    return out
