"""Logged-in sessions: bearer tokens, their idle and absolute expiry, and permission checks on them.

Kept in memory on purpose: a restart of the server or the console ends every session, which is
what a person expects of a control system (log in again), and no token is ever written to disk.
Only a SHA-256 digest of each token is kept as the key, so the tokens cannot be read back from
the process either.  A session ends after `IDLE_TIMEOUT_S` without use or `LIFETIME_S` after
login, whichever comes first; `touch` (or `require`, which touches) counts as use.

A session holds a snapshot of its user.  After a change of the user the caller tells the
sessions: `close_user` after a password change, disable or delete (the person must log in
again), `update_user` after a change of role or rooms (the person stays logged in with the new
permissions).
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from .model import AccountDisabled, Permission, PermissionDenied, SessionExpired, User

IDLE_TIMEOUT_S = 30 * 60
LIFETIME_S = 12 * 3600


def _now_ms() -> int:
    return int(time.time() * 1000)


def _key(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True, slots=True)
class Session:
    """One login.  Times in ms UTC; ``expires_at`` is the earlier of the idle and the absolute end."""

    token: str = field(repr=False)  # never in a log line
    user: User
    address: str
    created: int
    last_seen: int
    expires_at: int


class Sessions:
    """Every open session of one console or server (thread-safe; nothing here blocks)."""

    def __init__(self, idle_timeout_s: float = IDLE_TIMEOUT_S, lifetime_s: float = LIFETIME_S, *,
                 clock: Callable[[], int] = _now_ms) -> None:
        if idle_timeout_s <= 0 or lifetime_s <= 0:
            raise ValueError("session timeouts must be positive")
        self.idle_ms = int(idle_timeout_s * 1000)
        self.lifetime_ms = int(lifetime_s * 1000)
        self._clock = clock
        self._by_key: dict[str, Session] = {}
        self._lock = threading.Lock()

    def open(self, user: User, address: str = "") -> Session:
        """A new session for a user `UserStore.authenticate` returned."""
        if user.disabled:
            raise AccountDisabled()
        now = self._clock()
        token = secrets.token_urlsafe(32)
        session = Session(token, user, address, now, now, self._expiry(now, now))
        with self._lock:
            self._purge(now)
            self._by_key[_key(token)] = session
        return session

    def check(self, token: str) -> Session:
        """The live session of ``token`` (not counted as use); `SessionExpired` otherwise."""
        with self._lock:
            return self._live(token, self._clock())

    def touch(self, token: str) -> Session:
        """Count a use of the session: its idle timeout starts again (never past its lifetime)."""
        now = self._clock()
        with self._lock:
            session = replace(self._live(token, now), last_seen=now)
            session = replace(session, expires_at=self._expiry(session.created, now))
            self._by_key[_key(token)] = session
            return session

    def require(self, token: str, permission: Permission | str, room: str | None = None) -> Session:
        """The session, used, when its user may do ``permission`` (in ``room``); else the refusal.

        `SessionExpired` (API 401) for a bad or ended token, `PermissionDenied` (API 403) for a
        known user without the permission; a refused call does not count as use.
        """
        now = self._clock()
        with self._lock:
            session = self._live(token, now)
            if not session.user.can(permission, room):
                raise PermissionDenied(permission, room, session.user.name)
            session = replace(session, last_seen=now, expires_at=self._expiry(session.created, now))
            self._by_key[_key(token)] = session
            return session

    def close(self, token: str) -> Session | None:
        """Log out: the session that ended, or None when there was none (a second logout is harmless)."""
        with self._lock:
            return self._by_key.pop(_key(token), None)

    def close_user(self, name: str) -> int:
        """End every session of ``name`` (case-insensitive, as user names are); how many ended."""
        with self._lock:
            keys = [k for k, s in self._by_key.items() if s.user.name.lower() == name.lower()]
            for k in keys:
                del self._by_key[k]
            return len(keys)

    def update_user(self, user: User) -> int:
        """Give the sessions of ``user`` its new role and rooms (a disabled user's sessions end)."""
        if user.disabled:
            return self.close_user(user.name)
        with self._lock:
            keys = [k for k, s in self._by_key.items() if s.user.name.lower() == user.name.lower()]
            for k in keys:
                self._by_key[k] = replace(self._by_key[k], user=user)
            return len(keys)

    def active(self) -> list[Session]:
        """The live sessions, oldest first (who is logged in, for the administrator's screen)."""
        now = self._clock()
        with self._lock:
            self._purge(now)
            return sorted(self._by_key.values(), key=lambda s: s.created)

    def _expiry(self, created: int, last_seen: int) -> int:
        return min(created + self.lifetime_ms, last_seen + self.idle_ms)

    def _live(self, token: str, now: int) -> Session:
        if not isinstance(token, str) or not token:
            raise SessionExpired("未登录", "not logged in")
        key = _key(token)
        session = self._by_key.get(key)
        if session is None:
            raise SessionExpired("登录无效或已退出", "unknown or closed session")
        if now >= session.created + self.lifetime_ms:
            del self._by_key[key]
            raise SessionExpired("登录已超过最长时限", "the session reached its maximum lifetime")
        if now >= session.last_seen + self.idle_ms:
            del self._by_key[key]
            raise SessionExpired("长时间未操作，登录已过期", "the session was idle too long")
        return session

    def _purge(self, now: int) -> None:
        for k, s in list(self._by_key.items()):
            if now >= s.expires_at:
                del self._by_key[k]
