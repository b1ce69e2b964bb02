"""Users, logins, lockout and the audit of every change, on real SQLite and real PostgreSQL.

Argon2id runs with argon2-cffi's cheapest parameters here (still Argon2id, just fast); the clock
is injected, so a 15-minute lockout ends without waiting.
"""

from __future__ import annotations

import dataclasses
import threading

import pytest
from argon2 import profiles
from sqlalchemy import create_engine, select

from app.auth import (
    AccountDisabled,
    AccountLocked,
    Action,
    Argon2Hasher,
    AuthUnavailable,
    BadCredentials,
    BadUserInput,
    PasswordRejected,
    Permission,
    PermissionDenied,
    Result,
    Role,
    UnknownUser,
    UserConflict,
    UserStore,
)
from app.auth.users import FAILURE_WINDOW_MS, LOCKOUT_MS, MAX_FAILURES
from app.historian.database import database_url
from app.historian.schema import auth_user

T0 = 1_780_000_000_000
ADMIN_PW = "Tr0ub4dor&3-horse"
ZHANG_PW = "Shift-2026!night"


class Clock:
    """Milliseconds that move only when the test says so."""

    def __init__(self, now: int = T0) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now

    def advance(self, ms: int) -> None:
        self.now += ms


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(db_url, clock):
    users = UserStore(db_url, hasher=Argon2Hasher(profiles.CHEAPEST), clock=clock)
    users.create_first_admin("admin", ADMIN_PW, display_name="系统管理员", address="console")
    users.create_user("zhang", Role.OPERATOR, ZHANG_PW, rooms=["HV", "LV1"], display_name="张工", by="admin")
    yield users
    users.close()


def test_first_administrator_is_asked_for_once(db_url, clock):
    users = UserStore(db_url, hasher=Argon2Hasher(profiles.CHEAPEST), clock=clock)
    try:
        assert users.needs_first_admin()
        assert users.users() == []
        with pytest.raises(PasswordRejected) as rejected:  # no short or common first password either
            users.create_first_admin("admin", "admin12345")
        assert {r.code for r in rejected.value.reasons} >= {"too_common", "contains_name"}
        assert users.needs_first_admin()
        admin = users.create_first_admin("admin", ADMIN_PW, address="console")
        assert admin.role is Role.ADMINISTRATOR and admin.rooms == () and admin.created_at == T0
        assert not users.needs_first_admin()
        with pytest.raises(UserConflict, match="an administrator exists already"):
            users.create_first_admin("intruder", "An0ther-strong-one")
        assert [u.name for u in users.users()] == ["admin"]
        assert users.authenticate("admin", ADMIN_PW, "console").name == "admin"
        created, refused = (users.audit.query(actions=[Action.USER_CREATE], results=[r]) for r in ("ok", "refused"))
        assert [(e.user, e.target, e.detail) for e in created] == [("admin", "admin", "first administrator")]
        assert {e.target for e in refused} == {"admin", "intruder"}
    finally:
        users.close()


def test_a_user_logs_in_with_their_password_and_their_name_in_any_case(store):
    user = store.authenticate("Zhang", ZHANG_PW, "10.0.0.7")
    assert (user.name, user.role, user.rooms, user.display_name) == ("zhang", Role.OPERATOR, ("HV", "LV1"), "张工")
    assert user.can(Permission.ACKNOWLEDGE, "HV") and not user.can(Permission.ACKNOWLEDGE, "LV2")
    assert not user.can(Permission.CONTROL)
    (login,) = store.audit.query(actions=[Action.LOGIN])
    assert (login.user, login.address, login.result) == ("zhang", "10.0.0.7", Result.OK)
    with pytest.raises(UserConflict, match="taken"):
        store.create_user("ZHANG", Role.ENGINEER, "An0ther-strong-one", by="admin")


def test_wrong_password_and_unknown_user_look_the_same_up_to_the_lockout(store, clock):
    answers = {}
    for name in ("zhang", "nobody"):
        seen = []
        for _ in range(MAX_FAILURES):
            with pytest.raises((BadCredentials, AccountLocked)) as refused:
                store.authenticate(name, "not-the-password-1", "10.0.0.9")
            seen.append((type(refused.value), refused.value.message, refused.value.message_en,
                         refused.value.status, refused.value.code))
        with pytest.raises(AccountLocked) as locked:
            store.authenticate(name, "not-the-password-1", "10.0.0.9")
        seen.append((type(locked.value), locked.value.until))
        answers[name] = seen
    assert answers["zhang"] == answers["nobody"]  # same types, words, codes and lock time
    assert answers["zhang"][0][0] is BadCredentials and answers["zhang"][-2][0] is AccountLocked
    assert "exist" not in answers["zhang"][0][2] and answers["zhang"][0][1] == "用户名或密码错误"
    assert answers["zhang"][-1][1] == T0 + LOCKOUT_MS


