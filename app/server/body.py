"""The API's JSON answers: UTF-8 as it is (Chinese stays readable), never a NaN in the text.

Starlette's JSONResponse refuses non-finite floats with a ValueError, which would turn a bucket
of bad values into a 500; the codec sends them as null, and this response does the same for
anything that slipped through, so an answer is always valid JSON.  Answers are written with
orjson (non-finite floats become null there too): a console's backfill after an outage is
millions of samples, and the standard library's encoder was most of the server's time on it.
"""

from __future__ import annotations

import math
from typing import Any

import orjson
from starlette.responses import JSONResponse

_OPTIONS = orjson.OPT_NON_STR_KEYS


def finite(value: Any) -> Any:
    """``value`` with every non-finite float replaced by None (walks lists, tuples and dicts)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v) for v in value]
    return value


def dumps_bytes(content: Any) -> bytes:
    """Compact UTF-8 JSON of ``content`` (non-finite floats as null)."""
    try:
        return orjson.dumps(content, option=_OPTIONS)
    except TypeError:  # a type orjson does not know (an int beyond 64 bits...): the walk, then again
        return orjson.dumps(finite(content), option=_OPTIONS, default=str)


def dumps(content: Any) -> str:
    """Compact JSON text of ``content`` (non-finite floats as null)."""
    return dumps_bytes(content).decode("utf-8")


class JsonResponse(JSONResponse):
    """A JSON answer that is always valid JSON."""

    def render(self, content: Any) -> bytes:
        return dumps_bytes(content)
