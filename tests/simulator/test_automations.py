"""Automation API contract: templates, dataDefinition, placeholders, per-unit rules, limits."""

import copy
from typing import Any

import pytest

from simulator.core import Simulator
from simulator.state import Occ

from .conftest import Api, assert_request_id, collect_pages, endpoints_of, homes_in, vacant_home

TEMPLATES = "/v2/automations/templates"
AUTOMATIONS = "/v2/automations"
UNKNOWN_UNIT = "amzn1.alexa.unit.did.UNKNOWN0000000000000000000000"


def notify(text: str = "Happy hour is starting now in the pool area!") -> dict[str, Any]:
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


def utterance_template() -> dict[str, Any]:
    """The page's own request example."""
    return {
        "template": {
            "trigger": {
                "type": "Alexa.Automation.Trigger.Voice.CustomUtterance",
                "version": "1.0",
                "payload": {
                    "utterances": ["${data.customUtterance.text}", "utterance B", "utterance C"],
                    "locale": "en-US",
                },
            },
            "operations": {"serial": [notify()]},
        },
        "dataDefinition": {
            "customUtterance": {
                "type": "object",
                "required": ["text"],
                "properties": {"text": {"type": "string", "minLength": 1}},
            }
        },
        "friendlyName": {"value": {"text": "Test template"}},
    }


def brightness_template() -> dict[str, Any]:
    return {
        "template": {
            "trigger": {
                "type": "Alexa.Automation.Trigger.Schedule.AbsoluteTime",
                "version": "1.0",
                "payload": {
                    "schedule": {
                        "triggerTime": "${data.time}",
                        "timeZoneId": "UTC",
                        "recurrence": "RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=SU,MO",
                    }
                },
            },
            "operations": {
                "operation": {
                    "type": "Alexa.Automation.Operation.Brightness.SetBrightness",
                    "version": "1.0",
                    "payload": {
                        "endpoints": [{"id": "${data.light}"}],
                        "payload": {"brightness": "${data.level}"},
                    },
                }
            },
        },
        "dataDefinition": {
            "time": {"type": "string"},
            "light": {"type": "string"},
            "level": {"type": "integer"},
        },
    }


async def _template(api: Api, body: dict[str, Any]) -> str:
    reply = await api.post(TEMPLATES, body)
    assert reply.status == 201, reply.text
    template_id: str = reply.json["templateId"]
    return template_id


async def _automation(api: Api, unit: str, template_id: str, data: dict[str, Any]) -> Any:
    body = {
        "associatedEntity": {"type": "UNIT", "id": unit},
        "automation": {"templateId": template_id, "data": data},
        "friendlyName": {"value": {"text": "Test automation"}},
    }
    return await api.post(AUTOMATIONS, body)


def _free_home(sim: Simulator) -> str:
    for home in homes_in(sim, Occ.VACANT):
        if not any(a.unit_id == home.id for a in sim.state.automations.values()):
            return home.id
    raise AssertionError("no vacant home without automations")


async def test_template_lifecycle(api: Api) -> None:
    body = utterance_template()
    reply = await api.post(TEMPLATES, body)
    assert reply.status == 201
    assert_request_id(reply)
    template_id = reply.json["templateId"]
    assert template_id.startswith("amzn1.alexa.automation.template.")
    reply = await api.get(f"{TEMPLATES}/{template_id}")
    assert reply.json == {"templateId": template_id} | body
    reply = await api.delete(f"{TEMPLATES}/{template_id}")
    assert (reply.status, reply.body) == (204, b"")
    assert (await api.get(f"{TEMPLATES}/{template_id}")).status == 404
    assert (await api.delete(f"{TEMPLATES}/{template_id}")).status == 404


async def test_list_templates(api: Api, sim: Simulator) -> None:
    for _ in range(23):
        await _template(api, utterance_template())
    reply = await api.get(TEMPLATES)
    assert len(reply.json["results"]) == 20  # default page
    assert set(reply.json["results"][0]) == {"templateId"}
    all_ids = await collect_pages(api, TEMPLATES, {"maxResults": "100", "expand": "all"}, "results")
    assert len(all_ids) == len(sim.state.templates)
    assert "template" in all_ids[0]
    last = await api.get(TEMPLATES, params={"maxResults": "100"})
    assert last.json["paginationContext"] == {"nextToken": None}
    for params in ({"maxResults": "0"}, {"maxResults": "101"}, {"expand": "some"}):
        assert (await api.get(TEMPLATES, params=params)).status == 400


