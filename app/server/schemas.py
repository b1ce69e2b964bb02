"""The request and answer shapes of the cloud API, as the OpenAPI document states them.

Requests are pydantic models, so a body that does not fit is a 422 in words before any route
runs.  Answers are written by `app.api.codec` (the one JSON form `CloudSource` decodes); their
models here only document them.  Where a domain dataclass is the answer (`Alarm`,
`JournalEntry`, `AuditEntry`, `SiteModel`, ...) the document is derived from that dataclass
itself, so the two cannot drift, and the schemathesis test checks every answer against it.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.alarms.engine import MAX_SHELVE_MINUTES
from app.auth import Role, User

Quality = Literal["good", "stale", "comm_fail", "bad_value"]
# Rows of mixed types as plain arrays: tuple schemas (prefixItems) trip up some OpenAPI tools.
Row = list[int | float | str | None]
HistoryRow = Annotated[Row, Field(min_length=3, max_length=3, description="[ts, value, quality]")]
BucketRow = Annotated[list[float | None], Field(min_length=5, max_length=5, description="[ts, min, max, avg, last]")]
SampleRow = Annotated[Row, Field(min_length=4, max_length=4, description="[id, ts, value, quality]")]


class Strict(BaseModel):
    """A request body: unknown fields are refused, so a typo is a 422 instead of silently ignored."""

    model_config = ConfigDict(extra="forbid")


# -- errors ------------------------------------------------------------------------------------


class ErrorDetail(BaseModel):
    code: str = Field(description="machine-readable: bad_credentials, account_locked, session_expired, "
                                  "permission_denied, not_found, conflict, alarm_action_refused, "
                                  "drawing_conflict, bad_drawing, bad_input, unavailable, internal, ...")
    message: str = Field(description="for a person: English, or Chinese with Accept-Language: zh")
    message_zh: str | None = None
    message_en: str | None = None
    until: int | None = Field(None, description="account_locked: locked until (ms UTC)")


class ErrorOut(BaseModel):
    """Every error answer."""

    error: ErrorDetail


# -- signing in and users ------------------------------------------------------------------------


class LoginIn(Strict):
    username: str = Field(min_length=1, max_length=256)
    password: str = Field(min_length=1, max_length=1024)


class UserOut(BaseModel):
    """A user as the API shows one (never a password hash)."""

    name: str
    role: Role
    permissions: list[str] = Field(description="what the role allows (empty while disabled)")
    rooms: list[str] = Field(description="rooms the user may act in; empty: every room")
    display_name: str
    disabled: bool = False
    failed_logins: int = 0
    locked_until: int | None = None
    password_changed_at: int = 0
    created_at: int = 0


class LoginOut(BaseModel):
    token: str = Field(description="bearer token: 'Authorization: Bearer TOKEN', or ?token= on /stream")
    expires_at: int = Field(description="ms UTC; every call moves it on (idle timeout) up to the session's lifetime")
    user: UserOut


class PasswordIn(Strict):
    old: str = Field(min_length=1, max_length=1024)
    new: str = Field(min_length=1, max_length=1024)


class UserIn(Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"name": "wang", "role": "operator", "password": "Shift-0perator-Wang", "rooms": ["LV"],
         "display_name": "王工"}]})
    name: str = Field(min_length=1, max_length=64)
    role: Role
    password: str = Field(min_length=1, max_length=1024)
    rooms: list[str] = Field(default_factory=list, max_length=1000)
    display_name: str = Field("", max_length=128)


class UserPatch(Strict):
    """Only what is given changes; each change is its own audited step."""

    role: Role | None = None
    rooms: list[str] | None = Field(None, max_length=1000)
    display_name: str | None = Field(None, max_length=128)
    enabled: bool | None = None
    password: str | None = Field(None, min_length=1, max_length=1024)
    unlock: bool = False


def user_out(user: User) -> dict[str, Any]:
    """`UserOut`'s JSON for ``user`` (the codec's form plus the role's permissions)."""
    return {
        "name": user.name, "role": str(user.role), "permissions": sorted(str(p) for p in user.permissions),
        "rooms": list(user.rooms), "display_name": user.display_name, "disabled": user.disabled,
        "failed_logins": user.failed_logins, "locked_until": user.locked_until,
        "password_changed_at": user.password_changed_at, "created_at": user.created_at,
    }  # fmt: skip


