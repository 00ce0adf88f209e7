"""What the benchmarks stand on: Home Assistant in-process, the simulator in a child process.

- `home_assistant()` builds a running core with pytest-homeassistant-custom-component's
  `async_test_home_assistant` (registries loaded, custom integrations enabled, storage in
  a scratch directory), without pytest.
- `SimulatorProcess` runs `python -m simulator` in a child process, so the simulator's own
  CPU work neither shares the event loop being measured nor counts as the integration's.
- `LoopWatch` finds the event loop's longest stall; `StateWrites` counts state writes.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import os
import signal
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, Self
from unittest.mock import patch

import homeassistant  # noqa: F401 - first, so probatio stands in for voluptuous everywhere
from aiohttp import ClientSession, ThreadedResolver
from homeassistant import loader
from homeassistant.const import EVENT_STATE_CHANGED, EVENT_STATE_REPORTED
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import frame, translation
from pytest_homeassistant_custom_component.common import async_test_home_assistant

REPO = Path(__file__).resolve().parent.parent


class _Resolver(ThreadedResolver):
    """What Home Assistant closes at shutdown with `real_close` (as the test plugin's)."""

    async def real_close(self) -> None:
        """Close the resolver."""
        await self.close()


@contextlib.asynccontextmanager
async def home_assistant() -> AsyncIterator[HomeAssistant]:
    """Yield a running Home Assistant storing in a scratch directory; stop it afterwards."""
    with (
        # Real storage in a scratch directory, not the test plugin's `mock_storage`: that
        # serialises every registry save in the event loop, where Home Assistant does it in
        # an executor thread, and would show up here as stalls Home Assistant doesn't have.
        tempfile.TemporaryDirectory(prefix="asp-bench-") as config_dir,
        # No zeroconf here (the test plugin mocks the resolver the same way); the
        # simulator is addressed by IP, so nothing is resolved anyway.
        patch(
            "homeassistant.helpers.aiohttp_client._async_make_resolver",
            return_value=_Resolver(),
        ),
        # `application_credentials` needs `http`; serve nothing (as the test plugin does).
        patch("homeassistant.components.http.HomeAssistantHTTP.async_bind"),
        patch("homeassistant.components.http.HomeAssistantHTTP.start"),
    ):
        async with async_test_home_assistant(config_dir=config_dir) as hass:
            # What the `enable_custom_integrations` fixture does.
            hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)
            frame.async_setup(hass)
            await translation.async_load_integrations(hass, {"homeassistant"})
            try:
                yield hass
            finally:
                await hass.async_stop(force=True)


def rss_mib() -> float:
    """Return this process's resident memory in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class LoopWatch:
    """Times every callback the event loop runs: the longest one is the longest stall.

    Kept apart: the code's own CPU time per callback (`longest_cpu`, the same on a busy or
    an idle host), its wall time (`longest_wall`, what Home Assistant's warning sees,
    which also counts time the OS gave to other processes), and the garbage collector's
    pauses (`longest_gc`): a full collection walks every object of the interpreter,
    Home Assistant's included, and strikes whichever callback happens to allocate.
    """

    def __init__(self) -> None:
        """Nothing measured yet."""
        self.longest_wall = 0.0
        self.longest_cpu = 0.0
        self.longest_what = ""
        self.longest_gc = 0.0
        self.gc_total = 0.0
        self._gc_started = (0.0, 0.0)
        self._gc_cpu = 0.0
        self._original: Any = None
        self._since = (0.0, 0.0, 0.0)

    def reset(self) -> None:
        """Start a new measurement window (a callback running now counts from here)."""
        self.longest_wall = 0.0
        self.longest_cpu = 0.0
        self.longest_what = ""
        self.longest_gc = 0.0
        self.gc_total = 0.0
        self._since = (time.perf_counter(), time.thread_time(), self._gc_cpu)

    def _on_gc(self, phase: str, _info: dict[str, Any]) -> None:
        if phase == "start":
            self._gc_started = (time.perf_counter(), time.thread_time())
            return
        wall = time.perf_counter() - self._gc_started[0]
        self._gc_cpu += time.thread_time() - self._gc_started[1]
        self.longest_gc = max(self.longest_gc, wall)
        self.gc_total += wall

    def __enter__(self) -> Self:
        """Wrap `asyncio.Handle._run` (timer handles and task steps included)."""
        original = asyncio.Handle._run
        watch = self

        def timed_run(handle: asyncio.Handle) -> None:
            callback_ = getattr(handle, "_callback", None)  # gone once a handle is cancelled
            wall, cpu, gc_cpu = time.perf_counter(), time.thread_time(), watch._gc_cpu
            try:
                original(handle)
            finally:
                since_wall, since_cpu, since_gc = watch._since
                wall = time.perf_counter() - max(wall, since_wall)
                cpu = time.thread_time() - max(cpu, since_cpu)
                cpu -= watch._gc_cpu - max(gc_cpu, since_gc)
                watch.longest_wall = max(watch.longest_wall, wall)
                if cpu > watch.longest_cpu:
                    watch.longest_cpu = cpu
                    watch.longest_what = _describe(handle, callback_)

        self._original = original
        asyncio.Handle._run = timed_run  # type: ignore[method-assign,assignment]
        gc.callbacks.append(self._on_gc)
        return self

    def __exit__(self, *exc: object) -> None:
        """Restore the loop's own callback runner."""
        gc.callbacks.remove(self._on_gc)
        if self._original is not None:
            asyncio.Handle._run = self._original  # type: ignore[method-assign]