def _mutate(path: str, value: Any) -> dict[str, Any]:
    body = utterance_template()
    target: Any = body
    keys = path.split(".")
    for key in keys[:-1]:
        target = target[int(key)] if key.isdigit() else target[key]
    last = keys[-1]
    if value is KeyError:
        del target[last]
    elif last.isdigit():
        target[int(last)] = value
    else:
        target[last] = value
    return body


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"template": "x"},
        _mutate("template.trigger", KeyError),
        _mutate("template.operations", KeyError),
        _mutate("template.extra", 1),
        _mutate("template.trigger.type", "Alexa.Trigger.Teleport"),
        _mutate("template.trigger.version", KeyError),
        _mutate("template.trigger.payload.utterances", []),
        _mutate("template.trigger.payload.locale", "en"),
        _mutate("template.operations", {}),
        _mutate("template.operations", {"serial": [notify()], "parallel": [notify()]}),
        _mutate("template.operations", {"serial": []}),
        _mutate(
            "template.operations",
            {"serial": [{"operation": {"type": "Nope", "version": "1.0", "payload": {}}}]},
        ),
        _mutate("template.operations", {"serial": [{"sleep": 1}]}),
        _mutate("template.operations", {"serial": [notify("x" * 1025)]}),
        _mutate("template.operations", {"serial": [notify("é" * 1025)]}),
        _mutate("template.trigger.payload.utterances.0", "${customUtterance.text}"),
        _mutate("dataDefinition", "x"),
        _mutate("dataDefinition.customUtterance", {"type": "banana"}),
        _mutate("dataDefinition.customUtterance", {"minLength": -1}),
        _mutate("dataDefinition.customUtterance", "string"),
        _mutate("friendlyName", {"value": {"text": ""}}),
        _mutate("friendlyName", {"value": {"text": "x" * 101}}),
        _mutate("friendlyName", {"value": {"text": "v1.2"}}),
        _mutate("friendlyName", "name"),
    ],
)
async def test_template_validation(api: Api, body: dict[str, Any]) -> None:
    reply = await api.post(TEMPLATES, body)
    assert reply.status == 400, reply.text
    assert set(reply.json) == {"type", "message"}


@pytest.mark.parametrize(
    "trigger",
    [
        {
            "type": "Alexa.Automation.Trigger.Schedule.AbsoluteTime",
            "version": "1.0",
            "payload": {
                "schedule": {
                    "triggerTime": "193209",
                    "timeZoneId": "UTC",
                    "recurrence": "RRULE:FREQ=DAILY",
                }
            },
        },
        {
            "type": "Alexa.Automation.Trigger.Schedule.SunriseInCustomLocation",
            "version": "1.0",
            "payload": {
                "recurrence": "RRULE:FREQ=DAILY",
                "latitude": 47,
                "longitude": -122,
                "timeOffset": 10,
            },
        },
        {
            "type": "Alexa.Automation.Trigger.Schedule.SunsetInCustomLocation",
            "version": "1.0",
            "payload": {
                "recurrence": "RRULE:FREQ=DAILY",
                "timeZoneId": "test-timezone-id",
                "latitude": 100,
                "longitude": 100,
            },
        },
    ],
)
async def test_other_triggers(api: Api, trigger: dict[str, Any]) -> None:
    body = {"template": {"trigger": trigger, "operations": {"operation": notify()["operation"]}}}
    assert (await api.post(TEMPLATES, body)).status == 201
    bad = copy.deepcopy(body)
    payload = bad["template"]["trigger"]["payload"]
    if "schedule" in payload:
        payload["schedule"]["triggerTime"] = "25:00"
    else:
        payload["recurrence"] = "DAILY"
    assert (await api.post(TEMPLATES, bad)).status == 400


def _operation(kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "operation": {
            "type": f"Alexa.Automation.Operation.{kind}",
            "version": "1.0",
            "payload": payload,
        }
    }


EP = [{"id": "amzn1.alexa.endpoint.1234567"}]


