"""Roles, permissions and room restriction; the refusals' words, codes and statuses."""

from __future__ import annotations

import pytest

from app.auth import (
    ROLE_PERMISSIONS,
    AccountLocked,
    AuthError,
    BadCredentials,
    PasswordRejected,
    Permission,
    PermissionDenied,
    Role,
    SessionExpired,
    User,
)
from app.auth.passwords import password_problems

P = Permission


def test_each_role_has_exactly_its_permissions():
    assert ROLE_PERMISSIONS[Role.OPERATOR] == {P.VIEW, P.ACKNOWLEDGE, P.SHELVE}
    assert ROLE_PERMISSIONS[Role.ENGINEER] == {P.VIEW, P.ACKNOWLEDGE, P.SHELVE, P.EDIT_ALARM_RULES, P.EDIT_SITE,
                                               P.CONTROL}
    assert ROLE_PERMISSIONS[Role.MANAGER] == {P.VIEW, P.EXPORT_REPORTS, P.ACKNOWLEDGE}
    assert ROLE_PERMISSIONS[Role.ADMINISTRATOR] == set(Permission)
    assert set(ROLE_PERMISSIONS) == set(Role)
    assert [p.value for p in Permission] == ["view", "acknowledge", "shelve", "edit_alarm_rules", "edit_site",
                                             "control", "export_reports", "manage_users"]


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("permission", list(Permission))
def test_can_follows_the_role_and_the_rooms(role, permission):
    everywhere = User("a", role)
    in_hv = User("b", role, rooms=("HV",))
    allowed = permission in ROLE_PERMISSIONS[role]
    assert everywhere.can(permission) is allowed and everywhere.can(permission.value, "LV1") is allowed
    assert in_hv.can(permission) is allowed  # the permission itself, as the console greys things out
    assert in_hv.can(permission, "HV") is allowed
    assert in_hv.can(permission, "LV1") is False
    assert User("c", role, disabled=True).can(permission) is False
    assert User("c", role, disabled=True).permissions == frozenset()


def test_unknown_permissions_are_never_granted():
    assert not User("root", Role.ADMINISTRATOR).can("format_disk")


def test_locked_and_label():
    user = User("zhang", Role.OPERATOR, display_name="张工", locked_until=1000)
    assert user.locked(999) and not user.locked(1000) and not User("x", Role.OPERATOR).locked(0)
    assert user.label() == "张工" and User("li", Role.OPERATOR).label() == "li"


def test_refusals_speak_both_languages_with_api_codes():
    cases = [
        (BadCredentials(), 401, "bad_credentials", "用户名或密码错误", "wrong user name or password"),
        (AccountLocked(1_780_000_900_000), 401, "account_locked", "锁定至 2026-05-28 20:41 UTC",
         "locked until 2026-05-28 20:41 UTC"),
        (PermissionDenied(P.CONTROL, "HV", "zhang"), 403, "permission_denied", "zhang 没有遥控操作的权限（配电室 HV）",
         "zhang may not remote control in room HV"),
        (SessionExpired(), 401, "session_expired", "请重新登录", "log in again"),
        (PasswordRejected(password_problems("short", "bob")), 422, "password_rejected", "至少 10 个字符",
         "at least 10 characters"),
    ]
    for error, status, code, zh, en in cases:
        assert isinstance(error, AuthError)
        assert (error.status, error.code) == (status, code)
        assert zh in error.message and en in error.message_en
        assert error.message_in("zh_CN") == error.message and error.message_in("en") == error.message_en
        assert zh in str(error) and en in str(error)
