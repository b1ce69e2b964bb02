"""Conditions written in a site file: ``"{F1-01.DI1} == 0"`` — a comparison of two formulas.

A rule's ``suppress_when`` holds its alarms back while the plant is in a state where they
mean nothing (a feeder's breaker open for maintenance).  Both sides are `app.formula`
formulas, so the same safety applies (no code runs, unknown names are refused), and
``and``/``or`` join comparisons: ``"{F1-01.DI1} == 0 or {F1-01.DI2} == 1"``.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping

from app.formula import Formula, FormulaError

_OPS: dict[str, Callable[[float, float], bool]] = {
    "==": lambda a, b: abs(a - b) < 1e-9,
    "!=": lambda a, b: abs(a - b) >= 1e-9,
    "<=": operator.le,
    ">=": operator.ge,
    "<": operator.lt,
    ">": operator.gt,
}
_CMP = re.compile(r"(==|!=|<=|>=|<|>)")
_JOIN = re.compile(r"\s+(and|or)\s+")


class When:
    """A parsed condition; `points` are the point ids it reads.  Raises `FormulaError` in words."""

    __slots__ = ("_terms", "points", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        parts = _JOIN.split(text.strip())
        self._terms: list[tuple[str, Formula, Callable[[float, float], bool], Formula]] = []
        join = "and"
        for i, part in enumerate(parts):
            if i % 2:
                join = part
                continue
            pieces = _CMP.split(part)
            if len(pieces) != 3:
                raise FormulaError(
                    f"{text!r} is not a condition: compare two values, e.g. {{F1-01.DI1}} == 0 (and/or join several)"
                )
            left, op, right = pieces
            self._terms.append((join, Formula(left.strip()), _OPS[op], Formula(right.strip())))
        self.points: tuple[str, ...] = tuple(
            dict.fromkeys(p for _, a, _, b in self._terms for p in (*a.points, *b.points))
        )

    def holds(self, values: Mapping[str, float]) -> bool | None:
        """Whether the condition holds; None while a point it reads has no value yet or arithmetic fails."""
        result: bool | None = None
        try:
            for join, left, op, right in self._terms:
                term = op(left.evaluate(values), right.evaluate(values))
                result = term if result is None else (result and term if join == "and" else result or term)
        except (KeyError, FormulaError):
            return None
        return result
