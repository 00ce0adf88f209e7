"""Fixtures: a simulator on a loopback port, a raw HTTP helper, and state lookups."""

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest

from simulator import ManualClock, RunningSimulator, SimulatorConfig, start_simulator
from simulator.core import Simulator
from simulator.devices import kind_of
from simulator.state import Endpoint, Home, Occ

DEFAULT_TOKEN = object()


@dataclass
class Reply:
    """A raw HTTP answer."""

    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    @property
    def text(self) -> str:
        return self.body.decode()


class Api:
    """Raw requests against the simulator, with the bearer token set by default."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str, token: str | None) -> None:
        self.session = session
        self.base_url = base_url
        self.token = token

    async def call(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        raw_body: bytes | None = None,
        params: Any = None,
        headers: dict[str, str] | None = None,
        token: str | object | None = DEFAULT_TOKEN,
    ) -> Reply:
        all_headers = dict(headers or {})
        use = self.token if token is DEFAULT_TOKEN else token
        if use is not None:
            all_headers["Authorization"] = f"Bearer {use}"
        data: bytes | None = raw_body
        if json_body is not None:
            data = json.dumps(json_body).encode()
            all_headers.setdefault("Content-Type", "application/json")
        async with self.session.request(
            method,
            self.base_url + path,
            data=data,
            params=params,
            headers=all_headers,
            allow_redirects=False,
        ) as response:
            return Reply(response.status, dict(response.headers), await response.read())

    async def get(self, path: str, **kwargs: Any) -> Reply:
        return await self.call("GET", path, **kwargs)

    async def post(self, path: str, body: Any = None, **kwargs: Any) -> Reply:
        return await self.call("POST", path, json_body=body, **kwargs)

    async def put(self, path: str, body: Any = None, **kwargs: Any) -> Reply:
        return await self.call("PUT", path, json_body=body, **kwargs)

    async def delete(self, path: str, **kwargs: Any) -> Reply:
        return await self.call("DELETE", path, **kwargs)

    async def form(self, path: str, data: dict[str, str], **kwargs: Any) -> Reply:
        async with self.session.post(
            self.base_url + path, data=data, allow_redirects=False, **kwargs
        ) as response:
            return Reply(response.status, dict(response.headers), await response.read())


@pytest.fixture(autouse=True)
def _loopback_sockets(socket_enabled: None) -> None:
    """Let the simulator serve real HTTP; pytest-socket still refuses hosts but 127.0.0.1."""


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def config() -> SimulatorConfig:
    return SimulatorConfig(seed=7, communities=2, homes=16, devices_per_home=5, spare_devices=4)


@pytest.fixture
async def server(config: SimulatorConfig, clock: ManualClock) -> AsyncIterator[RunningSimulator]:
    running = await start_simulator(config, clock=clock)
    try:
        yield running
    finally:
        await running.stop()


@pytest.fixture
def sim(server: RunningSimulator) -> Simulator:
    return server.sim


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client_session:
        yield client_session


async def fetch_token(session: aiohttp.ClientSession, server: RunningSimulator) -> str:
    creds = server.credentials
    async with session.post(
        server.base_url + "/auth/o2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": server.sim.new_refresh_token(),
            "client_id": creds.client_id,
            "client_secret": creds.client_secret,
        },
    ) as response:
        assert response.status == 200
        body = await response.json()
    token: str = body["access_token"]
    return token


@pytest.fixture
async def api(server: RunningSimulator, session: aiohttp.ClientSession) -> Api:
    return Api(session, server.base_url, await fetch_token(session, server))


@pytest.fixture
def anon(server: RunningSimulator, session: aiohttp.ClientSession) -> Api:
    """Requests without a token (LWA, admin, and 401 checks)."""
    return Api(session, server.base_url, None)


# ----- state lookups ------------------------------------------------------------------------
def homes_in(sim: Simulator, state: Occ) -> list[Home]:
    return [h for h in sim.state.homes.values() if sim.state.home_state(h) is state]


def vacant_home(sim: Simulator, *, with_history: bool | None = None) -> Home:
    for home in homes_in(sim, Occ.VACANT):
        if with_history is None or bool(home.occupancy_ids) == with_history:
            return home
    raise AssertionError("no such vacant home in the seed")


def endpoints_of(sim: Simulator, home: Home) -> list[Endpoint]:
    return [e for e in sim.state.endpoints.values() if e.unit_id == home.id]


def visible_endpoint(
    sim: Simulator, *, feature: str | None = None, online: bool = True
) -> Endpoint:
    now = sim.clock.now()
    for endpoint in sim.state.endpoints.values():
        if not sim.state.endpoint_visible(endpoint) or endpoint.unit_id is None:
            continue
        if endpoint.reachable(now) != online:
            continue
        if feature is None or feature in kind_of(endpoint).features:
            return endpoint
    raise AssertionError(f"no visible endpoint with {feature}")


def assert_request_id(reply: Reply) -> None:
    assert reply.headers.get("X-Amzn-RequestId")


async def collect_pages(
    api: Api, path: str, params: dict[str, str], key: str, *, limit: int = 1000
) -> list[Any]:
    """Follow nextToken to the end of a listing."""
    items: list[Any] = []
    query = dict(params)
    for _ in range(limit):
        reply = await api.get(path, params=query)
        assert reply.status == 200, reply.text
        body = reply.json
        items.extend(body[key])
        token = (body.get("paginationContext") or {}).get("nextToken")
        if not token:
            return items
        query = dict(params) | {"nextToken": token}
    raise AssertionError("listing never ended")
