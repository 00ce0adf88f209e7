"""Base entities: one per kind of device (community, home, endpoint)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .api import AspClient, AspError
from .api.models import Endpoint, HomeOccupancy
from .audit import AuditTarget
from .const import DOMAIN, LOGGER
from .coordinator import (
    AspCoordinator,
    EndpointCoordinator,
    EndpointVerdicts,
    OccupancyCoordinator,
)
from .data import AspConfigEntry
from .services_common import service_error


def device_info(device_key: str) -> DeviceInfo:
    """Point an entity at its device, which `devices.async_sync_devices` registers first."""
    return DeviceInfo(identifiers={(DOMAIN, device_key)})


class AspEntity[C: AspCoordinator[Any]](CoordinatorEntity[C]):
    """Common base: translated names under the device's name.

    A coordinator update writes the state only when what the entity shows it from
    (`state_inputs`) or its availability changed: one refresh of a 2,000-home estate in
    which one device went offline writes that device's entities, not all of them.
    """

    _attr_has_entity_name = True
    _written: tuple[bool, object] | None = None

    def __init__(self, coordinator: C, device_key: str, key: str) -> None:
        """Set the unique ID from the device's key and the entity's key."""
        super().__init__(coordinator)
        self.device_key = device_key
        self._attr_unique_id = f"{device_key}_{key}"
        self._attr_device_info = device_info(device_key)

    def state_inputs(self) -> object:
        """Return what the state is computed from (compared with ==; default: always new)."""
        return object()

    async def async_added_to_hass(self) -> None:
        """Note the inputs of the state Home Assistant writes once the entity is added."""
        await super().async_added_to_hass()
        self._written = (self.available, self.state_inputs())

    @callback
    def _handle_coordinator_update(self) -> None:
        """Write the state if the update changed what it is computed from."""
        inputs = (self.available, self.state_inputs())
        if inputs != self._written:
            self._written = inputs
            self.async_write_ha_state()


class AspHomeOccupancyEntity(AspEntity[OccupancyCoordinator]):
    """An entity shown from a home's latest occupancy; unavailable once the home is gone."""

    @property
    def occupancy(self) -> HomeOccupancy | None:
        """Return the home's latest occupancy (None: never moved into, or gone)."""
        return self.coordinator.data.get(self.device_key)

    @property
    def available(self) -> bool:
        """Return False once the home is gone."""
        return super().available and self.device_key in self.coordinator.data

    def state_inputs(self) -> object:
        """Return the home's occupancy."""
        return self.occupancy


class AspEndpointEntity(AspEntity[EndpointCoordinator]):
    """An entity of an endpoint; unavailable while the privacy rule hides the endpoint."""

    _seen: tuple[bool, bool, object] | None = None

    def __init__(self, coordinator: EndpointCoordinator, device_key: str, key: str) -> None:
        """Attach the entity to its endpoint's device."""
        super().__init__(coordinator, device_key, key)
        endpoint = coordinator.data.get(device_key)
        assert endpoint is not None
        self._last_seen = endpoint

    @property
    def endpoint(self) -> Endpoint:
        """Return the endpoint as last seen (its ID changes when it moves to another unit)."""
        if (endpoint := self.coordinator.data.get(self.device_key)) is not None:
            self._last_seen = endpoint
        return self._last_seen

    @property
    def available(self) -> bool:
        """Return False when the refresh failed or the endpoint is hidden or gone."""
        return super().available and self.device_key in self.coordinator.data.visible

    def state_inputs(self) -> object:
        """Return the endpoint as listed now (its features hold the state)."""
        return self.coordinator.data.get(self.device_key)

    async def async_added_to_hass(self) -> None:
        """Note what the state Home Assistant writes once the entity is added comes from."""
        await super().async_added_to_hass()
        self._seen = self._sources()

    def _sources(self) -> tuple[bool, bool, object]:
        coordinator = self.coordinator
        return (
            coordinator.last_update_success,
            self.device_key in coordinator.data.visible,
            self.state_inputs(),
        )

    @callback
    def _handle_coordinator_update(self) -> None:
        """Return at once when the endpoint is the very object last seen, as visible.

        Availability follows from the refresh's success, the endpoint's visibility and the
        endpoint itself (immutable; an unchanged one is the same object from one refresh
        to the next): a refresh of 6,000 endpoints in which one device changed works out
        the availability of that device's entities only.
        """
        seen = self._sources()
        if seen != self._seen:
            self._seen = seen
            super()._handle_coordinator_update()

    def write_error(self, err: AspError) -> HomeAssistantError:
        """Return the translated error of a write Amazon refused or failed."""
        endpoint = self.endpoint
        target = AuditTarget(self.device_key, endpoint.friendly_name or endpoint.id)
        return service_error(
            self.hass, self.coordinator.config_entry, self.entity_id, err, targets=[target]
        )


