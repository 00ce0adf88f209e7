"""Benchmark the integration against the simulator for one estate size.

For each size: set the integration up in an in-process Home Assistant against a simulator
(child process) adding `latency_ms` to every API request, then refresh each coordinator
with nothing changed, and the endpoints and occupancy once more with one thing changed.
"""

from __future__ import annotations

import gc
import json
import math
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any
from unittest.mock import patch

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.entity_platform import EntityPlatform
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alexa_smart_properties import PLATFORMS
from custom_components.alexa_smart_properties.api import http as api_http
from custom_components.alexa_smart_properties.api.const import (
    ENDPOINTS_PAGE,
    HOME_COMMUNITIES_PAGE,
    HOMES_PAGE,
)
from custom_components.alexa_smart_properties.api.models import OccupancyState
from custom_components.alexa_smart_properties.const import (
    AUTH_METHOD_TOKEN,
    CONF_API_URL,
    CONF_AUTH_METHOD,
    CONF_LWA_URL,
    CONF_ORGANIZATION_ID,
    CONF_REGION,
    DEFAULT_ENDPOINT_INTERVAL,
    DEFAULT_INVENTORY_INTERVAL,
    DEFAULT_OCCUPANCY_INTERVAL,
    DOMAIN,
    MAX_CONCURRENT_REQUESTS,
    REGION_CUSTOM,
)
from custom_components.alexa_smart_properties.coordinator import AspCoordinator
from custom_components.alexa_smart_properties.data import AspConfigEntry

from .harness import CpuTimer, LoopWatch, SimulatorProcess, StateWrites, home_assistant, rss_mib
from .hour import HOUR, HourResult, peak_rate, ticks_per_hour

LWA_ROUTE = "POST /auth/o2/token"
HA_STALL_WARNING = 0.100  # seconds; Home Assistant warns about longer blocking


@dataclass(frozen=True, slots=True)
class Size:
    """An estate to benchmark."""

    homes: int
    devices_per_home: int = 5
    homes_per_community: int = 100

    @property
    def communities(self) -> int:
        """Return how many communities the homes are spread over."""
        return max(1, math.ceil(self.homes / self.homes_per_community))


@dataclass(slots=True)
class RefreshResult:
    """One coordinator's refresh: requests, time, writes and stall."""

    coordinator: str
    requests: int
    lower_bound: int
    request_target: int | None
    wall_s: float
    ideal_s: float
    cpu_s: float
    state_writes: int
    longest_stall_s: float
    """The longest event loop callback, in thread CPU time, garbage collection aside."""
    longest_stall_wall_s: float
    longest_gc_s: float
    stall_callback: str
    runs: list[dict[str, float]] = field(default_factory=list)

    @property
    def wall_ratio(self) -> float:
        """Return wall time over the ideal."""
        return self.wall_s / self.ideal_s if self.ideal_s else float("nan")


@dataclass(slots=True)
class SizeResult:
    """Everything measured for one estate size."""

    homes: int
    communities: int
    endpoints_listed: int
    entities_offered: int
    """Entities the integration handed to Home Assistant."""
    entities: int
    """Entities in the entity registry: those Home Assistant took."""
    entities_enabled: int
    """Of those, enabled (the others are disabled by default and never load)."""
    entities_loaded: int
    """Entities with a state: what Home Assistant actually added."""
    devices: int
    setup_s: float
    setup_stall_s: float
    setup_stall_wall_s: float
    setup_gc_s: float
    setup_stall_callback: str
    full_gc_before: tuple[float, int]
    """A full collection's seconds and the objects it walked, before the entry was added."""
    full_gc_after: tuple[float, int]
    """The same once every entity is loaded."""
    memory_per_entity_kib: float
    refreshes: list[RefreshResult]
    endpoint_cpu_s: float
    json_decode_s: float
    changed_refreshes: list[RefreshResult]
    hour: HourResult

    @property
    def overhead_ratio(self) -> float:
        """Return the endpoint refresh's CPU time over decoding its bodies alone."""
        return self.endpoint_cpu_s / self.json_decode_s if self.json_decode_s else float("nan")

    def as_json(self) -> dict[str, Any]:
        """Return the result (with the derived ratios) as JSON-ready data."""
        data = asdict(self)
        data["overhead_ratio"] = self.overhead_ratio
        data["requests_per_hour"] = self.hour.requests_per_hour
        data["peak_10s_rate_per_s"] = self.hour.peak_10s_rate_per_s
        data["hour"]["average_rate_per_s"] = self.hour.average_rate_per_s
        data["hour"]["floor_ratio"] = self.hour.floor_ratio
        data["hour"]["peak_ratio"] = self.hour.peak_ratio
        for key in ("refreshes", "changed_refreshes"):
            for item, result in zip(data[key], getattr(self, key), strict=True):
                item["wall_ratio"] = result.wall_ratio
        return data


