"""Skill Management API contract: enablement records, ENABLING -> ENABLED, batch errors."""

import pytest

from simulator import ManualClock
from simulator.core import Simulator
from simulator.state import Occ, Skill

from .conftest import Api, assert_request_id, collect_pages, homes_in, vacant_home

UNKNOWN_UNIT = "amzn1.alexa.unit.did.UNKNOWN0000000000000000000000"
UNKNOWN_SKILL = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
LINK = {"redirectUri": "https://example.com", "authCode": "3pauthcode", "type": "AUTH_CODE"}


def _skill(sim: Simulator, *, linking: bool) -> Skill:
    return next(s for s in sim.state.skills.values() if s.account_linking is linking)


def _fresh_home(sim: Simulator) -> str:
    """A vacant home with no enablements yet."""
    for home in homes_in(sim, Occ.VACANT):
        if not any(unit == home.id for _, unit in sim.state.enablements):
            return home.id
    raise AssertionError("every vacant home has enablements")


async def test_enable_get_list_disable(api: Api, sim: Simulator, clock: ManualClock) -> None:
    skill = _skill(sim, linking=True)
    unit = _fresh_home(sim)
    reply = await api.post(
        f"/v1/skills/{skill.id}/enablements",
        {
            "unitId": unit,
            "stage": "live",
            "partitionName": "Room101, Room202",
            "accountLinkRequest": LINK,
        },
    )
    assert reply.status == 201, reply.text
    assert_request_id(reply)
    assert reply.json == {
        "skill": {"stage": "live", "id": skill.id},
        "unit": {"id": unit},
        "accountLink": {"status": "LINKED"},
        "status": "ENABLING",
    }
    path = f"/v1/skills/{skill.id}/enablements"
    assert (await api.get(path, params={"unitId": unit})).json["status"] == "ENABLING"
    clock.advance(sim.state.timing.skill_enable_delay)
    record = (await api.get(path, params={"unitId": unit})).json
    assert record["status"] == "ENABLED"
    listed = (await api.get("/v1/skills/enablements", params={"unitId": unit})).json
    assert listed == {"items": [record]}
    assert (await api.delete(path, params={"unitId": unit, "stage": "development"})).status == 404
    reply = await api.delete(path, params={"unitId": unit, "stage": "live"})
    assert (reply.status, reply.body) == (204, b"")
    assert (await api.get(path, params={"unitId": unit})).status == 404
    assert (await api.delete(path, params={"unitId": unit})).status == 404


async def test_non_linking_skill_record(api: Api, sim: Simulator) -> None:
    skill = _skill(sim, linking=False)
    unit = _fresh_home(sim)
    reply = await api.post(f"/v1/skills/{skill.id}/enablements", {"unitId": unit, "stage": "live"})
    assert reply.status == 201
    assert "accountLink" not in reply.json  # only for skills that link accounts
    reply = await api.get(f"/v1/skills/{skill.id}/enablements", params={"unitId": unit})
    assert reply.json["accountLink"] == {"status": "NOT_LINKED"}


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"stage": "live"}, 400),  # unitId missing
        ({"unitId": "bad", "stage": "live"}, 400),
        ({"unitId": "UNIT"}, 400),  # stage missing
        ({"unitId": "UNIT", "stage": "certification"}, 400),  # single enable: dev or live
        ({"unitId": "UNIT", "stage": "live", "partitionName": ""}, 400),
        ({"unitId": "UNIT", "stage": "live", "partitionName": "Room 101"}, 400),
        ({"unitId": "UNIT", "stage": "live", "partitionName": "Room101, ,Room202"}, 400),
        ({"unitId": "UNIT", "stage": "live", "partitionName": "Room-101"}, 201),
        ({"unitId": "UNIT", "stage": "live", "accountLinkRequest": LINK | {"type": "X"}}, 400),
        ({"unitId": UNKNOWN_UNIT, "stage": "live"}, 404),
    ],
)
async def test_enable_validation(
    api: Api, sim: Simulator, body: dict[str, str], status: int
) -> None:
    skill = _skill(sim, linking=False)
    body = {k: _fresh_home(sim) if v == "UNIT" else v for k, v in body.items()}
    reply = await api.post(f"/v1/skills/{skill.id}/enablements", body)
    assert reply.status == status, reply.text
    if status >= 400:
        assert set(reply.json) == {"type", "message"}


