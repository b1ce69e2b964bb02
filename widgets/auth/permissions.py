"""What the person signed in at this console may do, for every widget that greys something out.

One `Permissions` object per console window follows the source's login (`set_login`) and the
console lock (`set_locked`): while nobody is signed in or the console is locked it allows
nothing, so a control that is not permitted is greyed instead of failing when pressed.  Widgets
connect to `changed` (or hand a control to `bind`) and ask `can(permission[, room])`; the
decision itself is `app.auth.User.can`, the same rule the server applies to API calls.

`use` makes one object the console's current one: `operator_name()` (the name the source writes
into the journal and the audit log) reads it from there.  Widgets used without a console (tests
of a single pane) find none and keep everything enabled, as before logins existed.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from shiboken6 import isValid

from app.auth import Permission, User
from app.sources.accounts import Login

_current: Permissions | None = None


class Permissions(QObject):
    """The signed-in user's permissions now (nothing while signed out or locked)."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.login: Login | None = None
        self.locked = False
        self._bound: list[tuple[Callable[[bool], object], str]] = []

    @property
    def user(self) -> User | None:
        """Who is signed in (also while the console is locked), or None."""
        return self.login.user if self.login is not None else None

    def can(self, permission: Permission | str, room: str | None = None) -> bool:
        """Whether the signed-in user may do ``permission`` now (in ``room`` when the action is about one)."""
        user = self.user
        return user is not None and not self.locked and user.can(permission, room)

    def set_login(self, login: Login | None) -> None:
        """The source signed someone in (or out, None): every bound control follows."""
        self.login = login
        self._announce()

    def set_locked(self, locked: bool) -> None:
        """The console was locked (nothing permitted) or unlocked."""
        if locked != self.locked:
            self.locked = locked
            self._announce()

    def bind(self, set_enabled: Callable[[bool], object], permission: Permission | str) -> None:
        """Keep a control enabled exactly while ``permission`` is granted (``set_enabled``: its setEnabled)."""
        self._bound.append((set_enabled, str(permission)))
        set_enabled(self.can(permission))

    def _announce(self) -> None:
        for set_enabled, permission in list(self._bound):
            try:
                set_enabled(self.can(permission))
            except RuntimeError:  # the control's C++ object is gone (its window closed)
                self._bound.remove((set_enabled, permission))
        self.changed.emit()


def use(permissions: Permissions | None) -> None:
    """Make ``permissions`` the console's current one (None: no console with logins)."""
    global _current
    _current = permissions


def release(permissions: Permissions) -> None:
    """``permissions``' console is gone: it stops being the current one (unless another took its place)."""
    global _current
    if _current is permissions:
        _current = None


def current() -> Permissions | None:
    """The console's current permissions, or None when this process runs panes without logins."""
    return _current if _current is not None and isValid(_current) else None


def signed_in_name() -> str | None:
    """The signed-in user's name; "" when the console has logins but nobody is signed in; None without logins."""
    permissions = current()
    if permissions is None:
        return None
    user = permissions.user
    return user.name if user is not None else ""


def allowed(permission: Permission | str, room: str | None = None) -> bool:
    """Whether the console's user may do ``permission`` now; always True for panes used without logins."""
    permissions = current()
    return permissions is None or permissions.can(permission, room)
