"""Every documented input rule rejects bad input before anything is sent."""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from custom_components.alexa_smart_properties.api import (
    AccountLinkRequest,
    AspClient,
    AspValidationError,
    BatchEnablementItem,
    LinkedApplication,
    QueryField,
    all_of,
    any_of,
    match,
)
from custom_components.alexa_smart_properties.api import validation as v

from .conftest import FakeAsp, load_fixture

UNIT = "amzn1.alexa.unit.did.u1"
EP = "amzn1.alexa.endpoint.e1"
SKILL = "amzn1.ask.skill.s1"
TEMPLATE = "amzn1.alexa.automation.template.t1"
AUTOMATION = "amzn1.alexa.automation.a1"
LINK = AccountLinkRequest(redirect_uri="https://example.com", auth_code="test-auth-code")
NOTIFY = load_fixture("automation_operations_examples.json")["notify"]
TRIGGER = load_fixture("automation_triggers_examples.json")["customUtterance"]


def bad(value: object) -> Any:
    """Return `value` typed as Any: the point is to pass what the signature forbids."""
    return value


def op(kind: str, **payload: Any) -> dict[str, Any]:
    return {
        "operation": {
            "type": f"Alexa.Automation.Operation.{kind}",
            "version": "1.0",
            "payload": {"endpoints": [{"id": EP}], **payload},
        }
    }


def notify_with(text: Any = "hello", locale: Any = "en-US") -> dict[str, Any]:
    node = copy.deepcopy(NOTIFY)
    value = node["payload"]["notification"]["variants"][0]["content"]["variants"][0]["values"][0]
    value["text"], value["locale"] = text, locale
    return {"operation": node}


def template(operations: Any, trigger: Any = TRIGGER) -> Callable[[AspClient], Awaitable[Any]]:
    return lambda c: c.create_automation_template(trigger=trigger, operations=operations)


def serial_of(n: int) -> dict[str, Any]:
    return {"serial": [op("Power.TurnOn")] * n}


Case = tuple[str, Callable[[AspClient], Awaitable[Any]]]

