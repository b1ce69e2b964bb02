"""Print the latest value and quality of points from a history database.

For engineers and scripts: what did the server last record?  The database is opened read-only,
so it is safe to run while the server that owns it is writing.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

from app.config import SiteError, load_site
from app.historian import Historian, HistorianError
from app.paths import default_db_url


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The points command's options."""
    parser.add_argument("--db", metavar="URL", help="history database (default: the demo site's)")
    parser.add_argument("--ids", metavar="ID,ID", help="point ids, comma-separated (default: all)")
    parser.add_argument("--site", metavar="FILE", help="site file, for units and the time zone (default: demo)")


def run(args: argparse.Namespace) -> int:
    """Print the table; exit 1 when a requested point has no value, 2 when the database cannot be read."""
    try:
        site = load_site(args.site)
    except SiteError as exc:
        print(f"points: the site file cannot be used:\n{exc}", file=sys.stderr)
        return 2
    historian = Historian(args.db or default_db_url(), read_only=True)
    try:
        historian.open()
        ids = [i.strip() for i in args.ids.split(",") if i.strip()] if args.ids else None
        latest = historian.latest(ids)
    except HistorianError as exc:
        print(f"points: {exc}", file=sys.stderr)
        return 2
    finally:
        historian.close()
    print(format_points(latest, site.tz, {p.id: p.unit for p in site.points.values()}, ids))
    return 0 if ids is None or all(i in latest for i in ids) else 1


def format_points(latest: dict, tz: ZoneInfo, units: dict[str, str], ids: list[str] | None) -> str:
    """One line per point: id, value, unit, quality, local time of the sample."""
    names = ids if ids is not None else sorted(latest)
    rows = [("point", "value", "unit", "quality", "time")]
    for name in names:
        s = latest.get(name)
        if s is None:
            rows.append((name, "-", units.get(name, ""), "no value", ""))
            continue
        when = datetime.fromtimestamp(s.ts / 1000, tz).strftime("%Y-%m-%d %H:%M:%S")
        rows.append((name, f"{s.value:.6g}", units.get(name, ""), s.quality.word, when))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = []
    for r in rows:
        lines.append("  ".join([r[0].ljust(widths[0]), r[1].rjust(widths[1]), r[2].ljust(widths[2]),
                                r[3].ljust(widths[3]), r[4]]).rstrip())  # fmt: skip
    return "\n".join(lines)
