"""Automation API."""

from __future__ import annotations

import pytest

from custom_components.alexa_smart_properties.api import (
    AspBadRequestError,
    AspClient,
    AssociatedEntity,
    AssociatedEntityType,
    TriggerType,
)

from .conftest import FakeAsp, Reply, load_fixture

TEMPLATE = "amzn1.alexa.automation.template.1"
AUTOMATION = "amzn1.alexa.automation.123"
UNIT = "amzn1.alexa.unit.did.101"


async def test_create_template_matches_page_example(client: AspClient, fake: FakeAsp) -> None:
    example = load_fixture("automation_template_create_request.json")
    fake.reply(
        "POST",
        "/v2/automations/templates",
        201,
        load_fixture("automation_template_create_response.json"),
    )
    template_id = await client.create_automation_template(
        trigger=example["template"]["trigger"],
        operations=example["template"]["operations"],
        data_definition=example["dataDefinition"],
        friendly_name="Test template",
    )
    assert template_id == TEMPLATE
    (call,) = fake.requests
    assert (call.method, call.path) == ("POST", "/v2/automations/templates")
    assert call.json == example


async def test_get_template(client: AspClient, fake: FakeAsp) -> None:
    fixture = load_fixture("automation_template_get.json")
    fake.reply("GET", f"/v2/automations/templates/{TEMPLATE}", json=fixture)
    template = await client.get_automation_template(TEMPLATE)
    assert template.template_id == TEMPLATE
    assert template.friendly_name == "Test template"
    assert template.trigger is not None
    assert template.trigger.type == "CustomUtterance"  # the page's example uses a short name
    assert template.trigger.version == "1.0"
    assert template.operations == fixture["template"]["operations"]
    assert template.data_definition == fixture["dataDefinition"]


async def test_list_templates(client: AspClient, fake: FakeAsp) -> None:
    fake.add(
        "GET",
        "/v2/automations/templates",
        Reply(
            json={"results": [{"templateId": TEMPLATE}], "paginationContext": {"nextToken": "n"}}
        ),
        Reply(
            json={
                "results": [load_fixture("automation_template_get.json")],
                "paginationContext": {"nextToken": None},
            }
        ),
    )
    templates = await client.list_automation_templates(expand=False, max_results=1)
    assert [t.template_id for t in templates] == [TEMPLATE, TEMPLATE]
    assert templates[0].trigger is None
    assert [c.query for c in fake.requests] == [
        [("maxResults", "1")],
        [("maxResults", "1"), ("nextToken", "n")],
    ]
    fake.requests.clear()
    await client.list_automation_templates()
    assert fake.requests[0].query == [("expand", "all"), ("maxResults", "100")]


async def test_delete_template_refused_while_in_use(client: AspClient, fake: FakeAsp) -> None:
    fake.reply(
        "DELETE",
        f"/v2/automations/templates/{TEMPLATE}",
        400,
        load_fixture("automation_error.json"),
    )
    with pytest.raises(AspBadRequestError) as caught:
        await client.delete_automation_template(TEMPLATE)
    assert caught.value.error_type == "BAD_REQUEST"
    assert caught.value.message.endswith(
        "The request is malformed or is missing any required parameters."
    )
    assert caught.value.request_id == "req-1"
    assert len(fake.requests) == 1


async def test_delete_template(client: AspClient, fake: FakeAsp) -> None:
    fake.reply("DELETE", f"/v2/automations/templates/{TEMPLATE}", 204)
    await client.delete_automation_template(TEMPLATE)
    assert fake.requests[0].method == "DELETE"


async def test_create_automation_matches_page_example(client: AspClient, fake: FakeAsp) -> None:
    fake.reply("POST", "/v2/automations", 201, load_fixture("automation_create_response.json"))
    automation_id = await client.create_automation(
        UNIT,
        TEMPLATE,
        data={"customUtterance": {"text": "Good morning"}},
        friendly_name="Test automation",
    )
    assert automation_id == AUTOMATION
    (call,) = fake.requests
    assert (call.method, call.path) == ("POST", "/v2/automations")
    assert call.json == load_fixture("automation_create_request.json")


async def test_get_automation(client: AspClient, fake: FakeAsp) -> None:
    fake.reply("GET", f"/v2/automations/{AUTOMATION}", json=load_fixture("automation_get.json"))
    automation = await client.get_automation(AUTOMATION)
    assert automation.automation_id == AUTOMATION
    assert automation.friendly_name == "Good morning"
    assert automation.associated_entity == AssociatedEntity(id=UNIT, type=AssociatedEntityType.UNIT)
    assert automation.unit_id == UNIT
    assert automation.template_id == TEMPLATE
    assert automation.trigger is not None
    assert automation.trigger.payload == {"utterance": "I'm home", "locale": "en-US"}
    assert automation.operations is not None


async def test_list_automations(client: AspClient, fake: FakeAsp) -> None:
    fake.reply(
        "GET",
        "/v2/automations",
        json={
            "results": [
                {"automationId": AUTOMATION},
                {
                    "automationId": "amzn1.alexa.automation.124",
                    "automation": {
                        "templateId": TEMPLATE,
                        "trigger": {
                            "type": "Alexa.Automation.Trigger.Voice.CustomUtterance",
                            "version": "1.0",
                            "payload": {"utterances": ["good night"], "locale": "en-US"},
                        },
                    },
                },
            ],
            "paginationContext": {"nextToken": None},
        },
    )
    automations = await client.list_automations(UNIT, template_id=TEMPLATE, max_results=50)
    assert automations[0].unit_id is None
    assert automations[1].trigger is not None
    assert automations[1].trigger.type is TriggerType.CUSTOM_UTTERANCE
    assert fake.requests[0].query == [
        ("associatedEntity.type", "UNIT"),
        ("associatedEntity.id", UNIT),
        ("templateId", TEMPLATE),
        ("maxResults", "50"),
        ("expand", "all"),
    ]
    fake.requests.clear()
    await client.list_automations(UNIT, expand=False)
    assert fake.requests[0].query == [
        ("associatedEntity.type", "UNIT"),
        ("associatedEntity.id", UNIT),
        ("maxResults", "100"),
    ]


async def test_update_automation(client: AspClient, fake: FakeAsp) -> None:
    fake.reply("PUT", f"/v2/automations/{AUTOMATION}", 204)
    await client.update_automation(AUTOMATION, {"customUtterance": {"text": "Good night"}})
    (call,) = fake.requests
    assert (call.method, call.path) == ("PUT", f"/v2/automations/{AUTOMATION}")
    assert call.json == load_fixture("automation_update_request.json")


async def test_delete_automation(client: AspClient, fake: FakeAsp) -> None:
    fake.reply("DELETE", f"/v2/automations/{AUTOMATION}", 204)
    await client.delete_automation(AUTOMATION)
    assert [(c.method, c.path) for c in fake.requests] == [
        ("DELETE", f"/v2/automations/{AUTOMATION}")
    ]


async def test_every_documented_operation_and_trigger_is_accepted(
    client: AspClient, fake: FakeAsp
) -> None:
    operations = load_fixture("automation_operations_examples.json")
    triggers = load_fixture("automation_triggers_examples.json")
    nodes = [{"operation": operations.pop("notify")}, *operations.values()]
    fake.reply("POST", "/v2/automations/templates", 201, {"templateId": TEMPLATE})
    for trigger in triggers.values():
        await client.create_automation_template(
            trigger=trigger, operations={"parallel": [{"serial": nodes}]}
        )
    assert len(fake.requests) == len(triggers)
    assert fake.requests[0].json["template"]["operations"]["parallel"][0]["serial"] == nodes
