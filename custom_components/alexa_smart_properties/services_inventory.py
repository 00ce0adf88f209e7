"""Home and community actions: create, rename and delete both.

After each change the inventory is read again, so the home or community device appears,
is renamed, or goes away at once. A home that is occupied or linked can only be read by
the property (the occupancy page): renaming or deleting it is refused without sending.
"""

from __future__ import annotations

from typing import Final

import probatio as vol
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.helpers import config_validation as cv

from .api import AspValidationError, OccupancyState
from .api import validation as checks
from .audit import AuditTarget
from .const import CONF_ORGANIZATION_ID, DOMAIN
from .service_targets import (
    async_resolve_action,
    require_residential,
    resolve_community,
    resolve_home,
)
from .services_common import (
    ATTR_COMMUNITY_ID,
    ATTR_CONFIG_ENTRY_ID,
    ATTR_HOME_ID,
    ATTR_NAME,
    TARGET_FIELDS,
    Action,
    async_home_occupancy,
    invalid_input,
    refused,
)

SERVICE_CREATE_COMMUNITY: Final = "create_community"
SERVICE_RENAME_COMMUNITY: Final = "rename_community"
SERVICE_DELETE_COMMUNITY: Final = "delete_community"
SERVICE_CREATE_HOME: Final = "create_home"
SERVICE_RENAME_HOME: Final = "rename_home"
SERVICE_DELETE_HOME: Final = "delete_home"

_ENTRY: Final = {vol.Optional(ATTR_CONFIG_ENTRY_ID): cv.string}
_DEVICES: Final = TARGET_FIELDS
_COMMUNITY: Final = {
    **_ENTRY,
    **_DEVICES,
    vol.Optional(ATTR_COMMUNITY_ID): vol.All(cv.ensure_list, [cv.string]),
}
_HOME: Final = {
    **_ENTRY,
    **_DEVICES,
    vol.Optional(ATTR_HOME_ID): vol.All(cv.ensure_list, [cv.string]),
}
_NAME: Final = {vol.Required(ATTR_NAME): cv.string}

CREATE_COMMUNITY_SCHEMA: Final = vol.Schema({**_ENTRY, **_NAME})
RENAME_COMMUNITY_SCHEMA: Final = vol.Schema({**_COMMUNITY, **_NAME})
DELETE_COMMUNITY_SCHEMA: Final = vol.Schema(_COMMUNITY)
CREATE_HOME_SCHEMA: Final = vol.Schema({**_COMMUNITY, **_NAME})
RENAME_HOME_SCHEMA: Final = vol.Schema({**_HOME, **_NAME})
DELETE_HOME_SCHEMA: Final = vol.Schema(_HOME)


def _name(call: ServiceCall) -> str:
    try:
        return checks.name(call.data[ATTR_NAME], ATTR_NAME)
    except AspValidationError as err:
        raise invalid_input(err) from err


def _residential(hass: HomeAssistant, call: ServiceCall) -> Action:
    action = async_resolve_action(hass, call)
    require_residential(action)
    return action


async def _async_reload_inventory(action: Action) -> None:
    """Read communities and homes again (a failed read leaves the last known ones)."""
    await action.runtime.inventory.async_refresh()


async def _async_require_vacant(action: Action, home: AuditTarget) -> None:
    """Refuse changing a home the property may only read (occupied, linked, or changing)."""
    occupancy = await async_home_occupancy(action, home)
    name = home.name or home.id
    if occupancy is None:
        return
    if occupancy.change_pending:
        raise refused(
            "occupancy_change_pending",
            home=name,
            state=str(occupancy.state).lower(),
            requested_state=str(occupancy.requested_state).lower(),
        )
    if occupancy.state != OccupancyState.VACANT:
        raise refused("home_read_only", home=name, state=str(occupancy.state).lower())


# --- communities -----------------------------------------------------------------------------


