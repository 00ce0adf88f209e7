"""What the soak expects, from the simulator's own request log and state.

The coordinators' flags are never consulted: a refresh failed when the last attempt of
one of its requests met an injected fault, as the simulator logged it.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from typing import Any

from simulator.embed import RunningSimulator

# The requests each coordinator's refresh sends whose failure fails it (a device missing
# from the listing is read one by one, but a failed read only keeps it missing).
REFRESH_ROUTES = {
    "inventory": {
        "GET /enterprise/residential/v1/homeCommunities",
        "GET /enterprise/residential/v1/homes",
        "GET /v1/skills/enablements",
        "GET /v2/automations",
        "GET /v2/units",
    },
    "occupancy": {"GET /enterprise/residential/v1/homes/{id}/occupancies/{occupancyId}"},
    "endpoints": {"GET /v2/endpoints"},
}


def sim_device_units(simulator: RunningSimulator) -> dict[str, str | None]:
    """Return each device's key (as the integration keys it) and its unit, per the simulator."""
    return {
        f"serial_{e.serial_number}" if e.serial_number else e.id: e.unit_id
        for e in simulator.sim.state.endpoints.values()
    }


class Expected:
    """What the simulator says: each coordinator's latest refresh failed or not."""

    def __init__(self, simulator: RunningSimulator) -> None:
        self.simulator = simulator
        self.failed: dict[str, bool] = dict.fromkeys(REFRESH_ROUTES, False)
        self.withdrawn = False  # the grant is withdrawn: every refresh fails

    def refreshed(self, kind: str, entries: list[dict[str, Any]]) -> bool:
        """Judge a refresh from the requests sent meanwhile; return whether it failed."""
        failed = self.withdrawn or last_attempt_faulted(entries, REFRESH_ROUTES[kind])
        self.failed[kind] = failed
        return failed

    def unavailable(self, unique_id: str, device_units: dict[str, str | None]) -> bool:
        """Return whether an entity should be unavailable now."""
        state = self.simulator.sim.state
        if unique_id == f"{state.organization_id}_request_budget":
            return False  # the plan, from the estate as last read: shown whatever the polls
        for home_id in state.homes:
            if not unique_id.startswith(f"{home_id}_"):
                continue
            if unique_id.endswith(("_enabled_skills", "_automations")):
                return self.failed["inventory"]
            return self.failed["occupancy"]
        for community_id in state.communities:
            if unique_id == f"{community_id}_offline_devices":
                return self.failed["endpoints"]
            if unique_id.startswith(f"{community_id}_"):
                return self.failed["occupancy"]
        if self.failed["endpoints"]:
            return True
        unit = next((u for k, u in device_units.items() if unique_id.startswith(f"{k}_")), None)
        return state.unit_is_private(unit)  # the privacy rule hides an occupied home's devices


def last_attempt_faulted(entries: list[dict[str, Any]], routes: set[str]) -> bool:
    """Return whether a request on `routes` met a fault on its last attempt.

    Attempts of one request (same method, path and query) are told apart by arrival: a
    retry that succeeded comes after the faulted attempt; a request given up on ends
    with one. Whatever the client's retry policy, the last attempt decides.
    """
    last: dict[tuple[str, str, str], dict[str, Any]] = {}
    for entry in sorted(entries, key=lambda e: e["arrival"]):
        if entry["route"] in routes:
            last[(entry["method"], entry["path"], entry["query"])] = entry
    return any(faulted(e) for e in last.values())


def faulted(entry: dict[str, Any]) -> bool:
    """Return whether an attempt failed: a fault, or a token refused by the API.

    A garbled error body still carries its status, which is all the client reads: a
    garbled 404 of a home never moved into is still "no occupancy yet".
    """
    if entry["fault"] == "malformed":
        return int(entry["status"]) < 400
    return entry["fault"] is not None or entry["status"] == 401


class Window:
    """The requests that arrive at the simulator from now on."""

    def __init__(self, simulator: RunningSimulator) -> None:
        self.stats = simulator.sim.stats
        self.first = self.stats.arrivals
        self.index = len(self.stats.log)

    async def entries(self) -> list[dict[str, Any]]:
        """Return them, once every request that arrived is logged (hung ones end late)."""
        for _ in range(300):
            if self.stats.total >= self.stats.arrivals:
                break
            await asyncio.sleep(0.01)
        else:
            raise AssertionError("the simulator never logged some requests")
        log = itertools.islice(self.stats.log, self.index, None)
        return [e for e in log if e["arrival"] > self.first]


def applied_writes(entries: list[dict[str, Any]]) -> Counter[str]:
    """Count the writes the simulator carried out, answered (garbled or not) or not."""
    return Counter(
        e["path"]
        for e in entries
        if e["method"] != "GET"
        and not e["path"].startswith("/auth/")
        and (
            e["fault"] == "apply_then_drop"
            or (e["fault"] in (None, "malformed") and 200 <= e["status"] < 300)
        )
    )
