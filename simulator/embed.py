"""Run the simulator inside another program (tests, benchmarks, the HA test suite)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiohttp import web

from .app import build_app, simulator_of
from .clock import Clock
from .core import Credentials, Simulator, SimulatorConfig


@dataclass(slots=True)
class RunningSimulator:
    """A simulator serving HTTP on loopback."""

    app: web.Application
    runner: web.AppRunner
    base_url: str

    @property
    def sim(self) -> Simulator:
        """Return the simulator (state, LWA, faults, stats)."""
        return simulator_of(self.app)

    @property
    def credentials(self) -> Credentials:
        """Client ID, client secret, a working refresh token and the organization ID."""
        return self.sim.credentials

    async def stop(self) -> None:
        """Stop serving (saves the state file when one is configured)."""
        await self.runner.cleanup()


async def start_simulator(
    config: SimulatorConfig | None = None,
    *,
    clock: Clock | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
) -> RunningSimulator:
    """Build and serve a simulator; port 0 picks a free port."""
    app = build_app(config, clock=clock)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound_host, bound_port = runner.addresses[0][:2]
    return RunningSimulator(app, runner, f"http://{bound_host}:{bound_port}")


@asynccontextmanager
async def running_simulator(
    config: SimulatorConfig | None = None, *, clock: Clock | None = None
) -> AsyncIterator[RunningSimulator]:
    """Serve a simulator on a free loopback port for the duration of a block."""
    running = await start_simulator(config, clock=clock)
    try:
        yield running
    finally:
        await running.stop()
