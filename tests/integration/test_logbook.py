"""The audit trail in the logbook: who moved this resident out, and when."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from unittest.mock import patch

import pytest
from homeassistant.auth.models import User
from homeassistant.components.recorder.core import Recorder
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.alexa_smart_properties.audit import EVENT_ACTION
from custom_components.alexa_smart_properties.const import DOMAIN
from custom_components.alexa_smart_properties.logbook import describe
from simulator.embed import RunningSimulator
from simulator.state import Occ

from .service_helpers import call, device_id, homes, set_home_state

pytestmark = pytest.mark.small_property


async def async_setup_logbook(hass: HomeAssistant) -> None:
    """Set up the logbook; the frontend package is not installed here, so stand it in."""
    hass.config.components.add("frontend")
    with patch("homeassistant.components.logbook.frontend.async_register_built_in_panel"):
        assert await async_setup_component(hass, "logbook", {})


@pytest.fixture(autouse=True)
def no_extra_modules() -> Iterator[None]:
    """The stand-in frontend takes no module (the integration adds its dashboard strategy)."""
    with patch("custom_components.alexa_smart_properties.frontend.add_extra_js_url"):
        yield


@pytest.fixture
def mock_recorder_before_hass(recorder_db_url: str) -> None:
    """Prepare the recorder's database before Home Assistant starts (for recorder_mock)."""


async def test_logbook_shows_who_moved_the_resident_out(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    hass_admin_user: User,
    simulator: RunningSimulator,
    config_entry: MockConfigEntry,
) -> None:
    """The move-out leaves a logbook line with the user, on the logbook and the home's page."""
    home_id = homes(simulator)[0]
    set_home_state(simulator, home_id, Occ.OCCUPIED)
    await async_setup_logbook(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    start = dt_util.utcnow()
    home_device = device_id(hass, config_entry, home_id)

    await call(
        hass, "move_out", {"device_id": home_device}, response=False, user_id=hass_admin_user.id
    )
    await hass.async_block_till_done()
    await async_wait_recording_done(hass)

    client = await hass_ws_client()
    await client.send_json_auto_id({"type": "logbook/get_events", "start_time": start.isoformat()})
    everything = await client.receive_json()
    assert everything["success"]
    ours = [e for e in everything["result"] if e.get("domain") == DOMAIN]
    assert len(ours) == 1
    entry = ours[0]
    assert entry["name"] == "Alexa Smart Properties"
    assert entry["message"] == f"moved the resident out of Unit 101 (by {hass_admin_user.name})"
    assert entry["context_user_id"] == hass_admin_user.id
    assert entry["when"] >= start.timestamp()

    await client.send_json_auto_id(
        {
            "type": "logbook/get_events",
            "start_time": start.isoformat(),
            "device_ids": [home_device],
        }
    )
    on_the_home = await client.receive_json()
    assert [e["message"] for e in on_the_home["result"] if e.get("domain") == DOMAIN] == [
        entry["message"]
    ]


async def test_logbook_event_is_fired_with_the_context(
    hass: HomeAssistant,
    hass_admin_user: User,
    simulator: RunningSimulator,
    config_entry: MockConfigEntry,
) -> None:
    """The event carries who (user and context), what, the targets and the outcome."""
    home_id = homes(simulator)[0]
    set_home_state(simulator, home_id, Occ.VACANT)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    events: list[Any] = []
    hass.bus.async_listen(EVENT_ACTION, events.append)
    await call(hass, "move_in", {"home_id": home_id}, user_id=hass_admin_user.id)
    await hass.async_block_till_done()
    event = events[0]
    assert event.context.user_id == hass_admin_user.id
    assert event.data["user_id"] == hass_admin_user.id
    assert event.data["user_name"] == hass_admin_user.name
    assert event.data["action"] == "move_in"
    assert event.data["targets"] == [{"id": home_id, "name": "Unit 101"}]
    assert event.data["device_id"] == device_id(hass, config_entry, home_id)
    assert event.data["outcome"] == "success"
    assert event.data["config_entry_id"] == config_entry.entry_id


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {
                "action": "move_in",
                "targets": [{"id": "h1", "name": "Unit 101"}],
                "outcome": "success",
            },
            "moved a resident into Unit 101",
        ),
        (
            {
                "action": "enable_skill",
                "targets": [{"id": f"h{i}", "name": f"Unit {i}"} for i in range(1, 6)],
                "outcome": "partial",
                "error": "403 FORBIDDEN",
                "details": {"skill_id": "amzn1.ask.skill.x", "failed_units": ["h5"]},
                "user_name": "Jane",
            },
            "enabled skill amzn1.ask.skill.x in Unit 1, Unit 2, Unit 3 and 2 more"
            " (failed for 1 of 5: 403 FORBIDDEN) (by Jane)",
        ),
        (
            {
                "action": "assign_device",
                "targets": [{"id": "e1", "name": "Kitchen Echo"}, {"id": "h1", "name": "Unit 101"}],
                "outcome": "failed",
                "error": "HTTP 500",
            },
            "tried: assigned Kitchen Echo to Unit 101; it failed: HTTP 500",
        ),
        (
            {
                "action": "create_community",
                "targets": [],
                "outcome": "success",
                "details": {"name": "Willow Park"},
            },
            "created home community Willow Park",
        ),
        (
            {
                "action": "disable_skill",
                "targets": [{"id": "h1", "name": None}, {"id": "h2", "name": "Unit 2"}],
                "outcome": "success",
                "details": {"skill_id": "s"},
            },
            "disabled skill s in h1 and Unit 2",
        ),
        (
            {
                "action": "create_automation_template",
                "targets": [],
                "outcome": "success",
                "details": {"name": None, "template_id": "amzn1.alexa.automation.template.t"},
            },
            "created automation template amzn1.alexa.automation.template.t",
        ),
        (
            {
                "action": "create_automation_template",
                "targets": [],
                "outcome": "failed",
                "error": "e",
            },
            "tried: created automation template; it failed: e",
        ),
        (
            {
                "action": "move_in",
                "targets": [{"id": "h1", "name": "Unit 101"}],
                "outcome": "unknown",
                "error": "POST ... failed: ServerDisconnectedError",
            },
            "sent: moved a resident into Unit 101; its outcome is unknown:"
            " POST ... failed: ServerDisconnectedError",
        ),
        (
            {"action": "future_action", "targets": [], "outcome": "success"},
            "ran future_action on the organization",
        ),
    ],
)
def test_messages(data: dict[str, Any], message: str) -> None:
    """Messages name the targets, the outcome and the user."""
    assert describe(data) == message
