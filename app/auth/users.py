"""The users: who they are, their role and rooms, their password hash, failed logins and lockout.

Kept in the historian's database (`auth_user`, revision 0004), so a console in direct mode has
its users in its local file and the server in PostgreSQL.  There is no built-in account: on a
new database `needs_first_admin` is true and the console (or the server, from its environment)
creates the first administrator with a password the person chose.

What this store promises:

* A login never tells whether the name exists: an unknown name costs the same Argon2 work, gets
  the same `BadCredentials`, and is locked out after the same number of failures (counted in
  memory) as a real account would be.
* `MAX_FAILURES` failed logins within `FAILURE_WINDOW_MS` lock the account for `LOCKOUT_MS`;
  while locked even the right password is refused (`AccountLocked` says until when); a success
  clears the count.  Failures are counted in the database row, so every console and the server
  see the same count.
* Every change, and every refused change, is written to the audit log; a change and its audit
  row are one transaction.  Changes of other users need an enabled user with `manage_users`
  (``by``); the last enabled administrator can be neither demoted, disabled nor deleted.
* Thread-safe.  Every call blocks on the database and Argon2 (tens of milliseconds on purpose):
  callers run them in a worker thread, never on the event loop or the GUI thread.  Argon2 runs
  outside any transaction, so a login never holds the SQLite write lock the historian needs.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, delete, func, insert, select, text, update

from app.historian.schema import auth_user as table

from .audit import Action, AuditLog, Result
from .database import AuthDatabase
from .model import (
    AccountDisabled,
    AccountLocked,
    AuthError,
    AuthUnavailable,
    BadCredentials,
    BadUserInput,
    PasswordRejected,
    Permission,
    PermissionDenied,
    Role,
    UnknownUser,
    User,
    UserConflict,
    rooms_tuple,
)
from .passwords import Argon2Hasher, Reason, check_password, password_problems

MAX_FAILURES = 5
FAILURE_WINDOW_MS = 15 * 60_000
LOCKOUT_MS = 15 * 60_000
MAX_NAME = 64
MAX_DISPLAY_NAME = 128
UNKNOWN_NAMES_KEPT = 10_000  # failed names that are no user, remembered for their lockout

T = TypeVar("T")


def _now_ms() -> int:
    return int(time.time() * 1000)


def _user(row: Any) -> User:
    return User(name=row.name, role=Role(row.role), rooms=tuple(json.loads(row.rooms)),
                display_name=row.display_name, disabled=bool(row.disabled), failed_logins=int(row.failed_logins),
                locked_until=row.locked_until, password_changed_at=int(row.password_changed_at),
                created_at=int(row.created_at))


def _rooms_words(rooms: tuple[str, ...]) -> str:
    return ",".join(rooms) if rooms else "all"


def check_name(name: object) -> str:
    """A user name as stored: 1 to 64 printable characters without surrounding spaces."""
    if not isinstance(name, str) or not name or name != name.strip() or len(name) > MAX_NAME or not name.isprintable():
        raise BadUserInput(f"用户名须为 1–{MAX_NAME} 个可见字符，首尾不能有空格",
                           f"a user name is 1 to {MAX_NAME} printable characters without surrounding spaces")
    return name


def _role(role: object) -> Role:
    try:
        return Role(role)
    except ValueError:
        known = ", ".join(r.value for r in Role)
        raise BadUserInput(f"没有角色 {role!r}（可选：{known}）", f"there is no role {role!r} ({known})") from None


def _display(display_name: str) -> str:
    display_name = str(display_name).strip()
    if len(display_name) > MAX_DISPLAY_NAME or not display_name.isprintable():
        raise BadUserInput(f"显示名最多 {MAX_DISPLAY_NAME} 个可见字符",
                           f"a display name is at most {MAX_DISPLAY_NAME} printable characters")
    return display_name


class UserStore:
    """The users in the historian's database.  ``target``: a database URL, a SQLite file or an engine.

    ``hasher``: the Argon2id parameters (the default is the production profile).  ``clock``: ms
    UTC, injectable so lockouts can be tested without waiting.  The audit log shares the database
    and the clock (`UserStore.audit`).
    """

    def __init__(self, target: str | Path | Engine | AuthDatabase, *, hasher: Argon2Hasher | None = None,
                 clock: Callable[[], int] = _now_ms) -> None:
        self._db = target if isinstance(target, AuthDatabase) else AuthDatabase(target)
        self._hasher = hasher or Argon2Hasher()
        self._clock = clock
        self.audit = AuditLog(self._db, clock=clock)
        self._lock = threading.RLock()
        self._unknown: dict[str, tuple[int, int, int | None]] = {}  # name -> failures, first at, locked until
        self._dummy_hash: str | None = None

    def open(self) -> None:
        """Open (and if needed create or upgrade) the database; the first call of any method does it too."""
        self._db.open()

    def close(self) -> None:
        self._db.close()

    # --- reading ---------------------------------------------------------------------------------

    def users(self) -> list[User]:
        """Every user, by name."""
        rows = self._db.read("reading the users", lambda c: list(c.execute(select(table).order_by(table.c.name))))
        return [_user(r) for r in rows]

    def user(self, name: str) -> User:
        """The user called ``name`` (case-insensitive); `UnknownUser` for an administrator's screens."""
        row = self._db.read("reading a user", lambda c: _find(c, name))
        if row is None:
            raise UnknownUser(name)
        return _user(row)

    def needs_first_admin(self) -> bool:
        """True while the database has no administrator at all: the first start must create one."""
        return self._db.read("reading the users", _admin_count) == 0

    # --- first start and logins ------------------------------------------------------------------

    def create_first_admin(self, name: str, password: str, display_name: str = "", address: str = "") -> User:
        """Create the first administrator; `UserConflict` once any administrator exists."""

        def steps() -> User:
            check_name(name)
            display = _display(display_name)
            if self._db.read("reading the users", _admin_count):
                raise _first_admin_exists()
            check_password(password, name)
            hashed = self._hasher.hash(password)

            def body(conn: Connection, now: int) -> User:
                if conn.dialect.name == "postgresql":  # two first starts at once: only one may win
                    conn.execute(text("LOCK TABLE auth_user IN SHARE ROW EXCLUSIVE MODE"))
                if _admin_count(conn):
                    raise _first_admin_exists()
                user = self._insert(conn, name, Role.ADMINISTRATOR, (), display, hashed, now, by=name)
                self.audit.write(conn, Action.USER_CREATE, user=name, target=name, address=address, ts=now,
                                 detail="first administrator")
                return user

            return self._write("creating the first administrator", body)

        return self._audited(Action.USER_CREATE, name, name, address, steps)

    def authenticate(self, name: str, password: str, address: str = "") -> User:
        """The user when ``password`` is theirs; else `BadCredentials`, `AccountLocked` or `AccountDisabled`.

        Counts failures and locks as the module says; every attempt is in the audit log.
        """
        now = self._clock()
        row = self._db.read("reading a user", lambda c: _find(c, name)) if isinstance(name, str) else None
        if row is None:
            return self._refuse_unknown(str(name), password, address, now)
        if row.locked_until is not None and row.locked_until > now:
            self.audit.record(Action.LOGIN_FAILED, user=row.name, target=row.name, detail="account locked",
                              address=address, result=Result.REFUSED, ts=now)
            raise AccountLocked(row.locked_until)
        if not self._hasher.verify(row.password_hash, password):
            raise self._write("counting a failed login", lambda c, t: self._count_failure(c, row.name, address, now))
        rehash = self._hasher.hash(password) if self._hasher.needs_rehash(row.password_hash) else None

        def succeed(conn: Connection, _t: int) -> User | AuthError:
            fresh = _find(conn, row.name, lock=True)
            if fresh is None or fresh.password_hash != row.password_hash:  # deleted or changed meanwhile
                self.audit.write(conn, Action.LOGIN_FAILED, user=row.name, target=row.name, address=address,
                                 detail="password changed or user deleted meanwhile", result=Result.FAILED, ts=now)
                return BadCredentials()
            if fresh.locked_until is not None and fresh.locked_until > now:  # locked by others meanwhile
                self.audit.write(conn, Action.LOGIN_FAILED, user=row.name, target=row.name, address=address,
                                 detail="account locked", result=Result.REFUSED, ts=now)
                return AccountLocked(fresh.locked_until)
            if fresh.disabled:
                self.audit.write(conn, Action.LOGIN_FAILED, user=fresh.name, target=fresh.name, address=address,
                                 detail="account disabled", result=Result.REFUSED, ts=now)
                return AccountDisabled()
            values: dict[str, Any] = {"failed_logins": 0, "first_failure_at": None, "locked_until": None}
            if rehash is not None:
                values["password_hash"] = rehash
            conn.execute(update(table).where(table.c.name == fresh.name).values(**values))
            self.audit.write(conn, Action.LOGIN, user=fresh.name, target=fresh.name, address=address, ts=now)
            return _user(_find(conn, fresh.name))

        outcome = self._write("recording a login", succeed)
        if isinstance(outcome, AuthError):
            raise outcome
        return outcome

    def change_password(self, name: str, old: str, new: str, address: str = "") -> User:
        """A user changes their own password; a wrong ``old`` counts as a failed login."""

        def steps() -> User:
            self._check_own_password(name, old, address)
            reasons = password_problems(new, name)
            if new == old:
                reasons.append(Reason("same_as_old", "新密码不能与旧密码相同", "the new password equals the old one"))
            if reasons:
                raise PasswordRejected(reasons)
            hashed = self._hasher.hash(new)

            def body(conn: Connection, now: int) -> User:
                user = self._set_password(conn, name, hashed, now)
                self.audit.write(conn, Action.PASSWORD_CHANGE, user=user.name, target=user.name, address=address,
                                 detail="by the user", ts=now)
                return user

            return self._write("changing a password", body)

        return self._audited(Action.PASSWORD_CHANGE, name, name, address, steps)

    def _check_own_password(self, name: str, password: str, address: str) -> User:
        """A user's current password before a change of their own (a wrong one counts like a failed login)."""
        now = self._clock()
        row = self._db.read("reading a user", lambda c: _find(c, name))
        if row is None:
            return self._refuse_unknown(name, password, address, now)
        if row.locked_until is not None and row.locked_until > now:
            raise AccountLocked(row.locked_until)
        if not self._hasher.verify(row.password_hash, password):
            raise self._write("counting a failed login", lambda c, t: self._count_failure(c, row.name, address, now))
        if row.disabled:
            raise AccountDisabled()
        return _user(row)

    # --- an administrator's changes ------------------------------------------------------------------

    def create_user(self, name: str, role: Role | str, password: str, rooms: Iterable[str] = (),
                    display_name: str = "", *, by: str, address: str = "") -> User:
        """A new user with a first password (the policy applies); `UserConflict` when the name is taken."""

        def steps() -> User:
            self._db.read("reading the users", lambda c: _actor(c, by))
            check_name(name)
            new_role, new_rooms, display = _role(role), _clean_rooms(rooms), _display(display_name)
            check_password(password, name)
            hashed = self._hasher.hash(password)

            def body(conn: Connection, now: int) -> User:
                _actor(conn, by)
                if _find(conn, name) is not None:
                    raise UserConflict(f"用户名 {name} 已被使用", f"the user name {name} is taken")
                user = self._insert(conn, name, new_role, new_rooms, display, hashed, now, by=by)
                self.audit.write(conn, Action.USER_CREATE, user=by, target=name, address=address, ts=now,
                                 detail=f"role {new_role}; rooms {_rooms_words(new_rooms)}")
                return user

            return self._write("creating a user", body)

        return self._audited(Action.USER_CREATE, by, name, address, steps)

    def set_password(self, name: str, new: str, *, by: str, address: str = "") -> User:
        """An administrator sets another user's password (a forgotten one); it also ends a lockout."""

        def steps() -> User:
            self._db.read("reading the users", lambda c: _actor(c, by))
            check_password(new, name)
            hashed = self._hasher.hash(new)

            def body(conn: Connection, now: int) -> User:
                _actor(conn, by)
                user = self._set_password(conn, name, hashed, now)
                self.audit.write(conn, Action.PASSWORD_CHANGE, user=by, target=user.name, address=address, ts=now,
                                 detail="set by an administrator")
                return user

            return self._write("setting a password", body)

        return self._audited(Action.PASSWORD_CHANGE, by, name, address, steps)

    def set_role(self, name: str, role: Role | str, rooms: Iterable[str] = (), *, by: str,
                 address: str = "") -> User:
        """Give ``name`` a role and rooms (empty: every room); never demotes the last administrator."""

        def body(conn: Connection, now: int) -> User:
            new_role, new_rooms = _role(role), _clean_rooms(rooms)
            _actor(conn, by)
            row = _existing(conn, name, lock=True)
            if row.role == Role.ADMINISTRATOR and new_role != Role.ADMINISTRATOR and not row.disabled:
                _keep_an_administrator(conn, row.name)
            conn.execute(update(table).where(table.c.name == row.name)
                         .values(role=str(new_role), rooms=json.dumps(list(new_rooms), ensure_ascii=False)))
            old_rooms = tuple(json.loads(row.rooms))
            self.audit.write(conn, Action.USER_CHANGE, user=by, target=row.name, address=address, ts=now,
                             detail=f"role {row.role} -> {new_role}; rooms {_rooms_words(old_rooms)} -> "
                                    f"{_rooms_words(new_rooms)}")
            return _user(_find(conn, row.name))

        return self._audited(Action.USER_CHANGE, by, name, address, lambda: self._write("changing a role", body))

    def set_display_name(self, name: str, display_name: str, *, by: str, address: str = "") -> User:
        """The name people see for ``name`` (e.g. 张工 for zhang)."""

        def body(conn: Connection, now: int) -> User:
            display = _display(display_name)
            _actor(conn, by)
            row = _existing(conn, name, lock=True)
            conn.execute(update(table).where(table.c.name == row.name).values(display_name=display))
            self.audit.write(conn, Action.USER_CHANGE, user=by, target=row.name, address=address, ts=now,
                             detail=f"display name {row.display_name!r} -> {display!r}")
            return _user(_find(conn, row.name))

        return self._audited(Action.USER_CHANGE, by, name, address,
                             lambda: self._write("changing a display name", body))

    def disable(self, name: str, *, by: str, address: str = "") -> User:
        """Stop ``name`` from logging in (kept for the audit's sake); never the last administrator."""
        return self._set_disabled(name, True, by, address)

    def enable(self, name: str, *, by: str, address: str = "") -> User:
        """Let a disabled user log in again (and clear any lockout)."""
        return self._set_disabled(name, False, by, address)

    def unlock(self, name: str, *, by: str, address: str = "") -> User:
        """End a lockout before its time (the person proved who they are to the administrator)."""

        def body(conn: Connection, now: int) -> User:
            _actor(conn, by)
            row = _existing(conn, name, lock=True)
            conn.execute(update(table).where(table.c.name == row.name)
                         .values(failed_logins=0, first_failure_at=None, locked_until=None))
            self.audit.write(conn, Action.USER_CHANGE, user=by, target=row.name, address=address, ts=now,
                             detail="unlocked")
            return _user(_find(conn, row.name))

        return self._audited(Action.USER_CHANGE, by, name, address, lambda: self._write("unlocking a user", body))

    def delete(self, name: str, *, by: str, address: str = "") -> None:
        """Remove ``name`` (their audit rows stay); never the last enabled administrator."""

        def body(conn: Connection, now: int) -> None:
            _actor(conn, by)
            row = _existing(conn, name, lock=True)
            if row.role == Role.ADMINISTRATOR and not row.disabled:
                _keep_an_administrator(conn, row.name)
            conn.execute(delete(table).where(table.c.name == row.name))
            self.audit.write(conn, Action.USER_DELETE, user=by, target=row.name, address=address, ts=now,
                             detail=f"role {row.role}")

        self._audited(Action.USER_DELETE, by, name, address, lambda: self._write("deleting a user", body))

    # --- inside ------------------------------------------------------------------------------------

    def _set_disabled(self, name: str, disabled: bool, by: str, address: str) -> User:
        def body(conn: Connection, now: int) -> User:
            _actor(conn, by)
            row = _existing(conn, name, lock=True)
            if disabled and row.role == Role.ADMINISTRATOR and not row.disabled:
                _keep_an_administrator(conn, row.name)
            values: dict[str, Any] = {"disabled": int(disabled)}
            if not disabled:
                values.update(failed_logins=0, first_failure_at=None, locked_until=None)
            conn.execute(update(table).where(table.c.name == row.name).values(**values))
            self.audit.write(conn, Action.USER_CHANGE, user=by, target=row.name, address=address, ts=now,
                             detail="disabled" if disabled else "enabled")
            return _user(_find(conn, row.name))

        what = "disabling a user" if disabled else "enabling a user"
        return self._audited(Action.USER_CHANGE, by, name, address, lambda: self._write(what, body))

    def _write(self, what: str, body: Callable[[Connection, int], T]) -> T:
        with self._lock:
            now = self._clock()
            return self._db.write(what, lambda conn: body(conn, now))

    def _audited(self, action: Action, by: str | None, target: str, address: str, steps: Callable[[], T]) -> T:
        """Run ``steps``; a refusal (not a database failure) is written to the audit log before it is raised."""
        try:
            return steps()
        except AuthUnavailable:
            raise
        except AuthError as exc:
            self.audit.record(action, user=by if isinstance(by, str) else None, target=str(target),
                              detail=exc.message_en, address=address, result=Result.REFUSED)
            raise

    def _insert(self, conn: Connection, name: str, role: Role, rooms: tuple[str, ...], display: str, hashed: str,
                now: int, *, by: str) -> User:
        conn.execute(insert(table).values(
            name=name, role=str(role), rooms=json.dumps(list(rooms), ensure_ascii=False), display_name=display,
            password_hash=hashed, disabled=0, failed_logins=0, first_failure_at=None, locked_until=None,
            password_changed_at=now, created_at=now, created_by=by))
        return _user(_find(conn, name))

    def _set_password(self, conn: Connection, name: str, hashed: str, now: int) -> User:
        row = _existing(conn, name, lock=True)
        conn.execute(update(table).where(table.c.name == row.name).values(
            password_hash=hashed, password_changed_at=now, failed_logins=0, first_failure_at=None,
            locked_until=None))
        return _user(_find(conn, row.name))

    def _count_failure(self, conn: Connection, name: str, address: str, now: int) -> AuthError:
        """One more failed login of an existing user, counted in its row; the refusal to raise."""
        row = _find(conn, name, lock=True)
        if row is None:
            return BadCredentials()
        if row.locked_until is not None and row.locked_until > now:  # locked by a concurrent failure: not longer
            self.audit.write(conn, Action.LOGIN_FAILED, user=row.name, target=row.name, detail="account locked",
                             address=address, result=Result.REFUSED, ts=now)
            return AccountLocked(row.locked_until)
        count, first, until = _next_failure(row.failed_logins, row.first_failure_at, row.locked_until, now)
        conn.execute(update(table).where(table.c.name == row.name)
                     .values(failed_logins=count, first_failure_at=first, locked_until=until))
        self.audit.write(conn, Action.LOGIN_FAILED, user=row.name, target=row.name, detail="wrong password",
                         address=address, result=Result.FAILED, ts=now)
        if until is None:
            return BadCredentials()
        self.audit.write(conn, Action.LOCKED, user=row.name, target=row.name, address=address, ts=now,
                         detail=f"{count} failed logins", result=Result.REFUSED)
        return AccountLocked(until)

    def _refuse_unknown(self, name: str, password: str, address: str, now: int) -> User:
        """A login under a name that is no user: the same work, words and lockout as a wrong password."""
        key = name.lower()
        with self._lock:
            count, first, until = self._unknown.get(key, (0, None, None))
        if until is not None and until > now:
            self.audit.record(Action.LOGIN_FAILED, user=name, target=name, detail="account locked (no such user)",
                              address=address, result=Result.REFUSED, ts=now)
            raise AccountLocked(until)
        if self._dummy_hash is None:
            self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(24))
        self._hasher.verify(self._dummy_hash, password)
        with self._lock:
            count, first, until = _next_failure(*self._unknown.get(key, (0, None, None)), now)
            self._unknown[key] = (count, first, until)
            if len(self._unknown) > UNKNOWN_NAMES_KEPT:
                self._forget_unknown(now)
        self.audit.record(Action.LOGIN_FAILED, user=name, target=name, detail="no such user", address=address,
                          result=Result.FAILED, ts=now)
        if until is not None:
            raise AccountLocked(until)
        raise BadCredentials()

    def _forget_unknown(self, now: int) -> None:
        for key, (_count, first, until) in list(self._unknown.items()):
            if (until is None or until <= now) and now - first >= FAILURE_WINDOW_MS:
                del self._unknown[key]
        while len(self._unknown) > UNKNOWN_NAMES_KEPT:  # a flood of fresh names: the oldest go first
            del self._unknown[min(self._unknown, key=lambda k: self._unknown[k][1])]


