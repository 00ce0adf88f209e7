"""Amazon's refusals reach people as plain sentences, one per cause.

Each cause is provoked at the simulator (over loopback HTTP). The expected sentence is
built from the translation file's entry, the placeholders from the simulator's own
state; the message never shows an HTTP status or a request ID, which go to the
diagnostics instead. The logbook line of the failed change says the same sentence.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

import custom_components.alexa_smart_properties as integration
from custom_components.alexa_smart_properties.audit import EVENT_ACTION
from custom_components.alexa_smart_properties.diagnostics import (
    async_get_config_entry_diagnostics,
)
from custom_components.alexa_smart_properties.logbook import describe
from simulator.embed import RunningSimulator

from .service_helpers import call, fail_next, homes, set_up_with_one_private_home

pytestmark = pytest.mark.small_property

PRIVATE = 5  # the one occupied home
UNKNOWN_SKILL = "amzn1.ask.skill.00000000-0000-4000-8000-000000000000"
MESSAGES = json.loads((Path(integration.__file__).parent / "translations" / "en.json").read_text())[
    "exceptions"
]


def sentence(key: str, **placeholders: str) -> str:
    """Return a translated message as Home Assistant renders it (no final full stop)."""
    return str(MESSAGES[key]["message"]).rstrip(".").format(**placeholders)


@pytest.fixture
async def entry(
    hass: HomeAssistant, simulator: RunningSimulator, config_entry: MockConfigEntry
) -> MockConfigEntry:
    """Every home vacant but one (occupied); the entry set up; the request log empty."""
    return await set_up_with_one_private_home(hass, simulator, config_entry, PRIVATE)


def home(simulator: RunningSimulator, index: int) -> tuple[str, str]:
    """Return a home's ID and name as the simulator has them."""
    home_id = homes(simulator)[index]
    return home_id, simulator.sim.state.homes[home_id].name


def skill_named(simulator: RunningSimulator, name: str) -> str:
    return next(s.id for s in simulator.sim.state.skills.values() if s.name == name)


async def refusal(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    service: str,
    data: dict[str, Any],
    *,
    response: bool = True,
) -> tuple[HomeAssistantError, list[str]]:
    """Run an action Amazon refuses; return the error and the refused requests' IDs."""
    with pytest.raises(HomeAssistantError) as info:
        await call(hass, service, data, response=response)
    refused = [r["requestId"] for r in simulator.sim.stats.log if r["status"] >= 400]
    assert refused, f"the simulator refused nothing: {info.value!r}"
    return info.value, refused


def assert_plain(message: str, request_ids: list[str]) -> None:
    assert "HTTP" not in message
    assert "request id" not in message.lower()
    for request_id in request_ids:
        assert request_id not in message


async def assert_in_diagnostics(
    hass: HomeAssistant, entry: MockConfigEntry, request_ids: list[str]
) -> None:
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    kept = {item["request_id"] for item in diagnostics["recent_refusals"]}
    assert set(request_ids) & kept


async def test_unknown_skill(
    hass: HomeAssistant, simulator: RunningSimulator, entry: MockConfigEntry
) -> None:
    home_id, _name = home(simulator, 0)
    events = async_capture_events(hass, EVENT_ACTION)
    err, request_ids = await refusal(
        hass, simulator, "enable_skill", {"unit_id": [home_id], "skill_id": UNKNOWN_SKILL}
    )
    assert err.translation_key == "skill_unknown"
    assert str(err) == sentence("skill_unknown", skill_id=UNKNOWN_SKILL)
    assert_plain(str(err), request_ids)
    await assert_in_diagnostics(hass, entry, request_ids)
    # The logbook line of the failed change says the same.
    assert len(events) == 1
    assert events[0].data["error"] == str(err)
    assert str(err) in describe(events[0].data)


async def test_home_private_while_occupied(
    hass: HomeAssistant, simulator: RunningSimulator, entry: MockConfigEntry
) -> None:
    home_id, name = home(simulator, PRIVATE)
    skill_id = skill_named(simulator, "Community Events")
    err, request_ids = await refusal(
        hass, simulator, "enable_skill", {"unit_id": [home_id], "skill_id": skill_id}
    )
    assert str(err) == sentence("home_private", targets=name)
    assert_plain(str(err), request_ids)


async def test_throttled(
    hass: HomeAssistant, simulator: RunningSimulator, entry: MockConfigEntry
) -> None:
    home_id, _name = home(simulator, 1)
    fail_next(simulator, 429, "/v1/skills/")
    err, request_ids = await refusal(
        hass,
        simulator,
        "enable_skill",
        {"unit_id": [home_id], "skill_id": skill_named(simulator, "Community Events")},
    )
    assert str(err) == sentence("action_rate_limited")
    assert_plain(str(err), request_ids)
    await assert_in_diagnostics(hass, entry, request_ids)


async def test_not_found(
    hass: HomeAssistant, simulator: RunningSimulator, entry: MockConfigEntry
) -> None:
    home_id, name = home(simulator, 2)
    fail_next(simulator, 404, f"/homes/{home_id}$")  # the rename, not the occupancy read
    err, request_ids = await refusal(
        hass, simulator, "rename_home", {"home_id": home_id, "name": "Unit 999"}, response=False
    )
    assert str(err) == sentence("action_not_found", targets=name)
    assert_plain(str(err), request_ids)


async def test_bad_request_in_amazons_words(
    hass: HomeAssistant, simulator: RunningSimulator, entry: MockConfigEntry
) -> None:
    """A stage the skill does not have: Amazon's own message, nothing else."""
    home_id, _name = home(simulator, 3)
    events = async_capture_events(hass, EVENT_ACTION)
    err, request_ids = await refusal(
        hass,
        simulator,
        "enable_skill",
        {
            "unit_id": [home_id],
            "skill_id": skill_named(simulator, "Community Events"),  # live only
            "stage": "development",
        },
    )
    # The simulator's own words for it (simulator/routes_skills.py).
    reason = "The requested skillId and stage combination wasn't found"
    assert str(err) == sentence("action_bad_request", reason=reason)
    assert_plain(str(err), request_ids)
    assert str(err) in describe(events[0].data)


async def test_bulk_failure_says_the_first_reason(
    hass: HomeAssistant, simulator: RunningSimulator, entry: MockConfigEntry
) -> None:
    """Every unit refused: one sentence with the count and the first unit's reason."""
    targets = [home(simulator, 0)[0], home(simulator, 1)[0]]
    err, request_ids = await refusal(
        hass, simulator, "disable_skill", {"unit_id": targets, "skill_id": UNKNOWN_SKILL}
    )
    first = sentence("skill_not_enabled", skill_id=UNKNOWN_SKILL, targets=home(simulator, 0)[1])
    assert str(err) == sentence("bulk_failed", count="2", reason=first)
    assert_plain(str(err), request_ids)


async def test_batch_refused_because_of_an_occupied_home(
    hass: HomeAssistant, simulator: RunningSimulator, entry: MockConfigEntry
) -> None:
    """Amazon refuses a whole batch for one occupied home: that home is the reason given."""
    vacant, private = home(simulator, 0), home(simulator, PRIVATE)
    err, request_ids = await refusal(
        hass,
        simulator,
        "enable_skill",
        {
            "unit_id": [vacant[0], private[0]],
            "skill_id": skill_named(simulator, "Community Events"),
        },
    )
    first = sentence("home_private", targets=private[1])
    assert str(err) == sentence("bulk_failed", count="2", reason=first)
    assert_plain(str(err), request_ids)
