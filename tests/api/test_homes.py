"""Home and Community API: requests match the page's examples; responses parse."""

from __future__ import annotations

from custom_components.alexa_smart_properties.api import AspClient, Home, HomeCommunity

from .conftest import ACCESS_TOKEN, FakeAsp, Reply, load_fixture

ORG = "amzn1.alexa.unit.did.org1"
COMMUNITY = "amzn1.alexa.unit.did.community1"
HOME = "amzn1.alexa.unit.did.home1"
BASE = "/enterprise/residential/v1"


async def test_create_home_community(client: AspClient, fake: FakeAsp) -> None:
    fake.reply(
        "POST",
        f"{BASE}/homeCommunities",
        201,
        load_fixture("home_community_create_response.json"),
        headers={"Location": f"{BASE}/homeCommunities/amzn1.alexa.unit.did.{{id}}"},
    )
    created = await client.create_home_community(ORG, "Maple Court")
    assert created == "amzn1.alexa.unit.did.{id}"
    (call,) = fake.requests
    assert (call.method, call.path, call.query) == ("POST", f"{BASE}/homeCommunities", [])
    assert call.json == {"name": "Maple Court", "organizationId": ORG}
    assert call.json.keys() == load_fixture("home_community_create_request.json").keys()
    assert call.headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert call.headers["Accept"] == "application/json"
    assert call.headers["Content-Type"] == "application/json"


async def test_create_takes_id_from_location_when_body_is_empty(
    client: AspClient, fake: FakeAsp
) -> None:
    fake.reply("POST", f"{BASE}/homes", 201, headers={"Location": f'"{BASE}/homes/{HOME}"'})
    assert await client.create_home(COMMUNITY, "Unit 4") == HOME


async def test_get_home_community(client: AspClient, fake: FakeAsp) -> None:
    fixture = load_fixture("home_community_get.json")
    fake.reply("GET", f"{BASE}/homeCommunities/{COMMUNITY}", json=fixture)
    community = await client.get_home_community(COMMUNITY)
    assert community == HomeCommunity(
        id="amzn1.alexa.unit.did.{id}",
        name="{homeCommunityName}",
        organization_id="amzn1.alexa.unit.did.{id}",
    )
    assert community.raw == fixture
    (call,) = fake.requests
    assert (call.method, call.path, call.body) == (
        "GET",
        f"{BASE}/homeCommunities/{COMMUNITY}",
        b"",
    )


async def test_list_home_communities(client: AspClient, fake: FakeAsp) -> None:
    fake.reply("GET", f"{BASE}/homeCommunities", json=load_fixture("home_communities_list.json"))
    communities = await client.list_home_communities(ORG, max_results=5)
    assert [c.name for c in communities] == ["{homeCommunityName}"]
    (call,) = fake.requests
    assert call.query == [("organizationId", ORG), ("maxResults", "5")]


async def test_update_home_community(client: AspClient, fake: FakeAsp) -> None:
    fake.reply("PUT", f"{BASE}/homeCommunities/{COMMUNITY}", 204)
    await client.update_home_community(COMMUNITY, organization_id=ORG, name="Maple Court II")
    (call,) = fake.requests
    assert call.json == {"id": COMMUNITY, "organizationId": ORG, "name": "Maple Court II"}
    assert call.json.keys() == load_fixture("home_community_update_request.json").keys()


async def test_delete_home_community(client: AspClient, fake: FakeAsp) -> None:
    fake.reply("DELETE", f"{BASE}/homeCommunities/{COMMUNITY}", 204)
    await client.delete_home_community(COMMUNITY)
    (call,) = fake.requests
    assert (call.method, call.path, call.body) == (
        "DELETE",
        f"{BASE}/homeCommunities/{COMMUNITY}",
        b"",
    )


async def test_create_home(client: AspClient, fake: FakeAsp) -> None:
    fake.reply("POST", f"{BASE}/homes", 201, load_fixture("home_create_response.json"))
    assert await client.create_home(COMMUNITY, "Unit 4") == "amzn1.alexa.unit.did.{id}"
    (call,) = fake.requests
    assert call.json == {"name": "Unit 4", "homeCommunityId": COMMUNITY}
    assert call.json.keys() == load_fixture("home_create_request.json").keys()


async def test_get_home(client: AspClient, fake: FakeAsp) -> None:
    fake.reply("GET", f"{BASE}/homes/{HOME}", json=load_fixture("home_get.json"))
    home = await client.get_home(HOME)
    assert home == Home(
        id="amzn1.alexa.unit.did.{id}",
        name="{homeName}",
        home_community_id="amzn1.alexa.unit.did.{id}",
    )


async def test_list_homes_follows_pages(client: AspClient, fake: FakeAsp) -> None:
    page1 = load_fixture("homes_list.json") | {"paginationContext": {"nextToken": "t1"}}
    page2 = {"homes": [{"id": HOME, "name": "Unit 4", "homeCommunityId": COMMUNITY}]}
    fake.add("GET", f"{BASE}/homes", Reply(json=page1), Reply(json=page2))
    homes = await client.list_homes(COMMUNITY)
    assert [h.name for h in homes] == ["{homeName}", "Unit 4"]
    assert [c.query for c in fake.requests] == [
        [("homeCommunityId", COMMUNITY), ("maxResults", "10")],
        [("homeCommunityId", COMMUNITY), ("maxResults", "10"), ("nextToken", "t1")],
    ]


async def test_update_home(client: AspClient, fake: FakeAsp) -> None:
    fake.reply("PUT", f"{BASE}/homes/{HOME}", 204)
    await client.update_home(HOME, home_community_id=COMMUNITY, name="Unit 4B")
    (call,) = fake.requests
    assert call.json == {"id": HOME, "homeCommunityId": COMMUNITY, "name": "Unit 4B"}
    assert call.json.keys() == load_fixture("home_update_request.json").keys()


async def test_delete_home(client: AspClient, fake: FakeAsp) -> None:
    fake.reply("DELETE", f"{BASE}/homes/{HOME}", 204)
    await client.delete_home(HOME)
    assert [(c.method, c.path) for c in fake.requests] == [("DELETE", f"{BASE}/homes/{HOME}")]
