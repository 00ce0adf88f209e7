"""Error bodies in each API family's documented shape.

The five API pages disagree on error bodies, and clients must cope with all of them:
- residential homes and communities: ``{"message"}``
- occupancy, skills, automations: ``{"type", "message"}``
- batch skill enablement: ``{"errors": [{"status", "errorCode", "errorDescription"}]}``
- endpoints, features, settings, timers, units: ``{"message", "code"}``
- Login with Amazon: OAuth2 ``{"error", "error_description"}``
"""

from enum import StrEnum
from http import HTTPStatus
from typing import Any

from aiohttp import web

from .http import json_response

# Error types for the families whose body carries one.
ERROR_TYPES = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    429: "TOO_MANY_REQUESTS",
    500: "INTERNAL_SERVER_ERROR",
    503: "SERVICE_UNAVAILABLE",
}

# Batch enablement whole-request error codes (the page shows INVALID_LWA_TOKEN for 401).
BATCH_CODES = {
    400: "INVALID_PARAM",
    401: "INVALID_LWA_TOKEN",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    429: "TOO_MANY_REQUESTS",
    500: "INTERNAL_ERROR",
    503: "SERVICE_UNAVAILABLE",
}

OAUTH_CODES = {
    400: "invalid_request",
    401: "invalid_client",
    429: "slow_down",
    500: "server_error",
    503: "temporarily_unavailable",
}


class ErrorStyle(StrEnum):
    """Which error body an API family uses."""

    MESSAGE = "message"
    TYPE_MESSAGE = "type_message"
    BATCH = "batch"
    CODE_MESSAGE = "code_message"
    OAUTH = "oauth"
    PLAIN = "plain"


def style_for_path(path: str) -> ErrorStyle:
    """Pick the error body shape from the request path."""
    if path.startswith("/enterprise/residential/"):
        return ErrorStyle.TYPE_MESSAGE if "/occupancies" in path else ErrorStyle.MESSAGE
    if path.startswith("/v1/skills/"):
        return ErrorStyle.BATCH if path.endswith("/enablements/batch") else ErrorStyle.TYPE_MESSAGE
    if path.startswith("/v2/automations"):
        return ErrorStyle.TYPE_MESSAGE
    if path.startswith(("/v2/", "/v1/alerts")):
        return ErrorStyle.CODE_MESSAGE
    if path.startswith("/auth/o2/"):
        return ErrorStyle.OAUTH
    return ErrorStyle.PLAIN


class ApiError(Exception):
    """An error answered in the caller's API family style.

    ``kind`` refines the body where the family has one: the ``type`` for type/message
    bodies, the ``code`` for endpoint bodies, the ``errorCode`` for batch bodies, the
    OAuth2 ``error`` for LWA.
    """

    def __init__(
        self,
        status: int,
        message: str,
        *,
        kind: str | None = None,
        headers: dict[str, str] | None = None,
        items: list[dict[str, Any]] | None = None,
    ) -> None:
        """Keep what the response needs."""
        super().__init__(message)
        self.status = status
        self.message = message
        self.kind = kind
        self.headers = headers or {}
        self.items = items


def bad_request(message: str, *, kind: str | None = None) -> ApiError:
    """Return a 400 error."""
    return ApiError(400, message, kind=kind)


def not_found(message: str = "The requested resource wasn't found.") -> ApiError:
    """Return a 404 error."""
    return ApiError(404, message)


def forbidden(message: str = "The caller doesn't have permission for this resource.") -> ApiError:
    """Return a 403 error."""
    return ApiError(403, message)


def error_body(style: ErrorStyle, error: ApiError) -> dict[str, Any]:
    """Build the JSON body for an error in the given style."""
    status = error.status
    if style is ErrorStyle.MESSAGE:
        return {"message": error.message}
    if style is ErrorStyle.TYPE_MESSAGE:
        return {"type": error.kind or ERROR_TYPES.get(status, "ERROR"), "message": error.message}
    if style is ErrorStyle.BATCH:
        if error.items is not None:
            return {"errors": error.items}
        return {
            "errors": [
                {
                    "status": status,
                    "errorCode": error.kind or BATCH_CODES.get(status, "ERROR"),
                    "errorDescription": error.message,
                }
            ]
        }
    if style is ErrorStyle.CODE_MESSAGE:
        return {"message": error.message, "code": error.kind or ERROR_TYPES.get(status, "ERROR")}
    if style is ErrorStyle.OAUTH:
        return {
            "error": error.kind or OAUTH_CODES.get(status, "invalid_request"),
            "error_description": error.message,
        }
    return {"message": error.message, "status": status, "reason": HTTPStatus(status).phrase}


def error_response(style: ErrorStyle, error: ApiError) -> web.Response:
    """Render an ApiError as a response."""
    response = json_response(error_body(style, error), status=error.status)
    for name, value in error.headers.items():
        response.headers[name] = value
    return response
