"""RTSP authentication as IP cameras do it: HTTP Basic or Digest (RFC 2617, MD5, no qop).

A simulated camera with a username answers a request without (or with wrong) credentials
with 401 and a challenge, so the console's "authentication failed" state and its probe can
be tested against a real exchange.  Nonces are remembered (the last 256) so a client cannot
invent one; a request with a forgotten nonce is challenged again with stale=TRUE.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from collections import OrderedDict

REALM = "SwitchRoom simulated camera"
_NONCES_KEPT = 256


def _md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def parse_params(text: str) -> dict[str, str]:
    """``a="x", b=y`` into a dict (quoted values may contain commas)."""
    params: dict[str, str] = {}
    i, n = 0, len(text)
    while i < n:
        while i < n and text[i] in " ,\t":
            i += 1
        eq = text.find("=", i)
        if eq < 0:
            break
        key = text[i:eq].strip().lower()
        i = eq + 1
        if i < n and text[i] == '"':
            end = i + 1
            value = []
            while end < n and text[end] != '"':
                if text[end] == "\\" and end + 1 < n:
                    end += 1
                value.append(text[end])
                end += 1
            params[key] = "".join(value)
            i = end + 1
        else:
            end = text.find(",", i)
            end = n if end < 0 else end
            params[key] = text[i:end].strip()
            i = end
    return params


class Guard:
    """Checks the Authorization header of requests for one camera's credentials."""

    def __init__(self, username: str, password: str, scheme: str = "digest") -> None:
        if scheme not in ("digest", "basic"):
            raise ValueError(f"authentication scheme {scheme!r} is not digest or basic")
        self.username, self.password, self.scheme = username, password, scheme
        self._nonces: OrderedDict[str, None] = OrderedDict()

    def challenge(self, stale: bool = False) -> str:
        """The WWW-Authenticate header value of a 401 answer."""
        if self.scheme == "basic":
            return f'Basic realm="{REALM}"'
        nonce = secrets.token_hex(16)
        self._nonces[nonce] = None
        while len(self._nonces) > _NONCES_KEPT:
            self._nonces.popitem(last=False)
        return f'Digest realm="{REALM}", nonce="{nonce}", algorithm="MD5"' + (", stale=TRUE" if stale else "")

    def check(self, method: str, authorization: str | None) -> tuple[bool, bool]:
        """(allowed, stale): whether the request may proceed, and whether its nonce was unknown."""
        if not authorization:
            return False, False
        kind, _, rest = authorization.strip().partition(" ")
        if self.scheme == "basic":
            if kind.lower() != "basic":
                return False, False
            try:
                user, _, password = base64.b64decode(rest.strip(), validate=True).decode("utf-8").partition(":")
            except (binascii.Error, UnicodeDecodeError):
                return False, False
            ok = hmac.compare_digest(user.encode(), self.username.encode()) and hmac.compare_digest(
                password.encode(), self.password.encode()
            )
            return ok, False
        if kind.lower() != "digest":
            return False, False
        p = parse_params(rest)
        nonce, uri, response = p.get("nonce", ""), p.get("uri", ""), p.get("response", "")
        if p.get("username") != self.username or p.get("realm") != REALM:
            return False, False
        if nonce not in self._nonces:
            return False, True
        ha1 = _md5(f"{self.username}:{REALM}:{self.password}")
        ha2 = _md5(f"{method}:{uri}")
        qop = p.get("qop")
        if qop:
            expected = _md5(f"{ha1}:{nonce}:{p.get('nc', '')}:{p.get('cnonce', '')}:{qop}:{ha2}")
        else:
            expected = _md5(f"{ha1}:{nonce}:{ha2}")
        return hmac.compare_digest(expected, response.lower()), False
