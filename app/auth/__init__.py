"""Users, roles, permissions, passwords, sessions and the audit log (Qt-free; see each module).

`UserStore` keeps users in the historian's database, `Sessions` keeps logins in memory,
`AuditLog` records who did what.  Everything raises `AuthError` subclasses in two languages.
"""

from .audit import Action, AuditEntry, AuditLog, Result, export_audit
from .first_start import NoAdministrator, ensure_first_admin
from .model import (
    ROLE_PERMISSIONS,
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
    SessionExpired,
    UnknownUser,
    User,
    UserConflict,
)
from .passwords import Argon2Hasher, check_password, password_problems
from .sessions import Session, Sessions
from .users import UserStore

__all__ = [
    "ROLE_PERMISSIONS",
    "AccountDisabled",
    "AccountLocked",
    "Action",
    "Argon2Hasher",
    "AuditEntry",
    "AuditLog",
    "AuthError",
    "AuthUnavailable",
    "BadCredentials",
    "BadUserInput",
    "NoAdministrator",
    "PasswordRejected",
    "Permission",
    "PermissionDenied",
    "Result",
    "Role",
    "Session",
    "SessionExpired",
    "Sessions",
    "UnknownUser",
    "User",
    "UserConflict",
    "UserStore",
    "check_password",
    "ensure_first_admin",
    "export_audit",
    "password_problems",
]
