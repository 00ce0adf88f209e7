"""Build the ASP client and its token source for an entry's data (setup and config flow)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, Final

from homeassistant.const import CONF_CLIENT_ID, CONF_CLIENT_SECRET
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import UnknownImplementationError
from homeassistant.helpers import config_entry_oauth2_flow
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.config_entry_oauth2_flow import AbstractOAuth2Implementation

from .api import AbstractAuth, AspClient, AspError, Region
from .api.const import LWA_BASE_URL
from .api.retry import RetryPolicy
from .application_credentials import async_get_custom_implementation
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
from .oauth import lwa_implementation

_LOGGER = logging.getLogger(__name__)

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


async def async_get_implementation(
    hass: HomeAssistant, data: Mapping[str, Any]
) -> AbstractOAuth2Implementation:
    """Return what refreshes an entry's tokens: its application credential or pasted client.

    Raises `UnknownImplementationError` (a `ConfigEntryAuthFailed`: sign in again) when the
    application credential was removed, and `ImplementationUnavailableError` when a provider
    of credentials failed.
    """
    if data[CONF_AUTH_METHOD] != AUTH_METHOD_OAUTH:
        return lwa_implementation(
            hass, DOMAIN, data[CONF_CLIENT_ID], data[CONF_CLIENT_SECRET], lwa_base_url(data)
        )
    implementations = await config_entry_oauth2_flow.async_get_implementations(hass, DOMAIN)
    implementation = implementations.get(data["auth_implementation"])
    if implementation is None:
        raise UnknownImplementationError
    if data[CONF_REGION] == REGION_CUSTOM:
        return async_get_custom_implementation(hass, implementation, lwa_base_url(data))
    return implementation


def build_client(hass: HomeAssistant, data: Mapping[str, Any], auth: AbstractAuth) -> AspClient:
    """Return a client for an entry's data on Home Assistant's shared session."""
    return AspClient(
        auth,
        session=async_get_clientsession(hass),
        base_url=api_base_url(data),
        retry_policy=RETRY_POLICY,
    )


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


async def async_organization_name(client: AspClient, organization_id: str) -> str | None:
    """Return the organization's name from the Units API, or None when it cannot be read.

    Only the entry's title depends on it, so no failure here stops a setup.
    """
    try:
        unit = await client.get_unit(organization_id)
    except AspError as err:
        _LOGGER.debug("No name for the organization: %s", type(err).__name__)
        return None
    return unit.name.strip() if unit.name and unit.name.strip() else None
