"""GET /cameras/{id}/url, /alarms/{id}/snapshots, /snapshots?alarm_ids=, /snapshots/{id}, /snapshots/{id}/info.

Cameras are watched by the consoles themselves (RTSP from the camera, not through this
server), so the server hands out a camera's address with its credentials — to a user with
``view`` in the camera's room only, every time written to the audit log as ``camera.view``,
and never cached on the way (``Cache-Control: no-store``).  The address is the server's: the
password comes from the server's environment.

Alarm snapshots (the picture each linked camera gave when an alarm was raised) are read with
``view`` in the alarm's room; a snapshot without a picture answers 404 with the camera's reason.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from starlette.responses import Response

from app.alarms.model import JournalQuery
from app.api.codec import encode
from app.auth import Permission
from app.server.access import Caller, caller, require_room, state_of
from app.server.body import JsonResponse
from app.server.errors import NotFound
from app.server.routes import errors
from app.server.routes.alarms import MAX_ID, AlarmId, numbers
from app.server.schemas import CameraUrlOut
from app.video.snapshot_store import MAX_IDS, SnapshotInfo

router = APIRouter(tags=["cameras"])
Viewer = Annotated[Caller, Depends(caller(Permission.VIEW))]
CameraId = Annotated[str, Path(description="a camera of the site (GET /site: cameras)", examples=["CAM-1"])]
SnapshotId = Annotated[int, Path(ge=0, le=MAX_ID, description="a snapshot's id (GET /alarms/{id}/snapshots)")]
NO_STORE = {"Cache-Control": "no-store"}


def _camera_room(request: Request, camera_id: str) -> str | None:
    for camera in state_of(request).source.site().cameras:
        if camera.id == camera_id:
            return camera.room
    raise NotFound(f"this site has no camera {camera_id!r}")


async def alarm_room(request: Request, alarm_id: int) -> str | None:
    """The room of an alarm occurrence: from the active list, else from its journal rows; `NotFound` when none."""
    source = state_of(request).source
    for alarm in await source.alarms("active"):
        if alarm.id == alarm_id:
            return alarm.room
    rows = await source.alarm_journal(JournalQuery(alarm_id=alarm_id, limit=1))
    if not rows:
        raise NotFound(f"there is no alarm {alarm_id}")
    return rows[0].room


@router.get("/cameras/{camera_id}/url", response_model=CameraUrlOut, responses=errors(404, 503),
            summary="A camera's RTSP address with its credentials, to watch it (audited as camera.view)")
async def camera_url(camera_id: CameraId, request: Request, who: Viewer) -> JsonResponse:
    """Needs ``view`` in the camera's room.  503 when the server's environment lacks the camera's password."""
    await require_room(request, who, Permission.VIEW, _camera_room(request, camera_id))
    url = await state_of(request).source.camera_url(camera_id, user=who.name, address=who.address)  # type: ignore[call-arg]
    return JsonResponse({"camera_id": camera_id, "url": url}, headers=NO_STORE)


@router.get("/alarms/{alarm_id}/snapshots", response_model=list[SnapshotInfo], responses=errors(),
            summary="The pictures taken when an alarm was raised, one per linked camera (without the JPEG)")
async def alarm_snapshots(alarm_id: AlarmId, request: Request, who: Viewer) -> JsonResponse:
    """An alarm that does not exist has none (as in the console's own database)."""
    try:
        room = await alarm_room(request, alarm_id)
    except NotFound:
        return JsonResponse([])
    await require_room(request, who, Permission.VIEW, room)
    return JsonResponse(encode(await state_of(request).source.alarm_snapshots(alarm_id)))


@router.get("/snapshots", response_model=list[SnapshotInfo], responses=errors(),
            summary="The snapshots of many alarms at once (the alarm list marks which alarms have one)")
async def snapshots_of(request: Request, who: Viewer,
                       alarm_ids: Annotated[str, Query(description="1,2,3", max_length=200_000)]) -> JsonResponse:
    """Alarms the user may not view (rooms) are left out, as alarms without snapshots are."""
    ids = numbers(alarm_ids)
    if len(ids) > MAX_IDS:
        raise ValueError(f"at most {MAX_IDS} alarm ids per call, not {len(ids)}")
    found = await state_of(request).source.snapshots_of(ids)
    if who.user.rooms and found:
        rooms: dict[int, str | None] = {a.id: a.room for a in await state_of(request).source.alarms("active")}
        allowed = []
        for info in found:
            if info.alarm_id not in rooms:
                try:
                    rooms[info.alarm_id] = await alarm_room(request, info.alarm_id)
                except NotFound:  # not journaled yet: its room is unknown, so it is not shown to a room user
                    continue
            if who.user.can(Permission.VIEW, rooms[info.alarm_id]):
                allowed.append(info)
        found = allowed
    return JsonResponse(encode(found))


async def _snapshot_info(request: Request, who: Caller, snapshot_id: int) -> SnapshotInfo:
    info = await state_of(request).source.snapshot_info(snapshot_id)
    await require_room(request, who, Permission.VIEW, await alarm_room(request, info.alarm_id))
    return info


@router.get("/snapshots/{snapshot_id}/info", response_model=SnapshotInfo, responses=errors(404),
            summary="One snapshot's description (camera, time, size, or why there is no picture)")
async def snapshot_info(snapshot_id: SnapshotId, request: Request, who: Viewer) -> JsonResponse:
    return JsonResponse(encode(await _snapshot_info(request, who, snapshot_id)))


@router.get("/snapshots/{snapshot_id}", responses=errors(404) | {200: {
    "description": "the JPEG the camera gave", "content": {"image/jpeg": {"schema": {"type": "string",
                                                                                   "format": "binary"}}}}},
    summary="A snapshot's picture; 404 in words when it has none (the camera's reason) or does not exist")
async def snapshot(snapshot_id: SnapshotId, request: Request, who: Viewer) -> Response:
    await _snapshot_info(request, who, snapshot_id)
    jpeg = await state_of(request).source.alarm_snapshot(snapshot_id)
    return Response(jpeg, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=86400"})
