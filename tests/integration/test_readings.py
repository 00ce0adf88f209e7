"""The integration's main paths under every reading of Amazon's pages (docs/contract.md).

Each test runs once under the simulator's default reading and once under each alternative
of `simulator.readings.Readings`. Expected values come from the simulator's own record of
the property (its devices' properties and settings, its homes' occupancy, its enablements
and automations), never from the integration.
"""

from __future__ import annotations

from typing import Any

import pytest
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alexa_smart_properties.const import DOMAIN
from simulator.core import SimulatorConfig
from simulator.devices import DND_SETTING
from simulator.embed import RunningSimulator
from simulator.readings import READING_NAMES, readings_named
from simulator.state import Endpoint, Occ

from .service_helpers import call, count, set_up_all_vacant, small_property

READINGS = ["default", *READING_NAMES]
NOT_STATEFUL = {"button", "event"}  # they show when they were last used


@pytest.fixture(params=READINGS)
def reading(request: pytest.FixtureRequest) -> str:
    """The reading the simulator plays for this run."""
    return str(request.param)


@pytest.fixture
def sim_config(reading: str) -> SimulatorConfig:
    """The action tests' small property, answering in the reading under test."""
    names = [] if reading == "default" else [reading]
    return small_property(readings=readings_named(names))


def _device_of(hass: HomeAssistant, entry: MockConfigEntry, endpoint: Endpoint) -> dr.DeviceEntry:
    """Return the Home Assistant device of a simulated endpoint.

    Devices are keyed by serial number; a reading that leaves the serial out keys them by
    endpoint ID.
    """
    registry = dr.async_get(hass)
    for key in (f"serial_{endpoint.serial_number}", endpoint.id):
        device = registry.async_get_device_by_identifier((DOMAIN, key), entry.entry_id)
        if device is not None:
            return device
    raise AssertionError(f"no device for {endpoint.friendly_name} ({endpoint.id})")


def _expected(simulator: RunningSimulator, endpoint: Endpoint, suffix: str) -> Any:
    """Return what an entity must show, from the simulator's record of the device."""
    now = simulator.sim.clock.now()
    props = endpoint.properties
    if suffix == "connectivity":
        return "on" if endpoint.reachable(now) else "off"
    if suffix in {"light", "power"}:
        return str(props["powerState"]).lower()
    if suffix == "do_not_disturb":
        return "on" if endpoint.settings[DND_SETTING] else "off"
    if suffix == "volume":
        return float(props["volume"])
    if suffix == "temperature" and "temperature" in props:
        return float(props["temperature"]["value"])
    return None  # checked for a real state only


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_every_device_shows_the_simulated_state(
    hass: HomeAssistant, simulator: RunningSimulator, config_entry: MockConfigEntry, reading: str
) -> None:
    """Every entity of every device in a vacant home has a real state, and the right one."""
    await set_up_all_vacant(hass, simulator, config_entry)

    entities = er.async_get(hass)
    checked = 0
    for endpoint in simulator.sim.state.endpoints.values():
        if endpoint.unit_id is None:
            continue  # spare devices in the business account
        device = _device_of(hass, config_entry, endpoint)
        for entry in er.async_entries_for_device(entities, device.id):
            if entry.domain in NOT_STATEFUL:
                continue
            state = hass.states.get(entry.entity_id)
            assert state is not None, entry.entity_id
            assert state.state not in {STATE_UNKNOWN, STATE_UNAVAILABLE}, (
                f"{entry.entity_id} is {state.state} under the {reading} reading"
            )
            suffix = entry.unique_id.rsplit("_", 1)[-1]
            if entry.unique_id.endswith("do_not_disturb"):
                suffix = "do_not_disturb"
            if entry.unique_id.endswith("target_temperature"):
                suffix = "target_temperature"
            expected = _expected(simulator, endpoint, suffix)
            if isinstance(expected, float):
                assert float(state.state) == pytest.approx(expected), entry.entity_id
            elif expected is not None:
                assert state.state == expected, entry.entity_id
            checked += 1
    assert checked >= 20  # every kind of device, several entities each


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_writes_reach_the_device(
    hass: HomeAssistant, simulator: RunningSimulator, loaded_entry: MockConfigEntry
) -> None:
    """A light, a volume and Do Not Disturb change on the simulated device."""
    sim = simulator.sim
    entities = er.async_get(hass)
    visible = [e for e in sim.state.endpoints.values() if sim.state.endpoint_visible(e)]

    def entity_for(endpoint: Endpoint, domain: str, suffix: str) -> str | None:
        device = _device_of(hass, loaded_entry, endpoint)
        return next(
            (
                e.entity_id
                for e in er.async_entries_for_device(entities, device.id)
                if e.domain == domain and e.unique_id.endswith(suffix)
            ),
            None,
        )

    lights = [(e, entity_for(e, "light", "_light")) for e in visible]
    light, light_id = next((e, i) for e, i in lights if i is not None)
    await hass.services.async_call("light", "turn_off", {"entity_id": light_id}, blocking=True)
    assert light.properties["powerState"] == "OFF"
    await hass.services.async_call("light", "turn_on", {"entity_id": light_id}, blocking=True)
    assert light.properties["powerState"] == "ON"

    speakers = [(e, entity_for(e, "number", "_volume")) for e in visible]
    speaker, volume_id = next((e, i) for e, i in speakers if i is not None)
    await hass.services.async_call(
        "number", "set_value", {"entity_id": volume_id, "value": 37}, blocking=True
    )
    assert speaker.properties["volume"] == 37

    dnd_id = entity_for(speaker, "switch", "_do_not_disturb")
    assert dnd_id is not None
    target = not speaker.settings[DND_SETTING]
    await hass.services.async_call(
        "switch", "turn_on" if target else "turn_off", {"entity_id": dnd_id}, blocking=True
    )
    assert speaker.settings[DND_SETTING] is target


async def test_resident_lifecycle(
    hass: HomeAssistant, simulator: RunningSimulator, loaded_entry: MockConfigEntry
) -> None:
    """Enable a skill, create an automation, move in, move out: each one write at Amazon."""
    state = simulator.sim.state
    home_id = next(h for h in state.homes if state.home_state(state.homes[h]) is Occ.VACANT)
    skill_id = next(s.id for s in state.skills.values() if s.name == "Community Events")
    template_id = next(
        t.id
        for t in state.templates.values()
        if "customUtterance" in str(t.template["trigger"]["payload"])
    )

    await call(hass, "enable_skill", {"unit_id": [home_id], "skill_id": skill_id})
    assert (skill_id, home_id) in state.enablements
    response = await call(
        hass,
        "create_automation",
        {
            "unit_id": home_id,
            "template_id": template_id,
            "data": {"customUtterance": {"text": "when is the pool open"}},
        },
    )
    automation_id = response["units"][0]["automation_id"]
    assert state.automations[automation_id].unit_id == home_id

    await call(hass, "move_in", {"home_id": home_id})
    assert state.home_state(state.homes[home_id]) is Occ.OCCUPIED
    await call(hass, "move_out", {"home_id": home_id})
    assert state.home_state(state.homes[home_id]) is Occ.VACANT
    assert count(simulator, "POST /enterprise/residential/v1/homes/{id}/occupancies") == 2
