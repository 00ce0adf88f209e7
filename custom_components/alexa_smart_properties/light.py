"""Lights: endpoints with power and brightness, colour or colour temperature."""

from __future__ import annotations

from typing import Any

from homeassistant.components.light import (
    ATTR_BRIGHTNESS,
    ATTR_COLOR_TEMP_KELVIN,
    ATTR_HS_COLOR,
    ColorMode,
    LightEntity,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util.percentage import percentage_to_ranged_value, ranged_value_to_percentage

from .api import AspClient
from .api.models import Endpoint, FeatureName
from .coordinator import EndpointCoordinator
from .data import AspConfigEntry
from .entity import AspEndpointControl, async_add_endpoint_entities

PARALLEL_UPDATES = 1

_HA_BRIGHTNESS = (1, 255)
# Amazon documents colour temperature writes from 1,000 K to 10,000 K.
MIN_KELVIN = 1000
MAX_KELVIN = 10000


def is_light(endpoint: Endpoint) -> bool:
    """Return True for endpoints that dim or change colour."""
    return endpoint.has_feature(FeatureName.POWER) and any(
        endpoint.has_feature(name)
        for name in (FeatureName.BRIGHTNESS, FeatureName.COLOR, FeatureName.COLOR_TEMPERATURE)
    )


def color_modes(endpoint: Endpoint) -> set[ColorMode]:
    """Return the colour modes an endpoint supports."""
    modes: set[ColorMode] = set()
    if endpoint.has_feature(FeatureName.COLOR):
        modes.add(ColorMode.HS)
    if endpoint.has_feature(FeatureName.COLOR_TEMPERATURE):
        modes.add(ColorMode.COLOR_TEMP)
    return modes or {ColorMode.BRIGHTNESS}


class AspLight(AspEndpointControl, LightEntity):
    """A dimmable or colour light."""

    _attr_name = None
    _attr_min_color_temp_kelvin = MIN_KELVIN
    _attr_max_color_temp_kelvin = MAX_KELVIN

    def __init__(self, coordinator: EndpointCoordinator, key: str) -> None:
        """Create the light for one endpoint."""
        super().__init__(coordinator, key, "light")
        self._attr_supported_color_modes = color_modes(self.endpoint)
        self._last_mode: ColorMode | None = None

    def state_inputs(self) -> object:
        """Return the endpoint and the colour mode last set from here."""
        return (super().state_inputs(), self._last_mode)

    @property
    def is_on(self) -> bool | None:
        """Return the power state."""
        feature = self.endpoint.feature(FeatureName.POWER)
        return feature.power_on if feature else None

    @property
    def brightness(self) -> int | None:
        """Return brightness on Home Assistant's 1-255 scale."""
        feature = self.endpoint.feature(FeatureName.BRIGHTNESS)
        percent = feature.brightness if feature else None
        if percent is None:
            return None
        return round(percentage_to_ranged_value(_HA_BRIGHTNESS, percent))

    @property
    def hs_color(self) -> tuple[float, float] | None:
        """Return hue (degrees) and saturation (percent)."""
        feature = self.endpoint.feature(FeatureName.COLOR)
        color = feature.color if feature else None
        return (color.hue, color.saturation * 100) if color else None

    @property
    def color_temp_kelvin(self) -> int | None:
        """Return the colour temperature."""
        feature = self.endpoint.feature(FeatureName.COLOR_TEMPERATURE)
        kelvin = feature.color_temperature_kelvin if feature else None
        return round(kelvin) if kelvin is not None else None

    @property
    def color_mode(self) -> ColorMode:
        """Return the mode the light shows now.

        Amazon reports both colour and colour temperature without saying which is in
        use: the mode last set from here wins, else a saturated colour means colour.
        """
        modes = self._attr_supported_color_modes or {ColorMode.BRIGHTNESS}
        if len(modes) == 1:
            return next(iter(modes))
        if self._last_mode in modes:
            return self._last_mode
        color = self.hs_color
        return ColorMode.HS if color is not None and color[1] > 0 else ColorMode.COLOR_TEMP

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Turn on, with the brightness, colour or colour temperature asked for."""
        if ATTR_HS_COLOR in kwargs:
            hue, saturation = kwargs[ATTR_HS_COLOR]
            level = kwargs.get(ATTR_BRIGHTNESS, self.brightness or 255)
            await self.async_write(
                lambda client, endpoint_id: client.set_color(
                    endpoint_id,
                    hue=float(hue),
                    saturation=float(saturation) / 100,
                    brightness=ranged_value_to_percentage(_HA_BRIGHTNESS, level) / 100,
                )
            )
            self._last_mode = ColorMode.HS
        if ATTR_COLOR_TEMP_KELVIN in kwargs:
            kelvin = int(kwargs[ATTR_COLOR_TEMP_KELVIN])
            await self.async_write(
                lambda client, endpoint_id: client.set_color_temperature(endpoint_id, kelvin)
            )
            self._last_mode = ColorMode.COLOR_TEMP
        if ATTR_BRIGHTNESS in kwargs and self.endpoint.has_feature(FeatureName.BRIGHTNESS):
            percent = max(1, ranged_value_to_percentage(_HA_BRIGHTNESS, kwargs[ATTR_BRIGHTNESS]))
            await self.async_write(
                lambda client, endpoint_id: client.set_brightness(endpoint_id, percent)
            )
        if not self.is_on:
            await self.async_write(AspClient.turn_on)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Turn off."""
        await self.async_write(AspClient.turn_off)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: AspConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add lights, now and as devices appear."""
    await async_add_endpoint_entities(
        entry, is_light, lambda c, key: [AspLight(c, key)], async_add_entities
    )
