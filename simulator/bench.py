"""Benchmark (not a test): start-up time, memory and requests per second.

Run: ``python -m simulator.bench [--homes 1000] [--devices-per-home 5] [--seconds 3]``.
Start-up and memory are measured in this process (seeding is what costs); throughput is
measured against ``python -m simulator`` in a child process, so the load generator and the
server don't share one CPU-bound event loop.
"""

import argparse
import asyncio
import gc
import json
import os
import resource
import sys
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp

from .app import build_app, simulator_of
from .clock import ManualClock
from .core import SimulatorConfig
from .devices import EXPANDABLE_FEATURES

# The integration's endpoint listing: attributes and every feature's properties by name.
LISTING = [
    ("owner", "~caller"),
    ("expand", "all"),
    *(("expand", f"feature:{feature}") for feature in EXPANDABLE_FEATURES),
    ("maxResults", "50"),
]

ROOT = Path(__file__).resolve().parents[1]


def _rss_mib(pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure_startup(homes: int, devices: int) -> dict[str, float]:
    """Seed the property in-process; report time (untraced) and memory (traced, again)."""
    config = SimulatorConfig(homes=homes, devices_per_home=devices, spare_devices=0)
    gc.collect()
    rss_before = _rss_mib()
    started = time.perf_counter()
    build_app(config, clock=ManualClock())
    elapsed = time.perf_counter() - started
    rss_growth = _rss_mib() - rss_before
    gc.collect()
    tracemalloc.start()
    app = build_app(config, clock=ManualClock())
    _, peak = tracemalloc.get_traced_memory()
    current, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    sim = simulator_of(app)
    return {
        "homes": len(sim.state.homes),
        "endpoints": len(sim.state.endpoints),
        "build_seconds": elapsed,
        "state_mib": current / 2**20,
        "peak_mib": peak / 2**20,
        "rss_growth_mib": rss_growth,
    }


async def _token(session: aiohttp.ClientSession, details: dict[str, str]) -> str:
    form = {
        "grant_type": "refresh_token",
        "refresh_token": details["refreshToken"],
        "client_id": details["clientId"],
        "client_secret": details["clientSecret"],
    }
    async with session.post(details["tokenUrl"], data=form) as response:
        body = await response.json()
    token: str = body["access_token"]
    return token


async def _load(
    seconds: float, concurrency: int, call: Callable[[], Awaitable[int]]
) -> tuple[float, int, int]:
    """Run call() from concurrency workers for a while; return rps, requests, errors."""
    stop_at = time.perf_counter() + seconds
    done = 0
    errors = 0

    async def worker() -> None:
        nonlocal done, errors
        while time.perf_counter() < stop_at:
            status = await call()
            done += 1
            errors += status >= 400

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return done / (time.perf_counter() - started), done, errors


async def measure_throughput(
    homes: int, devices: int, seconds: float, concurrency: int
) -> dict[str, object]:
    """Serve with the CLI in a child process and drive it over loopback."""
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "simulator", "--port", "0", "--json",
        "--homes", str(homes), "--devices-per-home", str(devices), "--spare-devices", "0",
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None
    details = json.loads(await process.stdout.readline())
    ready = time.perf_counter() - started
    base = details["baseUrl"]
    results: dict[str, object] = {"cli_ready_seconds": ready, "server_rss_mib": 0.0}
    connector = aiohttp.TCPConnector(limit=concurrency)
    try:
        async with aiohttp.ClientSession(connector=connector) as session:
            headers = {"Authorization": f"Bearer {await _token(session, details)}"}
            org = details["organizationId"]

            async def get(
                path: str, params: dict[str, str] | list[tuple[str, str]] | None = None
            ) -> int:
                async with session.get(base + path, params=params, headers=headers) as response:
                    await response.read()
                    return response.status

            async with session.get(
                base + "/enterprise/residential/v1/homeCommunities",
                params={"organizationId": org},
                headers=headers,
            ) as response:
                community = (await response.json())["homeCommunities"][0]["id"]
            async with session.get(
                base + "/enterprise/residential/v1/homes",
                params={"homeCommunityId": community},
                headers=headers,
            ) as response:
                home_ids = [h["id"] for h in (await response.json())["homes"]]
            home = home_ids[0]
            occupied = home  # a home with an occupancy (never-occupied ones answer 404)
            for candidate in home_ids:
                path = f"/enterprise/residential/v1/homes/{candidate}/occupancies/~latest"
                if await get(path) == 200:
                    occupied = candidate
                    break

            scenarios: dict[str, Callable[[], Awaitable[int]]] = {
                "GET home": lambda: get(f"/enterprise/residential/v1/homes/{home}"),
                "GET occupancy ~latest": lambda: get(
                    f"/enterprise/residential/v1/homes/{occupied}/occupancies/~latest"
                ),
                "GET endpoints expand=all+features x50": lambda: get("/v2/endpoints", LISTING),
            }
            for name, call in scenarios.items():
                rps, count, errors = await _load(seconds, concurrency, call)
                results[name] = {"rps": rps, "requests": count, "errors": errors}

            # One full poll of every visible endpoint, as an integration would do it.
            sweep_started = time.perf_counter()
            pages = 0
            listed = 0
            params = list(LISTING)
            while True:
                async with session.get(
                    base + "/v2/endpoints", params=params, headers=headers
                ) as response:
                    body = await response.json()
                pages += 1
                listed += len(body["results"])
                token = (body.get("paginationContext") or {}).get("nextToken")
                if not token:
                    break
                params = [*LISTING, ("nextToken", token)]
            results["full endpoint sweep"] = {
                "seconds": time.perf_counter() - sweep_started,
                "pages": pages,
                "endpoints": listed,
            }
            results["server_rss_mib"] = _rss_mib(process.pid)
    finally:
        process.terminate()
        await process.wait()
    return results


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(prog="python -m simulator.bench")
    parser.add_argument("--homes", type=int, default=1000)
    parser.add_argument("--devices-per-home", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=3.0, help="per throughput scenario")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)

    startup = measure_startup(args.homes, args.devices_per_home)
    throughput = asyncio.run(
        measure_throughput(args.homes, args.devices_per_home, args.seconds, args.concurrency)
    )
    if args.json:
        print(json.dumps({"startup": startup, "throughput": throughput}))
        return 0
    cpu = os.cpu_count()
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"ASP simulator benchmark (Python {sys.version.split()[0]}, {cpu} CPUs)")
    print(
        f"  seed {startup['homes']:.0f} homes / {startup['endpoints']:.0f} endpoints: "
        f"{startup['build_seconds']:.2f} s, state {startup['state_mib']:.1f} MiB "
        f"(peak {startup['peak_mib']:.1f} MiB traced, RSS +{startup['rss_growth_mib']:.1f} MiB; "
        f"bench process peak RSS {peak_rss:.0f} MiB)"
    )
    print(
        f"  CLI ready (interpreter start + seed + listen): "
        f"{throughput['cli_ready_seconds']:.2f} s; "
        f"server RSS {throughput['server_rss_mib']:.1f} MiB"
    )
    print(f"  throughput, {args.concurrency} concurrent loopback clients:")
    for name, value in throughput.items():
        if isinstance(value, dict) and "rps" in value:
            print(
                f"    {name:<40} {value['rps']:8.0f} req/s "
                f"({value['requests']} requests, {value['errors']} errors)"
            )
    sweep = throughput["full endpoint sweep"]
    assert isinstance(sweep, dict)
    print(
        f"  full sweep of visible endpoints (expand=all and every feature, 50 per page): "
        f"{sweep['seconds']:.2f} s, {sweep['pages']} pages, {sweep['endpoints']} endpoints"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
