"""Diagnostics: the entry and what each coordinator holds, with every secret redacted."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_CLIENT_ID, CONF_CLIENT_SECRET
from homeassistant.core import HomeAssistant

from .const import REQUEST_CEILING_PER_HOUR
from .coordinator import AspCoordinator
from .data import AspConfigEntry
from .scheduler import PollScheduler

TO_REDACT = {
    CONF_CLIENT_ID,
    CONF_CLIENT_SECRET,
    "token",
    "access_token",
    "refresh_token",
    "authCode",
    "auth_code",
    "accountLinkRequest",
    "account_link_request",
    "serialNumber",
    "serial_number",
    "macAddress",
    "mac_address",
}


def _budget(scheduler: PollScheduler | None) -> dict[str, Any] | None:
    """Return the planned requests per hour, by what they read, and the ceiling."""
    if scheduler is None:
        return None
    plan = scheduler.plan()
    return {
        **{name: round(value) for name, value in asdict(plan).items()},
        "total": round(plan.total),
        "ceiling": REQUEST_CEILING_PER_HOUR,
        "skills_interval": str(scheduler.intervals.skills),
    }


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: AspConfigEntry
) -> dict[str, Any]:
    """Return diagnostics for a config entry."""
    runtime = entry.runtime_data
    coordinators: dict[str, AspCoordinator[Any]] = {
        "inventory": runtime.inventory,
        "occupancy": runtime.occupancy,
        "endpoints": runtime.endpoints,
    }
    return async_redact_data(
        {
            "entry": {"data": dict(entry.data), "options": dict(entry.options)},
            "coordinators": {
                name: {
                    "last_update_success": coordinator.last_update_success,
                    "update_interval": str(coordinator.interval),
                }
                for name, coordinator in coordinators.items()
            },
            "request_budget": _budget(runtime.scheduler),
            "inventory": asdict(runtime.inventory.data),
            "occupancy": {
                home_id: occupancy.raw if occupancy else None
                for home_id, occupancy in runtime.occupancy.data.items()
            },
            "endpoints": {
                "visible": [endpoint.raw for endpoint in runtime.endpoints.data.visible.values()],
                "hidden": [endpoint.raw for endpoint in runtime.endpoints.data.hidden.values()],
                "missing": [endpoint.raw for endpoint in runtime.endpoints.data.missing.values()],
            },
            # What Amazon refused lately, with the request IDs support asks for.
            "recent_refusals": list(runtime.recent_refusals),
        },
        TO_REDACT,
    )
