"""Compiled alarm rules: the site file's ``alarms:`` section turned into conditions and judges.

`compile_rules` resolves every rule against the `Site` (point patterns, devices' quantities and
ratings, names for the messages) once, so that the engine's per-sample work is a dict lookup
and a few comparisons.  The site loader has already refused rules that name what does not
exist (`app.config.checks`); compiling a loaded site therefore does not fail.

Decisions an operator sees:

* every limit is its own condition (``T1-TCU.TA:H`` and ``T1-TCU.TA:HH``): when H becomes HH
  a second alarm of the higher level is raised and H stays active, as ISA-18.2 treats
  separate setpoints; ``Change.LEVEL`` is kept for a limit whose level is edited at runtime;
* a change of state (breaker trip) is an event: raised and cleared at once, it waits only for
  its acknowledgement;
* device comm alarms of a gateway that has a comm rule are suppressed while the gateway's
  own comm alarm is active.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app.alarms.condition import Condition
from app.alarms.judges import (
    Band,
    ChangeJudge,
    Judge,
    LimitJudge,
    LoadJudge,
    QualityJudge,
    RateJudge,
    StateJudge,
    SuppressJudge,
)
from app.alarms.limits import limit_rule
from app.alarms.texts import PHASE_NAMES, number, state_name, with_unit
from app.alarms.when import When
from app.config import Site
from app.config import alarms as spec
from app.model import Point, Quality

DEFAULT_LEVELS = {"HH": 1, "H": 2, "L": 2, "LL": 1, "rate": 3, "change": 2, "state": 1, "stale": 4,
                  "comm_device": 2, "comm_gateway": 1, "unbalance": 3}  # fmt: skip
PER_MS = {"s": 1000, "min": 60_000, "h": 3_600_000}
PER_WORD = {"s": ("/秒", "/s"), "min": ("/分钟", "/min"), "h": ("/小时", "/h")}

log = logging.getLogger(__name__)


@dataclass
class RuleSet:
    """What the engine runs: conditions by key and judges by point id, plus the flood settings."""

    conditions: dict[str, Condition] = field(default_factory=dict)
    judges: dict[str, tuple[Judge, ...]] = field(default_factory=dict)
    gateways: dict[str, Condition] = field(default_factory=dict)  # gateway id -> its comm condition
    behind: dict[str, list[Condition]] = field(default_factory=dict)  # gateway id -> device comm conditions
    by_device: dict[str, list[Condition]] = field(default_factory=dict)  # for maintenance flags
    flood_count: int = 10
    flood_ms: int = 10_000

    def all_judges(self) -> list[Judge]:
        """Every judge once."""
        seen: dict[int, Judge] = {}
        for js in self.judges.values():
            for j in js:
                seen.setdefault(id(j), j)
        return list(seen.values())


class _Builder:
    def __init__(self, site: Site, skip_limits: frozenset[str] = frozenset()) -> None:
        self.site = site
        self.skip_limits = skip_limits  # points whose limits a runtime change replaces
        self.devices = site.devices
        self.gateways = site.gateways
        self.points_of: dict[str, list[Point]] = defaultdict(list)
        for p in site.points.values():
            if p.device is not None:
                self.points_of[p.device].append(p)
        self.rules = RuleSet(flood_count=site.file.alarms.flood.count,
                             flood_ms=int(site.file.alarms.flood.seconds * 1000))  # fmt: skip
        self.judges: dict[str, list[Judge]] = defaultdict(list)

    # -- names ------------------------------------------------------------------------------------

    def point_subject(self, rule: spec.AnyRule, p: Point) -> tuple[str, str]:
        """ "device point" (a rule's ``name`` stands for the point's name: "1#出线 照明 断路器")."""
        zh, en = (rule.name.zh, rule.name.en) if rule.name is not None else (p.name_zh, p.name_en)
        if p.device is None:
            return zh, en
        d = self.devices[p.device].name
        return f"{d.zh} {zh}", f"{d.en} {en}"

    def device_subject(self, rule: spec.AnyRule, device: str) -> tuple[str, str]:
        """The device's name, followed by the rule's ``name`` when it has one."""
        d = self.devices[device].name
        if rule.name is not None:
            return f"{d.zh} {rule.name.zh}", f"{d.en} {rule.name.en}"
        return d.zh, d.en

    def room_of(self, device: str) -> str | None:
        d = self.devices[device]
        return d.room or self.gateways[d.gateway].room

    # -- rules ------------------------------------------------------------------------------------

    def add(self, index: int, rule: spec.AnyRule) -> None:
        if not rule.enabled:
            return
        targets, _ = spec.resolve(rule, self.site.points, self.devices, self.gateways)
        rid = rule.id or f"{rule.kind}-{index + 1}"
        made: list[Condition] = []
        points = [self.site.points[p] for p in targets.get("points", [])]
        devices = targets.get("devices", [])
        if isinstance(rule, spec.LimitRule):
            points = [p for p in points if p.id not in self.skip_limits]
            for p in points:
                items = []
                for name, lim in rule.limits():
                    cond = self.point_cond(rule, rid, p, name, lim.level or rule.level or DEFAULT_LEVELS[name],
                                           lim.on_delay, lim.off_delay)  # fmt: skip
                    db = spec.deadband_of(lim.deadband if lim.deadband is not None else rule.deadband, lim.value)
                    items.append((cond, name.startswith("H"), lim.value, db))
                    made.append(cond)
                self.judges[p.id].append(LimitJudge(items))
        elif isinstance(rule, spec.RateRule):
            for p in points:
                pair = []
                for direction in ("rise", "fall"):
                    limit = getattr(rule, direction)
                    if limit is None:
                        pair.append(None)
                        continue
                    cond = self.point_cond(rule, rid, p, f"rate_{direction}", rule.level or DEFAULT_LEVELS["rate"])
                    cond.detail = _rate_detail(p.unit, rule.per)
                    pair.append((cond, limit))
                    made.append(cond)
                self.judges[p.id].append(RateJudge(pair[0], pair[1], PER_MS[rule.per], int(rule.window * 1000)))
        elif isinstance(rule, spec.ChangeRule):
            for p in points:
                cond = self.point_cond(rule, rid, p, "change", rule.level or DEFAULT_LEVELS["change"])
                cond.momentary = True
                cond.on_ms = cond.off_ms = 0
                cond.detail = _change_detail(rule.states)
                self.judges[p.id].append(ChangeJudge(cond, rule.to))
                made.append(cond)
        elif isinstance(rule, spec.StateRule):
            for p in points:
                cond = self.point_cond(rule, rid, p, "state", rule.level or DEFAULT_LEVELS["state"])
                cond.detail = _no_value
                if "报警" in cond.subject[0] or "alarm" in cond.subject[1].lower():
                    cond.word = "active"  # "超温报警 动作", not "超温报警 报警"
                self.judges[p.id].append(StateJudge(cond, rule.alarm_value))
                made.append(cond)
        elif isinstance(rule, spec.StaleRule):
            for p in points:
                cond = self.point_cond(rule, rid, p, "stale", rule.level or DEFAULT_LEVELS["stale"])
                cond.detail = _no_value
                self.judges[p.id].append(QualityJudge(cond, Quality.STALE))
                made.append(cond)
            for dev in devices:
                cond = self.device_cond(rule, rid, dev, "stale", f"{dev}:stale", rule.level or DEFAULT_LEVELS["stale"])
                self.on_device(dev, QualityJudge(cond, Quality.STALE))
                made.append(cond)
        elif isinstance(rule, spec.CommRule):
            for dev in devices:
                cond = self.device_cond(rule, rid, dev, "comm", f"{dev}:comm",
                                        rule.level or DEFAULT_LEVELS["comm_device"])  # fmt: skip
                cond.gateway = self.devices[dev].gateway
                self.rules.behind.setdefault(cond.gateway, []).append(cond)
                self.on_device(dev, QualityJudge(cond, Quality.COMM_FAIL))
                made.append(cond)
            for gid in targets.get("gateways", []):
                g = self.gateways[gid]
                subject = (g.name.zh, g.name.en)
                if rule.name is not None:
                    subject = (f"{g.name.zh} {rule.name.zh}", f"{g.name.en} {rule.name.en}")
                cond = Condition(f"{gid}:comm", rid, "comm", gid, level=rule.level or DEFAULT_LEVELS["comm_gateway"],
                                 subject=subject, word="gateway", room=g.room, gateway=gid,
                                 on_delay=rule.on_delay, off_delay=rule.off_delay)  # fmt: skip
                self.rules.gateways[gid] = cond
                made.append(cond)
        else:
            for dev in devices:
                made += self.load_rule(rule, rid, dev)
        for cond in made:
            self.rules.conditions[cond.key] = cond
            if cond.device is not None:
                self.rules.by_device.setdefault(cond.device, []).append(cond)
        if rule.suppress_when is not None and made:
            texts = spec.suppress_texts(rule.suppress_when, (c.device for c in made))
            for device, text in texts.items():
                when = When(text)
                judge = SuppressJudge(when, [c for c in made if device is None or c.device == device])
                for ref in when.points:
                    self.judges[ref].append(judge)

    def point_cond(self, rule: spec.AnyRule, rid: str, p: Point, word: str, level: int,
                   on_delay: float | None = None, off_delay: float | None = None) -> Condition:  # fmt: skip
        return Condition(
            f"{p.id}:{word}",
            rid,
            rule.kind,
            p.id,
            level=level,
            subject=self.point_subject(rule, p),
            word=word,
            detail=_value_detail(p.unit),
            device=p.device,
            room=p.room,
            on_delay=rule.on_delay if on_delay is None else on_delay,
            off_delay=rule.off_delay if off_delay is None else off_delay,
        )

    def device_cond(self, rule: spec.AnyRule, rid: str, dev: str, word: str, key: str, level: int,
                    point: str | None = None) -> Condition:  # fmt: skip
        return Condition(key, rid, rule.kind, point or dev, level=level, subject=self.device_subject(rule, dev),
                         word=word, device=dev, room=self.room_of(dev), on_delay=rule.on_delay,
                         off_delay=rule.off_delay)  # fmt: skip

    def on_device(self, dev: str, judge: Judge) -> None:
        for p in self.points_of[dev]:
            self.judges[p.id].append(judge)

    def load_rule(self, rule: spec.AnyRule, rid: str, dev: str) -> list[Condition]:
        d = self.devices[dev]
        if isinstance(rule, spec.UnbalanceRule):
            inputs = tuple(f"{dev}.{q}" for q in spec.PHASES)
            cond = self.device_cond(rule, rid, dev, "unbalance", f"{dev}:unbalance",
                                    rule.level or DEFAULT_LEVELS["unbalance"], point=inputs[0])  # fmt: skip
            cond.detail = _pct_detail
            min_current = rule.min_current if rule.min_current is not None else (d.rating.a or 0) * rule.min_load / 100
            judge = LoadJudge(inputs, "unbalance", Band([(cond, True, rule.percent, rule.deadband)]), [cond],
                              rated=1.0, min_current=min_current)  # fmt: skip
            for p in inputs:
                self.judges[p].append(judge)
            return [cond]
        assert isinstance(rule, spec.OverloadRule | spec.PhaseOverloadRule)
        if isinstance(rule, spec.OverloadRule):
            basis = spec.overload_basis(rule, d.rating.kva)
            if basis == "I":
                inputs, measure, rated = tuple(f"{dev}.{q}" for q in spec.PHASES), "current", d.rating.a
            else:
                inputs, measure, rated = (f"{dev}.{basis}",), "power", d.rating.kva
            detail = _pct_detail
        else:
            inputs, measure, rated = tuple(f"{dev}.{q}" for q in spec.PHASES), "phase", d.rating.a
            detail = _phase_detail
        assert rated is not None  # the loader's checks refuse devices without the rating
        items, conds = [], []
        for pct in sorted(rule.thresholds):
            cond = self.device_cond(rule, rid, dev, rule.kind, f"{dev}:{rule.kind}:{pct:g}", rule.thresholds[pct],
                                    point=inputs[0])  # fmt: skip
            cond.detail = detail
            items.append((cond, True, pct, rule.deadband))
            conds.append(cond)
        judge = LoadJudge(inputs, measure, Band(items), conds, rated=rated)
        for p in inputs:
            self.judges[p].append(judge)
        return conds


def _value_detail(unit: str):  # noqa: ANN202 - a closure over the unit
    def detail(cond: Condition, value: float | None) -> tuple[str, str]:
        text = with_unit(value, unit)
        return text, text

    return detail


def _no_value(cond: Condition, value: float | None) -> tuple[str, str]:
    return "", ""


def _pct_detail(cond: Condition, value: float | None) -> tuple[str, str]:
    text = f"{number(value)} %"
    return text, text


def _phase_detail(cond: Condition, value: float | None) -> tuple[str, str]:
    zh, en = PHASE_NAMES.get((cond.note or "").rpartition(".")[2], ("", ""))
    text = f"{number(value)} %"
    return f"{zh} {text}".strip(), f"{en} {text}".strip()


def _rate_detail(unit: str, per: str):  # noqa: ANN202 - a closure over unit and period
    zh_per, en_per = PER_WORD[per]

    def detail(cond: Condition, value: float | None) -> tuple[str, str]:
        text = with_unit(value, unit)
        return text + zh_per, text + en_per

    return detail


def _change_detail(states: dict[str, tuple[str, str]] | None):  # noqa: ANN202 - a closure over state names
    def detail(cond: Condition, value: float | None) -> tuple[str, str]:
        if value is None:
            return "", ""
        old_zh, old_en = state_name(states, 1.0 - value)
        new_zh, new_en = state_name(states, value)
        return f"{old_zh}→{new_zh}", f"{old_en} → {new_en}"

    return detail


def compile_rules(site: Site, limits: Mapping[str, Mapping[str, Any] | None] | None = None) -> RuleSet:
    """The site's alarm rules, ready for `AlarmEngine` (fresh conditions: one rule set per engine).

    ``limits``: points whose limits were changed at runtime (`app.alarms.limits`), each with its
    whole limit rule or None for no limits; they replace what the site file's limit rules say for
    those points.  Points the site no longer has are skipped with a log line.
    """
    changed = dict(limits or {})
    b = _Builder(site, skip_limits=frozenset(changed))
    for i, rule in enumerate(site.file.alarms.rules):
        b.add(i, rule)
    b.skip_limits = frozenset()  # from here on the runtime limits themselves
    for j, (point, given) in enumerate(sorted(changed.items())):
        if point not in site.points:
            log.warning("alarm limits changed at runtime for %s, which this site does not have: ignored", point)
            continue
        if given is not None:
            b.add(len(site.file.alarms.rules) + j, limit_rule(point, dict(given)))
    b.rules.judges = {pid: tuple(js) for pid, js in b.judges.items()}
    return b.rules


def site_limits(site: Site, point: str) -> spec.LimitRule | None:
    """The site file's limit rule for ``point`` (the last that names it), or None."""
    found = None
    for rule in site.file.alarms.rules:
        if isinstance(rule, spec.LimitRule) and rule.enabled:
            targets, _ = spec.resolve(rule, site.points, site.devices, site.gateways)
            if point in targets.get("points", []):
                found = rule
    return found
