"""Fixtures for the example tests: the integration loaded against an in-process simulator."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from unittest.mock import patch

import pytest
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alexa_smart_properties.binary_sensor import ConnectivitySensor
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
from tests.integration.helpers import advance

__all__ = ["advance"]  # the examples' tests let time pass as the integration tests do


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load the integration from custom_components."""


@pytest.fixture
def config_dir(hass: HomeAssistant, tmp_path: Path) -> Path:
    """Give Home Assistant a configuration folder of its own (blueprints are saved there)."""
    hass.config.config_dir = str(tmp_path)
    return tmp_path


@pytest.fixture
def connectivity_enabled() -> Iterator[None]:
    """Register connectivity sensors enabled, as a user who watches devices enables them."""
    with patch.object(ConnectivitySensor, "_attr_entity_registry_enabled_default", True):
        yield


@pytest.fixture
async def simulator(hass: HomeAssistant, socket_enabled: None) -> AsyncIterator[RunningSimulator]:
    """A small property whose changes apply at once, on a loopback port."""
    running = await start_simulator(
        SimulatorConfig(
            seed=1,
            communities=1,
            homes=6,
            devices_per_home=5,
            spare_devices=0,
            occupancy_delay=0,
            skill_enable_delay=0,
            reboot_delay=0,
        )
    )
    yield running
    await running.stop()


@pytest.fixture
async def loaded_entry(hass: HomeAssistant, simulator: RunningSimulator) -> MockConfigEntry:
    """The integration set up against the simulator with a pasted refresh token."""
    credentials = simulator.credentials
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Alexa Smart Properties (examples)",
        unique_id=credentials.organization_id,
        data={
            CONF_AUTH_METHOD: AUTH_METHOD_TOKEN,
            "client_id": credentials.client_id,
            "client_secret": credentials.client_secret,
            "token": {"refresh_token": credentials.refresh_token},
            CONF_REGION: REGION_CUSTOM,
            CONF_API_URL: simulator.base_url,
            CONF_LWA_URL: simulator.base_url,
            CONF_ORGANIZATION_ID: credentials.organization_id,
        },
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry
