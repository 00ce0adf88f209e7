"""Events: a home's occupancy transitions (moved in, linked, unlinked, moved out)."""

from __future__ import annotations

from homeassistant.components.event import EventEntity
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import OccupancyCoordinator
from .data import AspConfigEntry
from .entity import AspHomeOccupancyEntity, async_add_entities_for_new_keys
from .occupancy_events import EVENT_TYPES, STATE_AFTER, Reading, events_between

PARALLEL_UPDATES = 0


class OccupancyEvent(AspHomeOccupancyEntity, EventEntity):
    """Fires once for each occupancy transition the coordinator observes."""

    _attr_event_types = EVENT_TYPES
    _attr_translation_key = "occupancy_transition"

    def __init__(self, coordinator: OccupancyCoordinator, home_id: str) -> None:
        """Create the event entity of one home."""
        super().__init__(coordinator, home_id, "occupancy_transition")
        # No reading until the home's occupancy has been read (None in the data is a home
        # read but never moved into: vacant).
        self._last = Reading.of(coordinator.data[home_id]) if home_id in coordinator.data else None

    @callback
    def _handle_coordinator_update(self) -> None:
        if self.device_key in self.coordinator.data:
            current = Reading.of(self.occupancy)
            before, self._last = self._last, current
            if before is not None:
                self._fire(before, current)
        super()._handle_coordinator_update()

    def _fire(self, before: Reading, current: Reading) -> None:
        """Fire one event per completed transition, each with the states it joined."""
        state = before.state
        for event_type in events_between(before, current):
            following = STATE_AFTER[(state, event_type)]
            self._trigger_event(
                event_type,
                {
                    "occupancy_id": current.occupancy_id,
                    "previous_state": state.lower(),
                    "state": following.lower(),
                },
            )
            self.async_write_ha_state()  # each event its own state, or automations miss one
            state = following


async def async_setup_entry(
    hass: HomeAssistant,
    entry: AspConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add an occupancy event entity per home, now and as homes appear."""
    runtime = entry.runtime_data
    await async_add_entities_for_new_keys(
        entry,
        runtime.inventory,
        lambda: runtime.inventory.data.homes,
        lambda home_id: [OccupancyEvent(runtime.occupancy, home_id)],
        async_add_entities,
    )
