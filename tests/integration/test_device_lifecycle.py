"""What the user built on a device survives Amazon hiding or briefly missing it.

Expected values come from the simulator's record (its homes' states, which endpoints it
lists, what it served) and from Home Assistant's registries as they were before.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alexa_smart_properties.const import DOMAIN
from simulator.embed import RunningSimulator
from simulator.state import Endpoint, Occ

from .helpers import advance, route_count
from .service_helpers import set_home_state, set_up_all_vacant

pytestmark = pytest.mark.small_property

GET_ONE = "GET /v2/endpoints/{endpointId}"


@pytest.fixture
async def entry(
    hass: HomeAssistant, simulator: RunningSimulator, config_entry: MockConfigEntry
) -> MockConfigEntry:
    """Every home vacant, every device online; then the entry set up."""
    return await set_up_all_vacant(hass, simulator, config_entry)


def _home_devices(simulator: RunningSimulator, home_id: str) -> list[Endpoint]:
    return [e for e in simulator.sim.state.endpoints.values() if e.unit_id == home_id]


def _device(hass: HomeAssistant, entry: MockConfigEntry, endpoint: Endpoint) -> dr.DeviceEntry:
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, f"serial_{endpoint.serial_number}"), entry.entry_id
    )
    assert device is not None, endpoint.friendly_name
    return device


def _entity_ids(hass: HomeAssistant, device: dr.DeviceEntry) -> list[str]:
    return sorted(e.entity_id for e in er.async_entries_for_device(er.async_get(hass), device.id))


def _states(hass: HomeAssistant, entity_ids: list[str]) -> set[str]:
    return {s.state for e in entity_ids if (s := hass.states.get(e)) is not None}


async def _refresh_endpoints(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    await entry.runtime_data.endpoints.async_refresh()
    await hass.async_block_till_done()


async def test_occupied_home_keeps_its_devices_and_gives_them_back(
    hass: HomeAssistant, simulator: RunningSimulator, entry: MockConfigEntry
) -> None:
    """Move in: the same devices and entity IDs stay, unavailable; move out: back."""
    home_id = next(iter(simulator.sim.state.homes))
    endpoints = _home_devices(simulator, home_id)
    assert endpoints
    before = {
        e.id: (_device(hass, entry, e).id, _entity_ids(hass, _device(hass, entry, e)))
        for e in endpoints
    }

    set_home_state(simulator, home_id, Occ.OCCUPIED)
    await advance(hass, simulator, timedelta(minutes=5))
    await _refresh_endpoints(hass, entry)
    for endpoint in endpoints:
        device = _device(hass, entry, endpoint)
        assert (device.id, _entity_ids(hass, device)) == before[endpoint.id]
        assert _states(hass, before[endpoint.id][1]) <= {STATE_UNAVAILABLE}

    set_home_state(simulator, home_id, Occ.VACANT)
    await advance(hass, simulator, timedelta(minutes=5))
    await _refresh_endpoints(hass, entry)
    for endpoint in endpoints:
        device = _device(hass, entry, endpoint)
        assert (device.id, _entity_ids(hass, device)) == before[endpoint.id]
        assert STATE_UNAVAILABLE not in _states(hass, before[endpoint.id][1])


async def test_devices_hidden_before_occupancy_is_read_are_kept(
    hass: HomeAssistant, simulator: RunningSimulator, entry: MockConfigEntry
) -> None:
    """A device listing that already hides a new resident's home, read before the home's
    occupancy: Amazon's direct read says private, and the devices stay."""
    home_id = next(iter(simulator.sim.state.homes))
    endpoints = _home_devices(simulator, home_id)
    set_home_state(simulator, home_id, Occ.OCCUPIED)
    await _refresh_endpoints(hass, entry)  # occupancy still says vacant
    for endpoint in endpoints:
        assert _states(hass, _entity_ids(hass, _device(hass, entry, endpoint))) <= {
            STATE_UNAVAILABLE
        }
    assert set(entry.runtime_data.endpoints.data.hidden) >= {
        f"serial_{e.serial_number}" for e in endpoints
    }


async def test_a_device_missing_from_one_listing_keeps_its_device(
    hass: HomeAssistant, simulator: RunningSimulator, entry: MockConfigEntry
) -> None:
    """Left out of a listing but there when read directly: nothing changes for the user."""
    endpoint = next(e for e in simulator.sim.state.endpoints.values() if e.unit_id)
    device = _device(hass, entry, endpoint)
    entities = _entity_ids(hass, device)
    simulator.sim.state.unlisted.add(endpoint.id)
    reads = route_count(simulator, GET_ONE)
    await _refresh_endpoints(hass, entry)
    assert route_count(simulator, GET_ONE) == reads + 1  # one direct read settles it
    assert _device(hass, entry, endpoint).id == device.id
    assert STATE_UNAVAILABLE not in _states(hass, entities)


async def test_a_confirmed_404_removes_the_device(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Gone at Amazon (a direct read answers 404): the device goes, and the log says why."""
    caplog.set_level(logging.INFO)
    endpoint = next(e for e in simulator.sim.state.endpoints.values() if e.unit_id)
    device = _device(hass, entry, endpoint)
    del simulator.sim.state.endpoints[endpoint.id]
    await _refresh_endpoints(hass, entry)
    assert dr.async_get(hass).async_get(device.id) is None
    lines = [r.getMessage() for r in caplog.records if endpoint.id in r.getMessage()]
    assert len(lines) == 1
    assert "Amazon no longer has it" in lines[0]


async def test_a_missing_device_goes_after_the_grace_period(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    entry: MockConfigEntry,
) -> None:
    """Unlisted and unreadable (500s): kept and unavailable for 24 h, then removed."""
    now = [dt_util.utcnow()]
    entry.runtime_data.endpoints.absent.clock = lambda: now[0]
    endpoint = next(e for e in simulator.sim.state.endpoints.values() if e.unit_id)
    device = _device(hass, entry, endpoint)
    entities = _entity_ids(hass, device)
    simulator.sim.state.unlisted.add(endpoint.id)
    simulator.sim.faults.configure(
        {"rate_500": 1.0, "path_pattern": f"^/v2/endpoints/{endpoint.id}$"}
    )
    await _refresh_endpoints(hass, entry)
    assert dr.async_get(hass).async_get(device.id) is not None
    assert _states(hass, entities) <= {STATE_UNAVAILABLE}

    now[0] += timedelta(hours=23)
    await _refresh_endpoints(hass, entry)
    assert dr.async_get(hass).async_get(device.id) is not None
    now[0] += timedelta(hours=1, minutes=1)
    await _refresh_endpoints(hass, entry)
    assert dr.async_get(hass).async_get(device.id) is None
