"""The request budget: polls as a steady trickle, skills in turn, the planned rate shown.

Counts come from the simulator's request log, never from the integration's own plan.
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import timedelta
from unittest.mock import patch

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alexa_smart_properties.const import (
    CONF_SKILLS_INTERVAL,
    DOMAIN,
    SCHEDULE_TICK,
)
from custom_components.alexa_smart_properties.data import AspConfigEntry
from simulator.core import SimulatorConfig
from simulator.embed import RunningSimulator

from .helpers import advance, reads_by_home, state

SKILLS_ROUTE = "GET /v1/skills/enablements"
AUTOMATIONS_ROUTE = "GET /v2/automations"
LWA_ROUTE = "POST /auth/o2/token"
HOMES = 60
OCCUPANCY_INTERVAL = timedelta(minutes=5)


@pytest.fixture
def sim_config() -> SimulatorConfig:
    """Sixty homes in three communities; the log holds an hour of requests."""
    return SimulatorConfig(
        seed=3,
        communities=3,
        homes=HOMES,
        devices_per_home=3,
        spare_devices=0,
        occupancy_delay=0,
        skill_enable_delay=0,
        reboot_delay=0,
        request_log_size=10_000,
    )


def _budget_entity(hass: HomeAssistant, entry: AspConfigEntry) -> str:
    unique_id = f"{entry.data['organization_id']}_request_budget"
    registry = er.async_get(hass)
    return next(e.entity_id for e in registry.entities.values() if e.unique_id == unique_id)


def _api_requests(simulator: RunningSimulator) -> int:
    """Return the API requests in the log; a 401 is sent again after a token refresh."""
    return sum(
        1
        for entry in simulator.sim.stats.log
        if entry["route"] != LWA_ROUTE and entry["status"] != 401
    )


async def test_occupancy_is_a_steady_trickle_reading_each_home_once_per_interval(
    hass: HomeAssistant, loaded_entry: AspConfigEntry, simulator: RunningSimulator
) -> None:
    simulator.sim.stats.reset()
    per_tick: list[int] = []
    for _ in range(int(OCCUPANCY_INTERVAL / SCHEDULE_TICK)):
        before = sum(reads_by_home(simulator).values())
        await advance(hass, simulator, SCHEDULE_TICK)
        per_tick.append(sum(reads_by_home(simulator).values()) - before)
    reads = reads_by_home(simulator)
    assert set(reads) == set(loaded_entry.runtime_data.inventory.data.homes)
    assert set(reads.values()) == {1}, "every home once per occupancy interval"
    # Even: no tick reads much more than its share (a listing may push a few to the next).
    share = math.ceil(HOMES / len(per_tick))
    assert max(per_tick) <= 2 * share, per_tick


async def test_skills_and_automations_are_read_in_turn_over_the_slow_cadence(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    hass.config_entries.async_update_entry(config_entry, options={CONF_SKILLS_INTERVAL: 1})
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    homes = set(config_entry.runtime_data.inventory.data.homes)
    simulator.sim.stats.reset()
    most_in_a_tick = 0
    # An hour and two ticks: at 60 minutes both listings fall due, one waits a tick, and
    # the reads of those ticks wait for the next.
    for _ in range(int(timedelta(hours=1) / SCHEDULE_TICK) + 2):
        before = sum(reads_by_home(simulator, SKILLS_ROUTE).values())
        await advance(hass, simulator, SCHEDULE_TICK)
        most_in_a_tick = max(
            most_in_a_tick, sum(reads_by_home(simulator, SKILLS_ROUTE).values()) - before
        )
    skills = reads_by_home(simulator, SKILLS_ROUTE)
    automations = reads_by_home(simulator, AUTOMATIONS_ROUTE)
    # Four homes listings ran meanwhile: none of them read every home's skills again.
    assert set(skills) == homes
    assert set(skills.values()) == {1}
    assert set(automations) == homes
    assert set(automations.values()) == {1}
    assert most_in_a_tick <= math.ceil(HOMES / 360) + 1, "a slice at a time, never all"


async def test_a_user_update_reads_the_home_at_once(
    hass: HomeAssistant, loaded_entry: AspConfigEntry, simulator: RunningSimulator
) -> None:
    home_id = next(iter(loaded_entry.runtime_data.inventory.data.homes))
    unique_id = f"{home_id}_enabled_skills"
    entity_id = next(
        e.entity_id for e in er.async_get(hass).entities.values() if e.unique_id == unique_id
    )
    assert await async_setup_component(hass, "homeassistant", {})
    simulator.sim.stats.reset()
    await hass.services.async_call(
        "homeassistant", "update_entity", {"entity_id": entity_id}, blocking=True
    )
    assert reads_by_home(simulator, SKILLS_ROUTE) == Counter({home_id: 1})
    assert reads_by_home(simulator, AUTOMATIONS_ROUTE) == Counter({home_id: 1})


async def test_budget_sensor_matches_an_hour_of_requests(
    hass: HomeAssistant, loaded_entry: AspConfigEntry, simulator: RunningSimulator
) -> None:
    budget = _budget_entity(hass, loaded_entry)
    assert state(hass, budget).attributes["unit_of_measurement"] == "requests/h"
    # A minute first: the hour then ends well past 60 minutes, when both listings fall due
    # (one waits a tick) and the reads they displaced follow.
    await advance(hass, simulator, 6 * SCHEDULE_TICK)
    simulator.sim.stats.reset()
    await advance(hass, simulator, timedelta(hours=1))
    sent = _api_requests(simulator)
    assert sent > HOMES * 12, "occupancy alone is 12 reads a home"
    assert int(state(hass, budget).state) == sent


async def test_a_plan_above_the_ceiling_raises_a_repair(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    issue_id = f"request_budget_{config_entry.entry_id}"
    with patch("custom_components.alexa_smart_properties.scheduler.REQUEST_CEILING_PER_HOUR", 100):
        assert await hass.config_entries.async_setup(config_entry.entry_id)
        await hass.async_block_till_done()
        issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
        assert issue is not None
        assert issue.translation_key == "request_budget"
        assert issue.translation_placeholders is not None
        assert issue.translation_placeholders["ceiling"] == "100"
    # Back under the ceiling: the next listing clears it.
    await advance(hass, simulator, timedelta(minutes=2))
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None


async def test_polls_wait_as_long_as_amazon_asks_after_a_throttled_slice(
    hass: HomeAssistant, loaded_entry: AspConfigEntry, simulator: RunningSimulator
) -> None:
    occupancy = loaded_entry.runtime_data.occupancy
    simulator.sim.faults.add_script(
        [{"kind": "status", "status": 429, "retry_after": 60, "path_pattern": "occupancies"}]
    )
    throttled = False
    for _ in range(3):  # 2 homes a tick: the first slice meets the 429
        await advance(hass, simulator, SCHEDULE_TICK)
        throttled = not occupancy.last_update_success
        if throttled:
            break
    assert throttled
    simulator.sim.stats.reset()
    await advance(hass, simulator, timedelta(seconds=50))
    assert _api_requests(simulator) == 0, "nothing planned while Amazon asked to wait"
    await advance(hass, simulator, timedelta(seconds=20))
    assert occupancy.last_update_success
    assert sum(reads_by_home(simulator).values()) > 0, "reads resume once the wait is over"
    await advance(hass, simulator, timedelta(minutes=1))
    # Caught up within the tick budget: the throttled slice (2 homes) and every home whose
    # turn came in the 130 s since (2 every 10 s).
    assert sum(reads_by_home(simulator).values()) >= 2 + 26
