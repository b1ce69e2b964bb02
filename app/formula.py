"""Formulas of derived points: arithmetic over other points' values, checked before it runs.

A site file says ``expr: "{T1-LV-IN.S} / 1000 * 100"``; point ids go in braces because they
contain dashes and dots.  The text is parsed with `ast` and only numbers, point references,
+ - * / ** and a few functions are allowed, so a site file can never run code.  It is then
compiled once to a Python function: derived points are evaluated on every input batch.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Callable, Mapping

_REF = re.compile(r"\{([^{}]+)\}")
FUNCTIONS: dict[str, Callable[..., float]] = {
    "abs": abs,
    "min": min,
    "max": max,
    "sqrt": math.sqrt,
    "sum": lambda *xs: math.fsum(xs),
}
_ALLOWED = (
    ast.Expression, ast.BinOp, ast.UnaryOp, ast.Constant, ast.Name, ast.Load, ast.Call,
    ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.USub, ast.UAdd, ast.Mod,
)  # fmt: skip


class FormulaError(ValueError):
    """A formula that cannot be used; the message says why in words."""


class Formula:
    """A parsed, compiled formula; `points` are the point ids it reads."""

    __slots__ = ("_fn", "points", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.points: tuple[str, ...] = tuple(dict.fromkeys(m.strip() for m in _REF.findall(text)))
        names = {pid: f"_p{i}" for i, pid in enumerate(self.points)}
        source = _REF.sub(lambda m: names[m.group(1).strip()], text)
        try:
            tree = ast.parse(source.strip(), mode="eval")
        except SyntaxError:
            raise FormulaError(f"{text!r} is not a formula (write point ids in braces: {{T1.P}} * 2)") from None
        for node in ast.walk(tree):
            if not isinstance(node, _ALLOWED):
                raise FormulaError(f"{text!r} uses {type(node).__name__}, which formulas do not allow")
            if isinstance(node, ast.Constant) and not isinstance(node.value, int | float):
                raise FormulaError(f"{text!r} has a constant that is not a number: {node.value!r}")
            if isinstance(node, ast.Name) and node.id not in FUNCTIONS and node.id not in names.values():
                raise FormulaError(f"{text!r}: unknown name {node.id!r} (point ids go in braces)")
            if isinstance(node, ast.Call) and (not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS):
                raise FormulaError(f"{text!r} calls something other than {', '.join(FUNCTIONS)}")
        args = ", ".join(names.values())
        body = ast.unparse(tree)
        self._fn: Callable[..., float] = eval(f"lambda {args}: {body}", {"__builtins__": {}, **FUNCTIONS})

    def evaluate(self, values: Mapping[str, float]) -> float:
        """The formula's value; KeyError if an input is missing, FormulaError on arithmetic errors."""
        try:
            return float(self._fn(*(values[p] for p in self.points)))
        except (ZeroDivisionError, OverflowError, ValueError) as exc:
            raise FormulaError(f"{self.text}: {exc}") from None
