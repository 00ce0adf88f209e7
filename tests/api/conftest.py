"""A scripted ASP service on loopback that records every request the client sends."""

from __future__ import annotations

import asyncio
import json
import socket
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from custom_components.alexa_smart_properties.api import (
    AbstractAuth,
    AspClient,
    RetryPolicy,
)

FIXTURES = Path(__file__).parent / "fixtures"
ACCESS_TOKEN = "test-access-token"


def free_port() -> int:
    """Return a loopback port nobody listens on (for connection errors)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def load_fixture(name: str) -> Any:
    """Return the parsed JSON of tests/api/fixtures/<name>."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@dataclass
class Recorded:
    """One request as the service received it."""

    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    @property
    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode()))


@dataclass
class Reply:
    """A scripted answer."""

    status: int = 200
    json: Any = None
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


type Handler = Callable[[Recorded], Awaitable[Reply] | Reply]


class FakeAsp:
    """Answers scripted replies per (method, path), in order; the last one repeats."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], deque[Reply | Handler]] = {}
        self.requests: list[Recorded] = []
        self.url = ""

    def add(self, method: str, path: str, *replies: Reply | Handler) -> None:
        self.routes.setdefault((method, path), deque()).extend(replies or (Reply(),))

    def reply(self, method: str, path: str, status: int = 200, json: Any = None, **kw: Any) -> None:
        self.add(method, path, Reply(status=status, json=json, **kw))

    def calls(self, method: str | None = None, path: str | None = None) -> list[Recorded]:
        return [
            r
            for r in self.requests
            if (method is None or r.method == method) and (path is None or r.path == path)
        ]

    async def handle(self, request: web.Request) -> web.StreamResponse:
        recorded = Recorded(
            method=request.method,
            path=request.raw_path.split("?", 1)[0],
            query=list(request.query.items()),
            headers=dict(request.headers),
            body=await request.read(),
        )
        self.requests.append(recorded)
        queue = self.routes.get((request.method, recorded.path))
        if not queue:
            return web.json_response({"message": "no scripted reply"}, status=599)
        item = queue.popleft() if len(queue) > 1 else queue[0]
        reply = item if isinstance(item, Reply) else item(recorded)
        if not isinstance(reply, Reply):
            reply = await reply
        if reply.delay:
            await asyncio.sleep(reply.delay)
        headers = {"X-Amzn-RequestId": "req-1", **reply.headers}
        if reply.body is not None:
            return web.Response(status=reply.status, body=reply.body, headers=headers)
        if reply.json is None:
            return web.Response(status=reply.status, headers=headers)
        return web.json_response(reply.json, status=reply.status, headers=headers)


class StaticAuth(AbstractAuth):
    """Hands out a fixed token; counts invalidations."""

    def __init__(self, token: str = ACCESS_TOKEN) -> None:
        self.token = token
        self.invalidated: list[str] = []

    async def async_get_access_token(self) -> str:
        return self.token

    async def async_invalidate_access_token(self, access_token: str) -> None:
        self.invalidated.append(access_token)


class Sleeps:
    """Records the delays the client asked to wait, without waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


@pytest.fixture
async def fake(socket_enabled: None) -> AsyncIterator[FakeAsp]:
    # Home Assistant's test plugin blocks sockets; connections stay limited to 127.0.0.1.
    service = FakeAsp()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", service.handle)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    service.url = str(server.make_url("")).rstrip("/")
    try:
        yield service
    finally:
        await server.close()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client_session:
        yield client_session


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def auth() -> StaticAuth:
    return StaticAuth()


@pytest.fixture
def client(
    fake: FakeAsp, session: aiohttp.ClientSession, auth: StaticAuth, sleeps: Sleeps
) -> AspClient:
    return AspClient(
        auth,
        session=session,
        base_url=fake.url,
        request_timeout=5,
        retry_policy=RetryPolicy(max_attempts=4, base_delay=1, max_delay=8),
        sleep=sleeps,
    )
