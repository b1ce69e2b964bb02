"""Who may do what: roles, their permissions, a user as the rest of the program sees one, and the refusals.

A role is a bundle of permissions fixed here, not in the site file: the audit and the API's 403s
must mean the same thing on every console and server.  A user may be restricted to some rooms;
an action on something in a room passes that room to `User.can`.  The refusals carry their words
in Chinese and English (operators read Chinese, the API and logs English) and an HTTP status and
code the server maps one to one, so the console and the mobile page say the same thing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum


class Role(StrEnum):
    OPERATOR = "operator"
    ENGINEER = "engineer"
    MANAGER = "manager"
    ADMINISTRATOR = "administrator"


class Permission(StrEnum):
    VIEW = "view"
    ACKNOWLEDGE = "acknowledge"
    SHELVE = "shelve"
    EDIT_ALARM_RULES = "edit_alarm_rules"
    EDIT_SITE = "edit_site"  # the site and its single-line diagrams
    CONTROL = "control"
    EXPORT_REPORTS = "export_reports"
    MANAGE_USERS = "manage_users"


_OPERATOR = frozenset({Permission.VIEW, Permission.ACKNOWLEDGE, Permission.SHELVE})

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OPERATOR: _OPERATOR,
    Role.ENGINEER: _OPERATOR | {Permission.EDIT_ALARM_RULES, Permission.EDIT_SITE, Permission.CONTROL},
    Role.MANAGER: frozenset({Permission.VIEW, Permission.EXPORT_REPORTS, Permission.ACKNOWLEDGE}),
    Role.ADMINISTRATOR: frozenset(Permission),
}

ROLE_WORDS: dict[Role, tuple[str, str]] = {
    Role.OPERATOR: ("值班员", "operator"),
    Role.ENGINEER: ("工程师", "engineer"),
    Role.MANAGER: ("管理人员", "manager"),
    Role.ADMINISTRATOR: ("系统管理员", "administrator"),
}

PERMISSION_WORDS: dict[Permission, tuple[str, str]] = {
    Permission.VIEW: ("查看", "view"),
    Permission.ACKNOWLEDGE: ("确认报警", "acknowledge alarms"),
    Permission.SHELVE: ("搁置报警", "shelve alarms"),
    Permission.EDIT_ALARM_RULES: ("修改报警规则", "edit alarm rules"),
    Permission.EDIT_SITE: ("修改站点和一次接线图", "edit the site and diagrams"),
    Permission.CONTROL: ("遥控操作", "remote control"),
    Permission.EXPORT_REPORTS: ("导出报表", "export reports"),
    Permission.MANAGE_USERS: ("用户管理", "manage users"),
}


@dataclass(frozen=True, slots=True)
class User:
    """A user as stored, without the password hash (which never leaves `app.auth.users`).

    ``rooms``: the room ids this user may act in; empty means every room.  Times are ms UTC;
    ``locked_until`` is set while a lockout after failed logins runs (it may lie in the past:
    the lock has then ended and the next login clears it).
    """

    name: str
    role: Role
    rooms: tuple[str, ...] = ()
    display_name: str = ""
    disabled: bool = False
    failed_logins: int = 0
    locked_until: int | None = None
    password_changed_at: int = 0
    created_at: int = 0

    @property
    def permissions(self) -> frozenset[Permission]:
        """What the role allows (nothing while disabled): the API's login answer lists these."""
        return frozenset() if self.disabled else ROLE_PERMISSIONS[self.role]

    def can(self, permission: Permission | str, room: str | None = None) -> bool:
        """Whether this user may do ``permission``; in ``room`` when the action concerns one room.

        Without a room the question is about the permission itself (may this user acknowledge at
        all?), which decides what the console greys out; the action on an alarm or a device of a
        room must pass that room, so a user restricted to other rooms is refused.
        """
        try:
            wanted = Permission(permission)
        except ValueError:
            return False
        if wanted not in self.permissions:
            return False
        return room is None or not self.rooms or room in self.rooms

    def locked(self, now_ms: int) -> bool:
        return self.locked_until is not None and self.locked_until > now_ms

    def label(self) -> str:
        """How the user is named to people: the display name when there is one."""
        return self.display_name or self.name