async def test_enable_skill_rules(api: Api, sim: Simulator) -> None:
    unit = _fresh_home(sim)
    linking = _skill(sim, linking=True)
    live_only = next(s for s in sim.state.skills.values() if s.stages == ["live"])
    cases = [
        (f"/v1/skills/{UNKNOWN_SKILL}/enablements", {"unitId": unit, "stage": "live"}, 404),
        ("/v1/skills/not-a-skill/enablements", {"unitId": unit, "stage": "live"}, 400),
        (f"/v1/skills/{linking.id}/enablements", {"unitId": unit, "stage": "live"}, 400),
        (f"/v1/skills/{live_only.id}/enablements", {"unitId": unit, "stage": "development"}, 400),
    ]
    for path, body, status in cases:
        assert (await api.post(path, body)).status == status, (path, body)


async def test_get_and_disable_errors(api: Api, sim: Simulator) -> None:
    skill = _skill(sim, linking=False)
    unit = _fresh_home(sim)
    path = f"/v1/skills/{skill.id}/enablements"
    for method in ("GET", "DELETE"):
        assert (await api.call(method, path)).status == 400
        assert (await api.call(method, path, params={"unitId": "bad"})).status == 400
        assert (await api.call(method, path, params={"unitId": UNKNOWN_UNIT})).status == 404
        assert (await api.call(method, path, params={"unitId": unit})).status == 404
        reply = await api.call(
            method, f"/v1/skills/{UNKNOWN_SKILL}/enablements", params={"unitId": unit}
        )
        assert reply.status == 404
        assert (
            await api.call(method, "/v1/skills/bad/enablements", params={"unitId": unit})
        ).status == 400
    assert (await api.delete(path, params={"unitId": unit, "stage": "beta"})).status == 400


async def test_list_enablements_pages(api: Api, sim: Simulator) -> None:
    unit = _fresh_home(sim)
    for index in range(12):
        sim.state.skills[f"amzn1.ask.skill.extra-{index}"] = Skill(
            f"amzn1.ask.skill.extra-{index}", f"Extra {index}", ["live"], False
        )
        reply = await api.post(
            f"/v1/skills/amzn1.ask.skill.extra-{index}/enablements",
            {"unitId": unit, "stage": "live"},
        )
        assert reply.status == 201
    first = (await api.get("/v1/skills/enablements", params={"unitId": unit})).json
    assert len(first["items"]) == 10
    assert first["paginationContext"]["nextToken"]
    items = await collect_pages(
        api, "/v1/skills/enablements", {"unitId": unit, "maxResults": "5"}, "items"
    )
    assert [i["skill"]["id"] for i in items] == [f"amzn1.ask.skill.extra-{i}" for i in range(12)]
    for params, status in [
        ({}, 400),
        ({"unitId": "bad"}, 400),
        ({"unitId": UNKNOWN_UNIT}, 400),
        ({"unitId": unit, "maxResults": "0"}, 400),
        ({"unitId": unit, "maxResults": "11"}, 400),
    ]:
        assert (await api.get("/v1/skills/enablements", params=params)).status == status


async def test_batch_enablement(api: Api, sim: Simulator, clock: ManualClock) -> None:
    skill = _skill(sim, linking=False)
    units = [h.id for h in homes_in(sim, Occ.VACANT)[:3]]
    body = {
        "items": [
            {"itemId": i, "unitId": unit, "stage": "certification", "partitionName": f"10-{i}"}
            for i, unit in enumerate(units)
        ]
    }
    reply = await api.post(f"/v1/skills/{skill.id}/enablements/batch", body)
    assert (reply.status, reply.body) == (202, b"")
    for unit in units:
        record = (await api.get(f"/v1/skills/{skill.id}/enablements", params={"unitId": unit})).json
        assert (record["skill"]["stage"], record["status"]) == ("certification", "ENABLING")


