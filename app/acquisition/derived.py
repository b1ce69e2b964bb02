"""Derived points: computed from their inputs as the inputs arrive.

A transformer's load rate, a section's total power, a transformer's losses: each is a
formula over measured points (see `app.formula`).  When a batch of samples arrives, every
derived point that reads one of them is recomputed from the newest inputs, in dependency
order (a derived point may read another).  Its quality is the worst of its inputs', so a
load rate computed from a meter that stopped answering says so.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from app.formula import Formula, FormulaError
from app.model import Quality, Sample

log = logging.getLogger(__name__)


class DerivedPoints:
    """Evaluates a site's derived points on each sample batch."""

    def __init__(self, definitions: Iterable[tuple[str, str]]) -> None:
        self.formulas: dict[str, Formula] = {pid: Formula(expr) for pid, expr in definitions}
        self.order = _topological(self.formulas)
        self.readers: dict[str, list[str]] = {}  # input point -> derived points that read it
        for pid, f in self.formulas.items():
            for ref in f.points:
                self.readers.setdefault(ref, []).append(pid)
        self.latest: dict[str, tuple[float, Quality]] = {}
        self._failing: set[str] = set()

    @property
    def inputs(self) -> set[str]:
        """Every point some derived point reads."""
        return set(self.readers)

    def update(self, batch: list[Sample]) -> list[Sample]:
        """Take a batch; return the derived samples it makes (possibly none)."""
        readers = self.readers
        touched: set[str] = set()
        ts = 0
        for s in batch:
            if s.point in readers:
                self.latest[s.point] = (s.value, s.quality)
                touched.update(readers[s.point])
                ts = max(ts, s.ts)
        if not touched:
            return []
        out: list[Sample] = []
        for pid in self.order:
            if pid not in touched:
                continue
            sample = self._evaluate(pid, ts)
            if sample is None:
                continue
            out.append(sample)
            self.latest[pid] = (sample.value, sample.quality)
            touched.update(readers.get(pid, ()))
        return out

    def _evaluate(self, pid: str, ts: int) -> Sample | None:
        formula = self.formulas[pid]
        values: dict[str, float] = {}
        worst = Quality.GOOD
        for ref in formula.points:
            got = self.latest.get(ref)
            if got is None:
                return None  # not all inputs known yet
            values[ref] = got[0]
            worst = max(worst, got[1])
        try:
            value = formula.evaluate(values)
        except FormulaError as exc:
            if pid not in self._failing:
                self._failing.add(pid)
                log.warning("derived point %s cannot be computed: %s", pid, exc)
            return Sample(pid, ts, 0.0, Quality.BAD_VALUE)
        self._failing.discard(pid)
        return Sample(pid, ts, value, worst)


def _topological(formulas: dict[str, Formula]) -> list[str]:
    """Derived points ordered so every one comes after the derived points it reads."""
    order: list[str] = []
    done: set[str] = set()

    def visit(pid: str, path: tuple[str, ...]) -> None:
        if pid in done:
            return
        if pid in path:
            raise ValueError(f"derived point {pid} depends on itself")
        for ref in formulas[pid].points:
            if ref in formulas:
                visit(ref, (*path, pid))
        done.add(pid)
        order.append(pid)

    for pid in formulas:
        visit(pid, ())
    return order
