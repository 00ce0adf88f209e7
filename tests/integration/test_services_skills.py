"""Skill actions against the simulator: enable (single and batch), disable, list."""

from __future__ import annotations

import asyncio
from typing import Any, Literal
from unittest.mock import patch

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from custom_components.alexa_smart_properties.api import (
    BatchEnablementResult,
    BatchItemError,
)
from custom_components.alexa_smart_properties.audit import EVENT_ACTION
from custom_components.alexa_smart_properties.const import DOMAIN, MAX_CONCURRENT_REQUESTS
from simulator.core import SimulatorConfig
from simulator.embed import RunningSimulator
from simulator.state import Community, Occ

from .service_helpers import (
    API_FAILURES,
    at_once,
    call,
    count,
    device_id,
    expect_error,
    fail_next,
    homes,
    set_home_state,
    set_up_with_one_private_home,
    small_property,
)

pytestmark = pytest.mark.small_property

ENABLE = "POST /v1/skills/{skillId}/enablements"
BATCH = "POST /v1/skills/{skillId}/enablements/batch"
DISABLE = "DELETE /v1/skills/{skillId}/enablements"
PRIVATE = 5  # the one occupied home (the last one, in the second community)


@pytest.fixture
async def entry(
    hass: HomeAssistant, simulator: RunningSimulator, config_entry: MockConfigEntry
) -> MockConfigEntry:
    """Every home vacant but the last; then the entry set up."""
    return await set_up_with_one_private_home(hass, simulator, config_entry, PRIVATE)


def skill(simulator: RunningSimulator, name: str = "Community Events") -> str:
    """Return the ID of a seeded skill by name (Community Events: live only, no linking)."""
    return next(s.id for s in simulator.sim.state.skills.values() if s.name == name)


def enabled_in(simulator: RunningSimulator, skill_id: str) -> set[str]:
    """Return the units a skill is enabled in, per the simulator."""
    return {unit for (sid, unit) in simulator.sim.state.enablements if sid == skill_id}


def community_ids(simulator: RunningSimulator) -> list[str]:
    """Return the simulator's community IDs in creation order."""
    return list(simulator.sim.state.communities)


def skills_sensor(hass: HomeAssistant, home_id: str) -> str:
    """Return the state of a home's enabled-skills sensor."""
    entity_id = er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, f"{home_id}_enabled_skills"
    )
    assert entity_id is not None
    state = hass.states.get(entity_id)
    assert state is not None
    return state.state


# --- enable --------------------------------------------------------------------------------


async def test_enable_one_home(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: RunningSimulator,
    snapshot: SnapshotAssertion,
) -> None:
    """One home: the single call, and the home's sensor counts the skill at once."""
    home_id = homes(simulator)[0]
    skill_id = skill(simulator)
    before = int(skills_sensor(hass, home_id))
    response = await call(
        hass,
        "enable_skill",
        {"device_id": device_id(hass, entry, home_id), "skill_id": skill_id},
    )
    assert response == snapshot(exclude=props("request_id"))
    assert enabled_in(simulator, skill_id) >= {home_id}
    assert count(simulator, ENABLE) == 1
    assert count(simulator, BATCH) == 0
    assert int(skills_sensor(hass, home_id)) == before + 1


async def test_enable_community(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: RunningSimulator,
    snapshot: SnapshotAssertion,
) -> None:
    """A community device stands for its homes: one batch request for all of them."""
    community = community_ids(simulator)[0]
    skill_id = skill(simulator, "Resident Concierge")
    events = async_capture_events(hass, EVENT_ACTION)
    response = await call(
        hass,
        "enable_skill",
        {
            "device_id": device_id(hass, entry, community),
            "skill_id": skill_id,
            "stage": "certification",
            "partition_name": "Lobby-1,Gym",
        },
    )
    assert response == snapshot(exclude=props("request_id"))
    members = {h.id for h in simulator.sim.state.homes.values() if h.community_id == community}
    assert enabled_in(simulator, skill_id) >= members
    assert count(simulator, BATCH) == 1
    assert [e.data["outcome"] for e in events] == ["success"]
    assert len(events[0].data["targets"]) == len(members)
    # The community's logbook page shows the bulk action; each home is in device_ids.
    assert events[0].data["device_id"] == device_id(hass, entry, community)
    assert len(events[0].data["device_ids"]) == len(members)


