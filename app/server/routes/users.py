"""GET|POST /users, PATCH|DELETE /users/{name} (``manage_users``), GET /audit.

The user store checks that the acting user may manage users, keeps the last administrator,
and audits every change (refused ones too) with who and from where.  The server keeps the
sessions in step: a new password, a disabled or deleted user ends that user's sessions, a new
role or room list applies to them at once.  The audit log is for those who manage users or
export reports.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from starlette.responses import Response

from app.api.codec import encode
from app.auth import AuditEntry, Permission
from app.server.access import Caller, caller, state_of
from app.server.body import JsonResponse
from app.server.routes import errors
from app.server.routes.alarms import Rows, Words, words
from app.server.routes.plant import OptionalTime
from app.server.schemas import UserIn, UserOut, UserPatch, user_out

router = APIRouter(tags=["users"])
Admin = Annotated[Caller, Depends(caller(Permission.MANAGE_USERS))]
UserName = Annotated[str, Path(description="a user's name", examples=["op"])]
AuditReader = Annotated[Caller, Depends(caller(Permission.MANAGE_USERS, Permission.EXPORT_REPORTS))]


@router.get("/users", response_model=list[UserOut], responses=errors(), summary="Every user")
async def users(request: Request, _who: Admin) -> JsonResponse:
    state = state_of(request)
    return JsonResponse([user_out(u) for u in await state.blocking(state.users.users)])


@router.post("/users", status_code=201, response_model=UserOut, responses=errors(409),
             summary="A new user; 409 when the name is taken, 422 when the password is refused")
async def create_user(body: UserIn, request: Request, who: Admin) -> JsonResponse:
    state = state_of(request)
    user = await state.blocking(state.users.create_user, body.name, body.role, body.password, tuple(body.rooms),
                                body.display_name, by=who.name, address=who.address)
    return JsonResponse(user_out(user), status_code=201)


@router.patch("/users/{name}", response_model=UserOut, responses=errors(404, 409),
              summary="Change what is given of a user; 409 for the last administrator")
async def update_user(name: UserName, body: UserPatch, request: Request, who: Admin) -> JsonResponse:
    state = state_of(request)
    store, sessions, by, where = state.users, state.sessions, who.name, who.address
    user = await state.blocking(store.user, name)
    if body.role is not None or body.rooms is not None:
        rooms = tuple(body.rooms) if body.rooms is not None else user.rooms
        user = await state.blocking(store.set_role, name, body.role or user.role, rooms, by=by, address=where)
        sessions.update_user(user)
    if body.display_name is not None:
        user = await state.blocking(store.set_display_name, name, body.display_name, by=by, address=where)
        sessions.update_user(user)
    if body.password is not None:
        user = await state.blocking(store.set_password, name, body.password, by=by, address=where)
        sessions.close_user(name)
    if body.unlock:
        user = await state.blocking(store.unlock, name, by=by, address=where)
    if body.enabled is not None:
        change = store.enable if body.enabled else store.disable
        user = await state.blocking(change, name, by=by, address=where)
        sessions.update_user(user)  # a disabled user's sessions end
    return JsonResponse(user_out(user))


@router.delete("/users/{name}", status_code=204, response_class=Response, responses=errors(404, 409),
               summary="Remove a user (never the last administrator); their sessions end")
async def delete_user(name: UserName, request: Request, who: Admin) -> Response:
    state = state_of(request)
    await state.blocking(state.users.delete, name, by=who.name, address=who.address)
    state.sessions.close_user(name)
    return Response(status_code=204)


@router.get("/audit", response_model=list[AuditEntry], responses=errors(),
            summary="Who did what, when, from where, with what result; newest first")
async def audit(request: Request, _who: AuditReader, since: OptionalTime = None, until: OptionalTime = None,
                user: Annotated[str | None, Query(max_length=64)] = None, actions: Words = None,
                limit: Rows = 1000) -> JsonResponse:
    state = state_of(request)
    wanted = words(actions) or None
    rows = await state.blocking(state.users.audit.query, since, until, user, wanted, limit)
    return JsonResponse(encode(rows))
