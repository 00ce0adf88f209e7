"""Runtime data of a config entry, and the typed entry alias used everywhere."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigEntry

from .api import AspClient

if TYPE_CHECKING:
    from .coordinator import (
        EndpointCoordinator,
        EndpointData,
        InventoryCoordinator,
        InventoryData,
        OccupancyCoordinator,
    )
    from .scheduler import PollScheduler


@dataclass(slots=True)
class AspRuntimeData:
    """What a loaded entry holds: the client, a coordinator per polling cadence."""

    client: AspClient
    inventory: InventoryCoordinator
    occupancy: OccupancyCoordinator
    endpoints: EndpointCoordinator
    devices_registered_from: tuple[InventoryData, EndpointData] | None = None
    """The data the devices were last registered from (`devices.async_sync_devices`)."""
    devices_pruned_for: tuple[set[str], object] | None = None
    """The device keys and occupancy data the last removal of vanished devices judged."""
    scheduler: PollScheduler | None = None
    """What polls the coordinators, a slice at a time (set once the entry is set up)."""
    recent_refusals: list[dict[str, Any]] = field(default_factory=list)
    """Amazon's last refusals of actions, with their request IDs (`refusals.py`)."""


type AspConfigEntry = ConfigEntry[AspRuntimeData]
