"""Fault injection: scripted and rate-based throttling, errors, hangs, malformed JSON, latency."""

import asyncio
import json
import time

import aiohttp
import pytest

from simulator import RunningSimulator
from simulator.core import Simulator

from .conftest import Api, assert_request_id, vacant_home

ENDPOINTS = ("/v2/endpoints", {"owner": "~caller"})


async def _script(anon: Api, *faults: dict[str, object]) -> None:
    reply = await anon.post("/_admin/faults/script", list(faults))
    assert reply.status == 200, reply.text


async def test_scripted_429_with_and_without_retry_after(api: Api, anon: Api) -> None:
    await _script(anon, {"status": 429, "retry_after": 3}, {"status": 429})
    reply = await api.get(ENDPOINTS[0], params=ENDPOINTS[1])
    assert reply.status == 429
    assert reply.headers["Retry-After"] == "3"
    assert set(reply.json) == {"message", "code"}
    assert_request_id(reply)
    reply = await api.get(ENDPOINTS[0], params=ENDPOINTS[1])
    assert reply.status == 429
    assert "Retry-After" not in reply.headers
    assert (await api.get(ENDPOINTS[0], params=ENDPOINTS[1])).status == 200


@pytest.mark.parametrize(
    ("method", "path", "keys"),
    [
        ("GET", "/enterprise/residential/v1/homes/HOME", {"message"}),
        ("GET", "/enterprise/residential/v1/homes/HOME/occupancies/~latest", {"type", "message"}),
        ("GET", "/v1/skills/enablements?unitId=HOME", {"type", "message"}),
        ("GET", "/v2/automations/templates", {"type", "message"}),
        ("GET", "/v2/units/HOME", {"message", "code"}),
    ],
)
@pytest.mark.parametrize("status", [429, 500, 503])
async def test_faults_speak_each_familys_error_shape(
    api: Api, anon: Api, sim: Simulator, method: str, path: str, keys: set[str], status: int
) -> None:
    await _script(anon, {"status": status})
    reply = await api.call(method, path.replace("HOME", vacant_home(sim).id))
    assert reply.status == status
    assert set(reply.json) == keys


async def test_batch_fault_shape(api: Api, anon: Api, sim: Simulator) -> None:
    await _script(anon, {"status": 503})
    skill = next(iter(sim.state.skills))
    reply = await api.post(f"/v1/skills/{skill}/enablements/batch", {"items": []})
    assert reply.status == 503
    assert reply.json["errors"][0]["status"] == 503


async def test_scripted_faults_follow_their_path_pattern(
    api: Api, anon: Api, sim: Simulator
) -> None:
    await _script(anon, {"status": 500, "path_pattern": "^/v2/units"})
    assert (await api.get(ENDPOINTS[0], params=ENDPOINTS[1])).status == 200
    assert (await api.get(f"/v2/units/{sim.state.organization_id}")).status == 500
    assert (await api.get(f"/v2/units/{sim.state.organization_id}")).status == 200


async def test_rates_are_seeded_and_repeatable(api: Api, anon: Api) -> None:
    async def run() -> list[int]:
        reply = await anon.put(
            "/_admin/faults", {"rate_429": 0.2, "rate_500": 0.1, "rate_503": 0.1, "seed": 42}
        )
        assert reply.status == 200
        return [(await api.get(ENDPOINTS[0], params=ENDPOINTS[1])).status for _ in range(40)]

    first = await run()
    assert set(first) == {200, 429, 500, 503}
    assert await run() == first
    faults = (await anon.get("/_admin/faults")).json
    assert faults["injected"]["rate_429"] == 2 * first.count(429)


async def test_rates_spare_admin_and_lwa(api: Api, anon: Api, server: RunningSimulator) -> None:
    await anon.put("/_admin/faults", {"rate_503": 1})
    assert (await api.get(ENDPOINTS[0], params=ENDPOINTS[1])).status == 503
    assert (await anon.get("/_admin/stats")).status == 200
    creds = server.credentials
    form = {
        "grant_type": "refresh_token",
        "refresh_token": server.sim.new_refresh_token(),
        "client_id": creds.client_id,
        "client_secret": creds.client_secret,
    }
    assert (await anon.form("/auth/o2/token", form)).status == 200
    await anon.put("/_admin/faults", {"include_lwa": True})
    reply = await anon.form(
        "/auth/o2/token", form | {"refresh_token": server.sim.new_refresh_token()}
    )
    assert reply.status == 503
    assert reply.json["error"] == "temporarily_unavailable"
    await anon.delete("/_admin/faults")
    assert (await api.get(ENDPOINTS[0], params=ENDPOINTS[1])).status == 200


