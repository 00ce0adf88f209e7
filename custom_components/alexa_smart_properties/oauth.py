"""Login with Amazon inside Home Assistant: the OAuth2 implementation and token providers.

Both ways in end up here: an application credential (Login with Amazon with PKCE) and a
pasted refresh token are each an `LwaImplementation`, and Home Assistant's
`OAuth2Session` decides when to refresh and stores every rotated token in the entry (and
`rotated_tokens` on disk at once, for a crash before the entry is written).
"""

from __future__ import annotations

import time
from abc import abstractmethod
from typing import Any, override

from aiohttp import ClientError, ClientResponseError
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.config_entry_oauth2_flow import (
    AbstractOAuth2Implementation,
    LocalOAuth2ImplementationWithPkce,
    OAuth2Session,
)

from .api import AbstractAuth, AspAuthenticationError, AspConnectionError, AspError
from .api.auth import SingleFlight, async_request_token, refresh_form
from .api.const import LWA_TOKEN_PATH, TOKEN_REFRESH_MARGIN
from .api.exceptions import AspRateLimitError, AspServerError
from .const import LWA_AUTHORIZE_PATH
from .rotated_tokens import async_remember_rotation


class LwaImplementation(LocalOAuth2ImplementationWithPkce):
    """Login with Amazon: Home Assistant's code exchange, and refreshes that redact secrets.

    The refresh goes through the client's LWA request, so a refusal is an
    `AspAuthenticationError` and a secret LWA echoes in its error never reaches a log.
    """

    @override
    async def _async_refresh_token(self, token: dict[Any, Any]) -> dict[Any, Any]:
        old = token["refresh_token"]
        form = refresh_form(self.client_id, self.client_secret, old)
        new_token = await async_request_token(
            async_get_clientsession(self.hass), self.token_url, form
        )
        new = new_token.get("refresh_token")
        if isinstance(new, str) and new and new != old:
            # On disk now: the entry itself is written a second later.
            await async_remember_rotation(self.hass, old, new)
        return {**token, **new_token}


def lwa_implementation(
    hass: HomeAssistant, domain: str, client_id: str, client_secret: str, lwa_base_url: str
) -> LwaImplementation:
    """Return an implementation for a client, its pages and token endpoint below a base URL."""
    return LwaImplementation(
        hass,
        domain,
        client_id,
        authorize_url=lwa_base_url + LWA_AUTHORIZE_PATH,
        token_url=lwa_base_url + LWA_TOKEN_PATH,
        client_secret=client_secret,
    )


class _HomeAssistantAuth(AbstractAuth):
    """Hands out the access token of an OAuth2 token dict, mapping refresh failures."""

    @abstractmethod
    async def _async_valid_token(self) -> dict[str, Any]:
        """Return the token, refreshed first when it has expired."""

    async def async_get_access_token(self) -> str:
        """Return a valid access token; refresh failures become `AspError`s."""
        try:
            token = await self._async_valid_token()
        except ClientResponseError as err:
            # Another implementation (or an older Home Assistant) reports HTTP errors so.
            raise _token_error(err) from err
        except ClientError as err:
            raise AspConnectionError(
                f"Could not refresh the access token: {type(err).__name__}"
            ) from err
        return str(token["access_token"])


def _token_error(err: ClientResponseError) -> AspError:
    message = f"The token refresh failed with HTTP {err.status}"
    if err.status == 429:
        return AspRateLimitError(message)
    if err.status >= 500:
        return AspServerError(message, status=err.status)
    if 400 <= err.status < 500:
        # invalid_grant (revoked or rotated away) and its kin: only a new sign-in helps.
        return AspAuthenticationError(message, status=err.status)
    return AspError(message, status=err.status)


class EntryAuth(_HomeAssistantAuth):
    """A loaded entry's tokens: Home Assistant's session refreshes and stores them.

    Once LWA refuses the entry's refresh token, every later ask fails at once, without a
    request, until the entry holds another refresh token (the user signed in again):
    pollers and actions must not knock on LWA's door every few seconds meanwhile.
    """

    def __init__(self, session: OAuth2Session) -> None:
        """Wrap the entry's OAuth2 session."""
        self._session = session
        self._refresh: SingleFlight[None] = SingleFlight()
        self._refused: str | None = None

    @property
    def refused(self) -> bool:
        """Return True while LWA has refused the refresh token the entry holds."""
        return self._refused is not None and self._refused == self._refresh_token()

    def _refresh_token(self) -> str | None:
        return self._session.token.get("refresh_token")

    async def _async_valid_token(self) -> dict[str, Any]:
        if not self._session.valid_token:
            if self.refused:
                raise AspAuthenticationError("LWA refused the refresh token; sign in again")
            # Out of the caller's task, so a cancelled read cannot cut a refresh short.
            await self._refresh.run(self._async_refresh)
        return self._session.token

    async def _async_refresh(self) -> None:
        refresh_token = self._refresh_token()
        try:
            await self._session.async_ensure_token_valid()
        except AspAuthenticationError:
            self._refused = refresh_token
            raise

    async def async_invalidate_access_token(self, access_token: str) -> None:
        """Mark the refused token expired, so the session refreshes it on the next ask."""
        token = self._session.token
        if token.get("access_token") != access_token:
            return  # a newer one already replaced it
        entry = self._session.config_entry
        self._session.hass.config_entries.async_update_entry(
            entry, data={**entry.data, "token": {**token, "expires_at": 0}}
        )


class FlowAuth(_HomeAssistantAuth):
    """Tokens a config flow checks before any entry holds them; `token` has the latest."""

    def __init__(self, implementation: AbstractOAuth2Implementation, token: dict[str, Any]) -> None:
        """Start from `token`; one without `expires_at` (a pasted one) is refreshed first."""
        self._implementation = implementation
        self.token = token

    async def _async_valid_token(self) -> dict[str, Any]:
        if self.token.get("expires_at", 0) < time.time() + TOKEN_REFRESH_MARGIN:
            self.token = await self._implementation.async_refresh_token(self.token)
        return self.token

    async def async_invalidate_access_token(self, access_token: str) -> None:
        """Mark the refused token expired, so the next ask refreshes it."""
        if self.token.get("access_token") == access_token:
            self.token = {**self.token, "expires_at": 0}
