"""Device actions against the simulator: rename, assign, return, deregister, forget, timers."""

from __future__ import annotations

from typing import Any

import pytest
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from custom_components.alexa_smart_properties.audit import EVENT_ACTION
from custom_components.alexa_smart_properties.const import DOMAIN
from simulator.devices import kind_of
from simulator.embed import RunningSimulator
from simulator.occupancy import request_change
from simulator.state import Endpoint, Occ

from .service_helpers import (
    API_FAILURES,
    call,
    device_id,
    expect_error,
    fail_next,
    homes,
    set_home_state,
    writes,
)

pytestmark = pytest.mark.small_property

OCCUPIED, LINKED = 4, 5


def arrange(simulator: RunningSimulator) -> None:
    """Homes vacant but 4 (occupied) and 5 (linked); every device online."""
    for index, home_id in enumerate(homes(simulator)):
        state = {OCCUPIED: Occ.OCCUPIED, LINKED: Occ.LINKED}.get(index, Occ.VACANT)
        set_home_state(simulator, home_id, state)
    for endpoint in simulator.sim.state.endpoints.values():
        endpoint.online = True


@pytest.fixture
async def entry(
    hass: HomeAssistant, simulator: RunningSimulator, config_entry: MockConfigEntry
) -> MockConfigEntry:
    """The arranged property, set up."""
    arrange(simulator)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    simulator.sim.stats.reset()
    return config_entry


def endpoints_of(simulator: RunningSimulator, unit_id: str | None) -> list[Endpoint]:
    """Return the simulator's endpoints in a unit (None: the account's default unit)."""
    return [e for e in simulator.sim.state.endpoints.values() if e.unit_id == unit_id]


def key_of(endpoint: Endpoint) -> str:
    """Return the integration's device key of a simulator endpoint."""
    return f"serial_{endpoint.serial_number}" if endpoint.serial_number else endpoint.id


def registry_device(hass: HomeAssistant, entry: MockConfigEntry, key: str) -> dr.DeviceEntry:
    """Return the registered device of a key."""
    device = dr.async_get(hass).async_get_device_by_identifier((DOMAIN, key), entry.entry_id)
    assert device is not None
    return device


def entities_of(hass: HomeAssistant, device: str) -> dict[str, str]:
    """Return entity_id -> unique_id of a device's entities (the enabled ones)."""
    return {
        e.entity_id: e.unique_id for e in er.async_entries_for_device(er.async_get(hass), device)
    }


