"""The request core every API area builds on: session, auth, timeout, retries, errors."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final
from urllib.parse import quote

import aiohttp
from yarl import URL

from .auth import AbstractAuth
from .const import DEFAULT_REQUEST_TIMEOUT, REQUEST_ID_HEADER, Region
from .exceptions import (
    AspConnectionError,
    AspError,
    AspInvalidResponseError,
    AspRateLimitError,
    AspTimeoutError,
    error_class_for,
)
from .models.common import JsonObject, next_token, req_list
from .models.skills import parse_batch_errors
from .pagination import Page, PageFetcher, WalkLimits, paginate
from .retry import RetryPolicy, SleepFunc, parse_retry_after
from .session import SessionHolder

_LOGGER = logging.getLogger(__name__)

type QueryParams = Sequence[tuple[str, str]]
"""Query parameters as pairs, so a key such as `expand` can repeat."""

# Methods the service cannot have half-applied when it answers 500/503 or times out.
IDEMPOTENT_METHODS: Final = frozenset({"GET", "PUT", "DELETE"})
RETRYABLE_SERVER_STATUSES: Final = frozenset({500, 503})
_REDACTED = "**REDACTED**"


def path(*segments: str) -> str:
    """Join path segments, percent-encoding each (IDs never add or escape a segment)."""
    return "/" + "/".join(quote(segment, safe="~") for segment in segments)


@dataclass(frozen=True, slots=True)
class ApiResponse:
    """A successful response."""

    status: int
    data: Any
    """Parsed JSON body, or None when the body was empty."""
    request_id: str | None
    location: str | None
    body: bytes = b""
    """The body as received; `data` is None when the request asked not to decode it."""

    def decoded(self) -> ApiResponse:
        """Return the response with its body decoded (for one sent with `decode=False`)."""
        return replace(self, data=_parse_body(self.body, self.request_id))

    def json_object(self, what: str) -> JsonObject:
        """Return the body as a JSON object or raise AspInvalidResponseError."""
        if not isinstance(self.data, dict):
            raise AspInvalidResponseError(
                f"{what}: expected a JSON object in the response", request_id=self.request_id
            )
        return self.data


class ApiCore(SessionHolder):
    """Sends authenticated requests to one ASP host and turns failures into `AspError`s."""

    def __init__(
        self,
        auth: AbstractAuth,
        *,
        region: Region | str = Region.NA,
        base_url: str | None = None,
        session: aiohttp.ClientSession | None = None,
        request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
        retry_policy: RetryPolicy | None = None,
        sleep: SleepFunc = asyncio.sleep,
    ) -> None:
        """Create the client.

        `base_url` (scheme, host, optional port and path prefix) overrides the region's
        host, for example a simulator's `http://127.0.0.1:8787`. Pass the shared
        `session`; without one the client makes its own and closes it in `close()`.
        """
        super().__init__(session)
        self._auth = auth
        self._base_url = (base_url or Region(region).base_url).rstrip("/")
        self._timeout = request_timeout
        self._retry = retry_policy or RetryPolicy()
        self._sleep = sleep
        self.walk_limits = WalkLimits()
        """How far a listing may go before it is abandoned (`AspListingTooLongError`)."""
        self._listing_limits: dict[str, WalkLimits] = {}

    def listing_limits(self, listing: str) -> WalkLimits:
        """Return the walk limits of one listing, which learns its own longest walk.

        Shared, a community's 10 pages of homes would cap the device listing (120 pages
        at 2,000 homes) at the floor of 100 pages.
        """
        limits = self._listing_limits.get(listing)
        if limits is None:
            limits = self._listing_limits[listing] = replace(self.walk_limits, longest_walk=0)
        return limits

    def __repr__(self) -> str:
        """Describe the client (no secrets live here)."""
        return f"{type(self).__name__}(base_url={self._base_url!r})"

    @property
    def base_url(self) -> str:
        """Return the API base URL requests go to."""
        return self._base_url

    def _paginate[T](self, fetch: PageFetcher[T]) -> AsyncIterator[T]:
        """Walk a listing within this client's `walk_limits`."""
        return paginate(fetch, self.walk_limits)

    def _listing_pages[T](
        self,
        url_path: str,
        params: QueryParams,
        *,
        items_key: str,
        parse: Callable[[object], T],
        what: str,
    ) -> PageFetcher[T]:
        """Return a page fetcher for a GET listing paged by a `nextToken` query parameter.

        The body holds the page's items under `items_key` and the next token in its
        `paginationContext`.
        """

        async def fetch(token: str | None) -> Page[T]:
            query = [*params, ("nextToken", token)] if token else params
            response = await self._request("GET", url_path, params=query)
            data = response.json_object(what)
            items = req_list(data, items_key, what)
            return Page(tuple(parse(item) for item in items), next_token(data))

        return fetch

    async def _request(
        self,
        method: str,
        url_path: str,
        *,
        params: QueryParams | None = None,
        body: Any = None,
        decode: bool = True,
    ) -> ApiResponse:
        """Send a request, retrying per the policy, and return the successful response.

        `body` is sent as JSON when not None. Raises an `AspError` subclass otherwise.
        With `decode=False` the body is left undecoded (see `ApiResponse.decoded`), for a
        caller that may find it needs nothing from it.
        """
        url = URL(self._base_url + url_path, encoded=True)
        if params:
            url = url.with_query(list(params))
        headers = {"Accept": "application/json"}
        data: bytes | None = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        idempotent = method in IDEMPOTENT_METHODS
        attempt = 0
        token_refused = False
        while True:
            attempt += 1
            retry_after: float | None = None
            try:
                token = await self._auth.async_get_access_token()
            except AspRateLimitError as err:
                # LWA throttled the token refresh: nothing reached the API, so any method
                # may wait and try again.
                error: AspError = err
                retry_after = err.retry_after
                retryable = True
            else:
                headers["Authorization"] = f"Bearer {token}"
                try:
                    raw = await self._send(method, url, url_path, headers, data)
                except AspConnectionError as err:  # timeouts included
                    error = err
                    retryable = idempotent
                else:
                    if 200 <= raw.status < 300:
                        return ApiResponse(
                            raw.status,
                            _parse_body(raw.body, raw.request_id) if decode else None,
                            raw.request_id,
                            raw.location,
                            raw.body,
                        )
                    if raw.status == 401 and not token_refused:
                        # The token may have been revoked or expired early: get a fresh
                        # one once; the service did not act on a request it refused.
                        token_refused = True
                        attempt -= 1
                        await self._auth.async_invalidate_access_token(token)
                        continue
                    retry_after = raw.retry_after
                    error = _error_for(method, url_path, raw, token=token)
                    retryable = raw.status == 429 or (
                        idempotent and raw.status in RETRYABLE_SERVER_STATUSES
                    )
            if not retryable or attempt >= self._retry.max_attempts:
                raise error
            delay = retry_after if retry_after is not None else self._retry.backoff(attempt)
            if delay > self._retry.max_retry_after:
                raise error
            _LOGGER.debug("Retrying %s %s in %.1f s (%s)", method, url_path, delay, error)
            await self._sleep(delay)

    async def _send(
        self, method: str, url: URL, url_path: str, headers: dict[str, str], data: bytes | None
    ) -> _RawResponse:
        """Send one request; connection failures and timeouts become AspConnectionError."""
        session = self._get_session()
        try:
            async with (
                asyncio.timeout(self._timeout),
                session.request(
                    method,
                    url,
                    headers=headers,
                    data=data,
                    # No body, no Content-Type (aiohttp would claim octet-stream).
                    skip_auto_headers=() if data is not None else ("Content-Type",),
                ) as resp,
            ):
                raw = _RawResponse(
                    status=resp.status,
                    body=await resp.read(),
                    request_id=resp.headers.get(REQUEST_ID_HEADER),
                    location=resp.headers.get("Location"),
                    retry_after=parse_retry_after(resp.headers.get("Retry-After")),
                )
        except TimeoutError as err:
            raise AspTimeoutError(f"{method} {url_path} timed out") from err
        except aiohttp.ClientError as err:
            raise AspConnectionError(f"{method} {url_path} failed: {type(err).__name__}") from err
        _LOGGER.debug("%s %s -> %s (request id %s)", method, url_path, raw.status, raw.request_id)
        return raw


