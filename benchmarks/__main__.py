"""`python -m benchmarks` (or `scripts/bench`): the integration at 100, 500 and 2,000 homes.

Prints one table per aspect, checks the targets of issues 7 and 15 and writes everything as
JSON (per size `requests_per_hour` and `peak_10s_rate_per_s`, from an hour of polling).
Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import platform
import sys
import time
from pathlib import Path
from typing import Any

from custom_components.alexa_smart_properties.const import MAX_CONCURRENT_REQUESTS

from .harness import REPO
from .integration import HA_STALL_WARNING, RefreshResult, Size, SizeResult, run_size

WALL_TARGET = 1.3
OVERHEAD_TARGET = 3.0
FLOOR_TARGET = 1.15
"""Requests per hour (default options) over the freshness floor: occupancy, endpoint
listing and homes listing at their intervals (issue 15)."""
PEAK_TARGET = 3.0
"""The highest 10-second request rate over the hour's average rate."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__)
    add = parser.add_argument
    add("--homes", type=int, nargs="+", default=[100, 500, 2000], help="estate sizes")
    add("--devices-per-home", type=int, default=5, help="endpoints per home (default 5)")
    add("--homes-per-community", type=int, default=100, help="homes per community (100)")
    add("--latency-ms", type=float, default=40.0, help="latency added per request (40)")
    add("--repeat", type=int, default=3, help="refreshes measured per coordinator (3)")
    add(
        "--out",
        type=Path,
        default=REPO / "artifacts" / "bench" / "integration.json",
        help="where the JSON goes (default artifacts/bench/integration.json)",
    )
    return parser.parse_args(argv)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f}"


def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    line = "  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(out)


def _refresh_row(size: SizeResult, r: RefreshResult, changed: bool) -> list[str]:
    bound = f"{r.lower_bound:,}"
    if r.request_target is not None:
        bound += f" (<= {r.request_target:,})"
    return [
        f"{size.homes:,}",
        r.coordinator + (" *" if changed else ""),
        f"{r.requests:,}",
        bound,
        _ms(r.wall_s),
        _ms(r.ideal_s),
        f"{r.wall_ratio:.2f}x",
        _ms(r.cpu_s),
        f"{r.state_writes:,}",
        f"{r.longest_stall_s * 1000:.0f} / {r.longest_stall_wall_s * 1000:.0f}"
        f" / {r.longest_gc_s * 1000:.0f}",
    ]


def report(results: list[SizeResult], latency_ms: float) -> str:
    """Return the tables."""
    refresh_rows = [
        _refresh_row(s, r, changed)
        for s in results
        for changed, group in ((False, s.refreshes), (True, s.changed_refreshes))
        for r in group
    ]
    setup_rows = [
        [
            f"{s.homes:,}",
            f"{s.communities:,}",
            f"{s.endpoints_listed:,}",
            f"{s.devices:,}",
            f"{s.entities_loaded:,} / {s.entities_enabled:,} / {s.entities_offered:,}",
            f"{s.setup_s:.2f}",
            f"{s.setup_stall_s * 1000:.0f} / {s.setup_stall_wall_s * 1000:.0f}"
            f" / {s.setup_gc_s * 1000:.0f}",
            f"{s.memory_per_entity_kib:.1f}",
            _ms(s.endpoint_cpu_s),
            _ms(s.json_decode_s),
            f"{s.overhead_ratio:.2f}x",
        ]
        for s in results
    ]
    hour_rows = [
        [
            f"{s.homes:,}",
            f"{s.hour.requests_per_hour:,}",
            f"{s.hour.planned_requests_per_hour:,.0f}",
            f"{s.hour.freshness_floor_per_hour:,}",
            f"{s.hour.floor_ratio:.3f}x",
            f"{s.hour.average_rate_per_s:.2f}",
            f"{s.hour.peak_10s_rate_per_s:.2f}",
            f"{s.hour.peak_ratio:.2f}x",
            f"{s.hour.state_writes:,}",
            f"{s.hour.longest_stall_s * 1000:.0f}",
        ]
        for s in results
    ]
    return "\n\n".join(
        [
            f"Refreshes (latency {latency_ms:g} ms, concurrency {MAX_CONCURRENT_REQUESTS};"
            " ideal = ceil(requests/concurrency) x latency, the inventory's communities a round"
            " before their homes; * = one thing changed)",
            _table(
                [
                    "homes",
                    "coordinator",
                    "requests",
                    "lower bound",
                    "wall ms",
                    "ideal ms",
                    "ratio",
                    "cpu ms",
                    "writes",
                    "stall ms cpu / wall / gc",
                ],
                refresh_rows,
            ),
            "Setup, memory and CPU overhead of an endpoint refresh",
            _table(
                [
                    "homes",
                    "communities",
                    "endpoints",
                    "devices",
                    "entities loaded / enabled / made",
                    "setup s",
                    "stall ms cpu / wall / gc",
                    "KiB/entity",
                    "ep cpu ms",
                    "json ms",
                    "overhead",
                ],
                setup_rows,
            ),
            "An hour of polling with default options (the scheduler's 360 ticks; requests"
            " counted by the simulator)",
            _table(
                [
                    "homes",
                    "requests/h",
                    "planned/h",
                    "floor/h",
                    "ratio",
                    "avg /s",
                    "peak 10 s /s",
                    "peak/avg",
                    "writes",
                    "stall ms",
                ],
                hour_rows,
            ),
        ]
    )