def test_lockout_refuses_the_right_password_until_it_ends(store, clock):
    for _ in range(MAX_FAILURES - 1):
        with pytest.raises(BadCredentials):
            store.authenticate("zhang", "wrong-Password-1")
        clock.advance(60_000)
    with pytest.raises(AccountLocked) as locked:
        store.authenticate("zhang", "wrong-Password-1")
    assert locked.value.until == clock.now + LOCKOUT_MS
    assert store.user("zhang").locked(clock.now) and store.user("zhang").failed_logins == MAX_FAILURES
    clock.advance(LOCKOUT_MS - 1)
    with pytest.raises(AccountLocked):
        store.authenticate("zhang", ZHANG_PW)  # even the right password
    clock.advance(1)
    user = store.authenticate("zhang", ZHANG_PW)
    assert user.failed_logins == 0 and user.locked_until is None
    assert [e.action for e in store.audit.query(user="zhang", actions=[Action.LOCKED, Action.LOGIN])] == [
        Action.LOGIN, Action.LOCKED]
    refused = store.audit.query(user="zhang", actions=[Action.LOGIN_FAILED], results=[Result.REFUSED])
    assert [e.detail for e in refused] == ["account locked"]


def test_failures_outside_the_window_and_a_success_start_the_count_again(store, clock):
    for _ in range(MAX_FAILURES - 1):
        with pytest.raises(BadCredentials):
            store.authenticate("zhang", "wrong-Password-1")
    clock.advance(FAILURE_WINDOW_MS)  # the window has passed: the next failure is the first of a new one
    with pytest.raises(BadCredentials):
        store.authenticate("zhang", "wrong-Password-1")
    assert store.user("zhang").failed_logins == 1
    for _ in range(MAX_FAILURES - 2):
        with pytest.raises(BadCredentials):
            store.authenticate("zhang", "wrong-Password-1")
    store.authenticate("zhang", ZHANG_PW)
    assert store.user("zhang").failed_logins == 0
    with pytest.raises(BadCredentials):  # counted from zero again, so no lock
        store.authenticate("zhang", "wrong-Password-1")


