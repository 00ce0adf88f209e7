"""Units API: the organization, communities and homes as units."""

from simulator.core import Simulator

from .conftest import Api, collect_pages

UNKNOWN = "amzn1.alexa.unit.did.UNKNOWN0000000000000000000000"


async def test_children_of_the_organization_and_of_a_community(api: Api, sim: Simulator) -> None:
    org = sim.state.organization_id
    communities = await collect_pages(
        api, "/v2/units", {"parentId": org, "expand": "all", "maxResults": "1"}, "results"
    )
    assert [c["id"] for c in communities] == list(sim.state.communities)
    first = communities[0]
    assert first["name"] == {
        "type": "PLAIN",
        "value": {"text": sim.state.communities[first["id"]].name},
    }
    assert first["parentId"] == org
    homes = await collect_pages(api, "/v2/units", {"parentId": first["id"]}, "results")
    expected = [h.id for h in sim.state.homes.values() if h.community_id == first["id"]]
    assert [h["id"] for h in homes] == expected
    assert set(homes[0]) == {"id"}  # not expanded


async def test_get_unit(api: Api, sim: Simulator) -> None:
    home = next(iter(sim.state.homes.values()))
    reply = await api.get(f"/v2/units/{home.id}")
    assert reply.json == {
        "id": home.id,
        "name": {"type": "PLAIN", "value": {"text": home.name}},
        "parentId": home.community_id,
    }
    reply = await api.get(f"/v2/units/{sim.state.organization_id}")
    assert "parentId" not in reply.json
    assert (await api.get("/v2/units/bad")).status == 400
    assert (await api.get(f"/v2/units/{UNKNOWN}")).status == 404


async def test_list_units_errors(api: Api, sim: Simulator) -> None:
    org = sim.state.organization_id
    for params, status in [
        ({}, 400),
        ({"parentId": "bad"}, 400),
        ({"parentId": UNKNOWN}, 404),
        ({"parentId": org, "expand": "some"}, 400),
        ({"parentId": org, "maxResults": "51"}, 400),
        ({"parentId": org, "maxResults": "0"}, 400),
    ]:
        reply = await api.get("/v2/units", params=params)
        assert reply.status == status, params
        assert set(reply.json) == {"message", "code"}
