"""Automation actions against the simulator: templates and automations."""

from __future__ import annotations

from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from custom_components.alexa_smart_properties.audit import EVENT_ACTION
from custom_components.alexa_smart_properties.const import DOMAIN
from simulator.embed import RunningSimulator

from .service_helpers import (
    API_FAILURES,
    at_once,
    call,
    count,
    device_id,
    expect_error,
    fail_next,
    homes,
    set_up_with_one_private_home,
    writes,
)

pytestmark = pytest.mark.small_property

PRIVATE = 5
GREETING_YAML = """
trigger:
  type: Alexa.Automation.Trigger.Voice.CustomUtterance
  version: "1.0"
  payload:
    utterances: ["${data.phrase.text}"]
    locale: en-US
operations:
  serial:
    - operation:
        type: Alexa.Automation.Operation.Notification.Notify
        version: "1.0"
        payload:
          notification:
            variants:
              - type: Announcement
                content:
                  variants:
                    - type: SpokenText
                      values:
                        - locale: en-US
                          text: The gym is open until ten.
"""
PHRASE_DEFINITION = {
    "phrase": {
        "type": "object",
        "required": ["text"],
        "properties": {"text": {"type": "string", "minLength": 1}},
    }
}


def notify(text: str = "Hello") -> dict[str, Any]:
    """Return one notification operation node."""
    return {
        "operation": {
            "type": "Alexa.Automation.Operation.Notification.Notify",
            "version": "1.0",
            "payload": {
                "notification": {
                    "variants": [
                        {
                            "type": "Announcement",
                            "content": {
                                "variants": [
                                    {
                                        "type": "SpokenText",
                                        "values": [{"locale": "en-US", "text": text}],
                                    }
                                ]
                            },
                        }
                    ]
                }
            },
        }
    }


SUNSET = {
    "type": "Alexa.Automation.Trigger.Schedule.SunsetInCustomLocation",
    "version": "1.0",
    "payload": {
        "recurrence": "RRULE:FREQ=DAILY;INTERVAL=1",
        "timeZoneId": "America/Chicago",
        "latitude": 41,
        "longitude": -87,
        "timeOffset": 0,
    },
}


@pytest.fixture
async def entry(
    hass: HomeAssistant, simulator: RunningSimulator, config_entry: MockConfigEntry
) -> MockConfigEntry:
    """Every home vacant but the last; then the entry set up."""
    return await set_up_with_one_private_home(hass, simulator, config_entry, PRIVATE)


def template_named(simulator: RunningSimulator, name: str) -> str:
    """Return the ID of a template by name (seeded: Morning greeting, Lights on at sunset)."""
    return next(
        t.id
        for t in simulator.sim.state.templates.values()
        if t.friendly_name and t.friendly_name["value"]["text"] == name
    )


def automations_sensor(hass: HomeAssistant, home_id: str) -> int:
    """Return a home's automation count sensor."""
    entity_id = er.async_get(hass).async_get_entity_id("sensor", DOMAIN, f"{home_id}_automations")
    assert entity_id is not None
    state = hass.states.get(entity_id)
    assert state is not None
    return int(state.state)


async def create_greeting(hass: HomeAssistant) -> str:
    """Create the gym greeting template; return its ID."""
    response = await call(
        hass,
        "create_automation_template",
        {"template": GREETING_YAML, "data_definition": PHRASE_DEFINITION, "name": "Gym hours"},
    )
    return str(response["template_id"])


# --- templates --------------------------------------------------------------------------------