async def async_create_community(call: ServiceCall) -> ServiceResponse:
    """Create a home community; return its ID."""
    action = _residential(call.hass, call)
    name = _name(call)
    organization_id: str = action.entry.data[CONF_ORGANIZATION_ID]
    community_id = await action.async_send(
        lambda: action.client.create_home_community(organization_id, name),
        [],
        {"name": name},
        result_details=lambda community_id: {"community_id": community_id},
    )
    await _async_reload_inventory(action)
    return {"community_id": community_id, "name": name}


async def async_rename_community(call: ServiceCall) -> ServiceResponse:
    """Rename a home community."""
    action = _residential(call.hass, call)
    community = resolve_community(action)
    name = _name(call)
    organization_id: str = action.entry.data[CONF_ORGANIZATION_ID]
    await action.async_send(
        lambda: action.client.update_home_community(
            community.id, organization_id=organization_id, name=name
        ),
        [community],
        {"name": name, "previous_name": community.name},
    )
    await _async_reload_inventory(action)
    return None


async def async_delete_community(call: ServiceCall) -> ServiceResponse:
    """Delete a home community."""
    action = _residential(call.hass, call)
    community = resolve_community(action)
    await action.async_send(lambda: action.client.delete_home_community(community.id), [community])
    await _async_reload_inventory(action)
    return None


# --- homes -------------------------------------------------------------------------------------


async def async_create_home(call: ServiceCall) -> ServiceResponse:
    """Create a vacant home in a community; return its ID."""
    action = _residential(call.hass, call)
    community = resolve_community(action)
    name = _name(call)
    home_id = await action.async_send(
        lambda: action.client.create_home(community.id, name),
        [community],
        {"name": name},
        result_details=lambda home_id: {"home_id": home_id},
    )
    await _async_reload_inventory(action)
    return {"home_id": home_id, "name": name, "community_id": community.id}


async def async_rename_home(call: ServiceCall) -> ServiceResponse:
    """Rename a vacant home."""
    action = _residential(call.hass, call)
    home = resolve_home(action)
    name = _name(call)
    community_id = action.runtime.inventory.data.homes[home.id].home_community_id
    with action.one_change_at_a_time([("home", home.id)], home.name or home.id):
        await _async_require_vacant(action, home)
        await action.async_send(
            lambda: action.client.update_home(home.id, home_community_id=community_id, name=name),
            [home],
            {"name": name, "previous_name": home.name},
        )
    await _async_reload_inventory(action)
    return None


async def async_delete_home(call: ServiceCall) -> ServiceResponse:
    """Delete a vacant home."""
    action = _residential(call.hass, call)
    home = resolve_home(action)
    with action.one_change_at_a_time([("home", home.id)], home.name or home.id):
        await _async_require_vacant(action, home)
        await action.async_send(lambda: action.client.delete_home(home.id), [home])
    await _async_reload_inventory(action)
    return None


def async_setup_inventory_services(hass: HomeAssistant) -> None:
    """Register the home and community actions."""
    for name, handler, schema, response in (
        (SERVICE_CREATE_COMMUNITY, async_create_community, CREATE_COMMUNITY_SCHEMA, "optional"),
        (SERVICE_RENAME_COMMUNITY, async_rename_community, RENAME_COMMUNITY_SCHEMA, "none"),
        (SERVICE_DELETE_COMMUNITY, async_delete_community, DELETE_COMMUNITY_SCHEMA, "none"),
        (SERVICE_CREATE_HOME, async_create_home, CREATE_HOME_SCHEMA, "optional"),
        (SERVICE_RENAME_HOME, async_rename_home, RENAME_HOME_SCHEMA, "none"),
        (SERVICE_DELETE_HOME, async_delete_home, DELETE_HOME_SCHEMA, "none"),
    ):
        hass.services.async_register(
            DOMAIN, name, handler, schema=schema, supports_response=SupportsResponse(response)
        )
