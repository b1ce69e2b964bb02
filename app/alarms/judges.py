"""Judges: per point, turn a sample into "this condition is true / false" for the engine.

The engine keeps one tuple of judges per point id, so a sample without rules costs one dict
miss and a sample whose value sits inside its limits costs one comparison (`LimitJudge`'s
calm band).  A judge never changes an alarm itself: it calls ``engine.verdict`` (delays,
states, events are the engine's) or ``engine.block`` (suppression).  Values of quality other
than good are not judged — a comm_fail sample carries the last value, not a new one — so
limit alarms hold their state through a communication loss and the comm alarm speaks instead.
"""

from __future__ import annotations

import abc
from collections import deque
from typing import Protocol

from app.alarms.condition import Condition
from app.alarms.when import When
from app.model import Quality, Sample

GOOD = Quality.GOOD
STALE = Quality.STALE
COMM_FAIL = Quality.COMM_FAIL


class Verdicts(Protocol):
    """What judges report to (the engine)."""

    def verdict(self, cond: Condition, truth: bool, ts: int, value: float | None) -> None:
        """``cond`` is ``truth`` at ``ts`` (the engine applies delays and states)."""

    def block(self, cond: Condition, reason: str, words: str, on: bool, ts: int) -> None:
        """Suppress ``cond`` for ``reason`` (``on``) or lift that reason."""


class Judge(abc.ABC):
    """Base: called with each sample of the points it is registered on."""

    __slots__ = ()

    @abc.abstractmethod
    def __call__(self, s: Sample, engine: Verdicts) -> None:
        """Judge one sample; report through ``engine``."""

    def reset(self) -> None:  # noqa: B027 - most judges keep no shortcut: doing nothing is right
        """Forget fast-path shortcuts (the conditions' state was changed from outside)."""


class Band:
    """Thresholds with hysteresis: high ones are true above their value, low ones below it."""

    __slots__ = ("calm", "hi", "items", "lo")

    def __init__(self, items: list[tuple[Condition, bool, float, float]]) -> None:
        self.items = items  # (condition, high?, limit, deadband)
        self.hi = min((lim for _, high, lim, _ in items if high), default=float("inf"))
        self.lo = max((lim for _, high, lim, _ in items if not high), default=float("-inf"))
        self.calm = False  # all false and no delay running: values inside [lo, hi] need no work

    def judge(self, v: float, ts: int, engine: Verdicts) -> None:
        if self.calm and self.lo <= v <= self.hi:
            return
        calm = True
        for cond, high, limit, db in self.items:
            if high:
                truth = v >= limit - db if cond.active else v > limit
            else:
                truth = v <= limit + db if cond.active else v < limit
            engine.verdict(cond, truth, ts, v)
            if cond.active or cond.pending is not None:
                calm = False
        self.calm = calm


class LimitJudge(Judge):
    """HH/H/L/LL of one point."""

    __slots__ = ("band",)

    def __init__(self, items: list[tuple[Condition, bool, float, float]]) -> None:
        self.band = Band(items)

    def __call__(self, s: Sample, engine: Verdicts) -> None:
        if s.quality is GOOD:
            self.band.judge(s.value, s.ts, engine)

    def reset(self) -> None:
        self.band.calm = False


class RateJudge(Judge):
    """Rate of change over a window: (newest - oldest in window) / time, in units per ``per_ms``."""

    __slots__ = ("fall", "history", "per_ms", "rise", "window_ms")

    def __init__(self, rise: tuple[Condition, float] | None, fall: tuple[Condition, float] | None,
                 per_ms: int, window_ms: int) -> None:  # fmt: skip
        self.rise, self.fall = rise, fall
        self.per_ms, self.window_ms = per_ms, window_ms
        self.history: deque[tuple[int, float]] = deque()

    def __call__(self, s: Sample, engine: Verdicts) -> None:
        if s.quality is not GOOD:
            return
        h = self.history
        h.append((s.ts, s.value))
        while len(h) > 1 and s.ts - h[1][0] >= self.window_ms:
            h.popleft()  # keep one sample at or before the window's start
        t0, v0 = h[0]
        span = s.ts - t0
        if span * 2 < self.window_ms:
            return  # not enough history yet to say how fast it moves
        rate = (s.value - v0) / span * self.per_ms
        if self.rise is not None:
            cond, limit = self.rise
            engine.verdict(cond, rate > limit, s.ts, rate)
        if self.fall is not None:
            cond, limit = self.fall
            engine.verdict(cond, -rate > limit, s.ts, rate)


