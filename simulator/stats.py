"""Request counters per route and a bounded request log, for tests and benchmarks."""

import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class RouteCounter:
    """How often one route was called and with which outcomes."""

    count: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    total_ms: float = 0.0


class RequestStats:
    """Counts requests by "METHOD /route/{template}" and keeps the latest ones."""

    def __init__(self, log_size: int = 1000) -> None:
        """Keep at most log_size entries in the log."""
        self.routes: dict[str, RouteCounter] = {}
        self.log: deque[dict[str, Any]] = deque(maxlen=log_size)
        self.total = 0
        self.arrivals = 0
        self.started = time.monotonic()

    def arrive(self) -> int:
        """Count a request in as it arrives; return its number (the log keeps finish order).

        A request that hangs until its client gives up is logged after the retry that
        followed it; the arrival number still tells which came first.
        """
        self.arrivals += 1
        return self.arrivals

    def record(
        self,
        *,
        route: str,
        method: str,
        path: str,
        query: str,
        status: int,
        duration_ms: float,
        request_id: str,
        at: float,
        fault: str | None,
        arrival: int = 0,
    ) -> None:
        """Count one finished request and log it."""
        self.total += 1
        counter = self.routes.setdefault(route, RouteCounter())
        counter.count += 1
        counter.statuses[status] = counter.statuses.get(status, 0) + 1
        counter.total_ms += duration_ms
        self.log.append(
            {
                "requestId": request_id,
                "at": at,
                "method": method,
                "path": path,
                "query": query,
                "route": route,
                "status": status,
                "durationMs": round(duration_ms, 3),
                "fault": fault,
                "arrival": arrival,
            }
        )

    def reset(self) -> None:
        """Forget every counter and log entry."""
        self.routes.clear()
        self.log.clear()
        self.total = 0
        self.arrivals = 0
        self.started = time.monotonic()

    def summary(self) -> dict[str, Any]:
        """Return the counters as JSON-ready data."""
        return {
            "total": self.total,
            "routes": {
                route: {
                    "count": c.count,
                    "statuses": {str(k): v for k, v in sorted(c.statuses.items())},
                    "meanMs": round(c.total_ms / c.count, 3) if c.count else 0.0,
                }
                for route, c in sorted(self.routes.items())
            },
        }