def _describe(handle: asyncio.Handle, callback_: Any) -> str:
    """Name what a callback ran: the coroutine of a task step, else the callback."""
    task = getattr(callback_, "__self__", None)
    if isinstance(task, asyncio.Task):
        coro = task.get_coro()
        return f"task {task.get_name()}: {getattr(coro, '__qualname__', coro)}"
    if callback_ is not None:
        owner = getattr(callback_, "__self__", None)
        name = getattr(callback_, "__qualname__", repr(callback_))
        return f"{type(handle).__name__} {name}" + (f" of {type(owner).__name__}" if owner else "")
    return repr(handle)[:200]


class StateWrites:
    """Counts state writes: changes, and reports of an unchanged state."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Listen to both events."""
        self.count = 0
        self.entity_ids: set[str] = set()
        hass.bus.async_listen(EVENT_STATE_CHANGED, self._seen)
        hass.bus.async_listen(EVENT_STATE_REPORTED, self._seen, event_filter=_every_event)

    @callback
    def _seen(self, event: Event[Any]) -> None:
        self.count += 1
        self.entity_ids.add(event.data["entity_id"])

    def reset(self) -> None:
        """Start counting from zero."""
        self.count = 0
        self.entity_ids.clear()


@callback
def _every_event(_event_data: object) -> bool:
    return True


class CpuTimer:
    """Wall and CPU time of this thread (the event loop's) over a block."""

    def __init__(self) -> None:
        """Nothing measured yet."""
        self.wall = 0.0
        self.cpu = 0.0

    @contextlib.contextmanager
    def measure(self) -> Iterator[Self]:
        """Time the block."""
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            yield self
        finally:
            self.wall = time.perf_counter() - wall
            self.cpu = time.thread_time() - cpu


class SimulatorProcess:
    """`python -m simulator` on a free loopback port in a child process."""

    def __init__(self, args: list[str]) -> None:
        """Keep the command line flags (after `python -m simulator`)."""
        self._args = args
        self._process: asyncio.subprocess.Process | None = None
        self.details: dict[str, str] = {}

    async def __aenter__(self) -> Self:
        """Start the child and read its connection details."""
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        self._process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "simulator",
            "--port",
            "0",
            "--json",
            *self._args,
            cwd=REPO,
            env=env,
            stdout=asyncio.subprocess.PIPE,
        )
        assert self._process.stdout is not None
        line = await self._process.stdout.readline()
        if not line:
            raise RuntimeError("the simulator exited before printing its details")
        self.details = json.loads(line)
        return self

    async def __aexit__(self, *exc: object) -> None:
        """Stop the child."""
        if self._process is not None and self._process.returncode is None:
            self._process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self._process.wait(), 10)
            except TimeoutError:
                self._process.kill()
                await self._process.wait()

    @property
    def base_url(self) -> str:
        """Return the simulator's base URL."""
        return self.details["baseUrl"]

    async def admin(self, session: ClientSession, method: str, path: str, body: Any = None) -> Any:
        """Call the admin API (path below /_admin; not counted in the request stats)."""
        url = f"{self.base_url}/_admin{path}"
        async with session.request(method, url, json=body) as response:
            response.raise_for_status()
            return await response.json(content_type=None)
