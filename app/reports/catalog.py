"""The reports a person (or a schedule) can ask for by name, and how each is built for a range."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from app.analysis.tariff import Tariff
from app.reports.builtin import (
    alarm_statistics_report,
    bill_report,
    demand_pf_report,
    loss_report,
    transformer_load_report,
)
from app.reports.custom import TemplateError, TemplateShelf, custom_report
from app.reports.energy import energy_meters, energy_report
from app.reports.table import Report
from app.sources.base import DataSource

#: kind -> (Chinese, English) as the reports view and the schedule list name them.
KINDS: dict[str, tuple[str, str]] = {
    "energy": ("电能抄表报表", "Energy meter-reading report"),
    "daily_energy": ("日电量报表", "Daily energy report"),
    "bill": ("电费结算报表", "Electricity bill"),
    "demand_pf": ("最大需量与功率因数日报", "Max demand and power factor by day"),
    "losses": ("损耗分析报表", "Loss report"),
    "transformer_load": ("变压器负载报表", "Transformer load report"),
    "alarms": ("告警统计报表", "Alarm statistics"),
}


async def build_report(source: DataSource, tariff: Tariff, kind: str, start_ms: int, end_ms: int, *, by: str,
                       language: str = "zh", templates: Path | None = None,
                       cancelled: Callable[[], bool] | None = None) -> Report:
    """The report ``kind`` ("energy", "bill", "demand_pf", "alarms" or "custom:<template>") of [start, end).

    The bill covers the local month ``start_ms`` falls in; the energy report splits by day
    (by 15 minutes for a single day).
    """
    meters = energy_meters(source.site(), language)
    if kind == "energy":
        interval = "15m" if end_ms - start_ms <= 86_400_000 else "day"
        return await energy_report(source, tariff, meters, start_ms, end_ms, interval, by=by, language=language,
                                   cancelled=cancelled)
    if kind == "daily_energy":
        return await energy_report(source, tariff, meters, start_ms, end_ms, "day", by=by, language=language,
                                   cancelled=cancelled, by_period=False)
    if kind == "bill":
        month = dt.datetime.fromtimestamp(start_ms / 1000, tariff.timezone)
        return await bill_report(source, tariff, meters, month.year, month.month, by=by, language=language,
                                 cancelled=cancelled)
    if kind == "demand_pf":
        return await demand_pf_report(source, tariff, meters, start_ms, end_ms, by=by, language=language,
                                      cancelled=cancelled)
    if kind == "losses":
        return await loss_report(source, tariff, start_ms, end_ms, by=by, language=language, cancelled=cancelled)
    if kind == "transformer_load":
        return await transformer_load_report(source, tariff, start_ms, end_ms, by=by, language=language,
                                             cancelled=cancelled)
    if kind == "alarms":
        return await alarm_statistics_report(source, tariff, start_ms, end_ms, by=by, language=language)
    if kind.startswith("custom:") and templates is not None:
        name = kind.removeprefix("custom:")
        template = TemplateShelf(templates).load().get(name)
        if template is None:
            raise TemplateError(f"there is no report template {name!r}")
        return await custom_report(source, tariff, template, start_ms, end_ms, by=by, language=language,
                                   cancelled=cancelled)
    raise TemplateError(f"{kind!r} is not a report ({', '.join(KINDS)} or custom:<template>)")