def notes(results: list[SizeResult]) -> list[str]:
    """Return what the tables don't show but a reader must know."""
    found: list[str] = []
    for s in results:
        where = f"{s.homes} homes"
        if s.entities < s.entities_offered:
            found.append(
                f"{where}: Home Assistant took {s.entities:,} of the {s.entities_offered:,}"
                " entities the integration made (at most 10,000 enabled entities per config"
                " entry); the others never load"
            )
        gc_pause = max(s.setup_gc_s, *(r.longest_gc_s for r in s.refreshes))
        if gc_pause > HA_STALL_WARNING:
            found.append(
                f"{where}: the garbage collector paused the loop up to {gc_pause * 1000:.0f} ms"
                " (a full collection walks every object of the interpreter, Home Assistant's"
                " too; the stall columns count it apart). A full collection took"
                f" {s.full_gc_before[0] * 1000:.0f} ms over {s.full_gc_before[1]:,} objects"
                " before the entry was added (Home Assistant and this benchmark alone), and"
                f" {s.full_gc_after[0] * 1000:.0f} ms over {s.full_gc_after[1]:,} with every"
                " entity loaded"
            )
    return found


def misses(results: list[SizeResult]) -> list[str]:
    """Return every target a size misses."""
    found: list[str] = []
    for s in results:
        where = f"{s.homes} homes"
        for r in s.refreshes:
            if r.request_target is not None and r.requests > r.request_target:
                found.append(f"{where}: {r.coordinator} took {r.requests} requests")
            if r.state_writes:
                found.append(f"{where}: unchanged {r.coordinator} refresh wrote state")
        for r in [*s.refreshes, *s.changed_refreshes]:
            if r.wall_ratio > WALL_TARGET:
                found.append(f"{where}: {r.coordinator} wall time {r.wall_ratio:.2f}x ideal")
            if r.longest_stall_s > HA_STALL_WARNING:
                found.append(f"{where}: {r.coordinator} refresh stalled the loop")
        if s.setup_stall_s > HA_STALL_WARNING:
            found.append(f"{where}: setup stalled the loop {s.setup_stall_s * 1000:.0f} ms")
        if s.overhead_ratio > OVERHEAD_TARGET:
            found.append(f"{where}: endpoint refresh overhead {s.overhead_ratio:.2f}x")
        hour = s.hour
        if hour.floor_ratio > FLOOR_TARGET:
            found.append(f"{where}: {hour.floor_ratio:.3f}x the freshness floor an hour")
        if hour.peak_ratio > PEAK_TARGET:
            found.append(f"{where}: peak 10 s rate {hour.peak_ratio:.2f}x the average")
        if hour.state_writes:
            found.append(f"{where}: an unchanged hour wrote {hour.state_writes} states")
        if hour.longest_stall_s > HA_STALL_WARNING:
            found.append(f"{where}: a tick stalled the loop")
    return found


async def run(args: argparse.Namespace) -> int:
    """Run every size, print the tables, write the JSON."""
    results: list[SizeResult] = []
    for homes in args.homes:
        size = Size(homes, args.devices_per_home, args.homes_per_community)
        print(f"... {homes} homes", file=sys.stderr, flush=True)
        results.append(await run_size(size, args.latency_ms, args.repeat))
    print(report(results, args.latency_ms))
    missed = misses(results)
    print("\nTargets: " + ("all met" if not missed else "MISSED\n  " + "\n  ".join(missed)))
    for note in notes(results):
        print(f"Note: {note}")
    document: dict[str, Any] = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "python": platform.python_version(),
        "latency_ms": args.latency_ms,
        "concurrency": MAX_CONCURRENT_REQUESTS,
        "targets": {
            "endpoint_requests": "<= ceil(E/50) + 2",
            "wall_ratio": WALL_TARGET,
            "overhead_ratio": OVERHEAD_TARGET,
            "unchanged_state_writes": 0,
            "stall_s": HA_STALL_WARNING,
            "requests_per_hour_over_floor": FLOOR_TARGET,
            "peak_10s_over_average": PEAK_TARGET,
        },
        "missed": missed,
        "notes": notes(results),
        "sizes": [s.as_json() for s in results],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(document, indent=2) + "\n")
    print(f"JSON: {args.out}")
    return 1 if missed else 0


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
