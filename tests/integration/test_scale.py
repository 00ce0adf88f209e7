"""What keeps a large estate cheap: bounded concurrency, parallel pages, few writes, batches.

Each test pins one fix found with `scripts/bench` (issue 7).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest.mock import patch

import pytest
from homeassistant.core import HomeAssistant

from custom_components.alexa_smart_properties.api import AspClient
from custom_components.alexa_smart_properties.const import MAX_CONCURRENT_REQUESTS
from custom_components.alexa_smart_properties.data import AspConfigEntry
from simulator.core import SimulatorConfig
from simulator.embed import RunningSimulator

SIM = SimulatorConfig(seed=3, communities=2, homes=24, devices_per_home=5, occupancy_delay=0)


@pytest.fixture
def sim_config() -> SimulatorConfig:
    """Enough homes for several pages and more than eight requests at once."""
    return SIM


class InFlight:
    """Counts the client's requests in flight, per path prefix."""

    def __init__(self) -> None:
        self.now = 0
        self.peak = 0
        self.paths: list[str] = []

    @contextmanager
    def watch(self, prefix: str = "/") -> Iterator[InFlight]:
        original = AspClient._request
        counter = self

        async def counted(client: AspClient, method: str, path: str, **kwargs: Any) -> Any:
            if not path.startswith(prefix):
                return await original(client, method, path, **kwargs)
            counter.paths.append(path)
            counter.now += 1
            counter.peak = max(counter.peak, counter.now)
            try:
                return await original(client, method, path, **kwargs)
            finally:
                counter.now -= 1

        with patch.object(AspClient, "_request", counted):
            yield self


async def test_inventory_keeps_at_most_the_configured_requests_in_flight(
    hass: HomeAssistant, loaded_entry: AspConfigEntry, simulator: RunningSimulator
) -> None:
    # Skills and automations used to be gathered with a limit each: 16 in flight.
    simulator.sim.faults.configure({"latency_ms": 20})
    with InFlight().watch() as in_flight:
        await loaded_entry.runtime_data.inventory.async_refresh()
    assert loaded_entry.runtime_data.inventory.last_update_success
    assert in_flight.peak == MAX_CONCURRENT_REQUESTS


async def test_endpoint_pages_are_requested_at_once_from_the_second_refresh(
    hass: HomeAssistant, loaded_entry: AspConfigEntry, simulator: RunningSimulator
) -> None:
    coordinator = loaded_entry.runtime_data.endpoints
    pages = math.ceil(len(coordinator.data.visible) / 50)
    assert pages >= 2
    latency = 0.2
    simulator.sim.faults.configure({"latency_ms": latency * 1000})
    with InFlight().watch("/v2/endpoints") as in_flight:
        started = time.perf_counter()
        await coordinator.async_refresh()
        elapsed = time.perf_counter() - started
    assert coordinator.last_update_success
    assert len(in_flight.paths) == pages, "no request more than the walk"
    assert in_flight.peak == pages
    assert elapsed < 2 * latency, "one round trip, not one per page"


async def test_unchanged_endpoints_are_kept_not_parsed_again(
    hass: HomeAssistant, loaded_entry: AspConfigEntry
) -> None:
    coordinator = loaded_entry.runtime_data.endpoints
    before = dict(coordinator.data.visible)
    await coordinator.async_refresh()
    assert all(coordinator.data.visible[key] is endpoint for key, endpoint in before.items())