def entry_data(details: dict[str, str]) -> dict[str, Any]:
    """Return config entry data for the simulator's organization (pasted refresh token)."""
    return {
        CONF_AUTH_METHOD: AUTH_METHOD_TOKEN,
        "client_id": details["clientId"],
        "client_secret": details["clientSecret"],
        "token": {"refresh_token": details["refreshToken"]},
        CONF_REGION: REGION_CUSTOM,
        CONF_API_URL: details["baseUrl"],
        CONF_LWA_URL: details["baseUrl"],
        CONF_ORGANIZATION_ID: details["organizationId"],
    }


def enabled_device_keys(hass: HomeAssistant, entry: AspConfigEntry) -> set[str]:
    """Return the device keys of the entry's devices that have an enabled entity."""
    devices = dr.async_get(hass)
    keys: set[str] = set()
    for entity in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id):
        if entity.disabled_by is None and entity.device_id is not None:
            device = devices.async_get(entity.device_id)
            if device is not None:
                keys.update(key for domain, key in device.identifiers if domain == DOMAIN)
    return keys


def pages(items: int, page_size: int) -> int:
    """Return the requests a listing of `items` takes (an empty listing is one request)."""
    return max(1, math.ceil(items / page_size))


def lower_bounds(entry: AspConfigEntry) -> dict[str, tuple[int, int | None]]:
    """Return each coordinator's fewest possible requests, and the target if there is one."""
    runtime = entry.runtime_data
    inventory = runtime.inventory.data
    communities = pages(len(inventory.communities), HOME_COMMUNITIES_PAGE[1])
    homes = sum(pages(len(inventory.homes_of(c)), HOMES_PAGE[1]) for c in inventory.communities)
    endpoints = pages(len(runtime.endpoints.data.visible), ENDPOINTS_PAGE[1])
    # An inventory refresh lists communities and homes; skills and automations are read
    # a few homes at a time by the scheduler (new homes at once: none here).
    return {
        "inventory": (communities + homes, None),
        "occupancy": (len(inventory.homes), None),
        "endpoints": (endpoints, math.ceil(len(runtime.endpoints.data.visible) / 50) + 2),
    }


@contextmanager
def captured_bodies() -> Iterator[list[bytes]]:
    """Collect every successful response body the client receives (decoded or not)."""
    bodies: list[bytes] = []
    original = api_http.ApiCore._send

    async def capture(self: api_http.ApiCore, *args: Any, **kwargs: Any) -> Any:
        raw = await original(self, *args, **kwargs)
        if 200 <= raw.status < 300:
            bodies.append(raw.body)
        return raw

    with patch.object(api_http.ApiCore, "_send", capture):
        yield bodies


def full_collection() -> tuple[float, int]:
    """Return how long a full garbage collection takes now, and the objects it walks."""
    gc.collect()
    started = time.perf_counter()
    gc.collect()
    return time.perf_counter() - started, len(gc.get_objects())


