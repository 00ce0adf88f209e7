"""Home Assistant against the simulator over loopback HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from unittest.mock import PropertyMock, patch

import pytest
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion

from custom_components.alexa_smart_properties.api.retry import RetryPolicy
from custom_components.alexa_smart_properties.const import (
    AUTH_METHOD_TOKEN,
    CONF_API_URL,
    CONF_AUTH_METHOD,
    CONF_LWA_URL,
    CONF_ORGANIZATION_ID,
    CONF_REGION,
    DOMAIN,
    REGION_CUSTOM,
)
from simulator.core import SimulatorConfig
from simulator.embed import RunningSimulator, start_simulator

from .service_helpers import small_property


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load the integration from custom_components."""


@pytest.fixture(autouse=True)
def no_retry_waits() -> Iterator[None]:
    """Retry at once: tests must not wait out real backoff delays."""
    with patch(
        "custom_components.alexa_smart_properties.connection.RETRY_POLICY",
        RetryPolicy(max_attempts=3, base_delay=0, max_delay=0, jitter=0, max_retry_after=0),
    ):
        yield


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Serialize Home Assistant objects with volatile fields (IDs, times) left out."""
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


@pytest.fixture
def entity_registry_enabled_by_default() -> Iterator[None]:
    """Create every entity enabled, including those disabled by default."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        return_value=True,
        new_callable=PropertyMock,
    ):
        yield


@pytest.fixture
def sim_config(request: pytest.FixtureRequest) -> SimulatorConfig:
    """A small property with every kind of device; changes apply at once.

    Modules marked `small_property` get the action tests' property instead (seed 7, IDs
    never change; see service_helpers.small_property).
    """
    if request.node.get_closest_marker("small_property") is not None:
        return small_property()
    return SimulatorConfig(
        seed=1,
        communities=2,
        homes=6,
        devices_per_home=4,
        spare_devices=1,
        occupancy_delay=0,
        skill_enable_delay=0,
        reboot_delay=0,
    )


@pytest.fixture
async def simulator(
    hass: HomeAssistant, socket_enabled: None, sim_config: SimulatorConfig
) -> AsyncIterator[RunningSimulator]:
    """Serve the simulator on a free loopback port, on Home Assistant's event loop."""
    running = await start_simulator(sim_config)
    yield running
    await running.stop()


def entry_data(simulator: RunningSimulator) -> dict[str, Any]:
    """Return config entry data that reaches the simulator with a pasted refresh token."""
    credentials = simulator.credentials
    return {
        CONF_AUTH_METHOD: AUTH_METHOD_TOKEN,
        "client_id": credentials.client_id,
        "client_secret": credentials.client_secret,
        # Never refreshed yet: the session refreshes it before the first request.
        "token": {"refresh_token": credentials.refresh_token, "expires_at": 0},
        CONF_REGION: REGION_CUSTOM,
        CONF_API_URL: simulator.base_url,
        CONF_LWA_URL: simulator.base_url,
        CONF_ORGANIZATION_ID: credentials.organization_id,
    }


@pytest.fixture
def config_entry(hass: HomeAssistant, simulator: RunningSimulator) -> MockConfigEntry:
    """A config entry for the simulator's organization, added to Home Assistant."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        minor_version=2,
        title="Alexa Smart Properties (test)",
        unique_id=simulator.credentials.organization_id,
        data=entry_data(simulator),
    )
    entry.add_to_hass(hass)
    return entry


@pytest.fixture
async def loaded_entry(hass: HomeAssistant, config_entry: MockConfigEntry) -> MockConfigEntry:
    """The config entry, set up."""
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    return config_entry
