"""Live and historical trends (pyqtgraph): `TrendView` and the trend-set format it saves."""

from .trend_set import TrendSet, TrendSetError
from .view import MIME_POINTS, HistoryFetcher, TrendError, TrendView

__all__ = ["MIME_POINTS", "HistoryFetcher", "TrendError", "TrendSet", "TrendSetError", "TrendView"]