async def test_create_template_from_yaml(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """A template given as YAML text is checked, sent and audited."""
    events = async_capture_events(hass, EVENT_ACTION)
    template_id = await create_greeting(hass)
    template = simulator.sim.state.templates[template_id]
    assert template.template["trigger"]["payload"]["utterances"] == ["${data.phrase.text}"]
    assert template.data_definition == PHRASE_DEFINITION
    assert events[0].data["details"]["template_id"] == template_id
    assert events[0].data["details"]["name"] == "Gym hours"


async def test_create_template_from_api_body(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """The API's own body pasted whole works too (dataDefinition inside it)."""
    body = {
        "template": {
            "trigger": SUNSET,
            "operations": {"parallel": [notify("Good evening"), notify("Lights on")]},
        },
        "dataDefinition": {},
    }
    response = await call(hass, "create_automation_template", {"template": body})
    assert response["template_id"] in simulator.sim.state.templates


def _too_many(kind: str, count: int) -> dict[str, Any]:
    return {"trigger": SUNSET, "operations": {kind: [notify(str(i)) for i in range(count)]}}


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"template": "trigger: [unclosed"}, "invalid_yaml"),
        ({"template": "- a list"}, "invalid_yaml"),
        ({"template": {"trigger": SUNSET}}, "template_invalid"),
        (
            {
                "template": {
                    "trigger": {**SUNSET, "type": "Alexa.Automation.Trigger.Motion"},
                    "operations": {"operation": notify()["operation"]},
                }
            },
            "template_invalid",
        ),
        (
            {
                "template": {
                    "trigger": SUNSET,
                    "operations": {"operation": {"type": "Alexa.Automation.Operation.Dance"}},
                }
            },
            "template_invalid",
        ),
        ({"template": _too_many("parallel", 90)}, "template_invalid"),
        ({"template": _too_many("serial", 149)}, "template_invalid"),
        ({"template": GREETING_YAML}, "template_invalid"),  # ${data.phrase} undefined
        (
            {"template": GREETING_YAML, "data_definition": {"phrase": {"type": "nope"}}},
            "template_invalid",
        ),
        ({"template": GREETING_YAML, "data_definition": {"phrase": 3}}, "template_invalid"),
        ({"template": GREETING_YAML, "data_definition": "phrase: ["}, "invalid_yaml"),
        (
            {"template": GREETING_YAML, "data_definition": PHRASE_DEFINITION, "name": "a.b"},
            "invalid_input",
        ),
    ],
)
async def test_create_template_refused(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: RunningSimulator,
    data: dict[str, Any],
    key: str,
) -> None:
    """Templates outside the Automation page's rules never reach Amazon."""
    await expect_error(
        ServiceValidationError, key, lambda: call(hass, "create_automation_template", data)
    )
    assert simulator.sim.stats.total == 0


