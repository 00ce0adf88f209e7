"""An unreachable device offers no control; its connectivity sensor still shows it offline."""

from __future__ import annotations

import pytest
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alexa_smart_properties.const import DOMAIN
from simulator.embed import RunningSimulator

from .service_helpers import set_up_all_vacant

pytestmark = pytest.mark.small_property

CONTROLS = {"light", "switch", "number", "button"}


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_offline_devices_offer_no_controls(
    hass: HomeAssistant, simulator: RunningSimulator, config_entry: MockConfigEntry
) -> None:
    state = simulator.sim.state
    await set_up_all_vacant(hass, simulator, config_entry)

    entities = er.async_get(hass)
    checked = 0
    for endpoint in [e for e in state.endpoints.values() if e.unit_id]:
        endpoint.online = False
        await config_entry.runtime_data.endpoints.async_refresh()
        await hass.async_block_till_done()
        device = dr.async_get(hass).async_get_device_by_identifier(
            (DOMAIN, f"serial_{endpoint.serial_number}"), config_entry.entry_id
        )
        assert device is not None
        for entry in er.async_entries_for_device(entities, device.id):
            current = hass.states.get(entry.entity_id)
            assert current is not None
            if entry.unique_id.endswith("_connectivity"):
                assert current.state == "off", entry.entity_id
            elif entry.domain in CONTROLS:
                assert current.state == STATE_UNAVAILABLE, entry.entity_id
                checked += 1
        endpoint.online = True
        await config_entry.runtime_data.endpoints.async_refresh()
        await hass.async_block_till_done()
        for entry in er.async_entries_for_device(entities, device.id):
            current = hass.states.get(entry.entity_id)
            assert current is not None
            assert current.state != STATE_UNAVAILABLE, entry.entity_id
    assert checked >= 5  # lights, plugs, volumes, Do Not Disturb, delete timers
