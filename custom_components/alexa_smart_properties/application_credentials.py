"""Application credentials: Login with Amazon, authorization code with PKCE."""

from __future__ import annotations

from homeassistant.components.application_credentials import ClientCredential
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.config_entry_oauth2_flow import (
    AbstractOAuth2Implementation,
    LocalOAuth2Implementation,
)

from .api.const import LWA_AUTHORIZE_URL, LWA_TOKEN_URL
from .oauth import LwaImplementation, lwa_implementation


async def async_get_auth_implementation(
    hass: HomeAssistant, auth_domain: str, credential: ClientCredential
) -> AbstractOAuth2Implementation:
    """Return an implementation that adds PKCE (S256), as Amazon's ASP docs require."""
    return LwaImplementation(
        hass,
        auth_domain,
        credential.client_id,
        authorize_url=LWA_AUTHORIZE_URL,
        token_url=LWA_TOKEN_URL,
        client_secret=credential.client_secret,
    )


@callback
def async_get_custom_implementation(
    hass: HomeAssistant, implementation: AbstractOAuth2Implementation, lwa_base_url: str
) -> LwaImplementation:
    """Return the same credential pointed at another Login with Amazon (a simulator's).

    The authorize page and the token endpoint live below `lwa_base_url`; the
    implementation keeps its ID, so the entry refers to the credential as usual.
    """
    assert isinstance(implementation, LocalOAuth2Implementation)
    return lwa_implementation(
        hass,
        implementation.domain,
        implementation.client_id,
        implementation.client_secret,
        lwa_base_url,
    )


async def async_get_description_placeholders(hass: HomeAssistant) -> dict[str, str]:
    """Return the links the credentials dialog shows."""
    return {
        "console_url": "https://developer.amazon.com/loginwithamazon/console/site/lwa/overview.html",
        "more_info_url": "https://developer.amazon.com/en-US/docs/alexa/alexa-smart-properties/manage-api-access.html",
    }
