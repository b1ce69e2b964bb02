"""Time-of-use tariffs: which period (sharp, peak, flat, valley) an instant falls in, and its prices.

Chinese industrial tariffs price energy by period of the day (尖峰平谷), the day's schedule
depends on the season (a meter holds up to 4 time zones × 8 periods, so a site file does too),
the prices change on dates the grid company announces, and the bill adds a demand charge —
per kVA of installed capacity or per kW of the month's maximum demand — and the power-factor
adjustment (力调电费, `app.analysis.power_factor`).  Periods are local time: the site's
time zone decides where a day's 08:00 falls.

The site file's ``tariff`` section, read by `tariff_from_mapping`::

    tariff:
      timezone: Asia/Shanghai            # optional; else the site's
      pf_standard: 0.90                  # 0.90, 0.85, 0.80 or absent (no adjustment)
      seasons:
        - {name: summer, months: [7, 8], periods: {"00:00": valley, "08:00": flat, "10:00": peak,
                                                   "11:00": sharp, "13:00": peak, "15:00": flat, ...}}
        - {name: other, months: [1, 2, 3, 4, 5, 6, 9, 10, 11, 12], periods: {...}}
      prices:                            # each set applies from its date until the next one
        - {from: 2026-01-01, energy: {sharp: 1.12, peak: 0.93, flat: 0.62, valley: 0.31},
           demand_per_kw: 38.0}          # or capacity_per_kva: 25.0
"""

from __future__ import annotations

import datetime as dt
import enum
import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MINUTES_PER_DAY = 24 * 60
#: At most this many seasons (a meter's time zones) and periods switches per day (its day periods).
MAX_SEASONS = 4
MAX_SWITCHES = 8


class Period(enum.StrEnum):
    """A time-of-use period, most expensive first."""

    SHARP = "sharp"
    PEAK = "peak"
    FLAT = "flat"
    VALLEY = "valley"

    @property
    def words(self) -> tuple[str, str]:
        """(Chinese, English) as a bill names them."""
        return _PERIOD_WORDS[self]


_PERIOD_WORDS = {Period.SHARP: ("尖", "sharp"), Period.PEAK: ("峰", "peak"), Period.FLAT: ("平", "flat"),
                 Period.VALLEY: ("谷", "valley")}


class TariffError(ValueError):
    """A tariff section that does not hold together; ``path`` names where (e.g. "seasons[1].months")."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"tariff.{path}: {message}" if path else f"tariff: {message}")
        self.path = path


@dataclass(frozen=True, slots=True)
class DaySchedule:
    """A day's periods: ``switches`` are (minute of the day, period from then on), the first at 0."""

    switches: tuple[tuple[int, Period], ...]

    def period_at(self, minute: int) -> Period:
        found = self.switches[0][1]
        for start, period in self.switches:
            if start > minute:
                break
            found = period
        return found

    def segments(self) -> Iterator[tuple[int, int, Period]]:
        """(start minute, end minute, period) covering the day, neighbours of one period merged."""
        merged: list[tuple[int, Period]] = []
        for start, period in self.switches:
            if not merged or merged[-1][1] is not period:
                merged.append((start, period))
        for i, (start, period) in enumerate(merged):
            end = merged[i + 1][0] if i + 1 < len(merged) else MINUTES_PER_DAY
            yield start, end, period


@dataclass(frozen=True, slots=True)
class Season:
    name: str
    months: frozenset[int]
    day: DaySchedule


@dataclass(frozen=True, slots=True)
class PriceSet:
    """The prices in force from ``effective_from`` (local date) until the next set."""

    effective_from: dt.date
    energy: Mapping[Period, float]  # yuan per kWh
    demand_per_kw: float | None = None  # yuan per kW of the month's maximum demand
    capacity_per_kva: float | None = None  # yuan per kVA of installed transformer capacity


@dataclass(frozen=True, slots=True)
class Resale:
    """Energy sold on to sub-metered tenants or charging points: whose meters, at what price per period."""

    name: str
    devices: frozenset[str]
    energy: Mapping[Period, float]  # yuan per kWh charged to the tenant


