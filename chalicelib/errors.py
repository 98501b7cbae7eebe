"""The API error tree.

Every error a caller may see is an :class:`ApiError` carrying an :class:`HTTPStatus`. They
subclass ``ChaliceUnhandledError`` because that is the only exception chalice lets reach
``@app.middleware('http')``, where :mod:`chalicelib.middleware` renders them as
``{"message": ...}`` (the SCORM Cloud API v2 ``MessageSchema``).
"""

from __future__ import annotations

from http import HTTPStatus

from chalice.app import ChaliceUnhandledError


class ApiError(ChaliceUnhandledError):
    """An error with an HTTP status and a message meant for the caller."""

    status: HTTPStatus = HTTPStatus.INTERNAL_SERVER_ERROR

    def __init__(self, message: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers or {}


class BadRequest(ApiError):
    status = HTTPStatus.BAD_REQUEST


class Unauthorized(ApiError):
    status = HTTPStatus.UNAUTHORIZED


class Forbidden(ApiError):
    status = HTTPStatus.FORBIDDEN


class NotFound(ApiError):
    status = HTTPStatus.NOT_FOUND


class MethodNotAllowed(ApiError):
    status = HTTPStatus.METHOD_NOT_ALLOWED


class Conflict(ApiError):
    status = HTTPStatus.CONFLICT


class PreconditionFailed(ApiError):
    status = HTTPStatus.PRECONDITION_FAILED


class PayloadTooLarge(ApiError):
    status = HTTPStatus.REQUEST_ENTITY_TOO_LARGE


class UnsupportedMediaType(ApiError):
    status = HTTPStatus.UNSUPPORTED_MEDIA_TYPE


class TooManyRequests(ApiError):
    status = HTTPStatus.TOO_MANY_REQUESTS