async def test_template_within_limits(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """89 nodes under a parallel node is still fine."""
    await call(hass, "create_automation_template", {"template": _too_many("parallel", 89)})
    assert count(simulator, "POST /v2/automations/templates") == 1


@pytest.mark.parametrize(("status", "key"), API_FAILURES)
async def test_create_template_api_failures(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: RunningSimulator,
    status: int,
    key: str,
) -> None:
    """A refused template is a translated error."""
    fail_next(simulator, status, r"/v2/automations/templates$")
    await expect_error(HomeAssistantError, key, lambda: create_greeting(hass))


async def test_list_templates(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: RunningSimulator,
    snapshot: SnapshotAssertion,
) -> None:
    """The seeded templates, expanded."""
    assert await call(hass, "list_automation_templates") == snapshot
    fail_next(simulator, 403, r"/v2/automations/templates$")
    await expect_error(
        HomeAssistantError, "action_forbidden", lambda: call(hass, "list_automation_templates")
    )


async def test_delete_template(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """An unused template goes; one automations use is refused by Amazon."""
    template_id = await create_greeting(hass)
    assert (
        await call(hass, "delete_automation_template", {"template_id": template_id}, response=False)
        is None
    )
    assert template_id not in simulator.sim.state.templates
    await expect_error(
        HomeAssistantError,
        "action_not_found",
        lambda: call(
            hass, "delete_automation_template", {"template_id": template_id}, response=False
        ),
    )
    used = template_named(simulator, "Morning greeting")
    simulator.sim.stats.reset()
    if any(a.template_id == used for a in simulator.sim.state.automations.values()):
        await expect_error(
            HomeAssistantError,
            "action_bad_request",
            lambda: call(hass, "delete_automation_template", {"template_id": used}, response=False),
        )
    await expect_error(
        ServiceValidationError,
        "invalid_input",
        lambda: call(hass, "delete_automation_template", {"template_id": "x"}, response=False),
    )


# --- automations ------------------------------------------------------------------------------


async def test_create_automation(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: RunningSimulator,
    snapshot: SnapshotAssertion,
) -> None:
    """Created from a template with checked data; the home's sensor counts it at once."""
    template_id = await create_greeting(hass)
    home_id = homes(simulator)[0]
    before = automations_sensor(hass, home_id)
    response = await call(
        hass,
        "create_automation",
        {
            "device_id": device_id(hass, entry, home_id),
            "template_id": template_id,
            "data": "phrase:\n  text: when does the gym open\n",
            "name": "Gym hours",
        },
    )
    assert response == snapshot(exclude=props("automation_id"))
    automation_id = response["units"][0]["automation_id"]
    automation = simulator.sim.state.automations[automation_id]
    assert automation.data == {"phrase": {"text": "when does the gym open"}}
    assert automations_sensor(hass, home_id) == before + 1


async def test_create_automation_in_community(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: RunningSimulator,
    snapshot: SnapshotAssertion,
) -> None:
    """Every home of the second community; its occupied home refuses (privacy rule)."""
    template_id = await create_greeting(hass)
    community = list(simulator.sim.state.communities)[1]
    events = async_capture_events(hass, EVENT_ACTION)
    response = await call(
        hass,
        "create_automation",
        {
            "device_id": device_id(hass, entry, community),
            "template_id": template_id,
            "data": {"phrase": {"text": "gym"}},
        },
    )
    assert response == snapshot(exclude=props("automation_id", "request_id"))
    assert [e.data["outcome"] for e in events] == ["partial"]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"phrase": {"text": ""}}, "data.phrase.text: '' should be non-empty"),
        ({"phrase": {"text": "x"}, "other": 1}, "data.other is not defined by the template"),
        ({}, "${data.phrase.text} has no value"),
    ],
)
async def test_create_automation_bad_data(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: RunningSimulator,
    data: dict[str, Any],
    error: str,
) -> None:
    """Data that does not fit the dataDefinition is refused after reading the template."""
    template_id = await create_greeting(hass)
    simulator.sim.stats.reset()
    placeholders = await expect_error(
        ServiceValidationError,
        "automation_data_invalid",
        lambda: call(
            hass,
            "create_automation",
            {"unit_id": homes(simulator)[0], "template_id": template_id, "data": data},
        ),
    )
    assert placeholders["error"] == error
    assert writes(simulator) == 0


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"unit_id": "HOME", "template_id": "nope"}, "invalid_input"),
        ({"unit_id": "HOME", "template_id": "TEMPLATE", "name": "no.dots"}, "invalid_input"),
        ({"template_id": "TEMPLATE"}, "no_target"),
        ({"unit_id": "HOME", "template_id": "TEMPLATE", "data": "[1, 2]"}, "invalid_yaml"),
    ],
)
async def test_create_automation_refused(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: RunningSimulator,
    data: dict[str, Any],
    key: str,
) -> None:
    """Bad input is refused before any request."""
    names = {"HOME": homes(simulator)[0], "TEMPLATE": template_named(simulator, "Morning greeting")}
    data = {k: names.get(v, v) if isinstance(v, str) else v for k, v in data.items()}
    await expect_error(ServiceValidationError, key, lambda: call(hass, "create_automation", data))
    assert simulator.sim.stats.total == 0


@pytest.mark.parametrize(("status", "key"), API_FAILURES)
async def test_create_automation_api_failures(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: RunningSimulator,
    status: int,
    key: str,
) -> None:
    """One unit failing is the action failing, with Amazon's message."""
    template_id = await create_greeting(hass)
    fail_next(simulator, status, r"/v2/automations$")
    await expect_error(
        HomeAssistantError,
        key,
        lambda: call(
            hass,
            "create_automation",
            {
                "unit_id": homes(simulator)[0],
                "template_id": template_id,
                "data": {"phrase": {"text": "gym"}},
            },
        ),
    )


