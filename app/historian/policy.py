"""What to store and for how long: per-point storage rules and the retention policy.

A historian that stores every poll of every point fills the disk with noise; one that stores
too little draws false trends.  Each point therefore says how it is stored
(`PointInfo`): an absolute deadband (store when the value moved more than this), store-on-change
for digital states, and a maximum interval so that a quiet point still gets a sample often
enough for trends and as-of lookups to stay continuous.  Quality changes are always stored.

Rollups (min, max, avg, first, last, count per 1 min, 15 min, 1 h, 1 day) are computed from every
good sample *before* the deadband, so the deadband never hides a peak from a report.  How long
each resolution is kept is the `StoragePolicy`'s retention.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from app.model import PointKind

from .errors import HistorianError

MINUTE_MS: Final = 60_000
DAY_MS: Final = 86_400_000

#: Rollup resolutions: the code stored in the database, the name used in settings, the width.
RESOLUTIONS: Final[tuple[tuple[int, str, int], ...]] = (
    (1, "1m", 60_000),
    (2, "15m", 900_000),
    (3, "1h", 3_600_000),
    (4, "1d", 86_400_000),
)
RETENTION_KEYS: Final = ("raw", *(name for _, name, _ in RESOLUTIONS))

DEFAULT_RETENTION: Final[Mapping[str, float | None]] = {
    "raw": 366.0,
    "1m": 366.0,
    "15m": 3 * 366.0,
    "1h": None,
    "1d": None,
}


class PolicyError(HistorianError, ValueError):
    """A storage rule or retention setting is out of range."""


@dataclass(frozen=True)
class PointInfo:
    """How one point is stored.

    ``deadband``: ``None`` stores every sample; ``0`` stores on change; ``> 0`` stores when the
    value moved more than this (absolute, in the point's unit) from the last stored value.
    Digital points always store on change.  ``max_interval_s``: store at least this often even
    when nothing changed (``None``: never forced).
    """

    id: str
    unit: str = ""
    kind: PointKind = PointKind.ANALOG
    deadband: float | None = 0.0
    max_interval_s: float | None = 300.0

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id.strip() or len(self.id) > 200:
            raise PolicyError(f"a point id must be a non-empty string of at most 200 characters, not {self.id!r}")
        try:
            object.__setattr__(self, "kind", PointKind(self.kind))
        except ValueError:
            kinds = ", ".join(k.value for k in PointKind)
            raise PolicyError(f"point {self.id}: kind {self.kind!r} is not one of {kinds}") from None
        if self.deadband is not None and not (math.isfinite(self.deadband) and self.deadband >= 0):
            raise PolicyError(f"point {self.id}: deadband must be a number >= 0 or None, not {self.deadband!r}")
        if self.max_interval_s is not None and not (math.isfinite(self.max_interval_s) and self.max_interval_s > 0):
            raise PolicyError(
                f"point {self.id}: max_interval_s must be a number > 0 or None, not {self.max_interval_s!r}"
            )

    @property
    def effective_deadband(self) -> float | None:
        """The deadband the filter applies: digital states store on every change."""
        if self.kind is PointKind.DIGITAL:
            return 0.0
        return self.deadband


@dataclass(frozen=True)
class StoragePolicy:
    """Retention per resolution in days (``None`` keeps forever) and how days are cut.

    ``day_offset_min`` shifts the 1-day rollup boundaries from UTC midnight to local midnight of a
    fixed-offset zone (480 for Asia/Shanghai), so a daily bucket is the site's day.
    """

    retention_days: Mapping[str, float | None] = field(default_factory=lambda: dict(DEFAULT_RETENTION))
    day_offset_min: int = 0

    def __post_init__(self) -> None:
        merged = dict(DEFAULT_RETENTION)
        for key, days in dict(self.retention_days).items():
            if key not in RETENTION_KEYS:
                raise PolicyError(f"retention: {key!r} is not a resolution ({', '.join(RETENTION_KEYS)})")
            if days is not None and not (isinstance(days, int | float) and math.isfinite(days) and days > 0):
                raise PolicyError(f"retention: {key} must be a number of days > 0 or None, not {days!r}")
            merged[key] = None if days is None else float(days)
        object.__setattr__(self, "retention_days", merged)
        if not isinstance(self.day_offset_min, int) or not -14 * 60 <= self.day_offset_min <= 14 * 60:
            raise PolicyError(f"day_offset_min must be whole minutes within ±14 h, not {self.day_offset_min!r}")

    def keep_ms(self, key: str) -> int | None:
        """How long a resolution is kept, in milliseconds (``None``: forever)."""
        days = self.retention_days[key]
        return None if days is None else int(days * DAY_MS)

    def offset_ms(self, width_ms: int) -> int:
        """The boundary offset of buckets of this width (only whole days follow the site's day)."""
        return self.day_offset_min * MINUTE_MS if width_ms >= DAY_MS else 0