async def test_enable_single_unit_in_certification_uses_batch(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """The single call takes development or live only: certification goes through batch."""
    response = await call(
        hass,
        "enable_skill",
        {
            "unit_id": homes(simulator)[1],
            "skill_id": skill(simulator, "Resident Concierge"),
            "stage": "certification",
        },
    )
    assert response["batch_requests"] == 1
    assert response["units"][0]["status"] == "accepted"


async def test_enable_with_account_link(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """A skill that links accounts gets the redirect URI and code; neither is audited."""
    events = async_capture_events(hass, EVENT_ACTION)
    skill_id = skill(simulator, "Property Smart Home")
    await call(
        hass,
        "enable_skill",
        {
            "unit_id": [homes(simulator)[0], homes(simulator)[1]],
            "skill_id": skill_id,
            "redirect_uri": "https://pms.example/link",
            "auth_code": "secret-auth-code",
        },
        response=False,
    )
    assert enabled_in(simulator, skill_id) >= {homes(simulator)[0], homes(simulator)[1]}
    assert "secret-auth-code" not in repr(events[0].data)


async def test_enable_all_failing_batch(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """Amazon's batch is all or nothing: one private home fails the community's request."""
    community = community_ids(simulator)[1]
    events = async_capture_events(hass, EVENT_ACTION)
    placeholders = await expect_error(
        HomeAssistantError,
        "bulk_failed",
        lambda: call(
            hass,
            "enable_skill",
            {"device_id": device_id(hass, entry, community), "skill_id": skill(simulator)},
        ),
    )
    assert placeholders["count"] == "3"
    assert [e.data["outcome"] for e in events] == ["failed"]
    assert len(events[0].data["details"]["failed_units"]) == 3
    assert count(simulator, BATCH) == 1


async def test_enable_partial_item_errors(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: RunningSimulator,
    snapshot: SnapshotAssertion,
) -> None:
    """Per-item errors in an accepted batch are listed for their units."""
    events = async_capture_events(hass, EVENT_ACTION)
    result = BatchEnablementResult(
        item_ids=(0, 1),
        errors=(BatchItemError(1, 400, "INVALID_PARAM", "unitId is missing or invalid"),),
    )
    with patch(
        "custom_components.alexa_smart_properties.api.AspClient.batch_enable_skill",
        return_value=result,
    ):
        response = await call(
            hass,
            "enable_skill",
            {"unit_id": homes(simulator)[:2], "skill_id": skill(simulator)},
        )
    assert response == snapshot(exclude=props("request_id"))
    assert [e.data["outcome"] for e in events] == ["partial"]


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"skill_id": "amzn1.ask.skill.x"}, "no_target"),
        ({"unit_id": "HOME", "skill_id": "not-a-skill"}, "invalid_input"),
        ({"unit_id": ["HOME", "bad unit"], "skill_id": "SKILL"}, "invalid_input"),
        ({"unit_id": "HOME", "skill_id": "SKILL", "partition_name": "Room 1"}, "invalid_input"),
        (
            {"unit_id": "HOME", "skill_id": "SKILL", "redirect_uri": " ", "auth_code": "x"},
            "invalid_input",
        ),
        ({"unit_id": "HOME", "skill_id": "SKILL", "stage": "certification"}, "invalid_input"),
        ({"device_id": "ENDPOINT", "skill_id": "SKILL"}, "device_not_unit"),
    ],
)
async def test_enable_refused(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: RunningSimulator,
    data: dict[str, Any],
    key: str,
) -> None:
    """Bad input is refused before any request."""
    endpoint = next(iter(simulator.sim.state.endpoints.values()))
    names = {
        "HOME": homes(simulator)[0],
        "SKILL": skill(simulator),
        "ENDPOINT": device_id(hass, entry, f"serial_{endpoint.serial_number}"),
    }

    def fill(value: Any) -> Any:
        if isinstance(value, list):
            return [fill(v) for v in value]
        return names.get(value, value)

    data = {k: fill(v) for k, v in data.items()}
    if data.get("stage") == "certification":
        # Two units (batch), one of them malformed only once the batch is checked.
        data["unit_id"] = [names["HOME"], "amzn1.alexa.unit.did.ok"]
        data["partition_name"] = "Room-1, ,Room-2"
    await expect_error(ServiceValidationError, key, lambda: call(hass, "enable_skill", data))
    assert simulator.sim.stats.total == 0


