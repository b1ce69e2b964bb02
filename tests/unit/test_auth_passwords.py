"""The password policy's reasons, and Argon2id hashes: verify, normalisation, rehash, damaged hashes."""

from __future__ import annotations

import dataclasses
import logging

import pytest
from argon2 import Type, profiles

from app.auth import PasswordRejected, check_password, password_problems
from app.auth.passwords import MAX_LENGTH, Argon2Hasher


def codes(password: str, name: str = "zhang") -> list[str]:
    return [r.code for r in password_problems(password, name)]


@pytest.mark.parametrize(("password", "expected"), [
    ("Sh0rt!", ["too_short"]),
    ("Zhang-2026-night", ["contains_name"]),
    ("zhang", ["too_short", "contains_name", "one_class"]),
    ("password123", ["too_common"]),
    ("P@ssw0rd", ["too_short", "too_common"]),
    ("Passw0rd123!", ["too_common"]),  # a common password with a digit or sign added is still common
    ("qwertyuiop", ["too_common", "one_class"]),
    ("aaaaaaaaaaaa", ["repetitive", "one_class"]),
    ("abababababab", ["repetitive", "one_class"]),
    ("correcthorsebattery", ["one_class"]),
    ("73915604827", ["one_class"]),
    ("Ab1-" * (MAX_LENGTH // 4 + 1), ["too_long"]),
    ("correct horse battery", []),  # a passphrase: letters and spaces
    ("Shift-2026!night", []),
    ("配电房值班2026春", []),  # Chinese characters count as their own class
])
def test_policy_reasons(password, expected):
    assert codes(password) == expected


def test_every_reason_has_words_in_both_languages():
    reasons = password_problems("zhang", "zhang")
    assert all(r.message and r.message_en and r.message != r.message_en for r in reasons)
    with pytest.raises(PasswordRejected) as rejected:
        check_password("zhang", "zhang")
    assert rejected.value.reasons == tuple(reasons)
    assert "must not contain the user name" in rejected.value.message_en and "不能包含用户名" in rejected.value.message
    check_password("Shift-2026!night", "zhang")  # accepted: no exception


def test_a_short_name_inside_a_password_is_not_a_reason():
    assert codes("Mali-2026-river", "li") == []  # "li" happens to be inside; only the name itself is refused
    assert codes("li", "li")[:2] == ["too_short", "contains_name"]


def test_hash_verify_and_normalisation():
    hasher = Argon2Hasher(profiles.CHEAPEST)
    stored = hasher.hash("Shift-２０２６!night")  # full-width digits from a Chinese input method
    assert stored.startswith("$argon2id$")
    assert hasher.verify(stored, "Shift-2026!night") and hasher.verify(stored, "Shift-２０２６!night")
    assert not hasher.verify(stored, "Shift-2027!night")
    assert hasher.hash("Shift-2026!night") != hasher.hash("Shift-2026!night")  # salted


def test_needs_rehash_when_the_parameters_change():
    cheap = Argon2Hasher(profiles.CHEAPEST)
    stored = cheap.hash("Shift-2026!night")
    assert not cheap.needs_rehash(stored)
    assert Argon2Hasher(dataclasses.replace(profiles.CHEAPEST, time_cost=2)).needs_rehash(stored)
    assert cheap.needs_rehash("not a hash")


def test_a_damaged_hash_never_matches(caplog):
    cheap = Argon2Hasher(profiles.CHEAPEST)
    with caplog.at_level(logging.WARNING):
        assert not cheap.verify("$argon2id$v=19$m=8,t=1,p=1$broken", "anything")
    assert "cannot be checked" in caplog.text


def test_only_argon2id_is_accepted():
    with pytest.raises(ValueError, match="Argon2id"):
        Argon2Hasher(dataclasses.replace(profiles.CHEAPEST, type=Type.I))
    assert Argon2Hasher().hash("Shift-2026!night").startswith("$argon2id$v=19$m=65536,t=3,p=4$")
