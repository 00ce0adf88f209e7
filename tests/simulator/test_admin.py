"""Admin API: counters, request log, summaries, clock, timing, skills, tokens."""

from simulator import ManualClock, RunningSimulator
from simulator.core import Simulator

from .conftest import Api


async def test_index_lists_admin_routes(anon: Api) -> None:
    routes = (await anon.get("/_admin")).json["routes"]
    assert "GET /_admin/stats" in routes
    assert "POST /_admin/homes/{homeId}/resident/link" in routes


async def test_credentials_work(anon: Api, server: RunningSimulator) -> None:
    creds = (await anon.get("/_admin/credentials")).json
    assert creds["baseUrl"] == server.base_url
    assert creds["tokenUrl"] == server.base_url + "/auth/o2/token"
    assert creds["organizationId"] == server.sim.state.organization_id
    form = {
        "grant_type": "refresh_token",
        "refresh_token": creds["refreshToken"],
        "client_id": creds["clientId"],
        "client_secret": creds["clientSecret"],
    }
    assert (await anon.form("/auth/o2/token", form)).status == 200
    # The printed token rotated away: the credentials now hand out a fresh grant.
    again = (await anon.get("/_admin/credentials")).json
    assert again["refreshToken"] != creds["refreshToken"]
    # Stable until it stops working in turn.
    assert (await anon.get("/_admin/credentials")).json["refreshToken"] == again["refreshToken"]
    assert (
        await anon.form("/auth/o2/token", form | {"refresh_token": again["refreshToken"]})
    ).status == 200
    extra = (await anon.post("/_admin/tokens/refresh-token")).json["refreshToken"]
    assert (await anon.form("/auth/o2/token", form | {"refresh_token": extra})).status == 200


async def test_counters_and_log(api: Api, anon: Api, sim: Simulator) -> None:
    assert (await anon.delete("/_admin/stats")).status == 204
    home = next(iter(sim.state.homes))
    for _ in range(3):
        await api.get(f"/enterprise/residential/v1/homes/{home}")
    reply = await api.get("/enterprise/residential/v1/homes/amzn1.alexa.unit.did.NOPE")
    stats = (await anon.get("/_admin/stats")).json
    counter = stats["routes"]["GET /enterprise/residential/v1/homes/{id}"]
    assert counter["count"] == 4
    assert counter["statuses"] == {"200": 3, "404": 1}
    assert stats["total"] == 4  # admin calls are not counted
    log = (await anon.get("/_admin/requests", params={"limit": "1", "route": "homes"})).json
    (entry,) = log["requests"]
    assert entry["requestId"] == reply.headers["X-Amzn-RequestId"]
    assert entry["status"] == 404
    assert entry["route"] == "GET /enterprise/residential/v1/homes/{id}"
    assert (await anon.get("/_admin/requests", params={"limit": "x"})).status == 400
    assert (await anon.get("/_admin/requests", params={"limit": "0"})).json == {"requests": []}
    assert (await anon.post("/_admin/stats/reset")).status == 204
    assert (await anon.get("/_admin/stats")).json["routes"] == {}


async def test_summary_and_homes(anon: Api, sim: Simulator) -> None:
    summary = (await anon.get("/_admin/state")).json
    assert summary["organizationName"] == sim.state.organization_name
    assert summary["homes"] == 16
    assert sum(summary["homesByState"].values()) == 16
    assert summary["endpoints"] == 16 * 5 + 4
    assert summary["endpointsVisible"] < summary["endpoints"]
    homes = (await anon.get("/_admin/homes")).json["homes"]
    assert len(homes) == 16
    assert all(len(h["endpoints"]) == 5 for h in homes)


async def test_clock_and_timing(anon: Api, clock: ManualClock) -> None:
    before = clock.now()
    reply = await anon.post("/_admin/clock/advance", {"seconds": 90})
    assert reply.json["epoch"] == before + 90
    assert (await anon.post("/_admin/clock/advance", {"seconds": -1})).status == 400
    reply = await anon.put("/_admin/timing", {"skillEnableDelay": 0, "rebootDelay": 1})
    assert reply.json == {"occupancyDelay": 2.0, "skillEnableDelay": 0.0, "rebootDelay": 1.0}
    assert (await anon.put("/_admin/timing", {"nap": 1})).status == 400
    assert (await anon.put("/_admin/timing", {"rebootDelay": "x"})).status == 400


async def test_add_skill(api: Api, anon: Api, sim: Simulator) -> None:
    skill = {
        "id": "amzn1.ask.skill.new",
        "name": "New",
        "stages": ["development"],
        "accountLinking": False,
    }
    assert (await anon.post("/_admin/skills", skill)).status == 201
    home = next(h for h in sim.state.homes.values() if not sim.state.unit_is_private(h.id))
    reply = await api.post(
        "/v1/skills/amzn1.ask.skill.new/enablements", {"unitId": home.id, "stage": "development"}
    )
    assert reply.status == 201
    assert (await anon.post("/_admin/skills", skill | {"id": "x"})).status == 400
    assert (await anon.post("/_admin/skills", skill | {"stages": ["beta"]})).status == 400


async def test_connectivity_and_errors(anon: Api, sim: Simulator) -> None:
    endpoint = next(iter(sim.state.endpoints))
    path = f"/_admin/endpoints/{endpoint}/connectivity"
    assert (await anon.put(path, {"online": "no"})).status == 400
    assert (await anon.put("/_admin/endpoints/nope/connectivity", {"online": False})).status == 404
    assert (await anon.put(path, {"online": False})).json == {"id": endpoint, "online": False}


async def test_client_settings_validation(anon: Api) -> None:
    assert (await anon.put("/_admin/client", {"granted": "yes"})).status == 400
    assert (await anon.put("/_admin/client", {"redirectUris": "x"})).status == 400
    reply = await anon.put("/_admin/client", {"redirectUris": None})
    assert reply.json["client_secret"] == "***"


async def test_revoke_everything(api: Api, anon: Api) -> None:
    assert (await anon.post("/_admin/tokens/revoke")).json["revokedGrants"] >= 1
    assert (await api.get("/v2/endpoints", params={"owner": "~caller"})).status == 401
    assert (await anon.post("/_admin/tokens/revoke", {"refreshToken": 5})).status == 400


async def test_save_needs_a_state_file(anon: Api) -> None:
    assert (await anon.post("/_admin/save")).status == 409
