"""Home and community actions against the simulator: create, rename, delete."""

from __future__ import annotations

from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events
from syrupy.assertion import SnapshotAssertion

from custom_components.alexa_smart_properties.audit import EVENT_ACTION
from custom_components.alexa_smart_properties.const import DOMAIN
from simulator.embed import RunningSimulator
from simulator.occupancy import request_change
from simulator.state import Occ

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


@pytest.fixture
async def entry(
    hass: HomeAssistant, simulator: RunningSimulator, config_entry: MockConfigEntry
) -> MockConfigEntry:
    """Homes vacant but 4 (occupied) and 5 (linked); then the entry set up."""
    for index, home_id in enumerate(homes(simulator)):
        state = {OCCUPIED: Occ.OCCUPIED, LINKED: Occ.LINKED}.get(index, Occ.VACANT)
        set_home_state(simulator, home_id, state)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    simulator.sim.stats.reset()
    return config_entry


def device(hass: HomeAssistant, entry: MockConfigEntry, key: str) -> dr.DeviceEntry | None:
    """Return the device of a community or home key, if registered."""
    return dr.async_get(hass).async_get_device_by_identifier((DOMAIN, key), entry.entry_id)


def communities(simulator: RunningSimulator) -> list[str]:
    """Return the simulator's community IDs in creation order."""
    return list(simulator.sim.state.communities)


async def test_community_lifecycle(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: RunningSimulator,
    snapshot: SnapshotAssertion,
) -> None:
    """Create, rename and delete a community; its device follows each step."""
    events = async_capture_events(hass, EVENT_ACTION)
    created = await call(hass, "create_community", {"name": "Willow Park"})
    assert created == snapshot
    community_id = created["community_id"]
    assert simulator.sim.state.communities[community_id].name == "Willow Park"
    registered = device(hass, entry, community_id)
    assert registered is not None
    assert registered.name == "Willow Park"

    await call(
        hass,
        "rename_community",
        {"device_id": registered.id, "name": "Willow Park East"},
        response=False,
    )
    renamed = device(hass, entry, community_id)
    assert renamed is not None
    assert renamed.name == "Willow Park East"

    await call(hass, "delete_community", {"community_id": community_id}, response=False)
    assert community_id not in simulator.sim.state.communities
    assert device(hass, entry, community_id) is None
    assert [e.data["action"] for e in events] == [
        "create_community",
        "rename_community",
        "delete_community",
    ]
    assert events[1].data["targets"] == [{"id": community_id, "name": "Willow Park"}]
    assert events[1].data["details"] == {
        "name": "Willow Park East",
        "previous_name": "Willow Park",
    }


async def test_home_lifecycle(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: RunningSimulator,
    snapshot: SnapshotAssertion,
) -> None:
    """Create a home in a community, rename it, delete it."""
    community_id = communities(simulator)[0]
    created = await call(
        hass,
        "create_home",
        {"device_id": device_id(hass, entry, community_id), "name": "Unit 401"},
    )
    assert created == snapshot
    home_id = created["home_id"]
    registered = device(hass, entry, home_id)
    assert registered is not None
    assert registered.via_device_id == device_id(hass, entry, community_id)

    await call(
        hass, "rename_home", {"device_id": registered.id, "name": "Unit 401A"}, response=False
    )
    renamed = device(hass, entry, home_id)
    assert renamed is not None
    assert renamed.name == "Unit 401A"

    await call(hass, "delete_home", {"home_id": home_id}, response=False)
    assert home_id not in simulator.sim.state.homes
    assert device(hass, entry, home_id) is None


