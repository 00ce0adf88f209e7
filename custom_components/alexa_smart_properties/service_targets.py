"""Resolve an action's targets: the config entry, then homes, communities or endpoints.

A target is chosen the Home Assistant way (a device of this integration, an area or an
entity, picked with the target selector; see `service_pick.py`) or by its raw ASP ID. The
config entry comes from the devices picked, else from `config_entry_id` (or the only
entry); it is checked step by step (exists, is this integration's, is loaded), each
failure a translated `ServiceValidationError`; so is every target that does not fit the
action. An area stands for the targets of the action's kind in it (an endpoint there for
its home); an entity for its device (an endpoint's entity, in a home action, for its home).
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass
from typing import Final, cast

from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import service

from .api import AspValidationError
from .api import validation as checks
from .api.models import Endpoint
from .audit import AuditTarget, audit_target
from .const import DOMAIN, MAX_UNITS_PER_ACTION
from .data import AspConfigEntry
from .devices import device_key
from .service_pick import async_picked, field_ids
from .services_common import (
    ATTR_COMMUNITY_ID,
    ATTR_CONFIG_ENTRY_ID,
    ATTR_DEVICE_ID,
    ATTR_ENDPOINT_ID,
    ATTR_HOME_DEVICE_ID,
    ATTR_HOME_ID,
    Action,
    invalid_input,
    refused,
)

_ids = field_ids


def _device_name(device: dr.DeviceEntry) -> str:
    return device.name_by_user or device.name or device.id


def async_resolve_action(
    hass: HomeAssistant, call: ServiceCall, device_fields: Sequence[str] = (ATTR_DEVICE_ID,)
) -> Action:
    """Resolve the config entry an action works on, from its devices or its entry field."""
    picked = async_picked(hass, call)
    entries: dict[str, AspConfigEntry] = {}
    for field in device_fields:
        for device_id in picked.all if field == ATTR_DEVICE_ID else _ids(call, field):
            _device, entry = service.async_get_device_and_config_entry(
                hass, DOMAIN, device_id, include_child_devices=False
            )
            entries[entry.entry_id] = cast(AspConfigEntry, entry)
    entry_id = call.data.get(ATTR_CONFIG_ENTRY_ID)
    if entry_id is not None:
        chosen = cast(AspConfigEntry, service.async_get_config_entry(hass, DOMAIN, entry_id))
        if set(entries) - {chosen.entry_id}:
            raise refused("device_of_other_entry", entry=chosen.title)
        return Action(hass, call, chosen, picked)
    if len(entries) > 1:
        raise refused("devices_of_several_entries")
    if entries:
        return Action(hass, call, next(iter(entries.values())), picked)
    return Action(
        hass,
        call,
        cast(AspConfigEntry, service.async_get_config_entry(hass, DOMAIN, None)),
        picked,
    )


def require_residential(action: Action) -> None:
    """Refuse home, community and occupancy actions where Amazon has no residential APIs."""
    if not action.runtime.inventory.residential:
        raise refused("not_residential", entry=action.entry.title)


def _check_unit_id(value: str, field: str) -> str:
    try:
        return checks.unit_id(value, field)
    except AspValidationError as err:
        raise invalid_input(err) from err


def _known(action: Action, value: str, known: Container[str], what: str) -> str:
    """Refuse an ID the entry's last reading does not list (another account's, or none)."""
    if value not in known:
        raise refused("unknown_id", id=value, what=what, entry=action.entry.title)
    return value


def _check_count(action: Action, count: int) -> None:
    if count > MAX_UNITS_PER_ACTION:
        raise refused("too_many_units", action=action.name, count=count, max=MAX_UNITS_PER_ACTION)


def _check_endpoint_id(value: str, field: str) -> str:
    try:
        return checks.endpoint_id(value, field)
    except AspValidationError as err:
        raise invalid_input(err) from err


@dataclass(frozen=True, slots=True)
class _Device:
    device: dr.DeviceEntry
    key: str
    kind: str  # "community", "home", "endpoint"


def _classify(action: Action, device: dr.DeviceEntry | None) -> _Device | None:
    """Return what a device of this entry stands for; None when Amazon no longer lists it."""
    key = device_key(device)
    if device is None or key is None:
        return None
    runtime = action.runtime
    if key in runtime.inventory.data.communities:
        kind = "community"
    elif key in runtime.inventory.data.homes:
        kind = "home"
    elif runtime.endpoints.data.get(key) is not None:
        kind = "endpoint"
    else:
        return None
    return _Device(device, key, kind)


def _picked_device(action: Action, device_id: str) -> _Device:
    device = dr.async_get(action.hass).async_get(device_id)
    assert isinstance(device, dr.DeviceEntry)  # checked by async_resolve_action
    if (found := _classify(action, device)) is None:
        raise refused("device_not_current", device=_device_name(device))
    return found


def _home_of(action: Action, found: _Device) -> _Device | None:
    """Return the home (or unit) device an endpoint's device sits below."""
    parent_id = found.device.via_device_id
    parent = dr.async_get(action.hass).async_get(parent_id) if parent_id else None
    return _classify(action, parent) if isinstance(parent, dr.DeviceEntry) else None