class AspEndpointControl(AspEndpointEntity):
    """A control of an endpoint: unavailable too while the device is unreachable.

    Amazon refuses writes to an unreachable device, and its properties come as errors: an
    offline light offers no switch (its connectivity sensor still shows it offline).
    """

    @property
    def available(self) -> bool:
        """Return False when the endpoint is hidden, gone or unreachable."""
        return super().available and self.endpoint.reachable is not False

    async def async_write(self, write: Callable[[AspClient, str], Awaitable[None]]) -> None:
        """Send a write for this endpoint, then read the endpoint back to show the result."""
        client = self.coordinator.client
        try:
            await write(client, self.endpoint.id)
        except AspError as err:
            raise self.write_error(err) from err
        try:
            await self.coordinator.async_refresh_endpoint(self.device_key)
        except AspError as err:
            # The write went through; the next poll will show its effect.
            LOGGER.debug("Reading %s back after a write failed: %s", self.entity_id, err)


# Devices whose entities are made and added between two yields to the event loop: Home
# Assistant takes a tenth to a quarter of a millisecond to add an entity, and a 2,000-home
# estate has over 10,000.
KEYS_PER_BATCH = 50


async def async_add_entities_for_new_keys(
    entry: AspConfigEntry,
    coordinator: AspCoordinator[Any],
    current_keys: Callable[[], Iterable[str]],
    make_entities: Callable[[str], Iterable[Entity]],
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add entities for every device key now, and for each key that appears later.

    Awaited in a platform's `async_setup_entry`: the present devices' entities are handed
    to Home Assistant before it returns; a coordinator listener adds the later ones.
    """
    known: set[str] = set()

    def new_keys() -> list[str]:
        new = [key for key in current_keys() if key not in known]
        known.update(new)
        return new

    async def add_in_batches(keys: list[str]) -> None:
        """Make and add entities a few devices at a time, each batch in its own callback."""
        # `keys` were read from the current data: all of them are current until it changes.
        data, current = coordinator.data, set(keys)
        for start in range(0, len(keys), KEYS_PER_BATCH):
            await asyncio.sleep(0)  # apart from the judging that found the keys, too
            if entry.state not in (ConfigEntryState.SETUP_IN_PROGRESS, ConfigEntryState.LOADED):
                return  # unloading: the platform is going away
            if coordinator.data is not data:
                data, current = coordinator.data, set(current_keys())
            entities: list[Entity] = []
            for key in keys[start : start + KEYS_PER_BATCH]:
                if key in current:
                    entities.extend(make_entities(key))
                else:
                    known.discard(key)  # gone meanwhile; added again if it comes back
            if entities:
                async_add_entities(entities)

    @callback
    def add_new() -> None:
        new = new_keys()
        if len(new) <= KEYS_PER_BATCH:
            if new:  # a few new devices: add their entities at once
                async_add_entities([entity for key in new for entity in make_entities(key)])
            return
        entry.async_create_task(
            coordinator.hass, add_in_batches(new), f"{DOMAIN} add entities", eager_start=False
        )

    # Every platform is set up at once, and judging thousands of devices takes a while:
    # each platform's first look gets an event loop callback of its own.
    await asyncio.sleep(0)
    first = new_keys()
    entry.async_on_unload(coordinator.async_add_listener(add_new))
    await add_in_batches(first)


async def async_add_endpoint_entities(
    entry: AspConfigEntry,
    predicate: Callable[[Endpoint], bool],
    make_entities: Callable[[EndpointCoordinator, str], Iterable[Entity]],
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add entities for every visible endpoint `predicate` accepts, now and later."""
    endpoints = entry.runtime_data.endpoints
    verdicts = EndpointVerdicts(predicate)

    def accepted_keys() -> list[str]:
        return verdicts.accepted(endpoints.data.visible)

    await async_add_entities_for_new_keys(
        entry,
        endpoints,
        accepted_keys,
        lambda key: make_entities(endpoints, key),
        async_add_entities,
    )
