"""Occupancy actions against the simulator: move in, move out, unlink resident."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import Event, HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events
from syrupy.assertion import SnapshotAssertion

from custom_components.alexa_smart_properties.audit import EVENT_ACTION
from custom_components.alexa_smart_properties.const import DOMAIN
from simulator.embed import RunningSimulator
from simulator.state import Occ

from .conftest import entry_data
from .service_helpers import (
    API_FAILURES,
    OCCUPANCY_POST,
    at_once,
    call,
    count,
    device_id,
    expect_error,
    fail_next,
    homes,
    set_home_state,
    writes,
)

pytestmark = pytest.mark.small_property

# Homes by index in the small property, arranged before setup.
VACANT, OCCUPIED, LINKED = 0, 1, 2


@pytest.fixture
async def entry(
    hass: HomeAssistant, simulator: RunningSimulator, config_entry: MockConfigEntry
) -> MockConfigEntry:
    """Homes 0, 1 and 2 vacant, occupied and linked; then the entry set up."""
    for index, state in ((VACANT, Occ.VACANT), (OCCUPIED, Occ.OCCUPIED), (LINKED, Occ.LINKED)):
        set_home_state(simulator, homes(simulator)[index], state)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    simulator.sim.stats.reset()
    return config_entry


def home(simulator: RunningSimulator, index: int) -> str:
    """Return the ID of a home by index."""
    return homes(simulator)[index]


def skill_id(simulator: RunningSimulator, name: str) -> str:
    """Return the ID of a seeded skill by name."""
    return next(s.id for s in simulator.sim.state.skills.values() if s.name == name)


def occupancy_state(hass: HomeAssistant, home_id: str) -> str:
    """Return the state of a home's occupancy sensor."""
    entity_id = er.async_get(hass).async_get_entity_id("sensor", DOMAIN, f"{home_id}_occupancy")
    assert entity_id is not None
    state = hass.states.get(entity_id)
    assert state is not None
    return state.state


def sim_state(simulator: RunningSimulator, home_id: str) -> Occ:
    """Return a home's state in the simulator."""
    state = simulator.sim.state
    return state.home_state(state.homes[home_id])


# --- success -----------------------------------------------------------------------------


async def test_move_in(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: RunningSimulator,
    snapshot: SnapshotAssertion,
) -> None:
    """A move-in by device returns the occupancy and the URL the resident follows."""
    home_id = home(simulator, VACANT)
    events = async_capture_events(hass, EVENT_ACTION)
    response = await call(
        hass,
        "move_in",
        {
            "device_id": device_id(hass, entry, home_id),
            "linked_applications": [
                {"skill_id": skill_id(simulator, "Resident Concierge")},
                {
                    "skill_id": skill_id(simulator, "Property Smart Home"),
                    "stage": "development",
                    "redirect_uri": "https://pms.example/link",
                    "auth_code": "secret-auth-code",
                },
            ],
        },
    )
    assert response == snapshot
    assert sim_state(simulator, home_id) is Occ.OCCUPIED
    assert occupancy_state(hass, home_id) == "occupied"
    assert count(simulator, OCCUPANCY_POST) == 1
    assert len(events) == 1
    assert events[0].data["outcome"] == "success"
    assert events[0].data["details"]["occupancy_id"] == response["occupancy_id"]
    assert "secret-auth-code" not in repr(events[0].data)


