"""What keeps a large estate cheap: bounded concurrency, parallel pages, few writes, batches.

Each test pins one fix found with `scripts/bench` (issue 7).
"""

from __future__ import annotations

import asyncio
import importlib
import math
import time
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any
from unittest.mock import patch

import pytest
from homeassistant.const import EVENT_STATE_CHANGED, EVENT_STATE_REPORTED
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity import Entity
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.alexa_smart_properties import PLATFORMS, devices, entity
from custom_components.alexa_smart_properties.api import AspClient
from custom_components.alexa_smart_properties.api.models import OccupancyState
from custom_components.alexa_smart_properties.const import DOMAIN, MAX_CONCURRENT_REQUESTS
from custom_components.alexa_smart_properties.coordinator import EndpointData
from custom_components.alexa_smart_properties.data import AspConfigEntry
from simulator.core import SimulatorConfig
from simulator.embed import RunningSimulator

from .helpers import admin

PACKAGE = "custom_components.alexa_smart_properties"
SIM = SimulatorConfig(seed=3, communities=2, homes=24, devices_per_home=5, occupancy_delay=0)


@pytest.fixture
def sim_config() -> SimulatorConfig:
    """Enough homes for several pages and more than eight requests at once."""
    return SIM


class InFlight:
    """Counts the client's requests in flight, per path prefix."""

    def __init__(self) -> None:
        self.now = 0
        self.peak = 0
        self.paths: list[str] = []

    @contextmanager
    def watch(self, prefix: str = "/") -> Iterator[InFlight]:
        original = AspClient._request
        counter = self

        async def counted(client: AspClient, method: str, path: str, **kwargs: Any) -> Any:
            if not path.startswith(prefix):
                return await original(client, method, path, **kwargs)
            counter.paths.append(path)
            counter.now += 1
            counter.peak = max(counter.peak, counter.now)
            try:
                return await original(client, method, path, **kwargs)
            finally:
                counter.now -= 1

        with patch.object(AspClient, "_request", counted):
            yield self


class Writes:
    """Entity IDs whose state was written (changed or reported unchanged)."""

    def __init__(self, hass: HomeAssistant) -> None:
        self.entity_ids: list[str] = []
        hass.bus.async_listen(EVENT_STATE_CHANGED, self._seen)
        hass.bus.async_listen(EVENT_STATE_REPORTED, self._seen, event_filter=_every)

    @callback
    def _seen(self, event: Event[Any]) -> None:
        self.entity_ids.append(event.data["entity_id"])


@callback
def _every(_data: object) -> bool:
    return True


def _entities_of_devices(hass: HomeAssistant, entry: AspConfigEntry, keys: set[str]) -> set[str]:
    device_registry = dr.async_get(hass)
    device_ids = {
        device.id
        for key in keys
        if (device := device_registry.async_get_device_by_identifier((DOMAIN, key), entry.entry_id))
    }
    return {
        e.entity_id
        for e in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
        if e.device_id in device_ids
    }


async def test_inventory_keeps_at_most_the_configured_requests_in_flight(
    hass: HomeAssistant, loaded_entry: AspConfigEntry, simulator: RunningSimulator
) -> None:
    # Skills and automations used to be gathered with a limit each: 16 in flight.
    inventory = loaded_entry.runtime_data.inventory
    simulator.sim.faults.configure({"latency_ms": 20})
    with InFlight().watch() as in_flight:
        await inventory.async_read_details(inventory.data.homes)
    assert in_flight.peak == MAX_CONCURRENT_REQUESTS


async def test_endpoint_pages_are_requested_at_once_from_the_second_refresh(
    hass: HomeAssistant, loaded_entry: AspConfigEntry, simulator: RunningSimulator
) -> None:
    coordinator = loaded_entry.runtime_data.endpoints
    pages = math.ceil(len(coordinator.data.visible) / 50)
    assert pages >= 2
    latency = 0.2
    simulator.sim.faults.configure({"latency_ms": latency * 1000})
    with InFlight().watch("/v2/endpoints") as in_flight:
        started = time.perf_counter()
        await coordinator.async_refresh()
        elapsed = time.perf_counter() - started
    assert coordinator.last_update_success
    assert len(in_flight.paths) == pages, "no request more than the walk"
    assert in_flight.peak == pages
    assert elapsed < 2 * latency, "one round trip, not one per page"


