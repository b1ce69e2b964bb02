"""Password hashes (Argon2id) and the password policy.

Argon2id is memory-hard, so a stolen user table costs an attacker a lot per guess.  The
parameters are argon2-cffi's RFC 9106 "low memory" profile (64 MiB, 3 passes), which a
workstation verifies in well under a second; a hash made with weaker parameters is replaced
at the next successful login (`Argon2Hasher.needs_rehash`).  Passwords are NFKC-normalised
first, so a full-width digit typed through a Chinese input method is the same password as its
ASCII twin.

The policy refuses what guessing tries first: short passwords, the user's own name, the common
passwords of Chinese and English lists, and passwords of one character class only.  It answers
with every reason in words, so a person can fix all of them at once.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass

from argon2 import PasswordHasher, Type, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from .model import PasswordRejected

log = logging.getLogger(__name__)

MIN_LENGTH = 10
MAX_LENGTH = 256  # hashing is costly on purpose: a megabyte "password" must not become a way to load the server
MIN_CLASSES = 2

# What guessing tries first (lower case, compared after NFKC and lower-casing); short ones are refused
# by the length rule anyway but stay here so that "password" + a digit or two is caught as well.
COMMON_PASSWORDS = frozenset({
    "password", "password1", "password12", "password123", "password1234", "passw0rd", "p@ssw0rd", "p@ssword",
    "p@ssw0rd123", "passw0rd123", "1234567890", "0123456789", "12345678910", "123456789a", "a123456789",
    "a1234567890", "1q2w3e4r5t", "1qaz2wsx3edc", "1qaz2wsx", "qwertyuiop", "qwerty123", "qwerty12345",
    "qwe123456", "qweasdzxc", "asdfghjkl", "zxcvbnm123", "abc1234567", "abcd123456", "abc123456789",
    "admin12345", "admin123456", "admin@123", "admin@1234", "administrator", "administrator1", "root123456",
    "iloveyou", "iloveyou123", "woaini1314", "woaini520", "5201314520", "1314520521", "aa123456789",
    "qq123456789", "letmein123", "welcome123", "welcome@123", "changeme", "changeme123", "default123",
    "switchroom", "switchroom1", "switchroom123", "scada12345", "operator123", "engineer123", "manager123",
})


@dataclass(frozen=True, slots=True)
class Reason:
    """One rule a password breaks: a stable code for programs and the words for people."""

    code: str
    message: str
    message_en: str


def normalise(password: str) -> str:
    return unicodedata.normalize("NFKC", password)


def _classes(password: str) -> int:
    lower = any(c.islower() for c in password)
    upper = any(c.isupper() for c in password)
    digit = any(c.isdigit() for c in password)
    other = any(not (c.islower() or c.isupper() or c.isdigit()) for c in password)  # symbols, CJK, spaces
    return lower + upper + digit + other


def password_problems(password: str, name: str = "") -> list[Reason]:
    """Every rule of the policy ``password`` breaks for user ``name`` (empty: acceptable)."""
    if not isinstance(password, str):
        return [Reason("not_text", "密码须为文字", "a password is text")]
    text = normalise(password)
    low = text.lower()
    reasons: list[Reason] = []
    if len(text) < MIN_LENGTH:
        reasons.append(Reason("too_short", f"至少 {MIN_LENGTH} 个字符", f"at least {MIN_LENGTH} characters"))
    if len(text) > MAX_LENGTH:
        reasons.append(Reason("too_long", f"最多 {MAX_LENGTH} 个字符", f"at most {MAX_LENGTH} characters"))
    plain_name = normalise(name).strip().lower()
    if plain_name and (low == plain_name or (len(plain_name) >= 4 and plain_name in low)):
        reasons.append(Reason("contains_name", "不能包含用户名", "must not contain the user name"))
    if low in COMMON_PASSWORDS or low.rstrip("0123456789!@#.") in COMMON_PASSWORDS:
        reasons.append(Reason("too_common", "这是常见密码，容易被猜中", "a common password, easily guessed"))
    if len(set(text)) <= 2 and text:
        reasons.append(Reason("repetitive", "不能只重复一两个字符", "must not repeat only one or two characters"))
    if text and _classes(text) < MIN_CLASSES:
        reasons.append(Reason("one_class", "须包含字母、数字、符号中至少两类",
                              "needs at least two kinds of letters, digits and symbols"))
    return reasons


def check_password(password: str, name: str = "") -> None:
    """Raise `PasswordRejected` with every reason when ``password`` breaks the policy for ``name``."""
    reasons = password_problems(password, name)
    if reasons:
        raise PasswordRejected(reasons)


class Argon2Hasher:
    """Argon2id hashing with one set of parameters (the default: RFC 9106 low memory).

    Tests pass ``argon2.profiles.CHEAPEST``: still Argon2id, cheap enough to hash hundreds of times.
    """

    def __init__(self, parameters: profiles.Parameters = profiles.RFC_9106_LOW_MEMORY) -> None:
        if parameters.type is not Type.ID:
            raise ValueError("SwitchRoom stores Argon2id hashes only")
        self._hasher = PasswordHasher.from_parameters(parameters)

    def hash(self, password: str) -> str:
        return self._hasher.hash(normalise(password))

    def verify(self, stored: str, password: str) -> bool:
        """Whether ``password`` matches the stored hash; a damaged hash never matches (and is logged)."""
        if not isinstance(password, str) or not isinstance(stored, str):
            return False
        try:
            return self._hasher.verify(stored, normalise(password))
        except VerifyMismatchError:
            return False
        except (InvalidHashError, VerificationError) as exc:
            log.warning("a stored password hash cannot be checked (%s): that login is refused", type(exc).__name__)
            return False

    def needs_rehash(self, stored: str) -> bool:
        """Whether the hash was made with other parameters than this hasher's (then hash again at login)."""
        try:
            return self._hasher.check_needs_rehash(stored)
        except (InvalidHashError, ValueError):
            return True
