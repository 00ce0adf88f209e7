"""Time sources: the simulator never reads the system clock directly, so tests can steer it."""

import time
from typing import Protocol

# 2026-01-01T00:00:00Z: where a manual clock starts unless told otherwise.
DEFAULT_MANUAL_EPOCH = 1_767_225_600.0


class Clock(Protocol):
    """Anything that tells the current time in epoch seconds."""

    def now(self) -> float:
        """Return the current time in seconds since the epoch."""
        ...

    def advance(self, seconds: float) -> None:
        """Move time forward (used by tests and the admin API)."""
        ...


class SystemClock:
    """Wall-clock time plus an offset the admin API can push forward."""

    def __init__(self) -> None:
        """Start with no offset."""
        self._offset = 0.0

    def now(self) -> float:
        """Return wall-clock time plus the accumulated offset."""
        return time.time() + self._offset

    def advance(self, seconds: float) -> None:
        """Jump forward without waiting."""
        self._offset += seconds


class ManualClock:
    """A clock that only moves when told to: deterministic tests of delays and expiry."""

    def __init__(self, start: float = DEFAULT_MANUAL_EPOCH) -> None:
        """Start at a fixed instant."""
        self._now = start

    def now(self) -> float:
        """Return the frozen time."""
        return self._now

    def advance(self, seconds: float) -> None:
        """Move time forward."""
        self._now += seconds


def iso8601(epoch: float) -> str:
    """Format epoch seconds the way the APIs do: YYYY-MM-DDThh:mm:ssZ."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))
