"""Device triggers of a home, and a whole move-in -> link -> unlink -> move-out cycle."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from homeassistant.components.device_automation import DeviceAutomationType
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    async_get_device_automation_capabilities,
    async_get_device_automations,
)

from custom_components.alexa_smart_properties.const import DOMAIN
from simulator.embed import RunningSimulator
from simulator.state import Occ

from .service_helpers import call, device_id, homes, set_home_state

pytestmark = pytest.mark.small_property

TRIGGER_TYPES = ("occupied", "vacant", "linked", "unlinked")


@pytest.fixture
async def entry(
    hass: HomeAssistant, simulator: RunningSimulator, config_entry: MockConfigEntry
) -> MockConfigEntry:
    """Home 0 vacant; then the entry set up."""
    set_home_state(simulator, homes(simulator)[0], Occ.VACANT)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    return config_entry


def entity_of(hass: HomeAssistant, platform: str, unique_id: str) -> er.RegistryEntry:
    """Return a registry entry of the integration by platform and unique ID."""
    registry = er.async_get(hass)
    entity_id = registry.async_get_entity_id(platform, DOMAIN, unique_id)
    assert entity_id is not None
    entry = registry.async_get(entity_id)
    assert entry is not None
    return entry


def state_of(hass: HomeAssistant, entity_id: str) -> Any:
    """Return an entity's state object."""
    state = hass.states.get(entity_id)
    assert state is not None
    return state


async def test_get_triggers(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """A home offers occupied, vacant, linked and unlinked; other devices offer none."""
    home_id = homes_of(entry)[0]
    home_device = device_id(hass, entry, home_id)
    sensor = entity_of(hass, "sensor", f"{home_id}_occupancy")
    triggers = await async_get_device_automations(hass, DeviceAutomationType.TRIGGER, home_device)
    ours = sorted((t for t in triggers if t["domain"] == DOMAIN), key=lambda t: str(t["type"]))
    assert ours == [
        {
            "platform": "device",
            "domain": DOMAIN,
            "device_id": home_device,
            "entity_id": sensor.id,
            "type": trigger_type,
            "metadata": {"secondary": False},
        }
        for trigger_type in ["linked", "occupied", "unlinked", "vacant"]
    ]
    community = device_id(hass, entry, next(iter(entry.runtime_data.inventory.data.communities)))
    others = await async_get_device_automations(hass, DeviceAutomationType.TRIGGER, community)
    assert [t for t in others if t["domain"] == DOMAIN] == []
    capabilities = await async_get_device_automation_capabilities(
        hass, DeviceAutomationType.TRIGGER, ours[0]
    )
    assert [field["name"] for field in capabilities["extra_fields"]] == ["for"]


def homes_of(entry: MockConfigEntry) -> list[str]:
    """Return the entry's home IDs."""
    return list(entry.runtime_data.inventory.data.homes)


async def setup_automations(
    hass: HomeAssistant, home_device: str, sensor_id: str, **extra: Any
) -> None:
    """One automation per trigger type, each calling test.automation with its type."""
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": [
                {
                    "triggers": {
                        "trigger": "device",
                        "domain": DOMAIN,
                        "device_id": home_device,
                        "entity_id": sensor_id,
                        "type": trigger_type,
                        **extra,
                    },
                    "actions": {
                        "action": "test.automation",
                        "data": {"type": trigger_type},
                    },
                }
                for trigger_type in TRIGGER_TYPES
            ]
        },
    )


async def test_full_cycle(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: RunningSimulator,
    service_calls: list[ServiceCall],
) -> None:
    """Move in, the resident links, unlink, move out: sensor, event entity and triggers."""
    home_id = homes(simulator)[0]
    home_device = device_id(hass, entry, home_id)
    sensor = entity_of(hass, "sensor", f"{home_id}_occupancy")
    event = entity_of(hass, "event", f"{home_id}_occupancy_transition")
    await setup_automations(hass, home_device, sensor.id)
    assert state_of(hass, sensor.entity_id).state == "vacant"

    def fired() -> list[str]:
        return [c.data["type"] for c in service_calls if c.domain == "test"]

    async def step(expected_sensor: str, expected_event: str, triggers: list[str]) -> None:
        await hass.async_block_till_done()
        assert state_of(hass, sensor.entity_id).state == expected_sensor
        assert state_of(hass, event.entity_id).attributes["event_type"] == expected_event
        assert fired() == triggers

    # Move in: the property's step.
    moved_in = await call(hass, "move_in", {"device_id": home_device})
    await step("occupied", "moved_in", ["occupied"])
    assert state_of(hass, event.entity_id).attributes["occupancy_id"] == moved_in["occupancy_id"]

    # The resident follows the account-link URL (the simulator's admin API stands in).
    session = async_get_clientsession(hass)
    async with session.post(
        f"{simulator.base_url}/_admin/homes/{home_id}/resident/link",
        json={"occupancyId": moved_in["occupancy_id"]},
    ) as response:
        assert response.status == 200
    await entry.runtime_data.occupancy.async_refresh()
    await step("linked", "linked", ["occupied", "linked"])

    # The property unlinks the resident's account: occupied again.
    await call(hass, "unlink_resident", {"home_id": home_id}, response=False)
    await step("occupied", "unlinked", ["occupied", "linked", "occupied", "unlinked"])

    # Move out: vacant, the property's devices are back.
    await call(hass, "move_out", {"device_id": home_device}, response=False)
    await step("vacant", "moved_out", ["occupied", "linked", "occupied", "unlinked", "vacant"])
    assert simulator.sim.state.home_state(simulator.sim.state.homes[home_id]) is Occ.VACANT


async def test_trigger_with_for(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: RunningSimulator,
    service_calls: list[ServiceCall],
) -> None:
    """ "Stayed occupied for a minute" waits for the minute."""
    home_id = homes(simulator)[0]
    home_device = device_id(hass, entry, home_id)
    sensor = entity_of(hass, "sensor", f"{home_id}_occupancy")
    await setup_automations(hass, home_device, sensor.entity_id, **{"for": {"minutes": 1}})
    await call(hass, "move_in", {"home_id": home_id}, response=False)
    await hass.async_block_till_done()
    assert [c for c in service_calls if c.domain == "test"] == []
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(minutes=2))
    await hass.async_block_till_done()
    assert [c.data["type"] for c in service_calls if c.domain == "test"] == ["occupied"]


async def test_no_trigger_from_unavailable(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: RunningSimulator,
    service_calls: list[ServiceCall],
) -> None:
    """A sensor coming back from unavailable is no transition."""
    home_id = homes(simulator)[0]
    sensor = entity_of(hass, "sensor", f"{home_id}_occupancy")
    await setup_automations(hass, device_id(hass, entry, home_id), sensor.id)
    hass.states.async_set(sensor.entity_id, "unavailable")
    await hass.async_block_till_done()
    hass.states.async_set(sensor.entity_id, "vacant")
    await hass.async_block_till_done()
    assert [c for c in service_calls if c.domain == "test"] == []