def decode_time(bodies: list[bytes], repeat: int) -> float:
    """Return the least thread CPU time json.loads needs for all bodies."""
    best = math.inf
    for _ in range(repeat):
        gc.collect()
        started = time.thread_time()
        for body in bodies:
            json.loads(body)
        best = min(best, time.thread_time() - started)
    return best


class Bench:
    """One estate: the simulator, Home Assistant, the entry and the instruments."""

    def __init__(
        self,
        hass: HomeAssistant,
        sim: SimulatorProcess,
        stall: LoopWatch,
        latency_s: float,
        repeat: int,
    ) -> None:
        """Keep what every measurement needs."""
        self.hass = hass
        self.sim = sim
        self.stall = stall
        self.latency_s = latency_s
        self.repeat = repeat
        self.writes = StateWrites(hass)
        self.session = async_get_clientsession(hass)
        self.entry: AspConfigEntry | None = None
        self.offered = 0
        self.full_gc: list[tuple[float, int]] = []

    async def api_requests(self) -> int:
        """Return the API requests the simulator served since the last reset."""
        stats = await self.sim.admin(self.session, "GET", "/stats")
        routes: dict[str, dict[str, Any]] = stats["routes"]
        return sum(r["count"] for name, r in routes.items() if name != LWA_ROUTE)

    async def simulate_hour(self, refreshes: list[RefreshResult]) -> HourResult:
        """Run an hour of the scheduler's ticks; count each tick's requests.

        The freshness floor comes from the measured refreshes: one occupancy read per home
        every 5 minutes, the endpoint listing every 2, the homes listing every 15.
        """
        assert self.entry is not None
        runtime = self.entry.runtime_data
        scheduler = runtime.scheduler
        assert scheduler is not None
        measured = {r.coordinator: r.requests for r in refreshes}
        floor = round(
            measured["occupancy"] * (HOUR / DEFAULT_OCCUPANCY_INTERVAL)
            + measured["endpoints"] * (HOUR / DEFAULT_ENDPOINT_INTERVAL)
            + measured["inventory"] * (HOUR / DEFAULT_INVENTORY_INTERVAL)
        )
        await self.hass.async_block_till_done()
        await self.reset_requests()
        self.writes.reset()
        self.stall.reset()
        ticks: list[int] = []
        sent = 0
        for _ in range(ticks_per_hour()):
            await scheduler.async_tick()
            await self.hass.async_block_till_done()
            total = await self.api_requests()
            ticks.append(total - sent)
            sent = total
        return HourResult(
            requests_per_hour=sent,
            peak_10s_rate_per_s=peak_rate(ticks),
            planned_requests_per_hour=scheduler.plan().total,
            freshness_floor_per_hour=floor,
            state_writes=self.writes.count,
            longest_stall_s=self.stall.longest_cpu,
            ticks=ticks,
        )

    async def reset_requests(self) -> None:
        """Zero the simulator's counters."""
        await self.sim.admin(self.session, "DELETE", "/stats")

    async def setup(self) -> tuple[float, float, tuple[float, float, float, str]]:
        """Add the entry; return seconds to all entities loaded, RSS growth and stalls."""
        hass = self.hass
        # Already running in any real Home Assistant: not part of this integration's cost.
        for domain in ("application_credentials", *PLATFORMS):
            assert await async_setup_component(hass, domain, {})
        entry = MockConfigEntry(
            domain=DOMAIN,
            title="Benchmark estate",
            unique_id=self.sim.details["organizationId"],
            data=entry_data(self.sim.details),
            # Refreshes are driven here, one at a time; no timer may start one meanwhile.
            pref_disable_polling=True,
        )
        self.full_gc.append(full_collection())
        rss_before = rss_mib()
        self.stall.reset()
        started = time.perf_counter()
        entry.add_to_hass(hass)
        with self._counting_offers():
            set_up = await hass.config_entries.async_setup(entry.entry_id)
            assert set_up, f"setup failed: {entry.state} {entry.reason}"
            await hass.async_block_till_done()
        elapsed = time.perf_counter() - started
        watch = self.stall
        stall = (watch.longest_cpu, watch.longest_wall, watch.longest_gc, watch.longest_what)
        self.full_gc.append(full_collection())
        self.entry = entry
        return elapsed, rss_mib() - rss_before, stall

    @contextmanager
    def _counting_offers(self) -> Iterator[None]:
        """Count the entities the platforms hand to Home Assistant (it may refuse some)."""
        original = EntityPlatform._async_schedule_add_entities_for_entry
        bench = self

        def counted(platform: EntityPlatform, new_entities: Any, *args: Any, **kw: Any) -> None:
            new_entities = list(new_entities)
            bench.offered += len(new_entities)
            original(platform, new_entities, *args, **kw)

        with patch.object(EntityPlatform, "_async_schedule_add_entities_for_entry", counted):
            yield

    async def refresh(
        self,
        name: str,
        coordinator: AspCoordinator[Any],
        bound: tuple[int, int | None],
        before: Callable[[], Any] | None = None,
        runs: int | None = None,
        first: int = 0,
    ) -> RefreshResult:
        """Refresh a coordinator `runs` times; median wall time, least CPU, worst stall.

        The ideal wall time: every request at full concurrency, those that must come
        `first` (what the others need) in rounds of their own.
        """
        samples: list[dict[str, float]] = []
        for _ in range(runs or self.repeat):
            if before is not None:
                await before()
            await self.reset_requests()
            await self.hass.async_block_till_done()
            gc.collect()
            self.writes.reset()
            self.stall.reset()
            timer = CpuTimer()
            with timer.measure():
                await coordinator.async_refresh()
                await self.hass.async_block_till_done()
            assert coordinator.last_update_success, f"{name} refresh failed"
            samples.append(
                {
                    "requests": await self.api_requests(),
                    "wall_s": timer.wall,
                    "cpu_s": timer.cpu,
                    "state_writes": self.writes.count,
                    "longest_stall_s": self.stall.longest_cpu,
                    "longest_stall_wall_s": self.stall.longest_wall,
                    "longest_gc_s": self.stall.longest_gc,
                }
            )
        requests = int(max(s["requests"] for s in samples))
        return RefreshResult(
            coordinator=name,
            requests=requests,
            lower_bound=bound[0],
            request_target=bound[1],
            wall_s=statistics.median(s["wall_s"] for s in samples),
            ideal_s=(
                math.ceil(first / MAX_CONCURRENT_REQUESTS)
                + math.ceil((requests - first) / MAX_CONCURRENT_REQUESTS)
            )
            * self.latency_s,
            cpu_s=min(s["cpu_s"] for s in samples),
            state_writes=int(max(s["state_writes"] for s in samples)),
            longest_stall_s=max(s["longest_stall_s"] for s in samples),
            longest_stall_wall_s=max(s["longest_stall_wall_s"] for s in samples),
            longest_gc_s=max(s["longest_gc_s"] for s in samples),
            stall_callback=self.stall.longest_what,
            runs=samples,
        )