async def test_enable_community_without_homes(
    hass: HomeAssistant, simulator: RunningSimulator, config_entry: MockConfigEntry
) -> None:
    """A community with no homes has nothing to enable a skill in."""
    state = simulator.sim.state
    empty = Community(state.new_unit_id(), "Empty Court", state.next_seq())
    state.communities[empty.id] = empty
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    simulator.sim.stats.reset()
    await expect_error(
        ServiceValidationError,
        "community_without_homes",
        lambda: call(
            hass,
            "enable_skill",
            {"device_id": device_id(hass, config_entry, empty.id), "skill_id": skill(simulator)},
        ),
    )
    assert simulator.sim.stats.total == 0


# A 404 on a skill action, its units checked first, means Amazon doesn't know the skill.
SKILL_FAILURES = [
    pytest.param(404, "skill_unknown", id="404") if p.values[0] == 404 else p for p in API_FAILURES
]


@pytest.mark.parametrize(("status", "key"), SKILL_FAILURES)
async def test_enable_api_failures(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: RunningSimulator,
    status: int,
    key: str,
) -> None:
    """A single enablement that fails is a plain sentence naming the home (or skill)."""
    fail_next(simulator, status, r"/v1/skills/[^/]+/enablements$")
    placeholders = await expect_error(
        HomeAssistantError,
        key,
        lambda: call(
            hass, "enable_skill", {"unit_id": homes(simulator)[0], "skill_id": skill(simulator)}
        ),
    )
    assert placeholders["targets"] == simulator.sim.state.homes[homes(simulator)[0]].name
    assert placeholders["skill_id"] == skill(simulator)


@pytest.mark.parametrize(("status", "key"), API_FAILURES)
async def test_batch_api_failures(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: RunningSimulator,
    status: int,
    key: str,
) -> None:
    """A batch request that fails as a whole fails every unit of it."""
    fail_next(simulator, status, r"/enablements/batch$")
    placeholders = await expect_error(
        HomeAssistantError,
        "bulk_failed",
        lambda: call(
            hass,
            "enable_skill",
            {"unit_id": homes(simulator)[:2], "skill_id": skill(simulator)},
        ),
    )
    assert placeholders["count"] == "2"
    # The batch request's own failure, in plain words (the first unit's).
    assert "HTTP" not in placeholders["reason"]
    assert "request id" not in placeholders["reason"]