async def test_rate_path_pattern(api: Api, anon: Api, sim: Simulator) -> None:
    await anon.put("/_admin/faults", {"rate_500": 1, "path_pattern": "^/v2/endpoints"})
    assert (await api.get(ENDPOINTS[0], params=ENDPOINTS[1])).status == 500
    assert (await api.get(f"/v2/units/{sim.state.organization_id}")).status == 200


async def test_malformed_json(api: Api, anon: Api) -> None:
    await _script(anon, {"kind": "malformed"})
    reply = await api.get(ENDPOINTS[0], params=ENDPOINTS[1])
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("application/json")
    with pytest.raises(json.JSONDecodeError):
        json.loads(reply.body)


async def test_malformed_bodiless_answer(api: Api, anon: Api, sim: Simulator) -> None:
    await _script(anon, {"kind": "malformed"})
    template = next(iter(sim.state.templates))
    reply = await api.delete(f"/v2/automations/templates/{template}")
    assert reply.status in {200, 400}
    with pytest.raises(json.JSONDecodeError):
        json.loads(reply.body)


async def test_hung_request_ends_when_the_client_gives_up(
    server: RunningSimulator, anon: Api, api: Api
) -> None:
    await _script(anon, {"kind": "hang", "hang_seconds": 30})
    timeout = aiohttp.ClientTimeout(total=0.3)
    started = time.monotonic()
    async with aiohttp.ClientSession(timeout=timeout) as session:
        with pytest.raises(TimeoutError):
            await session.get(
                server.base_url + "/v2/endpoints",
                params={"owner": "~caller"},
                headers={"Authorization": f"Bearer {api.token}"},
            )
    assert time.monotonic() - started < 5
    for _ in range(40):
        log = (await anon.get("/_admin/requests", params={"route": "/v2/endpoints"})).json
        if log["requests"] and log["requests"][-1]["fault"] == "hang":
            break
        await asyncio.sleep(0.05)
    assert log["requests"][-1]["status"] == 499


async def test_log_numbers_requests_as_they_arrive(
    server: RunningSimulator, anon: Api, api: Api
) -> None:
    """A hung request is logged after the retry that follows it; its arrival says first."""
    await _script(anon, {"kind": "hang", "hang_seconds": 30})
    timeout = aiohttp.ClientTimeout(total=0.3)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        with pytest.raises(TimeoutError):
            await session.get(
                server.base_url + "/v2/endpoints",
                params={"owner": "~caller"},
                headers={"Authorization": f"Bearer {api.token}"},
            )
    assert (await api.get(ENDPOINTS[0], params=ENDPOINTS[1])).status == 200
    for _ in range(40):
        log = (await anon.get("/_admin/requests", params={"route": "/v2/endpoints"})).json
        if len(log["requests"]) == 2:
            break
        await asyncio.sleep(0.05)
    retry, hung = log["requests"]  # finish order: the retry ended first
    assert (hung["fault"], retry["fault"]) == ("hang", None)
    assert hung["arrival"] < retry["arrival"]


async def test_hang_that_runs_out_is_503(api: Api, anon: Api) -> None:
    await _script(anon, {"kind": "hang", "hang_seconds": 0.1})
    assert (await api.get(ENDPOINTS[0], params=ENDPOINTS[1])).status == 503


async def test_latency(api: Api, anon: Api) -> None:
    await anon.put("/_admin/faults", {"latency_ms": 150})
    started = time.monotonic()
    assert (await api.get(ENDPOINTS[0], params=ENDPOINTS[1])).status == 200
    assert time.monotonic() - started >= 0.15


@pytest.mark.parametrize(
    "body",
    [
        {"rate_429": 2},
        {"rate_429": -0.1},
        {"rate_429": "often"},
        {"rate_500": 0.6, "rate_503": 0.6},
        {"volume": 11},
        {"path_pattern": "("},
    ],
)
async def test_fault_settings_validation(anon: Api, body: dict[str, object]) -> None:
    assert (await anon.put("/_admin/faults", body)).status == 400


@pytest.mark.parametrize(
    "body",
    [{"status": 418}, {"kind": "explode"}, "x", {"faults": "x"}],
)
async def test_fault_script_validation(anon: Api, body: object) -> None:
    payload = body if isinstance(body, dict) and "faults" in body else [body]
    assert (await anon.post("/_admin/faults/script", payload)).status == 400
