"""Device conditions of a home: vacant, occupied, linked, change pending."""

from __future__ import annotations

from datetime import timedelta

import pytest
from homeassistant.components.device_automation import DeviceAutomationType
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_get_device_automations,
)

from custom_components.alexa_smart_properties.const import DOMAIN
from simulator.embed import RunningSimulator
from simulator.state import Occ

from .helpers import advance
from .service_helpers import call, device_id, homes, set_home_state

pytestmark = pytest.mark.small_property

CONDITIONS = ["is_change_pending", "is_linked", "is_occupied", "is_vacant"]


@pytest.fixture
async def entry(
    hass: HomeAssistant, simulator: RunningSimulator, config_entry: MockConfigEntry
) -> MockConfigEntry:
    """Every home vacant; then the entry set up."""
    for home_id in homes(simulator):
        set_home_state(simulator, home_id, Occ.VACANT)
    simulator.sim.state.timing.occupancy_delay = 40  # changes stay pending a while
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    return config_entry


async def test_a_home_offers_its_conditions(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    home = device_id(hass, entry, next(iter(entry.runtime_data.inventory.data.homes)))
    offered = await async_get_device_automations(hass, DeviceAutomationType.CONDITION, home)
    assert sorted(c["type"] for c in offered if c["domain"] == DOMAIN) == CONDITIONS
    community = device_id(hass, entry, next(iter(entry.runtime_data.inventory.data.communities)))
    others = await async_get_device_automations(hass, DeviceAutomationType.CONDITION, community)
    assert [c for c in others if c["domain"] == DOMAIN] == []


async def test_conditions_follow_the_home(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: RunningSimulator,
    service_calls: list[ServiceCall],
) -> None:
    """An automation per condition, run by hand: only the conditions that hold pass."""
    home_id = homes(simulator)[0]
    home = device_id(hass, entry, home_id)
    offered = await async_get_device_automations(hass, DeviceAutomationType.CONDITION, home)
    by_type = {c["type"]: c for c in offered if c["domain"] == DOMAIN}
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": [
                {
                    "id": condition_type,
                    "triggers": {"trigger": "event", "event_type": "check_home"},
                    "conditions": [{**by_type[condition_type], "condition": "device"}],
                    "actions": {"action": "test.automation", "data": {"type": condition_type}},
                }
                for condition_type in CONDITIONS
            ]
        },
    )

    async def passing() -> list[str]:
        service_calls.clear()
        hass.bus.async_fire("check_home")
        await hass.async_block_till_done()
        return sorted(c.data["type"] for c in service_calls if c.domain == "test")

    assert await passing() == ["is_vacant"]
    await call(hass, "move_in", {"home_id": home_id}, response=False)
    assert await passing() == ["is_change_pending", "is_vacant"]  # Amazon still shows vacant
    for _ in range(3):
        await advance(hass, simulator, timedelta(seconds=15))
    assert simulator.sim.state.home_state(simulator.sim.state.homes[home_id]) is Occ.OCCUPIED
    assert await passing() == ["is_occupied"]
