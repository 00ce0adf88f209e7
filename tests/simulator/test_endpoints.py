"""Endpoints API contract: listings, lookup, query, re-association, names, removal, timers."""

import pytest

from simulator import ManualClock
from simulator.core import Simulator
from simulator.devices import kind_of
from simulator.state import Occ

from .conftest import (
    Api,
    assert_request_id,
    collect_pages,
    endpoints_of,
    vacant_home,
    visible_endpoint,
)

UNKNOWN_EP = "amzn1.alexa.endpoint.UNKNOWN000000000000000000000000"
UNKNOWN_UNIT = "amzn1.alexa.unit.did.UNKNOWN0000000000000000000000"


def _visible(sim: Simulator) -> list[str]:
    return [e.id for e in sim.state.endpoints.values() if sim.state.endpoint_visible(e)]


async def test_list_by_owner_pages_through_everything_visible(api: Api, sim: Simulator) -> None:
    results = await collect_pages(
        api, "/v2/endpoints", {"owner": "~caller", "maxResults": "7"}, "results"
    )
    assert [e["id"] for e in results] == _visible(sim)
    assert set(results[0]) == {"id", "friendlyName"}  # nothing expanded


async def test_expand_all_gives_attributes_and_feature_names_only(api: Api, sim: Simulator) -> None:
    # Amazon's collection: "expand=all" is "Identifiers with Details"; a feature's
    # properties come only when it is named (amazon-clients-facts.md).
    reply = await api.get(
        "/v2/endpoints", params={"owner": "~caller", "expand": "all", "maxResults": "50"}
    )
    assert reply.status == 200
    for endpoint in reply.json["results"]:
        for feature in endpoint["features"]:
            assert set(feature) == {"name", "path"}


async def test_named_features_come_inline_with_all(api: Api, sim: Simulator) -> None:
    reply = await api.get(
        "/v2/endpoints",
        params=[
            ("owner", "~caller"),
            ("expand", "all"),
            ("expand", "feature:connectivity"),
            ("maxResults", "50"),
        ],
    )
    assert reply.status == 200
    assert len(reply.json["results"]) == min(50, len(_visible(sim)))
    first = reply.json["results"][0]
    assert {
        "id",
        "friendlyName",
        "manufacturer",
        "model",
        "serialNumber",
        "softwareVersion",
        "connections",
        "creationTime",
        "associatedUnits",
        "displayCategories",
        "operations",
        "features",
    } <= set(first)
    assert first["friendlyName"]["type"] == "PLAIN"
    connectivity = next(f for f in first["features"] if f["name"] == "connectivity")
    reachability = connectivity["properties"][0]
    assert reachability["name"] == "reachability"
    assert reachability["value"]["value"] in {"OK", "UNREACHABLE"}
    assert reachability["timeOfSample"].endswith("Z")
    assert connectivity["path"] == f"/v2/endpoints/{first['id']}/features/connectivity"
    others = [f for f in first["features"] if f["name"] != "connectivity"]
    assert others
    assert all("properties" not in f for f in others)


async def test_expand_one_feature(api: Api, sim: Simulator) -> None:
    endpoint = visible_endpoint(sim, feature="speaker")
    reply = await api.get(
        f"/v2/endpoints/{endpoint.id}",
        params=[("expand", "feature:speaker"), ("expand", "feature:connectivity")],
    )
    assert reply.status == 200
    features = {f["name"]: f for f in reply.json["features"]}
    assert "properties" in features["speaker"]
    assert "properties" in features["connectivity"]
    assert {p["name"] for p in features["speaker"]["properties"]} == {"volume", "muted"}
    assert "manufacturer" not in reply.json
    for name, feature in features.items():
        if name not in {"speaker", "connectivity"}:
            assert "properties" not in feature


