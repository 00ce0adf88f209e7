"""Helpers for the action tests: call actions, shape the simulator, count its requests."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alexa_smart_properties.const import DOMAIN
from simulator.core import SimulatorConfig
from simulator.embed import RunningSimulator
from simulator.occupancy import request_change, resident_change
from simulator.state import Occ

OCCUPANCY_POST = "POST /enterprise/residential/v1/homes/{id}/occupancies"
OCCUPANCY_GET = "GET /enterprise/residential/v1/homes/{id}/occupancies/{occupancyId}"


def small_property(**changes: Any) -> SimulatorConfig:
    """The property the action tests run on: changes apply at once, IDs never change."""
    settings: dict[str, Any] = {
        "seed": 7,
        "communities": 2,
        "homes": 6,
        "devices_per_home": 3,
        "spare_devices": 1,
        "occupancy_delay": 0,
        "skill_enable_delay": 0,
        "reboot_delay": 0,
    }
    return SimulatorConfig(**(settings | changes))


async def call(
    hass: HomeAssistant,
    service: str,
    data: dict[str, Any] | None = None,
    *,
    response: bool = True,
    user_id: str | None = None,
) -> Any:
    """Call an action of the integration and wait for it; return its response."""
    return await hass.services.async_call(
        DOMAIN,
        service,
        data or {},
        blocking=True,
        return_response=response,
        context=Context(user_id=user_id),
    )


def count(simulator: RunningSimulator, route: str) -> int:
    """Return how many requests the simulator served on a route ("POST /v2/...")."""
    counter = simulator.sim.stats.routes.get(route)
    return counter.count if counter else 0


def writes(simulator: RunningSimulator) -> int:
    """Return how many requests that change something the simulator served."""
    return sum(
        counter.count
        for route, counter in simulator.sim.stats.routes.items()
        if not route.startswith(("GET ", "POST /auth/", "POST /v2/endpointQuery"))
    )


def set_home_state(simulator: RunningSimulator, home_id: str, target: Occ) -> None:
    """Put a home into a state directly in the simulator (its delays must be 0)."""
    state = simulator.sim.state
    home = state.homes[home_id]
    if state.home_state(home) is target:
        return
    if target is Occ.LINKED:
        set_home_state(simulator, home_id, Occ.OCCUPIED)
        resident_change(state, home, Occ.LINKED)
    elif target is Occ.OCCUPIED and state.home_state(home) is Occ.LINKED:
        resident_change(state, home, Occ.OCCUPIED)
    else:
        request_change(state, home, target, [])
    assert state.home_state(home) is target


async def set_up_all_vacant(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    entry: MockConfigEntry,
    *,
    online: bool = True,
) -> MockConfigEntry:
    """Make every home vacant (and every device online), then set the entry up."""
    for home_id in simulator.sim.state.homes:
        set_home_state(simulator, home_id, Occ.VACANT)
    if online:
        for endpoint in simulator.sim.state.endpoints.values():
            endpoint.online = True
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


def homes(simulator: RunningSimulator) -> list[str]:
    """Return the simulator's home IDs in creation order."""
    return list(simulator.sim.state.homes)


def device_id(hass: HomeAssistant, entry: MockConfigEntry, key: str) -> str:
    """Return the Home Assistant device of a community, home or endpoint key."""
    device = dr.async_get(hass).async_get_device_by_identifier((DOMAIN, key), entry.entry_id)
    assert device is not None, key
    return device.id


def fail_next(simulator: RunningSimulator, status: int, path_pattern: str) -> None:
    """Make the next matching request fail with an HTTP status, whatever the retries.

    A 500 is retried by the client, so every matching request fails from now on; 403 and
    404 are not retried, and a 429 asks for a wait longer than the client accepts.
    """
    if status == 500:
        simulator.sim.faults.configure({"rate_500": 1.0, "path_pattern": path_pattern})
        return
    fault: dict[str, Any] = {"status": status, "path_pattern": path_pattern}
    if status == 429:
        fault["retry_after"] = 3600
    simulator.sim.faults.add_script([fault])


async def expect_error(
    kind: type[HomeAssistantError], key: str, run: Callable[[], Awaitable[Any]]
) -> dict[str, str]:
    """Run an action that must fail with a translated error; return its placeholders."""
    with pytest.raises(kind) as info:
        await run()
    assert info.value.translation_domain == DOMAIN
    assert info.value.translation_key == key, info.value.translation_placeholders
    return info.value.translation_placeholders or {}


async def at_once(hass: HomeAssistant, service: str, data: dict[str, Any]) -> None:
    """Call an action twice at the same time: one call runs, the other is refused.

    The refused one must say that a change is already under way (it sends nothing).
    """
    results = await asyncio.gather(
        call(hass, service, data), call(hass, service, data), return_exceptions=True
    )
    errors = [result for result in results if isinstance(result, BaseException)]
    assert len(errors) == 1, results
    assert isinstance(errors[0], ServiceValidationError), errors[0]
    assert errors[0].translation_key == "change_under_way"


API_FAILURES = [
    pytest.param(403, "action_forbidden", id="403"),
    pytest.param(404, "action_not_found", id="404"),
    pytest.param(429, "action_rate_limited", id="429"),
    pytest.param(500, "action_failed", id="500"),
]


async def set_up_with_one_private_home(
    hass: HomeAssistant, simulator: RunningSimulator, entry: MockConfigEntry, private: int
) -> MockConfigEntry:
    """Make every home vacant but home number `private` (occupied), then set the entry up."""
    for index, home_id in enumerate(homes(simulator)):
        set_home_state(simulator, home_id, Occ.OCCUPIED if index == private else Occ.VACANT)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    simulator.sim.stats.reset()
    return entry
