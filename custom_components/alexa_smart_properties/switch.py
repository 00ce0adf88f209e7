"""Switches: power of plugs and other on/off endpoints, and Do Not Disturb of Echo devices."""

from __future__ import annotations

from typing import Any

from homeassistant.components.switch import SwitchDeviceClass, SwitchEntity
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import AspClient, AspError
from .api.models import Endpoint, FeatureName
from .const import LOGGER
from .coordinator import EndpointCoordinator
from .data import AspConfigEntry
from .entity import AspEndpointControl, async_add_endpoint_entities
from .light import is_light

PARALLEL_UPDATES = 1


def is_switch(endpoint: Endpoint) -> bool:
    """Return True for endpoints with power only (lights get a light entity instead)."""
    return endpoint.has_feature(FeatureName.POWER) and not is_light(endpoint)


class PowerSwitch(AspEndpointControl, SwitchEntity):
    """Power of a plug or another on/off endpoint."""

    _attr_device_class = SwitchDeviceClass.OUTLET
    _attr_name = None

    def __init__(self, coordinator: EndpointCoordinator, key: str) -> None:
        """Create the switch for one endpoint."""
        super().__init__(coordinator, key, "power")

    @property
    def is_on(self) -> bool | None:
        """Return the power state."""
        feature = self.endpoint.feature(FeatureName.POWER)
        return feature.power_on if feature else None

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Turn the endpoint on."""
        await self.async_write(AspClient.turn_on)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Turn the endpoint off."""
        await self.async_write(AspClient.turn_off)


class DoNotDisturbSwitch(AspEndpointControl, SwitchEntity):
    """Do Not Disturb of an Echo device.

    The setting is not part of the endpoint listing: reading it costs one request per
    device, so it is read when the entity is added and after each change, and the entity
    is disabled by default.
    """

    _attr_entity_category = EntityCategory.CONFIG
    _attr_entity_registry_enabled_default = False
    _attr_translation_key = "do_not_disturb"

    def __init__(self, coordinator: EndpointCoordinator, key: str) -> None:
        """Create the switch for one Echo device."""
        super().__init__(coordinator, key, "do_not_disturb")
        self._attr_is_on = None

    async def async_added_to_hass(self) -> None:
        """Read the setting once."""
        await super().async_added_to_hass()
        if self.available:
            try:
                self._attr_is_on = await self.coordinator.client.get_do_not_disturb(
                    self.endpoint.id
                )
            except AspError as err:
                LOGGER.debug("Reading Do Not Disturb of %s failed: %s", self.entity_id, err)

    async def _async_set(self, enabled: bool) -> None:
        try:
            await self.coordinator.client.set_do_not_disturb(self.endpoint.id, enabled)
        except AspError as err:
            raise self.write_error(err) from err
        self._attr_is_on = enabled
        self.async_write_ha_state()

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Turn Do Not Disturb on."""
        await self._async_set(True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Turn Do Not Disturb off."""
        await self._async_set(False)


def is_echo(endpoint: Endpoint) -> bool:
    """Return True for Echo devices (they have a speaker)."""
    return endpoint.has_feature(FeatureName.SPEAKER)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: AspConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add power and Do Not Disturb switches, now and as devices appear."""
    await async_add_endpoint_entities(
        entry, is_switch, lambda c, key: [PowerSwitch(c, key)], async_add_entities
    )
    await async_add_endpoint_entities(
        entry, is_echo, lambda c, key: [DoNotDisturbSwitch(c, key)], async_add_entities
    )
