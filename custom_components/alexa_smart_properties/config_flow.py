"""Config flow: region, then Login with Amazon or pasted credentials, then the organization.

Pasted credentials are checked (one token refresh) on the form where they are typed, so a
wrong secret or refresh token is reported there, before the organization is asked for.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import probatio as vol
from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    ConfigFlowResult,
)
from homeassistant.const import CONF_CLIENT_ID, CONF_CLIENT_SECRET
from homeassistant.core import callback
from homeassistant.exceptions import ImplementationUnavailableError, UnknownImplementationError
from homeassistant.helpers import config_entry_oauth2_flow
from homeassistant.helpers.selector import (
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
from yarl import URL

from .api import (
    AspAuthenticationError,
    AspConnectionError,
    AspError,
    AspForbiddenError,
    AspNotFoundError,
    AspRateLimitError,
    AspServerError,
    AspValidationError,
    Region,
)
from .api.const import LWA_SCOPE
from .api.validation import unit_id as validate_unit_id
from .application_credentials import async_get_custom_implementation
from .connection import (
    async_check_organization,
    async_get_implementation,
    async_organization_name,
    build_client,
    lwa_base_url,
)
from .const import (
    AUTH_METHOD_OAUTH,
    AUTH_METHOD_TOKEN,
    CONF_API_URL,
    CONF_AUTH_METHOD,
    CONF_LWA_URL,
    CONF_ORGANIZATION_ID,
    CONF_REFRESH_TOKEN,
    CONF_REGION,
    DOMAIN,
    REGION_CUSTOM,
)
from .data import AspConfigEntry
from .oauth import FlowAuth
from .options_flow import AspOptionsFlow

_LOGGER = logging.getLogger(__name__)

CLIENT_ID_PREFIX = "amzn1.application-oa2-client."
CONF_TOKEN = "token"  # noqa: S105 - a key name, not a secret
CONF_AUTH_IMPLEMENTATION = "auth_implementation"

_CREDENTIALS = (CONF_CLIENT_ID, CONF_CLIENT_SECRET, CONF_REFRESH_TOKEN)
# LWA's OAuth error codes on a refresh, and the form field (and error) each points at.
_LWA_REFUSALS: dict[str, tuple[str, str]] = {
    "invalid_client": (CONF_CLIENT_SECRET, "invalid_client_secret"),
    "invalid_grant": (CONF_REFRESH_TOKEN, "invalid_refresh_token"),
}

_PASSWORD = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
_URL = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))

# Selector option values are translation keys, which must be lowercase; entries store the
# API's region values ("NA", "EU", "FE") or "custom", so existing entries need no migration.
_REGION_OF_OPTION: dict[str, str] = {
    **{region.value.lower(): region.value for region in Region},
    REGION_CUSTOM: REGION_CUSTOM,
}


def _base_url(value: str) -> str | None:
    """Return an http(s) base URL without its trailing slash, or None if it is not one."""
    url = value.strip().rstrip("/")
    try:
        parsed = URL(url)
    except ValueError:
        return None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        return None
    return url


class AspConfigFlow(config_entry_oauth2_flow.AbstractOAuth2FlowHandler, domain=DOMAIN):
    """Set up an Alexa Smart Properties organization.

    The data collected so far lives in `_data`; when the check with a real call fails, the
    user goes back to the form where the cause can be fixed (credentials, custom endpoint
    or organization) and the check runs again from there.
    """

    DOMAIN = DOMAIN
    VERSION = 1
    MINOR_VERSION = 2

    def __init__(self) -> None:
        """Start with nothing collected."""
        super().__init__()
        self._data: dict[str, Any] = {}
        # Refresh tokens LWA replaced during a check: a pasted token submitted again after
        # an error must become the latest one, as the old one may no longer work.
        self._rotated: dict[str, str] = {}
        # The credentials last typed, shown again when the flow comes back to their form.
        self._typed: dict[str, str] = {}

    @property
    def logger(self) -> logging.Logger:
        """Return the logger the OAuth2 helper writes to."""
        return _LOGGER

    @property
    def extra_authorize_data(self) -> dict[str, Any]:
        """Ask LWA for the one scope the ASP APIs need."""
        return {"scope": LWA_SCOPE}

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: AspConfigEntry) -> AspOptionsFlow:
        """Return the options flow."""
        return AspOptionsFlow()

    # --- Ways in -----------------------------------------------------------------------

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Offer both ways in: Login with Amazon, or a refresh token the admin already has."""
        return self.async_show_menu(step_id="user", menu_options=["region", "refresh_token"])

    async def async_step_refresh_token(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Take a client ID, client secret and refresh token (Postman collection, ASP CLI).

        They are checked here, with one token refresh, so the region (and custom endpoint)
        comes first: it says where Login with Amazon is.
        """
        if CONF_REGION not in self._data:
            self._data[CONF_AUTH_METHOD] = AUTH_METHOD_TOKEN
            return await self.async_step_region()
        if user_input is None:
            return self._show_refresh_token_form(
                values={CONF_CLIENT_ID: self._data.get(CONF_CLIENT_ID, "")}
            )
        typed = {key: str(user_input.get(key, "")).strip() for key in _CREDENTIALS}
        if not typed[CONF_CLIENT_ID].startswith(CLIENT_ID_PREFIX):
            return self._show_refresh_token_form({CONF_CLIENT_ID: "invalid_client_id"}, typed)
        if not typed[CONF_CLIENT_SECRET] or not typed[CONF_REFRESH_TOKEN]:
            return self._show_refresh_token_form({"base": "invalid_auth"}, typed)
        refresh_token = typed[CONF_REFRESH_TOKEN]
        while refresh_token in self._rotated:
            refresh_token = self._rotated[refresh_token]
        self._typed = typed
        self._data.pop(CONF_AUTH_IMPLEMENTATION, None)
        self._data.update(
            {
                CONF_AUTH_METHOD: AUTH_METHOD_TOKEN,
                CONF_CLIENT_ID: typed[CONF_CLIENT_ID],
                CONF_CLIENT_SECRET: typed[CONF_CLIENT_SECRET],
                CONF_TOKEN: {CONF_REFRESH_TOKEN: refresh_token},
            }
        )
        if errors := await self._async_check_credentials():
            return self._show_refresh_token_form(errors, typed)
        if self.source == SOURCE_REAUTH:
            return await self._async_finish_reauth()
        if CONF_ORGANIZATION_ID in self._data:
            return await self._async_finish_user()
        return await self.async_step_organization()

    def _show_refresh_token_form(
        self, errors: dict[str, str] | None = None, values: Mapping[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the credentials form; after an error with what was typed, secrets too."""
        schema = vol.Schema(
            {
                vol.Required(CONF_CLIENT_ID): TextSelector(),
                vol.Required(CONF_CLIENT_SECRET): _PASSWORD,
                vol.Required(CONF_REFRESH_TOKEN): _PASSWORD,
            }
        )
        return self.async_show_form(
            step_id="refresh_token",
            data_schema=self.add_suggested_values_to_schema(schema, values or self._typed),
            errors=errors,
            description_placeholders={"lwa_url": lwa_base_url(self._data)},
        )

    async def _async_check_credentials(self) -> dict[str, str]:
        """Refresh the pasted token once; return the credentials form's errors, if any."""
        auth = FlowAuth(
            await async_get_implementation(self.hass, self._data), self._data[CONF_TOKEN]
        )
        try:
            await auth.async_get_access_token()
        except AspAuthenticationError as err:
            # LWA's OAuth error code says which field is wrong; never its text (or a secret).
            field, error = _LWA_REFUSALS.get(err.code or "", ("base", "invalid_auth"))
            return {field: error}
        except AspConnectionError, AspServerError, AspRateLimitError:
            return {"base": "lwa_unreachable"}
        except AspError:
            _LOGGER.exception("Unexpected answer from Login with Amazon")
            return {"base": "unknown"}
        finally:
            self._keep_token(auth)
        return {}

    async def async_step_region(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Choose where the organization lives, or a custom endpoint (a simulator's)."""
        if user_input is None:
            return self._show_region_form()
        self._data[CONF_REGION] = _REGION_OF_OPTION[user_input[CONF_REGION]]
        if self._data[CONF_REGION] == REGION_CUSTOM:
            return await self.async_step_custom_endpoint()
        self._data.pop(CONF_API_URL, None)
        self._data.pop(CONF_LWA_URL, None)
        return await self._async_after_endpoint()

    def _show_region_form(self, errors: dict[str, str] | None = None) -> ConfigFlowResult:
        return self.async_show_form(
            step_id="region",
            data_schema=vol.Schema(
                {
                    vol.Required(
                        CONF_REGION, default=self._data.get(CONF_REGION, Region.NA.value).lower()
                    ): SelectSelector(
                        SelectSelectorConfig(
                            options=list(_REGION_OF_OPTION),
                            translation_key="region",
                            mode=SelectSelectorMode.LIST,
                        )
                    )
                }
            ),
            errors=errors,
        )

    async def async_step_custom_endpoint(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Take the base URLs of the ASP API and of Login with Amazon (a simulator's, say)."""
        if user_input is None:
            return self._show_custom_endpoint_form()
        errors: dict[str, str] = {}
        urls: dict[str, str] = {}
        for key in (CONF_API_URL, CONF_LWA_URL):
            if (url := _base_url(user_input[key])) is None:
                errors[key] = "invalid_url"
            else:
                urls[key] = url
        if errors:
            return self._show_custom_endpoint_form(errors, user_input)
        self._data.update(urls)
        return await self._async_after_endpoint()

    def _show_custom_endpoint_form(
        self, errors: dict[str, str] | None = None, user_input: Mapping[str, Any] | None = None
    ) -> ConfigFlowResult:
        schema = vol.Schema({vol.Required(CONF_API_URL): _URL, vol.Required(CONF_LWA_URL): _URL})
        return self.async_show_form(
            step_id="custom_endpoint",
            data_schema=self.add_suggested_values_to_schema(schema, user_input or self._data),
            errors=errors,
        )

    async def _async_after_endpoint(self) -> ConfigFlowResult:
        if self.source == SOURCE_RECONFIGURE:
            return await self._async_finish_reconfigure()
        if CONF_ORGANIZATION_ID in self._data:
            return await self._async_finish_user()
        if self._data.get(CONF_AUTH_METHOD) == AUTH_METHOD_TOKEN:
            return await self.async_step_refresh_token()
        return await self.async_step_pick_implementation()

    async def async_step_auth(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Send the admin to Login with Amazon; to the custom endpoint's own LWA if chosen."""
        if user_input is None and self._data.get(CONF_REGION) == REGION_CUSTOM:
            self.flow_impl = async_get_custom_implementation(
                self.hass, self.flow_impl, self._data[CONF_LWA_URL]
            )
        return await super().async_step_auth(user_input)

    async def async_oauth_create_entry(self, data: dict[str, Any]) -> ConfigFlowResult:
        """Keep the tokens Login with Amazon returned; then ask for the organization."""
        self._data.pop(CONF_CLIENT_ID, None)
        self._data.pop(CONF_CLIENT_SECRET, None)
        self._data.update(
            {
                CONF_AUTH_METHOD: AUTH_METHOD_OAUTH,
                CONF_AUTH_IMPLEMENTATION: data[CONF_AUTH_IMPLEMENTATION],
                CONF_TOKEN: data[CONF_TOKEN],
            }
        )
        if self.source == SOURCE_REAUTH:
            return await self._async_finish_reauth()
        return await self.async_step_organization()

    # --- Organization and validation ---------------------------------------------------

    async def async_step_organization(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Take the organization ID and check it with a real call."""
        if user_input is None:
            return self._show_organization_form()
        organization_id = user_input[CONF_ORGANIZATION_ID].strip()
        try:
            validate_unit_id(organization_id, CONF_ORGANIZATION_ID)
        except AspValidationError:
            return self._show_organization_form(
                {CONF_ORGANIZATION_ID: "invalid_organization_id"}, organization_id
            )
        await self.async_set_unique_id(organization_id)
        self._abort_if_unique_id_configured()
        self._data[CONF_ORGANIZATION_ID] = organization_id
        return await self._async_finish_user()

    def _show_organization_form(
        self, errors: dict[str, str] | None = None, organization_id: str | None = None
    ) -> ConfigFlowResult:
        suggested = organization_id or self._data.get(CONF_ORGANIZATION_ID, "")
        return self.async_show_form(
            step_id="organization",
            data_schema=self.add_suggested_values_to_schema(
                vol.Schema({vol.Required(CONF_ORGANIZATION_ID): TextSelector()}),
                {CONF_ORGANIZATION_ID: suggested},
            ),
            errors=errors,
        )

    async def _async_finish_user(self) -> ConfigFlowResult:
        """Check the collected data; create the entry, or go back where the cause is fixed."""
        error = await self._async_validate(self._data)
        if error is None:
            return self.async_create_entry(
                title=await self._async_organization_title(), data=self._data
            )
        errors = {"base": error}
        if error == "invalid_auth" and self._data[CONF_AUTH_METHOD] == AUTH_METHOD_TOKEN:
            return self._show_refresh_token_form(errors)
        if error == "cannot_connect" and self._data[CONF_REGION] == REGION_CUSTOM:
            return self._show_custom_endpoint_form(errors)
        return self._show_organization_form(errors)

    async def _async_validate(self, data: dict[str, Any]) -> str | None:
        """Refresh the token if needed and read the organization once; return an error key.

        The token the check ends with goes into `data` whatever the outcome: LWA may have
        rotated the refresh token, and the one it replaced may no longer work.
        """
        auth: FlowAuth | None = None
        try:
            auth = FlowAuth(await async_get_implementation(self.hass, data), data[CONF_TOKEN])
            await async_check_organization(build_client(self.hass, data, auth), data)
        except AspAuthenticationError:
            error: str | None = "invalid_auth"
        except AspForbiddenError, AspNotFoundError:
            error = "forbidden_organization"
        except (
            AspConnectionError,
            AspServerError,
            AspRateLimitError,
            ImplementationUnavailableError,
        ):
            error = "cannot_connect"
        except UnknownImplementationError:
            error = "credentials_removed"
        except AspError:
            _LOGGER.exception("Unexpected answer while checking the organization")
            error = "unknown"
        else:
            error = None
        if auth is not None:
            self._keep_token(auth, data)
        return error

    def _keep_token(self, auth: FlowAuth, data: dict[str, Any] | None = None) -> None:
        """Store the token a check ended with; remember a refresh token LWA replaced."""
        data = self._data if data is None else data
        old_refresh_token: str = data[CONF_TOKEN][CONF_REFRESH_TOKEN]
        data[CONF_TOKEN] = auth.token
        if (new_refresh_token := auth.token[CONF_REFRESH_TOKEN]) != old_refresh_token:
            self._rotated[old_refresh_token] = new_refresh_token

    async def _async_organization_title(self) -> str:
        """Return the organization's name from the Units API, else its ID.

        Runs right after a successful check, so the token is fresh: no refresh.
        """
        organization_id: str = self._data[CONF_ORGANIZATION_ID]
        auth = FlowAuth(
            await async_get_implementation(self.hass, self._data), self._data[CONF_TOKEN]
        )
        try:
            name = await async_organization_name(
                build_client(self.hass, self._data, auth), organization_id
            )
        finally:
            self._keep_token(auth)
        return name or organization_id

    # --- Reauth and reconfigure --------------------------------------------------------

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """Start again when the refresh token stopped working."""
        self._data = dict(entry_data)
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Offer both ways in again."""
        return self.async_show_menu(
            step_id="reauth_confirm", menu_options=["pick_implementation", "refresh_token"]
        )

    async def _async_finish_reauth(self) -> ConfigFlowResult:
        """Check the new credentials against the entry's organization; store them."""
        error = await self._async_validate(self._data)
        if error is None:
            return self.async_update_reload_and_abort(self._get_reauth_entry(), data=self._data)
        if self._data[CONF_AUTH_METHOD] == AUTH_METHOD_TOKEN:
            return self._show_refresh_token_form({"base": error})
        # After Login with Amazon there is no form to go back to.
        return self.async_abort(reason=error)

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the region or custom endpoint of an organization."""
        self._data = dict(self._get_reconfigure_entry().data)
        return await self.async_step_region()

    async def _async_finish_reconfigure(self) -> ConfigFlowResult:
        """Check the new endpoint; store it, or show the error on the form just submitted."""
        entry = self._get_reconfigure_entry()
        # The running entry may have rotated its refresh token since the flow started.
        self._data[CONF_TOKEN] = entry.data[CONF_TOKEN]
        error = await self._async_validate(self._data)
        if error is None:
            return self.async_update_reload_and_abort(entry, data=self._data)
        if self._data[CONF_TOKEN] != entry.data[CONF_TOKEN]:
            # The check refreshed the entry's token: store it (LWA may have rotated the
            # refresh token); the running entry's session reads it from there.
            self.hass.config_entries.async_update_entry(
                entry, data={**entry.data, CONF_TOKEN: self._data[CONF_TOKEN]}
            )
        if self._data[CONF_REGION] == REGION_CUSTOM:
            return self._show_custom_endpoint_form({"base": error})
        return self._show_region_form({"base": error})