def _next_failure(count: int, first: int | None, until: int | None, now: int) -> tuple[int, int, int | None]:
    """Failures, start of their window and the lock after one more failure at ``now``."""
    if first is None or now - first >= FAILURE_WINDOW_MS or (until is not None and until <= now):
        count, first = 1, now  # a new window (an ended lock starts afresh)
    else:
        count += 1
    return count, first, (now + LOCKOUT_MS if count >= MAX_FAILURES else None)


def _find(conn: Connection, name: str, lock: bool = False) -> Any:
    stmt = select(table).where(func.lower(table.c.name) == func.lower(name))
    if lock:
        stmt = stmt.with_for_update()
    return conn.execute(stmt).first()


def _existing(conn: Connection, name: str, lock: bool = False) -> Any:
    row = _find(conn, name, lock)
    if row is None:
        raise UnknownUser(name)
    return row


def _admin_count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(table)
                            .where(table.c.role == str(Role.ADMINISTRATOR))).scalar_one())


def _actor(conn: Connection, by: str) -> User:
    """The user making a change of others; `PermissionDenied` unless enabled with `manage_users`."""
    row = _find(conn, by) if isinstance(by, str) else None
    if row is None or not _user(row).can(Permission.MANAGE_USERS):
        raise PermissionDenied(Permission.MANAGE_USERS, user=str(by))
    return _user(row)


def _keep_an_administrator(conn: Connection, leaving: str) -> None:
    others = conn.execute(select(table.c.name).where(
        table.c.role == str(Role.ADMINISTRATOR), table.c.disabled == 0, table.c.name != leaving,
    ).with_for_update()).all()
    if not others:
        raise UserConflict(f"{leaving} 是最后一个启用的系统管理员，不能降级、停用或删除",
                           f"{leaving} is the last enabled administrator: it cannot be demoted, disabled or deleted")


def _first_admin_exists() -> UserConflict:
    return UserConflict("系统管理员已存在", "an administrator exists already")


def _clean_rooms(rooms: Iterable[str]) -> tuple[str, ...]:
    cleaned = rooms_tuple(rooms)
    if any(len(r) > MAX_NAME for r in cleaned):
        raise BadUserInput(f"配电室编号最多 {MAX_NAME} 个字符", f"a room id is at most {MAX_NAME} characters")
    return cleaned
