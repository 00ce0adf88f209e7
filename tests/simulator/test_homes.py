"""Home and Community API contract: every operation, status code and validation rule."""

import pytest

from simulator.core import Simulator
from simulator.state import Occ

from .conftest import Api, assert_request_id, collect_pages, homes_in, vacant_home

BASE = "/enterprise/residential/v1"
MALFORMED = "not-a-unit-id"
UNKNOWN = "amzn1.alexa.unit.did.UNKNOWN0000000000000000000000"


async def test_community_lifecycle(api: Api, sim: Simulator) -> None:
    org = sim.state.organization_id
    reply = await api.post(f"{BASE}/homeCommunities", {"name": "Pine Hill", "organizationId": org})
    assert reply.status == 201
    community_id = reply.json["id"]
    assert community_id.startswith("amzn1.alexa.unit.did.")
    assert reply.headers["Location"] == f"{BASE}/homeCommunities/{community_id}"
    assert_request_id(reply)

    reply = await api.get(f"{BASE}/homeCommunities/{community_id}")
    assert (reply.status, reply.json) == (
        200,
        {"id": community_id, "name": "Pine Hill", "organizationId": org},
    )

    body = {"id": community_id, "organizationId": org, "name": "Pine Hill North"}
    reply = await api.put(f"{BASE}/homeCommunities/{community_id}", body)
    assert (reply.status, reply.body) == (204, b"")
    assert (await api.get(f"{BASE}/homeCommunities/{community_id}")).json["name"] == (
        "Pine Hill North"
    )

    reply = await api.delete(f"{BASE}/homeCommunities/{community_id}")
    assert (reply.status, reply.body) == (204, b"")
    assert (await api.get(f"{BASE}/homeCommunities/{community_id}")).status == 404


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"organizationId": "ORG"}, 400),  # name missing
        ({"name": "", "organizationId": "ORG"}, 400),
        ({"name": "X"}, 400),  # organizationId missing
        ({"name": "X", "organizationId": "bad"}, 400),
        ({"name": "X", "organizationId": UNKNOWN}, 403),  # another organization
    ],
)
async def test_create_community_errors(
    api: Api, sim: Simulator, body: dict[str, str], status: int
) -> None:
    body = {k: sim.state.organization_id if v == "ORG" else v for k, v in body.items()}
    reply = await api.post(f"{BASE}/homeCommunities", body)
    assert reply.status == status
    assert set(reply.json) == {"message"}
    assert_request_id(reply)


@pytest.mark.parametrize("raw", [b"", b"{not json", b"[1, 2]"])
async def test_malformed_bodies_are_400(api: Api, raw: bytes) -> None:
    reply = await api.call("POST", f"{BASE}/homeCommunities", raw_body=raw)
    assert reply.status == 400
    assert set(reply.json) == {"message"}


async def test_get_community_errors(api: Api) -> None:
    assert (await api.get(f"{BASE}/homeCommunities/{MALFORMED}")).status == 400
    reply = await api.get(f"{BASE}/homeCommunities/{UNKNOWN}")
    assert reply.status == 404
    assert set(reply.json) == {"message"}