@pytest.mark.parametrize(
    ("operation", "ok"),
    [
        (_operation("Power.TurnOn", {"endpoints": EP}), True),
        (_operation("Power.TurnOff", {"endpoints": EP}), True),
        (_operation("Media.Stop", {"endpoints": EP}), True),
        (_operation("Speaker.SetVolume", {"endpoints": EP, "payload": {"volume": 10}}), True),
        (_operation("Speaker.SetVolume", {"endpoints": EP, "payload": {"volume": 101}}), False),
        (
            _operation(
                "Brightness.SetBrightness", {"endpoints": EP, "payload": {"brightness": 100}}
            ),
            True,
        ),
        (
            _operation(
                "Brightness.SetBrightness", {"endpoints": EP, "payload": {"brightness": -1}}
            ),
            False,
        ),
        (
            _operation(
                "Thermostat.SetTargetSetpoint",
                {"endpoints": EP, "payload": {"targetSetpoint": {"value": 20, "scale": "CELSIUS"}}},
            ),
            True,
        ),
        (
            _operation(
                "Thermostat.SetTargetSetpoint",
                {"endpoints": EP, "payload": {"targetSetpoint": {"value": 20, "scale": "RANKINE"}}},
            ),
            False,
        ),
        (
            _operation(
                "Settings.SetDoNotDisturbState",
                {
                    "endpoints": EP,
                    "value": True,
                    "schedule": {"type": "DURATION", "value": "PT2H5M"},
                },
            ),
            True,
        ),
        (_operation("Settings.SetDoNotDisturbState", {"endpoints": EP, "value": "on"}), False),
        (
            _operation(
                "Settings.SetDoNotDisturbState",
                {"endpoints": EP, "value": True, "schedule": {"type": "WEEK", "value": "x"}},
            ),
            False,
        ),
        (_operation("Power.TurnOn", {"endpoints": EP * 2}), False),  # one endpoint at most
        (_operation("Power.TurnOn", {"endpoints": []}), False),
        (_operation("Power.TurnOn", {"endpoints": [{"id": "lamp"}]}), False),
    ],
)
async def test_operation_payloads(api: Api, operation: dict[str, Any], ok: bool) -> None:
    body = utterance_template()
    body["template"]["operations"] = {"serial": [operation]}
    assert (await api.post(TEMPLATES, body)).status == (201 if ok else 400)


@pytest.mark.parametrize(
    ("operations", "ok"),
    [
        ({"parallel": [notify()] * 90}, True),
        ({"parallel": [notify()] * 91}, False),
        ({"serial": [{"parallel": [notify()] * 45}, {"parallel": [notify()] * 45}]}, True),
        ({"serial": [{"parallel": [notify()] * 80}, {"parallel": [notify()] * 80}]}, False),
        ({"serial": [{"serial": [notify()] * 74}, {"serial": [notify()] * 73}]}, True),  # 150 nodes
        ({"serial": [{"serial": [notify()] * 74}, {"serial": [notify()] * 74}]}, False),  # 151
        ({"serial": [{"parallel": [{"serial": [notify()] * 89}]}]}, True),  # 90 under parallel
        ({"serial": [{"parallel": [{"serial": [notify()] * 90}]}]}, False),
    ],
)
async def test_operation_tree_limits(api: Api, operations: dict[str, Any], ok: bool) -> None:
    body = utterance_template()
    body["template"]["operations"] = operations
    assert (await api.post(TEMPLATES, body)).status == (201 if ok else 400)


async def test_automation_resolves_placeholders(api: Api, sim: Simulator) -> None:
    template_id = await _template(api, utterance_template())
    unit = _free_home(sim)
    reply = await _automation(api, unit, template_id, {"customUtterance": {"text": "Good morning"}})
    assert reply.status == 201, reply.text
    automation_id = reply.json["automationId"]
    assert automation_id.startswith("amzn1.alexa.automation.")
    got = (await api.get(f"{AUTOMATIONS}/{automation_id}")).json
    assert got["associatedEntity"] == {"type": "UNIT", "id": unit}
    assert got["friendlyName"] == {"value": {"text": "Test automation"}}
    assert got["automation"]["templateId"] == template_id
    utterances = got["automation"]["trigger"]["payload"]["utterances"]
    assert utterances == ["Good morning", "utterance B", "utterance C"]
    assert got["automation"]["operations"] == utterance_template()["template"]["operations"]


async def test_typed_placeholders_and_endpoint_rules(api: Api, sim: Simulator) -> None:
    template_id = await _template(api, brightness_template())
    home = vacant_home(sim)
    light = next(e for e in endpoints_of(sim, home) if "brightness" in e.properties)
    ok = {"time": "070000", "light": light.id, "level": 40}
    reply = await _automation(api, home.id, template_id, ok)
    assert reply.status == 201, reply.text
    got = (await api.get(f"{AUTOMATIONS}/{reply.json['automationId']}")).json
    operation = got["automation"]["operations"]["operation"]
    assert operation["payload"] == {"endpoints": [{"id": light.id}], "payload": {"brightness": 40}}
    other = next(e for e in sim.state.endpoints.values() if e.unit_id not in {home.id, None})
    for data in (
        ok | {"level": "40"},  # schema says integer
        ok | {"level": 140},  # resolved value breaks the operation's range
        ok | {"time": "7am"},  # resolved triggerTime isn't HHMMSS
        ok | {"light": other.id},  # not a device of this unit
        ok | {"light": "amzn1.alexa.endpoint.GONE"},
        {"time": "070000", "light": light.id},  # ${data.level} unresolved
        ok | {"extra": 1},  # not in dataDefinition
    ):
        reply = await _automation(api, home.id, template_id, data)
        assert reply.status == 400, data


