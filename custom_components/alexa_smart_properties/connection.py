"""Build the ASP client for a config entry's data, shared by setup and the config flow."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import UnknownImplementationError
from homeassistant.helpers import config_entry_oauth2_flow
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .api import AspClient, LwaAuth, Region
from .api.const import LWA_BASE_URL
from .api.retry import RetryPolicy
from .const import (
    AUTH_METHOD_OAUTH,
    CONF_API_URL,
    CONF_AUTH_METHOD,
    CONF_LWA_URL,
    CONF_ORGANIZATION_ID,
    CONF_REGION,
    DOMAIN,
    REGION_CUSTOM,
)

type RefreshTokenStore = Callable[[str], Awaitable[None] | None]

# How API requests and token refreshes retry; one place, so tests can make it instant.
RETRY_POLICY: Final = RetryPolicy()


def api_base_url(data: Mapping[str, Any]) -> str:
    """Return the ASP API base URL an entry's data points at."""
    if data[CONF_REGION] == REGION_CUSTOM:
        return str(data[CONF_API_URL]).rstrip("/")
    return Region(data[CONF_REGION]).base_url


def lwa_base_url(data: Mapping[str, Any]) -> str:
    """Return the Login with Amazon base URL (token and authorize paths go after it)."""
    if data[CONF_REGION] == REGION_CUSTOM:
        return str(data[CONF_LWA_URL]).rstrip("/")
    return LWA_BASE_URL


async def async_client_credentials(hass: HomeAssistant, data: Mapping[str, Any]) -> tuple[str, str]:
    """Return the LWA client ID and secret: pasted into the entry, or an application credential.

    Raises `UnknownImplementationError` (a `ConfigEntryAuthFailed`: sign in again) when the
    application credential was removed, and `ImplementationUnavailableError` when a provider
    of credentials failed.
    """
    if data[CONF_AUTH_METHOD] != AUTH_METHOD_OAUTH:
        return str(data["client_id"]), str(data["client_secret"])
    implementations = await config_entry_oauth2_flow.async_get_implementations(hass, DOMAIN)
    impl = implementations.get(data["auth_implementation"])
    if not isinstance(impl, config_entry_oauth2_flow.LocalOAuth2Implementation):
        raise UnknownImplementationError
    return impl.client_id, impl.client_secret


async def async_build_client(
    hass: HomeAssistant,
    data: Mapping[str, Any],
    on_refresh_token: RefreshTokenStore | None = None,
) -> AspClient:
    """Return a client and its auth for an entry's data, on Home Assistant's shared session.

    An access token stored with the refresh token (Login with Amazon's answer) is used
    until it expires, so the first request needs no refresh.
    """
    client_id, client_secret = await async_client_credentials(hass, data)
    session = async_get_clientsession(hass)
    token: Mapping[str, Any] = data["token"]
    auth = LwaAuth(
        client_id=client_id,
        client_secret=client_secret,
        refresh_token=token["refresh_token"],
        session=session,
        lwa_base_url=lwa_base_url(data),
        on_refresh_token=on_refresh_token,
        access_token=token.get("access_token"),
        access_token_expires_at=token.get("expires_at"),
        retry_policy=RETRY_POLICY,
    )
    return AspClient(auth, session=session, base_url=api_base_url(data), retry_policy=RETRY_POLICY)


def has_residential_apis(data: Mapping[str, Any]) -> bool:
    """Return True where Amazon offers the residential APIs (US and CA, and custom hosts)."""
    return data[CONF_REGION] in (Region.NA, REGION_CUSTOM)


async def async_check_organization(client: AspClient, data: Mapping[str, Any]) -> None:
    """Read the organization once, so bad credentials or access fail before setup."""
    organization_id = data[CONF_ORGANIZATION_ID]
    if has_residential_apis(data):
        async for _community in client.iter_home_communities(organization_id, max_results=1):
            break
    else:
        async for _unit in client.iter_units(organization_id):
            break
