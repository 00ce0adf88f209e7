"""Retry policy shared by API requests and token refreshes."""

from __future__ import annotations

import math
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

type SleepFunc = Callable[[float], Awaitable[None]]
"""An `asyncio.sleep` look-alike; injectable so tests do not really wait."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryPolicy:
    """How often and how long to retry throttled or failed requests.

    429 is normal operation for ASP (no published rate limits), so it is always retried;
    500/503, timeouts and connection errors only for methods that are safe to repeat.
    """

    max_attempts: int = 5
    """Attempts in total, the first one included."""
    base_delay: float = 1.0
    """Delay before the first retry when the server gives no `Retry-After`."""
    max_delay: float = 30.0
    """Cap of the exponential backoff."""
    jitter: float = 0.5
    """Share of each backoff delay that is randomised, so clients do not retry in step."""
    max_retry_after: float = 60.0
    """A longer `Retry-After` is not waited for: the rate-limit error is raised at once."""

    def __post_init__(self) -> None:
        """Reject settings that would never send a request or never stop."""
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if not 0 <= self.jitter <= 1:
            raise ValueError("jitter must be between 0 and 1")
        if self.base_delay < 0 or self.max_delay < 0 or self.max_retry_after < 0:
            raise ValueError("delays must not be negative")

    def backoff(self, retry: int, rand: Callable[[], float] = random.random) -> float:
        """Return the delay before retry number `retry` (1 for the first retry)."""
        delay = min(self.max_delay, self.base_delay * 2.0 ** (retry - 1))
        # Keep (1 - jitter) of the delay fixed and spread the rest at random.
        return delay * (1 - self.jitter) + delay * self.jitter * rand()


NO_RETRY = RetryPolicy(max_attempts=1)
"""A policy that never retries."""


def parse_retry_after(value: str | None, now: Callable[[], datetime] | None = None) -> float | None:
    """Return the seconds a `Retry-After` header asks to wait (delta-seconds or HTTP date)."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return None if math.isnan(seconds) else max(0.0, seconds)
    try:
        when = parsedate_to_datetime(value)
    except TypeError, ValueError, IndexError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = now() if now is not None else datetime.now(UTC)
    return max(0.0, (when - current).total_seconds())