@dataclass(frozen=True, slots=True, kw_only=True)
class _RawResponse:
    status: int
    body: bytes
    request_id: str | None
    location: str | None
    retry_after: float | None


def _parse_body(raw: bytes, request_id: str | None) -> Any:
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError as err:
        raise AspInvalidResponseError(
            "The response body is not valid JSON", request_id=request_id
        ) from err


def _error_for(method: str, url_path: str, raw: _RawResponse, *, token: str) -> AspError:
    """Build the error for a non-2xx response from its documented error body."""
    status, request_id, retry_after = raw.status, raw.request_id, raw.retry_after
    try:
        data = json.loads(raw.body) if raw.body.strip() else None
    except ValueError:
        data = None
    api_message = code = error_type = None
    item_errors = parse_batch_errors(data) if isinstance(data, dict) else ()
    if isinstance(data, dict):
        api_message = data.get("message") if isinstance(data.get("message"), str) else None
        code = data.get("code") if isinstance(data.get("code"), str) else None
        error_type = data.get("type") if isinstance(data.get("type"), str) else None
    if item_errors and api_message is None:
        api_message = "; ".join(
            f"item {e.item_id}: {e.error_code}: {e.error_description}"
            if e.item_id is not None
            else f"{e.error_code}: {e.error_description}"
            for e in item_errors
        )
    if item_errors and code is None:
        code = item_errors[0].error_code
    # The service's own words, each cause once (a batch repeats it per item).
    detail = (
        " ".join(dict.fromkeys(e.error_description for e in item_errors if e.error_description))
        if item_errors
        else api_message
    ) or None
    if token:
        api_message = api_message.replace(token, _REDACTED) if api_message else None
        detail = detail.replace(token, _REDACTED) if detail else None
    message = f"{method} {url_path} failed with HTTP {status}"
    if api_message:
        message += f": {api_message}"
    if status == 429:
        return AspRateLimitError(
            message,
            retry_after=retry_after,
            request_id=request_id,
            code=code,
            error_type=error_type,
            detail=detail,
        )
    return error_class_for(status)(
        message,
        status=status,
        request_id=request_id,
        code=code,
        error_type=error_type,
        item_errors=item_errors,
        detail=detail,
    )