CASES: list[Case] = [
    # ID formats
    ("id", lambda c: c.get_home("amzn1.alexa.unit.home1")),
    ("id", lambda c: c.get_home_community("amzn1.alexa.unit.did.")),
    ("id", lambda c: c.delete_home("amzn1.alexa.unit.did.a/b")),
    ("organizationId", lambda c: c.create_home_community("org-1", "Maple")),
    ("homeCommunityId", lambda c: c.list_homes("amzn1.alexa.unit.did.a b")),
    ("organizationId", lambda c: c.list_home_communities(bad(123))),
    ("id", lambda c: c.update_home_community("x", organization_id=UNIT, name="n")),
    ("homeCommunityId", lambda c: c.update_home(UNIT, home_community_id="x", name="n")),
    ("homeCommunityId", lambda c: c.create_home("x", "n")),
    ("id", lambda c: c.delete_home_community("x")),
    ("id", lambda c: c.get_latest_occupancy("x")),
    ("occupancyId", lambda c: c.get_occupancy(UNIT, "a/b")),
    ("occupancyId", lambda c: c.get_occupancy(UNIT, "")),
    ("skillId", lambda c: c.get_skill_enablement("amzn1.echo-sdk-ams.app.1", UNIT)),
    ("unitId", lambda c: c.get_skill_enablement(SKILL, "~caller.defaultUnitId")),
    ("unitId", lambda c: c.list_skill_enablements("x")),
    ("skillId", lambda c: c.disable_skill("x", UNIT)),
    ("endpointId", lambda c: c.get_endpoint("amzn1.alexa.unit.did.u1")),
    ("endpointId", lambda c: c.turn_on("x")),
    ("endpointId", lambda c: c.forget_endpoint("x")),
    ("endpointId", lambda c: c.deregister_endpoint("x")),
    ("endpoint", lambda c: c.delete_timers("x")),
    ("endpointId", lambda c: c.get_feature("x", "power")),
    ("endpointId", lambda c: c.get_setting("x", "a")),
    ("endpointId", lambda c: c.set_setting("x", "a", 1)),
    ("unitId", lambda c: c.list_endpoints_by_unit("~caller")),
    ("unitId", lambda c: c.update_associated_units(EP, "room-1")),
    ("parentId", lambda c: c.list_units("x")),
    ("id", lambda c: c.get_unit("x")),
    ("templateId", lambda c: c.get_automation_template("amzn1.alexa.automation.1")),
    ("templateId", lambda c: c.delete_automation_template("x")),
    ("templateId", lambda c: c.create_automation(UNIT, "x")),
    ("associatedEntity.id", lambda c: c.create_automation("x", TEMPLATE)),
    ("automationId", lambda c: c.get_automation("x")),
    ("automationId", lambda c: c.delete_automation("x")),
    ("automationId", lambda c: c.update_automation("x", {})),
    ("associatedEntity.id", lambda c: c.list_automations("x")),
    ("templateId", lambda c: c.list_automations(UNIT, template_id="x")),
    # stage and state enums
    ("stage", lambda c: c.enable_skill(SKILL, UNIT, "certification")),
    ("stage", lambda c: c.enable_skill(SKILL, UNIT, "beta")),
    ("stage", lambda c: c.disable_skill(SKILL, UNIT, stage="LIVE")),
    ("state", lambda c: c.set_occupancy(UNIT, "MOVED_OUT")),
    (
        "linkedApplications[0].stage",
        lambda c: c.set_occupancy(UNIT, "OCCUPIED", [LinkedApplication(id=SKILL, stage="prod")]),
    ),
    (
        "linkedApplications[0].id",
        lambda c: c.set_occupancy(UNIT, "OCCUPIED", [LinkedApplication(id="s", stage="live")]),
    ),
    (
        "linkedApplications[0].type",
        lambda c: c.set_occupancy(
            UNIT, "OCCUPIED", [LinkedApplication(id=SKILL, stage="live", type="APP")]
        ),
    ),
    (
        "linkedApplications[0].accountLinkRequest.authCode",
        lambda c: c.set_occupancy(
            UNIT,
            "OCCUPIED",
            [
                LinkedApplication(
                    id=SKILL,
                    stage="live",
                    account_link_request=AccountLinkRequest(
                        redirect_uri="https://e", auth_code=" "
                    ),
                )
            ],
        ),
    ),
    ("linkedApplications[0]", lambda c: c.set_occupancy(UNIT, "OCCUPIED", [bad({"id": SKILL})])),
    ("feature", lambda c: c.get_feature(EP, "volume")),
    ("expand", lambda c: c.list_endpoints_by_owner(expand=["feature:bluetooth"])),
    ("expand", lambda c: c.get_endpoint(EP, expand="everything")),
    # names and partitions
    ("name", lambda c: c.create_home(UNIT, "   ")),
    ("name", lambda c: c.create_home_community(UNIT, "tab\there")),
    ("name", lambda c: c.update_home(UNIT, home_community_id=UNIT, name="")),
    ("serialNumber", lambda c: c.get_endpoints_by_serial_number("")),
    ("partitionName", lambda c: c.enable_skill(SKILL, UNIT, partition_name="")),
    ("partitionName", lambda c: c.enable_skill(SKILL, UNIT, partition_name="Room 101")),
    ("partitionName", lambda c: c.enable_skill(SKILL, UNIT, partition_name="Room101, ,Room202")),
    ("partitionName", lambda c: c.enable_skill(SKILL, UNIT, partition_name="Room101,")),
    ("partitionName", lambda c: c.enable_skill(SKILL, UNIT, partition_name=" Room101")),
    ("partitionName", lambda c: c.enable_skill(SKILL, UNIT, partition_name="Room_101")),
    (
        "accountLinkRequest.redirectUri",
        lambda c: c.enable_skill(
            SKILL, UNIT, account_link_request=AccountLinkRequest(redirect_uri="", auth_code="x")
        ),
    ),
    (
        "accountLinkRequest.type",
        lambda c: c.enable_skill(
            SKILL,
            UNIT,
            account_link_request=AccountLinkRequest(
                redirect_uri="https://e", auth_code="x", type="IMPLICIT"
            ),
        ),
    ),
    (
        "accountLinkRequest",
        lambda c: c.enable_skill(SKILL, UNIT, account_link_request=bad({"authCode": "x"})),
    ),
    ("friendlyName", lambda c: c.set_friendly_name(EP, "")),
    ("friendlyName", lambda c: c.set_friendly_name(EP, "x" * 129)),
    ("friendlyName", lambda c: c.set_friendly_name(EP, "Kitchen-Lights")),
    ("friendlyName", lambda c: c.set_friendly_name(EP, "Lamp!")),
    ("friendlyName", lambda c: c.set_friendly_name(EP, "' '")),
    ("friendlyName", lambda c: c.create_automation(UNIT, TEMPLATE, friendly_name="Good.morning")),
    ("friendlyName", lambda c: c.create_automation(UNIT, TEMPLATE, friendly_name="x" * 101)),
    ("friendlyName", lambda c: c.create_automation(UNIT, TEMPLATE, friendly_name="   ")),
    (
        "friendlyName",
        lambda c: c.create_automation_template(
            trigger=TRIGGER, operations=op("Power.TurnOn"), friendly_name=""
        ),
    ),
    ("key", lambda c: c.get_setting(EP, "a/b")),
    # value ranges of feature writes and page sizes
    ("brightness", lambda c: c.set_brightness(EP, 101)),
    ("brightness", lambda c: c.set_brightness(EP, -1)),
    ("brightness", lambda c: c.set_brightness(EP, bad(50.5))),
    ("brightness", lambda c: c.set_brightness(EP, True)),
    ("hue", lambda c: c.set_color(EP, hue=361, saturation=0.5, brightness=0.5)),
    ("saturation", lambda c: c.set_color(EP, hue=0, saturation=1.5, brightness=0.5)),
    ("brightness", lambda c: c.set_color(EP, hue=0, saturation=0.5, brightness=float("nan"))),
    ("colorTemperatureInKelvin", lambda c: c.set_color_temperature(EP, 999)),
    ("colorTemperatureInKelvin", lambda c: c.set_color_temperature(EP, 10001)),
    ("volume", lambda c: c.set_volume(EP, 101)),
    ("enabled", lambda c: c.set_do_not_disturb(EP, bad("on"))),
    ("maxResults", lambda c: c.list_homes(UNIT, max_results=11)),
    ("maxResults", lambda c: c.list_home_communities(UNIT, max_results=0)),
    ("maxResults", lambda c: c.list_skill_enablements(UNIT, max_results=11)),
    ("maxResults", lambda c: c.list_endpoints_by_owner(max_results=51)),
    ("maxResults", lambda c: c.list_endpoints_by_unit(UNIT, max_results=0)),
    (
        "maxResults",
        lambda c: c.query_endpoints(all_of(match(QueryField.UNIT_ID, UNIT)), max_results=11),
    ),
    ("maxResults", lambda c: c.list_automations(UNIT, max_results=101)),
    ("maxResults", lambda c: c.list_automation_templates(max_results=101)),
    # batch items
    ("items", lambda c: c.batch_enable_skill(SKILL, [])),
    (
        "items[1].itemId",
        lambda c: c.batch_enable_skill(
            SKILL,
            [
                BatchEnablementItem(item_id=7, unit_id=UNIT, stage="live"),
                BatchEnablementItem(item_id=7, unit_id=UNIT, stage="live"),
            ],
        ),
    ),
    (
        "items[0].itemId",
        lambda c: c.batch_enable_skill(
            SKILL, [BatchEnablementItem(item_id=bad("1"), unit_id=UNIT, stage="live")]
        ),
    ),
    (
        "items[0].unitId",
        lambda c: c.batch_enable_skill(
            SKILL, [BatchEnablementItem(item_id=1, unit_id="x", stage="live")]
        ),
    ),
    (
        "items[0].stage",
        lambda c: c.batch_enable_skill(
            SKILL, [BatchEnablementItem(item_id=1, unit_id=UNIT, stage="x")]
        ),
    ),
    (
        "items[0].partitionName",
        lambda c: c.batch_enable_skill(
            SKILL,
            [BatchEnablementItem(item_id=1, unit_id=UNIT, stage="live", partition_name="a b")],
        ),
    ),
    (
        "items[0].accountLinkRequest.authCode",
        lambda c: c.batch_enable_skill(
            SKILL,
            [
                BatchEnablementItem(
                    item_id=1,
                    unit_id=UNIT,
                    stage="live",
                    account_link_request=AccountLinkRequest(redirect_uri="https://e", auth_code=""),
                )
            ],
        ),
    ),
    ("items[0]", lambda c: c.batch_enable_skill(SKILL, [bad({"itemId": 1})])),
    # endpoint queries
    ("query", lambda c: c.query_endpoints({})),
    ("query", lambda c: c.query_endpoints({"and": [], "or": []})),
    ("query.and", lambda c: c.query_endpoints(all_of())),
    ("query", lambda c: c.query_endpoints(match(QueryField.MODEL, "Echo"))),
    (
        "query.and[0].match",
        lambda c: c.query_endpoints(all_of(match("serialNumber.value.text", "x"))),
    ),
    ("query.and[0].match", lambda c: c.query_endpoints(all_of({"match": {}}))),
    (
        "query.or[0].match.associatedUnits.id",
        lambda c: c.query_endpoints(any_of(match(QueryField.UNIT_ID, "x"))),
    ),
    (
        "query.or[1].and[0].match.manufacturer.value.text",
        lambda c: c.query_endpoints(
            any_of(match(QueryField.UNIT_ID, UNIT), all_of(match(QueryField.MANUFACTURER, "")))
        ),
    ),
    ("query.and[0]", lambda c: c.query_endpoints(all_of(bad("x")))),
    ("query.and", lambda c: c.query_endpoints({"and": "x"})),
    # automation operation trees
    ("operations", template({"serial": [op("Power.TurnOn")] * 149})),  # 150 nodes
    ("operations", template({"serial": [serial_of(74), serial_of(74)]})),  # 151 nodes
    ("operations.parallel", template({"parallel": [op("Power.TurnOn")] * 90})),
    (
        "operations.serial[0].parallel",
        template({"serial": [{"parallel": [serial_of(88), op("Power.TurnOn")]}]}),
    ),
    ("operations", template({"serial": [op("Power.TurnOn")], "parallel": [op("Power.TurnOn")]})),
    ("operations", template({})),
    ("operations", template([op("Power.TurnOn")])),
    ("operations.serial", template({"serial": []})),
    ("operations.serial[0]", template({"serial": [{"noop": {}}]})),
    ("operations.operation", template({"operation": "x"})),
    ("operations.operation.type", template({"operation": {"payload": {}}})),
    ("operations.operation.payload", template({"operation": {"type": "X", "payload": []}})),
    (
        "operations.operation.payload.endpoints",
        template(
            {
                "operation": {
                    "type": "Alexa.Automation.Operation.Power.TurnOn",
                    "payload": {"endpoints": [{"id": EP}, {"id": EP}]},
                }
            }
        ),
    ),
    (
        "operations.operation.payload.endpoints[0]",
        template(
            {
                "operation": {
                    "type": "Alexa.Automation.Operation.Power.TurnOn",
                    "payload": {"endpoints": [EP]},
                }
            }
        ),
    ),
    (
        "operations.operation.payload.endpoints[0].id",
        template(op("Power.TurnOff", endpoints=[{"id": "x"}])),
    ),
    (
        "operations.operation.payload.payload.brightness",
        template(op("Brightness.SetBrightness", payload={"brightness": 101})),
    ),
    (
        "operations.operation.payload.payload.volume",
        template(op("Speaker.SetVolume", payload={"volume": -1})),
    ),
    (
        "operations.operation.payload.payload.targetSetpoint",
        template(op("Thermostat.SetTargetSetpoint", payload={})),
    ),
    (
        "operations.operation.payload.payload.targetSetpoint.scale",
        template(op("Thermostat.SetTargetSetpoint", payload={"targetSetpoint": {"value": 20}})),
    ),
    (
        "operations.operation.payload.value",
        template(op("Settings.SetDoNotDisturbState", value="yes")),
    ),
    (
        "operations.operation.payload.schedule",
        template(op("Settings.SetDoNotDisturbState", value=True, schedule="PT1H")),
    ),
    (
        "operations.operation.payload.schedule.type",
        template(
            op(
                "Settings.SetDoNotDisturbState",
                value=True,
                schedule={"type": "FOREVER", "value": "x"},
            )
        ),
    ),
    (
        "operations.operation.payload.schedule.value",
        template(op("Settings.SetDoNotDisturbState", value=True, schedule={"type": "TIME"})),
    ),
    # notification text length and shape
    (
        "operations.operation.payload.notification.variants[0].content.variants[0].values[0].text",
        template(notify_with("x" * 1025)),
    ),
    (
        "operations.operation.payload.notification.variants[0].content.variants[0].values[0].text",
        template(notify_with("\u00e9" * 1025)),
    ),
    (
        "operations.operation.payload.notification.variants[0].content.variants[0].values[0].text",
        template(notify_with("\U0001f600" * 513)),
    ),
    (
        "operations.operation.payload.notification.variants[0].content.variants[0].values[0].text",
        template(notify_with("")),
    ),
    (
        "operations.operation.payload.notification.variants[0].content.variants[0].values[0].locale",
        template(notify_with(locale="english")),
    ),
    (
        "operations.operation.payload.notification",
        template(
            {"operation": {"type": "Alexa.Automation.Operation.Notification.Notify", "payload": {}}}
        ),
    ),
    (
        "operations.operation.payload.notification.variants",
        template(
            {
                "operation": {
                    "type": "Alexa.Automation.Operation.Notification.Notify",
                    "payload": {"notification": {"variants": []}},
                }
            }
        ),
    ),
    (
        "operations.operation.payload.notification.variants[0].type",
        template(
            {
                "operation": {
                    "type": "Alexa.Automation.Operation.Notification.Notify",
                    "payload": {"notification": {"variants": [{"type": "Push"}]}},
                }
            }
        ),
    ),
    (
        "operations.operation.payload.notification.variants[0].content.variants",
        template(
            {
                "operation": {
                    "type": "Alexa.Automation.Operation.Notification.Notify",
                    "payload": {
                        "notification": {"variants": [{"type": "Announcement", "content": {}}]}
                    },
                }
            }
        ),
    ),
    (
        "operations.operation.payload.notification.variants[0].content.variants[0].type",
        template(
            {
                "operation": {
                    "type": "Alexa.Automation.Operation.Notification.Notify",
                    "payload": {
                        "notification": {
                            "variants": [
                                {
                                    "type": "Announcement",
                                    "content": {"variants": [{"type": "SSML"}]},
                                }
                            ]
                        }
                    },
                }
            }
        ),
    ),
    (
        "operations.operation.payload.notification.variants[0].content.variants[0].values",
        template(
            {
                "operation": {
                    "type": "Alexa.Automation.Operation.Notification.Notify",
                    "payload": {
                        "notification": {
                            "variants": [
                                {
                                    "type": "Announcement",
                                    "content": {"variants": [{"type": "SpokenText", "values": []}]},
                                }
                            ]
                        }
                    },
                }
            }
        ),
    ),
    (
        "operations.operation.payload.notification.variants[0].content.variants[0].values[0]",
        template(
            {
                "operation": {
                    "type": "Alexa.Automation.Operation.Notification.Notify",
                    "payload": {
                        "notification": {
                            "variants": [
                                {
                                    "type": "Announcement",
                                    "content": {
                                        "variants": [{"type": "SpokenText", "values": ["hi"]}]
                                    },
                                }
                            ]
                        }
                    },
                }
            }
        ),
    ),
    # triggers
    ("trigger", template(op("Power.TurnOn"), trigger="voice")),
    ("trigger.type", template(op("Power.TurnOn"), trigger={"payload": {}})),
    (
        "trigger.payload",
        template(
            op("Power.TurnOn"),
            trigger={"type": "Alexa.Automation.Trigger.Voice.CustomUtterance", "payload": "x"},
        ),
    ),
    (
        "trigger.payload.utterances",
        template(
            op("Power.TurnOn"),
            trigger={
                "type": "Alexa.Automation.Trigger.Voice.CustomUtterance",
                "payload": {"utterances": [], "locale": "en-US"},
            },
        ),
    ),
    (
        "trigger.payload.locale",
        template(
            op("Power.TurnOn"),
            trigger={
                "type": "Alexa.Automation.Trigger.Voice.CustomUtterance",
                "payload": {"utterances": ["hi"], "locale": "en"},
            },
        ),
    ),
    (
        "trigger.payload.schedule",
        template(
            op("Power.TurnOn"),
            trigger={"type": "Alexa.Automation.Trigger.Schedule.AbsoluteTime", "payload": {}},
        ),
    ),
    (
        "trigger.payload.schedule.recurrence",
        template(
            op("Power.TurnOn"),
            trigger={
                "type": "Alexa.Automation.Trigger.Schedule.AbsoluteTime",
                "payload": {"schedule": {"triggerTime": "080000", "timeZoneId": "UTC"}},
            },
        ),
    ),
    (
        "trigger.payload.latitude",
        template(
            op("Power.TurnOn"),
            trigger={
                "type": "Alexa.Automation.Trigger.Schedule.SunsetInCustomLocation",
                "payload": {"recurrence": "RRULE:FREQ=DAILY", "latitude": "north", "longitude": 1},
            },
        ),
    ),
    (
        "trigger.payload.recurrence",
        template(
            op("Power.TurnOn"),
            trigger={
                "type": "Alexa.Automation.Trigger.Schedule.SunriseInCustomLocation",
                "payload": {"latitude": 1, "longitude": 1},
            },
        ),
    ),
    # data
    (
        "dataDefinition",
        lambda c: c.create_automation_template(
            trigger=TRIGGER, operations=op("Power.TurnOn"), data_definition=bad([])
        ),
    ),
    (
        "dataDefinition.x",
        lambda c: c.create_automation_template(
            trigger=TRIGGER, operations=op("Power.TurnOn"), data_definition={"x": "string"}
        ),
    ),
    (
        "dataDefinition.x",
        lambda c: c.create_automation_template(
            trigger=TRIGGER, operations=op("Power.TurnOn"), data_definition={"x": {"type": "text"}}
        ),
    ),
    ("automation.data", lambda c: c.create_automation(UNIT, TEMPLATE, data=bad(["x"]))),
    ("automation.data", lambda c: c.update_automation(AUTOMATION, bad("x"))),
]


