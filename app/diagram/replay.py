"""Post-fault replay (事故追忆) without Qt: the window around a time, what changed in it, which diagram.

After a trip the question is "what did the plant look like just before, and in what order did
things happen?"  The replay window shows one diagram at a past time from the historian's as-of
query; this module holds the decisions that need no widget, so they are tested alone:

* the window: 5 minutes before to 10 minutes after the chosen time, at 1 s resolution;
* `NewestOnly`: at most one as-of query in flight, and when it answers only the newest wanted
  time is asked next — dragging the slider across 900 seconds asks a handful of queries, not 900;
* `switch_changes`: the state changes of the diagram's switching devices from their points'
  history (stored on change, so each stored sample is a candidate change), in the symbols' words;
* `window_events`: those changes and the alarm journal rows of the diagram's devices in the
  window, fetched through the `DataSource` on its loop;
* `WindowValues`: every shown point's stored samples over the window, fetched once in the
  background (`window_values`), so that stepping, playing and dragging are answered in memory
  in milliseconds instead of one as-of query each (hundreds of ms for a thousand points);
* `diagram_for`: which of the site's diagrams to open for an alarm's device or point.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from app.alarms.journal import JournalEntry
from app.alarms.model import JournalQuery
from app.diagram.model import Diagram, PlacedSymbol
from app.diagram.symbols import SWITCH_KINDS, StateBinding
from app.model import Quality, Sample

if TYPE_CHECKING:
    from app.historian import History
    from app.sources.base import DataSource

BEFORE_MS = 5 * 60_000  # the window starts this long before the chosen time
AFTER_MS = 10 * 60_000  # and ends this long after it
RESOLUTION_MS = 1000  # the slider's step
HISTORY_POINTS = 5000  # a switch point's history in the window is raw up to this many samples
WINDOW_POINTS = 100_000  # a shown point's history in the window is raw up to this many samples (15 min at 10 Hz)
SETTLE_MS = 3000  # the newest seconds may still be on their way into the historian: not held, asked


def window_around(at_ms: int) -> tuple[int, int]:
    """The replay window of a chosen time: (start, end) in ms UTC.

    Not rounded to the second: the chosen time (an alarm's raise time, to the millisecond) is
    itself a slider position, so the first picture shows the plant *at* the alarm, not up to a
    second before it, when the breaker that raised it may still have been closed.
    """
    return int(at_ms) - BEFORE_MS, int(at_ms) + AFTER_MS


def slider_time(start: int, seconds: int) -> int:
    """The time of a slider position: whole seconds from the window's start."""
    return int(start) + int(seconds) * RESOLUTION_MS


def slider_position(start: int, end: int, ts: int) -> int:
    """The slider position nearest to ``ts``, within the window."""
    ts = min(max(int(ts), start), end)
    return round((ts - start) / RESOLUTION_MS)


class NewestOnly:
    """At most one question in flight; while it runs, only the newest wanted time is remembered.

    `want(t)` returns the time to ask now, or None when a question is already out; `answered()`
    returns the time to ask next (the newest wanted, if it differs from what just answered), or None.
    """

    def __init__(self) -> None:
        self.in_flight: int | None = None
        self.wanted: int | None = None

    def want(self, ts: int) -> int | None:
        """The user wants ``ts``: ask it now unless a question is out."""
        self.wanted = ts
        if self.in_flight is None:
            self.in_flight = ts
            return ts
        return None

    def answered(self) -> int | None:
        """The question out answered (or failed): what to ask next, if anything."""
        done, self.in_flight = self.in_flight, None
        if self.wanted is None or self.wanted == done:
            self.wanted = None
            return None
        self.in_flight = self.wanted
        return self.in_flight


@dataclass(frozen=True, slots=True)
class SwitchChange:
    """A switching device changed state: ``before``/``after`` are the symbol's words
    (``closed``, ``open``, ``withdrawn``, ``blown``...) or None when the state was not known (bad quality)."""

    ts: int
    symbol: str  # the placed symbol's uuid
    name: str  # its plant designation ("QF1-01")
    device: str
    point: str
    key: str  # which state: position, withdrawn, blown
    before: str | None
    after: str | None


ReplayEvent = SwitchChange | JournalEntry


def state_points(diagram: Diagram) -> dict[str, list[tuple[PlacedSymbol, StateBinding]]]:
    """Each point that drives a switching device's drawn state, with the symbols and states it drives."""
    out: dict[str, list[tuple[PlacedSymbol, StateBinding]]] = {}
    for placed in diagram.placed:
        symbol = diagram.symbols[placed.symbol]
        if symbol.kind not in SWITCH_KINDS:
            continue
        for key, point in placed.bindings.items():
            binding = symbol.state_binding(key)
            if binding is not None and point:
                out.setdefault(point, []).append((placed, binding))
    return out


def devices_of(diagram: Diagram) -> tuple[str, ...]:
    """The site devices the diagram's symbols stand for, in drawing order."""
    return tuple(dict.fromkeys(p.device for p in diagram.placed if p.device))


def meaning(binding: StateBinding, value: float, quality: Quality) -> str | None:
    """What a stored value of a state point means (None: bad quality or not a defined value)."""
    if quality is not Quality.GOOD or not math.isfinite(value):
        return None
    code = int(value)
    return binding.values.get(code) if code == value else None


def history_steps(history: History) -> list[tuple[int, float, Quality]]:
    """A point's stored samples from a history answer; bucketed answers give each bucket's last value."""
    if history.raw:
        return list(history.samples)
    return [(int(b[0]), float(b[4]), Quality.GOOD) for b in history.buckets]


def switch_changes(
    diagram: Diagram,
    steps: Mapping[str, Sequence[tuple[int, float, Quality]]],
    before: Mapping[str, Sample],
) -> list[SwitchChange]:
    """The state changes of the diagram's switching devices, oldest first.

    ``steps`` are each state point's stored samples in the window (stored on change, plus a
    heartbeat that repeats the value); ``before`` its sample at the window's start.  A state is
    only a change when something was known before it: the first sample of a point with no
    earlier value tells the state, not a change.
    """
    out: list[SwitchChange] = []
    for point, users in state_points(diagram).items():
        samples = steps.get(point, ())
        for placed, binding in users:
            prior = before.get(point)
            known = prior is not None
            last = meaning(binding, prior.value, prior.quality) if prior is not None else None
            for ts, value, quality in samples:
                if prior is not None and ts <= prior.ts:
                    continue
                now = meaning(binding, value, quality)
                if known and now != last:
                    out.append(SwitchChange(int(ts), placed.uuid, placed.name or placed.uuid, placed.device, point,
                                            binding.key, last, now))  # fmt: skip
                known, last = True, now
    out.sort(key=lambda c: (c.ts, c.name))
    return out


async def window_events(source: DataSource, diagram: Diagram, start: int, end: int) -> list[ReplayEvent]:
    """Switch changes and alarm journal rows of the diagram's devices in ``[start, end)``, oldest first.

    Runs on the source's loop (through the bridge): one as-of query for the states at the start,
    one history query per state point (concurrently) and one journal search.
    """
    points = sorted(state_points(diagram))
    before = await source.as_of(points, start) if points else {}
    histories = await asyncio.gather(*(source.history(p, start, end, HISTORY_POINTS) for p in points),
                                     return_exceptions=True)  # fmt: skip
    steps = {p: history_steps(h) for p, h in zip(points, histories, strict=True) if not isinstance(h, BaseException)}
    events: list[ReplayEvent] = list(switch_changes(diagram, steps, before))
    devices = devices_of(diagram)
    if devices:
        events += await source.alarm_journal(JournalQuery(start=start, end=end, devices=devices, limit=2000))
    # at one instant: the switch first (it raised the alarm), then the journal rows in the order written
    events.sort(key=lambda e: (e.ts, 0, 0) if isinstance(e, SwitchChange) else (e.ts, 1, e.id))
    return events


class WindowValues:
    """Each point's stored samples from just before ``start`` to ``end``: as-of answers in memory.

    Built from the as-of answer at ``start`` (the value each point had when the window opens,
    however long ago it was stored) and each point's raw history over the window.  `at(ts)` is
    then what `DataSource.as_of` would answer for any ``ts`` in ``[start, end]``.
    """

    def __init__(self, start: int, end: int, series: Mapping[str, tuple[np.ndarray, np.ndarray, np.ndarray]]) -> None:
        self.start = int(start)
        self.end = int(end)
        self.series = dict(series)

    @classmethod
    def of(cls, start: int, end: int, before: Mapping[str, Sample],
           steps: Mapping[str, Sequence[tuple[int, float, Quality]]]) -> WindowValues:  # fmt: skip
        """From the samples at the window's start and each point's samples within it."""
        series: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        for point in set(before) | set(steps):
            rows = [(int(t), float(v), int(q)) for t, v, q in steps.get(point, ()) if start <= t <= end]
            prior = before.get(point)
            if prior is not None and (not rows or rows[0][0] > prior.ts):
                rows.insert(0, (int(prior.ts), float(prior.value), int(prior.quality)))
            if rows:
                ts, value, quality = zip(*rows, strict=True)
                series[point] = (np.asarray(ts, np.int64), np.asarray(value, np.float64), np.asarray(quality, np.uint8))
        return cls(start, end, series)

    def covers(self, ts: int) -> bool:
        """Whether ``ts`` is answered from memory."""
        return self.start <= ts <= self.end

    def at(self, ts: int) -> dict[str, Sample]:
        """Each point's last sample at or before ``ts`` (points with none are absent)."""
        out: dict[str, Sample] = {}
        qualities = list(Quality)
        for point, (times, values, quality) in self.series.items():
            i = int(np.searchsorted(times, ts, side="right")) - 1
            if i >= 0:
                out[point] = Sample(point, int(times[i]), float(values[i]), qualities[int(quality[i])])
        return out


async def window_values(source: DataSource, points: Iterable[str], start: int, end: int) -> WindowValues | None:
    """Fetch every point's samples over ``[start, end]`` (on the source's loop); None when a point's
    history came back bucketed or failed — then the window is answered by as-of queries only.

    A point the historian never stored simply has no values."""
    wanted = sorted(set(points))
    before = await source.as_of(wanted, start) if wanted else {}
    histories = await asyncio.gather(*(source.history(p, start, end + 1, WINDOW_POINTS) for p in wanted),
                                     return_exceptions=True)  # fmt: skip
    steps: dict[str, list[tuple[int, float, Quality]]] = {}
    for point, history in zip(wanted, histories, strict=True):
        if isinstance(history, KeyError):  # a point never stored (UnknownPoint): it had no value then
            continue
        if isinstance(history, BaseException) or not history.raw:
            return None
        steps[point] = history.samples
    return WindowValues.of(start, end, before, steps)


def diagram_for(diagrams: Iterable[Diagram], device: str | None, point: str | None = None,
                room: str | None = None) -> Diagram | None:
    """The diagram to replay an alarm on: the one drawing its point, else its device; among
    those, the diagram of the alarm's ``room``, then any room's diagram before the overview (it
    shows the detail), then the first; None when no diagram shows either."""
    best: tuple[int, int, int, int] | None = None
    chosen: Diagram | None = None
    for diagram in diagrams:
        binds_point = draws_device = False
        for placed in diagram.placed:
            if point and (point in placed.bindings.values() or any(lab.point == point for lab in placed.labels)):
                binds_point = True
            if device and placed.device == device:
                draws_device = True
        if not (binds_point or draws_device):
            continue
        score = (int(binds_point), int(draws_device), int(bool(room) and diagram.room == room), int(bool(diagram.room)))
        if best is None or score > best:
            best, chosen = score, diagram
    return chosen
