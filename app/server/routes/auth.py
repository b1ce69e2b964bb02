"""POST /auth/login, POST /auth/logout, GET /auth/me, POST /auth/password.

The user store counts failed logins, locks accounts and audits every attempt itself; the
server opens and closes the in-memory sessions and audits logouts.  A password change ends the
user's other sessions (someone else may know the old password), not the one that changed it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel

from app.auth import Action
from app.server.access import Caller, caller, client_address, state_of
from app.server.routes import errors
from app.server.schemas import LoginIn, LoginOut, PasswordIn, UserOut, user_out

router = APIRouter(prefix="/auth", tags=["auth"])
LoggedIn = Annotated[Caller, Depends(caller())]


class MeOut(BaseModel):
    expires_at: int
    user: UserOut


@router.post("/login", response_model=LoginOut, responses=errors(401, protected=False),
             summary="Log in: a bearer token for every other call")
async def login(body: LoginIn, request: Request) -> dict:
    """401 ``bad_credentials`` (never says whether the name exists), ``account_locked`` after repeated
    failures (with ``until``), ``account_disabled``."""
    state = state_of(request)
    address = client_address(request)
    user = await state.blocking(state.users.authenticate, body.username, body.password, address)
    session = state.sessions.open(user, address)
    request.state.user = user.name
    return {"token": session.token, "expires_at": session.expires_at, "user": user_out(user)}


@router.post("/logout", status_code=204, response_class=Response, responses=errors(),
             summary="Log out: the token ends")
async def logout(request: Request, who: LoggedIn) -> Response:
    state = state_of(request)
    state.sessions.close(who.token)
    await state.blocking(state.users.audit.record, Action.LOGOUT, user=who.name, target=who.name,
                         address=who.address)
    return Response(status_code=204)


@router.get("/me", response_model=MeOut, responses=errors(), summary="Who is logged in with this token")
async def me(who: LoggedIn) -> dict:
    return {"expires_at": who.session.expires_at, "user": user_out(who.user)}


@router.post("/password", status_code=204, response_class=Response, responses=errors(),
             summary="Change one's own password")
async def change_password(body: PasswordIn, request: Request, who: LoggedIn) -> Response:
    """401 ``bad_credentials`` for a wrong old password (it counts as a failed login);
    422 ``password_rejected`` says which rules the new one breaks."""
    state = state_of(request)
    await state.blocking(state.users.change_password, who.name, body.old, body.new, who.address)
    for other in state.sessions.active():
        if other.user.name.lower() == who.name.lower() and other.token != who.token:
            state.sessions.close(other.token)
    return Response(status_code=204)