async def test_offline_devices_show_unreachable(api: Api, sim: Simulator) -> None:
    endpoint = visible_endpoint(sim, feature="power")
    endpoint.online = False
    reply = await api.get(
        f"/v2/endpoints/{endpoint.id}",
        params=[("expand", "all"), ("expand", "feature:connectivity"), ("expand", "feature:power")],
    )
    features = {f["name"]: f for f in reply.json["features"]}
    assert features["connectivity"]["properties"][0]["value"] == {"value": "UNREACHABLE"}
    power = features["power"]["properties"][0]
    assert power["type"] == "ERROR"
    assert power["error"]["type"] == "ENDPOINT_UNREACHABLE"


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({}, 400),  # no filter
        ({"owner": "someone"}, 400),
        ({"owner": "~caller", "associatedUnits.id": "~caller.defaultUnitId"}, 400),
        ({"owner": "~caller", "maxResults": "0"}, 400),
        ({"owner": "~caller", "maxResults": "51"}, 400),
        ({"owner": "~caller", "maxResults": "x"}, 400),
        ({"owner": "~caller", "maxResults": "50"}, 200),
        ({"owner": "~caller", "maxResults": "1"}, 200),
        ({"owner": "~caller", "expand": "everything"}, 400),
        ({"owner": "~caller", "expand": "feature:bluetooth"}, 400),
        ({"owner": "~caller", "nextToken": "x.y"}, 400),
        ({"associatedUnits.id": "not-a-unit"}, 400),
        ({"associatedUnits.id": UNKNOWN_UNIT}, 404),
        ({"serialNumber.value.text": ""}, 400),
        ({"serialNumber.value.text": "NOPE"}, 200),
    ],
)
async def test_listing_validation(api: Api, params: dict[str, str], status: int) -> None:
    reply = await api.get("/v2/endpoints", params=params)
    assert reply.status == status, reply.text
    assert_request_id(reply)
    if status == 400:
        assert set(reply.json) == {"message", "code"}


async def test_page_token_belongs_to_its_listing(api: Api, sim: Simulator) -> None:
    reply = await api.get("/v2/endpoints", params={"owner": "~caller", "maxResults": "1"})
    token = reply.json["paginationContext"]["nextToken"]
    home = vacant_home(sim)
    reply = await api.get(
        "/v2/endpoints", params={"associatedUnits.id": home.id, "nextToken": token}
    )
    assert reply.status == 400


async def test_list_by_unit(api: Api, sim: Simulator) -> None:
    home = vacant_home(sim)
    reply = await api.get("/v2/endpoints", params={"associatedUnits.id": home.id, "expand": "all"})
    assert [e["id"] for e in reply.json["results"]] == [e.id for e in endpoints_of(sim, home)]
    assert {e["associatedUnits"][0]["id"] for e in reply.json["results"]} == {home.id}


@pytest.mark.parametrize("alias", ["~caller.defaultUnitId", "ORG"])
async def test_list_default_unit(api: Api, sim: Simulator, alias: str) -> None:
    unit = sim.state.organization_id if alias == "ORG" else alias
    reply = await api.get("/v2/endpoints", params={"associatedUnits.id": unit, "expand": "all"})
    spares = [e.id for e in sim.state.endpoints.values() if e.unit_id is None]
    assert [e["id"] for e in reply.json["results"]] == spares
    assert {e["associatedUnits"][0]["id"] for e in reply.json["results"]} == {
        sim.state.organization_id
    }


async def test_list_by_serial_number(api: Api, sim: Simulator) -> None:
    endpoint = visible_endpoint(sim)
    reply = await api.get(
        "/v2/endpoints", params={"serialNumber.value.text": endpoint.serial_number}
    )
    assert [e["id"] for e in reply.json["results"]] == [endpoint.id]


async def test_reboot_polling_filters(api: Api, sim: Simulator) -> None:
    endpoint = visible_endpoint(sim)
    params = {
        "associatedUnits.id": endpoint.unit_id or "",
        "connections.macAddress": endpoint.mac_address,
        "features[name:connectivity].properties[name:reachability].value.value": "OK",
    }
    reply = await api.get("/v2/endpoints", params=params)
    assert [e["id"] for e in reply.json["results"]] == [endpoint.id]
    endpoint.online = False
    assert (await api.get("/v2/endpoints", params=params)).json["results"] == []


async def test_get_endpoint_errors(api: Api) -> None:
    assert (await api.get("/v2/endpoints/not-an-endpoint")).status == 400
    reply = await api.get(f"/v2/endpoints/{UNKNOWN_EP}")
    assert reply.status == 404
    assert set(reply.json) == {"message", "code"}


