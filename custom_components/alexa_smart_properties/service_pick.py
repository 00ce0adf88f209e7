"""What a person picked as an action's target: devices, areas, entities.

The action form offers one target picker: a home or community device, an area, or an
entity. Devices are taken as picked; an area stands for this integration's devices in it
(floors and labels resolve to areas and devices the Home Assistant way), an entity for
its device. Which of those fit the action (a home, a community, an endpoint) is decided
by the resolvers in `service_targets.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.const import (
    ATTR_AREA_ID,
    ATTR_DEVICE_ID,
    ATTR_ENTITY_ID,
    ATTR_FLOOR_ID,
    ATTR_LABEL_ID,
)
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.target import TargetSelection, async_extract_referenced_entity_ids

from .const import DOMAIN

_BY_AREA = (ATTR_AREA_ID, ATTR_FLOOR_ID, ATTR_LABEL_ID)


@dataclass(frozen=True, slots=True)
class Picked:
    """The devices an action's target stands for, by how they were picked."""

    devices: tuple[str, ...] = ()
    """Devices picked themselves (`device_id`), in the order given."""
    by_area: tuple[str, ...] = ()
    """This integration's devices in the picked areas (or floors, labels)."""
    by_entity: tuple[str, ...] = ()
    """The devices of the picked entities."""
    areas: tuple[str, ...] = ()
    """The names of the picked areas, for an error when none of their devices fits."""

    @property
    def all(self) -> tuple[str, ...]:
        """Return every device, each once."""
        return tuple(dict.fromkeys((*self.devices, *self.by_area, *self.by_entity)))


def field_ids(call: ServiceCall, field: str) -> list[str]:
    """Return a field's IDs as a list (a single ID or a list of them)."""
    value = call.data.get(field)
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _error(key: str, **placeholders: str) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
    )


def _ours(hass: HomeAssistant, device: dr.DeviceEntry | dr.ChildDeviceEntry | None) -> bool:
    if device is None:
        return False
    entries = (hass.config_entries.async_get_entry(entry_id) for entry_id in device.config_entries)
    return any(entry is not None and entry.domain == DOMAIN for entry in entries)


def async_picked(hass: HomeAssistant, call: ServiceCall) -> Picked:
    """Return the devices the call's target stands for (areas and entities resolved)."""
    devices = tuple(field_ids(call, ATTR_DEVICE_ID))
    wider = {key: call.data[key] for key in (*_BY_AREA, ATTR_ENTITY_ID) if key in call.data}
    if not wider:
        return Picked(devices=devices)
    # Devices are left out: a device picked stands for itself, not for its children.
    selected = async_extract_referenced_entity_ids(hass, TargetSelection(wider))
    registry = dr.async_get(hass)
    by_area = [
        device_id
        for device_id in sorted(selected.referenced_devices)
        if _ours(hass, registry.async_get(device_id))
    ]
    by_entity: list[str] = []
    entities = er.async_get(hass)
    for entity_id in sorted(selected.referenced):
        entity = entities.async_get(entity_id)
        if entity is None or entity.platform != DOMAIN or entity.device_id is None:
            raise _error("entity_not_ours", entity=entity_id)
        by_entity.append(entity.device_id)
    areas = ar.async_get(hass)
    names = tuple(
        area.name if (area := areas.async_get_area(area_id)) else area_id
        for area_id in sorted(selected.referenced_areas)
    )
    return Picked(devices=devices, by_area=tuple(by_area), by_entity=tuple(by_entity), areas=names)
