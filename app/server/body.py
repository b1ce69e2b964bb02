"""The API's JSON answers: UTF-8 as it is (Chinese stays readable), never a NaN in the text.

Starlette's JSONResponse refuses non-finite floats with a ValueError, which would turn a bucket
of bad values into a 500; the codec sends them as null, and this response does the same for
anything that slipped through, so an answer is always valid JSON.
"""

from __future__ import annotations

import json
import math
from typing import Any

from starlette.responses import JSONResponse


def finite(value: Any) -> Any:
    """``value`` with every non-finite float replaced by None (walks lists, tuples and dicts)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v) for v in value]
    return value


def dumps(content: Any) -> str:
    """Compact JSON text of ``content`` (non-finite floats as null)."""
    try:
        return json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except ValueError:  # a NaN somewhere: the rare case pays for the walk
        return json.dumps(finite(content), ensure_ascii=False, allow_nan=False, separators=(",", ":"))


class JsonResponse(JSONResponse):
    """A JSON answer that is always valid JSON."""

    def render(self, content: Any) -> bytes:
        return dumps(content).encode("utf-8")