async def test_rename(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """Renamed on Amazon's side; the device's name follows at once."""
    endpoint = endpoints_of(simulator, homes(simulator)[0])[0]
    device = device_id(hass, entry, key_of(endpoint))
    events = async_capture_events(hass, EVENT_ACTION)
    await call(hass, "rename_device", {"device_id": device, "name": "Mia's Echo"}, response=False)
    assert endpoint.friendly_name == "Mia's Echo"
    assert registry_device(hass, entry, key_of(endpoint)).name == "Mia's Echo"
    assert events[0].data["device_id"] == device
    await expect_error(
        ServiceValidationError,
        "invalid_input",
        lambda: call(hass, "rename_device", {"device_id": device, "name": "Echo!"}, response=False),
    )


async def test_assign_keeps_the_device(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: RunningSimulator,
    snapshot: SnapshotAssertion,
) -> None:
    """The endpoint ID changes; the Home Assistant device and its entities stay."""
    spare = endpoints_of(simulator, None)[0]
    old_id = spare.id
    key = key_of(spare)
    before = registry_device(hass, entry, key)
    entities = entities_of(hass, before.id)
    assert entities
    home_id = homes(simulator)[0]
    response = await call(
        hass,
        "assign_device",
        {"device_id": before.id, "home_device_id": device_id(hass, entry, home_id)},
    )
    assert response == snapshot(exclude=props("device_id"))
    assert response["device_id"] == before.id
    assert response["previous_endpoint_id"] == old_id
    assert response["endpoint_id"] == spare.id != old_id
    assert spare.unit_id == home_id
    after = registry_device(hass, entry, key)
    assert after.id == before.id
    assert after.via_device_id == device_id(hass, entry, home_id)
    assert entities_of(hass, after.id) == entities
    for entity_id in entities:
        state = hass.states.get(entity_id)
        assert state is not None
        assert state.state != STATE_UNAVAILABLE
    assert entry.runtime_data.endpoints.data.visible[key].id == spare.id


async def test_return_to_account(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """Back to the account's default unit, by raw endpoint ID; same device."""
    endpoint = endpoints_of(simulator, homes(simulator)[1])[0]
    old_id = endpoint.id
    before = registry_device(hass, entry, key_of(endpoint))
    response = await call(hass, "return_device", {"endpoint_id": old_id})
    assert response["device_id"] == before.id
    assert response["endpoint_id"] == endpoint.id != old_id
    assert endpoint.unit_id is None
    assert registry_device(hass, entry, key_of(endpoint)).id == before.id


@pytest.mark.parametrize("service", ["deregister_device", "forget_device"])
async def test_remove(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator, service: str
) -> None:
    """Gone from Amazon, gone from Home Assistant."""
    endpoint = endpoints_of(simulator, homes(simulator)[2])[-1]
    key = key_of(endpoint)
    await call(hass, service, {"device_id": device_id(hass, entry, key)}, response=False)
    assert endpoint.id not in simulator.sim.state.endpoints
    assert dr.async_get(hass).async_get_device_by_identifier((DOMAIN, key), entry.entry_id) is None


async def test_delete_timers(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """Timers go on an Echo; other devices have none (Amazon's 400)."""
    devices = endpoints_of(simulator, homes(simulator)[0])
    echo = next(e for e in devices if kind_of(e).is_echo)
    other = next(e for e in devices if not kind_of(e).is_echo)
    echo.timers = 2
    await call(
        hass, "delete_timers", {"device_id": device_id(hass, entry, key_of(echo))}, response=False
    )
    assert echo.timers == 0
    await expect_error(
        HomeAssistantError,
        "action_bad_request",
        lambda: call(
            hass,
            "delete_timers",
            {"device_id": device_id(hass, entry, key_of(other))},
            response=False,
        ),
    )


@pytest.mark.parametrize(
    ("target_home", "key"),
    [(OCCUPIED, "home_not_vacant"), (LINKED, "home_not_vacant")],
)
async def test_assign_to_private_home_refused(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: RunningSimulator,
    target_home: int,
    key: str,
) -> None:
    """A resident's home takes no devices from the property: nothing is sent."""
    spare = endpoints_of(simulator, None)[0]
    await expect_error(
        ServiceValidationError,
        key,
        lambda: call(
            hass,
            "assign_device",
            {"endpoint_id": spare.id, "home_id": homes(simulator)[target_home]},
        ),
    )
    assert writes(simulator) == 0


async def test_assign_to_changing_home_refused(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """Nor does a home whose occupancy is changing."""
    state = simulator.sim.state
    home_id = homes(simulator)[0]
    state.timing.occupancy_delay = 600
    request_change(state, state.homes[home_id], Occ.OCCUPIED, [])
    await expect_error(
        ServiceValidationError,
        "occupancy_change_pending",
        lambda: call(
            hass,
            "assign_device",
            {"endpoint_id": endpoints_of(simulator, None)[0].id, "home_id": home_id},
        ),
    )
    assert writes(simulator) == 0


@pytest.mark.parametrize(
    "service",
    ["rename_device", "assign_device", "return_device", "deregister_device", "delete_timers"],
)
async def test_private_device_refused(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator, service: str
) -> None:
    """A device whose home got a resident is the resident's: nothing is sent."""
    home_id = homes(simulator)[3]
    endpoint = endpoints_of(simulator, home_id)[0]
    await call(hass, "move_in", {"home_id": home_id}, response=False)
    await hass.async_block_till_done()
    assert key_of(endpoint) in entry.runtime_data.endpoints.data.hidden
    simulator.sim.stats.reset()
    data: dict[str, Any] = {"device_id": device_id(hass, entry, key_of(endpoint))}
    if service == "rename_device":
        data["name"] = "Echo"
    if service == "assign_device":
        data["home_id"] = homes(simulator)[0]
    await expect_error(
        ServiceValidationError, "device_private", lambda: call(hass, service, data, response=False)
    )
    assert simulator.sim.stats.total == 0


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({}, "no_target"),
        ({"device_id": "HOME"}, "device_not_endpoint"),
        ({"endpoint_id": "amzn1.alexa.unit.did.x"}, "invalid_input"),
        ({"endpoint_id": ["SPARE_ID"], "device_id": "ENDPOINT"}, "single_target"),
        ({"endpoint_id": "SPARE_ID"}, "no_target"),
        ({"endpoint_id": "SPARE_ID", "home_device_id": "ENDPOINT"}, "device_not_home"),
    ],
)
async def test_assign_bad_input(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: RunningSimulator,
    data: dict[str, Any],
    key: str,
) -> None:
    """Bad targets are refused before any request."""
    endpoint = endpoints_of(simulator, homes(simulator)[0])[0]
    names = {
        "HOME": device_id(hass, entry, homes(simulator)[0]),
        "ENDPOINT": device_id(hass, entry, key_of(endpoint)),
        "SPARE_ID": endpoints_of(simulator, None)[0].id,
    }

    def fill(value: Any) -> Any:
        if isinstance(value, list):
            return [fill(v) for v in value]
        return names.get(value, value)

    await expect_error(
        ServiceValidationError,
        key,
        lambda: call(hass, "assign_device", {k: fill(v) for k, v in data.items()}),
    )
    assert simulator.sim.stats.total == 0


async def test_unknown_endpoint(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """An endpoint ID the entry doesn't know is refused before anything is sent."""
    simulator.sim.stats.reset()
    await expect_error(
        ServiceValidationError,
        "unknown_id",
        lambda: call(
            hass, "forget_device", {"endpoint_id": "amzn1.alexa.endpoint.unknown"}, response=False
        ),
    )
    assert [e for e in simulator.sim.stats.log if "unknown" in e["path"]] == []


@pytest.mark.parametrize(("status", "key"), API_FAILURES)
async def test_api_failures(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: RunningSimulator,
    status: int,
    key: str,
) -> None:
    """A failed rename or move is a translated error, audited as failed."""
    endpoint = endpoints_of(simulator, homes(simulator)[0])[0]
    device = device_id(hass, entry, key_of(endpoint))
    events = async_capture_events(hass, EVENT_ACTION)
    fail_next(simulator, status, r"/friendlyName$")
    await expect_error(
        HomeAssistantError,
        key,
        lambda: call(hass, "rename_device", {"device_id": device, "name": "Echo"}, response=False),
    )
    fail_next(simulator, status, r"/associatedUnits$")
    await expect_error(
        HomeAssistantError,
        key,
        lambda: call(hass, "assign_device", {"device_id": device, "home_id": homes(simulator)[1]}),
    )
    assert [e.data["outcome"] for e in events] == ["failed", "failed"]


class TestWithoutSerialNumber:
    """An endpoint without a serial number is keyed by its endpoint ID."""

    async def test_assign_rekeys_the_device(
        self,
        hass: HomeAssistant,
        simulator: RunningSimulator,
        config_entry: MockConfigEntry,
    ) -> None:
        """Device and entities are re-keyed to the new ID; same device, same entities."""
        arrange(simulator)
        endpoint = next(
            e for e in endpoints_of(simulator, homes(simulator)[0]) if kind_of(e).is_echo
        )
        endpoint.serial_number = ""
        assert await hass.config_entries.async_setup(config_entry.entry_id)
        await hass.async_block_till_done()
        old_id = endpoint.id
        before = registry_device(hass, config_entry, old_id)
        entities = entities_of(hass, before.id)
        assert entities
        assert all(unique_id.startswith(old_id) for unique_id in entities.values())

        await call(hass, "assign_device", {"device_id": before.id, "home_id": homes(simulator)[1]})
        await hass.async_block_till_done()

        assert config_entry.state is ConfigEntryState.LOADED
        after = registry_device(hass, config_entry, endpoint.id)
        assert after.id == before.id
        moved = entities_of(hass, after.id)
        assert set(moved) == set(entities)
        assert all(unique_id.startswith(endpoint.id) for unique_id in moved.values())
        for entity_id in moved:
            state = hass.states.get(entity_id)
            assert state is not None
            assert state.state != STATE_UNAVAILABLE
