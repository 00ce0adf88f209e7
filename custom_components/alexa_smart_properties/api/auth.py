"""Access tokens for the ASP APIs: the abstract seam and a Login with Amazon implementation."""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import aiohttp

from .const import DEFAULT_REQUEST_TIMEOUT, LWA_BASE_URL, LWA_TOKEN_PATH, TOKEN_REFRESH_MARGIN
from .exceptions import (
    AspAuthenticationError,
    AspConnectionError,
    AspError,
    AspInvalidResponseError,
    AspRateLimitError,
    AspServerError,
    AspTimeoutError,
)
from .retry import parse_retry_after
from .session import SessionHolder

_LOGGER = logging.getLogger(__name__)

type RefreshTokenCallback = Callable[[str], Awaitable[None] | None]
"""Receives a rotated refresh token; may be a plain function or a coroutine function."""

_REDACTED = "**REDACTED**"
# LWA documents one hour; used only if a token response leaves expires_in out.
_DEFAULT_TOKEN_LIFETIME = 3600.0


class AbstractAuth(ABC):
    """Supplies access tokens to the client.

    Home Assistant implements this on top of its OAuth2 session; `LwaAuth` is the
    stand-alone implementation for a client ID, client secret and refresh token.
    """

    @abstractmethod
    async def async_get_access_token(self) -> str:
        """Return a valid access token, refreshing it first when needed."""

    async def async_invalidate_access_token(self, access_token: str) -> None:  # noqa: B027
        """Forget `access_token` after the API refused it with 401 (optional hook).

        The client then asks for a token once more before giving up. The default does
        nothing, so an implementation that cannot force a refresh simply fails on the retry.
        """


class SingleFlight[T]:
    """Runs one coroutine at a time on behalf of every caller that asks meanwhile.

    A caller that is cancelled does not cancel the run the others await: a token refresh
    cut off after LWA rotated the refresh token would lose the only one that still works.
    """

    def __init__(self) -> None:
        """Start with nothing running."""
        self._task: asyncio.Task[T] | None = None

    async def run(self, start: Callable[[], Coroutine[Any, Any, T]]) -> T:
        """Join the run in progress, or begin one with `start()`; return its result."""
        task = self._task
        if task is None:
            task = asyncio.get_running_loop().create_task(start())
            self._task = task
            task.add_done_callback(self._done)
        return await asyncio.shield(task)

    def _done(self, task: asyncio.Task[T]) -> None:
        if self._task is task:
            self._task = None
        if not task.cancelled():
            task.exception()  # retrieved here so an unawaited failure is not reported


class LwaAuth(SessionHolder, AbstractAuth):
    """Refreshes LWA access tokens with a client ID, client secret and refresh token.

    - refreshes `TOKEN_REFRESH_MARGIN` seconds before the access token expires;
    - runs a single refresh however many requests wait for a token;
    - hands every new refresh token LWA returns to `on_refresh_token` (store it: the old
      one may stop working);
    - raises `AspAuthenticationError` when LWA refuses the credentials (`invalid_grant`:
      revoked or foreign refresh token; the user must sign in again).
    """

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        refresh_token: str,
        session: aiohttp.ClientSession | None = None,
        lwa_base_url: str = LWA_BASE_URL,
        on_refresh_token: RefreshTokenCallback | None = None,
        access_token: str | None = None,
        access_token_expires_at: float | None = None,
        request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """Create the auth.

        `lwa_base_url` is the scheme and host of LWA (a simulator's base URL works);
        the token path is appended. `access_token` and `access_token_expires_at` (epoch
        seconds, per `clock`) let a still valid token be reused after a restart.
        """
        if not client_id or not client_secret or not refresh_token:
            raise ValueError("client_id, client_secret and refresh_token are required")
        self._client_id = client_id
        self._client_secret = client_secret
        self._refresh_token = refresh_token
        SessionHolder.__init__(self, session)
        self._token_url = lwa_base_url.rstrip("/") + LWA_TOKEN_PATH
        self._on_refresh_token = on_refresh_token
        self._access_token = access_token
        self._expires_at = access_token_expires_at if access_token else None
        self._timeout = request_timeout
        self._clock = clock
        self._refresh_flight: SingleFlight[str] = SingleFlight()

    def __repr__(self) -> str:
        """Describe the auth without any secret."""
        return f"LwaAuth(token_url={self._token_url!r}, has_access_token={self.has_valid_token})"

    @property
    def refresh_token(self) -> str:
        """Return the current refresh token (the latest one LWA handed out)."""
        return self._refresh_token

    @property
    def access_token_expires_at(self) -> float | None:
        """Return when the current access token expires (per `clock`), if there is one."""
        return self._expires_at

    @property
    def has_valid_token(self) -> bool:
        """Return True when the access token can be used without a refresh."""
        return (
            self._access_token is not None
            and self._expires_at is not None
            and self._clock() < self._expires_at - TOKEN_REFRESH_MARGIN
        )

    async def async_get_access_token(self) -> str:
        """Return a valid access token, refreshing it (once for all waiters) when needed."""
        if self.has_valid_token:
            assert self._access_token is not None
            return self._access_token
        return await self.async_refresh()

    async def async_invalidate_access_token(self, access_token: str) -> None:
        """Drop the access token the API refused, unless a newer one already replaced it."""
        if access_token == self._access_token:
            self._access_token = None
            self._expires_at = None

    async def async_refresh(self) -> str:
        """Refresh now and return the new access token; joins a refresh already running."""
        return await self._refresh_flight.run(self._refresh)

    async def _refresh(self) -> str:
        data = await self._post_token_request()
        access_token: str = data["access_token"]
        expires_in: float = data["expires_in"]
        self._access_token = access_token
        self._expires_at = self._clock() + expires_in
        new_refresh_token = data.get("refresh_token")
        if (
            isinstance(new_refresh_token, str)
            and new_refresh_token
            and new_refresh_token != self._refresh_token
        ):
            self._refresh_token = new_refresh_token
            await self._notify_refresh_token(new_refresh_token)
        _LOGGER.debug("LWA access token refreshed, valid for %s s", expires_in)
        return access_token

    async def _notify_refresh_token(self, refresh_token: str) -> None:
        if self._on_refresh_token is None:
            return
        try:
            result = self._on_refresh_token(refresh_token)
            if inspect.isawaitable(result):
                await result
        except Exception:
            # The refresh itself worked; a failing store must not fail the request.
            _LOGGER.exception("Storing the rotated LWA refresh token failed")

    async def _post_token_request(self) -> dict[str, Any]:
        # No retry here: a throttled refresh (429) is retried with the request waiting for
        # the token, by the client's one retry loop.
        form = refresh_form(self._client_id, self._client_secret, self._refresh_token)
        return await async_request_token(
            self._get_session(), self._token_url, form, request_timeout=self._timeout
        )


