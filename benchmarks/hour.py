"""An hour of polling in Home Assistant's time, counted by the simulator.

The entry's poll scheduler counts time in ticks (`SCHEDULE_TICK`, 10 s), not off a clock,
so an hour is 360 of its ticks, run back to back here. After each tick the simulator's own
request counters tell how many API requests it sent: each tick's requests are sent at
its instant of Home Assistant's time, so any 10-second window holds exactly one tick, and
the highest 10-second rate is the largest tick over 10 s.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from custom_components.alexa_smart_properties.const import SCHEDULE_TICK

HOUR = timedelta(hours=1)
WINDOW = timedelta(seconds=10)


@dataclass(slots=True)
class HourResult:
    """Requests of an hour of polling with nothing changed."""

    requests_per_hour: int
    peak_10s_rate_per_s: float
    planned_requests_per_hour: float
    """What the integration's budget sensor shows for this estate."""
    freshness_floor_per_hour: int
    """Occupancy of every home, endpoint listing and homes listing, each at its interval."""
    state_writes: int
    longest_stall_s: float
    ticks: list[int]

    @property
    def average_rate_per_s(self) -> float:
        """Return the hour's average request rate."""
        return self.requests_per_hour / HOUR.total_seconds()

    @property
    def floor_ratio(self) -> float:
        """Return the hour's requests over the freshness floor."""
        return self.requests_per_hour / self.freshness_floor_per_hour

    @property
    def peak_ratio(self) -> float:
        """Return the peak 10-second rate over the hour's average."""
        return self.peak_10s_rate_per_s / self.average_rate_per_s


def peak_rate(ticks: list[int], tick: timedelta = SCHEDULE_TICK) -> float:
    """Return the highest request rate over any 10-second window of ticks `tick` apart."""
    per_window = max(1, math.ceil(WINDOW / tick))
    sums = [sum(ticks[i : i + per_window]) for i in range(max(1, len(ticks) - per_window + 1))]
    return max(sums, default=0) / WINDOW.total_seconds()


def ticks_per_hour() -> int:
    """Return the scheduler's ticks in an hour."""
    return int(HOUR / SCHEDULE_TICK)