class ChangeJudge(Judge):
    """Change of state of a digital point; ``to`` limits it to one direction."""

    __slots__ = ("cond", "last", "to")

    def __init__(self, cond: Condition, to: int | None) -> None:
        self.cond, self.to = cond, to
        self.last: bool | None = None

    def __call__(self, s: Sample, engine: Verdicts) -> None:
        if s.quality is not GOOD:
            return
        b = s.value >= 0.5
        last, self.last = self.last, b
        if last is None or b == last:
            return
        if self.to is None or b == bool(self.to):
            engine.verdict(self.cond, True, s.ts, 1.0 if b else 0.0)


class StateJudge(Judge):
    """A digital alarm state: true while the value equals the alarm value."""

    __slots__ = ("alarm_value", "cond")

    def __init__(self, cond: Condition, alarm_value: float) -> None:
        self.cond, self.alarm_value = cond, alarm_value

    def __call__(self, s: Sample, engine: Verdicts) -> None:
        if s.quality is GOOD:
            cond = self.cond
            truth = abs(s.value - self.alarm_value) < 1e-9
            if truth != cond.active or cond.pending is not None:
                engine.verdict(cond, truth, s.ts, s.value)


class QualityJudge(Judge):
    """Stale data or device communication loss: true while samples arrive with ``quality``.

    Registered on every point of a device for device-level rules.  A stale rule holds its
    state through comm_fail (the device is then judged by its comm rule).
    """

    __slots__ = ("cond", "quality")

    def __init__(self, cond: Condition, quality: Quality) -> None:
        self.cond, self.quality = cond, quality

    def __call__(self, s: Sample, engine: Verdicts) -> None:
        q = s.quality
        if self.quality is STALE and q is COMM_FAIL:
            return
        cond = self.cond
        truth = q is self.quality
        if truth != cond.active or cond.pending is not None:
            engine.verdict(cond, truth, s.ts, None)


class LoadJudge(Judge):
    """Overload, single-phase overload or unbalance of one device, from its latest inputs.

    Inputs are remembered as they come; the judgement runs when the last input of a poll
    arrives (``trigger``: Ic, or S/P), so a half-updated set of phases never raises an alarm.
    """

    __slots__ = ("band", "conds", "inputs", "measure", "min_current", "rated", "trigger", "values")

    def __init__(self, inputs: tuple[str, ...], measure: str, band: Band, conds: list[Condition],
                 *, rated: float, min_current: float = 0.0) -> None:  # fmt: skip
        self.inputs = inputs
        self.trigger = inputs[-1]
        self.measure = measure  # "power", "current", "phase", "unbalance"
        self.band = band
        self.conds = conds
        self.values: dict[str, float] = {}
        self.rated = rated
        self.min_current = min_current

    def __call__(self, s: Sample, engine: Verdicts) -> None:
        if s.quality is not GOOD:
            return
        point = s.point
        self.values[point] = s.value
        if point != self.trigger:
            return
        try:
            vals = [self.values[p] for p in self.inputs]
        except KeyError:
            return  # a phase not read yet
        m = self.measure
        if m == "power":
            pct = abs(vals[0]) / self.rated * 100.0
        elif m == "current":
            pct = sum(vals) / len(vals) / self.rated * 100.0
        elif m == "phase":
            top = max(range(len(vals)), key=vals.__getitem__)
            pct = vals[top] / self.rated * 100.0
            note = self.inputs[top]
            for c in self.conds:
                if not c.active:
                    c.note = note
        else:
            mean = sum(vals) / len(vals)
            pct = 0.0 if mean < self.min_current or mean <= 0 else (max(vals) - min(vals)) / mean * 100.0
        self.band.judge(pct, s.ts, engine)

    def reset(self) -> None:
        self.band.calm = False


class SuppressJudge(Judge):
    """Holds conditions back while a ``suppress_when`` condition holds (breaker open for maintenance)."""

    __slots__ = ("conds", "on", "values", "when")

    def __init__(self, when: When, conds: list[Condition]) -> None:
        self.when, self.conds = when, conds
        self.values: dict[str, float] = {}
        self.on = False

    def __call__(self, s: Sample, engine: Verdicts) -> None:
        if s.quality is not GOOD:
            return
        self.values[s.point] = s.value
        on = bool(self.when.holds(self.values))
        if on != self.on:
            self.on = on
            for cond in self.conds:
                engine.block(cond, f"when:{self.when.text}", self.when.text, on, s.ts)
