"""A trend set: which pens, in which colours, on which axes, over which range — as plain JSON.

The main window stores it through the settings module and reopens it later, possibly on a
newer version or another site, so reading one checks every field and says what is wrong in
words (`TrendSetError`) instead of failing somewhere inside the plot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .palette import is_colour
from .pen import OWN_AXIS, UNIT_AXIS

VERSION = 1
MAX_PENS = 32
MAX_SPAN_S = 10 * 366 * 86_400  # ten years of history in one view is the most that makes sense


class TrendSetError(ValueError):
    """A stored trend set cannot be read; the message says which field and why."""


@dataclass(frozen=True)
class PenSpec:
    """One pen of a trend set."""

    point: str
    colour: str
    axis: str = UNIT_AXIS
    visible: bool = True


@dataclass(frozen=True)
class TrendRange:
    """Live (the last ``span_s`` seconds, scrolling) or a fixed ``[start_ms, end_ms]``."""

    live: bool = True
    span_s: float = 3600.0
    start_ms: int = 0
    end_ms: int = 0


@dataclass(frozen=True)
class TrendSet:
    """Everything needed to draw the same trend again."""

    pens: list[PenSpec] = field(default_factory=list)
    range: TrendRange = field(default_factory=TrendRange)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict (``version``, ``pens``, ``range``)."""
        pens = [{"point": p.point, "colour": p.colour, "axis": p.axis, "visible": p.visible} for p in self.pens]
        if self.range.live:
            span: dict[str, Any] = {"mode": "live", "span_s": self.range.span_s}
        else:
            span = {"mode": "fixed", "start_ms": self.range.start_ms, "end_ms": self.range.end_ms}
        return {"version": VERSION, "pens": pens, "range": span}

    @classmethod
    def from_dict(cls, data: object) -> TrendSet:
        """Read a dict made by `to_dict`; TrendSetError names the first thing wrong."""
        if not isinstance(data, dict):
            raise TrendSetError(f"a trend set is a JSON object, not {type(data).__name__}")
        version = data.get("version")
        if version != VERSION:
            raise TrendSetError(f"trend set version {version!r} is not supported (this console reads {VERSION})")
        pens_data = data.get("pens")
        if not isinstance(pens_data, list):
            raise TrendSetError("pens: expected a list of pens")
        if len(pens_data) > MAX_PENS:
            raise TrendSetError(f"pens: {len(pens_data)} pens, at most {MAX_PENS} are allowed")
        pens = [_pen(i, p) for i, p in enumerate(pens_data)]
        seen: set[str] = set()
        for i, pen in enumerate(pens):
            if pen.point in seen:
                raise TrendSetError(f"pens[{i}].point: {pen.point!r} appears twice")
            seen.add(pen.point)
        return cls(pens, _range(data.get("range")))


def _pen(index: int, data: object) -> PenSpec:
    where = f"pens[{index}]"
    if not isinstance(data, dict):
        raise TrendSetError(f"{where}: expected an object with point, colour, axis")
    point = data.get("point")
    if not isinstance(point, str) or not point.strip():
        raise TrendSetError(f"{where}.point: expected a point id, not {point!r}")
    colour = data.get("colour")
    if not is_colour(colour):
        raise TrendSetError(f"{where}.colour: expected a colour like #2f86d6, not {colour!r}")
    axis = data.get("axis", UNIT_AXIS)
    if axis not in (UNIT_AXIS, OWN_AXIS):
        raise TrendSetError(f"{where}.axis: expected {UNIT_AXIS!r} or {OWN_AXIS!r}, not {axis!r}")
    visible = data.get("visible", True)
    if not isinstance(visible, bool):
        raise TrendSetError(f"{where}.visible: expected true or false, not {visible!r}")
    return PenSpec(point, str(colour).lower(), axis, visible)


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _range(data: object) -> TrendRange:
    if data is None:
        return TrendRange()
    if not isinstance(data, dict):
        raise TrendSetError("range: expected an object with mode")
    mode = data.get("mode")
    if mode == "live":
        span = data.get("span_s")
        if not _number(span) or not 1 <= span <= MAX_SPAN_S:  # type: ignore[operator]
            raise TrendSetError(f"range.span_s: expected seconds between 1 and {MAX_SPAN_S}, not {span!r}")
        return TrendRange(True, float(span))  # type: ignore[arg-type]
    if mode == "fixed":
        start, end = data.get("start_ms"), data.get("end_ms")
        for name, value in (("start_ms", start), ("end_ms", end)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise TrendSetError(f"range.{name}: expected milliseconds since 1970 (UTC), not {value!r}")
        if end <= start:  # type: ignore[operator]
            raise TrendSetError(f"range: end_ms ({end}) is not after start_ms ({start})")
        if (end - start) / 1000 > MAX_SPAN_S:  # type: ignore[operator]
            raise TrendSetError("range: longer than ten years")
        return TrendRange(False, (end - start) / 1000, start, end)  # type: ignore[operator, arg-type]
    raise TrendSetError(f"range.mode: expected 'live' or 'fixed', not {mode!r}")