async def test_create_automation_errors(api: Api, sim: Simulator) -> None:
    template_id = await _template(api, utterance_template())
    unit = _free_home(sim)
    data = {"customUtterance": {"text": "hi"}}
    good = {
        "associatedEntity": {"type": "UNIT", "id": unit},
        "automation": {"templateId": template_id, "data": data},
    }
    cases: list[tuple[dict[str, Any], int]] = [
        ({"automation": good["automation"]}, 400),
        (good | {"associatedEntity": {"type": "ROOM", "id": unit}}, 400),
        (good | {"associatedEntity": {"type": "UNIT", "id": "bad"}}, 400),
        (good | {"associatedEntity": {"type": "UNIT", "id": UNKNOWN_UNIT}}, 404),
        (
            good | {"associatedEntity": {"type": "UNIT", "id": homes_in(sim, Occ.OCCUPIED)[0].id}},
            403,
        ),
        (good | {"automation": {"data": data}}, 400),
        (good | {"automation": {"templateId": "bad", "data": data}}, 400),
        (good | {"automation": {"templateId": template_id + "x", "data": data}}, 404),
        (good | {"automation": {"templateId": template_id}}, 400),  # placeholder unresolved
        (good | {"automation": {"templateId": template_id, "data": {"customUtterance": {}}}}, 400),
        (
            good
            | {
                "automation": {"templateId": template_id, "data": {"customUtterance": {"text": ""}}}
            },
            400,
        ),
        (good | {"automation": {"templateId": template_id, "data": []}}, 400),
        (good | {"friendlyName": {"type": "HTML", "value": {"text": "x"}}}, 400),
        (good, 201),
    ]
    for body, status in cases:
        reply = await api.post(AUTOMATIONS, body)
        assert reply.status == status, (body, reply.text)
        if status >= 400:
            assert set(reply.json) == {"type", "message"}


async def test_repeated_utterance_in_a_unit_is_refused(api: Api, sim: Simulator) -> None:
    template_id = await _template(api, utterance_template())
    unit, other_unit = [
        h.id
        for h in homes_in(sim, Occ.VACANT)
        if not any(a.unit_id == h.id for a in sim.state.automations.values())
    ][:2]
    first = await _automation(api, unit, template_id, {"customUtterance": {"text": "Lights out"}})
    assert first.status == 201
    again = await _automation(api, unit, template_id, {"customUtterance": {"text": "lights  OUT"}})
    assert again.status == 400
    # "utterance B" is in every automation from this template: a second one clashes too.
    clash = await _automation(api, unit, template_id, {"customUtterance": {"text": "Bedtime"}})
    assert clash.status == 400
    elsewhere = await _automation(
        api, other_unit, template_id, {"customUtterance": {"text": "Lights out"}}
    )
    assert elsewhere.status == 201


