"""Buttons: delete the timers set on an Echo device (for example after a move-out)."""

from __future__ import annotations

from homeassistant.components.button import ButtonEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import AspClient
from .api.models import FeatureName
from .coordinator import EndpointCoordinator
from .data import AspConfigEntry
from .entity import AspEndpointControl, async_add_endpoint_entities

PARALLEL_UPDATES = 1


class DeleteTimersButton(AspEndpointControl, ButtonEntity):
    """Delete every timer on an Echo device.

    A control (no entity category): clearing a departed resident's timers is part of
    turning a home over, so it sits with the device's other controls.
    """

    _attr_translation_key = "delete_timers"

    def __init__(self, coordinator: EndpointCoordinator, key: str) -> None:
        """Create the button for one Echo device."""
        super().__init__(coordinator, key, "delete_timers")

    async def async_press(self) -> None:
        """Delete the timers."""
        await self.async_write(AspClient.delete_timers)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: AspConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add buttons, now and as devices appear."""
    await async_add_endpoint_entities(
        entry,
        lambda endpoint: endpoint.has_feature(FeatureName.SPEAKER),
        lambda c, key: [DeleteTimersButton(c, key)],
        async_add_entities,
    )