# -- the plant -------------------------------------------------------------------------------------


class HealthOut(BaseModel):
    """For monitoring: no login needed, nothing secret."""

    status: Literal["ok", "degraded"] = Field(description="degraded: no gateway online, or the database is not ok")
    uptime_s: float
    gateways_online: int
    gateways_total: int
    points: int
    samples_written: int
    db: str = Field(description="'ok', or what is wrong in words")


class SampleOut(BaseModel):
    id: str
    ts: int
    value: float | None = Field(description="null when the value is not a finite number")
    quality: Quality


class HistoryOut(BaseModel):
    """Raw samples when the range holds at most max_points of them, else at most max_points buckets."""

    id: str
    unit: str
    raw: bool
    samples: list[HistoryRow] | None = Field(None, description="raw: [[ts, value, quality]...]")
    buckets: list[BucketRow] | None = Field(None, description="bucketed: [[ts, min, max, avg, last]...]")
    bucket_ms: int | None = None
    ts: list[int] | None = Field(None, description='raw with "shape": "columns": the timestamps, ms UTC')
    v: list[float | None] | None = Field(None, description='raw with "shape": "columns": the values (null: not finite)')
    q: list[Annotated[list[str | int], Field(min_length=2, max_length=2)]] | None = Field(
        None, description='raw with "shape": "columns": the qualities as runs [[word, count]...]')


class HistoriesIn(Strict):
    """Many points' histories in one call: what a console needs to fill a gap after an outage."""

    ids: list[str] = Field(min_length=1, max_length=10_000)
    start: int = Field(ge=0, le=253_402_300_799_999, description="ms UTC")
    end: int = Field(ge=0, le=253_402_300_799_999, description="ms UTC, after start")
    max_points: int = Field(2000, ge=1, le=100_000, description="per point")
    shape: Literal["rows", "columns"] = Field(
        "rows", description='"rows": raw samples as GET /points/{id}/history gives them; "columns": raw samples '
                            'as the arrays ts and v and the quality runs q (a backfill reads millions of samples)')


class HistoriesOut(BaseModel):
    items: list[HistoryOut] = Field(description="in the order asked; points this site does not have are left out")


class LimitsIn(Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"limits": {"H": {"value": 38, "level": 3}, "HH": {"value": 45, "level": 2}, "deadband": 1}}]})
    limits: dict[str, Any] | None = Field(
        description='the point\'s whole limit rule, e.g. {"H": {"value": 130, "level": 2}, "HH": 150, '
                    '"deadband": 3}; null: no limits at all')


class LimitsOut(BaseModel):
    point: str
    limits: dict[str, Any] | None
    origin: Literal["site", "runtime"]


class DiagramIn(Strict):
    text: str = Field(max_length=20_000_000, description="the whole diagram file (versioned JSON)")
    base_revision: int | None = Field(None, description="the revision the edit started from; null: overwrite")


class DiagramSaved(BaseModel):
    id: str
    revision: int


class FaultRecordOut(BaseModel):
    id: int
    samples: dict[str, list[SampleRow]] = Field(
        description="per point, oldest first: [[id, ts, value, quality]...]")


class CameraUrlOut(BaseModel):
    """A camera's address to watch it, with its credentials (GET /cameras/{id}/url; never cached)."""

    camera_id: str
    url: str = Field(description="rtsp://user:password@host:port/path")


# -- alarms -----------------------------------------------------------------------------------------


class AckIn(Strict):
    comment: str | None = Field(None, max_length=2000)


class AckManyIn(Strict):
    ids: list[int] = Field(min_length=1, max_length=10_000)
    comment: str | None = Field(None, max_length=2000)


class ShelveIn(Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"minutes": 30, "reason": "检修"}]})
    minutes: float = Field(gt=0, le=MAX_SHELVE_MINUTES)
    reason: str = Field(min_length=1, max_length=2000)
