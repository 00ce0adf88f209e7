"""Keep the device registry in step with the estate.

Communities, then homes (via their community), then endpoints (via their home) are
registered here before any entity refers to them; devices whose community, home or
endpoint vanished are removed, and a stale device can be deleted by the user.
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr

from .api.models import Endpoint
from .const import DOMAIN
from .data import AspConfigEntry

MANUFACTURER = "Amazon"


def current_device_keys(entry: AspConfigEntry) -> set[str]:
    """Return the keys of every device the estate has now (hidden endpoints included)."""
    runtime = entry.runtime_data
    inventory = runtime.inventory.data
    return {
        *inventory.communities,
        *inventory.homes,
        *runtime.endpoints.data.visible,
        *runtime.endpoints.data.hidden,
    }


def _device_key(device: dr.DeviceEntry | dr.ChildDeviceEntry | None) -> str | None:
    if device is None:
        return None
    return next((key for domain, key in device.identifiers if domain == DOMAIN), None)


@callback
def async_sync_devices(hass: HomeAssistant, entry: AspConfigEntry) -> None:
    """Register or update every device, then remove the ones that vanished."""
    registry = dr.async_get(hass)
    runtime = entry.runtime_data
    inventory = runtime.inventory.data
    ids: dict[str, str] = {}
    for community in inventory.communities.values():
        ids[community.id] = registry.async_get_or_create(
            config_entry_id=entry.entry_id,
            identifiers={(DOMAIN, community.id)},
            name=community.name,
            manufacturer=MANUFACTURER,
            model="Home community",
        ).id
    for home in inventory.homes.values():
        ids[home.id] = registry.async_get_or_create(
            config_entry_id=entry.entry_id,
            identifiers={(DOMAIN, home.id)},
            name=home.name,
            manufacturer=MANUFACTURER,
            model="Home",
            via_device_id=ids.get(home.home_community_id),
        ).id
    for key, endpoint in runtime.endpoints.data.visible.items():
        _register_endpoint(registry, entry, key, endpoint, ids)
    _remove_vanished(registry, entry)


def _register_endpoint(
    registry: dr.DeviceRegistry,
    entry: AspConfigEntry,
    key: str,
    endpoint: Endpoint,
    ids: dict[str, str],
) -> None:
    inventory = entry.runtime_data.inventory.data
    unit_id = endpoint.unit_id or ""
    home = inventory.homes.get(unit_id)
    area = home.name if home else inventory.unit_names.get(unit_id)
    registry.async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, key)},
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
    home_id = _device_key(registry.async_get(device.via_device_id))
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
    for device in dr.async_entries_for_config_entry(registry, entry.entry_id):
        key = _device_key(device)
        if key is None or key in keys or _hidden_by_privacy(entry, registry, device):
            continue
        registry.async_remove_device(device.id)


def device_is_stale(entry: AspConfigEntry, device: dr.DeviceEntry) -> bool:
    """Return True when a device may be deleted by the user: Amazon no longer lists it."""
    key = _device_key(device)
    return key is None or key not in current_device_keys(entry)
