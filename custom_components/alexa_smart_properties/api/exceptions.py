"""Errors raised by the ASP client: one base class, one subclass per meaning."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BatchItemError:
    """The failure of one item of a batch request (for example batch skill enablement)."""

    item_id: int | str | None
    """The `itemId` the item was sent with; None when the error concerns the whole request."""
    status: int | None
    error_code: str | None
    error_description: str | None


class AspError(Exception):
    """Base class of every error raised by this package.

    Attributes are safe to log: they never hold tokens, secrets or authorization codes.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        request_id: str | None = None,
        code: str | None = None,
        error_type: str | None = None,
        item_errors: tuple[BatchItemError, ...] = (),
        detail: str | None = None,
    ) -> None:
        """Store what is known of the failure."""
        super().__init__(message)
        self.message = message
        self.detail = detail
        """The service's own words for the failure (its error body's message), if any."""
        self.status = status
        """HTTP status of the response, when there was one."""
        self.request_id = request_id
        """`X-Amzn-RequestId` of the response, for Amazon support."""
        self.code = code
        """The API's error `code` (Endpoints API) or OAuth `error` (LWA), if any."""
        self.error_type = error_type
        """The API's error `type` (occupancy, skills, automations), if any."""
        self.item_errors = item_errors
        """Per-item errors of a batch response, if any."""

    def __str__(self) -> str:
        """Return the message, with the request ID when there is one."""
        if self.request_id:
            return f"{self.message} (request id {self.request_id})"
        return self.message


class AspConnectionError(AspError):
    """The service could not be reached (DNS, refused, reset, TLS)."""


class AspTimeoutError(AspConnectionError):
    """The request did not complete within the request timeout."""


class AspAuthenticationError(AspError):
    """The credentials are not (or no longer) accepted: 401, or LWA `invalid_grant` & co.

    The user has to sign in again; retrying will not help.
    """


class AspForbiddenError(AspError):
    """403: the token is valid but the operation is not allowed (for example the privacy rule)."""


class AspNotFoundError(AspError):
    """404: the resource does not exist or is not visible to the caller."""


class AspBadRequestError(AspError):
    """400: the service refused the request; `message`, `code` and `error_type` say why."""


class AspRateLimitError(AspError):
    """429 that persisted through the retries."""

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        status: int | None = 429,
        request_id: str | None = None,
        code: str | None = None,
        error_type: str | None = None,
        detail: str | None = None,
    ) -> None:
        """Store the server's `Retry-After` in seconds (None when it sent none)."""
        super().__init__(
            message,
            status=status,
            request_id=request_id,
            code=code,
            error_type=error_type,
            detail=detail,
        )
        self.retry_after = retry_after
        """Seconds the server asked to wait, or None when it did not say."""


class AspServerError(AspError):
    """5xx from the service that persisted through the retries (or was not retried)."""


class AspInvalidResponseError(AspError):
    """The response could not be understood: malformed JSON or missing required fields."""


class AspValidationError(AspError, ValueError):
    """Input rejected on the client side before anything was sent."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        """Store the name of the offending field."""
        super().__init__(message)
        self.field = field


def error_class_for(status: int) -> type[AspError]:
    """Return the error class an HTTP error status stands for."""
    if status >= 500:
        return AspServerError
    return {
        400: AspBadRequestError,
        401: AspAuthenticationError,
        403: AspForbiddenError,
        404: AspNotFoundError,
        429: AspRateLimitError,
    }.get(status, AspError)
