"""Device actions: rename, assign, return to the account, deregister, forget, delete timers.

A device is chosen by its Home Assistant device or its endpoint ID. Devices in an occupied
or linked home belong to the resident (the privacy rule): every action on them is
refused without sending, and so is assigning a device to such a home.

Assigning a device to a home (or returning it to the account) gives the endpoint a NEW
endpoint ID. The Home Assistant device is keyed by serial number, so it survives as the
same device with the same entities; an endpoint without a serial number is keyed by its
endpoint ID, so its device and entities are re-keyed to the new ID and the entry reloads.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Final

import probatio as vol
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er

from .api import AspClient, AspValidationError, EndpointAssociation, OccupancyState
from .api import validation as checks
from .const import DOMAIN, LOGGER
from .service_targets import (
    EndpointTarget,
    async_resolve_action,
    resolve_endpoint,
    target_home_of_assignment,
)
from .services_common import (
    ATTR_CONFIG_ENTRY_ID,
    ATTR_DEVICE_ID,
    ATTR_ENDPOINT_ID,
    ATTR_HOME_DEVICE_ID,
    ATTR_HOME_ID,
    ATTR_NAME,
    TARGET_FIELDS,
    Action,
    async_home_occupancy,
    async_refresh_after,
    invalid_input,
    refused,
)

SERVICE_RENAME_DEVICE: Final = "rename_device"
SERVICE_ASSIGN_DEVICE: Final = "assign_device"
SERVICE_RETURN_DEVICE: Final = "return_device"
SERVICE_DEREGISTER_DEVICE: Final = "deregister_device"
SERVICE_FORGET_DEVICE: Final = "forget_device"
SERVICE_DELETE_TIMERS: Final = "delete_timers"

ENDPOINT_TARGET: Final = {
    vol.Optional(ATTR_CONFIG_ENTRY_ID): cv.string,
    **TARGET_FIELDS,
    vol.Optional(ATTR_ENDPOINT_ID): vol.All(cv.ensure_list, [cv.string]),
}
ENDPOINT_SCHEMA: Final = vol.Schema(ENDPOINT_TARGET)
RENAME_SCHEMA: Final = vol.Schema({**ENDPOINT_TARGET, vol.Required(ATTR_NAME): cv.string})
ASSIGN_SCHEMA: Final = vol.Schema(
    {
        **ENDPOINT_TARGET,
        vol.Optional(ATTR_HOME_DEVICE_ID): vol.All(cv.ensure_list, [cv.string]),
        vol.Optional(ATTR_HOME_ID): vol.All(cv.ensure_list, [cv.string]),
    }
)


def _endpoint(action: Action) -> EndpointTarget:
    """Resolve the endpoint; refuse one the privacy rule hides."""
    target = resolve_endpoint(action)
    if target.hidden:
        raise refused("device_private", device=target.audit.name or target.endpoint_id)
    return target


async def _async_refresh_endpoints(action: Action) -> None:
    """Read every endpoint again (an endpoint came, went, or changed its ID)."""
    await action.runtime.endpoints.async_refresh()


def _rekey(action: Action, old_key: str, new_key: str) -> bool:
    """Move a device keyed by endpoint ID, and its entities, to the endpoint's new ID."""
    devices = dr.async_get(action.hass)
    device = devices.async_get_device_by_identifier((DOMAIN, old_key), action.entry.entry_id)
    if device is None:
        return False
    devices.async_update_device(device.id, new_identifiers={(DOMAIN, new_key)})
    entities = er.async_get(action.hass)
    for entity in er.async_entries_for_device(entities, device.id, include_disabled_entities=True):
        if entity.unique_id.startswith(f"{old_key}_"):
            entities.async_update_entity(
                entity.entity_id, new_unique_id=new_key + entity.unique_id[len(old_key) :]
            )
    LOGGER.debug("Device %s re-keyed from %s to %s", device.id, old_key, new_key)
    return True


async def _async_after_move(
    action: Action, target: EndpointTarget, association: EndpointAssociation
) -> None:
    """Keep the Home Assistant device across the endpoint's new ID, then show the move."""
    new_id = association.endpoint_id
    # Keyed by the old endpoint ID (no serial number): the entities hold that key, so after
    # re-keying the registries the entry reloads to build them on the new one.
    if (
        target.key == target.endpoint_id
        and new_id != target.key
        and _rekey(action, target.key, new_id)
    ):
        action.hass.config_entries.async_schedule_reload(action.entry.entry_id)
        return
    await _async_refresh_endpoints(action)


def _move_response(target: EndpointTarget, association: EndpointAssociation) -> dict[str, Any]:
    return {
        "device_id": target.audit.device_id,
        "endpoint_id": association.endpoint_id,
        "previous_endpoint_id": target.endpoint_id,
    }


