"""Keep the device registry in step with the estate.

Communities, then homes (via their community), then endpoints (via their home) are
registered here before any entity refers to them; devices whose community, home or
endpoint vanished are removed, and a stale device can be deleted by the user.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr

from .api.models import Endpoint
from .const import CONF_ORGANIZATION_ID, DOMAIN
from .coordinator import EndpointData, InventoryData
from .data import AspConfigEntry

if TYPE_CHECKING:
    pass

MANUFACTURER = "Amazon"


def current_device_keys(entry: AspConfigEntry) -> set[str]:
    """Return the keys of every device the estate has now (hidden and missing included)."""
    runtime = entry.runtime_data
    inventory = runtime.inventory.data
    return {
        organization_key(entry),
        *inventory.communities,
        *inventory.homes,
        *runtime.endpoints.data.visible,
        *runtime.endpoints.data.hidden,
        *runtime.endpoints.data.missing,
    }


def organization_key(entry: AspConfigEntry) -> str:
    """Return the key of the organization's device (it holds the entry-wide sensors)."""
    return str(entry.data[CONF_ORGANIZATION_ID])


def device_key(device: dr.DeviceEntry | dr.ChildDeviceEntry | None) -> str | None:
    """Return the key (community, home or endpoint) a device of this integration stands for."""
    if device is None:
        return None
    return next((key for domain, key in device.identifiers if domain == DOMAIN), None)


# Devices registered between two yields to the event loop when an entry is set up.
DEVICE_BATCH = 250


@callback
def async_sync_devices(hass: HomeAssistant, entry: AspConfigEntry) -> None:
    """Register new devices, update changed ones, then remove the ones that vanished.

    Only what changed since the last sync is looked at: one device going offline in a
    2,000-home estate costs one registry lookup, not 12,000.
    """
    for _ in _sync(dr.async_get(hass), entry):
        pass


async def async_setup_devices(hass: HomeAssistant, entry: AspConfigEntry) -> None:
    """Register every device at setup, letting the event loop run between batches.

    A 2,000-home estate has some 12,000 devices; registering them in one go would block
    Home Assistant for a second or more.
    """
    for count, _ in enumerate(_sync(dr.async_get(hass), entry), 1):
        if count % DEVICE_BATCH == 0:
            await asyncio.sleep(0)


def _sync(registry: dr.DeviceRegistry, entry: AspConfigEntry) -> Iterator[None]:
    """Register or update each device in turn (yielding after each), then remove vanished."""
    runtime = entry.runtime_data
    inventory = runtime.inventory.data
    endpoints = runtime.endpoints.data
    # Coordinators replace their data when a refresh changes it, never change it in place,
    # and an unchanged endpoint is the very object it was (`Endpoint.from_api`).
    last_inventory, last_endpoints = runtime.devices_registered_from or (None, EndpointData())
    if last_inventory is not None and _same_devices(inventory, last_inventory):
        # Homes and communities as registered; only endpoints that changed are looked at.
        labels: dict[str, str] | None = None
        for key, endpoint in endpoints.visible.items():
            if last_endpoints.visible.get(key) is not endpoint:
                labels = labels if labels is not None else inventory.home_labels()
                _register_endpoint(registry, entry, key, endpoint, None, labels)
                yield
        runtime.devices_registered_from = (inventory, endpoints)
        _remove_vanished(registry, entry)
        return
    _ensure(
        registry,
        entry,
        organization_key(entry),
        name=entry.title,
        model="Organization",
        entry_type=dr.DeviceEntryType.SERVICE,
    )
    ids: dict[str, str] = {}
    for community in inventory.communities.values():
        ids[community.id] = _ensure(
            registry, entry, community.id, name=community.name, model="Home community"
        )
        yield
    labels = inventory.home_labels()
    for home in inventory.homes.values():
        ids[home.id] = _ensure(
            registry,
            entry,
            home.id,
            name=labels[home.id],
            model="Home",
            via_device_id=ids.get(home.home_community_id),
        )
        yield
    for key, endpoint in endpoints.visible.items():
        _register_endpoint(registry, entry, key, endpoint, ids, labels)
        yield
    runtime.devices_registered_from = (inventory, endpoints)
    _remove_vanished(registry, entry)


