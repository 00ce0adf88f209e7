"""The request budget: how many requests an hour the polls plan for this estate.

Counted from what the last refreshes found (communities, homes, their skills and
automations, listed endpoints) and the options' intervals, page by page as the client
asks for them. Polls of a change in progress (every 15 s while it lasts) and the reads
after an action come on top: they follow what the user does, not the estate's size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from .api.const import (
    AUTOMATIONS_PAGE,
    ENDPOINTS_PAGE,
    HOME_COMMUNITIES_PAGE,
    HOMES_PAGE,
    SKILL_ENABLEMENTS_PAGE,
)
from .coordinator import EndpointData, InventoryData

HOUR = 3600.0


@dataclass(frozen=True, slots=True)
class Intervals:
    """How often each poll reads what it reads (the options)."""

    inventory: timedelta
    occupancy: timedelta
    endpoints: timedelta
    skills: timedelta


def pages(items: int, page_size: int) -> int:
    """Return the requests a listing of `items` takes (an empty listing is one request)."""
    return max(1, math.ceil(items / page_size))


def listing_requests(inventory: InventoryData) -> int:
    """Return the requests of one homes listing: communities, then each one's homes."""
    if not inventory.communities and inventory.unit_names:
        return pages(len(inventory.unit_names), HOMES_PAGE[1])  # units, outside the US
    return pages(len(inventory.communities), HOME_COMMUNITIES_PAGE[1]) + sum(
        pages(len(inventory.homes_of(community_id)), HOMES_PAGE[1])
        for community_id in inventory.communities
    )


def detail_requests(inventory: InventoryData, home_id: str) -> int:
    """Return the requests of reading one home's skill enablements and automations."""
    return pages(len(inventory.skills.get(home_id, ())), SKILL_ENABLEMENTS_PAGE[1]) + pages(
        len(inventory.automations.get(home_id, ())), AUTOMATIONS_PAGE[1]
    )


def endpoint_requests(endpoints: EndpointData) -> int:
    """Return the requests of one endpoint listing (the visible endpoints, 50 a page)."""
    return pages(len(endpoints.visible), ENDPOINTS_PAGE[1])


@dataclass(frozen=True, slots=True)
class RequestPlan:
    """Planned requests per hour, by what they read."""

    homes_listing: float
    occupancy: float
    endpoints: float
    skills_automations: float

    @property
    def total(self) -> float:
        """Return every planned request per hour."""
        return self.homes_listing + self.occupancy + self.endpoints + self.skills_automations

    def per(self, seconds: float) -> float:
        """Return the planned requests in `seconds` on average."""
        return self.total * seconds / HOUR


def plan_requests(
    inventory: InventoryData, endpoints: EndpointData, intervals: Intervals
) -> RequestPlan:
    """Return the planned requests per hour for this estate and these intervals."""

    def per_hour(requests: int, interval: timedelta) -> float:
        return requests * HOUR / interval.total_seconds()

    return RequestPlan(
        homes_listing=per_hour(listing_requests(inventory), intervals.inventory),
        occupancy=per_hour(len(inventory.homes), intervals.occupancy),
        endpoints=per_hour(endpoint_requests(endpoints), intervals.endpoints),
        skills_automations=per_hour(
            sum(detail_requests(inventory, home_id) for home_id in inventory.homes),
            intervals.skills,
        ),
    )