@dataclass(frozen=True, slots=True)
class Tariff:
    timezone: ZoneInfo
    seasons: tuple[Season, ...]
    prices: tuple[PriceSet, ...]  # by effective date
    pf_standard: float | None = None
    resale: tuple[Resale, ...] = ()

    def resale_of(self, device: str) -> Resale | None:
        """The resale a device's energy is billed under (tenants, charging points), if any."""
        return next((r for r in self.resale if device in r.devices), None)

    def season_of(self, day: dt.date) -> Season:
        for season in self.seasons:
            if day.month in season.months:
                return season
        raise TariffError("seasons", f"no season covers month {day.month}")  # prevented by the parser

    def period_at(self, ts_ms: int) -> Period:
        """The period of the instant ``ts_ms`` (ms UTC)."""
        local = dt.datetime.fromtimestamp(ts_ms / 1000, self.timezone)
        return self.season_of(local.date()).day.period_at(local.hour * 60 + local.minute)

    def prices_on(self, day: dt.date) -> PriceSet:
        """The price set in force on a local date; `TariffError` before the first one."""
        found = None
        for prices in self.prices:
            if prices.effective_from <= day:
                found = prices
        if found is None:
            raise TariffError("prices", f"no prices are in force on {day.isoformat()} "
                                        f"(the first set starts {self.prices[0].effective_from.isoformat()})")
        return found

    def price_at(self, ts_ms: int) -> tuple[Period, float]:
        """The period of an instant and its energy price (yuan/kWh)."""
        local = dt.datetime.fromtimestamp(ts_ms / 1000, self.timezone)
        period = self.season_of(local.date()).day.period_at(local.hour * 60 + local.minute)
        return period, self.prices_on(local.date()).energy[period]

    def spans(self, start_ms: int, end_ms: int) -> Iterator[tuple[int, int, Period]]:
        """[start, end) cut where the period changes: (from ms, to ms, period), in order.

        Walks local days, so a day of a daylight-saving change (not in China, but the site's
        zone decides) has its true length.
        """
        if end_ms <= start_ms:
            return
        day = dt.datetime.fromtimestamp(start_ms / 1000, self.timezone).date()
        while True:
            for first, last, period in self.season_of(day).day.segments():
                lo = _local_ms(day, first, self.timezone)
                hi = _local_ms(day, last, self.timezone)
                lo, hi = max(lo, start_ms), min(hi, end_ms)
                if hi > lo:
                    yield lo, hi, period
            day += dt.timedelta(days=1)
            if _local_ms(day, 0, self.timezone) >= end_ms:
                return


def _local_ms(day: dt.date, minute: int, zone: ZoneInfo) -> int:
    base = dt.datetime(day.year, day.month, day.day, tzinfo=zone)
    if minute >= MINUTES_PER_DAY:
        base = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone)
        minute -= MINUTES_PER_DAY
    return int((base + dt.timedelta(minutes=minute)).timestamp() * 1000)


# -- the site file's section ------------------------------------------------------------------------


def tariff_from_mapping(d: Mapping[str, Any], site_timezone: str = "Asia/Shanghai") -> Tariff:
    """A `Tariff` from the site file's ``tariff`` section; `TariffError` names the key and the problem."""
    if not isinstance(d, Mapping):
        raise TariffError("", "must be a mapping with seasons and prices")
    unknown = set(d) - {"timezone", "pf_standard", "seasons", "prices", "resale"}
    if unknown:
        raise TariffError(sorted(unknown)[0], "unknown key (timezone, pf_standard, seasons, prices, resale)")
    try:
        zone = ZoneInfo(str(d.get("timezone") or site_timezone))
    except (ZoneInfoNotFoundError, ValueError):
        raise TariffError("timezone", f"{d.get('timezone')!r} is not a time zone name (e.g. Asia/Shanghai)") from None
    pf = d.get("pf_standard")
    if pf is not None and pf not in (0.9, 0.85, 0.8):
        raise TariffError("pf_standard", f"{pf!r}: the adjustment tables exist for 0.90, 0.85 and 0.80")
    seasons = _seasons(d.get("seasons"))
    prices = _prices(d.get("prices"))
    return Tariff(zone, seasons, prices, None if pf is None else float(pf), _resale(d.get("resale")))


