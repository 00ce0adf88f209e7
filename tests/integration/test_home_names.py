"""Homes with the same name in two communities: distinct devices, areas and entity IDs."""

from __future__ import annotations

from collections import Counter

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.util import slugify
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alexa_smart_properties.const import DOMAIN
from simulator.embed import RunningSimulator

pytestmark = pytest.mark.small_property


async def test_repeated_home_names_carry_their_community(
    hass: HomeAssistant, simulator: RunningSimulator, loaded_entry: MockConfigEntry
) -> None:
    state = simulator.sim.state
    names = Counter(home.name for home in state.homes.values())
    repeated = [home for home in state.homes.values() if names[home.name] > 1]
    assert len(repeated) >= 2, "the seed must repeat a unit number across communities"

    devices = dr.async_get(hass)
    areas = ar.async_get(hass)
    entities = er.async_get(hass)
    seen_areas: set[str] = set()
    for home in repeated:
        community = state.communities[home.community_id].name
        device = devices.async_get_device_by_identifier((DOMAIN, home.id), loaded_entry.entry_id)
        assert device is not None
        assert device.name == f"{community} {home.name}"
        occupancy = entities.async_get_entity_id("sensor", DOMAIN, f"{home.id}_occupancy")
        assert occupancy == f"sensor.{slugify(f'{community} {home.name}')}_occupancy"
        # The home's devices are placed in an area named after the home and its community.
        placed = set()
        shown = [e for e in state.endpoints.values() if e.unit_id == home.id]
        for endpoint in [e for e in shown if state.endpoint_visible(e)]:
            found = devices.async_get_device_by_identifier(
                (DOMAIN, f"serial_{endpoint.serial_number}"), loaded_entry.entry_id
            )
            assert found is not None
            assert found.area_id is not None
            area = areas.async_get_area(found.area_id)
            assert area is not None
            assert area.name == f"{community} {home.name}"
            placed.add(area.id)
        assert len(placed) <= 1
        seen_areas |= placed
    assert len(seen_areas) >= 2  # at least two same-named homes with devices, apart


async def test_every_home_is_an_area_for_its_devices(
    hass: HomeAssistant, simulator: RunningSimulator, loaded_entry: MockConfigEntry
) -> None:
    """Each home's devices are placed in an area named after it (community where repeated).

    The home's own device stays without one: Home Assistant builds entity IDs from area,
    device and entity names, and an area named like the device would read "unit_101_unit_101".
    """
    state = simulator.sim.state
    names = Counter(home.name for home in state.homes.values())
    devices = dr.async_get(hass)
    areas = ar.async_get(hass)
    placed = 0
    for home in state.homes.values():
        expected = home.name
        if names[home.name] > 1:
            expected = f"{state.communities[home.community_id].name} {home.name}"
        shown = [e for e in state.endpoints.values() if e.unit_id == home.id]
        for endpoint in [e for e in shown if state.endpoint_visible(e)]:
            found = devices.async_get_device_by_identifier(
                (DOMAIN, f"serial_{endpoint.serial_number}"), loaded_entry.entry_id
            )
            assert found is not None
            area = areas.async_get_area(found.area_id or "")
            assert area is not None, endpoint.friendly_name
            assert area.name == expected
            placed += 1
    assert placed >= 4  # the seed's vacant homes have devices to place