@pytest.mark.parametrize(("field", "call"), CASES, ids=[f"{i}-{c[0]}" for i, c in enumerate(CASES)])
async def test_rejected_before_sending(
    client: AspClient, fake: FakeAsp, field: str, call: Callable[[AspClient], Awaitable[Any]]
) -> None:
    with pytest.raises(AspValidationError) as caught:
        await call(client)
    assert caught.value.field == field
    assert isinstance(caught.value, ValueError)
    assert fake.requests == []


def test_iterators_validate_when_created(client: AspClient, fake: FakeAsp) -> None:
    with pytest.raises(AspValidationError):
        client.iter_homes("x")
    with pytest.raises(AspValidationError):
        client.iter_query_endpoints({"and": []})
    assert fake.requests == []


async def test_limits_are_strictly_less_than(client: AspClient, fake: FakeAsp) -> None:
    fake.reply("POST", "/v2/automations/templates", 201, {"templateId": TEMPLATE})
    # 149 nodes in all; a parallel node holding 89 nodes; both just under the limits.
    await template({"serial": [op("Power.TurnOn")] * 148})(client)
    await template({"parallel": [op("Power.TurnOn")] * 89})(client)
    await template(notify_with("x" * 1024))(client)
    await template(notify_with("\u00e9" * 1024))(client)  # 2048 bytes
    assert len(fake.requests) == 4


