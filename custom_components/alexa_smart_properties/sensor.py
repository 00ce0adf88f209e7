"""Sensors: community counts, home occupancy, skills, automations, temperature, the budget."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import AspError
from .api.models import (
    Endpoint,
    FeatureName,
    OccupancyState,
    SkillEnablementStatus,
    Temperature,
)
from .budget import RequestPlan
from .const import DOMAIN, REQUEST_CEILING_PER_HOUR
from .coordinator import EndpointCoordinator, InventoryData, OccupancyCoordinator
from .data import AspConfigEntry
from .devices import organization_key
from .entity import (
    AspEndpointEntity,
    AspEntity,
    AspHomeOccupancyEntity,
    async_add_endpoint_entities,
    async_add_entities_for_new_keys,
)
from .temperature import measured_temperature, target_temperature, temperature_unit

PARALLEL_UPDATES = 0

OCCUPANCY_OPTIONS = [state.value.lower() for state in OccupancyState]


# --- Community counts ------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class CommunitySensorDescription(SensorEntityDescription):
    """Counts over a community's homes; `state` None counts every home."""

    state: OccupancyState | None = None


COMMUNITY_SENSORS = (
    CommunitySensorDescription(key="homes", translation_key="homes"),
    CommunitySensorDescription(
        key="occupied_homes", translation_key="occupied_homes", state=OccupancyState.OCCUPIED
    ),
    CommunitySensorDescription(
        key="vacant_homes", translation_key="vacant_homes", state=OccupancyState.VACANT
    ),
    CommunitySensorDescription(
        key="linked_homes", translation_key="linked_homes", state=OccupancyState.LINKED
    ),
)


class CommunityCountSensor[C: OccupancyCoordinator | EndpointCoordinator](
    AspEntity[C], SensorEntity
):
    """A count over a community's homes; unavailable once the community is gone."""

    _attr_state_class = SensorStateClass.MEASUREMENT

    @property
    def available(self) -> bool:
        """Return False once the community is gone."""
        return super().available and self.device_key in self.coordinator.inventory.data.communities

    def state_inputs(self) -> object:
        """Return the count."""
        return self.native_value


class CommunitySensor(CommunityCountSensor[OccupancyCoordinator]):
    """How many homes of a community are in a state."""

    entity_description: CommunitySensorDescription

    def __init__(
        self,
        coordinator: OccupancyCoordinator,
        community_id: str,
        description: CommunitySensorDescription,
    ) -> None:
        """Create the sensor for one community."""
        super().__init__(coordinator, community_id, description.key)
        self.entity_description = description

    @property
    def native_value(self) -> int:
        """Return the count."""
        homes = self.coordinator.inventory.homes_of(self.device_key)
        wanted = self.entity_description.state
        if wanted is None:
            return len(homes)
        return sum(1 for home in homes if self.coordinator.state_of(home.id) == wanted)


class CommunityOfflineDevicesSensor(CommunityCountSensor[EndpointCoordinator]):
    """How many devices of a community's homes are offline.

    Devices' connectivity sensors are disabled by default (a large estate would pass Home
    Assistant's limit of enabled entities per entry); this count covers every device.
    Devices of occupied or linked homes are hidden by Amazon and not counted.
    """

    _attr_translation_key = "offline_devices"

    def __init__(self, coordinator: EndpointCoordinator, community_id: str) -> None:
        """Create the sensor for one community."""
        super().__init__(coordinator, community_id, "offline_devices")

    def _offline_homes(self) -> dict[str, int]:
        """Return each of the community's homes with a device offline: how many, by name."""
        offline = self.coordinator.offline_by_unit()
        inventory = self.coordinator.inventory
        homes = [home for home in inventory.homes_of(self.device_key) if offline[home.id]]
        if not homes:
            return {}
        labels = inventory.home_labels()
        return {labels[home.id]: offline[home.id] for home in homes}

    @property
    def native_value(self) -> int:
        """Return the count."""
        return sum(self._offline_homes().values())

    @property
    def extra_state_attributes(self) -> dict[str, dict[str, int]]:
        """Name the homes (as their devices are named) whose devices are offline.

        Each home's health without a connectivity sensor per device enabled: the property
        console lists them on the community's page and under Attention.
        """
        return {"homes": dict(sorted(self._offline_homes().items()))}

    def state_inputs(self) -> object:
        """Return the homes with a device offline (the count and the attribute)."""
        return self._offline_homes()