def _devices(action: Action, field: str, kinds: frozenset[str]) -> list[_Device]:
    """Return the devices of a target field, in order; areas and entities resolved.

    A device picked itself is returned whatever it is (the caller refuses a wrong kind);
    an area gives the devices of the wanted kinds in it; in home or unit actions, an
    endpoint found in an area or through an entity stands for its home.
    """
    picked = action.picked
    if field != ATTR_DEVICE_ID:
        return [_picked_device(action, device_id) for device_id in _ids(action.call, field)]
    found = [_picked_device(action, device_id) for device_id in picked.devices]
    registry = dr.async_get(action.hass)
    wanted_homes = "endpoint" not in kinds
    from_area: list[_Device] = []
    for device_id in picked.by_area:
        device = registry.async_get(device_id)
        item = _classify(action, device) if isinstance(device, dr.DeviceEntry) else None
        if item is not None and item.kind == "endpoint" and wanted_homes:
            item = _home_of(action, item)
        if item is not None and item.kind in kinds:
            from_area.append(item)
    if picked.areas and not from_area:
        raise refused("nothing_in_area", area=", ".join(picked.areas), what=_KIND_NAMES[kinds])
    found.extend(from_area)
    for device_id in picked.by_entity:
        item = _picked_device(action, device_id)
        if item.kind == "endpoint" and wanted_homes:
            item = _home_of(action, item) or item
        found.append(item)
    return found


_HOME: Final = frozenset({"home"})
_UNITS: Final = frozenset({"home", "community"})
_COMMUNITY: Final = frozenset({"community"})
_ENDPOINT: Final = frozenset({"endpoint"})
_KIND_NAMES: Final = {
    _HOME: "home",
    _UNITS: "home or home community",
    _COMMUNITY: "home community",
    _ENDPOINT: "device",
}


def _target(action: Action, unit_id: str) -> AuditTarget:
    inventory = action.runtime.inventory.data
    home = inventory.homes.get(unit_id)
    community = inventory.communities.get(unit_id)
    name = home.name if home else community.name if community else inventory.unit_names.get(unit_id)
    return audit_target(action.hass, action.entry, unit_id, name)


def _unique(targets: Iterable[AuditTarget]) -> list[AuditTarget]:
    seen: dict[str, AuditTarget] = {}
    for target in targets:
        seen.setdefault(target.id, target)
    return list(seen.values())


def resolve_units(action: Action, raw_field: str, *, what: str = "home") -> list[AuditTarget]:
    """Return the homes or units an action works on, in order, each once.

    A home device stands for its home, a community device for every home of the
    community; a raw ID must be a unit the entry knows (a home, a community, or a unit of
    a non-residential organization). At most MAX_UNITS_PER_ACTION units, counted before
    anything else is looked at.
    """
    inventory = action.runtime.inventory.data
    raw = _ids(action.call, raw_field)
    _check_count(action, len(set(raw)))
    known = inventory.homes.keys() | inventory.communities.keys() | inventory.unit_names.keys()
    targets: list[AuditTarget] = []
    for found in _devices(action, ATTR_DEVICE_ID, _UNITS):
        if found.kind == "home":
            targets.append(_target(action, found.key))
        elif found.kind == "community":
            homes = inventory.homes_of(found.key)
            if not homes:
                raise refused("community_without_homes", community=_device_name(found.device))
            targets.extend(_target(action, home.id) for home in homes)
        else:
            raise refused("device_not_unit", device=_device_name(found.device))
    targets.extend(
        _target(action, _known(action, _check_unit_id(unit_id, raw_field), known, "unit"))
        for unit_id in raw
    )
    if not targets:
        raise refused("no_target", what=what)
    unique = _unique(targets)
    _check_count(action, len(unique))
    return unique