def rooms_tuple(rooms: Iterable[str] | None) -> tuple[str, ...]:
    """Room ids cleaned and in a stable order (empty: every room)."""
    if rooms is None:
        return ()
    if isinstance(rooms, str):
        rooms = [rooms]
    return tuple(sorted({str(r).strip() for r in rooms if str(r).strip()}))


def local_time(ms: int) -> str:
    """A time in an error message (UTC, minutes: precise enough for 'locked until')."""
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M UTC")


class AuthError(Exception):
    """A refusal of the users, sessions or audit, in words for a person in both languages.

    ``code`` and ``status`` are what the HTTP API answers (``{"error": {"code", "message"}}``).
    """

    code = "auth_error"
    status = 400

    def __init__(self, message: str, message_en: str) -> None:
        super().__init__(f"{message} / {message_en}")
        self.message = message
        self.message_en = message_en

    def message_in(self, language: str) -> str:
        return self.message if str(language).lower().startswith("zh") else self.message_en


class BadCredentials(AuthError):
    """Wrong name or password: deliberately never says which, nor whether the user exists."""

    code = "bad_credentials"
    status = 401

    def __init__(self) -> None:
        super().__init__("用户名或密码错误", "wrong user name or password")


class AccountLocked(AuthError):
    """Too many failed logins: no login, not even with the right password, until ``until`` (ms UTC)."""

    code = "account_locked"
    status = 401

    def __init__(self, until: int) -> None:
        when = local_time(until)
        super().__init__(f"登录失败次数过多，账户已锁定至 {when}", f"too many failed logins: locked until {when}")
        self.until = until


class AccountDisabled(AuthError):
    """The right password for an account an administrator has disabled."""

    code = "account_disabled"
    status = 401

    def __init__(self) -> None:
        super().__init__("该账户已停用，请联系系统管理员", "this account is disabled; ask an administrator")


class PermissionDenied(AuthError):
    """A known user without the permission (API 403)."""

    code = "permission_denied"
    status = 403

    def __init__(self, permission: Permission | str, room: str | None = None, user: str | None = None) -> None:
        try:
            zh, en = PERMISSION_WORDS[Permission(permission)]
        except ValueError:
            zh = en = str(permission)
        where_zh = f"（配电室 {room}）" if room else ""
        where_en = f" in room {room}" if room else ""
        who = f"{user} " if user else ""
        super().__init__(f"{who}没有{zh}的权限{where_zh}", f"{who or 'you '}may not {en}{where_en}".strip())
        self.permission = str(permission)
        self.room = room
        self.user = user


class PasswordRejected(AuthError):
    """A new password the policy refuses; ``reasons`` lists every failed rule (see `passwords.Reason`)."""

    code = "password_rejected"
    status = 422

    def __init__(self, reasons: Iterable[object]) -> None:
        self.reasons = tuple(reasons)
        zh = "；".join(getattr(r, "message", str(r)) for r in self.reasons)
        en = "; ".join(getattr(r, "message_en", str(r)) for r in self.reasons)
        super().__init__(f"密码不符合要求：{zh}", f"the password is refused: {en}")


class SessionExpired(AuthError):
    """The token is unknown, closed, idle too long or past its lifetime: log in again (API 401)."""

    code = "session_expired"
    status = 401

    def __init__(self, why_zh: str = "登录已过期", why_en: str = "the session has expired") -> None:
        super().__init__(f"{why_zh}，请重新登录", f"{why_en}; log in again")


class UnknownUser(AuthError):
    """An administrator's change names a user that does not exist (never raised by a login)."""

    code = "unknown_user"
    status = 404

    def __init__(self, name: str) -> None:
        super().__init__(f"没有用户 {name}", f"there is no user {name}")
        self.name = name


class UserConflict(AuthError):
    """A change that would break a rule of the user list: a taken name, the last administrator..."""

    code = "conflict"
    status = 409


class BadUserInput(AuthError, ValueError):
    """A name, role, room list or query argument that makes no sense."""

    code = "bad_input"
    status = 422


class AuthUnavailable(AuthError):
    """The database cannot be read or written just now; nothing was changed."""

    code = "unavailable"
    status = 503