def _resale(raw: Any) -> tuple[Resale, ...]:
    """``resale: [{name, devices: [...], price: 1.2}]`` or with ``energy: {sharp: .., peak: .., ...}``."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise TariffError("resale", "a list of {name, devices, price or energy}")
    out, seen = [], set()
    for i, r in enumerate(raw):
        where = f"resale[{i}]"
        if not isinstance(r, Mapping) or not r.get("name"):
            raise TariffError(where, "a mapping with a name, devices and a price (yuan/kWh) or energy per period")
        devices = r.get("devices")
        if not isinstance(devices, list) or not devices or not all(isinstance(x, str) for x in devices):
            raise TariffError(f"{where}.devices", "a list of device ids")
        for x in devices:
            if x in seen:
                raise TariffError(f"{where}.devices", f"{x!r} is already resold under another entry")
            seen.add(x)
        price, energy = r.get("price"), r.get("energy")
        if (price is None) == (energy is None):
            raise TariffError(where, "give either price (one price) or energy (a price per period)")
        if price is not None:
            if not isinstance(price, int | float) or isinstance(price, bool) or price < 0:
                raise TariffError(f"{where}.price", "a price in yuan/kWh, 0 or more")
            prices = dict.fromkeys(Period, float(price))
        else:
            prices = _period_prices(energy, f"{where}.energy")
        out.append(Resale(str(r["name"]), frozenset(devices), prices))
    return tuple(out)


def _seasons(raw: Any) -> tuple[Season, ...]:
    if not isinstance(raw, list) or not raw:
        raise TariffError("seasons", "a list of at least one season, each with months and periods")
    if len(raw) > MAX_SEASONS:
        raise TariffError("seasons", f"{len(raw)} seasons; the meters hold at most {MAX_SEASONS} time zones")
    seasons, covered = [], {}
    for i, s in enumerate(raw):
        where = f"seasons[{i}]"
        if not isinstance(s, Mapping):
            raise TariffError(where, "a mapping with name, months and periods")
        months = s.get("months")
        if not isinstance(months, list) or not months or not all(isinstance(m, int) and 1 <= m <= 12 for m in months):
            raise TariffError(f"{where}.months", "a list of month numbers 1..12")
        for m in months:
            if m in covered:
                raise TariffError(f"{where}.months", f"month {m} is already in season {covered[m]!r}")
            covered[m] = s.get("name", i)
        seasons.append(Season(str(s.get("name", f"season {i + 1}")), frozenset(months), _day(s.get("periods"),
                                                                                             f"{where}.periods")))
    missing = sorted(set(range(1, 13)) - set(covered))
    if missing:
        raise TariffError("seasons", f"no season covers month(s) {', '.join(map(str, missing))}")
    return tuple(seasons)


def _day(raw: Any, where: str) -> DaySchedule:
    if not isinstance(raw, Mapping) or not raw:
        raise TariffError(where, 'a mapping of "HH:MM" to a period (sharp, peak, flat, valley), from "00:00"')
    switches = []
    for key, value in raw.items():
        minute = _minute(key, where)
        try:
            period = Period(str(value))
        except ValueError:
            raise TariffError(f"{where}.{key}", f"{value!r} is not a period (sharp, peak, flat, valley)") from None
        switches.append((minute, period))
    switches.sort()
    if switches[0][0] != 0:
        raise TariffError(where, 'the day must start at "00:00"')
    if len(switches) > MAX_SWITCHES * 2:
        raise TariffError(where, f"{len(switches)} switches; keep to what the meters can hold")
    return DaySchedule(tuple(switches))


def _minute(key: Any, where: str) -> int:
    text = str(key)
    try:
        hours, minutes = text.split(":")
        h, m = int(hours), int(minutes)
    except ValueError:
        raise TariffError(f"{where}.{text}", 'a time of day is written "HH:MM"') from None
    if not (0 <= h < 24 and 0 <= m < 60):
        raise TariffError(f"{where}.{text}", "not a time of day")
    return h * 60 + m


def _prices(raw: Any) -> tuple[PriceSet, ...]:
    if not isinstance(raw, list) or not raw:
        raise TariffError("prices", "a list of at least one price set, each with from and energy prices")
    sets = []
    for i, p in enumerate(raw):
        where = f"prices[{i}]"
        if not isinstance(p, Mapping):
            raise TariffError(where, "a mapping with from, energy and optionally demand_per_kw or capacity_per_kva")
        start = p.get("from")
        if isinstance(start, str):
            try:
                start = dt.date.fromisoformat(start)
            except ValueError:
                raise TariffError(f"{where}.from", f"{start!r} is not a date (YYYY-MM-DD)") from None
        if not isinstance(start, dt.date):
            raise TariffError(f"{where}.from", "the date the prices apply from (YYYY-MM-DD)")
        prices = _period_prices(p.get("energy"), f"{where}.energy")
        demand, capacity = p.get("demand_per_kw"), p.get("capacity_per_kva")
        if demand is not None and capacity is not None:
            raise TariffError(where, "either demand_per_kw or capacity_per_kva: the basic charge is one of the two")
        for key, value in (("demand_per_kw", demand), ("capacity_per_kva", capacity)):
            if value is not None and (not isinstance(value, int | float) or isinstance(value, bool) or value < 0):
                raise TariffError(f"{where}.{key}", "a price in yuan, 0 or more")
        sets.append(PriceSet(start, prices, None if demand is None else float(demand),
                             None if capacity is None else float(capacity)))
    sets.sort(key=lambda s: s.effective_from)
    for a, b in itertools.pairwise(sets):
        if a.effective_from == b.effective_from:
            raise TariffError("prices", f"two price sets start on {a.effective_from.isoformat()}")
    return tuple(sets)


def _period_prices(energy: Any, where: str) -> dict[Period, float]:
    """``{sharp: .., peak: .., flat: .., valley: ..}`` in yuan/kWh, every period given, none negative."""
    if not isinstance(energy, Mapping):
        raise TariffError(where, "a price per period: sharp, peak, flat, valley (yuan/kWh)")
    prices = {}
    for period in Period:
        value = energy.get(period.value)
        if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
            raise TariffError(f"{where}.{period.value}", "a price in yuan/kWh, 0 or more")
        prices[period] = float(value)
    return prices