# --- Home occupancy --------------------------------------------------------------------


class OccupancySensor(AspHomeOccupancyEntity, SensorEntity):
    """A home's occupancy state."""

    _attr_device_class = SensorDeviceClass.ENUM
    _attr_options = OCCUPANCY_OPTIONS
    _attr_translation_key = "occupancy"

    def __init__(self, coordinator: OccupancyCoordinator, home_id: str) -> None:
        """Create the sensor for one home."""
        super().__init__(coordinator, home_id, "occupancy")

    @property
    def extra_state_attributes(self) -> dict[str, str | None]:
        """Return the occupancy ID (it changes with each move-in)."""
        occupancy = self.occupancy
        return {"occupancy_id": occupancy.occupancy_id if occupancy else None}

    @property
    def native_value(self) -> str | None:
        """Return vacant, occupied or linked."""
        state = self.coordinator.state_of(self.device_key)
        return str(state).lower() if state in OccupancyState else None


# --- Home inventory counts -------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class HomeInventorySensorDescription(SensorEntityDescription):
    """A number read from the inventory for one home."""

    value_fn: Callable[[InventoryData, str], int]


HOME_INVENTORY_SENSORS = (
    HomeInventorySensorDescription(
        key="enabled_skills",
        translation_key="enabled_skills",
        value_fn=lambda data, home_id: sum(
            1
            for skill in data.skills.get(home_id, ())
            if skill.status == SkillEnablementStatus.ENABLED
        ),
    ),
    HomeInventorySensorDescription(
        key="automations",
        translation_key="automations",
        value_fn=lambda data, home_id: len(data.automations.get(home_id, ())),
    ),
)


class FollowsInventory[C: OccupancyCoordinator | EndpointCoordinator](AspEntity[C]):
    """An entity of another coordinator whose state also depends on the inventory."""

    async def async_added_to_hass(self) -> None:
        """Follow the inventory coordinator too (homes, skills, automations)."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self.coordinator.inventory.async_add_listener(self._handle_coordinator_update)
        )


class HomeInventorySensor(FollowsInventory[OccupancyCoordinator], SensorEntity):
    """Skills or automations of a home (read by the inventory coordinator)."""

    entity_description: HomeInventorySensorDescription

    def __init__(
        self,
        coordinator: OccupancyCoordinator,
        home_id: str,
        description: HomeInventorySensorDescription,
    ) -> None:
        """Create the sensor for one home."""
        super().__init__(coordinator, home_id, description.key)
        self.entity_description = description

    @property
    def available(self) -> bool:
        """Return False when the inventory is stale or the home is gone."""
        inventory = self.coordinator.inventory
        return inventory.last_update_success and self.device_key in inventory.data.homes

    def state_inputs(self) -> object:
        """Return the count."""
        return self.native_value

    async def async_update(self) -> None:
        """Read this home's skills and automations again (the user asked for an update)."""
        try:
            await self.coordinator.inventory.async_read_details([self.device_key])
        except AspError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="update_failed",
                translation_placeholders={"what": "inventory", "error": str(err)},
            ) from err

    @property
    def native_value(self) -> int:
        """Return the count."""
        return self.entity_description.value_fn(self.coordinator.inventory.data, self.device_key)


# --- Organization: the request budget --------------------------------------------------


