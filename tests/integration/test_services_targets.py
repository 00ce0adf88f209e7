"""Actions a person can fill: one target (a home, an area, an entity), IDs for scripts.

The target is what the action form's target picker sends (`target=` of a service call,
as the frontend does): no organization, no raw ID. Raw IDs (the collapsed section) and
the old `device_id` field still work. The skill fields suggest the skills the estate has.
"""

from __future__ import annotations

from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.service import async_get_cached_service_description
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alexa_smart_properties.const import DOMAIN
from simulator.embed import RunningSimulator
from simulator.state import Occ

from .service_helpers import device_id, expect_error, homes, set_up_all_vacant

pytestmark = pytest.mark.small_property


@pytest.fixture
async def entry(
    hass: HomeAssistant, simulator: RunningSimulator, config_entry: MockConfigEntry
) -> MockConfigEntry:
    """Every home vacant, every device online; the entry set up."""
    return await set_up_all_vacant(hass, simulator, config_entry)


async def pick(
    hass: HomeAssistant, service: str, target: dict[str, Any], data: dict[str, Any] | None = None
) -> Any:
    """Run an action the way the action form does: a target, the fields as data."""
    return await hass.services.async_call(
        DOMAIN, service, data or {}, target=target, blocking=True, return_response=True
    )


def state_of(simulator: RunningSimulator, home_id: str) -> Occ:
    state = simulator.sim.state
    return state.home_state(state.homes[home_id])


def echo_of(hass: HomeAssistant, entry: MockConfigEntry, home_id: str) -> dr.DeviceEntry:
    """Return a device below a home (an Echo or a smart home device)."""
    home_device = device_id(hass, entry, home_id)
    return next(
        device
        for device in dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
        if device.via_device_id == home_device
    )


def entity_of(hass: HomeAssistant, device: str) -> str:
    return er.async_entries_for_device(er.async_get(hass), device)[0].entity_id


async def test_a_home_picked_alone(
    hass: HomeAssistant, simulator: RunningSimulator, entry: MockConfigEntry
) -> None:
    home_id = homes(simulator)[0]
    response = await pick(hass, "move_in", {"device_id": device_id(hass, entry, home_id)})
    assert response["home_id"] == home_id
    assert state_of(simulator, home_id) is Occ.OCCUPIED


async def test_an_area_stands_for_the_homes_in_it(
    hass: HomeAssistant, simulator: RunningSimulator, entry: MockConfigEntry
) -> None:
    """A home's own device in the area, or only one of its Echos: the home either way."""
    first, second = homes(simulator)[:2]
    areas = ar.async_get(hass)
    devices = dr.async_get(hass)
    lobby = areas.async_create("Lobby")
    devices.async_update_device(device_id(hass, entry, first), area_id=lobby.id)
    annex = areas.async_create("Annex")
    devices.async_update_device(echo_of(hass, entry, second).id, area_id=annex.id)

    response = await pick(hass, "move_in", {"area_id": lobby.id})
    assert response["home_id"] == first
    response = await pick(hass, "move_in", {"area_id": annex.id})
    assert response["home_id"] == second
    assert state_of(simulator, first) is Occ.OCCUPIED
    assert state_of(simulator, second) is Occ.OCCUPIED

    empty = areas.async_create("Garden")
    placeholders = await expect_error(
        ServiceValidationError,
        "nothing_in_area",
        lambda: pick(hass, "move_out", {"area_id": empty.id}),
    )
    assert placeholders["area"] == "Garden"


async def test_an_entity_stands_for_its_home(
    hass: HomeAssistant, simulator: RunningSimulator, entry: MockConfigEntry
) -> None:
    """The home's own entity, or an entity of a device in it."""
    first, second = homes(simulator)[:2]
    occupancy = entity_of(hass, device_id(hass, entry, first))
    response = await pick(hass, "move_in", {"entity_id": occupancy})
    assert response["home_id"] == first
    echo_entity = entity_of(hass, echo_of(hass, entry, second).id)
    listed = await pick(hass, "list_skill_enablements", {"entity_id": echo_entity})
    assert [unit["unit_id"] for unit in listed["units"]] == [second]

    hass.states.async_set("input_boolean.porch", "on")
    placeholders = await expect_error(
        ServiceValidationError,
        "entity_not_ours",
        lambda: pick(hass, "move_out", {"entity_id": "input_boolean.porch"}),
    )
    assert placeholders["entity"] == "input_boolean.porch"


async def test_raw_ids_and_old_fields_still_work(
    hass: HomeAssistant, simulator: RunningSimulator, entry: MockConfigEntry
) -> None:
    """The IDs for scripts (with the organization), and `device_id` as data."""
    first, second = homes(simulator)[:2]
    await hass.services.async_call(
        DOMAIN,
        "move_in",
        {"home_id": first, "config_entry_id": entry.entry_id},
        blocking=True,
        return_response=True,
    )
    await hass.services.async_call(
        DOMAIN,
        "move_in",
        {"device_id": device_id(hass, entry, second)},
        blocking=True,
        return_response=True,
    )
    assert state_of(simulator, first) is Occ.OCCUPIED
    assert state_of(simulator, second) is Occ.OCCUPIED


def _homes_skills(simulator: RunningSimulator) -> set[str]:
    """The skills the simulator has enabled in a home (not the organization's own)."""
    state = simulator.sim.state
    return {skill for skill, unit in state.enablements if unit in state.homes}


def _description(hass: HomeAssistant, service: str) -> dict[str, Any]:
    description = async_get_cached_service_description(hass, DOMAIN, service)
    assert description is not None
    return description


def _suggested(hass: HomeAssistant, service: str) -> set[str]:
    skill = _description(hass, service)["fields"]["skill_id"]
    select = skill["selector"]["select"]
    assert select["custom_value"] is True  # any other ID can still be typed
    return {option["value"] for option in select["options"]}


async def test_skill_fields_suggest_the_estates_skills(
    hass: HomeAssistant, simulator: RunningSimulator, entry: MockConfigEntry
) -> None:
    expected = _homes_skills(simulator)
    assert expected, "the seeded property has skills enabled in homes"
    assert _suggested(hass, "enable_skill") == expected
    assert _suggested(hass, "disable_skill") == expected
    linked = _description(hass, "move_in")["fields"]["linked_applications"]
    nested = linked["selector"]["object"]["fields"]["skill_id"]["selector"]["select"]
    assert {option["value"] for option in nested["options"]} == expected
    # The target and the collapsed section are still there.
    assert _description(hass, "enable_skill")["target"]
    assert _description(hass, "enable_skill")["fields"]["advanced"]["collapsed"] is True

    # A skill enabled in one more home: suggested from then on.
    skills = simulator.sim.state.skills.values()
    new = next(s for s in skills if s.id not in expected and not s.account_linking)
    await pick(
        hass,
        "enable_skill",
        {"device_id": device_id(hass, entry, homes(simulator)[0])},
        {"skill_id": new.id, "stage": new.stages[-1]},
    )
    assert _suggested(hass, "enable_skill") == _homes_skills(simulator)
    assert new.id in _homes_skills(simulator)