async def test_batch_auth_failure(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """Lost credentials stop a bulk action at once."""
    simulator.sim.lwa.revoke(None)
    simulator.sim.lwa.expire_access_tokens()
    await expect_error(
        HomeAssistantError,
        "action_auth_failed",
        lambda: call(
            hass, "enable_skill", {"unit_id": homes(simulator)[:2], "skill_id": skill(simulator)}
        ),
    )


# --- disable ----------------------------------------------------------------------------------


async def test_disable(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: RunningSimulator,
    snapshot: SnapshotAssertion,
) -> None:
    """Disable in two homes: one had it, the other did not (Amazon's 404 for that one)."""
    skill_id = skill(simulator)
    first, second = homes(simulator)[:2]
    await call(hass, "enable_skill", {"unit_id": first, "skill_id": skill_id})
    simulator.sim.stats.reset()
    events = async_capture_events(hass, EVENT_ACTION)
    response = await call(hass, "disable_skill", {"unit_id": [first, second], "skill_id": skill_id})
    assert response == snapshot(exclude=props("request_id"))
    assert first not in enabled_in(simulator, skill_id)
    assert count(simulator, DISABLE) == 2
    assert [e.data["outcome"] for e in events] == ["partial"]


async def test_disable_failures(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """One unit failing is its own error; all of several failing is a summary."""
    skill_id = skill(simulator)
    await expect_error(
        HomeAssistantError,
        "skill_not_enabled",
        lambda: call(hass, "disable_skill", {"unit_id": homes(simulator)[0], "skill_id": skill_id}),
    )
    await expect_error(
        HomeAssistantError,
        "bulk_failed",
        lambda: call(
            hass,
            "disable_skill",
            {"unit_id": homes(simulator)[:2], "skill_id": skill_id, "stage": "live"},
        ),
    )
    await expect_error(
        ServiceValidationError,
        "invalid_input",
        lambda: call(hass, "disable_skill", {"unit_id": homes(simulator)[0], "skill_id": "x"}),
    )


# --- list ----------------------------------------------------------------------------------------


async def test_list(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: RunningSimulator,
    snapshot: SnapshotAssertion,
) -> None:
    """The second community's homes; the occupied one can't be read (privacy rule)."""
    community = community_ids(simulator)[1]
    response = await call(
        hass, "list_skill_enablements", {"device_id": device_id(hass, entry, community)}
    )
    assert response == snapshot(exclude=props("request_id"))
    assert "error" in response["units"][-1]
    assert hass.services.supports_response(DOMAIN, "list_skill_enablements").value == "only"


async def test_list_failures(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """Nothing readable is an error."""
    await expect_error(
        HomeAssistantError,
        "home_private",
        lambda: call(hass, "list_skill_enablements", {"unit_id": homes(simulator)[PRIVATE]}),
    )
    fail_next(simulator, 500, r"/v1/skills/enablements$")
    await expect_error(
        HomeAssistantError,
        "action_failed",
        lambda: call(hass, "list_skill_enablements", {"unit_id": homes(simulator)[0]}),
    )


# --- 250 homes ---------------------------------------------------------------------------------


class TestManyHomes:
    """Enable a skill in 250 homes: three batch requests (100, 100, 50)."""

    @pytest.fixture
    def sim_config(self) -> SimulatorConfig:
        """250 homes in 5 communities, one device each."""
        return small_property(communities=5, homes=250, devices_per_home=1, spare_devices=0)

    async def test_enable_250_homes(
        self,
        hass: HomeAssistant,
        simulator: RunningSimulator,
        config_entry: MockConfigEntry,
    ) -> None:
        """Batches of 100 with unique item IDs; a refused batch fails only its own units."""
        all_homes = homes(simulator)
        assert len(all_homes) == 250
        private = {all_homes[220], all_homes[230]}  # both in the third batch
        for home_id in all_homes:
            set_home_state(simulator, home_id, Occ.OCCUPIED if home_id in private else Occ.VACANT)
        assert await hass.config_entries.async_setup(config_entry.entry_id)
        await hass.async_block_till_done()
        simulator.sim.stats.reset()
        skill_id = skill(simulator)
        response = await call(hass, "enable_skill", {"unit_id": all_homes, "skill_id": skill_id})
        assert count(simulator, BATCH) == 3
        assert response["batch_requests"] == 3
        assert response["succeeded"] == 200
        assert response["failed"] == 50
        failed = {u["unit_id"]: u for u in response["units"] if u["status"] == "failed"}
        assert set(failed) == set(all_homes[200:])
        for home_id in private:
            assert failed[home_id]["error_code"] == "FORBIDDEN"
            assert failed[home_id]["error_status"] == 403
        assert enabled_in(simulator, skill_id) >= set(all_homes[:200])
        assert not enabled_in(simulator, skill_id) & set(all_homes[200:])


class _ObservedSlots(asyncio.Semaphore):
    """The inventory's request limit, telling the test when a request waits for a slot."""

    def __init__(self, value: int) -> None:
        super().__init__(value)
        self.queued = asyncio.Event()

    async def acquire(self) -> Literal[True]:
        if self.locked():
            self.queued.set()
        return await super().acquire()


async def _hold_every_slot(
    entry: MockConfigEntry, monkeypatch: pytest.MonkeyPatch
) -> tuple[_ObservedSlots, int]:
    """Give the inventory observed request slots and take them all; return them and how many."""
    slots = _ObservedSlots(MAX_CONCURRENT_REQUESTS)
    monkeypatch.setattr(entry.runtime_data.inventory, "request_slots", slots)
    held = 0
    while not slots.locked():
        await slots.acquire()
        held += 1
    return slots, held


async def test_read_back_shares_the_inventory_request_limit(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: RunningSimulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """While a refresh holds every request slot, a bulk action reads its homes back after."""
    community = community_ids(simulator)[0]
    slots, held = await _hold_every_slot(entry, monkeypatch)
    reads_before = count(simulator, "GET /v1/skills/enablements")
    action = hass.async_create_task(
        call(
            hass,
            "enable_skill",
            {"device_id": device_id(hass, entry, community), "skill_id": skill(simulator)},
        )
    )
    # The read-back comes after the change: once the action waits for a slot, it is sent.
    await asyncio.wait_for(slots.queued.wait(), timeout=30)
    assert count(simulator, BATCH) == 1  # the change itself is not held back
    assert count(simulator, "GET /v1/skills/enablements") == reads_before
    assert not action.done()
    for _ in range(held):
        slots.release()
    await action
    assert count(simulator, "GET /v1/skills/enablements") > reads_before


async def test_bulk_reads_wait_for_the_inventory_request_limit(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: RunningSimulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A listing's per-unit reads take the inventory's request slots: none while all are held."""
    slots, held = await _hold_every_slot(entry, monkeypatch)
    reads_before = count(simulator, "GET /v1/skills/enablements")
    action = hass.async_create_task(
        call(hass, "list_skill_enablements", {"unit_id": homes(simulator)[:PRIVATE]})
    )
    await asyncio.wait_for(slots.queued.wait(), timeout=30)
    assert count(simulator, "GET /v1/skills/enablements") == reads_before
    for _ in range(held):
        slots.release()
    response = await action
    assert len(response["units"]) == PRIVATE
    assert count(simulator, "GET /v1/skills/enablements") == reads_before + PRIVATE


@pytest.mark.parametrize(
    ("service", "given"),
    [("enable_skill", 10_000), ("disable_skill", 501), ("list_skill_enablements", 2_000)],
)
async def test_too_many_units_are_refused_before_sending(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: RunningSimulator,
    service: str,
    given: int,
) -> None:
    """More units than the documented maximum: refused whole, nothing sent."""
    unit_ids = [f"amzn1.alexa.unit.did.many{index}" for index in range(given)]
    data: dict[str, Any] = {"unit_id": unit_ids}
    if service != "list_skill_enablements":
        data["skill_id"] = skill(simulator)
    placeholders = await expect_error(
        ServiceValidationError, "too_many_units", lambda: call(hass, service, data)
    )
    assert placeholders["count"] == str(given)
    assert [e for e in simulator.sim.stats.log if "skills" in e["path"]] == []


async def test_one_enable_per_unit_and_skill_at_a_time(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """Two enables of one skill in one home at once: one is sent, the other refused."""
    skill_id = skill(simulator)
    data = {"unit_id": homes(simulator)[0], "skill_id": skill_id}
    await at_once(hass, "enable_skill", data)
    assert count(simulator, ENABLE) + count(simulator, BATCH) == 1
    assert enabled_in(simulator, skill_id) >= {homes(simulator)[0]}