async def test_create_automation_template_unreadable(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """The template is read first; an unknown one fails before anything is sent."""
    await expect_error(
        HomeAssistantError,
        "action_not_found",
        lambda: call(
            hass,
            "create_automation",
            {"unit_id": homes(simulator)[0], "template_id": "amzn1.alexa.automation.template.x"},
        ),
    )
    assert writes(simulator) == 0


async def test_update_and_delete_automation(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """Update checks the data against the automation's template; delete removes it."""
    template_id = await create_greeting(hass)
    home_id = homes(simulator)[1]
    created = await call(
        hass,
        "create_automation",
        {"unit_id": home_id, "template_id": template_id, "data": {"phrase": {"text": "gym"}}},
    )
    automation_id = created["units"][0]["automation_id"]
    events = async_capture_events(hass, EVENT_ACTION)

    await call(
        hass,
        "update_automation",
        {"automation_id": automation_id, "data": {"phrase": {"text": "pool"}}},
        response=False,
    )
    assert simulator.sim.state.automations[automation_id].data == {"phrase": {"text": "pool"}}
    simulator.sim.stats.reset()
    await expect_error(
        ServiceValidationError,
        "automation_data_invalid",
        lambda: call(
            hass,
            "update_automation",
            {"automation_id": automation_id, "data": {"phrase": {"text": 3}}},
            response=False,
        ),
    )
    assert writes(simulator) == 0

    count_before = automations_sensor(hass, home_id)
    await call(hass, "delete_automation", {"automation_id": automation_id}, response=False)
    assert automation_id not in simulator.sim.state.automations
    assert automations_sensor(hass, home_id) == count_before - 1
    assert [e.data["action"] for e in events] == ["update_automation", "delete_automation"]
    assert events[0].data["device_id"] == device_id(hass, entry, home_id)

    # Gone from the inventory too: refused without asking Amazon.
    simulator.sim.stats.reset()
    await expect_error(
        ServiceValidationError,
        "unknown_id",
        lambda: call(hass, "delete_automation", {"automation_id": automation_id}, response=False),
    )
    await expect_error(
        ServiceValidationError,
        "unknown_id",
        lambda: call(
            hass,
            "update_automation",
            {"automation_id": automation_id, "data": {}},
            response=False,
        ),
    )
    assert [e for e in simulator.sim.stats.log if automation_id in e["path"]] == []
    await expect_error(
        ServiceValidationError,
        "invalid_input",
        lambda: call(hass, "delete_automation", {"automation_id": "x"}, response=False),
    )


@pytest.mark.parametrize(("status", "key"), API_FAILURES)
async def test_update_delete_api_failures(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: RunningSimulator,
    status: int,
    key: str,
) -> None:
    """Failed updates and deletes are translated errors, audited as failed."""
    automation = next(iter(simulator.sim.state.automations.values()))
    events = async_capture_events(hass, EVENT_ACTION)
    fail_next(simulator, status, r"/v2/automations/amzn1\.alexa\.automation\.[a-z0-9]+$")
    await expect_error(
        HomeAssistantError,
        key,
        lambda: call(hass, "delete_automation", {"automation_id": automation.id}, response=False),
    )
    assert [e.data["outcome"] for e in events] == ["failed"]


async def test_list_automations(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: RunningSimulator,
    snapshot: SnapshotAssertion,
) -> None:
    """Automations of every home, and of one template only."""
    all_homes = await call(hass, "list_automations", {"unit_id": homes(simulator)})
    assert all_homes == snapshot(exclude=props("request_id"))
    greeting = template_named(simulator, "Morning greeting")
    filtered = await call(
        hass, "list_automations", {"unit_id": homes(simulator)[:5], "template_id": greeting}
    )
    assert all(
        a["template_id"] == greeting for unit in filtered["units"] for a in unit["automations"]
    )
    await expect_error(
        ServiceValidationError,
        "unknown_id",
        lambda: call(hass, "list_automations", {"unit_id": "amzn1.alexa.unit.did.unknown"}),
    )
    await expect_error(
        ServiceValidationError,
        "invalid_input",
        lambda: call(
            hass, "list_automations", {"unit_id": homes(simulator)[0], "template_id": "x"}
        ),
    )


async def test_one_creation_per_unit_and_template_at_a_time(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """Two creations from one template in one home at once: one is sent, one refused."""
    template_id = await create_greeting(hass)
    home_id = homes(simulator)[1]
    data = {"unit_id": home_id, "template_id": template_id, "data": {"phrase": {"text": "gym"}}}
    before = count(simulator, "POST /v2/automations")
    await at_once(hass, "create_automation", data)
    assert count(simulator, "POST /v2/automations") == before + 1
    made = [a for a in simulator.sim.state.automations.values() if a.template_id == template_id]
    assert [a.unit_id for a in made] == [home_id]