async def async_rename_device(call: ServiceCall) -> ServiceResponse:
    """Rename a device on Amazon's side."""
    action = async_resolve_action(call.hass, call)
    target = _endpoint(action)
    try:
        name = checks.endpoint_friendly_name(call.data[ATTR_NAME], ATTR_NAME)
    except AspValidationError as err:
        raise invalid_input(err) from err
    await action.async_send(
        lambda: action.client.set_friendly_name(target.endpoint_id, name),
        [target.audit],
        {"name": name, "previous_name": target.audit.name},
    )
    endpoints = action.runtime.endpoints
    await async_refresh_after("the device", endpoints.async_refresh_endpoint(target.key))
    return None


async def async_assign_device(call: ServiceCall) -> ServiceResponse:
    """Move a device into a vacant home; return its new endpoint ID."""
    action = async_resolve_action(call.hass, call, (ATTR_DEVICE_ID, ATTR_HOME_DEVICE_ID))
    target = _endpoint(action)
    home = target_home_of_assignment(action)
    with action.one_change_at_a_time(
        [("home", home.id), ("endpoint", target.endpoint_id)], home.name or home.id
    ):
        occupancy = await async_home_occupancy(action, home)
        if occupancy is not None and occupancy.change_pending:
            raise refused(
                "occupancy_change_pending",
                home=home.name or home.id,
                state=str(occupancy.state).lower(),
                requested_state=str(occupancy.requested_state).lower(),
            )
        if occupancy is not None and occupancy.state != OccupancyState.VACANT:
            raise refused(
                "home_not_vacant", home=home.name or home.id, state=str(occupancy.state).lower()
            )
        association = await action.async_send(
            lambda: action.client.update_associated_units(target.endpoint_id, home.id),
            [target.audit, home],
            {"previous_endpoint_id": target.endpoint_id, "home_id": home.id},
            result_details=lambda moved: {"endpoint_id": moved.endpoint_id},
        )
    await _async_after_move(action, target, association)
    return _move_response(target, association) | {"home_id": home.id, "home_name": home.name}


async def async_return_device(call: ServiceCall) -> ServiceResponse:
    """Take a device out of its home, back to the organization's account."""
    action = async_resolve_action(call.hass, call)
    target = _endpoint(action)
    association = await action.async_send(
        lambda: action.client.return_endpoint_to_account(target.endpoint_id),
        [target.audit],
        {"previous_endpoint_id": target.endpoint_id},
        result_details=lambda moved: {"endpoint_id": moved.endpoint_id},
    )
    await _async_after_move(action, target, association)
    return _move_response(target, association)


async def _async_write_device(
    call: ServiceCall,
    write: Callable[[AspClient, str], Awaitable[None]],
    *,
    refresh: bool,
) -> ServiceResponse:
    """Send one write for the target device; re-read the devices when it removes one."""
    action = async_resolve_action(call.hass, call)
    target = _endpoint(action)
    await action.async_send(
        lambda: write(action.client, target.endpoint_id),
        [target.audit],
        {"endpoint_id": target.endpoint_id},
    )
    if refresh:
        if target.key is not None:  # gone for sure: no grace period for this one
            action.runtime.endpoints.absent.mark_gone(target.key)
        await _async_refresh_endpoints(action)
    return None


async def async_deregister_device(call: ServiceCall) -> ServiceResponse:
    """Deregister a device from the account; its Home Assistant device goes away."""
    return await _async_write_device(call, AspClient.deregister_endpoint, refresh=True)


async def async_forget_device(call: ServiceCall) -> ServiceResponse:
    """Make Alexa forget a device; its Home Assistant device goes away."""
    return await _async_write_device(call, AspClient.forget_endpoint, refresh=True)


async def async_delete_timers(call: ServiceCall) -> ServiceResponse:
    """Delete every timer set on an Echo device."""
    return await _async_write_device(call, AspClient.delete_timers, refresh=False)


def async_setup_device_services(hass: HomeAssistant) -> None:
    """Register the device actions."""
    for name, handler, schema, response in (
        (SERVICE_RENAME_DEVICE, async_rename_device, RENAME_SCHEMA, "none"),
        (SERVICE_ASSIGN_DEVICE, async_assign_device, ASSIGN_SCHEMA, "optional"),
        (SERVICE_RETURN_DEVICE, async_return_device, ENDPOINT_SCHEMA, "optional"),
        (SERVICE_DEREGISTER_DEVICE, async_deregister_device, ENDPOINT_SCHEMA, "none"),
        (SERVICE_FORGET_DEVICE, async_forget_device, ENDPOINT_SCHEMA, "none"),
        (SERVICE_DELETE_TIMERS, async_delete_timers, ENDPOINT_SCHEMA, "none"),
    ):
        hass.services.async_register(
            DOMAIN, name, handler, schema=schema, supports_response=SupportsResponse(response)
        )
