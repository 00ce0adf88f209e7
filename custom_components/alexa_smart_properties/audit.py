"""Audit trail of the actions: who changed what on Amazon's side, and how it went.

Every action that sends a change fires `alexa_smart_properties_action` on the event bus
with the caller's context; `logbook.py` turns it into a logbook line ("Jane moved the
resident out of Unit 204"), shown on the logbook page and on the targeted devices' pages.
The data never holds secrets: no tokens, no account-link authorization codes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from homeassistant.const import ATTR_DEVICE_ID
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.helpers import device_registry as dr

from .const import DOMAIN
from .data import AspConfigEntry

EVENT_ACTION: Final = f"{DOMAIN}_action"

ATTR_ACTION: Final = "action"
ATTR_CONFIG_ENTRY_ID: Final = "config_entry_id"
ATTR_TARGETS: Final = "targets"
ATTR_OUTCOME: Final = "outcome"
ATTR_ERROR: Final = "error"
ATTR_DETAILS: Final = "details"
ATTR_USER_ID: Final = "user_id"
ATTR_USER_NAME: Final = "user_name"
ATTR_DEVICE_IDS: Final = "device_ids"


class Outcome(StrEnum):
    """How an action that sent something ended."""

    SUCCESS = "success"
    PARTIAL = "partial"
    """A bulk action that worked for some targets and failed for others."""
    FAILED = "failed"
    UNKNOWN = "unknown"
    """Sent, but the answer was lost: Amazon may or may not have applied it."""


@dataclass(frozen=True, slots=True)
class AuditTarget:
    """A home, community, unit, endpoint, template or automation an action touched."""

    id: str
    name: str | None = None
    device_id: str | None = None
    """The Home Assistant device standing for it, when there is one."""

    def as_dict(self) -> dict[str, str | None]:
        """Return the event form."""
        return {"id": self.id, "name": self.name}


def audit_target(
    hass: HomeAssistant, entry: AspConfigEntry, key: str, name: str | None = None
) -> AuditTarget:
    """Return the audit target for an ASP ID or device key, with its name and device."""
    device = dr.async_get(hass).async_get_device_by_identifier((DOMAIN, key), entry.entry_id)
    if name is None and device is not None:
        name = device.name_by_user or device.name
    return AuditTarget(id=key, name=name, device_id=device.id if device else None)


def _logbook_device(call: ServiceCall, targets: list[AuditTarget]) -> str | None:
    """Return the one device whose logbook page shows the entry.

    The logbook matches a single device ID: the only target device, else the one device
    the caller chose (a community standing for its homes, or the device being moved).
    """
    devices = [t.device_id for t in targets if t.device_id is not None]
    if len(devices) == 1:
        return devices[0]
    chosen = call.data.get(ATTR_DEVICE_ID)
    if isinstance(chosen, list) and len(chosen) == 1:
        return str(chosen[0])
    return chosen if isinstance(chosen, str) else None


async def async_record(
    hass: HomeAssistant,
    call: ServiceCall,
    entry: AspConfigEntry,
    targets: Iterable[AuditTarget],
    outcome: Outcome,
    *,
    error: str | None = None,
    details: Mapping[str, Any] | None = None,
) -> None:
    """Fire the audit event of an action, in the context of the call that caused it."""
    targets = list(targets)
    user_id = call.context.user_id
    user_name: str | None = None
    if user_id is not None and (user := await hass.auth.async_get_user(user_id)) is not None:
        user_name = user.name
    hass.bus.async_fire(
        EVENT_ACTION,
        {
            ATTR_ACTION: call.service,
            ATTR_CONFIG_ENTRY_ID: entry.entry_id,
            ATTR_TARGETS: [target.as_dict() for target in targets],
            ATTR_DEVICE_ID: _logbook_device(call, targets),
            ATTR_DEVICE_IDS: [t.device_id for t in targets if t.device_id is not None],
            ATTR_OUTCOME: str(outcome),
            ATTR_ERROR: error,
            ATTR_DETAILS: dict(details or {}),
            ATTR_USER_ID: user_id,
            ATTR_USER_NAME: user_name,
        },
        context=call.context,
    )