async def test_placeholders_are_not_range_checked(client: AspClient, fake: FakeAsp) -> None:
    fake.reply("POST", "/v2/automations/templates", 201, {"templateId": TEMPLATE})
    await template(
        {
            "serial": [
                op(
                    "Brightness.SetBrightness",
                    endpoints=[{"id": "${data.light.id}"}],
                    payload={"brightness": "${data.level}"},
                ),
                op("Settings.SetDoNotDisturbState", value="${data.dnd}"),
                notify_with("${data.message}", "${data.locale}"),
                {"operation": {"type": "Some.Future.Operation", "payload": {"anything": 1}}},
            ]
        }
    )(client)
    assert len(fake.requests) == 1


def test_accepted_values() -> None:
    assert v.partition_name("Room-101") == "Room-101"
    assert v.partition_name("Room101, Room202") == "Room101, Room202"
    assert v.partition_name("11-101,11-102,11-103") == "11-101,11-102,11-103"
    assert v.endpoint_friendly_name("Mary's Echo 2") == "Mary's Echo 2"
    assert v.endpoint_friendly_name("\u53a8\u623f\u706f") == "\u53a8\u623f\u706f"  # Chinese
    assert v.endpoint_friendly_name("x" * 128)
    assert v.automation_friendly_name("Wake up: room #4 & co?") == "Wake up: room #4 & co?"
    assert v.unit_id("~caller.defaultUnitId", allow_default=True) == "~caller.defaultUnitId"
    assert v.skill_id("amzn1.alexa.skill.abc") == "amzn1.alexa.skill.abc"
    assert v.expand(None) == []
    assert v.expand(["all", "all", "feature:power"]) == ["all", "feature:power"]
    assert v.number_range(1, 0, 1, "x") == 1
    assert v.is_unit_id(UNIT)
    assert not v.is_unit_id("amzn1.alexa.unit.x")
    assert v.is_endpoint_id(EP)
    assert not v.is_endpoint_id(None)
    assert v.is_skill_id(SKILL)
    assert not v.is_skill_id("amzn1.ask.skill.")
