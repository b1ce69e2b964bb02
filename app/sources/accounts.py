"""Users, the signed-in user and the audit log of one source, for the console in direct mode.

In direct mode the users live in the local historian database (`app.auth.UserStore`); in cloud
mode they live on the server and `CloudSource` does the same through the API.  The console
signs in through its source (`DataSource.login`), and user management acts as the signed-in
user (``by``), so the audit log always says who.  Every call blocks on the database and runs on
the source's executor, never on its loop or the GUI thread.

Acknowledging, shelving, limit changes and diagram saves are audited by the source itself
(`Accounts.record`), with the user name the caller passes: the console passes its signed-in
user, the server the user of the request's token.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from app.auth import Action, AuditEntry, Permission, PermissionDenied, Result, Role, Sessions, User, UserStore
from app.auth.model import SessionExpired, UnknownUser

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Login:
    """A signed-in user of a source: who, what they may do (``user.can``), and until when."""

    token: str
    user: User
    expires_at: int  # ms UTC


class Accounts:
    """The local user store, the one session of this console, and the audit log."""

    def __init__(self, db_url: str | Path, executor: Executor, address: str = "console") -> None:
        self.store = UserStore(db_url)
        self.sessions = Sessions()
        self.address = address
        self._executor = executor
        self.login: Login | None = None

    def close(self) -> None:
        """Let go of the database (blocking: from the source's executor on stop)."""
        self.store.close()

    async def _run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, lambda: fn(*args, **kwargs))

    def _by(self, permission: Permission) -> str:
        """The signed-in user's name, when they may do ``permission`` (else PermissionDenied/SessionExpired)."""
        if self.login is None:
            raise SessionExpired()
        session = self.sessions.require(self.login.token, permission)
        return session.user.name

    # -- signing in ------------------------------------------------------------------------

    async def needs_first_admin(self) -> bool:
        return await self._run(self.store.needs_first_admin)

    async def create_first_admin(self, name: str, password: str, display_name: str = "") -> User:
        return await self._run(self.store.create_first_admin, name, password, display_name, self.address)

    async def sign_in(self, name: str, password: str) -> Login:
        user = await self._run(self.store.authenticate, name, password, self.address)
        if self.login is not None:
            self.sessions.close(self.login.token)
        session = self.sessions.open(user, self.address)
        self.login = Login(session.token, user, session.expires_at)
        return self.login

    async def sign_out(self) -> None:
        login, self.login = self.login, None
        if login is not None:
            self.sessions.close(login.token)
            await self._run(self.store.audit.record, Action.LOGOUT, user=login.user.name, address=self.address)

    def touch(self) -> Login | None:
        """The person is at the console: keep the session alive (None once it expired)."""
        if self.login is None:
            return None
        try:
            session = self.sessions.touch(self.login.token)
        except SessionExpired:
            self.login = None
            return None
        self.login = Login(session.token, session.user, session.expires_at)
        return self.login

    async def change_password(self, old: str, new: str) -> None:
        if self.login is None:
            raise SessionExpired()
        await self._run(self.store.change_password, self.login.user.name, old, new, self.address)

    # -- managing users --------------------------------------------------------------------

    async def users(self) -> list[User]:
        self._by(Permission.MANAGE_USERS)
        return await self._run(self.store.users)

    async def create_user(self, name: str, role: Role | str, password: str, rooms: Iterable[str] = (),
                          display_name: str = "") -> User:
        by = self._by(Permission.MANAGE_USERS)
        return await self._run(self.store.create_user, name, role, password, tuple(rooms), display_name, by=by,
                                address=self.address)

    async def update_user(self, name: str, *, role: Role | str | None = None, rooms: Iterable[str] | None = None,
                          display_name: str | None = None, enabled: bool | None = None,
                          password: str | None = None, unlock: bool = False) -> User:
        """Change what is given (each change is its own audited step); returns the user as stored."""
        by = self._by(Permission.MANAGE_USERS)
        store, where = self.store, self.address
        user = await self._run(store.user, name)
        if role is not None or rooms is not None:
            user = await self._run(store.set_role, name, role or user.role,
                                   tuple(rooms) if rooms is not None else user.rooms, by=by, address=where)
            self.sessions.update_user(user)
        if display_name is not None:
            user = await self._run(store.set_display_name, name, display_name, by=by, address=where)
        if password is not None:
            user = await self._run(store.set_password, name, password, by=by, address=where)
            self.sessions.close_user(name)
        if unlock:
            user = await self._run(store.unlock, name, by=by, address=where)
        if enabled is not None:
            user = await self._run(store.enable if enabled else store.disable, name, by=by, address=where)
            if not enabled:
                self.sessions.close_user(name)
        return user

    async def delete_user(self, name: str) -> None:
        by = self._by(Permission.MANAGE_USERS)
        await self._run(self.store.delete, name, by=by, address=self.address)
        self.sessions.close_user(name)

    # -- the audit log ---------------------------------------------------------------------

    async def audit(self, since: int | None = None, until: int | None = None, user: str | None = None,
                    actions: Iterable[str] | None = None, limit: int = 1000) -> list[AuditEntry]:
        return await self._run(self.store.audit.query, since, until, user, actions, limit)

    async def check(self, user: str | None, permission: Permission, action: Action | str, target: str,
                    address: str | None = None) -> None:
        """Refuse (and audit the refusal) when ``user`` is a user of this site without ``permission``.

        The console greys out what its user may not do and the server checks every token; this is
        the last line behind both, in the source itself, so a window left open after a change of
        user, or a caller that forgot to ask, cannot act beyond the user's rights.  A name that is
        no user here (a headless tool, a site before its first administrator) is not checked: the
        callers that act for people pass signed-in users.
        """
        if not user:
            return
        try:
            known = await self._run(self.store.user, user)
        except UnknownUser:
            return
        if not known.can(permission):
            await self.record(action, user, target, f"needs {permission}", Result.REFUSED, address)
            raise PermissionDenied(permission, None, user)

    async def record(self, action: Action | str, user: str | None, target: str = "", detail: str = "",
                     result: Result | str = Result.OK, address: str | None = None) -> None:
        """Write one audit row; a failing audit write is logged, never undoes what was done."""
        try:
            await self._run(self.store.audit.record, action, user=user, target=target, detail=detail,
                            address=self.address if address is None else address, result=result)
        except Exception:  # the plant action happened; the log line says the audit missed it
            log.exception("audit row not written: %s %s by %s", action, target, user)


__all__ = ["Accounts", "Login", "PermissionDenied"]
