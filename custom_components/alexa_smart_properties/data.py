"""Runtime data of a config entry, and the typed entry alias used everywhere."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntry

from .api import AspClient

if TYPE_CHECKING:
    from .coordinator import EndpointCoordinator, InventoryCoordinator, OccupancyCoordinator
    from .entity_budget import EntityBudget


@dataclass(slots=True)
class AspRuntimeData:
    """What a loaded entry holds: the client, a coordinator per polling cadence, the budget."""

    client: AspClient
    inventory: InventoryCoordinator
    occupancy: OccupancyCoordinator
    endpoints: EndpointCoordinator
    budget: EntityBudget


type AspConfigEntry = ConfigEntry[AspRuntimeData]
