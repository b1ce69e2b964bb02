"""Who is calling and whether they may: the bearer token, the permission, the room.

Every protected route depends on `caller(permission, ...)`: a missing, bad or ended token is a
401 (`SessionExpired`), a known user without the permission a 403 (`PermissionDenied`), and a
403 is written to the audit log (who tried what, from where) — a refused attempt is exactly
what an audit is for.  A call that passes counts as use of the session (its idle timeout starts
again); a refused one does not.  Actions on something in a room (an alarm, a point's limits, a
diagram) check the room too, with `require_room`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.auth import Permission, PermissionDenied, Result, Session, User
from app.server.context import ServerState

log = logging.getLogger(__name__)

bearer = HTTPBearer(auto_error=False, description="the token of POST /auth/login")

#: The audit action of a refused call (a plain action word: the audit log takes new ones).
ACCESS_DENIED = "access_denied"


def state_of(request: Request) -> ServerState:
    """The server's shared parts."""
    return request.app.state.server


def client_address(request: Request) -> str:
    """Where the call came from, for the audit log (the peer's address; proxies are not trusted)."""
    return request.client.host if request.client is not None else ""


@dataclass(frozen=True, slots=True)
class Caller:
    """The user of a request, with the session it came with and from where."""

    session: Session
    address: str

    @property
    def user(self) -> User:
        return self.session.user

    @property
    def name(self) -> str:
        return self.session.user.name

    @property
    def token(self) -> str:
        return self.session.token


async def audit_refusal(request: Request, user: str, permission: str, room: str | None = None) -> None:
    """Write a 403 to the audit log; a failing audit write is logged and never turns a 403 into a 500."""
    state = state_of(request)
    detail = f"needs {permission}" + (f" in room {room}" if room else "")
    try:
        await state.blocking(state.users.audit.record, ACCESS_DENIED, user=user,
                             target=f"{request.method} {request.url.path}"[:200], detail=detail,
                             address=client_address(request), result=Result.REFUSED)
    except Exception:
        log.exception("the refusal of %s %s for %s was not written to the audit log",
                      request.method, request.url.path, user)


def caller(*permissions: Permission) -> Callable[..., Awaitable[Caller]]:
    """A dependency: the request's user when they have any of ``permissions`` (none given: logged in)."""

    async def dependency(request: Request,
                         credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Caller:
        token = credentials.credentials if credentials is not None else ""
        sessions = state_of(request).sessions
        if not permissions:
            session = sessions.touch(token)
        else:
            session = None
            refusal: PermissionDenied | None = None
            for permission in permissions:
                try:
                    session = sessions.require(token, permission)
                    break
                except PermissionDenied as exc:
                    refusal = refusal or exc
            if session is None:
                assert refusal is not None
                request.state.user = refusal.user
                await audit_refusal(request, refusal.user or "", " or ".join(permissions))
                raise refusal
        request.state.user = session.user.name
        return Caller(session, client_address(request))

    return dependency


async def require_room(request: Request, who: Caller, permission: Permission, room: str | None) -> None:
    """Refuse (403, audited) when ``who`` may not do ``permission`` in ``room``."""
    if room is None or who.user.can(permission, room):
        return
    await audit_refusal(request, who.name, str(permission), room)
    raise PermissionDenied(permission, room, who.name)
