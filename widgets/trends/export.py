"""Writing what a trend shows to a CSV file a spreadsheet opens (Chinese names intact).

One row per sample or bucket, long format (time, point, ...), because the pens of a trend
rarely share timestamps.  Times are written in the site's zone with their offset, so the file
means the same on any computer; UTF-8 with a byte-order mark so Excel reads the names.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from app.model import Quality

from .pen import Pen

HEADER = ("time", "point", "name", "unit", "value", "min", "max", "quality", "bucket_s")


class ExportError(OSError):
    """The file could not be written; the message names it and the reason."""


def write_csv(path: Path, pens: Iterable[Pen], start_ms: int, end_ms: int, tz: ZoneInfo) -> int:
    """Write the pens' rows with start <= ts <= end; returns the number of data rows."""
    count = 0
    try:
        with Path(path).open("w", encoding="utf-8-sig", newline="") as handle:
            out = csv.writer(handle)
            out.writerow(HEADER)
            for pen in pens:
                first, rows = pen.series.visible_rows(start_ms, end_ms)
                for offset, ts in enumerate(rows["ts"].tolist()):
                    bucket = pen.series.is_bucket_row(first + offset)
                    when = datetime.fromtimestamp(ts / 1000, tz).isoformat(timespec="milliseconds")
                    out.writerow((
                        when, pen.point, pen.info.name, pen.info.unit,
                        _num(rows["value"][offset]), _num(rows["vmin"][offset]), _num(rows["vmax"][offset]),
                        Quality(int(rows["quality"][offset])).word,
                        pen.series.bucket_ms / 1000 if bucket else 0,
                    ))
                    count += 1
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None
    return count


def _num(value: float) -> str:
    return repr(float(value)) if math.isfinite(value) else ""  # NaN (no value) as an empty cell