async def test_batch_item_errors(api: Api, sim: Simulator) -> None:
    skill = _skill(sim, linking=False)
    vacant = vacant_home(sim).id
    occupied = homes_in(sim, Occ.OCCUPIED)[0].id
    body = {
        "items": [
            {"itemId": 0, "unitId": "bad", "stage": "live"},
            {"itemId": 20, "unitId": occupied, "stage": "live"},
            {"itemId": 3, "unitId": vacant, "stage": "live"},
        ]
    }
    before = dict(sim.state.enablements)
    reply = await api.post(f"/v1/skills/{skill.id}/enablements/batch", body)
    assert reply.status == 400
    assert reply.json == {
        "errors": [
            {
                "itemId": 0,
                "status": 400,
                "errorCode": "INVALID_PARAM",
                "errorDescription": "unitId is missing or invalid",
            },
            {
                "itemId": 20,
                "status": 403,
                "errorCode": "FORBIDDEN",
                "errorDescription": "The unit is an occupied or linked home.",
            },
        ]
    }
    assert sim.state.enablements == before  # all or nothing
    only_forbidden = {"items": [{"itemId": 1, "unitId": occupied, "stage": "live"}]}
    reply = await api.post(f"/v1/skills/{skill.id}/enablements/batch", only_forbidden)
    assert reply.status == 403
    assert reply.json["errors"][0]["itemId"] == 1


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"items": []},
        {"items": "x"},
        {"items": [{"unitId": "U", "stage": "live"}]},  # itemId missing
        {"items": [{"itemId": "0", "unitId": "U", "stage": "live"}]},
        {
            "items": [
                {"itemId": 1, "unitId": "U", "stage": "live"},
                {"itemId": 1, "unitId": "U", "stage": "live"},
            ]
        },
        {"items": [{"itemId": i, "unitId": "U", "stage": "live"} for i in range(101)]},
    ],
)
async def test_batch_request_errors(api: Api, sim: Simulator, body: dict[str, object]) -> None:
    skill = _skill(sim, linking=False)
    unit = vacant_home(sim).id
    items = body.get("items")
    if isinstance(items, list):
        body["items"] = [i | {"unitId": unit} if isinstance(i, dict) else i for i in items]
    reply = await api.post(f"/v1/skills/{skill.id}/enablements/batch", body)
    assert reply.status == 400
    (error,) = reply.json["errors"]
    assert set(error) == {"status", "errorCode", "errorDescription"}


async def test_batch_unknown_or_bad_skill(api: Api, sim: Simulator) -> None:
    body = {"items": [{"itemId": 0, "unitId": vacant_home(sim).id, "stage": "live"}]}
    assert (await api.post(f"/v1/skills/{UNKNOWN_SKILL}/enablements/batch", body)).status == 400
    assert (await api.post("/v1/skills/bad/enablements/batch", body)).status == 400


async def test_batch_per_item_rules(api: Api, sim: Simulator) -> None:
    linking = _skill(sim, linking=True)
    unit = vacant_home(sim).id
    items = [
        {"itemId": 0, "unitId": unit, "stage": "beta", "accountLinkRequest": LINK},
        {"itemId": 1, "unitId": unit, "stage": "live"},  # no accountLinkRequest
        {
            "itemId": 2,
            "unitId": unit,
            "stage": "live",
            "partitionName": "a b",
            "accountLinkRequest": LINK,
        },
        {"itemId": 3, "unitId": UNKNOWN_UNIT, "stage": "live", "accountLinkRequest": LINK},
        {"itemId": 4, "unitId": unit, "stage": "live", "accountLinkRequest": LINK},
    ]
    reply = await api.post(f"/v1/skills/{linking.id}/enablements/batch", {"items": items})
    assert reply.status == 400
    assert [e["itemId"] for e in reply.json["errors"]] == [0, 1, 2, 3]