class RequestBudgetSensor(FollowsInventory[EndpointCoordinator], SensorEntity):
    """Requests per hour the polls plan for this estate and these options.

    Follows the inventory (homes, skills, automations) and the endpoints (listing pages).
    """

    _attr_entity_category = EntityCategory.DIAGNOSTIC
    _attr_native_unit_of_measurement = "requests/h"
    _attr_state_class = SensorStateClass.MEASUREMENT
    _attr_translation_key = "request_budget"

    def __init__(
        self, coordinator: EndpointCoordinator, key: str, plan: Callable[[], RequestPlan]
    ) -> None:
        """Create the sensor for the organization's device."""
        super().__init__(coordinator, key, "request_budget")
        self._plan = plan

    @property
    def available(self) -> bool:
        """Return True: the plan comes from the estate as last read, whatever the last poll."""
        return True

    def state_inputs(self) -> object:
        """Return the plan."""
        return self._plan()

    @property
    def native_value(self) -> int:
        """Return the planned requests per hour."""
        return round(self._plan().total)

    @property
    def extra_state_attributes(self) -> dict[str, int]:
        """Return the plan by what is read, and the ceiling above which a repair warns."""
        plan = self._plan()
        return {
            "homes_listing": round(plan.homes_listing),
            "occupancy": round(plan.occupancy),
            "endpoints": round(plan.endpoints),
            "skills_automations": round(plan.skills_automations),
            "ceiling": REQUEST_CEILING_PER_HOUR,
        }


# --- Endpoint temperature --------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class TemperatureSensorDescription(SensorEntityDescription):
    """A temperature read off an endpoint's features."""

    read: Callable[[Endpoint], Temperature | None]
    exists_fn: Callable[[Endpoint], bool]


TEMPERATURE_SENSORS = (
    TemperatureSensorDescription(
        key="temperature",
        device_class=SensorDeviceClass.TEMPERATURE,
        state_class=SensorStateClass.MEASUREMENT,
        read=measured_temperature,
        exists_fn=lambda endpoint: measured_temperature(endpoint) is not None,
    ),
    TemperatureSensorDescription(
        key="target_temperature",
        translation_key="target_temperature",
        device_class=SensorDeviceClass.TEMPERATURE,
        read=target_temperature,
        exists_fn=lambda endpoint: endpoint.has_feature(FeatureName.THERMOSTAT),
    ),
)


class TemperatureSensor(AspEndpointEntity, SensorEntity):
    """A temperature an endpoint reports: measured, or a thermostat's setpoint."""

    entity_description: TemperatureSensorDescription

    def __init__(
        self,
        coordinator: EndpointCoordinator,
        key: str,
        description: TemperatureSensorDescription,
    ) -> None:
        """Create the sensor for one endpoint."""
        super().__init__(coordinator, key, description.key)
        self.entity_description = description

    @property
    def native_value(self) -> float | None:
        """Return the temperature."""
        reading = self.entity_description.read(self.endpoint)
        return reading.value if reading else None

    @property
    def native_unit_of_measurement(self) -> str:
        """Return the scale the endpoint reports in."""
        return temperature_unit(self.entity_description.read(self.endpoint))


def _temperature_sensor(
    description: TemperatureSensorDescription,
) -> Callable[[EndpointCoordinator, str], list[TemperatureSensor]]:
    return lambda coordinator, key: [TemperatureSensor(coordinator, key, description)]


async def async_setup_entry(
    hass: HomeAssistant,
    entry: AspConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add sensors for communities, homes and endpoints, now and as they appear."""
    runtime = entry.runtime_data
    occupancy = runtime.occupancy
    if runtime.scheduler is not None:
        async_add_entities(
            [
                RequestBudgetSensor(
                    runtime.endpoints, organization_key(entry), runtime.scheduler.plan
                )
            ]
        )
    await async_add_entities_for_new_keys(
        entry,
        runtime.inventory,
        lambda: runtime.inventory.data.communities,
        lambda community_id: [
            *(
                CommunitySensor(occupancy, community_id, description)
                for description in COMMUNITY_SENSORS
            ),
            CommunityOfflineDevicesSensor(runtime.endpoints, community_id),
        ],
        async_add_entities,
    )
    await async_add_entities_for_new_keys(
        entry,
        runtime.inventory,
        lambda: runtime.inventory.data.homes,
        lambda home_id: [
            OccupancySensor(occupancy, home_id),
            *(
                HomeInventorySensor(occupancy, home_id, description)
                for description in HOME_INVENTORY_SENSORS
            ),
        ],
        async_add_entities,
    )
    for description in TEMPERATURE_SENSORS:
        await async_add_endpoint_entities(
            entry, description.exists_fn, _temperature_sensor(description), async_add_entities
        )