def resolve_home(action: Action, device_field: str = ATTR_DEVICE_ID) -> AuditTarget:
    """Return the one home an action works on (a home device or `home_id`)."""
    targets: list[AuditTarget] = []
    for found in _devices(action, device_field, _HOME):
        if found.kind != "home":
            raise refused("device_not_home", device=_device_name(found.device))
        targets.append(_target(action, found.key))
    raw_field = ATTR_HOME_ID
    homes = action.runtime.inventory.data.homes
    targets.extend(
        _target(action, _known(action, _check_unit_id(home_id, raw_field), homes, "home"))
        for home_id in _ids(action.call, raw_field)
    )
    return _single(_unique(targets), "home")


def resolve_community(action: Action) -> AuditTarget:
    """Return the one home community an action works on (its device or `community_id`)."""
    targets: list[AuditTarget] = []
    for found in _devices(action, ATTR_DEVICE_ID, _COMMUNITY):
        if found.kind != "community":
            raise refused("device_not_community", device=_device_name(found.device))
        targets.append(_target(action, found.key))
    communities = action.runtime.inventory.data.communities
    targets.extend(
        _target(
            action,
            _known(
                action, _check_unit_id(community_id, ATTR_COMMUNITY_ID), communities, "community"
            ),
        )
        for community_id in _ids(action.call, ATTR_COMMUNITY_ID)
    )
    return _single(_unique(targets), "home community")


def _single(targets: list[AuditTarget], what: str) -> AuditTarget:
    if not targets:
        raise refused("no_target", what=what)
    if len(targets) > 1:
        raise refused("single_target", what=what, count=len(targets))
    return targets[0]


@dataclass(frozen=True, slots=True)
class EndpointTarget:
    """An endpoint an action works on: its current ID, device key and last reading."""

    endpoint_id: str
    key: str
    """The stable device key (serial based when it has a serial number)."""
    endpoint: Endpoint
    hidden: bool
    """True while the privacy rule hides it (its home is occupied or linked)."""
    audit: AuditTarget


def resolve_endpoint(action: Action) -> EndpointTarget:
    """Return the one endpoint an action works on (its device or `endpoint_id`)."""
    data = action.runtime.endpoints.data
    keys: list[str] = []
    for found in _devices(action, ATTR_DEVICE_ID, _ENDPOINT):
        if found.kind != "endpoint":
            raise refused("device_not_endpoint", device=_device_name(found.device))
        keys.append(found.key)
    by_id = {ep.id: key for key, ep in (*data.visible.items(), *data.hidden.items())}
    for endpoint_id in _ids(action.call, ATTR_ENDPOINT_ID):
        _check_endpoint_id(endpoint_id, ATTR_ENDPOINT_ID)
        keys.append(by_id[_known(action, endpoint_id, by_id, "device")])
    chosen = list(dict.fromkeys(keys))
    if not chosen:
        raise refused("no_target", what="device")
    if len(chosen) > 1:
        raise refused("single_target", what="device", count=len(chosen))
    key = keys[0]
    endpoint = data.get(key)
    assert endpoint is not None
    return EndpointTarget(
        endpoint_id=endpoint.id,
        key=key,
        endpoint=endpoint,
        hidden=key not in data.visible,
        audit=audit_target(action.hass, action.entry, key, endpoint.friendly_name),
    )


def target_home_of_assignment(action: Action) -> AuditTarget:
    """Return the home an endpoint is to be assigned to (`home_device_id` or `home_id`)."""
    return resolve_home(action, ATTR_HOME_DEVICE_ID)