async def test_list_communities(api: Api, sim: Simulator) -> None:
    org = sim.state.organization_id
    communities = await collect_pages(
        api,
        f"{BASE}/homeCommunities",
        {"organizationId": org, "maxResults": "1"},
        "homeCommunities",
    )
    assert [c["id"] for c in communities] == list(sim.state.communities)
    assert all(c["organizationId"] == org for c in communities)


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({}, 400),
        ({"organizationId": MALFORMED}, 400),
        ({"organizationId": UNKNOWN}, 403),
        ({"organizationId": "ORG", "maxResults": "0"}, 400),
        ({"organizationId": "ORG", "maxResults": "11"}, 400),
        ({"organizationId": "ORG", "maxResults": "ten"}, 400),
        ({"organizationId": "ORG", "maxResults": "10"}, 200),
        ({"organizationId": "ORG", "nextToken": "garbage"}, 400),
    ],
)
async def test_list_communities_errors(
    api: Api, sim: Simulator, params: dict[str, str], status: int
) -> None:
    params = {k: sim.state.organization_id if v == "ORG" else v for k, v in params.items()}
    assert (await api.get(f"{BASE}/homeCommunities", params=params)).status == status


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"id": UNKNOWN}, 400),  # body and path disagree
        ({"name": ""}, 400),
        ({"organizationId": MALFORMED}, 400),
        ({"organizationId": UNKNOWN}, 403),
    ],
)
async def test_update_community_errors(
    api: Api, sim: Simulator, change: dict[str, str], status: int
) -> None:
    community_id = next(iter(sim.state.communities))
    body = {"id": community_id, "organizationId": sim.state.organization_id, "name": "N"} | change
    assert (await api.put(f"{BASE}/homeCommunities/{community_id}", body)).status == status


async def test_update_unknown_community_is_404(api: Api, sim: Simulator) -> None:
    body = {"id": UNKNOWN, "organizationId": sim.state.organization_id, "name": "N"}
    assert (await api.put(f"{BASE}/homeCommunities/{UNKNOWN}", body)).status == 404
    assert (await api.put(f"{BASE}/homeCommunities/{MALFORMED}", body)).status == 400


async def test_delete_community_errors(api: Api, sim: Simulator) -> None:
    assert (await api.delete(f"{BASE}/homeCommunities/{MALFORMED}")).status == 400
    assert (await api.delete(f"{BASE}/homeCommunities/{UNKNOWN}")).status == 404
    # A community with homes is refused.
    community_id = next(iter(sim.state.communities))
    assert (await api.delete(f"{BASE}/homeCommunities/{community_id}")).status == 400


async def test_home_lifecycle(api: Api, sim: Simulator) -> None:
    community_id, other_id = list(sim.state.communities)[:2]
    reply = await api.post(f"{BASE}/homes", {"name": "Unit 901", "homeCommunityId": community_id})
    assert reply.status == 201
    home_id = reply.json["id"]
    assert reply.headers["Location"] == f"{BASE}/homes/{home_id}"

    reply = await api.get(f"{BASE}/homes/{home_id}")
    assert reply.json == {"id": home_id, "homeCommunityId": community_id, "name": "Unit 901"}

    body = {"id": home_id, "homeCommunityId": other_id, "name": "Unit 902"}
    assert (await api.put(f"{BASE}/homes/{home_id}", body)).status == 204
    assert (await api.get(f"{BASE}/homes/{home_id}")).json == body

    # A new home is vacant and has no occupancy yet.
    reply = await api.get(f"{BASE}/homes/{home_id}/occupancies/~latest")
    assert reply.status == 404

    assert (await api.delete(f"{BASE}/homes/{home_id}")).status == 204
    assert (await api.get(f"{BASE}/homes/{home_id}")).status == 404


@pytest.mark.parametrize(
    "body",
    [
        {"homeCommunityId": "C"},
        {"name": "  ", "homeCommunityId": "C"},
        {"name": "X"},
        {"name": "X", "homeCommunityId": MALFORMED},
        {"name": "X", "homeCommunityId": UNKNOWN},  # create lists no 404: unknown is 400
    ],
)
async def test_create_home_errors(api: Api, sim: Simulator, body: dict[str, str]) -> None:
    community_id = next(iter(sim.state.communities))
    body = {k: community_id if v == "C" else v for k, v in body.items()}
    reply = await api.post(f"{BASE}/homes", body)
    assert reply.status == 400
    assert set(reply.json) == {"message"}


