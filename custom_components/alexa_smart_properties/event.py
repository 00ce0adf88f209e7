"""Events: a home's occupancy transitions (moved in, linked, unlinked, moved out)."""

from __future__ import annotations

from homeassistant.components.event import EventEntity
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api.models import HomeOccupancy, OccupancyState
from .coordinator import OccupancyCoordinator
from .data import AspConfigEntry
from .entity import AspHomeOccupancyEntity, async_add_entities_for_new_keys

PARALLEL_UPDATES = 0

MOVED_IN = "moved_in"
MOVED_OUT = "moved_out"
LINKED = "linked"
UNLINKED = "unlinked"
EVENT_TYPES = [MOVED_IN, LINKED, UNLINKED, MOVED_OUT]

_TRANSITIONS: dict[tuple[str, str], list[str]] = {
    (OccupancyState.VACANT, OccupancyState.OCCUPIED): [MOVED_IN],
    (OccupancyState.VACANT, OccupancyState.LINKED): [MOVED_IN, LINKED],
    (OccupancyState.OCCUPIED, OccupancyState.LINKED): [LINKED],
    (OccupancyState.LINKED, OccupancyState.OCCUPIED): [UNLINKED],
    (OccupancyState.OCCUPIED, OccupancyState.VACANT): [MOVED_OUT],
    (OccupancyState.LINKED, OccupancyState.VACANT): [MOVED_OUT],
}


def transitions(before: HomeOccupancy, after: HomeOccupancy) -> list[str]:
    """Return the events between two observed occupancies of a home, in order."""
    # Every enterprise change creates a new occupancy (an unlink too), so a new ID alone
    # doesn't mean the resident changed: only when the states allow no direct transition.
    direct = _TRANSITIONS.get((str(before.state), str(after.state)))
    if (
        direct is None
        and before.occupancy_id != after.occupancy_id
        and before.state != OccupancyState.VACANT
    ):
        # A move-out and a new move-in both happened between two polls.
        return [MOVED_OUT, *transitions_from_vacant(after)]
    return list(direct or [])


def transitions_from_vacant(after: HomeOccupancy) -> list[str]:
    """Return the events that lead from vacant to `after`."""
    return list(_TRANSITIONS.get((OccupancyState.VACANT, str(after.state)), []))


class OccupancyEvent(AspHomeOccupancyEntity, EventEntity):
    """Fires once for each occupancy transition the coordinator observes."""

    _attr_event_types = EVENT_TYPES
    _attr_translation_key = "occupancy_transition"

    def __init__(self, coordinator: OccupancyCoordinator, home_id: str) -> None:
        """Create the event entity of one home."""
        super().__init__(coordinator, home_id, "occupancy_transition")
        self._last = coordinator.data.get(home_id)
        # None in the data is a home read but never moved into (vacant), unlike no entry.
        self._read = home_id in coordinator.data

    @callback
    def _handle_coordinator_update(self) -> None:
        current = self.occupancy
        before, self._last = self._last, current
        was_read, self._read = self._read, self.device_key in self.coordinator.data
        if was_read and current is not None:
            events = (
                transitions(before, current)
                if before is not None
                else transitions_from_vacant(current)  # its first move-in
            )
            previous = before.state if before is not None else OccupancyState.VACANT
            for event_type in events:
                self._trigger_event(
                    event_type,
                    {
                        "occupancy_id": current.occupancy_id,
                        "previous_state": str(previous).lower(),
                        "state": str(current.state).lower(),
                    },
                )
        super()._handle_coordinator_update()


async def async_setup_entry(
    hass: HomeAssistant,
    entry: AspConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add an occupancy event entity per home, now and as homes appear."""
    runtime = entry.runtime_data
    async_add_entities_for_new_keys(
        entry,
        runtime.inventory,
        lambda: runtime.inventory.data.homes,
        lambda home_id: [OccupancyEvent(runtime.occupancy, home_id)],
        async_add_entities,
    )