async def test_endpoint_query(api: Api, sim: Simulator) -> None:
    home_a, home_b = [h for h in sim.state.homes.values() if sim.state.home_state(h) is Occ.VACANT][
        :2
    ]
    expected = [e.id for e in sim.state.endpoints.values() if e.unit_id in {home_a.id, home_b.id}]
    body = {
        "query": {
            "or": [
                {"match": {"associatedUnits.id": home_a.id}},
                {"match": {"associatedUnits.id": home_b.id}},
            ]
        },
        "paginationContext": {"maxResults": 3},
    }
    seen: list[str] = []
    while True:
        reply = await api.post("/v2/endpointQuery", body)
        assert reply.status == 200, reply.text
        seen += [e["id"] for e in reply.json["results"]]
        token = reply.json.get("paginationContext", {}).get("nextToken")
        if not token:
            break
        body["paginationContext"] = {"maxResults": 3, "nextToken": token}
    assert seen == expected

    amazon = {
        "query": {
            "and": [
                {"or": [{"match": {"associatedUnits.id": home_a.id}}]},
                {"match": {"manufacturer.value.text": "Amazon"}},
            ]
        },
        "expand": ["feature:connectivity"],
    }
    reply = await api.post("/v2/endpointQuery", amazon)
    ids = [e["id"] for e in reply.json["results"]]
    assert ids == [e.id for e in endpoints_of(sim, home_a) if e.manufacturer == "Amazon"]
    model = sim.state.endpoints[ids[0]].model
    reply = await api.post(
        "/v2/endpointQuery", {"query": {"and": [{"match": {"model.value.text": model}}]}}
    )
    assert reply.json["results"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"query": {}},
        {"query": {"and": []}},
        {"query": {"and": [{"match": {"color": "red"}}]}},
        {"query": {"and": [{"match": {"model.value.text": 3}}]}},
        {"query": {"and": [{"match": {"model.value.text": "a", "manufacturer.value.text": "b"}}]}},
        {"query": {"and": [{"nope": []}]}},
        {"query": {"or": [{"match": {"associatedUnits.id": "bad"}}]}},
        {"query": {"or": [{"match": {"model.value.text": "x"}}]}, "expand": ["x"]},
        {"query": {"or": [{"match": {"model.value.text": "x"}}]}, "expand": "all"},
        {
            "query": {"or": [{"match": {"model.value.text": "x"}}]},
            "paginationContext": {"maxResults": 11},
        },
        {
            "query": {"or": [{"match": {"model.value.text": "x"}}]},
            "paginationContext": {"maxResults": 0},
        },
        {
            "query": {"or": [{"match": {"model.value.text": "x"}}]},
            "paginationContext": {"nextToken": 5},
        },
        {"query": {"or": [{"match": {"model.value.text": "x"}}]}, "paginationContext": []},
    ],
)
async def test_endpoint_query_validation(api: Api, body: dict[str, object]) -> None:
    reply = await api.post("/v2/endpointQuery", body)
    assert reply.status == 400, reply.text
    assert set(reply.json) == {"message", "code"}


async def test_reassociation_gives_a_new_id_and_reboots(
    api: Api, sim: Simulator, clock: ManualClock
) -> None:
    endpoint = visible_endpoint(sim, feature="speaker")
    old_id = endpoint.id
    endpoint.settings["Alexa.DoNotDisturb.doNotDisturb"] = True
    target = next(
        h
        for h in sim.state.homes.values()
        if h.id != endpoint.unit_id and sim.state.home_state(h) is Occ.VACANT
    )
    reply = await api.put(f"/v2/endpoints/{old_id}/associatedUnits", [{"id": target.id}])
    assert reply.status == 200, reply.text
    new_id = reply.json["endpoint"]["id"]
    assert new_id != old_id
    assert reply.json == {"endpoint": {"id": new_id, "associatedUnits": [{"id": target.id}]}}
    assert (await api.get(f"/v2/endpoints/{old_id}")).status == 404
    reply = await api.get(
        f"/v2/endpoints/{new_id}", params=[("expand", "all"), ("expand", "feature:connectivity")]
    )
    assert reply.json["associatedUnits"] == [{"id": target.id}]
    connectivity = next(f for f in reply.json["features"] if f["name"] == "connectivity")
    assert connectivity["properties"][0]["value"]["value"] == "UNREACHABLE"  # rebooting
    reply = await api.get(f"/v2/endpoints/{new_id}/settings/Alexa.DoNotDisturb.doNotDisturb")
    assert reply.json is False  # settings cleared
    clock.advance(sim.state.timing.reboot_delay)
    reply = await api.get(f"/v2/endpoints/{new_id}/features/connectivity")
    assert reply.json["properties"][0]["value"]["value"] == "OK"

    # Back to the business account.
    reply = await api.put(
        f"/v2/endpoints/{new_id}/associatedUnits", [{"id": "~caller.defaultUnitId"}]
    )
    assert reply.status == 200
    assert reply.json["endpoint"]["associatedUnits"] == [{"id": "~caller.defaultUnitId"}]
    assert sim.state.endpoints[reply.json["endpoint"]["id"]].unit_id is None


