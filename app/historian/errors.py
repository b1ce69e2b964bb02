"""The historian's typed errors: each says in words what is wrong and what to do about it.

Callers (the DataSource, the server, the console) catch `HistorianError` and show its message;
the subclasses let them answer precisely (an unknown point is a 404, a bad range a 400).
"""

from __future__ import annotations


class HistorianError(Exception):
    """Something the historian cannot do; the message is meant for a person."""


class UnknownPoint(HistorianError, KeyError):
    """A query named a point the historian has never stored."""

    def __init__(self, point: str) -> None:
        super().__init__(f"no history for point {point!r}: it was never registered or written")
        self.point = point

    def __str__(self) -> str:  # KeyError would quote the message again
        return str(self.args[0])


class BadQuery(HistorianError, ValueError):
    """A query's arguments make no sense (an empty range, max_points below 1, ...)."""


class SchemaTooNew(HistorianError):
    """The database was written by a newer SwitchRoom; opening it could damage it."""


class DatabaseUnavailable(HistorianError):
    """The database cannot be opened or created (bad URL, no server, no permission)."""


class NotOpen(HistorianError):
    """The historian was used before `open()` or after `close()`."""
