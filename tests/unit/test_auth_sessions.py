"""Sessions: tokens, idle and absolute expiry on an injected clock, permissions, closing a user's sessions."""

from __future__ import annotations

import pytest

from app.auth import AccountDisabled, Permission, PermissionDenied, Role, Session, SessionExpired, Sessions, User

T0 = 1_780_000_000_000
MIN = 60_000
OPERATOR = User("zhang", Role.OPERATOR, rooms=("HV",))
ENGINEER = User("wang", Role.ENGINEER)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> int:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sessions(clock) -> Sessions:
    return Sessions(clock=clock)


def test_open_gives_a_fresh_unguessable_token(sessions):
    a, b = sessions.open(OPERATOR, "10.0.0.7"), sessions.open(OPERATOR, "10.0.0.8")
    assert a.token != b.token and len(a.token) >= 43
    assert (a.user, a.address, a.created, a.last_seen, a.expires_at) == (OPERATOR, "10.0.0.7", T0, T0, T0 + 30 * MIN)
    assert a.token not in repr(a)
    assert sessions.check(a.token) == a
    assert isinstance(sessions.check(b.token), Session)
    with pytest.raises(AccountDisabled):
        sessions.open(User("li", Role.OPERATOR, disabled=True))


def test_idle_timeout_and_touch(sessions, clock):
    s = sessions.open(OPERATOR)
    clock.now += 29 * MIN
    assert sessions.check(s.token).last_seen == T0  # checking is not using
    touched = sessions.touch(s.token)
    assert touched.last_seen == clock.now and touched.expires_at == clock.now + 30 * MIN
    clock.now += 30 * MIN - 1
    sessions.check(s.token)
    clock.now += 1
    with pytest.raises(SessionExpired, match="idle too long"):
        sessions.check(s.token)
    with pytest.raises(SessionExpired, match="unknown or closed"):  # and it is gone
        sessions.check(s.token)


def test_absolute_lifetime_even_when_used(sessions, clock):
    s = sessions.open(ENGINEER)
    while clock.now + 20 * MIN < T0 + 12 * 60 * MIN:
        clock.now += 20 * MIN
        assert sessions.require(s.token, Permission.VIEW).expires_at <= T0 + 12 * 60 * MIN
    clock.now = T0 + 12 * 60 * MIN
    with pytest.raises(SessionExpired, match="maximum lifetime"):
        sessions.touch(s.token)


def test_timeouts_are_configurable(clock):
    short = Sessions(idle_timeout_s=60, lifetime_s=300, clock=clock)
    s = short.open(OPERATOR)
    assert s.expires_at == T0 + 60_000
    clock.now += 60_000
    with pytest.raises(SessionExpired):
        short.check(s.token)
    with pytest.raises(ValueError):
        Sessions(idle_timeout_s=0)


def test_require_checks_permission_and_room(sessions, clock):
    s = sessions.open(OPERATOR)
    clock.now += MIN
    assert sessions.require(s.token, Permission.ACKNOWLEDGE, "HV").last_seen == clock.now
    clock.now += MIN
    with pytest.raises(PermissionDenied) as denied:
        sessions.require(s.token, Permission.ACKNOWLEDGE, "LV1")
    assert (denied.value.permission, denied.value.room, denied.value.user) == ("acknowledge", "LV1", "zhang")
    with pytest.raises(PermissionDenied, match="remote control"):
        sessions.require(s.token, Permission.CONTROL)
    assert sessions.check(s.token).last_seen == T0 + MIN  # refused calls are not use
    for token in ("", "forged-token", None):
        with pytest.raises(SessionExpired):
            sessions.require(token, Permission.VIEW)  # type: ignore[arg-type]


def test_close_close_user_and_update_user(sessions):
    mine = [sessions.open(OPERATOR, f"10.0.0.{i}") for i in range(3)]
    other = sessions.open(ENGINEER)
    assert sessions.close(mine[0].token) == mine[0] and sessions.close(mine[0].token) is None
    promoted = User("zhang", Role.ENGINEER, rooms=())
    assert sessions.update_user(promoted) == 2
    assert sessions.require(mine[1].token, Permission.CONTROL, "LV1").user == promoted
    assert sessions.close_user("ZHANG") == 2
    for s in mine:
        with pytest.raises(SessionExpired):
            sessions.check(s.token)
    assert [s.user.name for s in sessions.active()] == ["wang"]
    assert sessions.update_user(User("wang", Role.ENGINEER, disabled=True)) == 1
    with pytest.raises(SessionExpired):
        sessions.check(other.token)
    assert sessions.active() == []


def test_expired_sessions_are_purged(sessions, clock):
    sessions.open(OPERATOR)
    live = sessions.open(ENGINEER)
    clock.now += 20 * MIN
    sessions.touch(live.token)
    clock.now += 15 * MIN
    assert [s.user.name for s in sessions.active()] == ["wang"]