async def test_move_in_by_home_id_without_response(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """A raw home ID works too, and the response is optional."""
    home_id = home(simulator, VACANT)
    assert await call(hass, "move_in", {"home_id": home_id}, response=False) is None
    assert sim_state(simulator, home_id) is Occ.OCCUPIED


@pytest.mark.parametrize(
    ("index", "service", "after", "sensor"),
    [
        (OCCUPIED, "move_out", Occ.VACANT, "vacant"),
        (LINKED, "move_out", Occ.VACANT, "vacant"),
        (LINKED, "unlink_resident", Occ.OCCUPIED, "occupied"),
    ],
)
async def test_allowed_transitions(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: RunningSimulator,
    snapshot: SnapshotAssertion,
    index: int,
    service: str,
    after: Occ,
    sensor: str,
) -> None:
    """Move out from occupied or linked, unlink from linked; the sensor follows at once."""
    home_id = home(simulator, index)
    response = await call(hass, service, {"device_id": device_id(hass, entry, home_id)})
    assert response == snapshot
    assert sim_state(simulator, home_id) is after
    assert occupancy_state(hass, home_id) == sensor
    assert count(simulator, OCCUPANCY_POST) == 1


# --- refusals: nothing sent ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "service", "key"),
    [
        (OCCUPIED, "move_in", "move_in_not_vacant"),
        (LINKED, "move_in", "move_in_not_vacant"),
        (VACANT, "move_out", "move_out_vacant"),
        (VACANT, "unlink_resident", "unlink_not_linked"),
        (OCCUPIED, "unlink_resident", "unlink_not_linked"),
    ],
)
async def test_refused_transitions(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: RunningSimulator,
    index: int,
    service: str,
    key: str,
) -> None:
    """Transitions the occupancy page does not allow are refused after one read."""
    home_id = home(simulator, index)
    events = async_capture_events(hass, EVENT_ACTION)
    placeholders = await expect_error(
        ServiceValidationError, key, lambda: call(hass, service, {"home_id": home_id})
    )
    assert placeholders["home"].startswith("Unit ")
    assert writes(simulator) == 0
    assert simulator.sim.stats.total == 1  # the latest occupancy, read first
    assert events == []


async def test_refused_while_pending(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """No change while another one is in progress."""
    home_id = home(simulator, OCCUPIED)
    simulator.sim.state.timing.occupancy_delay = 600
    set_home_state_pending(simulator, home_id)
    for service in ("move_in", "move_out", "unlink_resident"):

        async def run(service: str = service) -> Any:
            return await call(hass, service, {"home_id": home_id})

        placeholders = await expect_error(ServiceValidationError, "occupancy_change_pending", run)
        assert placeholders["requested_state"] == "vacant"
    assert writes(simulator) == 0


def set_home_state_pending(simulator: RunningSimulator, home_id: str) -> None:
    """Start a move-out that stays in progress."""
    from simulator.occupancy import request_change  # noqa: PLC0415

    state = simulator.sim.state
    request_change(state, state.homes[home_id], Occ.VACANT, [])
    latest = state.latest_occupancy(state.homes[home_id])
    assert latest is not None
    assert latest.requested_state is Occ.VACANT


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({}, "no_target"),
        ({"home_id": "not-a-unit"}, "invalid_input"),
        ({"home_id": ["HOME0", "HOME1"]}, "single_target"),
        ({"device_id": ["COMMUNITY"]}, "device_not_home"),
        ({"device_id": ["ENDPOINT"]}, "device_not_home"),
        (
            {"home_id": "HOME0", "linked_applications": [{"skill_id": "amzn1.nope"}]},
            "invalid_input",
        ),
    ],
)
async def test_bad_input(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: RunningSimulator,
    data: dict[str, Any],
    key: str,
) -> None:
    """Bad targets and bad input are refused before any request."""
    state = simulator.sim.state
    names = {
        "HOME0": home(simulator, VACANT),
        "HOME1": home(simulator, OCCUPIED),
        "COMMUNITY": device_id(hass, entry, next(iter(state.communities))),
        "ENDPOINT": device_id(
            hass, entry, "serial_" + next(iter(state.endpoints.values())).serial_number
        ),
    }

    def fill(value: Any) -> Any:
        if isinstance(value, list):
            return [fill(v) for v in value]
        return names.get(value, value) if isinstance(value, str) else value

    data = {key_: fill(value) for key_, value in data.items()}
    await expect_error(ServiceValidationError, key, lambda: call(hass, "move_in", data))
    assert simulator.sim.stats.total == 0


