"""Point limits, diagrams, notification channels and fault records.

GET|PUT|DELETE /points/{id}/limits (``edit_alarm_rules`` to change; DELETE goes back to the
site file's limits), GET|PUT /diagrams/{id} (``edit_site`` to save, with the revision the edit
started from: 409 when someone saved since, 422 for a drawing that would not open),
GET /notifications, GET /fault-records, GET /fault-records/{id}.  Changes are made by the
source, which audits them with the request's user; a user restricted to rooms changes only
what lies in them.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from starlette.responses import Response

from app.alarms.fault_store import FaultRecordHeader
from app.alarms.journal_db import BadJournalQuery
from app.alarms.notify import ChannelStatus
from app.api.codec import encode, sample_row
from app.auth import Permission
from app.server.access import Caller, caller, require_room, state_of
from app.server.body import JsonResponse
from app.server.errors import NotFound
from app.server.routes import errors
from app.server.routes.alarms import MAX_ID
from app.server.routes.plant import OptionalTime, PointId, Viewer
from app.server.schemas import DiagramIn, DiagramSaved, FaultRecordOut, LimitsIn, LimitsOut

router = APIRouter(tags=["configuration"])
RuleEditor = Annotated[Caller, Depends(caller(Permission.EDIT_ALARM_RULES))]
SiteEditor = Annotated[Caller, Depends(caller(Permission.EDIT_SITE))]
DiagramId = Annotated[str, Path(description="a diagram of the site (GET /site: diagrams)", examples=["hv-room"])]
RecordId = Annotated[int, Path(description="a fault record's id (GET /fault-records)", examples=[1])]


async def _limits(request: Request, point: str) -> JsonResponse:
    spec, origin = await state_of(request).source.point_limits(point)
    return JsonResponse({"point": point, "limits": spec, "origin": origin})


@router.get("/points/{point}/limits", response_model=LimitsOut, responses=errors(404),
            summary="A point's alarm limits in force and where they come from (site file or runtime)")
async def point_limits(point: PointId, request: Request, _who: Viewer) -> JsonResponse:
    state_of(request).point_room(point)
    return await _limits(request, point)


@router.put("/points/{point}/limits", response_model=LimitsOut, responses=errors(404),
            summary="Change a point's limits now; they run at once and survive a restart")
async def set_point_limits(point: PointId, body: LimitsIn, request: Request, who: RuleEditor) -> JsonResponse:
    state = state_of(request)
    await require_room(request, who, Permission.EDIT_ALARM_RULES, state.point_room(point))
    await state.source.set_point_limits(point, body.limits, who.name, address=who.address)
    return await _limits(request, point)


@router.delete("/points/{point}/limits", response_model=LimitsOut, responses=errors(404),
               summary="Back to the site file's limits")
async def revert_point_limits(point: PointId, request: Request, who: RuleEditor) -> JsonResponse:
    state = state_of(request)
    await require_room(request, who, Permission.EDIT_ALARM_RULES, state.point_room(point))
    await state.source.revert_point_limits(point, who.name, address=who.address)
    return await _limits(request, point)


@router.get("/diagrams/{diagram_id}", responses=errors(404, 503) | {200: {
    "description": "the diagram file as stored (versioned JSON of app.diagram.fileformat), byte for byte",
    "content": {"application/json": {"schema": {"type": "object"}}}}},
    summary="A single-line diagram's file")
async def diagram(diagram_id: DiagramId, request: Request, _who: Viewer) -> Response:
    state = state_of(request)
    state.diagram_room(diagram_id)
    text = await state.source.diagram(diagram_id)
    return Response(text.encode("utf-8"), media_type="application/json; charset=utf-8")


@router.put("/diagrams/{diagram_id}", response_model=DiagramSaved, responses=errors(404, 409, 503),
            summary="Store an edited diagram; 409 when someone saved a newer revision since base_revision")
async def save_diagram(diagram_id: DiagramId, body: DiagramIn, request: Request, who: SiteEditor) -> JsonResponse:
    state = state_of(request)
    await require_room(request, who, Permission.EDIT_SITE, state.diagram_room(diagram_id))
    revision = await state.source.save_diagram(diagram_id, body.text, body.base_revision, who.name,
                                               address=who.address)
    return JsonResponse({"id": diagram_id, "revision": revision})


@router.get("/notifications", response_model=list[ChannelStatus], responses=errors(),
            summary="Each notification channel's state")
async def notifications(request: Request, _who: Viewer) -> JsonResponse:
    return JsonResponse(encode(state_of(request).source.notification_status()))


@router.get("/fault-records", response_model=list[FaultRecordHeader], responses=errors(),
            summary="Fault records (full-resolution captures around alarms), newest first")
async def fault_records(request: Request, _who: Viewer,
                        alarm_id: Annotated[int | None, Query(ge=0, le=MAX_ID)] = None,
                        since: OptionalTime = None) -> JsonResponse:
    return JsonResponse(encode(await state_of(request).source.fault_records(alarm_id, since)))


@router.get("/fault-records/{record_id}", response_model=FaultRecordOut, responses=errors(404),
            summary="One fault record's samples per point, oldest first")
async def fault_record(record_id: RecordId, request: Request, _who: Viewer) -> JsonResponse:
    if not 0 <= record_id <= MAX_ID:
        raise KeyError(f"there is no fault record {record_id}")
    try:
        series = await state_of(request).source.fault_record(record_id)
    except BadJournalQuery as exc:  # the recorder's words for a record it does not have
        raise NotFound(str(exc)) from None
    return JsonResponse({"id": record_id, "samples": {p: [sample_row(s) for s in rows] for p, rows in series.items()}})
