"""The API's routes, one module per part of the contract (see each module).

`errors(...)` documents the error answers a route may give, so the OpenAPI document lists them
with the error object's shape; every protected route may answer 401 and 403.
"""

from __future__ import annotations

from typing import Any

from app.server.schemas import ErrorOut

_WORDS = {
    401: "not logged in, or the session ended (log in again)",
    403: "the user may not do this (here)",
    404: "no such point, alarm, diagram, user or record",
    409: "refused by the state of things (already acknowledged, a newer drawing, a taken name)",
    422: "the request does not make sense; the message says why",
    503: "the database or a file cannot be used just now",
}


def errors(*statuses: int, protected: bool = True) -> dict[int | str, dict[str, Any]]:
    """The ``responses`` of a route: its possible error statuses with the error object's model."""
    wanted = ({401, 403} if protected else set()) | {422, *statuses}
    return {s: {"model": ErrorOut, "description": _WORDS.get(s, "error")} for s in sorted(wanted)}