def _same_devices(inventory: InventoryData, registered: InventoryData) -> bool:
    """Tell whether the homes and communities are as registered from `registered`.

    A refresh that finds nothing new still brings new (equal) data: without a listener
    called, but the next endpoint change would otherwise register every home again.
    """
    return inventory is registered or (
        inventory.communities == registered.communities
        and inventory.homes == registered.homes
        and inventory.unit_names == registered.unit_names
    )


def _ensure(
    registry: dr.DeviceRegistry,
    entry: AspConfigEntry,
    key: str,
    *,
    suggested_area: str | None = None,
    **details: Any,
) -> str:
    """Return the ID of a device, registering it or updating it only when needed.

    A lookup costs a fraction of `async_get_or_create`, and most syncs change nothing.
    """
    details.setdefault("manufacturer", MANUFACTURER)
    for name in ("model", "serial_number", "sw_version", "via_device_id"):
        details.setdefault(name, None)
    details.setdefault("connections", set())
    device = registry.async_get_device_by_identifier((DOMAIN, key), entry.entry_id)
    if device is not None and all(
        getattr(device, name) == value for name, value in details.items()
    ):
        return device.id
    return registry.async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, key)},
        suggested_area=suggested_area,
        **details,
    ).id


def _register_endpoint(
    registry: dr.DeviceRegistry,
    entry: AspConfigEntry,
    key: str,
    endpoint: Endpoint,
    ids: dict[str, str] | None,
    labels: dict[str, str],
) -> None:
    """Register an endpoint under its home; `ids` maps homes to device IDs (None: look up).

    `labels` are the homes' names as shown (`InventoryData.home_labels`): its area.
    """
    inventory = entry.runtime_data.inventory.data
    unit_id = endpoint.unit_id or ""
    area = labels.get(unit_id) or inventory.unit_names.get(unit_id)
    if ids is None:
        parent = registry.async_get_device_by_identifier((DOMAIN, unit_id), entry.entry_id)
        ids = {unit_id: parent.id} if parent else {}
    _ensure(
        registry,
        entry,
        key,
        connections={(dr.CONNECTION_NETWORK_MAC, mac.lower()) for mac in endpoint.mac_addresses},
        name=endpoint.friendly_name or endpoint.model or endpoint.id,
        manufacturer=endpoint.manufacturer or MANUFACTURER,
        model=endpoint.model,
        serial_number=endpoint.serial_number,
        sw_version=endpoint.software_version,
        suggested_area=area,
        via_device_id=ids.get(unit_id),
    )


def _hidden_by_privacy(
    entry: AspConfigEntry, registry: dr.DeviceRegistry, device: dr.DeviceEntry
) -> bool:
    """Return True for a device whose home is occupied or linked: it is hidden, not gone."""
    if device.via_device_id is None:
        return False
    home_id = device_key(registry.async_get(device.via_device_id))
    return entry.runtime_data.occupancy.hides_devices(home_id)


def _remove_vanished(registry: dr.DeviceRegistry, entry: AspConfigEntry) -> None:
    runtime = entry.runtime_data
    if not (
        runtime.inventory.last_update_success
        and runtime.occupancy.last_update_success
        and runtime.endpoints.last_update_success
    ):
        return  # judge only on a complete, fresh picture
    keys = current_device_keys(entry)
    # The same devices under the same privacy verdicts as last time: nothing can have
    # vanished since (a device going offline must not walk 12,000 devices).
    judged_for = (keys, runtime.occupancy.data)
    last = runtime.devices_pruned_for
    if last is not None and last[1] is judged_for[1] and last[0] == keys:
        return
    runtime.devices_pruned_for = judged_for
    for device in dr.async_entries_for_config_entry(registry, entry.entry_id):
        key = device_key(device)
        if key is None or key in keys or _hidden_by_privacy(entry, registry, device):
            continue
        registry.async_remove_device(device.id)


def device_is_stale(entry: AspConfigEntry, device: dr.DeviceEntry) -> bool:
    """Return True when a device may be deleted by the user: Amazon no longer lists it."""
    key = device_key(device)
    return key is None or key not in current_device_keys(entry)
