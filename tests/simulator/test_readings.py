"""The simulator really plays each alternative reading (docs/contract.md).

The integration's tests under a reading prove something only if the simulator answers
differently under it: each reading here is shown against a raw HTTP answer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import cast

import pytest

from simulator import SimulatorConfig
from simulator.core import Simulator
from simulator.devices import DND_SETTING
from simulator.readings import (
    READING_NAMES,
    UNKNOWN_CATEGORY,
    UNKNOWN_FEATURE,
    UNKNOWN_OCCUPANCY_STATE,
    readings_named,
)
from simulator.state import Occ

from .conftest import Api, homes_in, visible_endpoint

ALL = {"owner": "~caller", "expand": "all", "maxResults": "50"}
CONNECTIVITY = [*ALL.items(), ("expand", "feature:connectivity")]

type Check = Callable[[Api, Simulator], Awaitable[None]]


async def _first(api: Api, params: object = CONNECTIVITY) -> dict[str, object]:
    reply = await api.get("/v2/endpoints", params=params)
    assert reply.status == 200, reply.text
    results = reply.json["results"]
    assert isinstance(results, list)
    return cast("dict[str, object]", results[0])


def _feature(endpoint: dict[str, object], name: str) -> dict[str, object]:
    features = endpoint["features"]
    assert isinstance(features, list)
    found = [f for f in features if f["name"] == name]
    assert found, f"no feature {name}"
    return cast("dict[str, object]", found[0])


async def _expand_all_features(api: Api, sim: Simulator) -> None:
    endpoint = await _first(api, ALL)
    assert "properties" in _feature(endpoint, "connectivity")


async def _setting_object(api: Api, sim: Simulator) -> None:
    echo = visible_endpoint(sim, feature="speaker")
    base = f"/v2/endpoints/{echo.id}/settings"
    assert (await api.get(f"{base}/{DND_SETTING}")).json == {"value": False}
    reply = await api.get(base, params={"keys": DND_SETTING})
    assert reply.json == {"settings": [{"key": DND_SETTING, "value": False}]}


async def _private_home_writes(api: Api, sim: Simulator) -> None:
    home = homes_in(sim, Occ.OCCUPIED)[0]
    reply = await api.get("/v1/skills/enablements", params={"unitId": home.id})
    assert reply.status == 200, reply.text


async def _padded_tokens(api: Api, sim: Simulator) -> None:
    params = {"owner": "~caller", "maxResults": "2"}
    reply = await api.get("/v2/endpoints", params=params)
    token = reply.json["paginationContext"]["nextToken"]
    assert "+" in token
    assert "=" in token
    second = await api.get("/v2/endpoints", params={**params, "nextToken": token})
    assert second.status == 200, second.text
    assert second.json["results"][0]["id"] != reply.json["results"][0]["id"]


async def _explicit_nulls(api: Api, sim: Simulator) -> None:
    home = homes_in(sim, Occ.VACANT)[0]
    reply = await api.get("/v2/endpoints", params={"associatedUnits.id": home.id})
    assert reply.json["paginationContext"] == {"nextToken": None}


async def _sparse(api: Api, sim: Simulator) -> None:
    endpoint = await _first(api)
    assert "serialNumber" not in endpoint
    assert "operations" not in endpoint
    assert "path" not in _feature(endpoint, "connectivity")


async def _write_status(api: Api, sim: Simulator) -> None:
    endpoint = visible_endpoint(sim, feature="speaker")
    reply = await api.delete("/v1/alerts/timers", params={"endpoint": endpoint.id})
    assert (reply.status, reply.json) == (200, {})
    name = {"type": "PLAIN", "value": {"text": "Den Echo"}}
    reply = await api.post(f"/v2/endpoints/{endpoint.id}/friendlyName", name)
    assert (reply.status, reply.body) == (204, b"")


async def _error_code_only(api: Api, sim: Simulator) -> None:
    reply = await api.get("/v2/endpoints/amzn1.alexa.endpoint.nope")
    assert reply.status == 404
    assert set(reply.json) == {"code"}


async def _display_category_string(api: Api, sim: Simulator) -> None:
    endpoint = await _first(api)
    assert isinstance(endpoint["displayCategories"], str)


async def _association_bare(api: Api, sim: Simulator) -> None:
    endpoint = visible_endpoint(sim, feature="speaker")
    home = next(h for h in homes_in(sim, Occ.VACANT) if h.id != endpoint.unit_id)
    reply = await api.put(f"/v2/endpoints/{endpoint.id}/associatedUnits", [{"id": home.id}])
    assert reply.status == 200, reply.text
    assert set(reply.json) == {"id", "associatedUnits"}


async def _values_wrapped(api: Api, sim: Simulator) -> None:
    connectivity = _feature(await _first(api), "connectivity")
    value = connectivity["properties"][0]["value"]  # type: ignore[index]
    assert isinstance(value, dict)
    assert isinstance(value["value"], dict)


async def _values_bare(api: Api, sim: Simulator) -> None:
    connectivity = _feature(await _first(api), "connectivity")
    assert connectivity["properties"][0]["value"] in {"OK", "UNREACHABLE"}  # type: ignore[index]


async def _novel(api: Api, sim: Simulator) -> None:
    endpoint = await _first(api)
    assert _feature(endpoint, UNKNOWN_FEATURE)
    categories = endpoint["displayCategories"]
    assert isinstance(categories, dict)
    assert categories["primary"]["value"] == UNKNOWN_CATEGORY
    home = homes_in(sim, Occ.LINKED)[0]
    path = f"/enterprise/residential/v1/homes/{home.id}/occupancies/~latest"
    assert (await api.get(path)).json["state"] == UNKNOWN_OCCUPANCY_STATE


CHECKS: dict[str, Check] = {
    "expand-all-features": _expand_all_features,
    "setting-object": _setting_object,
    "private-home-writes": _private_home_writes,
    "padded-tokens": _padded_tokens,
    "explicit-nulls": _explicit_nulls,
    "sparse": _sparse,
    "write-status": _write_status,
    "error-code-only": _error_code_only,
    "display-category-string": _display_category_string,
    "association-bare": _association_bare,
    "values-wrapped": _values_wrapped,
    "values-bare": _values_bare,
    "novel": _novel,
}


def test_every_reading_has_a_check() -> None:
    assert set(CHECKS) == set(READING_NAMES)


@pytest.fixture
def config(request: pytest.FixtureRequest) -> SimulatorConfig:
    base = SimulatorConfig(seed=7, communities=2, homes=16, devices_per_home=5, spare_devices=4)
    return replace(base, readings=readings_named([request.param]))


@pytest.mark.parametrize("config", list(CHECKS), indirect=True)
async def test_reading_is_played(
    api: Api, sim: Simulator, config: SimulatorConfig, request: pytest.FixtureRequest
) -> None:
    name = request.node.callspec.params["config"]
    await CHECKS[name](api, sim)


@pytest.mark.parametrize("config", list(CHECKS), indirect=True)
async def test_check_fails_under_the_default_reading(
    api: Api, sim: Simulator, config: SimulatorConfig, request: pytest.FixtureRequest
) -> None:
    """Each check tells the reading apart: it fails when the default is played."""
    name = request.node.callspec.params["config"]
    sim.readings = readings_named([])
    with pytest.raises((AssertionError, KeyError, TypeError)):
        await CHECKS[name](api, sim)
