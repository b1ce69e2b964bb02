"""GET /health, /site, /status, /points/latest, /points/as-of, /points/{id}/history.

Reads only (permission ``view``).  The hot answers (latest values, history) are written
straight to JSON by the codec without a second validation pass: a console polls them.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request

from app.api.codec import encode, history_columns, history_json, sample_object
from app.auth import Permission
from app.server.access import Caller, caller, state_of
from app.server.body import JsonResponse
from app.server.context import ServerState
from app.server.errors import NotFound
from app.server.routes import errors
from app.server.schemas import HealthOut, HistoriesIn, HistoriesOut, HistoryOut, SampleOut
from app.sources.base import SiteModel, SourceStatus

router = APIRouter(tags=["plant"])

MAX_IDS = 20_000
MAX_MS = 253_402_300_799_999  # the last ms of the year 9999: any larger "time" is a mistake
Viewer = Annotated[Caller, Depends(caller(Permission.VIEW))]
Time = Annotated[int, Query(ge=0, le=MAX_MS, description="ms UTC")]
PointId = Annotated[str, Path(description="a point of the site", examples=["T1-LV-IN.Ia"])]
OptionalTime = Annotated[int | None, Query(ge=0, le=MAX_MS, description="ms UTC")]


def point_ids(ids: str | None) -> list[str] | None:
    """``A,B,C`` as a list (None when absent); at most `MAX_IDS`."""
    if ids is None:
        return None
    out = [i.strip() for i in ids.split(",") if i.strip()]
    if len(out) > MAX_IDS:
        raise ValueError(f"at most {MAX_IDS} point ids per call, not {len(out)}")
    return out


@router.get("/health", response_model=HealthOut, responses=errors(protected=False),
            summary="For monitoring (no login): the source, its gateways and the database")
async def health(request: Request) -> dict:
    s = state_of(request).source.status()
    good = s.connected and s.db == "ok" and (s.gateways_online > 0 or s.gateways_total == 0)
    return {"status": "ok" if good else "degraded", "uptime_s": round(s.uptime_s, 3),
            "gateways_online": s.gateways_online, "gateways_total": s.gateways_total, "points": s.points,
            "samples_written": s.samples_written, "db": s.db}  # fmt: skip


@router.get("/site", response_model=SiteModel, responses=errors(), summary="The site's structure and states")
async def site(request: Request, _who: Viewer) -> JsonResponse:
    return JsonResponse(encode(state_of(request).source.site()))


@router.get("/status", response_model=SourceStatus, responses=errors(), summary="The source's health figures")
async def status(request: Request, _who: Viewer) -> JsonResponse:
    return JsonResponse(encode(state_of(request).source.status()))


@router.get("/points/latest", response_model=list[SampleOut], responses=errors(),
            summary="The newest value of each point (all points when ids is absent)")
async def latest(request: Request, _who: Viewer,
                 ids: Annotated[str | None, Query(description="A,B,C")] = None) -> JsonResponse:
    samples = await state_of(request).source.latest(point_ids(ids))
    return JsonResponse([sample_object(s) for s in samples])


@router.get("/points/as-of", response_model=list[SampleOut], responses=errors(),
            summary="Each point's value at ts: its last sample at or before it (points without one are left out)")
async def as_of(request: Request, _who: Viewer, ids: Annotated[str, Query(description="A,B,C")],
                ts: Time) -> JsonResponse:
    wanted = point_ids(ids) or []
    values = await state_of(request).source.as_of(wanted, ts)
    return JsonResponse([sample_object(values[p]) for p in wanted if p in values])


@router.get("/points/{point}/history", response_model=HistoryOut, responses=errors(404),
            summary="A point's history: raw samples, or at most max_points buckets")
async def history(request: Request, _who: Viewer, point: PointId, start: Time,
                  end: Annotated[int, Query(ge=0, le=MAX_MS, description="ms UTC, after start")],
                  max_points: Annotated[int, Query(ge=1, le=100_000)] = 2000) -> JsonResponse:
    state = state_of(request)
    state.point_room(point)  # 404 for a point the site does not have
    return JsonResponse(history_json(await state.source.history(point, start, end, max_points)))


@router.post("/points/history", response_model=HistoriesOut, responses=errors(),
             summary="Many points' histories over one range in one call (a console's backfill after an outage)")
async def histories(body: HistoriesIn, request: Request, _who: Viewer) -> JsonResponse:
    """Each history is what ``GET /points/{id}/history`` answers for that point; a point the site does
    not have is left out rather than failing the whole call."""
    state = state_of(request)
    known = [p for p in dict.fromkeys(body.ids) if _known(state, p)]
    shape = history_columns if body.shape == "columns" else history_json
    found = await state.source.histories(known, body.start, body.end, body.max_points,
                                         rows=body.shape == "rows") if known else []
    return JsonResponse({"items": [shape(h) for h in found]})


def _known(state: ServerState, point: str) -> bool:
    try:
        state.point_room(point)
    except NotFound:
        return False
    return True