async def test_delete_community_with_homes(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """Amazon's refusal comes back with its message."""
    placeholders = await expect_error(
        HomeAssistantError,
        "action_bad_request",
        lambda: call(
            hass, "delete_community", {"community_id": communities(simulator)[0]}, response=False
        ),
    )
    assert "still has homes" in placeholders["reason"]


@pytest.mark.parametrize(
    ("service", "index", "key"),
    [
        ("rename_home", OCCUPIED, "home_read_only"),
        ("rename_home", LINKED, "home_read_only"),
        ("delete_home", OCCUPIED, "home_read_only"),
        ("delete_home", LINKED, "home_read_only"),
    ],
)
async def test_private_homes_refused(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: RunningSimulator,
    service: str,
    index: int,
    key: str,
) -> None:
    """Occupied and linked homes are read-only for the property: nothing is sent."""
    data = {"home_id": homes(simulator)[index], "name": "Unit X"}
    if service == "delete_home":
        del data["name"]
    placeholders = await expect_error(
        ServiceValidationError, key, lambda: call(hass, service, data, response=False)
    )
    assert placeholders["state"] in {"occupied", "linked"}
    assert writes(simulator) == 0


async def test_pending_home_refused(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """A home in the middle of a change is not changed."""
    home_id = homes(simulator)[0]
    state = simulator.sim.state
    state.timing.occupancy_delay = 600
    request_change(state, state.homes[home_id], Occ.OCCUPIED, [])
    await expect_error(
        ServiceValidationError,
        "occupancy_change_pending",
        lambda: call(hass, "delete_home", {"home_id": home_id}, response=False),
    )
    assert writes(simulator) == 0


@pytest.mark.parametrize(
    ("service", "data", "key"),
    [
        ("create_community", {"name": "  "}, "invalid_input"),
        ("create_home", {"name": "Unit 9"}, "no_target"),
        ("create_home", {"community_id": "bad", "name": "Unit 9"}, "invalid_input"),
        ("create_home", {"device_id": "HOME", "name": "Unit 9"}, "device_not_community"),
        ("rename_home", {"device_id": "COMMUNITY", "name": "Unit 9"}, "device_not_home"),
        ("rename_home", {"home_id": "HOME_ID", "name": "\u0007"}, "invalid_input"),
        ("rename_community", {"community_id": ["C0", "C1"], "name": "X"}, "single_target"),
    ],
)
async def test_bad_input(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: RunningSimulator,
    service: str,
    data: dict[str, Any],
    key: str,
) -> None:
    """Bad input is refused before any request."""
    names = {
        "HOME": device_id(hass, entry, homes(simulator)[0]),
        "HOME_ID": homes(simulator)[0],
        "COMMUNITY": device_id(hass, entry, communities(simulator)[0]),
        "C0": communities(simulator)[0],
        "C1": communities(simulator)[1],
    }

    def fill(value: Any) -> Any:
        if isinstance(value, list):
            return [fill(v) for v in value]
        return names.get(value, value)

    data = {k: fill(v) for k, v in data.items()}
    await expect_error(
        ServiceValidationError, key, lambda: call(hass, service, data, response=False)
    )
    assert simulator.sim.stats.total == 0


async def test_rename_unknown_home(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """A home the inventory doesn't list is refused before anything is sent."""
    simulator.sim.stats.reset()
    await expect_error(
        ServiceValidationError,
        "unknown_id",
        lambda: call(
            hass,
            "rename_home",
            {"home_id": "amzn1.alexa.unit.did.unknown", "name": "Unit 9"},
            response=False,
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
    """Failures of the change itself are translated errors, audited as failed."""
    events = async_capture_events(hass, EVENT_ACTION)
    community_id = communities(simulator)[1]
    fail_next(simulator, status, r"/homeCommunities/[^/]+$")
    await expect_error(
        HomeAssistantError,
        key,
        lambda: call(
            hass,
            "rename_community",
            {"community_id": community_id, "name": "Cedar Heights North"},
            response=False,
        ),
    )
    assert [e.data["outcome"] for e in events] == ["failed"]
    fail_next(simulator, status, r"/residential/v1/homes$")
    await expect_error(
        HomeAssistantError,
        key,
        lambda: call(hass, "create_home", {"community_id": community_id, "name": "Unit 9"}),
    )


async def test_not_residential(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """No homes or communities outside the US and Canada."""
    entry.runtime_data.inventory.residential = False
    await expect_error(
        ServiceValidationError,
        "not_residential",
        lambda: call(hass, "create_community", {"name": "Elm Crossing"}),
    )
    assert simulator.sim.stats.total == 0
