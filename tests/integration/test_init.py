"""Setup, unload, retry, reauth and token rotation against the simulator."""

from __future__ import annotations

import pytest
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alexa_smart_properties.const import DOMAIN
from simulator.embed import RunningSimulator

from .helpers import admin


async def test_setup_builds_the_device_tree(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    simulator: RunningSimulator,
    device_registry: dr.DeviceRegistry,
) -> None:
    assert loaded_entry.state is ConfigEntryState.LOADED
    state = simulator.sim.state
    community = next(iter(state.communities.values()))
    community_device = device_registry.async_get_device_by_identifier(
        (DOMAIN, community.id), loaded_entry.entry_id
    )
    assert community_device is not None
    assert community_device.model == "Home community"
    home = next(h for h in state.homes.values() if h.community_id == community.id)
    home_device = device_registry.async_get_device_by_identifier(
        (DOMAIN, home.id), loaded_entry.entry_id
    )
    assert home_device is not None
    assert home_device.via_device_id == community_device.id
    runtime = loaded_entry.runtime_data
    key, endpoint = next(
        (key, ep) for key, ep in runtime.endpoints.data.visible.items() if ep.unit_id == home.id
    )
    endpoint_device = device_registry.async_get_device_by_identifier(
        (DOMAIN, key), loaded_entry.entry_id
    )
    assert endpoint_device is not None
    assert endpoint_device.via_device_id == home_device.id
    assert endpoint_device.serial_number == endpoint.serial_number
    assert endpoint_device.sw_version == endpoint.software_version
    assert endpoint_device.connections == {
        (dr.CONNECTION_NETWORK_MAC, mac.lower()) for mac in endpoint.mac_addresses
    }


async def test_unload(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert loaded_entry.state is ConfigEntryState.NOT_LOADED


@pytest.mark.parametrize("status", [500, 503])
async def test_server_errors_retry_setup(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    simulator: RunningSimulator,
    status: int,
) -> None:
    simulator.sim.faults.configure({"rate_500" if status == 500 else "rate_503": 1.0})
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.SETUP_RETRY


async def test_unreachable_service_retries_setup(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    await simulator.stop()
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.SETUP_RETRY


async def test_revoked_refresh_token_starts_reauth(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    await admin(hass, simulator, "POST", "/tokens/revoke", {})
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


async def test_rotated_refresh_token_is_stored(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    first = config_entry.data["token"]["refresh_token"]
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    stored = config_entry.data["token"]["refresh_token"]
    assert stored != first
    record = simulator.sim.lwa.store.refresh_tokens[stored]
    assert record.active


async def test_unload_then_setup_again_reuses_the_stored_token(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    assert await hass.config_entries.async_setup(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert loaded_entry.state is ConfigEntryState.LOADED