async def test_reassociation_errors(api: Api, sim: Simulator) -> None:
    endpoint = visible_endpoint(sim)
    home = vacant_home(sim)
    occupied = next(h for h in sim.state.homes.values() if sim.state.home_state(h) is Occ.OCCUPIED)
    community = next(iter(sim.state.communities))
    path = f"/v2/endpoints/{endpoint.id}/associatedUnits"
    cases: list[tuple[object, int]] = [
        ({"id": home.id}, 400),  # not a list
        ([], 400),
        ([{"id": home.id}, {"id": home.id}], 400),  # one unit at a time
        (["just-a-string"], 400),
        ([{"id": "bad"}], 400),
        ([{"id": community}], 400),
        ([{"id": UNKNOWN_UNIT}], 404),
        ([{"id": occupied.id}], 403),
    ]
    for body, status in cases:
        reply = await api.put(path, body)
        assert reply.status == status, (body, reply.text)
    assert (
        await api.put(f"/v2/endpoints/{UNKNOWN_EP}/associatedUnits", [{"id": home.id}])
    ).status == 404
    offline = visible_endpoint(sim)
    offline.online = False
    reply = await api.put(f"/v2/endpoints/{offline.id}/associatedUnits", [{"id": home.id}])
    assert (reply.status, reply.json["code"]) == (400, "ENDPOINT_UNREACHABLE")


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"type": "PLAIN", "value": {"text": "Front Doorbell"}}, 200),
        ({"type": "PLAIN", "value": {"text": "Mary's Lamp 2"}}, 200),
        ({"type": "PLAIN", "value": {"text": "客厅灯"}}, 200),
        ({"type": "PLAIN", "value": {"text": "x" * 128}}, 200),
        ({"type": "PLAIN", "value": {"text": "x" * 129}}, 400),
        ({"type": "PLAIN", "value": {"text": ""}}, 400),
        ({"type": "PLAIN", "value": {"text": "Lamp!"}}, 400),
        ({"type": "PLAIN", "value": {"text": "   "}}, 400),
        ({"type": "PLAIN", "value": {"text": "''"}}, 400),
        ({"type": "HTML", "value": {"text": "Lamp"}}, 400),
        ({"type": "PLAIN"}, 400),
    ],
)
async def test_friendly_name(
    api: Api, sim: Simulator, body: dict[str, object], status: int
) -> None:
    endpoint = visible_endpoint(sim)
    reply = await api.post(f"/v2/endpoints/{endpoint.id}/friendlyName", body)
    assert reply.status == status, reply.text
    if status == 200:
        assert reply.body == b""
        got = await api.get(f"/v2/endpoints/{endpoint.id}")
        assert got.json["friendlyName"] == body
    else:
        assert set(reply.json) == {"message", "code"}


async def test_friendly_name_length_code(api: Api, sim: Simulator) -> None:
    endpoint = visible_endpoint(sim)
    body = {"type": "PLAIN", "value": {"text": "x" * 129}}
    reply = await api.post(f"/v2/endpoints/{endpoint.id}/friendlyName", body)
    assert reply.json["code"] == "INVALID_STRING_LENGTH"


@pytest.mark.parametrize("action", ["deregister", "forget"])
async def test_removal(api: Api, sim: Simulator, action: str) -> None:
    endpoint = visible_endpoint(sim)
    reply = await api.post(f"/v2/endpoints/{endpoint.id}/{action}")
    assert (reply.status, reply.body) == (200, b"")
    assert (await api.get(f"/v2/endpoints/{endpoint.id}")).status == 404
    assert (await api.post(f"/v2/endpoints/{endpoint.id}/{action}")).status == 404
    assert (await api.post(f"/v2/endpoints/bad/{action}")).status == 400
    listed = await collect_pages(
        api, "/v2/endpoints", {"owner": "~caller", "maxResults": "50"}, "results"
    )
    assert endpoint.id not in {e["id"] for e in listed}


async def test_delete_timers(api: Api, sim: Simulator) -> None:
    echo = visible_endpoint(sim, feature="speaker")
    echo.timers = 2
    reply = await api.delete("/v1/alerts/timers", params={"endpoint": echo.id})
    assert (reply.status, reply.body) == (204, b"")
    assert echo.timers == 0
    plug = visible_endpoint(sim, feature="power")
    assert kind_of(plug).is_echo is False
    assert (await api.delete("/v1/alerts/timers", params={"endpoint": plug.id})).status == 400
    assert (await api.delete("/v1/alerts/timers")).status == 400
    assert (await api.delete("/v1/alerts/timers", params={"endpoint": "bad"})).status == 400
    assert (await api.delete("/v1/alerts/timers", params={"endpoint": UNKNOWN_EP})).status == 404
