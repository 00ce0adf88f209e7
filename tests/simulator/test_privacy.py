"""The privacy rule: an OCCUPIED or LINKED home's resources belong to the resident."""

import pytest

from simulator import ManualClock
from simulator.core import Simulator
from simulator.state import Home, Occ

from .conftest import Api, collect_pages, endpoints_of, homes_in, vacant_home

DND = "Alexa.DoNotDisturb.doNotDisturb"


async def _owner_ids(api: Api) -> set[str]:
    results = await collect_pages(
        api, "/v2/endpoints", {"owner": "~caller", "maxResults": "50"}, "results"
    )
    return {e["id"] for e in results}


def _direct_calls(
    endpoint_id: str, home: Home
) -> list[tuple[str, str, object, dict[str, str] | None]]:
    return [
        ("GET", f"/v2/endpoints/{endpoint_id}", None, None),
        ("GET", f"/v2/endpoints/{endpoint_id}/features/connectivity", None, None),
        ("POST", f"/v2/endpoints/{endpoint_id}/features/power/turnOn", None, None),
        ("GET", f"/v2/endpoints/{endpoint_id}/settings/{DND}", None, None),
        ("PUT", f"/v2/endpoints/{endpoint_id}/settings/{DND}", {"value": True}, None),
        (
            "POST",
            f"/v2/endpoints/{endpoint_id}/friendlyName",
            {"type": "PLAIN", "value": {"text": "x"}},
            None,
        ),
        ("PUT", f"/v2/endpoints/{endpoint_id}/associatedUnits", [{"id": home.id}], None),
        ("POST", f"/v2/endpoints/{endpoint_id}/deregister", None, None),
        ("POST", f"/v2/endpoints/{endpoint_id}/forget", None, None),
        ("DELETE", "/v1/alerts/timers", None, {"endpoint": endpoint_id}),
    ]


@pytest.mark.parametrize("state", [Occ.OCCUPIED, Occ.LINKED])
async def test_devices_of_private_homes_are_hidden_and_forbidden(
    api: Api, sim: Simulator, state: Occ
) -> None:
    home = homes_in(sim, state)[0]
    hidden = {e.id for e in endpoints_of(sim, home)}
    assert hidden
    assert not hidden & await _owner_ids(api)
    reply = await api.get("/v2/endpoints", params={"associatedUnits.id": home.id})
    assert (reply.status, reply.json) == (200, {"results": []})
    endpoint = endpoints_of(sim, home)[0]
    reply = await api.get(
        "/v2/endpoints", params={"serialNumber.value.text": endpoint.serial_number}
    )
    assert reply.json["results"] == []
    query = {"query": {"or": [{"match": {"associatedUnits.id": home.id}}]}}
    assert (await api.post("/v2/endpointQuery", query)).json["results"] == []
    target = vacant_home(sim)
    for method, path, body, params in _direct_calls(endpoint.id, target):
        reply = await api.call(method, path, json_body=body, params=params)
        assert reply.status == 403, (method, path)
        assert set(reply.json) == {"message", "code"}
    assert endpoint.id in sim.state.endpoints  # nothing was removed


async def test_devices_come_back_when_vacant(api: Api, sim: Simulator, clock: ManualClock) -> None:
    home = homes_in(sim, Occ.LINKED)[0]
    hidden = {e.id for e in endpoints_of(sim, home)}
    reply = await api.post(
        f"/enterprise/residential/v1/homes/{home.id}/occupancies", {"state": "VACANT"}
    )
    assert reply.status == 202
    # Still the resident's while the move-out is in progress.
    assert not hidden & await _owner_ids(api)
    clock.advance(sim.state.timing.occupancy_delay)
    assert hidden <= await _owner_ids(api)
    endpoint_id = next(iter(hidden))
    assert (await api.get(f"/v2/endpoints/{endpoint_id}")).status == 200


async def test_devices_disappear_on_move_in(api: Api, sim: Simulator, clock: ManualClock) -> None:
    home = vacant_home(sim)
    devices = {e.id for e in endpoints_of(sim, home)}
    assert devices <= await _owner_ids(api)
    await api.post(f"/enterprise/residential/v1/homes/{home.id}/occupancies", {"state": "OCCUPIED"})
    assert devices <= await _owner_ids(api)  # VACANT until the change completes
    clock.advance(sim.state.timing.occupancy_delay)
    assert not devices & await _owner_ids(api)


@pytest.mark.parametrize("state", [Occ.OCCUPIED, Occ.LINKED])
async def test_skills_and_automations_of_private_homes(
    api: Api, sim: Simulator, state: Occ
) -> None:
    home = homes_in(sim, state)[0]
    skill = next(iter(sim.state.skills.values()))
    assert (await api.get("/v1/skills/enablements", params={"unitId": home.id})).status == 403
    reply = await api.get(f"/v1/skills/{skill.id}/enablements", params={"unitId": home.id})
    assert reply.status == 403
    reply = await api.post(
        f"/v1/skills/{skill.id}/enablements", {"unitId": home.id, "stage": "live"}
    )
    assert reply.status in {400, 403}
    reply = await api.get(
        "/v2/automations",
        params={"associatedEntity.type": "UNIT", "associatedEntity.id": home.id},
    )
    assert (reply.status, reply.json["results"]) == (200, [])


async def test_home_units_stay_readable(api: Api, sim: Simulator) -> None:
    home = homes_in(sim, Occ.LINKED)[0]
    assert (await api.get(f"/enterprise/residential/v1/homes/{home.id}")).status == 200
    assert (await api.get(f"/v2/units/{home.id}")).status == 200
    reply = await api.get(f"/enterprise/residential/v1/homes/{home.id}/occupancies/~latest")
    assert reply.json["state"] == "LINKED"
