"""Runtime data of a config entry, and the typed entry alias used everywhere."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntry

from .api import AspClient

if TYPE_CHECKING:
    from .coordinator import EndpointCoordinator, InventoryCoordinator, OccupancyCoordinator


@dataclass(slots=True)
class AspRuntimeData:
    """What a loaded entry holds: the client and one coordinator per polling cadence."""

    client: AspClient
    inventory: InventoryCoordinator
    occupancy: OccupancyCoordinator
    endpoints: EndpointCoordinator


type AspConfigEntry = ConfigEntry[AspRuntimeData]
