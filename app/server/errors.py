"""Every refusal and failure of the API as ``{"error": {"code", "message"}}``, never a stack trace.

The status and code of a refusal come from the exception the program already raises for it
(`AuthError` carries its own), so the console in direct mode and the API say the same thing.
Words are English unless the request's ``Accept-Language`` asks for Chinese; refusals that have
both (`AuthError`) send both, so `CloudSource` can rebuild the exception in either language.
Anything unexpected is a 500 with a generic message; its traceback goes to the server's log.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from app.alarms.journal_db import JournalUnavailable
from app.alarms.model import AlarmActionError
from app.auth import AccountLocked, AuthError
from app.diagram.drawings import DrawingConflict
from app.diagram.fileformat import DiagramFileError
from app.historian import HistorianError
from app.historian.errors import BadQuery, UnknownPoint
from app.server.body import JsonResponse
from app.video.credentials import CameraUnavailable, UnknownCamera

log = logging.getLogger(__name__)
FILE_MESSAGE = "a file of the site cannot be read or written just now; the server's log says which and why"

#: HTTP status -> the code an error of that status has when nothing more precise is known.
STATUS_CODES = {400: "bad_request", 401: "session_expired", 403: "permission_denied", 404: "not_found",
                405: "method_not_allowed", 409: "conflict", 413: "too_large", 422: "bad_input",
                500: "internal", 503: "unavailable"}  # fmt: skip


class NotFound(Exception):
    """An id of the URL names nothing (a point, user, diagram or record): API 404."""


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    """The API's error object."""
    return {"error": {"code": code, "message": message, **extra}}


def wants_chinese(request: Request) -> bool:
    """Whether the caller asked for Chinese words (``Accept-Language: zh...``)."""
    return request.headers.get("accept-language", "").strip().lower().startswith("zh")


def error_response(status: int, code: str, message: str, **extra: Any) -> Response:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JsonResponse(error_body(code, message, **extra), status_code=status, headers=headers)


def _auth_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AuthError)
    extra: dict[str, Any] = {"message_zh": exc.message, "message_en": exc.message_en}
    if isinstance(exc, AccountLocked):
        extra["until"] = exc.until
    return error_response(exc.status, exc.code, exc.message_in("zh" if wants_chinese(request) else "en"), **extra)


def _words(exc: Exception) -> str:
    return str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)


def _simple(status: int, code: str) -> Any:
    def handler(_request: Request, exc: Exception) -> Response:
        return error_response(status, code, _words(exc) or STATUS_CODES[status])

    return handler


def _file_error(request: Request, exc: Exception) -> Response:
    """An OSError names the server's paths: they go to the log, the client gets the gist."""
    log.error("%s %s: %s", request.method, request.url.path, exc)
    return error_response(503, "unavailable", FILE_MESSAGE)


def _validation(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = []
    for e in exc.errors()[:10]:
        where = ".".join(str(x) for x in e.get("loc", ()) if x != "body") or "request"
        problems.append(f"{where}: {e.get('msg', 'invalid')}")
    return error_response(422, "bad_input", "; ".join(problems) or "the request does not fit its shape")


def _http(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code = STATUS_CODES.get(exc.status_code, "error")
    message = exc.detail if isinstance(exc.detail, str) else code
    response = error_response(exc.status_code, code, message)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


INTERNAL_MESSAGE = "an internal error occurred; the server's log has the details"


def _camera(request: Request, exc: Exception) -> Response:
    """A camera this server cannot hand out: unknown (404), or its password not in the server's environment (503)."""
    assert isinstance(exc, CameraUnavailable)
    status, code = (404, "not_found") if isinstance(exc, UnknownCamera) else (503, "camera_unavailable")
    words = exc.message if wants_chinese(request) else exc.message_en
    return error_response(status, code, words, message_zh=exc.message, message_en=exc.message_en)


def install_error_handlers(app: FastAPI) -> None:
    """Map each exception the program raises to its status (Starlette picks the first class of the
    exception's MRO that has a handler).  Anything else reaches `RequestLog`, which answers 500."""
    app.add_exception_handler(AuthError, _auth_error)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(CameraUnavailable, _camera)  # an unknown camera (a KeyError too) included
    app.add_exception_handler(NotFound, _simple(404, "not_found"))
    app.add_exception_handler(KeyError, _simple(404, "not_found"))
    app.add_exception_handler(AlarmActionError, _simple(409, "alarm_action_refused"))
    app.add_exception_handler(DrawingConflict, _simple(409, "drawing_conflict"))
    app.add_exception_handler(DiagramFileError, _simple(422, "bad_drawing"))
    app.add_exception_handler(ValueError, _simple(422, "bad_input"))
    app.add_exception_handler(JournalUnavailable, _simple(503, "unavailable"))
    app.add_exception_handler(UnknownPoint, _simple(404, "not_found"))  # its MRO has HistorianError first
    app.add_exception_handler(BadQuery, _simple(422, "bad_input"))
    app.add_exception_handler(HistorianError, _simple(503, "unavailable"))
    app.add_exception_handler(OSError, _file_error)