async def test_unchanged_endpoints_are_kept_not_parsed_again(
    hass: HomeAssistant, loaded_entry: AspConfigEntry
) -> None:
    coordinator = loaded_entry.runtime_data.endpoints
    before = dict(coordinator.data.visible)
    await coordinator.async_refresh()
    assert all(coordinator.data.visible[key] is endpoint for key, endpoint in before.items())


async def test_one_device_offline_writes_only_its_entities(
    hass: HomeAssistant, loaded_entry: AspConfigEntry, simulator: RunningSimulator
) -> None:
    coordinator = loaded_entry.runtime_data.endpoints
    key, endpoint = next((k, e) for k, e in coordinator.data.visible.items() if e.reachable is True)
    assert endpoint.unit_id is not None
    community_id = loaded_entry.runtime_data.inventory.data.homes[
        endpoint.unit_id
    ].home_community_id
    offline_sensor = er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, f"{community_id}_offline_devices"
    )
    assert offline_sensor is not None
    offline_before = int(hass.states.get(offline_sensor).state)  # type: ignore[union-attr]
    await admin(hass, simulator, "PUT", f"/endpoints/{endpoint.id}/connectivity", {"online": False})
    writes = Writes(hass)
    with patch.object(devices, "_ensure", wraps=devices._ensure) as looked_at:
        await coordinator.async_refresh()
        await hass.async_block_till_done()
    assert coordinator.data.visible[key].reachable is False
    assert writes.entity_ids
    # Its own entities, and its community's count of offline devices: nothing else.
    allowed = _entities_of_devices(hass, loaded_entry, {key}) | {offline_sensor}
    assert set(writes.entity_ids) <= allowed
    assert offline_sensor in writes.entity_ids
    assert int(hass.states.get(offline_sensor).state) == offline_before + 1  # type: ignore[union-attr]
    assert looked_at.call_count == 1, "one device looked at, not every device"


async def test_one_device_offline_after_an_unchanged_inventory_looks_at_one_device(
    hass: HomeAssistant, loaded_entry: AspConfigEntry, simulator: RunningSimulator
) -> None:
    """An unchanged inventory refresh: the homes stay registered, not registered again."""
    runtime = loaded_entry.runtime_data
    inventory_before = runtime.inventory.data
    await runtime.inventory.async_refresh()
    assert runtime.inventory.data == inventory_before
    endpoint = next(e for e in runtime.endpoints.data.visible.values() if e.reachable is True)
    await admin(hass, simulator, "PUT", f"/endpoints/{endpoint.id}/connectivity", {"online": False})
    with patch.object(devices, "_ensure", wraps=devices._ensure) as looked_at:
        await runtime.endpoints.async_refresh()
        await hass.async_block_till_done()
    assert runtime.endpoints.data.get(f"serial_{endpoint.serial_number}") is not None
    assert looked_at.call_count == 1, "one device looked at, not every home again"


async def test_unchanged_refresh_registers_no_device(
    hass: HomeAssistant, loaded_entry: AspConfigEntry
) -> None:
    runtime = loaded_entry.runtime_data
    registry_updates = async_capture_events(hass, dr.EVENT_DEVICE_REGISTRY_UPDATED)
    with patch.object(devices, "_ensure", wraps=devices._ensure) as looked_at:
        runtime.endpoints.async_update_listeners()
        runtime.occupancy.async_update_listeners()
        await hass.async_block_till_done()
    looked_at.assert_not_called()
    assert registry_updates == []


