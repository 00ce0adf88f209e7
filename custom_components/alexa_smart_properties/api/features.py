"""Endpoint features (reads and writes) and endpoint settings such as do-not-disturb."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from . import validation
from .const import DO_NOT_DISTURB_SETTING
from .exceptions import AspInvalidResponseError, AspValidationError
from .http import ApiCore, path
from .models.features import Feature, FeatureName
from .models.settings import parse_settings, unwrap_setting

_ENDPOINTS = "/v2/endpoints"


class FeaturesApi(ApiCore):
    """Reads and writes of endpoint features and settings."""

    async def get_feature(self, endpoint_id: str, feature: FeatureName | str) -> Feature:
        """Return a feature with its properties. `GET /v2/endpoints/{id}/features/{name}`."""
        validation.endpoint_id(endpoint_id)
        name = validation.feature_name(feature)
        response = await self._request("GET", _ENDPOINTS + path(endpoint_id, "features", name))
        return Feature.from_api(response.json_object("get feature"))

    async def _feature_action(
        self, endpoint_id: str, feature: FeatureName, action: str, body: Any = None
    ) -> None:
        validation.endpoint_id(endpoint_id)
        await self._request(
            "POST", _ENDPOINTS + path(endpoint_id, "features", feature, action), body=body
        )

    async def turn_on(self, endpoint_id: str) -> None:
        """Turn an endpoint on. `POST .../features/power/turnOn` (no body)."""
        await self._feature_action(endpoint_id, FeatureName.POWER, "turnOn")

    async def turn_off(self, endpoint_id: str) -> None:
        """Turn an endpoint off. `POST .../features/power/turnOff` (no body)."""
        await self._feature_action(endpoint_id, FeatureName.POWER, "turnOff")

    async def set_brightness(self, endpoint_id: str, brightness: int) -> None:
        """Set brightness 0-100. `POST .../features/brightness/setBrightness`."""
        value = validation.int_range(brightness, 0, 100, "brightness")
        await self._feature_action(
            endpoint_id, FeatureName.BRIGHTNESS, "setBrightness", {"payload": {"brightness": value}}
        )

    async def set_color(
        self, endpoint_id: str, *, hue: float, saturation: float, brightness: float
    ) -> None:
        """Set an HSB colour: hue 0-360, saturation and brightness 0-1.

        `POST .../features/color/setColor` with `{"payload": {"color": {...}}}`.
        """
        color = {
            "hue": validation.number_range(hue, 0, 360, "hue"),
            "saturation": validation.number_range(saturation, 0, 1, "saturation"),
            "brightness": validation.number_range(brightness, 0, 1, "brightness"),
        }
        await self._feature_action(
            endpoint_id, FeatureName.COLOR, "setColor", {"payload": {"color": color}}
        )

    async def set_color_temperature(self, endpoint_id: str, kelvin: int) -> None:
        """Set the colour temperature, 1000-10000 K.

        `POST .../features/colorTemperature/setColorTemperature`.
        """
        value = validation.int_range(kelvin, 1000, 10000, "colorTemperatureInKelvin")
        await self._feature_action(
            endpoint_id,
            FeatureName.COLOR_TEMPERATURE,
            "setColorTemperature",
            {"payload": {"colorTemperatureInKelvin": value}},
        )

    async def set_volume(self, endpoint_id: str, volume: int) -> None:
        """Set the speaker volume 0-100. `POST .../features/speaker/setVolume`."""
        value = validation.int_range(volume, 0, 100, "volume")
        await self._feature_action(
            endpoint_id, FeatureName.SPEAKER, "setVolume", {"payload": {"volume": value}}
        )

    # --- settings ---

    async def get_setting(self, endpoint_id: str, key: str) -> Any:
        """Return a setting's value. `GET /v2/endpoints/{id}/settings/{key}`.

        The response shape is not documented: a bare JSON value, or an object whose
        `value` is the setting (docs/contract.md, "settings"); both are read.
        """
        validation.endpoint_id(endpoint_id)
        validation.setting_key(key)
        response = await self._request("GET", _ENDPOINTS + path(endpoint_id, "settings", key))
        return unwrap_setting(response.data)

    async def get_settings(self, endpoint_id: str, keys: Iterable[str]) -> dict[str, Any]:
        """Return several settings at once, by key; keys the answer lacks are left out.

        `GET /v2/endpoints/{id}/settings?keys=KeyA,KeyB` (the comma-separated form Amazon's
        clients send). The answer's shape is not documented; see `parse_settings`.
        """
        validation.endpoint_id(endpoint_id)
        wanted = [validation.setting_key(key) for key in keys]
        if not wanted:
            raise AspValidationError("keys: name at least one setting", field="keys")
        response = await self._request(
            "GET", _ENDPOINTS + path(endpoint_id, "settings"), params=[("keys", ",".join(wanted))]
        )
        return parse_settings(response.data, wanted)

    async def set_setting(self, endpoint_id: str, key: str, value: Any) -> None:
        """Change a setting. `PUT /v2/endpoints/{id}/settings/{key}`.

        The body is the bare JSON value (`true`, `["en-US"]`, `80`), as Amazon's Postman
        collection and ASP CLI send it, not an object around it.
        """
        validation.endpoint_id(endpoint_id)
        validation.setting_key(key)
        if value is None:
            raise AspValidationError("value: a setting needs a value", field="value")
        await self._request("PUT", _ENDPOINTS + path(endpoint_id, "settings", key), body=value)

    async def get_do_not_disturb(self, endpoint_id: str) -> bool:
        """Return whether do-not-disturb is on (`Alexa.DoNotDisturb.doNotDisturb`)."""
        value = await self.get_setting(endpoint_id, DO_NOT_DISTURB_SETTING)
        if not isinstance(value, bool):
            raise AspInvalidResponseError("do-not-disturb setting: expected a boolean value")
        return value

    async def set_do_not_disturb(self, endpoint_id: str, enabled: bool) -> None:
        """Turn do-not-disturb on or off."""
        if not isinstance(enabled, bool):
            raise AspValidationError("enabled: must be a boolean", field="enabled")
        await self.set_setting(endpoint_id, DO_NOT_DISTURB_SETTING, enabled)
