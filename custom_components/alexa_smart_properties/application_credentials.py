"""Application credentials: Login with Amazon, authorization code with PKCE."""

from __future__ import annotations

from homeassistant.components.application_credentials import (
    AuthorizationServer,
    ClientCredential,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_entry_oauth2_flow

from .api.const import LWA_AUTHORIZE_URL, LWA_TOKEN_URL


async def async_get_authorization_server(hass: HomeAssistant) -> AuthorizationServer:
    """Return Login with Amazon's authorization server."""
    return AuthorizationServer(authorize_url=LWA_AUTHORIZE_URL, token_url=LWA_TOKEN_URL)


async def async_get_auth_implementation(
    hass: HomeAssistant, auth_domain: str, credential: ClientCredential
) -> config_entry_oauth2_flow.AbstractOAuth2Implementation:
    """Return an implementation that adds PKCE (S256), as Amazon's ASP docs require."""
    return config_entry_oauth2_flow.LocalOAuth2ImplementationWithPkce(
        hass,
        auth_domain,
        credential.client_id,
        authorize_url=LWA_AUTHORIZE_URL,
        token_url=LWA_TOKEN_URL,
        client_secret=credential.client_secret,
    )


async def async_get_description_placeholders(hass: HomeAssistant) -> dict[str, str]:
    """Return the links the credentials dialog shows."""
    return {
        "console_url": "https://developer.amazon.com/loginwithamazon/console/site/lwa/overview.html",
        "more_info_url": "https://developer.amazon.com/en-US/docs/alexa/alexa-smart-properties/manage-api-access.html",
    }
