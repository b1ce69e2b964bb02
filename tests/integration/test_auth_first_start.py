"""The server's first administrator: from the environment or a password file, never a default."""

from __future__ import annotations

import pytest
from argon2 import profiles

from app.auth import Argon2Hasher, BadCredentials, PasswordRejected, Role, UserStore
from app.auth.first_start import ADMIN_NAME_ENV, ADMIN_PASSWORD_ENV, NoAdministrator, ensure_first_admin


@pytest.fixture
def store(sqlite_url):
    users = UserStore(sqlite_url, hasher=Argon2Hasher(profiles.CHEAPEST))
    yield users
    users.close()


def test_without_a_password_the_server_is_refused_and_nothing_is_created(store):
    with pytest.raises(NoAdministrator, match=ADMIN_PASSWORD_ENV) as refused:
        ensure_first_admin(store, environ={})
    assert refused.value.status == 503 and "管理员" in refused.value.message
    assert store.needs_first_admin() and store.users() == []
    with pytest.raises(BadCredentials):  # no built-in account answers
        store.authenticate("admin", "admin")


def test_from_the_environment_then_never_again(store):
    user = ensure_first_admin(store, environ={ADMIN_PASSWORD_ENV: "Server-first-2026", ADMIN_NAME_ENV: "ops"})
    assert (user.name, user.role) == ("ops", Role.ADMINISTRATOR)
    assert store.authenticate("ops", "Server-first-2026").name == "ops"
    assert ensure_first_admin(store, environ={ADMIN_PASSWORD_ENV: "Another-one-2026"}) is None
    assert [u.name for u in store.users()] == ["ops"]


def test_from_a_file_with_its_newline_and_the_policy_applies(store, tmp_path):
    weak = tmp_path / "weak.txt"
    weak.write_text("admin123\n", encoding="utf-8")
    with pytest.raises(PasswordRejected, match="at least 10 characters"):
        ensure_first_admin(store, environ={}, password_file=weak)
    good = tmp_path / "admin-password"
    good.write_text("配电房-Server-2026\r\n", encoding="utf-8")
    user = ensure_first_admin(store, environ={ADMIN_PASSWORD_ENV: "ignored-when-a-file-is-given"}, password_file=good)
    assert user.name == "admin" and store.authenticate("admin", "配电房-Server-2026").name == "admin"


def test_an_unreadable_file_is_said_in_words(store, tmp_path):
    with pytest.raises(NoAdministrator, match="cannot be read"):
        ensure_first_admin(store, environ={}, password_file=tmp_path / "missing.txt")
