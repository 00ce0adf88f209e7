"""Numbers: speaker volume of Echo devices."""

from __future__ import annotations

from homeassistant.components.number import NumberEntity, NumberMode
from homeassistant.const import PERCENTAGE
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api.models import FeatureName
from .coordinator import EndpointCoordinator
from .data import AspConfigEntry
from .entity import AspEndpointControl, async_add_endpoint_entities

PARALLEL_UPDATES = 1


class VolumeNumber(AspEndpointControl, NumberEntity):
    """Speaker volume, 0-100 %."""

    _attr_translation_key = "volume"
    _attr_native_min_value = 0
    _attr_native_max_value = 100
    _attr_native_step = 1
    _attr_native_unit_of_measurement = PERCENTAGE
    _attr_mode = NumberMode.SLIDER

    def __init__(self, coordinator: EndpointCoordinator, key: str) -> None:
        """Create the volume of one Echo device."""
        super().__init__(coordinator, key, "volume")

    @property
    def native_value(self) -> float | None:
        """Return the volume."""
        feature = self.endpoint.feature(FeatureName.SPEAKER)
        return feature.volume if feature else None

    async def async_set_native_value(self, value: float) -> None:
        """Set the volume."""
        volume = round(value)
        await self.async_write(lambda client, endpoint_id: client.set_volume(endpoint_id, volume))


async def async_setup_entry(
    hass: HomeAssistant,
    entry: AspConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add volume numbers, now and as devices appear."""
    await async_add_endpoint_entities(
        entry,
        lambda endpoint: endpoint.has_feature(FeatureName.SPEAKER),
        lambda c, key: [VolumeNumber(c, key)],
        async_add_entities,
    )