async def test_config_entry_checks(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """The entry is resolved and checked: exists, is this integration's, is loaded."""
    home_id = home(simulator, VACANT)
    with pytest.raises(ServiceValidationError) as info:
        await call(hass, "move_in", {"home_id": home_id, "config_entry_id": "nope"})
    assert info.value.translation_key == "service_config_entry_not_found"
    with pytest.raises(ServiceValidationError) as info:
        await call(hass, "move_in", {"device_id": "nope"})
    assert info.value.translation_key == "service_device_not_found"

    other = MockConfigEntry(domain=DOMAIN, title="Other", unique_id="other")
    other.add_to_hass(hass)
    with pytest.raises(ServiceValidationError) as info:
        await call(hass, "move_in", {"home_id": home_id, "config_entry_id": other.entry_id})
    assert info.value.translation_key == "service_config_entry_not_loaded"
    with pytest.raises(ServiceValidationError) as info:
        await call(hass, "move_in", {"home_id": home_id})  # two entries: which one?
    assert info.value.translation_key == "service_found_multiple_config_entry_for_domain"
    assert simulator.sim.stats.total == 0


async def test_devices_of_other_entries(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """Devices must belong to the chosen entry, and all to the same one."""
    other = MockConfigEntry(
        domain=DOMAIN, title="Second", unique_id="second", data=entry_data(simulator)
    )
    other.add_to_hass(hass)
    assert await hass.config_entries.async_setup(other.entry_id)
    await hass.async_block_till_done()
    simulator.sim.stats.reset()
    home_id = home(simulator, VACANT)
    mine, theirs = device_id(hass, entry, home_id), device_id(hass, other, home_id)
    assert mine != theirs
    await expect_error(
        ServiceValidationError,
        "device_of_other_entry",
        lambda: call(hass, "move_in", {"device_id": mine, "config_entry_id": other.entry_id}),
    )
    await expect_error(
        ServiceValidationError,
        "devices_of_several_entries",
        lambda: call(hass, "move_in", {"device_id": [mine, theirs]}),
    )
    await call(hass, "move_in", {"home_id": home_id, "config_entry_id": other.entry_id})
    assert sim_state(simulator, home_id) is Occ.OCCUPIED
    assert await hass.config_entries.async_unload(other.entry_id)


async def test_unloaded_entry(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """An entry that is not loaded can't run actions."""
    home_id = home(simulator, VACANT)
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.NOT_LOADED
    with pytest.raises(ServiceValidationError) as info:
        await call(hass, "move_in", {"home_id": home_id, "config_entry_id": entry.entry_id})
    assert info.value.translation_key == "service_config_entry_not_loaded"
    assert simulator.sim.stats.total == 0


async def test_not_residential(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """Outside the US and Canada there are no homes to move into."""
    entry.runtime_data.inventory.residential = False
    await expect_error(
        ServiceValidationError,
        "not_residential",
        lambda: call(hass, "move_in", {"home_id": home(simulator, VACANT)}),
    )
    assert simulator.sim.stats.total == 0


# --- API failures ----------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "key"), API_FAILURES)
async def test_api_failures(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: RunningSimulator,
    status: int,
    key: str,
) -> None:
    """A refused or failed change is a plain translated sentence, audited with it."""
    home_id = home(simulator, VACANT)
    events: list[Event[Any]] = async_capture_events(hass, EVENT_ACTION)
    fail_next(simulator, status, r"/occupancies$")
    placeholders = await expect_error(
        HomeAssistantError, key, lambda: call(hass, "move_in", {"home_id": home_id})
    )
    assert placeholders["targets"] == simulator.sim.state.homes[home_id].name
    assert sim_state(simulator, home_id) is Occ.VACANT
    assert [e.data["outcome"] for e in events] == ["failed"]
    assert "HTTP" not in events[0].data["error"]


async def test_read_failure(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """When the latest occupancy can't be read, nothing is sent."""
    fail_next(simulator, 403, r"/occupancies/~latest$")
    await expect_error(
        HomeAssistantError,
        "action_forbidden",
        lambda: call(hass, "move_out", {"home_id": home(simulator, OCCUPIED)}),
    )
    assert writes(simulator) == 0


async def test_unknown_home_is_refused_before_sending(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """A home ID the entry's inventory doesn't list is refused; Amazon never hears of it."""
    unknown = "amzn1.alexa.unit.did.unknown"
    await expect_error(
        ServiceValidationError, "unknown_id", lambda: call(hass, "move_in", {"home_id": unknown})
    )
    assert [e for e in simulator.sim.stats.log if unknown in e["path"]] == []


async def test_home_outside_the_estate_is_refused_before_sending(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """A real home the entry hasn't read (made behind its back) gets no read and no write."""
    community_id = next(iter(simulator.sim.state.communities))
    foreign = await entry.runtime_data.client.create_home(community_id, "Unit 999")
    simulator.sim.stats.reset()
    for service in ("move_in", "move_out", "delete_home"):
        with pytest.raises(ServiceValidationError) as info:
            await call(hass, service, {"home_id": foreign}, response=False)
        assert info.value.translation_key == "unknown_id"
    assert [e for e in simulator.sim.stats.log if foreign in e["path"]] == []
    assert simulator.sim.state.homes[foreign].occupancy_ids == []


async def test_home_gone_since_the_last_poll(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """A 404 for a home the last poll read an occupancy of is an error, not "vacant"."""
    home_id = home(simulator, OCCUPIED)
    del simulator.sim.state.homes[home_id]
    await expect_error(
        ServiceValidationError, "home_gone", lambda: call(hass, "move_out", {"home_id": home_id})
    )
    assert count(simulator, OCCUPANCY_POST) == 0


async def _moved_in_once(hass: HomeAssistant, simulator: RunningSimulator, home_id: str) -> None:
    """Check the home was moved into with one POST, and that a retry sends no other."""
    assert count(simulator, OCCUPANCY_POST) == 1
    assert sim_state(simulator, home_id) is Occ.OCCUPIED
    await expect_error(
        ServiceValidationError,
        "move_in_not_vacant",
        lambda: call(hass, "move_in", {"home_id": home_id}),
    )
    assert count(simulator, OCCUPANCY_POST) == 1


async def test_one_move_in_per_home_at_a_time(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """Two move-ins at once: one is sent, the other is refused without sending."""
    home_id = home(simulator, VACANT)
    await at_once(hass, "move_in", {"home_id": home_id})
    # Once the first is done, the lock is free again: the state check answers.
    await _moved_in_once(hass, simulator, home_id)


async def test_unload_while_the_write_is_in_flight(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """The entry goes away after Amazon applied the move-in: a translated error says so."""
    home_id = home(simulator, VACANT)
    simulator.sim.faults.configure({"latency_ms": 300, "path_pattern": r"/occupancies$"})
    task = hass.async_create_task(call(hass, "move_in", {"home_id": home_id}))
    async with asyncio.timeout(10):  # until applied; the answer is still on its way
        while sim_state(simulator, home_id) is not Occ.OCCUPIED:  # noqa: ASYNC110 (no event)
            await asyncio.sleep(0.01)
    assert await hass.config_entries.async_unload(entry.entry_id)
    with pytest.raises(HomeAssistantError) as info:
        await task
    assert info.value.translation_domain == DOMAIN
    assert info.value.translation_key == "change_sent_entry_unloaded"
    placeholders = info.value.translation_placeholders or {}
    assert placeholders["action"] == "move_in"
    assert placeholders["change"] == "moved a resident into Unit 101"
    assert count(simulator, OCCUPANCY_POST) == 1


async def test_lost_answer_is_reported_and_settled(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """Amazon applies the move-in but the answer is lost: "outcome unknown", no resend."""
    home_id = home(simulator, VACANT)
    events = async_capture_events(hass, EVENT_ACTION)
    simulator.sim.faults.add_script([{"kind": "apply_then_drop", "path_pattern": r"/occupancies$"}])
    await expect_error(
        HomeAssistantError,
        "change_outcome_unknown",
        lambda: call(hass, "move_in", {"home_id": home_id}),
    )
    assert [e.data["outcome"] for e in events] == ["unknown"]
    assert occupancy_state(hass, home_id) == "occupied"  # read back before the error
    await _moved_in_once(hass, simulator, home_id)  # never resent, nor on a retry


async def test_auth_failure_starts_reauth(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """A revoked grant fails the action and asks the user to sign in again."""
    simulator.sim.lwa.revoke(None)
    simulator.sim.lwa.expire_access_tokens()
    await expect_error(
        HomeAssistantError,
        "action_auth_failed",
        lambda: call(hass, "move_in", {"home_id": home(simulator, VACANT)}),
    )
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]