async def test_update_and_delete_automation(api: Api, sim: Simulator) -> None:
    body = utterance_template()
    body["template"]["trigger"]["payload"]["utterances"] = ["${data.customUtterance.text}"]
    template_id = await _template(api, body)
    unit = _free_home(sim)
    first = (await _automation(api, unit, template_id, {"customUtterance": {"text": "One"}})).json
    second = (await _automation(api, unit, template_id, {"customUtterance": {"text": "Two"}})).json
    path = f"{AUTOMATIONS}/{first['automationId']}"
    reply = await api.put(
        path, {"automation": {"data": {"customUtterance": {"text": "Good night"}}}}
    )
    assert (reply.status, reply.body) == (204, b"")
    got = (await api.get(path)).json
    assert got["automation"]["trigger"]["payload"]["utterances"] == ["Good night"]
    # Its own utterance is no clash; another automation's is.
    assert (
        await api.put(path, {"automation": {"data": {"customUtterance": {"text": "good night"}}}})
    ).status == 204
    assert (
        await api.put(path, {"automation": {"data": {"customUtterance": {"text": "two"}}}})
    ).status == 400
    bad: dict[str, Any]
    for bad in (
        {},
        {"automation": "x"},
        {"automation": {"data": {}}},  # ${data...} unresolved
        {"automation": {"data": {"customUtterance": {"text": 5}}}},
        {"automation": {"templateId": template_id}},
        {"automation": {"data": {"customUtterance": {"text": "x"}}}, "friendlyName": {}},
    ):
        assert (await api.put(path, bad)).status == 400, bad
    assert (await api.put(path, {"automation": {}})).status == 204
    assert (await api.put(f"{AUTOMATIONS}/bad", {"automation": {}})).status == 400
    assert (
        await api.put(f"{AUTOMATIONS}/amzn1.alexa.automation.gone", {"automation": {}})
    ).status == 404

    # A template in use can't be deleted.
    reply = await api.delete(f"{TEMPLATES}/{template_id}")
    assert (reply.status, reply.json["type"]) == (400, "BAD_REQUEST")
    for automation in (first, second):
        reply = await api.delete(f"{AUTOMATIONS}/{automation['automationId']}")
        assert (reply.status, reply.body) == (204, b"")
    assert (await api.get(path)).status == 404
    assert (await api.delete(path)).status == 404
    assert (await api.delete(f"{AUTOMATIONS}/bad")).status == 400
    assert (await api.get(f"{AUTOMATIONS}/bad")).status == 400
    assert (await api.delete(f"{TEMPLATES}/{template_id}")).status == 204
    assert (await api.delete(f"{TEMPLATES}/bad")).status == 400
    assert (await api.get(f"{TEMPLATES}/bad")).status == 400


async def test_list_automations(api: Api, sim: Simulator) -> None:
    body = utterance_template()
    body["template"]["trigger"]["payload"]["utterances"] = ["${data.customUtterance.text}"]
    template_id = await _template(api, body)
    unit = _free_home(sim)
    created = []
    for index in range(25):
        reply = await _automation(
            api, unit, template_id, {"customUtterance": {"text": f"phrase {index}"}}
        )
        created.append(reply.json["automationId"])
    params = {"associatedEntity.type": "UNIT", "associatedEntity.id": unit}
    first = (await api.get(AUTOMATIONS, params=params)).json
    assert len(first["results"]) == 20
    assert set(first["results"][0]) == {"automationId"}
    assert first["paginationContext"]["nextToken"]
    listed = await collect_pages(
        api, AUTOMATIONS, params | {"expand": "all", "maxResults": "7"}, "results"
    )
    assert [a["automationId"] for a in listed] == created
    assert listed[0]["associatedEntity"] == {"type": "UNIT", "id": unit}
    filtered = await collect_pages(
        api, AUTOMATIONS, params | {"templateId": template_id}, "results"
    )
    assert len(filtered) == 25
    other_template = next(iter(sim.state.templates))
    none = (await api.get(AUTOMATIONS, params=params | {"templateId": other_template})).json
    assert none == {"results": [], "paginationContext": {"nextToken": None}}
    for bad, status in [
        ({"associatedEntity.id": unit}, 400),
        ({"associatedEntity.type": "UNIT"}, 400),
        (params | {"associatedEntity.type": "ROOM"}, 400),
        (params | {"associatedEntity.id": "bad"}, 400),
        (params | {"associatedEntity.id": UNKNOWN_UNIT}, 404),
        (params | {"templateId": "bad"}, 400),
        (params | {"maxResults": "101"}, 400),
        (params | {"maxResults": "0"}, 400),
        (params | {"expand": "none"}, 400),
        (params | {"maxResults": "100"}, 200),
    ]:
        assert (await api.get(AUTOMATIONS, params=bad)).status == status, bad


async def test_automations_of_a_private_home(api: Api, sim: Simulator) -> None:
    automation = next(
        a for a in sim.state.automations.values() if sim.state.unit_is_private(a.unit_id) is False
    )
    home = sim.state.homes[automation.unit_id]
    path = f"{AUTOMATIONS}/{automation.id}"
    assert (await api.get(path)).status == 200
    latest_occupancy = await api.post(
        f"/enterprise/residential/v1/homes/{home.id}/occupancies", {"state": "OCCUPIED"}
    )
    assert latest_occupancy.status == 202
    sim.clock.advance(sim.state.timing.occupancy_delay)
    assert (await api.get(path)).status == 403
    assert (await api.delete(path)).status == 403
    assert (await api.put(path, {"automation": {}})).status == 403