def test_concurrent_failures_are_all_counted(store):
    errors = []

    def attempt() -> None:
        try:
            store.authenticate("zhang", "wrong-Password-1")
        except (BadCredentials, AccountLocked) as exc:
            errors.append(type(exc))

    threads = [threading.Thread(target=attempt) for _ in range(MAX_FAILURES)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(errors) == MAX_FAILURES and errors.count(AccountLocked) == 1
    assert store.user("zhang").failed_logins == MAX_FAILURES
    assert len(store.audit.query(user="zhang", actions=[Action.LOGIN_FAILED])) == MAX_FAILURES


def test_administrator_unlocks_and_resets_a_password(store, clock):
    for _ in range(MAX_FAILURES):
        with pytest.raises((BadCredentials, AccountLocked)):
            store.authenticate("zhang", "wrong-Password-1")
    store.unlock("zhang", by="admin", address="console")
    assert not store.user("zhang").locked(clock.now)
    clock.advance(1000)
    with pytest.raises(PasswordRejected, match="at least 10 characters"):
        store.set_password("zhang", "short1", by="admin")
    store.set_password("zhang", "Reset-by-admin-7", by="admin")
    with pytest.raises(BadCredentials):
        store.authenticate("zhang", ZHANG_PW)
    assert store.authenticate("zhang", "Reset-by-admin-7").password_changed_at == T0 + 1000
    with pytest.raises(PermissionDenied, match="manage users"):
        store.set_password("admin", "Taken-over-by-me-1", by="zhang")
    assert store.authenticate("admin", ADMIN_PW).name == "admin"


def test_a_user_changes_their_own_password(store, clock):
    with pytest.raises(BadCredentials):
        store.change_password("zhang", "not-the-old-one-1", "Brand-new-secret-9")
    assert store.user("zhang").failed_logins == 1  # a wrong old password counts like a failed login
    with pytest.raises(PasswordRejected) as rejected:
        store.change_password("zhang", ZHANG_PW, ZHANG_PW)
    assert [r.code for r in rejected.value.reasons] == ["same_as_old"]
    with pytest.raises(PasswordRejected) as rejected:
        store.change_password("zhang", ZHANG_PW, "zhang12345")
    assert {r.code for r in rejected.value.reasons} == {"contains_name"}
    clock.advance(5000)
    user = store.change_password("zhang", ZHANG_PW, "Brand-new-secret-9", address="10.0.0.7")
    assert user.password_changed_at == T0 + 5000 and user.failed_logins == 0
    assert store.authenticate("zhang", "Brand-new-secret-9").name == "zhang"
    changes = store.audit.query(actions=[Action.PASSWORD_CHANGE])
    assert [(e.user, e.result) for e in changes] == [("zhang", Result.OK)] + [("zhang", Result.REFUSED)] * 3
    assert changes[-1].detail == "wrong user name or password"  # the wrong old password
    assert "Brand-new" not in " ".join(e.detail for e in store.audit.query())  # never a password in the log


def test_roles_rooms_disable_enable_and_delete(store, clock):
    eng = store.set_role("zhang", "engineer", ["LV2"], by="admin", address="console")
    assert eng.role is Role.ENGINEER and eng.rooms == ("LV2",) and eng.can(Permission.CONTROL, "LV2")
    assert store.set_display_name("zhang", "张工程师", by="admin").display_name == "张工程师"
    store.disable("zhang", by="admin")
    assert store.user("zhang").disabled and not store.user("zhang").can(Permission.VIEW)
    with pytest.raises(AccountDisabled):
        store.authenticate("zhang", ZHANG_PW)
    with pytest.raises(BadCredentials):  # without the password it says nothing more than for anyone
        store.authenticate("zhang", "wrong-Password-1")
    store.enable("zhang", by="admin")
    assert store.authenticate("zhang", ZHANG_PW).role is Role.ENGINEER
    with pytest.raises(PermissionDenied):
        store.delete("admin", by="zhang")  # an engineer may not manage users
    store.delete("zhang", by="admin")
    with pytest.raises(UnknownUser):
        store.user("zhang")
    with pytest.raises(UnknownUser):
        store.disable("zhang", by="admin")
    with pytest.raises(BadUserInput, match="no role"):
        store.create_user("li", "boss", "Str0ng-enough-pw", by="admin")
    with pytest.raises(BadUserInput, match="printable"):
        store.create_user(" li", Role.OPERATOR, "Str0ng-enough-pw", by="admin")
    details = [(e.action, e.target, e.detail, e.result) for e in reversed(store.audit.query(user="admin"))]
    assert details[2:] == [
        (Action.USER_CHANGE, "zhang", "role operator -> engineer; rooms HV,LV1 -> LV2", Result.OK),
        (Action.USER_CHANGE, "zhang", "display name '张工' -> '张工程师'", Result.OK),
        (Action.USER_CHANGE, "zhang", "disabled", Result.OK),
        (Action.USER_CHANGE, "zhang", "enabled", Result.OK),
        (Action.USER_DELETE, "zhang", "role engineer", Result.OK),
        (Action.USER_CHANGE, "zhang", "there is no user zhang", Result.REFUSED),
        (Action.USER_CREATE, "li", "there is no role 'boss' (operator, engineer, manager, administrator)",
         Result.REFUSED),
        (Action.USER_CREATE, " li", "a user name is 1 to 64 printable characters without surrounding spaces",
         Result.REFUSED),
    ]
    (refused,) = store.audit.query(user="zhang", actions=[Action.USER_DELETE])
    assert refused.result is Result.REFUSED and refused.target == "admin"


def test_the_last_enabled_administrator_stays(store):
    for change in (lambda: store.set_role("admin", Role.ENGINEER, by="admin"),
                   lambda: store.disable("admin", by="admin"),
                   lambda: store.delete("admin", by="admin")):
        with pytest.raises(UserConflict, match="last enabled administrator"):
            change()
    assert store.user("admin").role is Role.ADMINISTRATOR and not store.user("admin").disabled
    store.create_user("wang", Role.ADMINISTRATOR, "Second-admin-42", by="admin")
    store.disable("wang", by="admin")  # a disabled administrator does not count
    with pytest.raises(UserConflict):
        store.delete("admin", by="admin")
    store.enable("wang", by="admin")
    store.set_role("admin", Role.MANAGER, by="admin")  # now there is another: allowed, even on oneself
    assert store.user("admin").role is Role.MANAGER
    with pytest.raises(PermissionDenied):
        store.set_role("admin", Role.ADMINISTRATOR, by="admin")  # and the manager cannot undo it
    with pytest.raises(UserConflict, match="wang is the last enabled administrator"):
        store.delete("wang", by="wang")
    assert not store.needs_first_admin()


def test_a_stronger_hasher_rehashes_at_the_next_login(db_url, clock):
    cheap = UserStore(db_url, hasher=Argon2Hasher(profiles.CHEAPEST), clock=clock)
    cheap.create_first_admin("admin", ADMIN_PW)
    cheap.close()
    stronger = dataclasses.replace(profiles.CHEAPEST, time_cost=2)
    users = UserStore(db_url, hasher=Argon2Hasher(stronger), clock=clock)
    try:
        users.authenticate("admin", ADMIN_PW)
        engine = create_engine(database_url(db_url))
        with engine.connect() as conn:
            stored = conn.execute(select(auth_user.c.password_hash)).scalar_one()
        engine.dispose()
        assert stored.startswith("$argon2id$") and ",t=2," in stored
        assert users.authenticate("admin", ADMIN_PW).name == "admin"
    finally:
        users.close()


def test_a_given_engine_is_used_as_it_is(sqlite_url, clock):
    engine = create_engine(database_url(sqlite_url))
    users = UserStore(engine, hasher=Argon2Hasher(profiles.CHEAPEST), clock=clock)
    try:
        users.create_first_admin("admin", ADMIN_PW)
        assert users.authenticate("admin", ADMIN_PW).role is Role.ADMINISTRATOR
    finally:
        users.close()
    with engine.connect() as conn:  # closing the store leaves the caller's engine usable
        assert conn.execute(select(auth_user.c.name)).scalars().all() == ["admin"]
    engine.dispose()


def test_an_unusable_database_is_said_in_words(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    users = UserStore(blocker / "history.sqlite", hasher=Argon2Hasher(profiles.CHEAPEST))
    with pytest.raises(AuthUnavailable) as refused:
        users.needs_first_admin()
    assert refused.value.status == 503 and "cannot be opened" in refused.value.message_en
    with pytest.raises(AuthUnavailable, match=r"SQLite or PostgreSQL"):
        UserStore("mysql://db/x")


def test_two_stores_on_one_database_count_failures_together(store, db_url, clock):
    # a console and the server (or two server processes): their own engines and locks, one database
    other = UserStore(db_url, hasher=Argon2Hasher(profiles.CHEAPEST), clock=clock)
    outcomes = []
    barrier = threading.Barrier(2 * MAX_FAILURES)

    def attempt(users: UserStore) -> None:
        barrier.wait()
        try:
            users.authenticate("zhang", "wrong-Password-1")
        except (BadCredentials, AccountLocked) as exc:
            outcomes.append(type(exc))

    threads = [threading.Thread(target=attempt, args=(s,)) for s in (store, other) * MAX_FAILURES]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(outcomes) == 2 * MAX_FAILURES
        assert outcomes.count(BadCredentials) == MAX_FAILURES - 1  # the 5th failure locks, later ones are refused
        assert store.user("zhang").failed_logins == MAX_FAILURES
        assert other.user("zhang").locked_until == T0 + LOCKOUT_MS
        assert len(other.audit.query(user="zhang", actions=[Action.LOCKED])) == 1
    finally:
        other.close()


def test_two_first_starts_at_once_make_one_administrator(db_url, clock):
    stores = [UserStore(db_url, hasher=Argon2Hasher(profiles.CHEAPEST), clock=clock) for _ in range(2)]
    for s in stores:
        s.open()
    results = {}
    barrier = threading.Barrier(2)

    def first(i: int) -> None:
        barrier.wait()
        try:
            results[i] = stores[i].create_first_admin(f"admin{i}", ADMIN_PW)
        except UserConflict as exc:
            results[i] = exc

    threads = [threading.Thread(target=first, args=(i,)) for i in range(2)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        kinds = sorted(type(r).__name__ for r in results.values())
        assert kinds == ["User", "UserConflict"]
        assert len(stores[0].users()) == 1
    finally:
        for s in stores:
            s.close()