async def run_size(size: Size, latency_ms: float, repeat: int) -> SizeResult:
    """Benchmark one estate size."""
    args = [
        "--seed",
        "1",
        "--homes",
        str(size.homes),
        "--communities",
        str(size.communities),
        "--devices-per-home",
        str(size.devices_per_home),
        "--spare-devices",
        "0",
        "--occupancy-delay",
        "0",
        "--skill-delay",
        "0",
        "--reboot-delay",
        "0",
        "--latency-ms",
        str(latency_ms),
        "--request-log-size",
        "10",
    ]
    async with (
        SimulatorProcess(args) as sim,
        home_assistant() as hass,
    ):
        with LoopWatch() as stall:
            return await _measure(Bench(hass, sim, stall, latency_ms / 1000, repeat))


async def _measure(bench: Bench) -> SizeResult:
    hass, sim = bench.hass, bench.sim
    setup_s, rss_growth, setup_stall = await bench.setup()
    entry = bench.entry
    assert entry is not None
    runtime = entry.runtime_data
    registry = er.async_get(hass)
    entities = er.async_entries_for_config_entry(registry, entry.entry_id)
    loaded = sum(1 for e in entities if hass.states.get(e.entity_id) is not None)
    devices = len(dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id))
    bounds = lower_bounds(entry)
    # The homes listing needs the communities first: their pages are a round of their own.
    first_round = {
        "inventory": pages(len(runtime.inventory.data.communities), HOME_COMMUNITIES_PAGE[1])
    }
    coordinators: dict[str, AspCoordinator[Any]] = {
        "inventory": runtime.inventory,
        "occupancy": runtime.occupancy,
        "endpoints": runtime.endpoints,
    }
    refreshes = [
        await bench.refresh(name, coordinator, bounds[name], first=first_round.get(name, 0))
        for name, coordinator in coordinators.items()
    ]
    with captured_bodies() as bodies:
        await runtime.endpoints.async_refresh()
    json_decode_s = decode_time(bodies, max(5, bench.repeat))
    endpoint_cpu_s = next(r.cpu_s for r in refreshes if r.coordinator == "endpoints")

    # One device goes offline (or back): only its entities, and its community's count of
    # offline devices, should change. One with enabled entities where there is one (at 2,000
    # homes Home Assistant's entity limit leaves devices none: the count alone changes).
    shown = enabled_device_keys(hass, entry)
    visible = runtime.endpoints.data.visible
    flip_key = next((key for key in visible if key in shown), next(iter(visible)))
    flip = visible[flip_key]
    online = [bool(flip.reachable)]

    async def flip_connectivity() -> None:
        online[0] = not online[0]
        endpoint_id = runtime.endpoints.data.visible[flip_key].id
        await sim.admin(
            bench.session, "PUT", f"/endpoints/{endpoint_id}/connectivity", {"online": online[0]}
        )

    # One resident links their account (OCCUPIED -> LINKED, devices stay hidden).
    occupied = [
        home_id
        for home_id in runtime.inventory.data.homes
        if runtime.occupancy.state_of(home_id) == OccupancyState.OCCUPIED
    ]

    async def link_resident() -> None:
        await sim.admin(bench.session, "POST", f"/homes/{occupied.pop()}/resident/link")

    changed = [
        await bench.refresh(
            "endpoints", runtime.endpoints, bounds["endpoints"], before=flip_connectivity
        ),
        await bench.refresh(
            "occupancy", runtime.occupancy, bounds["occupancy"], before=link_resident
        ),
    ]
    hour = await bench.simulate_hour(refreshes)
    return SizeResult(
        homes=len(runtime.inventory.data.homes),
        communities=len(runtime.inventory.data.communities),
        endpoints_listed=len(runtime.endpoints.data.visible),
        entities_offered=bench.offered,
        entities=len(entities),
        entities_enabled=sum(1 for e in entities if e.disabled_by is None),
        entities_loaded=loaded,
        devices=devices,
        setup_s=setup_s,
        setup_stall_s=setup_stall[0],
        setup_stall_wall_s=setup_stall[1],
        setup_gc_s=setup_stall[2],
        setup_stall_callback=setup_stall[3],
        full_gc_before=bench.full_gc[0],
        full_gc_after=bench.full_gc[1],
        memory_per_entity_kib=rss_growth * 1024 / max(1, loaded),
        refreshes=refreshes,
        endpoint_cpu_s=endpoint_cpu_s,
        json_decode_s=json_decode_s,
        changed_refreshes=changed,
        hour=hour,
    )
