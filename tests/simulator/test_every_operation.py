"""Every operation answers the documented generic codes in its family's shape.

401 (missing or expired token), 403 (client withdrawn from the ASP console), 429 (with and
without Retry-After), 500 and 503, each with X-Amzn-RequestId.
"""

from typing import Any

import pytest

from simulator import ManualClock
from simulator.core import Simulator

from .conftest import Api, assert_request_id

UNIT = "amzn1.alexa.unit.did.X"
EP = "amzn1.alexa.endpoint.X"
SKILL = "amzn1.ask.skill.X"
TEMPLATE = "amzn1.alexa.automation.template.X"
AUTOMATION = "amzn1.alexa.automation.X"
RES = "/enterprise/residential/v1"

MESSAGE = {"message"}
TYPED = {"type", "message"}
CODED = {"message", "code"}
BATCH = {"errors"}

OPERATIONS: list[tuple[str, str, dict[str, str] | None, set[str]]] = [
    ("POST", f"{RES}/homeCommunities", None, MESSAGE),
    ("GET", f"{RES}/homeCommunities/{UNIT}", None, MESSAGE),
    ("GET", f"{RES}/homeCommunities", {"organizationId": UNIT}, MESSAGE),
    ("PUT", f"{RES}/homeCommunities/{UNIT}", None, MESSAGE),
    ("DELETE", f"{RES}/homeCommunities/{UNIT}", None, MESSAGE),
    ("POST", f"{RES}/homes", None, MESSAGE),
    ("GET", f"{RES}/homes/{UNIT}", None, MESSAGE),
    ("GET", f"{RES}/homes", {"homeCommunityId": UNIT}, MESSAGE),
    ("PUT", f"{RES}/homes/{UNIT}", None, MESSAGE),
    ("DELETE", f"{RES}/homes/{UNIT}", None, MESSAGE),
    ("GET", f"{RES}/homes/{UNIT}/occupancies/~latest", None, TYPED),
    ("GET", f"{RES}/homes/{UNIT}/occupancies/AedX", None, TYPED),
    ("POST", f"{RES}/homes/{UNIT}/occupancies", None, TYPED),
    ("GET", f"/v1/skills/{SKILL}/enablements", {"unitId": UNIT}, TYPED),
    ("GET", "/v1/skills/enablements", {"unitId": UNIT}, TYPED),
    ("POST", f"/v1/skills/{SKILL}/enablements", None, TYPED),
    ("DELETE", f"/v1/skills/{SKILL}/enablements", {"unitId": UNIT}, TYPED),
    ("POST", f"/v1/skills/{SKILL}/enablements/batch", None, BATCH),
    ("GET", "/v2/endpoints", {"owner": "~caller"}, CODED),
    ("GET", "/v2/endpoints", {"associatedUnits.id": UNIT}, CODED),
    ("GET", f"/v2/endpoints/{EP}", None, CODED),
    ("GET", "/v2/endpoints", {"serialNumber.value.text": "S"}, CODED),
    ("POST", "/v2/endpointQuery", None, CODED),
    ("PUT", f"/v2/endpoints/{EP}/associatedUnits", None, CODED),
    ("POST", f"/v2/endpoints/{EP}/friendlyName", None, CODED),
    ("POST", f"/v2/endpoints/{EP}/deregister", None, CODED),
    ("POST", f"/v2/endpoints/{EP}/forget", None, CODED),
    ("DELETE", "/v1/alerts/timers", {"endpoint": EP}, CODED),
    ("GET", f"/v2/endpoints/{EP}/features/power", None, CODED),
    ("POST", f"/v2/endpoints/{EP}/features/power/turnOn", None, CODED),
    ("GET", f"/v2/endpoints/{EP}/settings/Alexa.DoNotDisturb.doNotDisturb", None, CODED),
    ("PUT", f"/v2/endpoints/{EP}/settings/Alexa.DoNotDisturb.doNotDisturb", None, CODED),
    ("GET", "/v2/units", {"parentId": UNIT}, CODED),
    ("GET", f"/v2/units/{UNIT}", None, CODED),
    ("POST", "/v2/automations/templates", None, TYPED),
    ("DELETE", f"/v2/automations/templates/{TEMPLATE}", None, TYPED),
    ("GET", f"/v2/automations/templates/{TEMPLATE}", None, TYPED),
    ("GET", "/v2/automations/templates", {"expand": "all"}, TYPED),
    ("POST", "/v2/automations", None, TYPED),
    ("DELETE", f"/v2/automations/{AUTOMATION}", None, TYPED),
    ("GET", f"/v2/automations/{AUTOMATION}", None, TYPED),
    (
        "GET",
        "/v2/automations",
        {"associatedEntity.type": "UNIT", "associatedEntity.id": UNIT},
        TYPED,
    ),
    ("PUT", f"/v2/automations/{AUTOMATION}", None, TYPED),
]
IDS = [f"{method} {path.split('/')[-1] or path}" for method, path, _, _ in OPERATIONS]


async def _call(api: Api, method: str, path: str, params: dict[str, str] | None, **kw: Any) -> Any:
    return await api.call(
        method, path, params=params, json_body={} if method in {"POST", "PUT"} else None, **kw
    )


def _check(reply: Any, status: int, keys: set[str]) -> None:
    assert reply.status == status, reply.text
    assert set(reply.json) == keys
    assert_request_id(reply)
    if keys == BATCH:
        assert reply.json["errors"][0]["status"] == status


@pytest.mark.parametrize(("method", "path", "params", "keys"), OPERATIONS, ids=IDS)
async def test_unauthorized(
    api: Api,
    clock: ManualClock,
    method: str,
    path: str,
    params: dict[str, str] | None,
    keys: set[str],
) -> None:
    _check(await _call(api, method, path, params, token=None), 401, keys)
    clock.advance(3600)
    _check(await _call(api, method, path, params), 401, keys)


@pytest.mark.parametrize(("method", "path", "params", "keys"), OPERATIONS, ids=IDS)
async def test_forbidden_when_the_client_is_withdrawn(
    api: Api, anon: Api, method: str, path: str, params: dict[str, str] | None, keys: set[str]
) -> None:
    await anon.put("/_admin/client", {"granted": False})
    _check(await _call(api, method, path, params), 403, keys)


@pytest.mark.parametrize(("method", "path", "params", "keys"), OPERATIONS, ids=IDS)
async def test_throttling_and_server_errors(
    api: Api,
    anon: Api,
    sim: Simulator,
    method: str,
    path: str,
    params: dict[str, str] | None,
    keys: set[str],
) -> None:
    script = [{"status": 429, "retry_after": 5}, {"status": 429}, {"status": 500}, {"status": 503}]
    await anon.post("/_admin/faults/script", script)
    first = await _call(api, method, path, params)
    _check(first, 429, keys)
    assert first.headers["Retry-After"] == "5"
    second = await _call(api, method, path, params)
    _check(second, 429, keys)
    assert "Retry-After" not in second.headers
    _check(await _call(api, method, path, params), 500, keys)
    _check(await _call(api, method, path, params), 503, keys)
    counted = sim.stats.summary()["routes"]
    assert sum(r["count"] for r in counted.values()) >= 4
