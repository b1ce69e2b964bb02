"""The REST half of `CloudSource`: one pooled HTTP client, the token on every call, errors mapped back.

The console must react to a refusal from the server exactly as it reacts to the same refusal
from a `DirectSource`: a wrong password is `BadCredentials`, an acknowledged alarm is
`AlarmActionError`, a stale drawing is `DrawingConflict`.  So the server's error JSON
(``{"error": {"code", "message"}}``) is turned back into the exception class the in-process
source raises, carrying the server's own words; what cannot be reached becomes
`ServerUnreachable` (an `OSError`, as a lost gateway is).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import httpx
import orjson

from app.alarms.model import AlarmActionError
from app.auth import (
    AccountDisabled,
    AccountLocked,
    AuthError,
    AuthUnavailable,
    BadCredentials,
    BadUserInput,
    PasswordRejected,
    PermissionDenied,
    SessionExpired,
    UnknownUser,
    UserConflict,
)
from app.diagram.drawings import DrawingConflict
from app.diagram.fileformat import DiagramFileError

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"

#: The `AuthError` each error code of the API stands for (app.auth.model names them).
AUTH_CODES: dict[str, type[AuthError]] = {
    cls.code: cls
    for cls in (BadCredentials, AccountLocked, AccountDisabled, PermissionDenied, PasswordRejected, SessionExpired,
                UnknownUser, UserConflict, BadUserInput, AuthUnavailable)
}


class ServerUnreachable(ConnectionError):
    """The server did not answer (refused, timed out, dropped): in words, both languages."""


class ServerError(RuntimeError):
    """The server answered with a failure of its own (5xx) or with something that is not the API."""


def base_url(url: str) -> str:
    """``http(s)://host:port`` + the API prefix, whether or not ``url`` already ends in it."""
    url = url.rstrip("/")
    if not url.startswith(("http://", "https://")):
        url = "http://" + url
    return url if url.endswith(API_PREFIX) else url + API_PREFIX


def rebuild_auth_error(cls: type[AuthError], message: str, message_en: str | None = None) -> AuthError:
    """An `AuthError` of ``cls`` carrying the server's words instead of building its own.

    The subclasses' constructors take the facts (a lock's end, a permission); the server sends
    the sentence (in both languages for an `AuthError`: ``message_zh``/``message_en``), so the
    instance is made without the facts and given the server's sentence.
    """
    exc = cls.__new__(cls)
    AuthError.__init__(exc, message, message_en if message_en is not None else message)
    if cls is PermissionDenied:
        exc.permission, exc.room, exc.user = "", None, None  # type: ignore[attr-defined]
    elif cls is AccountLocked:
        exc.until = 0  # type: ignore[attr-defined]
    elif cls is PasswordRejected:
        exc.reasons = (message,)  # type: ignore[attr-defined]
    elif cls is UnknownUser:
        exc.name = ""  # type: ignore[attr-defined]
    return exc


#: Codes that the server also uses for refusals that are not `AuthError`s (then without ``message_zh``).
_SHARED_CODES = {"bad_input", "conflict"}


def error_for(status: int, error: dict[str, Any], path: str) -> Exception:
    """The exception a `DirectSource` would have raised for this refusal of ``path``.

    ``error`` is the API's error object: ``code``, ``message`` and, for the refusals of
    `app.auth`, ``message_zh``/``message_en`` (and ``until`` for a locked account)."""
    code = str(error.get("code", "") or "")
    message = str(error.get("message", "") or status)
    zh, en = error.get("message_zh"), error.get("message_en")
    cls = AUTH_CODES.get(code)
    if cls is not None and (code not in _SHARED_CODES or zh is not None):
        exc = rebuild_auth_error(cls, str(zh or message), str(en or message))
        if isinstance(exc, AccountLocked) and isinstance(error.get("until"), int):
            exc.until = error["until"]
        return exc
    if code == "alarm_action_refused" or ("/alarms" in path and status == 409):
        return AlarmActionError(message)
    if code == "drawing_conflict" or ("/diagrams/" in path and status == 409):
        return DrawingConflict(message)
    if code == "bad_drawing" or ("/diagrams/" in path and status == 422):
        exc = DiagramFileError.__new__(DiagramFileError)
        ValueError.__init__(exc, message)
        exc.source, exc.problems = path.rsplit("/", 1)[-1], [message]
        return exc
    if status == 401:
        return rebuild_auth_error(SessionExpired, message)
    if status == 403:
        return rebuild_auth_error(PermissionDenied, message)
    if status == 404:
        return KeyError(message)
    if status in (400, 422):
        return ValueError(message)
    if status == 409:
        return RuntimeError(message)
    return ServerError(f"服务器出错（{status}）：{message} / the server failed ({status}): {message}")


class ApiClient:
    """``GET``/``POST``/... on the API with the bearer token, answers as JSON, refusals as exceptions.

    ``on_expired`` runs when the server says the token is no longer good (401 on a call that
    carried one), so the source forgets its login before the caller sees `SessionExpired`.
    """

    def __init__(self, url: str, *, timeout: float = 10.0, connections: int = 16,
                 on_expired: Callable[[], None] | None = None) -> None:
        self.base = base_url(url)
        self.token: str | None = None
        self._on_expired = on_expired
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        self.http = httpx.AsyncClient(base_url=self.base, timeout=timeout, limits=limits)

    async def close(self) -> None:
        """Close the pooled connections."""
        await self.http.aclose()

    async def call(self, method: str, path: str, *, params: dict[str, Any] | None = None,
                   json: Any = None, auth: bool = True, text: bool = False, raw: bool = False) -> Any:
        """One call; the answer's JSON (its text with ``text=True``, its bytes with ``raw=True``), or the
        mapped exception."""
        headers = {"Authorization": f"Bearer {self.token}"} if auth and self.token else None
        clean = {k: v for k, v in (params or {}).items() if v is not None}
        try:
            response = await self.http.request(method, path, params=clean, json=json, headers=headers)
        except httpx.TimeoutException as exc:
            raise ServerUnreachable(f"服务器 {self.base} 未在时限内应答 / the server {self.base} did not answer in time"
                                    ) from exc
        except httpx.TransportError as exc:
            raise ServerUnreachable(f"无法连接服务器 {self.base}：{exc} / cannot reach the server {self.base}: {exc}"
                                    ) from exc
        if response.status_code >= 400:
            raise self._refusal(response, path, carried_token=headers is not None)
        if text:
            return response.text
        if raw:
            return response.content
        if not response.content:
            return None
        try:
            return orjson.loads(response.content)  # several times json's speed: a backfill reads ~100 MB
        except ValueError as exc:
            raise ServerError(f"服务器的应答不是 JSON：{path} / the server's answer to {path} is not JSON") from exc

    def _refusal(self, response: httpx.Response, path: str, *, carried_token: bool) -> Exception:
        error: dict[str, Any] = {"message": response.reason_phrase or str(response.status_code)}
        try:
            body = response.json()
            if isinstance(body, dict) and isinstance(body.get("error"), dict):
                error = body["error"]
            elif isinstance(body, dict) and "detail" in body:  # a framework's own refusal
                error = {"message": str(body["detail"])}
        except ValueError:
            pass
        exc = error_for(response.status_code, error, path)
        if isinstance(exc, SessionExpired) and carried_token and self._on_expired is not None:
            self._on_expired()
        log.debug("%s refused %s %s: %s", self.base, response.status_code, path, exc)
        return exc
