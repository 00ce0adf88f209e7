"""Polling behaviour against the simulator: request counts, privacy, dynamic and stale devices."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

import pytest
from homeassistant.const import EVENT_STATE_CHANGED, EVENT_STATE_REPORTED, STATE_UNAVAILABLE
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alexa_smart_properties import async_remove_config_entry_device
from custom_components.alexa_smart_properties.api.models import OccupancyState
from custom_components.alexa_smart_properties.const import DOMAIN, PENDING_OCCUPANCY_INTERVAL
from custom_components.alexa_smart_properties.data import AspConfigEntry
from simulator.core import SimulatorConfig
from simulator.embed import RunningSimulator

from .helpers import admin, advance, reads_by_home, route_count, state

ENDPOINTS_ROUTE = "GET /v2/endpoints"
OCCUPANCY_ROUTE = "GET /enterprise/residential/v1/homes/{id}/occupancies/{occupancyId}"


def _entity_of(hass: HomeAssistant, device_key: str, suffix: str) -> str:
    unique_id = f"{device_key}_{suffix}"
    registry = er.async_get(hass)
    return next(e.entity_id for e in registry.entities.values() if e.unique_id == unique_id)


@callback
def _every_event(_event_data: object) -> bool:
    return True


def _vacant_home_with_devices(entry: AspConfigEntry) -> tuple[str, list[str]]:
    runtime = entry.runtime_data
    for home_id in runtime.inventory.data.homes:
        if runtime.occupancy.state_of(home_id) != OccupancyState.VACANT:
            continue
        keys = [k for k, ep in runtime.endpoints.data.visible.items() if ep.unit_id == home_id]
        if keys:
            return home_id, keys
    raise AssertionError("the seed has no vacant home with devices")


@pytest.mark.parametrize(
    "sim_config",
    [
        SimulatorConfig(seed=1, communities=2, homes=6, devices_per_home=4, occupancy_delay=0),
        SimulatorConfig(seed=2, communities=3, homes=60, devices_per_home=5, occupancy_delay=0),
    ],
    ids=["small", "large"],
)
async def test_endpoint_refresh_costs_one_request_per_50_endpoints(
    hass: HomeAssistant, loaded_entry: AspConfigEntry, simulator: RunningSimulator
) -> None:
    coordinator = loaded_entry.runtime_data.endpoints
    listed = len(coordinator.data.visible)
    simulator.sim.stats.reset()
    await coordinator.async_refresh()
    assert coordinator.last_update_success
    assert route_count(simulator, ENDPOINTS_ROUTE) == math.ceil(listed / 50)
    assert simulator.sim.stats.total <= math.ceil(listed / 50) + 2


async def test_unchanged_refresh_writes_no_state(
    hass: HomeAssistant, loaded_entry: AspConfigEntry
) -> None:
    writes: list[Event[Any]] = []
    hass.bus.async_listen(EVENT_STATE_CHANGED, writes.append)
    hass.bus.async_listen(EVENT_STATE_REPORTED, writes.append, event_filter=_every_event)
    runtime = loaded_entry.runtime_data
    for coordinator in (runtime.inventory, runtime.occupancy, runtime.endpoints):
        await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert writes == []


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_privacy_rule_hides_devices_of_occupied_homes(
    hass: HomeAssistant,
    loaded_entry: AspConfigEntry,
    simulator: RunningSimulator,
    device_registry: dr.DeviceRegistry,
) -> None:
    runtime = loaded_entry.runtime_data
    home_id, keys = _vacant_home_with_devices(loaded_entry)
    entity_id = _entity_of(hass, keys[0], "connectivity")
    assert state(hass, entity_id).state != STATE_UNAVAILABLE

    await runtime.client.set_occupancy(home_id, OccupancyState.OCCUPIED)
    await runtime.occupancy.async_refresh()
    await hass.async_block_till_done()  # the privacy change re-reads the endpoints
    assert keys[0] in runtime.endpoints.data.hidden
    assert state(hass, entity_id).state == STATE_UNAVAILABLE
    device = device_registry.async_get_device_by_identifier(
        (DOMAIN, keys[0]), loaded_entry.entry_id
    )
    assert device is not None, "a hidden device is kept, not removed"
    assert not await async_remove_config_entry_device(hass, loaded_entry, device)

    await runtime.client.set_occupancy(home_id, OccupancyState.VACANT)
    await runtime.occupancy.async_refresh()
    # The endpoint re-read is debounced (10 s) after the first one.
    await advance(hass, simulator, timedelta(seconds=11))
    assert state(hass, entity_id).state != STATE_UNAVAILABLE
    assert keys[0] in runtime.endpoints.data.visible


async def test_new_home_and_moved_device_appear_without_reload(
    hass: HomeAssistant,
    loaded_entry: AspConfigEntry,
    simulator: RunningSimulator,
    device_registry: dr.DeviceRegistry,
) -> None:
    runtime = loaded_entry.runtime_data
    community_id = next(iter(runtime.inventory.data.communities))
    spare_key, spare = next(
        (key, ep)
        for key, ep in runtime.endpoints.data.visible.items()
        if ep.unit_id not in runtime.inventory.data.homes
    )
    home_id = await runtime.client.create_home(community_id, "Unit 999")
    await runtime.inventory.async_refresh()
    await hass.async_block_till_done()
    home_device = device_registry.async_get_device_by_identifier(
        (DOMAIN, home_id), loaded_entry.entry_id
    )
    assert home_device is not None
    assert state(hass, "sensor.unit_999_occupancy").state == "vacant"

    entity_id = _entity_of(hass, spare_key, "connectivity")
    moved = await runtime.client.update_associated_units(spare.id, home_id)
    assert moved.endpoint_id != spare.id, "re-association gives the endpoint a new ID"
    await runtime.endpoints.async_refresh()
    await hass.async_block_till_done()
    device = device_registry.async_get_device_by_identifier(
        (DOMAIN, spare_key), loaded_entry.entry_id
    )
    assert device is not None
    assert device.via_device_id == home_device.id
    assert _entity_of(hass, spare_key, "connectivity") == entity_id


async def test_vanished_devices_are_removed(
    hass: HomeAssistant,
    loaded_entry: AspConfigEntry,
    simulator: RunningSimulator,
    device_registry: dr.DeviceRegistry,
) -> None:
    runtime = loaded_entry.runtime_data
    _home_id, keys = _vacant_home_with_devices(loaded_entry)
    endpoint = runtime.endpoints.data.visible[keys[0]]
    await runtime.client.deregister_endpoint(endpoint.id)
    await runtime.endpoints.async_refresh()
    await hass.async_block_till_done()
    assert (
        device_registry.async_get_device_by_identifier((DOMAIN, keys[0]), loaded_entry.entry_id)
        is None
    )


async def test_user_may_delete_only_stale_devices(
    hass: HomeAssistant, loaded_entry: AspConfigEntry, device_registry: dr.DeviceRegistry
) -> None:
    assert await async_setup_component(hass, "config", {})
    live_home = next(iter(loaded_entry.runtime_data.inventory.data.homes))
    live = device_registry.async_get_device_by_identifier(
        (DOMAIN, live_home), loaded_entry.entry_id
    )
    assert live is not None
    assert not await async_remove_config_entry_device(hass, loaded_entry, live)
    stale = device_registry.async_get_or_create(
        config_entry_id=loaded_entry.entry_id, identifiers={(DOMAIN, "amzn1.alexa.unit.did.gone")}
    )
    assert await async_remove_config_entry_device(hass, loaded_entry, stale)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_failing_coordinator_keeps_the_others_working(
    hass: HomeAssistant, loaded_entry: AspConfigEntry, simulator: RunningSimulator
) -> None:
    runtime = loaded_entry.runtime_data
    _home_id, keys = _vacant_home_with_devices(loaded_entry)
    connectivity = _entity_of(hass, keys[0], "connectivity")
    home_sensor = _entity_of(hass, _home_id, "occupancy")
    simulator.sim.faults.configure({"rate_500": 1.0, "path_pattern": "^/v2/endpoints"})
    await runtime.endpoints.async_refresh()
    await runtime.occupancy.async_refresh()
    await hass.async_block_till_done()
    assert not runtime.endpoints.last_update_success
    assert runtime.occupancy.last_update_success
    assert state(hass, connectivity).state == STATE_UNAVAILABLE
    assert state(hass, home_sensor).state == "vacant"

    simulator.sim.faults.reset()
    await runtime.endpoints.async_refresh()
    await hass.async_block_till_done()
    assert state(hass, connectivity).state != STATE_UNAVAILABLE


async def test_throttling_honours_retry_after_and_raises_a_repair(
    hass: HomeAssistant,
    loaded_entry: AspConfigEntry,
    simulator: RunningSimulator,
    issue_registry: ir.IssueRegistry,
) -> None:
    coordinator = loaded_entry.runtime_data.endpoints
    issue_id = f"throttled_{loaded_entry.entry_id}"
    for _ in range(3):
        simulator.sim.faults.add_script(
            [{"kind": "status", "status": 429, "retry_after": 30, "path_pattern": "^/v2/endpoints"}]
        )
        await coordinator.async_refresh()
        assert not coordinator.last_update_success
        assert getattr(coordinator.last_exception, "retry_after", None) == 30
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is not None
    await coordinator.async_refresh()
    assert coordinator.last_update_success
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None


async def test_forbidden_organization_raises_a_repair(
    hass: HomeAssistant,
    loaded_entry: AspConfigEntry,
    simulator: RunningSimulator,
    issue_registry: ir.IssueRegistry,
) -> None:
    coordinator = loaded_entry.runtime_data.inventory
    simulator.sim.faults.add_script(
        [{"kind": "status", "status": 403, "path_pattern": "homeCommunities"}]
    )
    await coordinator.async_refresh()
    issue_id = f"organization_forbidden_{loaded_entry.entry_id}"
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is not None
    await coordinator.async_refresh()
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None


async def test_pending_change_is_polled_every_15_seconds(
    hass: HomeAssistant,
    loaded_entry: AspConfigEntry,
    simulator: RunningSimulator,
) -> None:
    runtime = loaded_entry.runtime_data
    home_id, _keys = _vacant_home_with_devices(loaded_entry)
    await admin(hass, simulator, "PUT", "/timing", {"occupancyDelay": 20})
    await runtime.client.set_occupancy(home_id, OccupancyState.OCCUPIED)
    await runtime.occupancy.async_refresh_homes([home_id])
    await hass.async_block_till_done()
    pending = _entity_of(hass, home_id, "occupancy_change_pending")
    assert state(hass, pending).state == "on"

    simulator.sim.stats.reset()
    await advance(hass, simulator, PENDING_OCCUPANCY_INTERVAL)
    # The pending home was read; the other homes only in their turn (a few per interval).
    assert reads_by_home(simulator)[home_id] == 1
    assert state(hass, pending).state == "on"
    await advance(hass, simulator, PENDING_OCCUPANCY_INTERVAL)
    assert state(hass, pending).state == "off"
    assert runtime.occupancy.state_of(home_id) == OccupancyState.OCCUPIED
    simulator.sim.stats.reset()
    await advance(hass, simulator, 3 * PENDING_OCCUPANCY_INTERVAL)
    # Still polled it would be read 3 times; now only its turn may come (once per 5 min).
    assert reads_by_home(simulator)[home_id] <= 1, "polling stops once nothing is pending"


async def test_scheduled_polls_follow_their_intervals(
    hass: HomeAssistant,
    loaded_entry: AspConfigEntry,
    simulator: RunningSimulator,
) -> None:
    simulator.sim.stats.reset()
    await advance(hass, simulator, timedelta(minutes=2, seconds=1))
    assert route_count(simulator, ENDPOINTS_ROUTE) == 1
    assert route_count(simulator, "GET /enterprise/residential/v1/homeCommunities") == 0


async def test_without_residential_apis_units_give_the_names(
    hass: HomeAssistant, loaded_entry: AspConfigEntry, simulator: RunningSimulator
) -> None:
    # Europe and the Far East have no residential APIs: only units and devices.
    inventory = loaded_entry.runtime_data.inventory
    inventory.residential = False
    simulator.sim.stats.reset()
    await inventory.async_refresh()
    assert inventory.last_update_success
    assert inventory.data.homes == {}
    assert inventory.data.unit_names
    assert route_count(simulator, "GET /enterprise/residential/v1/homeCommunities") == 0


async def test_options_limit_the_communities(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    community = next(iter(simulator.sim.state.communities.values()))
    hass.config_entries.async_update_entry(config_entry, options={"communities": [community.id]})
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    runtime = config_entry.runtime_data
    assert list(runtime.inventory.data.communities) == [community.id]
    assert all(h.home_community_id == community.id for h in runtime.inventory.data.homes.values())
    assert all(
        ep.unit_id in runtime.inventory.data.homes for ep in runtime.endpoints.data.visible.values()
    )


async def test_pending_poll_survives_a_failure_and_stops_on_unload(
    hass: HomeAssistant, loaded_entry: AspConfigEntry, simulator: RunningSimulator
) -> None:
    runtime = loaded_entry.runtime_data
    home_id, _keys = _vacant_home_with_devices(loaded_entry)
    await admin(hass, simulator, "PUT", "/timing", {"occupancyDelay": 600})
    await runtime.client.set_occupancy(home_id, OccupancyState.OCCUPIED)
    await runtime.occupancy.async_refresh_homes([home_id])
    simulator.sim.faults.configure({"rate_500": 1.0, "path_pattern": "occupancies"})
    simulator.sim.stats.reset()
    await advance(hass, simulator, PENDING_OCCUPANCY_INTERVAL)
    assert route_count(simulator, OCCUPANCY_ROUTE) >= 1
    assert runtime.occupancy.pending_homes() == [home_id], "the last known data is kept"
    simulator.sim.faults.reset()
    await advance(hass, simulator, PENDING_OCCUPANCY_INTERVAL)
    assert runtime.occupancy.pending_homes() == [home_id], "still pending, still polled"
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    simulator.sim.stats.reset()
    await advance(hass, simulator, PENDING_OCCUPANCY_INTERVAL)
    assert simulator.sim.stats.total == 0
