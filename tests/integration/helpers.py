"""Helpers for integration tests: drive the simulator over HTTP and count its requests."""

from __future__ import annotations

import math
from collections import Counter
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntry
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.alexa_smart_properties.const import DOMAIN, SCHEDULE_TICK
from simulator.embed import RunningSimulator


async def admin(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    method: str,
    path: str,
    body: dict[str, Any] | None = None,
) -> Any:
    """Call the simulator's admin API (path below /_admin) and return its JSON."""
    session = async_get_clientsession(hass)
    async with session.request(method, f"{simulator.base_url}/_admin{path}", json=body) as resp:
        resp.raise_for_status()
        return await resp.json(content_type=None)


def route_count(simulator: RunningSimulator, route: str) -> int:
    """Return how many requests the simulator served on a route ("GET /v2/endpoints")."""
    counter = simulator.sim.stats.routes.get(route)
    return counter.count if counter else 0


async def advance(hass: HomeAssistant, simulator: RunningSimulator, delta: timedelta) -> None:
    """Let `delta` pass for Home Assistant's timers and the simulator's clock alike.

    In steps of the poll scheduler's tick, which runs once per step (it counts ticks, not
    the clock): 5 minutes are 30 ticks, as in a running Home Assistant.
    """
    steps = max(1, math.ceil(delta / SCHEDULE_TICK))
    for step in range(1, steps + 1):
        simulator.sim.clock.advance(delta.total_seconds() / steps)
        async_fire_time_changed(hass, dt_util.utcnow() + step * SCHEDULE_TICK)
        # Scheduled refreshes run as background tasks.
        await hass.async_block_till_done(wait_background_tasks=True)


OCCUPANCY_ROUTE = "GET /enterprise/residential/v1/homes/{id}/occupancies/{occupancyId}"


def reads_by_home(simulator: RunningSimulator, route: str = OCCUPANCY_ROUTE) -> Counter[str]:
    """Return how often each home was read on a per-home route, from the request log.

    The home is in the path (occupancy) or in the query (skills, automations).
    """
    reads: Counter[str] = Counter()
    for entry in simulator.sim.stats.log:
        if entry["route"] != route:
            continue
        if "/homes/" in entry["path"]:
            reads[entry["path"].split("/homes/", 1)[1].split("/", 1)[0]] += 1
        else:
            query = parse_qs(entry["query"])
            reads[(query.get("unitId") or query.get("associatedEntity.id") or [""])[0]] += 1
    return reads


def state(hass: HomeAssistant, entity_id: str) -> State:
    """Return an entity's state, which must exist."""
    current = hass.states.get(entity_id)
    assert current is not None, f"{entity_id} has no state"
    return current


def reauth_flows(hass: HomeAssistant, entry: ConfigEntry) -> list[str]:
    """Return the IDs of the reauthentication flows in progress for `entry`."""
    return [
        flow["flow_id"]
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"]["source"] == SOURCE_REAUTH
        and flow["context"].get("entry_id") == entry.entry_id
    ]
