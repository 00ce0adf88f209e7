"""Binary sensors: endpoint connectivity, and a home's occupancy change in progress."""

from __future__ import annotations

from homeassistant.components.binary_sensor import BinarySensorDeviceClass, BinarySensorEntity
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api.models import FeatureName
from .coordinator import EndpointCoordinator, OccupancyCoordinator
from .data import AspConfigEntry
from .entity import (
    AspEndpointEntity,
    AspHomeOccupancyEntity,
    async_add_endpoint_entities,
    async_add_entities_for_new_keys,
)

PARALLEL_UPDATES = 0


class ConnectivitySensor(AspEndpointEntity, BinarySensorEntity):
    """Whether Amazon reaches the endpoint (reachability OK).

    Disabled by default: one per device would take a large estate past Home Assistant's
    limit of enabled entities per entry; each community's offline count covers them all.
    """

    _attr_device_class = BinarySensorDeviceClass.CONNECTIVITY
    _attr_entity_category = EntityCategory.DIAGNOSTIC
    _attr_entity_registry_enabled_default = False

    def __init__(self, coordinator: EndpointCoordinator, key: str) -> None:
        """Create the sensor for one endpoint."""
        super().__init__(coordinator, key, "connectivity")

    @property
    def is_on(self) -> bool | None:
        """Return True when the endpoint is online."""
        return self.endpoint.reachable


class PendingOccupancySensor(AspHomeOccupancyEntity, BinarySensorEntity):
    """On while a move-in, move-out or unlink is still being carried out."""

    _attr_translation_key = "occupancy_change_pending"

    def __init__(self, coordinator: OccupancyCoordinator, home_id: str) -> None:
        """Create the sensor for one home."""
        super().__init__(coordinator, home_id, "occupancy_change_pending")

    @property
    def is_on(self) -> bool:
        """Return True while a requested state is set."""
        occupancy = self.occupancy
        return occupancy is not None and occupancy.requested_state is not None

    @property
    def extra_state_attributes(self) -> dict[str, str | None]:
        """Name the state the home is changing to."""
        occupancy = self.occupancy
        requested = occupancy.requested_state if occupancy else None
        return {"requested_state": str(requested).lower() if requested else None}


async def async_setup_entry(
    hass: HomeAssistant,
    entry: AspConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add connectivity and pending-change sensors, now and as devices appear."""
    runtime = entry.runtime_data
    await async_add_entities_for_new_keys(
        entry,
        runtime.inventory,
        lambda: runtime.inventory.data.homes,
        lambda home_id: [PendingOccupancySensor(runtime.occupancy, home_id)],
        async_add_entities,
    )
    await async_add_endpoint_entities(
        entry,
        lambda endpoint: endpoint.has_feature(FeatureName.CONNECTIVITY),
        lambda coordinator, key: [ConnectivitySensor(coordinator, key)],
        async_add_entities,
    )
