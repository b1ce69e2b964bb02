"""The ``alarms:`` section of a site file: graded alarm rules an engineer writes by hand.

Terse on purpose: a rule names its kind, what it judges and its thresholds; levels, names and
messages have sensible defaults built from the plant's own names.  ``point``/``device``/
``gateway`` take one id, ``points``/``devices``/``gateways`` a list; ids may hold ``*`` to
match several (``F*.Ua``, ``"*"`` for every device).  Delays are seconds.  A deadband is
absolute (``2``) or a percentage of the limit (``"2%"``).

```yaml
alarms:
  flood: {count: 10, seconds: 10}
  rules:
    - {kind: limit, points: [T1-TCU.TA, T1-TCU.TB], H: {value: 130, level: 2}, HH: {value: 150, level: 1}}
    - {kind: state, point: ENV-1.smoke, level: 1}
    - {kind: comm, devices: "*", level: 2, on_delay: 10}
```

Rules that need the whole site (points and devices that exist, quantities a device's template
must have) are checked in `app.config.checks`; the resolution of targets lives here so that
the checks and the rule compiler (`app.alarms.rules`) resolve them the same way.
"""

from __future__ import annotations

import fnmatch
import itertools
import re
from collections.abc import Iterable
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator, model_validator

LIMITS = ("LL", "L", "H", "HH")
Seconds = Annotated[float, Field(ge=0, le=86400)]
LevelNo = Annotated[int, Field(ge=1, le=4, description="1 critical, 2 major, 3 minor, 4 notice")]
_PCT = re.compile(r"^\s*(\d+(\.\d+)?)\s*%\s*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AlarmName(_Strict):
    """A rule's own name for what it judges, in both languages (replaces "device point")."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


def _name(value: Any) -> Any:
    return {"zh": value, "en": value} if isinstance(value, str) else value


def _deadband(value: Any) -> Any:
    """``2`` is absolute, ``"2%"`` a percentage of the limit; anything else is refused in words."""
    if value is None or isinstance(value, int | float):
        if value is not None and value < 0:
            raise ValueError(f"a deadband cannot be negative ({value})")
        return value
    if isinstance(value, str) and _PCT.match(value):
        return value.strip()
    raise ValueError(f"{value!r} is not a deadband: write a number (absolute) or a percentage like '2%'")


def deadband_of(deadband: float | str | None, limit: float) -> float:
    """The absolute hysteresis of ``deadband`` at a limit of ``limit``."""
    if deadband is None:
        return 0.0
    if isinstance(deadband, str):
        m = _PCT.match(deadband)
        assert m is not None  # validated by the schema
        return abs(limit) * float(m.group(1)) / 100.0
    return float(deadband)


def _listed(data: Any, one: str, many: str) -> Any:
    """``point: X`` is ``points: [X]``; ``points: "*"`` is ``points: ["*"]``."""
    if not isinstance(data, dict):
        return data
    data = dict(data)
    if one in data:
        if many in data:
            raise ValueError(f"give either {one} or {many}, not both")
        data[many] = [data.pop(one)]
    elif isinstance(data.get(many), str):
        data[many] = [data[many]]
    return data


class Limit(_Strict):
    """One limit of an analog rule: its value and, where it differs from the rule's, its settings."""

    value: float
    level: LevelNo | None = None
    deadband: float | str | None = None
    on_delay: Seconds | None = None
    off_delay: Seconds | None = None

    _db = field_validator("deadband", mode="before")(_deadband)

    @model_validator(mode="before")
    @classmethod
    def _bare(cls, data: Any) -> Any:
        """``H: 130`` is ``H: {value: 130}``."""
        return {"value": data} if isinstance(data, int | float) and not isinstance(data, bool) else data


class _Rule(_Strict):
    """What every rule may say."""

    id: str | None = Field(None, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")
    name: AlarmName | None = None
    level: LevelNo | None = None
    on_delay: Seconds = 0.0
    off_delay: Seconds = 0.0
    suppress_when: str | None = Field(
        None, description='e.g. "{F1-01.DI1} == 0" (breaker open); {@.DI1} reads each target device\'s own DI1'
    )
    enabled: bool = True

    _n = field_validator("name", mode="before")(_name)


class _PointRule(_Rule):
    points: list[str] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _targets(cls, data: Any) -> Any:
        return _listed(data, "point", "points")


class _DeviceRule(_Rule):
    devices: list[str] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _targets(cls, data: Any) -> Any:
        return _listed(data, "device", "devices")


class LimitRule(_PointRule):
    """Analog limits LL < L < H < HH, each with its own level, deadband and delays."""

    kind: Literal["limit"]
    HH: Limit | None = None
    H: Limit | None = None
    L: Limit | None = None
    LL: Limit | None = None
    deadband: float | str | None = None

    _db = field_validator("deadband", mode="before")(_deadband)

    @model_validator(mode="after")
    def _ordered(self) -> LimitRule:
        given = [(name, lim.value) for name in LIMITS if (lim := getattr(self, name)) is not None]
        if not given:
            raise ValueError("a limit rule needs at least one of HH, H, L, LL")
        for (a, va), (b, vb) in itertools.pairwise(given):
            if not va < vb:
                raise ValueError(f"limits must rise LL < L < H < HH, but {a} = {va:g} is not below {b} = {vb:g}")
        return self

    def limits(self) -> Iterable[tuple[str, Limit]]:
        """The given limits, from LL up."""
        for name in LIMITS:
            lim = getattr(self, name)
            if lim is not None:
                yield name, lim


class RateRule(_PointRule):
    """Rate of change: rising faster than ``rise`` (or falling faster than ``fall``) units per ``per``."""

    kind: Literal["rate"]
    rise: float | None = Field(None, gt=0)
    fall: float | None = Field(None, gt=0)
    per: Literal["s", "min", "h"] = "min"
    window: float = Field(60.0, gt=0, le=86400, description="seconds the rate is measured over")

    @model_validator(mode="after")
    def _some(self) -> RateRule:
        if self.rise is None and self.fall is None:
            raise ValueError("a rate rule needs rise, fall or both")
        return self


class ChangeRule(_PointRule):
    """Change of state of a digital point (开关变位): any change, or only a change ``to`` 0 or 1."""

    kind: Literal["change"]
    to: Literal[0, 1] | None = None
    states: dict[Literal["zh", "en"], tuple[str, str]] | None = Field(
        None, description="names of state 0 and 1, e.g. {zh: [分闸, 合闸], en: [open, closed]}"
    )


class StateRule(_PointRule):
    """A digital alarm state (smoke, water, door, over-temperature trip): alarm while value == ``alarm_value``."""

    kind: Literal["state"]
    alarm_value: float = 1


class StaleRule(_Rule):
    """Data not refreshed (quality stale) on points or whole devices."""

    kind: Literal["stale"]
    points: list[str] = []
    devices: list[str] = []

    @model_validator(mode="before")
    @classmethod
    def _targets(cls, data: Any) -> Any:
        return _listed(_listed(data, "point", "points"), "device", "devices")

    @model_validator(mode="after")
    def _some(self) -> StaleRule:
        if not self.points and not self.devices:
            raise ValueError("a stale rule needs points or devices")
        return self


class CommRule(_Rule):
    """Communication loss of devices (their points go comm_fail) or of gateways (link offline)."""

    kind: Literal["comm"]
    devices: list[str] = []
    gateways: list[str] = []

    @model_validator(mode="before")
    @classmethod
    def _targets(cls, data: Any) -> Any:
        return _listed(_listed(data, "device", "devices"), "gateway", "gateways")

    @model_validator(mode="after")
    def _some(self) -> CommRule:
        if not self.devices and not self.gateways:
            raise ValueError("a comm rule needs devices or gateways")
        return self


def _thresholds(value: Any) -> Any:
    if isinstance(value, dict):
        for pct, level in value.items():
            if not isinstance(level, int) or not 1 <= level <= 4:
                raise ValueError(f"the level of {pct} % should be 1-4 (1 critical … 4 notice), not {level!r}")
    return value


class OverloadRule(_DeviceRule):
    """Load against the device's rating: S or P against ``rating.kva``, or I against ``rating.a``."""

    kind: Literal["overload"]
    basis: Literal["S", "P", "I"] | None = Field(None, description="default: S when the device has rating.kva, else I")
    thresholds: dict[Annotated[float, Field(gt=0)], int] = Field(default_factory=lambda: {100.0: 2})
    deadband: float = Field(2.0, ge=0, description="percentage points")

    _t = field_validator("thresholds", mode="before")(_thresholds)


class PhaseOverloadRule(_DeviceRule):
    """Any one of Ia, Ib, Ic above a percentage of the rated current (``rating.a``)."""

    kind: Literal["phase_overload"]
    thresholds: dict[Annotated[float, Field(gt=0)], int] = Field(default_factory=lambda: {100.0: 2})
    deadband: float = Field(2.0, ge=0, description="percentage points")

    _t = field_validator("thresholds", mode="before")(_thresholds)


class UnbalanceRule(_DeviceRule):
    """Current unbalance (max - min) / mean of Ia, Ib, Ic above ``percent``, judged only above a minimum load."""

    kind: Literal["unbalance"]
    percent: float = Field(15.0, gt=0)
    min_load: float = Field(10.0, ge=0, description="% of rating.a below which unbalance is not judged")
    min_current: float | None = Field(None, ge=0, description="A; the minimum load for devices without rating.a")
    deadband: float = Field(2.0, ge=0, description="percentage points")


KINDS = ("limit", "rate", "change", "state", "stale", "comm", "overload", "phase_overload", "unbalance")


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("kind", ""))
    return str(getattr(value, "kind", ""))


AlarmRule = Annotated[
    Annotated[LimitRule, Tag("limit")] | Annotated[RateRule, Tag("rate")] | Annotated[ChangeRule, Tag("change")]
    | Annotated[StateRule, Tag("state")] | Annotated[StaleRule, Tag("stale")] | Annotated[CommRule, Tag("comm")]
    | Annotated[OverloadRule, Tag("overload")] | Annotated[PhaseOverloadRule, Tag("phase_overload")]
    | Annotated[UnbalanceRule, Tag("unbalance")],
    Discriminator(_kind, custom_error_type="alarm_kind",
                  custom_error_message=f"kind should be one of {', '.join(KINDS)}"),
]  # fmt: skip
AnyRule = (
    LimitRule | RateRule | ChangeRule | StateRule | StaleRule | CommRule | OverloadRule | PhaseOverloadRule
    | UnbalanceRule
)  # fmt: skip


class Flood(_Strict):
    """More than ``count`` alarms raised within ``seconds`` form a flood (one group, first-out first)."""

    count: int = Field(10, ge=1)
    seconds: float = Field(10.0, gt=0, le=3600)


class FaultRecording(_Strict):
    """Full-resolution capture around alarms of these levels: a device's and its incomer's points."""

    levels: list[LevelNo] = Field(default_factory=lambda: [1, 2])
    before: float = Field(5.0, ge=0, le=60, description="minutes kept from before the alarm")
    after: float = Field(2.0, ge=0, le=60, description="minutes recorded after it")


class AlarmSection(_Strict):
    """The ``alarms:`` section: flood settings, fault recording and the rules (a bare list is the rules alone)."""

    flood: Flood = Flood()
    fault_recording: FaultRecording = FaultRecording()
    rules: list[AlarmRule] = []

    @model_validator(mode="before")
    @classmethod
    def _bare_list(cls, data: Any) -> Any:
        return {"rules": data} if isinstance(data, list) else data


# -- resolving targets ------------------------------------------------------------------------------


def is_pattern(text: str) -> bool:
    """Whether a target is a glob pattern (``*``, ``?``, ``[ABC]``) rather than one id."""
    return any(ch in text for ch in "*?[")


SELF = "{@."


def suppress_texts(text: str, devices: Iterable[str | None]) -> dict[str | None, str]:
    """``suppress_when`` per device of the rule's targets: ``{@.DI1}`` reads the target's own device."""
    if SELF not in text:
        return {None: text}
    return {d: text.replace(SELF, "{" + d + ".") for d in dict.fromkeys(devices) if d is not None}


def expand(patterns: Iterable[str], names: Iterable[str]) -> tuple[list[str], list[str]]:
    """Ids matched by ``patterns`` (in the order of ``names``, no repeats) and the patterns matching none."""
    pool = list(names)
    known = set(pool)
    found: dict[str, None] = {}
    missing = []
    for pattern in patterns:
        if is_pattern(pattern):
            hits = [n for n in pool if fnmatch.fnmatchcase(n, pattern)]
        else:
            hits = [pattern] if pattern in known else []
        if not hits:
            missing.append(pattern)
        found.update(dict.fromkeys(hits))
    return list(found), missing


def resolve(
    rule: AnyRule, points: Iterable[str], devices: Iterable[str], gateways: Iterable[str]
) -> tuple[dict[str, list[str]], list[tuple[str, str]]]:
    """The ids each target field of ``rule`` names, and ``(field, pattern)`` for each pattern naming nothing."""
    pools = {"points": list(points), "devices": list(devices), "gateways": list(gateways)}
    found: dict[str, list[str]] = {}
    missing: list[tuple[str, str]] = []
    for target in ("points", "devices", "gateways"):
        patterns = getattr(rule, target, None)
        if not patterns:
            continue
        ids, bad = expand(patterns, pools[target])
        found[target] = ids
        missing += [(target, p) for p in bad]
    return found, missing


def condition_keys(rule: AnyRule, targets: dict[str, list[str]]) -> list[str]:
    """The keys of the conditions ``rule`` judges: one alarm each (``T1-TCU.TA:HH``, ``F1-01:overload:100``)."""
    points, devices, gateways = (targets.get(t, []) for t in ("points", "devices", "gateways"))
    if isinstance(rule, LimitRule):
        return [f"{p}:{name}" for p in points for name, _ in rule.limits()]
    if isinstance(rule, RateRule):
        return [f"{p}:rate_{d}" for p in points for d in ("rise", "fall") if getattr(rule, d) is not None]
    if isinstance(rule, ChangeRule):
        return [f"{p}:change" for p in points]
    if isinstance(rule, StateRule):
        return [f"{p}:state" for p in points]
    if isinstance(rule, StaleRule):
        return [f"{t}:stale" for t in (*points, *devices)]
    if isinstance(rule, CommRule):
        return [f"{t}:comm" for t in (*devices, *gateways)]
    if isinstance(rule, OverloadRule | PhaseOverloadRule):
        return [f"{d}:{rule.kind}:{pct:g}" for d in devices for pct in sorted(rule.thresholds)]
    return [f"{d}:unbalance" for d in devices]


PHASES = ("Ia", "Ib", "Ic")


def device_needs(rule: AnyRule, device: str, quantities: set[str], kva: float | None, amps: float | None) -> str | None:
    """Why ``device`` cannot carry ``rule`` (a quantity its template lacks, a rating it lacks), or None."""
    if isinstance(rule, OverloadRule):
        basis = overload_basis(rule, kva)
        need = PHASES if basis == "I" else (basis,)
        rating_ok = amps is not None if basis == "I" else kva is not None
        if not rating_ok:
            return f"{device} has no rating.{'a' if basis == 'I' else 'kva'}, which an overload rule on {basis} needs"
    elif isinstance(rule, PhaseOverloadRule):
        need = PHASES
        if amps is None:
            return f"{device} has no rating.a, which a phase_overload rule needs"
    elif isinstance(rule, UnbalanceRule):
        need = PHASES
        if amps is None and rule.min_current is None:
            return f"{device} has no rating.a: give the unbalance rule min_current (A) to say when load is enough"
    else:
        return None
    lacking = [q for q in need if q not in quantities]
    if lacking:
        return f"{device}'s template has no {', '.join(lacking)}, which a {rule.kind} rule reads"
    return None


def overload_basis(rule: OverloadRule, kva: float | None) -> str:
    """What an overload rule measures: as written, else S when the device has a kVA rating, else I."""
    return rule.basis or ("S" if kva is not None else "I")
