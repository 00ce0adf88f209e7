"""Setup, unload, retry and reauth against the simulator."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alexa_smart_properties.const import DOMAIN
from simulator.embed import RunningSimulator


async def test_setup_and_unload(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    assert loaded_entry.state is ConfigEntryState.LOADED
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), loaded_entry.entry_id)
    entities = er.async_entries_for_config_entry(er.async_get(hass), loaded_entry.entry_id)
    print(len(devices), len(entities))
    for d in devices[:12]:
        print(d.name, d.model, d.via_device_id is not None)
    for e in entities[:40]:
        st = hass.states.get(e.entity_id)
        print(e.entity_id, st.state if st else None)
    print(simulator.sim.stats.summary())
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    assert loaded_entry.state is ConfigEntryState.NOT_LOADED
