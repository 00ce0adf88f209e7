"""Input the client has never seen: the estate loads, the unknown part shows as unknown.

The simulator's `novel` reading sends a feature, a display category and an occupancy
state that the client does not know (docs/contract.md, row 15); an unreachable device's
properties come as type ERROR in every reading (row 16).
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alexa_smart_properties.api.models import common
from custom_components.alexa_smart_properties.const import DOMAIN
from simulator.core import SimulatorConfig
from simulator.embed import RunningSimulator
from simulator.readings import UNKNOWN_FEATURE, UNKNOWN_OCCUPANCY_STATE, readings_named
from simulator.state import Endpoint, Occ

from .helpers import advance
from .service_helpers import set_home_state, set_up_all_vacant, small_property

LOGGER = "custom_components.alexa_smart_properties.api.models.common"


@pytest.fixture
def sim_config() -> SimulatorConfig:
    """The small property, with values the client has never seen."""
    return small_property(readings=readings_named(["novel"]))


@pytest.fixture(autouse=True)
def fresh_unknown_values(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forget the unknown values other tests logged: each is logged once per process."""
    monkeypatch.setattr(common, "_UNKNOWN_SEEN", set())


def _entity_states(hass: HomeAssistant, entry: MockConfigEntry, device_key: str) -> list[str]:
    device = dr.async_get(hass).async_get_device_by_identifier((DOMAIN, device_key), entry.entry_id)
    assert device is not None, device_key
    entities = er.async_entries_for_device(er.async_get(hass), device.id)
    states = [hass.states.get(e.entity_id) for e in entities if e.domain not in {"button", "event"}]
    return [s.state for s in states if s is not None]


def _key(endpoint: Endpoint) -> str:
    return f"serial_{endpoint.serial_number}"


async def test_unknown_feature_is_skipped_and_logged_once(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    config_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Every endpoint carries a feature the client does not know; all devices load."""
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    await advance(hass, simulator, timedelta(minutes=3))  # a second endpoint refresh

    state = simulator.sim.state
    visible = [e for e in state.endpoints.values() if e.unit_id and state.endpoint_visible(e)]
    assert visible
    for endpoint in visible:
        states = _entity_states(hass, config_entry, _key(endpoint))
        assert states, endpoint.friendly_name
        assert STATE_UNKNOWN not in states, endpoint.friendly_name
    lines = [r.getMessage() for r in caplog.records if UNKNOWN_FEATURE in r.getMessage()]
    assert len(lines) == 1, lines


async def test_unknown_occupancy_state_shows_unknown_and_hides_devices(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    config_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A home in a state the client does not know: its occupancy is unknown, its devices
    are kept but unavailable (Amazon shows devices of vacant homes only), and the rest of
    the estate is unaffected."""
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    state = simulator.sim.state
    await set_up_all_vacant(hass, simulator, config_entry, online=False)

    odd, *others = list(state.homes)
    set_home_state(simulator, odd, Occ.LINKED)  # shown by the simulator as a new state
    await advance(hass, simulator, timedelta(minutes=5))
    await advance(hass, simulator, timedelta(minutes=2))

    entities = er.async_get(hass)
    occupancy = entities.async_get_entity_id("sensor", DOMAIN, f"{odd}_occupancy")
    assert occupancy is not None
    current = hass.states.get(occupancy)
    assert current is not None
    assert current.state == STATE_UNKNOWN
    # Whatever is still shown of its devices is unavailable, as for an occupied home
    # (keeping them registered meanwhile is the device-lifecycle work of issue 12).
    registry = dr.async_get(hass)
    for endpoint in [e for e in state.endpoints.values() if e.unit_id == odd]:
        device = registry.async_get_device_by_identifier(
            (DOMAIN, _key(endpoint)), config_entry.entry_id
        )
        if device is not None:
            assert set(_entity_states(hass, config_entry, _key(endpoint))) <= {STATE_UNAVAILABLE}
    for home_id in others:
        other = entities.async_get_entity_id("sensor", DOMAIN, f"{home_id}_occupancy")
        assert other is not None
        other_state = hass.states.get(other)
        assert other_state is not None
        assert other_state.state == "vacant"
    lines = [r.getMessage() for r in caplog.records if UNKNOWN_OCCUPANCY_STATE in r.getMessage()]
    assert len(lines) == 1, lines


@pytest.mark.parametrize("sim_config", [small_property()], ids=["default"])
async def test_property_of_type_error_shows_unknown_and_the_rest_loads(
    hass: HomeAssistant, simulator: RunningSimulator, config_entry: MockConfigEntry
) -> None:
    """An unreachable device's properties come as type ERROR: it shows no value, its
    connectivity shows off, and every other device shows its state."""
    state = simulator.sim.state
    for home_id in state.homes:
        set_home_state(simulator, home_id, Occ.VACANT)
    endpoints = [e for e in state.endpoints.values() if e.unit_id]
    for endpoint in endpoints:
        endpoint.online = True
    offline = next(e for e in endpoints if "powerState" in e.properties)
    offline.online = False
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, _key(offline)), config_entry.entry_id
    )
    assert device is not None
    for entry in er.async_entries_for_device(er.async_get(hass), device.id):
        current = hass.states.get(entry.entity_id)
        if current is None or entry.domain in {"button", "event"}:
            continue
        if entry.unique_id.endswith("_connectivity"):
            assert current.state == "off"
        else:
            assert current.state in {STATE_UNKNOWN, STATE_UNAVAILABLE}, entry.entity_id
    for endpoint in endpoints:
        if endpoint is not offline:
            assert STATE_UNKNOWN not in _entity_states(hass, config_entry, _key(endpoint))
