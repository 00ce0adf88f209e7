"""Added latency includes each request's own work, so parallel requests don't queue up.

The simulator does its work on one thread; Amazon answers requests in parallel. With the
latency slept *before* the work, N concurrent requests came back after latency + N x work,
which made a client that keeps 8 requests in flight look slower than it is.
"""

import asyncio
import time

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from simulator.app import inject_faults
from simulator.clock import ManualClock
from simulator.core import SIMULATOR_KEY, Simulator, SimulatorConfig

WORK = 0.05  # seconds of blocking work per request
LATENCY = 0.1
REQUESTS = 6


async def _busy(_request: web.Request) -> web.Response:
    time.sleep(WORK)  # CPU work: blocks the simulator's only thread  # noqa: ASYNC251
    return web.json_response({})


async def test_concurrent_requests_take_the_latency_once() -> None:
    sim = Simulator(SimulatorConfig(), ManualClock())
    sim.faults.configure({"latency_ms": LATENCY * 1000})
    app = web.Application(middlewares=[inject_faults])
    app[SIMULATOR_KEY] = sim
    app.router.add_get("/v2/busy", _busy)
    async with TestClient(TestServer(app)) as client:
        started = time.perf_counter()
        statuses = await asyncio.gather(
            *(client.get("/v2/busy") for _ in range(REQUESTS)),
        )
        elapsed = time.perf_counter() - started
    assert [r.status for r in statuses] == [200] * REQUESTS
    # The work is serial (REQUESTS x WORK = 0.3 s) and the latency overlaps it; sleeping
    # first took LATENCY + REQUESTS x WORK = 0.4 s.
    assert REQUESTS * WORK <= elapsed < LATENCY + REQUESTS * WORK - WORK / 2


async def test_a_lone_request_still_takes_the_latency() -> None:
    sim = Simulator(SimulatorConfig(), ManualClock())
    sim.faults.configure({"latency_ms": LATENCY * 1000})
    app = web.Application(middlewares=[inject_faults])
    app[SIMULATOR_KEY] = sim
    app.router.add_get("/v2/busy", _busy)
    async with TestClient(TestServer(app)) as client:
        started = time.perf_counter()
        response = await client.get("/v2/busy")
        elapsed = time.perf_counter() - started
    assert response.status == 200
    assert elapsed >= LATENCY
