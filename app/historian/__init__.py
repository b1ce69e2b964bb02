"""The historian: what the plant measured, stored compactly and read back fast.

Public names: `Historian` (open, write, query, close), `PointInfo` and `StoragePolicy` (what is
stored and for how long), `History` (a trend as the API returns it), `HistorianStatus`, the errors,
and `AsyncHistory` (the queries as coroutines).  Plain Python, SQLAlchemy and numpy: no Qt.
"""

from .aio import AsyncHistory
from .block import Series
from .errors import BadQuery, DatabaseUnavailable, HistorianError, NotOpen, SchemaTooNew, UnknownPoint
from .historian import Historian
from .policy import RESOLUTIONS, PointInfo, PolicyError, StoragePolicy
from .query import History
from .writer import HistorianStatus

__all__ = [
    "RESOLUTIONS",
    "AsyncHistory",
    "BadQuery",
    "DatabaseUnavailable",
    "Historian",
    "HistorianError",
    "HistorianStatus",
    "History",
    "NotOpen",
    "PointInfo",
    "PolicyError",
    "SchemaTooNew",
    "Series",
    "StoragePolicy",
    "UnknownPoint",
]
