"""Camera addresses with their credentials, and keeping passwords out of every text we show.

The site file keeps a camera's password in an environment variable, never beside the URL; the
stream needs them together, so `with_credentials` joins them at the last moment, percent-encoding
the user name and password (a password with ``@ : / #`` would otherwise be read as part of the
host or the path).  Anything that may end in a log line, an exception or a status detail goes
through `redact` first: OpenCV's and FFmpeg's own messages repeat the URL they were given.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote, urlsplit, urlunsplit

#: scheme://user:password@ — the password runs to the LAST '@' before the path (an unencoded
#: '@' in a password is still hidden); whitespace and quotes end a URL inside a message.
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)([^\s:/@'\"<>]*):([^\s/'\"<>]*)@")

MASK = "***"


def with_credentials(url: str, username: str | None, password: str | None) -> str:
    """The URL with ``username:password@`` in it, both percent-encoded; credentials already in
    the URL are replaced.  Without a user name the URL is returned as it is."""
    if not username:
        return url
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    userinfo = quote(username, safe="")
    if password:
        userinfo += ":" + quote(password, safe="")
    return urlunsplit((parts.scheme, f"{userinfo}@{host}", parts.path, parts.query, parts.fragment))


def credentials_of(url: str) -> tuple[str, str]:
    """(user name, password) carried by the URL, percent-decoded; empty strings when absent."""
    netloc = urlsplit(url).netloc
    if "@" not in netloc:
        return "", ""
    userinfo = netloc.rpartition("@")[0]
    user, _, password = userinfo.partition(":")
    return unquote(user), unquote(password)


def without_credentials(url: str) -> str:
    """The URL with no user information at all (what a camera's RTSP requests name)."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def redact(text: str) -> str:
    """`text` with the password of every ``scheme://user:password@`` in it replaced by ``***``.

    Works on whole messages (log lines, exception text), not only on a bare URL.
    """
    return _USERINFO.sub(lambda m: f"{m.group(1)}{m.group(2)}:{MASK}@", text)
