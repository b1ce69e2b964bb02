"""GET /alarms, /alarms/journal, /alarms/flood; POST /alarms/ack, /alarms/{id}/ack|shelve|unshelve.

The source does the action and audits it with the request's user and address.  A user
restricted to some rooms may act only on alarms of those rooms (403, audited); an alarm not on
the active list has no room to check and the source refuses it (409), as it refuses a second
acknowledgement.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path, Query, Request

from app.alarms.flood import FloodSummary
from app.alarms.journal import JournalEntry
from app.alarms.model import Alarm, JournalQuery
from app.api.codec import encode
from app.auth import Permission
from app.server.access import Caller, caller, require_room, state_of
from app.server.body import JsonResponse
from app.server.routes import errors
from app.server.routes.plant import MAX_MS, OptionalTime, Viewer
from app.server.schemas import AckIn, AckManyIn, ShelveIn

router = APIRouter(prefix="/alarms", tags=["alarms"])
MAX_ROWS = 100_000
MAX_ID = 2**53  # ids are database integers: larger ones name nothing
Rows = Annotated[int, Query(ge=1, le=MAX_ROWS)]
Words = Annotated[str | None, Query(description="a,b,c")]
Acknowledger = Annotated[Caller, Depends(caller(Permission.ACKNOWLEDGE))]
Shelver = Annotated[Caller, Depends(caller(Permission.SHELVE))]
AlarmId = Annotated[int, Path(description="an alarm occurrence's id (GET /alarms)", examples=[1])]


def words(text: str | None) -> tuple[str, ...]:
    """``a,b,c`` as a tuple (empty when absent)."""
    return tuple(w.strip() for w in (text or "").split(",") if w.strip())


def numbers(text: str | None) -> tuple[int, ...]:
    try:
        return tuple(int(w) for w in words(text))
    except ValueError:
        raise ValueError(f"levels are numbers 1 to 4 separated by commas, not {text!r}") from None


async def check_rooms(request: Request, who: Caller, permission: Permission, ids: Iterable[int]) -> None:
    """403 when one of the alarms lies in a room ``who`` may not act in."""
    if not who.user.rooms:
        return  # every room
    wanted = set(ids)
    for alarm in await state_of(request).source.alarms("active"):
        if alarm.id in wanted:
            await require_room(request, who, permission, alarm.room)


@router.get("", response_model=list[Alarm], responses=errors(), summary="Alarm occurrences, newest first")
async def alarms(request: Request, _who: Viewer,
                 state: Annotated[str, Query(pattern="^(active|all)$")] = "active",
                 since: Annotated[int | None, Query(ge=0, le=MAX_MS, description="raised at or after (ms UTC)")] = None,
                 limit: Annotated[int | None, Query(ge=1, le=MAX_ROWS)] = None) -> JsonResponse:
    """``active``: every alarm not back to normal (shelved and suppressed ones too); ``all``: the journal's."""
    return JsonResponse(encode(await state_of(request).source.alarms(state, since, limit)))


@router.get("/journal", response_model=list[JournalEntry], responses=errors(),
            summary="Every change of every alarm matching the filters, newest first")
async def journal(request: Request, _who: Viewer, start: OptionalTime = None, end: OptionalTime = None,
                  points: Words = None, devices: Words = None, rooms: Words = None, levels: Words = None,
                  states: Words = None, changes: Words = None,
                  text: Annotated[str | None, Query(max_length=200)] = None,
                  alarm_id: Annotated[int | None, Query(ge=0, le=MAX_ID)] = None, limit: Rows = 1000,
                  offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> JsonResponse:
    query = JournalQuery(start, end, words(points), words(devices), words(rooms), numbers(levels), words(states),
                         words(changes), text, alarm_id, limit, offset)  # fmt: skip
    return JsonResponse(encode(await state_of(request).source.alarm_journal(query)))


@router.get("/flood", response_model=FloodSummary | None, responses=errors(),
            summary="The alarm flood going on now (null when none)")
async def flood(request: Request, _who: Viewer) -> JsonResponse:
    return JsonResponse(encode(state_of(request).source.flood()))


@router.post("/ack", response_model=list[Alarm], responses=errors(409),
             summary="Acknowledge several alarms: those that can be; 409 when none could")
async def acknowledge_many(body: AckManyIn, request: Request, who: Acknowledger) -> JsonResponse:
    await check_rooms(request, who, Permission.ACKNOWLEDGE, body.ids)
    done = await state_of(request).source.acknowledge(body.ids, who.name, body.comment, address=who.address)
    return JsonResponse(encode(done))


@router.post("/{alarm_id}/ack", response_model=Alarm, responses=errors(409),
             summary="Acknowledge one alarm; 409 when it is already acknowledged or not active")
async def acknowledge(alarm_id: AlarmId, request: Request, who: Acknowledger,
                      body: Annotated[AckIn | None, Body()] = None) -> JsonResponse:
    await check_rooms(request, who, Permission.ACKNOWLEDGE, [alarm_id])
    comment = body.comment if body is not None else None
    done = await state_of(request).source.acknowledge([alarm_id], who.name, comment, address=who.address)
    return JsonResponse(encode(done[0]))


@router.post("/{alarm_id}/shelve", response_model=Alarm, responses=errors(409),
             summary="Shelve an alarm for a while, with a reason; it returns by itself")
async def shelve(alarm_id: AlarmId, body: ShelveIn, request: Request, who: Shelver) -> JsonResponse:
    await check_rooms(request, who, Permission.SHELVE, [alarm_id])
    done = await state_of(request).source.shelve(alarm_id, body.minutes, body.reason, who.name, address=who.address)
    return JsonResponse(encode(done))


@router.post("/{alarm_id}/unshelve", response_model=Alarm, responses=errors(409),
             summary="Take a shelved alarm back before its time")
async def unshelve(alarm_id: AlarmId, request: Request, who: Shelver) -> JsonResponse:
    await check_rooms(request, who, Permission.SHELVE, [alarm_id])
    return JsonResponse(encode(await state_of(request).source.unshelve(alarm_id, who.name, address=who.address)))