async def test_one_home_linked_writes_only_that_home_and_its_community(
    hass: HomeAssistant, loaded_entry: AspConfigEntry, simulator: RunningSimulator
) -> None:
    runtime = loaded_entry.runtime_data
    home_id = next(
        h for h in runtime.inventory.data.homes if runtime.occupancy.state_of(h) == "OCCUPIED"
    )
    community_id = runtime.inventory.data.homes[home_id].home_community_id
    await admin(hass, simulator, "POST", f"/homes/{home_id}/resident/link")
    writes = Writes(hass)
    await runtime.occupancy.async_refresh()
    await hass.async_block_till_done()
    assert runtime.occupancy.state_of(home_id) == OccupancyState.LINKED
    allowed = _entities_of_devices(hass, loaded_entry, {home_id, community_id})
    assert writes.entity_ids
    assert set(writes.entity_ids) <= allowed


@contextmanager
def _recorded_batches() -> Iterator[list[int]]:
    """Record the size of each batch our platforms hand to Home Assistant's add callback.

    Each platform's `async_setup_entry` (our code) gets a callback that counts, then passes
    the entities on to the one Home Assistant gave.
    """
    batches: list[int] = []

    def wrap(setup_entry: Any) -> Any:
        async def setup(hass: HomeAssistant, entry: AspConfigEntry, add: Any) -> None:
            def counted(new_entities: Iterable[Entity], *args: Any, **kwargs: Any) -> None:
                new_entities = list(new_entities)
                batches.append(len(new_entities))
                add(new_entities, *args, **kwargs)

            await setup_entry(hass, entry, counted)

        return setup

    with ExitStack() as stack:
        for platform in PLATFORMS:
            module = importlib.import_module(f"{PACKAGE}.{platform}")
            stack.enter_context(
                patch.object(module, "async_setup_entry", wrap(module.async_setup_entry))
            )
        yield batches


async def test_entities_are_added_in_batches_each_in_its_own_callback(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    with patch.object(entity, "KEYS_PER_BATCH", 3), _recorded_batches() as batches:
        assert await hass.config_entries.async_setup(config_entry.entry_id)
        await hass.async_block_till_done()
    assert len(batches) > 10
    assert max(batches) <= 3 * 5, "three devices of five entities (a community's) at most"
    registered = er.async_entries_for_config_entry(er.async_get(hass), config_entry.entry_id)
    assert len(registered) == sum(batches)
    homes = config_entry.runtime_data.inventory.data.homes
    assert {f"{home}_occupancy" for home in homes} <= {e.unique_id for e in registered}


async def test_devices_are_registered_a_batch_per_callback(
    hass: HomeAssistant, loaded_entry: AspConfigEntry
) -> None:
    registry = dr.async_get(hass)
    before = {d.id for d in dr.async_entries_for_config_entry(registry, loaded_entry.entry_id)}
    loaded_entry.runtime_data.devices_registered_from = None  # as on a first setup
    with patch.object(devices, "DEVICE_BATCH", 10):
        task = hass.async_create_task(devices.async_setup_devices(hass, loaded_entry))
        await asyncio.sleep(0)
        assert not task.done(), "the event loop got its turn between batches"
        await task
    after = {d.id for d in dr.async_entries_for_config_entry(registry, loaded_entry.entry_id)}
    assert after == before
    assert len(after) > 10


async def test_a_device_gone_before_its_batch_gets_no_entities_until_it_returns(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    entry: AspConfigEntry = loaded_entry
    coordinator = entry.runtime_data.endpoints
    first, second = list(coordinator.data.visible.values())[:2]
    added: list[str] = []

    def make(key: str) -> list[Entity]:
        added.append(key)
        if key == "a":  # while the first batch is made, "b" goes away
            coordinator.data = EndpointData(visible={"a": first})
        return [Entity()]

    def add(new_entities: Iterable[Entity], *args: Any, **kwargs: Any) -> None:
        pass

    coordinator.data = EndpointData(visible={"a": first, "b": second})
    with patch.object(entity, "KEYS_PER_BATCH", 1):
        await entity.async_add_entities_for_new_keys(
            entry, coordinator, lambda: list(coordinator.data.visible), make, add
        )
        assert added == ["a"]
        coordinator.async_set_updated_data(EndpointData(visible={"a": first, "b": second}))
    assert added == ["a", "b"]