async def test_list_homes(api: Api, sim: Simulator) -> None:
    for community_id in sim.state.communities:
        homes = await collect_pages(
            api, f"{BASE}/homes", {"homeCommunityId": community_id, "maxResults": "3"}, "homes"
        )
        expected = [h.id for h in sim.state.homes.values() if h.community_id == community_id]
        assert [h["id"] for h in homes] == expected
        assert {h["homeCommunityId"] for h in homes} == {community_id}


async def test_list_homes_default_page_is_10(api: Api, sim: Simulator) -> None:
    community_id = next(iter(sim.state.communities))
    reply = await api.get(f"{BASE}/homes", params={"homeCommunityId": community_id})
    assert len(reply.json["homes"]) == 8  # 16 homes over 2 communities
    assert "paginationContext" not in reply.json


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({}, 400),
        ({"homeCommunityId": MALFORMED}, 400),
        ({"homeCommunityId": UNKNOWN}, 404),
        ({"homeCommunityId": "C", "maxResults": "0"}, 400),
        ({"homeCommunityId": "C", "maxResults": "11"}, 400),
        ({"homeCommunityId": "C", "maxResults": "1"}, 200),
    ],
)
async def test_list_homes_errors(
    api: Api, sim: Simulator, params: dict[str, str], status: int
) -> None:
    community_id = next(iter(sim.state.communities))
    params = {k: community_id if v == "C" else v for k, v in params.items()}
    assert (await api.get(f"{BASE}/homes", params=params)).status == status


async def test_home_errors(api: Api, sim: Simulator) -> None:
    home = vacant_home(sim)
    community_id = home.community_id
    assert (await api.get(f"{BASE}/homes/{MALFORMED}")).status == 400
    assert (await api.get(f"{BASE}/homes/{UNKNOWN}")).status == 404
    good = {"id": home.id, "homeCommunityId": community_id, "name": "N"}
    for change, status in [
        ({"id": UNKNOWN}, 400),
        ({"name": ""}, 400),
        ({"homeCommunityId": MALFORMED}, 400),
        ({"homeCommunityId": UNKNOWN}, 400),
    ]:
        assert (await api.put(f"{BASE}/homes/{home.id}", good | change)).status == status
    assert (await api.put(f"{BASE}/homes/{UNKNOWN}", good | {"id": UNKNOWN})).status == 404
    assert (await api.put(f"{BASE}/homes/{MALFORMED}", good)).status == 400
    assert (await api.delete(f"{BASE}/homes/{MALFORMED}")).status == 400
    assert (await api.delete(f"{BASE}/homes/{UNKNOWN}")).status == 404


@pytest.mark.parametrize("state", [Occ.OCCUPIED, Occ.LINKED])
async def test_occupied_homes_are_read_only(api: Api, sim: Simulator, state: Occ) -> None:
    home = homes_in(sim, state)[0]
    assert (await api.get(f"{BASE}/homes/{home.id}")).status == 200
    body = {"id": home.id, "homeCommunityId": home.community_id, "name": "Renamed"}
    assert (await api.put(f"{BASE}/homes/{home.id}", body)).status == 403
    assert (await api.delete(f"{BASE}/homes/{home.id}")).status == 403


async def test_deleting_a_home_returns_its_devices(api: Api, sim: Simulator) -> None:
    home = vacant_home(sim)
    devices = [e.id for e in sim.state.endpoints.values() if e.unit_id == home.id]
    assert devices
    assert (await api.delete(f"{BASE}/homes/{home.id}")).status == 204
    reply = await api.get(
        "/v2/endpoints", params={"associatedUnits.id": "~caller.defaultUnitId", "maxResults": "50"}
    )
    assert set(devices) <= {e["id"] for e in reply.json["results"]}


async def test_unknown_route_and_method(api: Api) -> None:
    reply = await api.get(f"{BASE}/nothing-here")
    assert reply.status == 404
    assert_request_id(reply)
    reply = await api.call("PATCH", f"{BASE}/homes")
    assert reply.status == 405
    assert set(reply.json) == {"message"}
