"""Controlling devices through their entities: the writes reach the simulator."""

from __future__ import annotations

from typing import Any

import pytest
from homeassistant.components.button import SERVICE_PRESS
from homeassistant.components.climate import (
    ATTR_HVAC_MODES,
    SERVICE_SET_HVAC_MODE,
    SERVICE_SET_TEMPERATURE,
)
from homeassistant.components.light import (
    ATTR_BRIGHTNESS,
    ATTR_COLOR_TEMP_KELVIN,
    ATTR_HS_COLOR,
)
from homeassistant.components.number import ATTR_VALUE, SERVICE_SET_VALUE
from homeassistant.const import (
    ATTR_SUPPORTED_FEATURES,
    ATTR_TEMPERATURE,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_ON,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import (
    HomeAssistantError,
    ServiceNotSupported,
    ServiceValidationError,
)
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alexa_smart_properties.api.models import FeatureName
from custom_components.alexa_smart_properties.data import AspConfigEntry
from simulator.embed import RunningSimulator
from simulator.state import Endpoint as SimEndpoint

from .helpers import state


def _pick(entry: AspConfigEntry, feature: FeatureName, without: FeatureName | None = None) -> str:
    for key, endpoint in entry.runtime_data.endpoints.data.visible.items():
        unwanted = without is not None and endpoint.has_feature(without)
        if endpoint.has_feature(feature) and not unwanted and endpoint.reachable:
            return key
    raise AssertionError(f"no reachable endpoint with {feature}")


def _entity(hass: HomeAssistant, key: str, suffix: str) -> str:
    unique_id = f"{key}_{suffix}"
    registry = er.async_get(hass)
    return next(e.entity_id for e in registry.entities.values() if e.unique_id == unique_id)


def _sim_endpoint(entry: AspConfigEntry, simulator: RunningSimulator, key: str) -> SimEndpoint:
    endpoint_id = entry.runtime_data.endpoints.data.visible[key].id
    return simulator.sim.state.endpoints[endpoint_id]


async def _call(hass: HomeAssistant, domain: str, service: str, **data: Any) -> None:
    await hass.services.async_call(domain, service, data, blocking=True)


async def test_light_brightness_color_and_temperature(
    hass: HomeAssistant, loaded_entry: AspConfigEntry, simulator: RunningSimulator
) -> None:
    key = _pick(loaded_entry, FeatureName.COLOR)
    entity_id = _entity(hass, key, "light")
    await _call(hass, "light", SERVICE_TURN_ON, entity_id=entity_id, **{ATTR_BRIGHTNESS: 128})
    sim_endpoint = _sim_endpoint(loaded_entry, simulator, key)
    assert sim_endpoint.properties["powerState"] == "ON"
    assert sim_endpoint.properties["brightness"] == 50
    light = state(hass, entity_id)
    assert light.state == STATE_ON
    assert light.attributes[ATTR_BRIGHTNESS] == 128

    await _call(hass, "light", SERVICE_TURN_ON, entity_id=entity_id, **{ATTR_HS_COLOR: (120, 50)})
    assert sim_endpoint.properties["color"]["hue"] == 120
    assert sim_endpoint.properties["color"]["saturation"] == 0.5
    assert state(hass, entity_id).attributes[ATTR_HS_COLOR] == (120, 50)

    await _call(
        hass, "light", SERVICE_TURN_ON, entity_id=entity_id, **{ATTR_COLOR_TEMP_KELVIN: 2700}
    )
    assert sim_endpoint.properties["colorTemperatureInKelvin"] == 2700

    await _call(hass, "light", SERVICE_TURN_OFF, entity_id=entity_id)
    assert sim_endpoint.properties["powerState"] == "OFF"
    assert state(hass, entity_id).state == "off"


async def test_plug_switch(
    hass: HomeAssistant, loaded_entry: AspConfigEntry, simulator: RunningSimulator
) -> None:
    key = _pick(loaded_entry, FeatureName.POWER, without=FeatureName.BRIGHTNESS)
    entity_id = _entity(hass, key, "power")
    sim_endpoint = _sim_endpoint(loaded_entry, simulator, key)
    for service, expected in ((SERVICE_TURN_ON, "ON"), (SERVICE_TURN_OFF, "OFF")):
        await _call(hass, "switch", service, entity_id=entity_id)
        assert sim_endpoint.properties["powerState"] == expected
        assert state(hass, entity_id).state == expected.lower()


async def test_volume_and_timers(
    hass: HomeAssistant, loaded_entry: AspConfigEntry, simulator: RunningSimulator
) -> None:
    key = _pick(loaded_entry, FeatureName.SPEAKER)
    volume = _entity(hass, key, "volume")
    await _call(hass, "number", SERVICE_SET_VALUE, entity_id=volume, **{ATTR_VALUE: 35})
    sim_endpoint = _sim_endpoint(loaded_entry, simulator, key)
    assert sim_endpoint.properties["volume"] == 35
    assert state(hass, volume).state == "35.0"

    sim_endpoint.timers = 3
    await _call(hass, "button", SERVICE_PRESS, entity_id=_entity(hass, key, "delete_timers"))
    assert sim_endpoint.timers == 0


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_do_not_disturb(
    hass: HomeAssistant, loaded_entry: AspConfigEntry, simulator: RunningSimulator
) -> None:
    key = _pick(loaded_entry, FeatureName.SPEAKER)
    entity_id = _entity(hass, key, "do_not_disturb")
    sim_endpoint = _sim_endpoint(loaded_entry, simulator, key)
    assert state(hass, entity_id).state == "off"
    await _call(hass, "switch", SERVICE_TURN_ON, entity_id=entity_id)
    assert sim_endpoint.settings["Alexa.DoNotDisturb.doNotDisturb"] is True
    assert state(hass, entity_id).state == "on"
    await _call(hass, "switch", SERVICE_TURN_OFF, entity_id=entity_id)
    assert sim_endpoint.settings["Alexa.DoNotDisturb.doNotDisturb"] is False


async def test_failed_write_raises_translated_error(
    hass: HomeAssistant, loaded_entry: AspConfigEntry, simulator: RunningSimulator
) -> None:
    key = _pick(loaded_entry, FeatureName.SPEAKER)
    simulator.sim.faults.add_script([{"kind": "status", "status": 500, "path_pattern": "features"}])
    with pytest.raises(HomeAssistantError) as err:
        await _call(
            hass,
            "number",
            SERVICE_SET_VALUE,
            entity_id=_entity(hass, key, "volume"),
            **{ATTR_VALUE: 10},
        )
    assert err.value.translation_key == "action_failed"
    # The device by its name, in plain words: no HTTP status, no request ID.
    name = _sim_endpoint(loaded_entry, simulator, key).friendly_name
    assert (err.value.translation_placeholders or {}).get("targets") == name
    assert "HTTP" not in str(err.value)


async def test_write_succeeds_even_if_reading_back_fails(
    hass: HomeAssistant, loaded_entry: AspConfigEntry, simulator: RunningSimulator
) -> None:
    key = _pick(loaded_entry, FeatureName.SPEAKER)
    simulator.sim.faults.configure({"rate_500": 1.0, "path_pattern": "^/v2/endpoints/[^/]+$"})
    await _call(hass, "number", SERVICE_SET_VALUE, entity_id=_entity(hass, key, "volume"), value=15)
    assert _sim_endpoint(loaded_entry, simulator, key).properties["volume"] == 15


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_do_not_disturb_unknown_when_it_cannot_be_read(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    simulator.sim.faults.configure({"rate_500": 1.0, "path_pattern": "/settings/"})
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    key = _pick(config_entry, FeatureName.SPEAKER)
    assert state(hass, _entity(hass, key, "do_not_disturb")).state == "unknown"
    with pytest.raises(HomeAssistantError):
        await _call(hass, "switch", SERVICE_TURN_ON, entity_id=_entity(hass, key, "do_not_disturb"))


def _requests(simulator: RunningSimulator) -> int:
    return sum(counter.count for counter in simulator.sim.stats.routes.values())


async def test_thermostat_offers_only_its_current_mode(
    hass: HomeAssistant, loaded_entry: AspConfigEntry, simulator: RunningSimulator
) -> None:
    """Amazon's API cannot set a thermostat: no mode but the current one, no setpoint."""
    key = _pick(loaded_entry, FeatureName.THERMOSTAT)
    entity_id = _entity(hass, key, "thermostat")
    sim_endpoint = _sim_endpoint(loaded_entry, simulator, key)
    for amazon_mode, mode in (("COOL", "cool"), ("AUTO", "heat_cool"), ("OFF", "off")):
        sim_endpoint.properties["thermostatMode"] = amazon_mode
        await loaded_entry.runtime_data.endpoints.async_refresh()
        current = state(hass, entity_id)
        assert current.state == mode
        assert current.attributes[ATTR_HVAC_MODES] == [mode]
        assert current.attributes[ATTR_SUPPORTED_FEATURES] == 0
        assert ATTR_TEMPERATURE not in current.attributes

    before = _requests(simulator)
    await _call(hass, "climate", SERVICE_SET_HVAC_MODE, entity_id=entity_id, hvac_mode="off")
    with pytest.raises(ServiceValidationError):
        await _call(hass, "climate", SERVICE_SET_HVAC_MODE, entity_id=entity_id, hvac_mode="heat")
    with pytest.raises(ServiceNotSupported):
        await _call(hass, "climate", SERVICE_SET_TEMPERATURE, entity_id=entity_id, temperature=20)
    assert _requests(simulator) == before
    assert state(hass, entity_id).state == "off"
    assert sim_endpoint.properties["thermostatMode"] == "OFF"
