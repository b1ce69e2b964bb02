"""The first administrator of a server, which has nobody at a screen to ask.

A console asks the person for the first administrator's name and password (its dialog calls
`UserStore.create_first_admin`).  A server takes the password from the environment variable
`ADMIN_PASSWORD_ENV` or from a file (``--admin-password-file``; a file keeps it out of the process
list and the service manager's environment dump), and the name from `ADMIN_NAME_ENV` or
`DEFAULT_ADMIN_NAME`.  Without either, while no administrator exists, `ensure_first_admin`
refuses with `NoAdministrator` and the server must not start its HTTP API: there is never a
built-in password.  The policy applies to that password as to any other.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from .model import AuthError, User
from .users import UserStore

ADMIN_PASSWORD_ENV = "SWITCHROOM_ADMIN_PASSWORD"
ADMIN_NAME_ENV = "SWITCHROOM_ADMIN_NAME"
DEFAULT_ADMIN_NAME = "admin"  # a name only; the password always comes from the person installing


class NoAdministrator(AuthError):
    """No administrator exists and no first password was given (or the password file cannot be read)."""

    code = "no_administrator"
    status = 503


def first_admin_password(environ: Mapping[str, str] | None = None,
                         password_file: str | Path | None = None) -> str | None:
    """The first administrator's password: from ``password_file`` when given, else the environment."""
    if password_file is not None:
        path = Path(password_file)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise NoAdministrator(f"无法读取管理员密码文件 {path}：{exc}",
                                  f"the administrator password file {path} cannot be read: {exc}") from None
        password = text.rstrip("\r\n")  # the newline an editor adds is not part of the password
        return password or None
    value = (os.environ if environ is None else environ).get(ADMIN_PASSWORD_ENV)
    return value or None


def ensure_first_admin(store: UserStore, *, environ: Mapping[str, str] | None = None,
                       password_file: str | Path | None = None, address: str = "server") -> User | None:
    """Create the first administrator when there is none; None when one exists already.

    `NoAdministrator` when one is needed and no password was given; `PasswordRejected` when the
    given one breaks the policy.  Blocking (database, Argon2): call it before serving, off the loop.
    """
    if not store.needs_first_admin():
        return None
    password = first_admin_password(environ, password_file)
    if password is None:
        raise NoAdministrator(
            f"还没有系统管理员：请设置环境变量 {ADMIN_PASSWORD_ENV} 或用 --admin-password-file 指定密码文件",
            f"no administrator exists: set {ADMIN_PASSWORD_ENV} or give --admin-password-file "
            "(the HTTP API does not start without one)",
        )
    env = os.environ if environ is None else environ
    name = env.get(ADMIN_NAME_ENV) or DEFAULT_ADMIN_NAME
    return store.create_first_admin(name, password, address=address)
