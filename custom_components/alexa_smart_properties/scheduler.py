"""One steady trickle of requests instead of a flood every few minutes.

Every tick (10 s) the scheduler sends what came due since the last one:

- the occupancy of the homes whose turn came (each home once per occupancy interval, the
  homes spread evenly over it: `rotation.Rotation`);
- the skills and automations of the homes whose turn came in the slow cadence (an option,
  6 hours by default; new homes are read at once and a home an action changed right after);
- the endpoint listing or the homes listing when its interval has passed: one of the two
  per tick, as neither can be split (a listing's pages belong together).

A tick sends at most TICK_BUDGET_FACTOR times the planned average per tick (a listing
larger than that goes alone); what does not fit waits for the next tick. After a refresh
Amazon throttled with a Retry-After, nothing planned is sent until then. Homes with an
occupancy change in progress are polled every 15 s on their own
(`OccupancyCoordinator.async_poll_pending`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.update_coordinator import UpdateFailed

from .api import AspError
from .budget import (
    Intervals,
    RequestPlan,
    detail_requests,
    endpoint_requests,
    listing_requests,
    plan_requests,
)
from .const import (
    DOMAIN,
    LOGGER,
    REQUEST_CEILING_PER_HOUR,
    SCHEDULE_TICK,
    TICK_BUDGET_FACTOR,
)
from .coordinator import (
    AspCoordinator,
    EndpointCoordinator,
    InventoryCoordinator,
    OccupancyCoordinator,
)
from .data import AspConfigEntry
from .rotation import Rotation

BUDGET_ISSUE = "request_budget"


class Queue:
    """Keys waiting for their read, oldest first, each once."""

    def __init__(self) -> None:
        """Start empty."""
        self._keys: dict[str, None] = {}

    def add(self, keys: Iterable[str]) -> None:
        """Queue keys (one already waiting keeps its place)."""
        self._keys.update(dict.fromkeys(keys))

    def take(self, count: int, present: Iterable[str]) -> list[str]:
        """Remove and return up to `count` keys, dropping those no longer `present`."""
        still = set(present)
        self._keys = {key: None for key in self._keys if key in still}
        taken = list(self._keys)[: max(0, count)]
        for key in taken:
            del self._keys[key]
        return taken

    def __len__(self) -> int:
        """Return how many keys wait."""
        return len(self._keys)


class PollScheduler:
    """Drives the three coordinators in small slices (see the module's docstring)."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: AspConfigEntry,
        inventory: InventoryCoordinator,
        occupancy: OccupancyCoordinator,
        endpoints: EndpointCoordinator,
        intervals: Intervals,
    ) -> None:
        """Plan the polls; the first refreshes (setup) read everything once."""
        self.hass = hass
        self.entry = entry
        self.inventory = inventory
        self.occupancy = occupancy
        self.endpoints = endpoints
        self.intervals = intervals
        self._occupancy_turns = Rotation(intervals.occupancy.total_seconds())
        self._detail_turns = Rotation(intervals.skills.total_seconds())
        self._occupancy_due = Queue()
        self._detail_due = Queue()
        self._clock = 0.0
        """Seconds of polling since setup (the sum of the ticks)."""
        self._endpoints_due = intervals.endpoints.total_seconds()
        self._inventory_due = intervals.inventory.total_seconds()
        self._ticking = False
        self._missed = 0
        self._quiet_until = 0.0
        """While Amazon asked to wait (429 with Retry-After): polls queue up meanwhile."""
        self._plan: tuple[object, int, RequestPlan] | None = None

    @callback
    def async_start(self) -> None:
        """Tick until the entry unloads (unless the user turned polling off)."""
        self.async_check_budget()
        if self.entry.pref_disable_polling:
            return
        self.entry.async_on_unload(
            async_track_time_interval(
                self.hass, self._async_on_tick, SCHEDULE_TICK, name=f"{DOMAIN} poll"
            )
        )

    def plan(self) -> RequestPlan:
        """Return the planned requests per hour for the estate as last read."""
        inventory, endpoints = self.inventory.data, self.endpoints.data
        # Endpoints count only by their listing's pages: a device going offline leaves the
        # plan as it was, and the inventory's part (every home's) is not worked out again.
        listing = endpoint_requests(endpoints)
        if self._plan is None or self._plan[0] is not inventory or self._plan[1] != listing:
            self._plan = (inventory, listing, plan_requests(inventory, endpoints, self.intervals))
        return self._plan[2]

    @callback
    def async_check_budget(self) -> None:
        """Raise a repair issue while the plan exceeds the ceiling; clear it otherwise."""
        planned = self.plan().total
        issue_id = f"{BUDGET_ISSUE}_{self.entry.entry_id}"
        if planned <= REQUEST_CEILING_PER_HOUR:
            ir.async_delete_issue(self.hass, DOMAIN, issue_id)
            return
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            issue_id,
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key=BUDGET_ISSUE,
            translation_placeholders={
                "title": self.entry.title,
                "planned": f"{planned:,.0f}",
                "ceiling": f"{REQUEST_CEILING_PER_HOUR:,}",
            },
        )

    async def _async_on_tick(self, _now: datetime) -> None:
        if self._ticking:
            # The last tick still runs (a slow API): its time is added to the next.
            self._missed += 1
            return
        self._ticking = True
        missed, self._missed = self._missed, 0
        try:
            await self.async_tick(SCHEDULE_TICK * (1 + missed))
        finally:
            self._ticking = False

    async def async_tick(self, elapsed_time: timedelta = SCHEDULE_TICK) -> None:
        """Send what came due in the `elapsed_time` since the last tick, within budget.

        Time is counted in ticks, not read off a clock: a clock set back or forward
        neither stops the polls nor sends a burst.
        """
        elapsed = elapsed_time.total_seconds()
        self._clock += elapsed
        homes = self.inventory.data.homes
        self._occupancy_turns.place(homes)
        self._occupancy_due.add(self._occupancy_turns.advance(elapsed))
        self._detail_turns.place(homes)
        self._detail_due.add(self._detail_turns.advance(elapsed))
        if self._clock < self._quiet_until:
            return  # the queues drain afterwards, at most the budget a tick
        budget = math.ceil(TICK_BUDGET_FACTOR * self.plan().per(SCHEDULE_TICK.total_seconds()))
        budget -= await self._async_listing()

        slice_ = self._occupancy_due.take(budget, homes)
        if slice_:
            await self.occupancy.async_refresh_slice(slice_)
            if not self.occupancy.last_update_success:
                self._occupancy_due.add(slice_)  # read again at the next tick
                self._honour_retry_after(self.occupancy)
        budget -= len(slice_)

        inventory = self.inventory.data
        cost = max(1, max((detail_requests(inventory, h) for h in homes), default=1))
        details = self._detail_due.take(budget // cost, homes)
        if details:
            try:
                await self.inventory.async_read_details(details)
            except AspError as err:
                LOGGER.debug("Reading skills and automations in turn failed: %s", err)
                self._detail_due.add(details)

    async def _async_listing(self) -> int:
        """Refresh the endpoint listing or the homes listing if due; return its requests."""
        clock = self._clock
        if clock >= self._endpoints_due:
            self._endpoints_due = self._next(self._endpoints_due, self.intervals.endpoints)
            cost = endpoint_requests(self.endpoints.data)
            await self.endpoints.async_refresh()
            self._honour_retry_after(self.endpoints)
            self.async_check_budget()
            return cost
        if clock >= self._inventory_due:
            self._inventory_due = self._next(self._inventory_due, self.intervals.inventory)
            cost = listing_requests(self.inventory.data)
            await self.inventory.async_refresh()
            self._honour_retry_after(self.inventory)
            self.async_check_budget()
            return cost
        return 0

    def _honour_retry_after(self, coordinator: AspCoordinator[Any]) -> None:
        """Send nothing planned while Amazon asked to wait after a refresh it throttled."""
        error = coordinator.last_exception
        failed = not coordinator.last_update_success
        if failed and isinstance(error, UpdateFailed) and error.retry_after:
            self._quiet_until = max(self._quiet_until, self._clock + error.retry_after)

    def _next(self, due: float, interval: timedelta) -> float:
        """Return the next due time after `due`, skipping the turns a long pause missed."""
        step = interval.total_seconds()
        return due + step * max(1, math.ceil((self._clock - due) / step + 1e-9))