def refresh_form(client_id: str, client_secret: str, refresh_token: str) -> dict[str, str]:
    """Return the form of a refresh token grant."""
    return {
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
        "client_id": client_id,
        "client_secret": client_secret,
    }


async def async_request_token(
    session: aiohttp.ClientSession,
    token_url: str,
    form: dict[str, str],
    *,
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
) -> dict[str, Any]:
    """Post one token request to LWA and return its answer, checked.

    The answer has a non-empty `access_token` and a numeric `expires_in` (LWA's
    documented hour when left out), and may have a new `refresh_token`. Failures raise
    the matching `AspError`; secrets from `form` that LWA echoes are redacted.
    """
    try:
        async with (
            asyncio.timeout(request_timeout),
            session.post(token_url, data=form, headers={"Accept": "application/json"}) as resp,
        ):
            status = resp.status
            body = await resp.read()
            retry_after = parse_retry_after(resp.headers.get("Retry-After"))
    except TimeoutError as err:
        raise AspTimeoutError("Timed out refreshing the LWA access token") from err
    except aiohttp.ClientError as err:
        raise AspConnectionError(
            f"Could not reach LWA to refresh the access token: {type(err).__name__}"
        ) from err
    data = _token_response(status, body, retry_after, form)
    access_token = data.get("access_token")
    if not isinstance(access_token, str) or not access_token:
        raise AspInvalidResponseError("LWA token response has no access_token")
    expires_in = data.get("expires_in", _DEFAULT_TOKEN_LIFETIME)
    if isinstance(expires_in, bool) or not isinstance(expires_in, int | float):
        raise AspInvalidResponseError("LWA token response has an invalid expires_in")
    return {**data, "expires_in": float(expires_in)}


def _token_response(
    status: int, body: bytes, retry_after: float | None, form: dict[str, str]
) -> dict[str, Any]:
    try:
        data = json.loads(body) if body else {}
    except ValueError:
        data = None
    if 200 <= status < 300:
        if not isinstance(data, dict):
            raise AspInvalidResponseError("LWA token response is not a JSON object")
        return data
    error = description = None
    if isinstance(data, dict):
        error = data.get("error") if isinstance(data.get("error"), str) else None
        if isinstance(data.get("error_description"), str):
            description = _redact(data["error_description"], form)
    detail = f"{error}: {description}" if description else (error or f"HTTP {status}")
    message = f"LWA refused the token refresh ({detail})"
    if status == 429:
        raise AspRateLimitError(message, retry_after=retry_after, code=error)
    if status >= 500:
        raise AspServerError(message, status=status, code=error)
    if error is not None or status in (400, 401, 403):
        # invalid_grant, invalid_client, unauthorized_client, invalid_request: the
        # stored credentials cannot produce a token; only a new sign-in helps.
        raise AspAuthenticationError(message, status=status, code=error)
    raise AspError(message, status=status)


def _redact(text: str, form: dict[str, str]) -> str:
    for key, secret in form.items():
        if key != "grant_type" and secret:
            text = text.replace(secret, _REDACTED)
    return text
