"""Config flow: Login with Amazon, or a pasted refresh token; then region and organization."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import probatio as vol
from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    ConfigFlowResult,
    OptionsFlowWithReload,
)
from homeassistant.const import CONF_CLIENT_ID, CONF_CLIENT_SECRET
from homeassistant.core import callback
from homeassistant.helpers import config_entry_oauth2_flow
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)

from .api import (
    AspAuthenticationError,
    AspConnectionError,
    AspError,
    AspForbiddenError,
    AspValidationError,
    Region,
)
from .api.const import LWA_SCOPE, LWA_TOKEN_PATH
from .api.validation import unit_id as validate_unit_id
from .connection import async_build_client, async_check_organization
from .const import (
    AUTH_METHOD_OAUTH,
    AUTH_METHOD_TOKEN,
    CONF_API_URL,
    CONF_AUTH_METHOD,
    CONF_COMMUNITIES,
    CONF_ENDPOINT_INTERVAL,
    CONF_INVENTORY_INTERVAL,
    CONF_LWA_URL,
    CONF_OCCUPANCY_INTERVAL,
    CONF_ORGANIZATION_ID,
    CONF_REFRESH_TOKEN,
    CONF_REGION,
    DEFAULT_ENDPOINT_INTERVAL,
    DEFAULT_INVENTORY_INTERVAL,
    DEFAULT_OCCUPANCY_INTERVAL,
    DOMAIN,
    LWA_AUTHORIZE_PATH,
    MIN_ENDPOINT_INTERVAL,
    REGION_CUSTOM,
)
from .data import AspConfigEntry

_PASSWORD = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
_URL = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))


class AspConfigFlow(config_entry_oauth2_flow.AbstractOAuth2FlowHandler, domain=DOMAIN):
    """Set up an Alexa Smart Properties organization."""

    DOMAIN = DOMAIN
    VERSION = 1
    MINOR_VERSION = 1

    def __init__(self) -> None:
        """Start with nothing collected."""
        super().__init__()
        self._data: dict[str, Any] = {}

    @property
    def logger(self) -> logging.Logger:
        """Return the logger the OAuth2 helper writes to."""
        return logging.getLogger(__name__)

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
        """Take a client ID, client secret and refresh token (Postman collection, ASP CLI)."""
        errors: dict[str, str] = {}
        if user_input is not None:
            client_id = user_input[CONF_CLIENT_ID].strip()
            if not client_id.startswith("amzn1.application-oa2-client."):
                errors[CONF_CLIENT_ID] = "invalid_client_id"
            else:
                self._data.update(
                    {
                        CONF_AUTH_METHOD: AUTH_METHOD_TOKEN,
                        CONF_CLIENT_ID: client_id,
                        CONF_CLIENT_SECRET: user_input[CONF_CLIENT_SECRET].strip(),
                        "token": {CONF_REFRESH_TOKEN: user_input[CONF_REFRESH_TOKEN].strip()},
                    }
                )
                if self.source == SOURCE_REAUTH:
                    return await self._async_finish_reauth()
                return await self.async_step_region()
        defaults = user_input or {}
        if self.source == SOURCE_REAUTH and not defaults:
            defaults = {CONF_CLIENT_ID: self._get_reauth_entry().data.get(CONF_CLIENT_ID, "")}
        schema = vol.Schema(
            {
                vol.Required(CONF_CLIENT_ID): TextSelector(),
                vol.Required(CONF_CLIENT_SECRET): _PASSWORD,
                vol.Required(CONF_REFRESH_TOKEN): _PASSWORD,
            }
        )
        return self.async_show_form(
            step_id="refresh_token",
            data_schema=self.add_suggested_values_to_schema(
                schema, {CONF_CLIENT_ID: defaults.get(CONF_CLIENT_ID, "")}
            ),
            errors=errors,
        )

    async def async_step_region(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Choose where the organization lives; a custom endpoint in advanced mode."""
        if user_input is not None:
            self._data[CONF_REGION] = user_input[CONF_REGION]
            if user_input[CONF_REGION] == REGION_CUSTOM:
                return await self.async_step_custom_endpoint()
            return await self._async_after_region()
        regions = [region.value for region in Region]
        if self.show_advanced_options:
            regions.append(REGION_CUSTOM)
        return self.async_show_form(
            step_id="region",
            data_schema=vol.Schema(
                {
                    vol.Required(CONF_REGION, default=Region.NA.value): SelectSelector(
                        SelectSelectorConfig(
                            options=regions,
                            translation_key="region",
                            mode=SelectSelectorMode.LIST,
                        )
                    )
                }
            ),
        )

    async def async_step_custom_endpoint(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Take the base URLs of the ASP API and of Login with Amazon (a simulator's, say)."""
        errors: dict[str, str] = {}
        if user_input is not None:
            for key in (CONF_API_URL, CONF_LWA_URL):
                url = user_input[key].strip().rstrip("/")
                if not url.startswith(("http://", "https://")):
                    errors[key] = "invalid_url"
                self._data[key] = url
            if not errors:
                return await self._async_after_region()
        return self.async_show_form(
            step_id="custom_endpoint",
            data_schema=self.add_suggested_values_to_schema(
                vol.Schema({vol.Required(CONF_API_URL): _URL, vol.Required(CONF_LWA_URL): _URL}),
                user_input or {},
            ),
            errors=errors,
        )

    async def _async_after_region(self) -> ConfigFlowResult:
        if self.source == SOURCE_RECONFIGURE:
            return await self._async_finish_reconfigure()
        if self._data.get(CONF_AUTH_METHOD) == AUTH_METHOD_TOKEN:
            return await self.async_step_organization()
        return await self.async_step_pick_implementation()

    async def async_step_auth(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Send the admin to Login with Amazon; to the custom endpoint's own LWA if chosen."""
        if user_input is None and self._data.get(CONF_REGION) == REGION_CUSTOM:
            impl = self.flow_impl
            if isinstance(impl, config_entry_oauth2_flow.LocalOAuth2Implementation):
                lwa = self._data[CONF_LWA_URL]
                self.flow_impl = config_entry_oauth2_flow.LocalOAuth2ImplementationWithPkce(
                    self.hass,
                    impl.domain,
                    impl.client_id,
                    authorize_url=lwa + LWA_AUTHORIZE_PATH,
                    token_url=lwa + LWA_TOKEN_PATH,
                    client_secret=impl.client_secret,
                )
        return await super().async_step_auth(user_input)

    async def async_oauth_create_entry(self, data: dict[str, Any]) -> ConfigFlowResult:
        """Keep the tokens Login with Amazon returned; then ask for the organization."""
        self._data.update(
            {
                CONF_AUTH_METHOD: AUTH_METHOD_OAUTH,
                "auth_implementation": data["auth_implementation"],
                "token": data["token"],
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
        errors: dict[str, str] = {}
        if user_input is not None:
            organization_id = user_input[CONF_ORGANIZATION_ID].strip()
            try:
                validate_unit_id(organization_id, CONF_ORGANIZATION_ID)
            except AspValidationError:
                errors[CONF_ORGANIZATION_ID] = "invalid_organization_id"
            else:
                await self.async_set_unique_id(organization_id)
                self._abort_if_unique_id_configured()
                self._data[CONF_ORGANIZATION_ID] = organization_id
                error = await self._async_validate(self._data)
                if error is None:
                    return self.async_create_entry(
                        title=self._title(organization_id), data=self._data
                    )
                errors["base"] = error
        return self.async_show_form(
            step_id="organization",
            data_schema=self.add_suggested_values_to_schema(
                vol.Schema({vol.Required(CONF_ORGANIZATION_ID): TextSelector()}),
                user_input or {},
            ),
            errors=errors,
        )

    async def _async_validate(self, data: dict[str, Any]) -> str | None:
        """Refresh a token and read the organization once; store any rotated refresh token."""
        rotated: list[str] = []
        try:
            client = await async_build_client(self.hass, data, rotated.append)
            await async_check_organization(client, data)
        except AspAuthenticationError:
            return "invalid_auth"
        except AspForbiddenError:
            return "forbidden_organization"
        except AspConnectionError:
            return "cannot_connect"
        except config_entry_oauth2_flow.ImplementationUnavailableError:
            return "cannot_connect"
        except AspError:
            self.logger.exception("Unexpected answer while checking the organization")
            return "unknown"
        if rotated:
            data["token"] = {**data["token"], CONF_REFRESH_TOKEN: rotated[-1]}
        return None

    def _title(self, organization_id: str) -> str:
        return f"Alexa Smart Properties ({organization_id.rsplit('.', 1)[-1][:8]})"

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
        entry = self._get_reauth_entry()
        data = {**entry.data, **self._data}
        if data[CONF_AUTH_METHOD] == AUTH_METHOD_OAUTH:
            data.pop(CONF_CLIENT_ID, None)
            data.pop(CONF_CLIENT_SECRET, None)
        else:
            data.pop("auth_implementation", None)
        error = await self._async_validate(data)
        if error is not None:
            return self.async_abort(reason=error)
        return self.async_update_reload_and_abort(entry, data=data)

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the region or custom endpoint of an organization."""
        entry = self._get_reconfigure_entry()
        self._data = dict(entry.data)
        return await self.async_step_region()

    async def _async_finish_reconfigure(self) -> ConfigFlowResult:
        entry = self._get_reconfigure_entry()
        data = dict(self._data)
        if data[CONF_REGION] != REGION_CUSTOM:
            data.pop(CONF_API_URL, None)
            data.pop(CONF_LWA_URL, None)
        error = await self._async_validate(data)
        if error is not None:
            return self.async_abort(reason=error)
        return self.async_update_reload_and_abort(entry, data=data)


class AspOptionsFlow(OptionsFlowWithReload):
    """Poll intervals and the home communities to include."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Show the options."""
        if user_input is not None:
            return self.async_create_entry(data=user_input)
        entry: AspConfigEntry = self.config_entry
        options = entry.options
        communities = [
            SelectOptionDict(value=community.id, label=community.name)
            for community in entry.runtime_data.inventory.data.communities.values()
        ]
        minutes = NumberSelectorConfig(min=1, max=1440, step=1, mode=NumberSelectorMode.BOX)
        schema = vol.Schema(
            {
                vol.Required(
                    CONF_INVENTORY_INTERVAL,
                    default=options.get(
                        CONF_INVENTORY_INTERVAL, DEFAULT_INVENTORY_INTERVAL.total_seconds() / 60
                    ),
                ): NumberSelector(minutes),
                vol.Required(
                    CONF_OCCUPANCY_INTERVAL,
                    default=options.get(
                        CONF_OCCUPANCY_INTERVAL, DEFAULT_OCCUPANCY_INTERVAL.total_seconds() / 60
                    ),
                ): NumberSelector(minutes),
                vol.Required(
                    CONF_ENDPOINT_INTERVAL,
                    default=options.get(
                        CONF_ENDPOINT_INTERVAL, DEFAULT_ENDPOINT_INTERVAL.total_seconds() / 60
                    ),
                ): NumberSelector(
                    NumberSelectorConfig(
                        min=MIN_ENDPOINT_INTERVAL.total_seconds() / 60,
                        max=1440,
                        step=1,
                        mode=NumberSelectorMode.BOX,
                    )
                ),
                vol.Optional(
                    CONF_COMMUNITIES, default=options.get(CONF_COMMUNITIES, [])
                ): SelectSelector(SelectSelectorConfig(options=communities, multiple=True)),
            }
        )
        return self.async_show_form(step_id="init", data_schema=schema)
