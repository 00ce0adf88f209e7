"""Setup, unload, retry, reauth and token rotation against the simulator."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from homeassistant.components.application_credentials import (
    ClientCredential,
    async_import_client_credential,
)
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntry, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alexa_smart_properties.const import (
    AUTH_METHOD_OAUTH,
    CONF_AUTH_METHOD,
    CONF_ORGANIZATION_ID,
    DOMAIN,
)
from simulator.embed import RunningSimulator

from .conftest import entry_data
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


async def _refresh_inventory(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    await entry.runtime_data.inventory.async_refresh()
    await hass.async_block_till_done()


async def test_session_refresh_stores_the_rotated_token(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """Once the access token expires, Home Assistant's session refreshes and stores it."""
    before = loaded_entry.data["token"]
    assert before["expires_at"] > time.time()  # what the first refresh got was stored
    # Time passes as far as the session is concerned: the stored token has expired.
    hass.config_entries.async_update_entry(
        loaded_entry, data={**loaded_entry.data, "token": {**before, "expires_at": 0}}
    )
    await _refresh_inventory(hass, loaded_entry)
    after = loaded_entry.data["token"]
    assert after["refresh_token"] != before["refresh_token"]  # the simulator rotates
    assert after["access_token"] != before["access_token"]
    assert after["expires_at"] > time.time()
    store = simulator.sim.lwa.store.refresh_tokens
    assert store[after["refresh_token"]].active
    assert not store[before["refresh_token"]].active
    assert loaded_entry.runtime_data.inventory.last_update_success


async def test_access_token_refused_by_the_api_is_refreshed(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """A 401 marks the stored token expired; the session refreshes it and the read succeeds."""
    before = loaded_entry.data["token"]
    await admin(hass, simulator, "POST", "/tokens/expire", {})
    await _refresh_inventory(hass, loaded_entry)
    assert loaded_entry.runtime_data.inventory.last_update_success
    assert loaded_entry.data["token"]["access_token"] != before["access_token"]


async def test_revoked_grant_at_runtime_starts_reauth(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """LWA's invalid_grant on a refresh through the session asks the user to sign in again."""
    await admin(hass, simulator, "POST", "/tokens/revoke", {})
    await admin(hass, simulator, "POST", "/tokens/expire", {})
    await _refresh_inventory(hass, loaded_entry)
    assert not loaded_entry.runtime_data.inventory.last_update_success
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    assert flows[0]["context"]["entry_id"] == loaded_entry.entry_id


async def _set_up(
    hass: HomeAssistant, data: dict[str, Any], *, minor_version: int
) -> MockConfigEntry:
    entry = MockConfigEntry(
        domain=DOMAIN,
        minor_version=minor_version,
        unique_id=data[CONF_ORGANIZATION_ID],
        data=data,
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    return entry


async def test_application_credential_entry_refreshes_through_the_session(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """A Login with Amazon entry: its credential's implementation refreshes, rotated is kept."""
    assert await async_setup_component(hass, "application_credentials", {})
    credentials = simulator.credentials
    await async_import_client_credential(
        hass, DOMAIN, ClientCredential(credentials.client_id, credentials.client_secret), "cred"
    )
    data = entry_data(simulator)
    del data["client_id"], data["client_secret"]
    data |= {CONF_AUTH_METHOD: AUTH_METHOD_OAUTH, "auth_implementation": "cred"}
    entry = await _set_up(hass, data, minor_version=2)
    token = entry.data["token"]
    assert token["refresh_token"] != credentials.refresh_token
    assert simulator.sim.lwa.store.refresh_tokens[token["refresh_token"]].active
    assert token["expires_at"] > time.time()


async def test_entry_from_before_the_oauth2_session_is_migrated(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """Version 1.1 kept a pasted refresh token alone; 1.2 adds the expiry the session reads."""
    data = entry_data(simulator)
    data["token"] = {"refresh_token": simulator.credentials.refresh_token}
    entry = await _set_up(hass, data, minor_version=1)
    assert entry.minor_version == 2
    assert entry.data["token"]["refresh_token"] != simulator.credentials.refresh_token
    assert entry.data["token"]["expires_at"] > time.time()


async def test_cancelled_read_does_not_cut_the_session_refresh_short(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """A refresh whose caller is cancelled still stores the token LWA rotated."""
    before = loaded_entry.data["token"]
    rotated = asyncio.Event()

    async def on_update(_hass: HomeAssistant, entry: ConfigEntry) -> None:
        if entry.data["token"]["refresh_token"] != before["refresh_token"]:
            rotated.set()

    loaded_entry.async_on_unload(loaded_entry.add_update_listener(on_update))
    hass.config_entries.async_update_entry(
        loaded_entry, data={**loaded_entry.data, "token": {**before, "expires_at": 0}}
    )
    home = next(iter(loaded_entry.runtime_data.inventory.data.homes))
    read = hass.async_create_task(loaded_entry.runtime_data.client.get_home(home))
    await asyncio.sleep(0)  # the read asks for a token: the refresh starts
    read.cancel()
    with pytest.raises(asyncio.CancelledError):
        await read
    async with asyncio.timeout(5):
        await rotated.wait()
    stored = loaded_entry.data["token"]["refresh_token"]
    assert simulator.sim.lwa.store.refresh_tokens[stored].active
