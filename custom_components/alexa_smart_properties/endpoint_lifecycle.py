"""When a device missing from Amazon's listing is hidden, missing for now, or gone.

What the user built on a device (its name, area, dashboards, automations) must not go
because Amazon hid it or missed it once. A device absent from a listing is:
- hidden while its home is occupied, linked, or in a state the client does not know: the
  privacy rule hides it, and it comes back when the home is vacant again;
- missing otherwise: kept (its entities unavailable) until Amazon confirms it is gone (a
  direct read answers 404, or this integration deregistered or forgot it), or until it has
  been absent from every listing for the grace period while its home was vacant.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final

from homeassistant.util import dt as dt_util

from .api.models import Endpoint

DEFAULT_GRACE: Final = timedelta(hours=24)
CONFIRM_READS_PER_REFRESH: Final = 10
"""Direct reads of newly missing devices per refresh: a glitch that hides hundreds costs
at most this many requests, the rest wait for the next refresh or the grace period."""


@dataclass(frozen=True, slots=True)
class Removal:
    """A device that goes, and why (for the log)."""

    key: str
    endpoint: Endpoint
    reason: str


@dataclass(slots=True)
class Absence:
    """One refresh's verdict on the devices the listing lacked."""

    hidden: dict[str, Endpoint] = field(default_factory=dict)
    missing: dict[str, Endpoint] = field(default_factory=dict)
    to_confirm: list[str] = field(default_factory=list)
    """Newly missing devices to read directly (at most `CONFIRM_READS_PER_REFRESH`)."""
    removed: list[Removal] = field(default_factory=list)


class AbsentEndpoints:
    """Remembers since when each device has been missing, and which are known gone."""

    def __init__(
        self, grace: timedelta = DEFAULT_GRACE, clock: Callable[[], datetime] = dt_util.utcnow
    ) -> None:
        """Keep the grace period and where the time comes from."""
        self.grace = grace
        self.clock = clock
        self._since: dict[str, datetime] = {}
        self._gone: set[str] = set()

    def mark_gone(self, key: str) -> None:
        """Note that Amazon confirmed a device gone (deregistered, forgotten, 404)."""
        self._gone.add(key)

    def judge(
        self,
        absent: Mapping[str, Endpoint],
        was_missing: Mapping[str, Endpoint],
        hides_devices: Callable[[str | None], bool],
    ) -> Absence:
        """Sort the devices a listing lacked into hidden, missing and removed."""
        now = self.clock()
        verdict = Absence()
        since: dict[str, datetime] = {}
        for key, endpoint in absent.items():
            if key in self._gone:
                verdict.removed.append(Removal(key, endpoint, "Amazon no longer has it"))
            elif hides_devices(endpoint.unit_id):
                verdict.hidden[key] = endpoint
            else:
                since[key] = started = self._since.get(key, now)
                if now - started >= self.grace:
                    verdict.removed.append(
                        Removal(key, endpoint, f"absent from Amazon's listings for {self.grace}")
                    )
                    del since[key]
                    continue
                verdict.missing[key] = endpoint
                if key not in was_missing and len(verdict.to_confirm) < CONFIRM_READS_PER_REFRESH:
                    verdict.to_confirm.append(key)
        self._since = since
        self._gone -= {r.key for r in verdict.removed}
        return verdict
