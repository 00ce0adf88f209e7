"""Base entities: one per kind of device (community, home, endpoint)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from homeassistant.core import callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .api import AspClient, AspError, AspValidationError
from .api.models import Endpoint
from .const import DOMAIN, LOGGER
from .coordinator import AspCoordinator, EndpointCoordinator
from .data import AspConfigEntry


def device_info(device_key: str) -> DeviceInfo:
    """Point an entity at its device, which `devices.async_sync_devices` registers first."""
    return DeviceInfo(identifiers={(DOMAIN, device_key)})


class AspEntity[C: AspCoordinator[Any]](CoordinatorEntity[C]):
    """Common base: translated names under the device's name."""

    _attr_has_entity_name = True

    def __init__(self, coordinator: C, device_key: str, key: str) -> None:
        """Set the unique ID from the device's key and the entity's key."""
        super().__init__(coordinator)
        self.device_key = device_key
        self._attr_unique_id = f"{device_key}_{key}"
        self._attr_device_info = device_info(device_key)


class AspEndpointEntity(AspEntity[EndpointCoordinator]):
    """An entity of an endpoint; unavailable while the privacy rule hides the endpoint."""

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

    async def async_write(self, write: Callable[[AspClient, str], Awaitable[None]]) -> None:
        """Send a write for this endpoint, then read the endpoint back to show the result."""
        client = self.coordinator.client
        try:
            await write(client, self.endpoint.id)
        except AspError as err:
            raise api_error(err) from err
        try:
            await self.coordinator.async_refresh_endpoint(self.device_key)
        except AspError as err:
            # The write went through; the next poll will show its effect.
            LOGGER.debug("Reading %s back after a write failed: %s", self.entity_id, err)


def api_error(err: AspError) -> HomeAssistantError:
    """Return the translated error an action raises for an API failure (never a secret)."""
    if isinstance(err, AspValidationError):
        return ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="invalid_input",
            translation_placeholders={"error": str(err)},
        )
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key="api_error",
        translation_placeholders={"error": str(err)},
    )


def async_add_entities_for_new_keys(
    entry: AspConfigEntry,
    coordinator: AspCoordinator[Any],
    current_keys: Callable[[], Iterable[str]],
    make_entities: Callable[[str], Iterable[Entity]],
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add entities for every device key now, and for each key that appears later."""
    known: set[str] = set()

    @callback
    def add_new() -> None:
        new = [key for key in current_keys() if key not in known]
        if not new:
            return
        known.update(new)
        async_add_entities([entity for key in new for entity in make_entities(key)])

    add_new()
    entry.async_on_unload(coordinator.async_add_listener(add_new))


def async_add_endpoint_entities(
    entry: AspConfigEntry,
    predicate: Callable[[Endpoint], bool],
    make_entities: Callable[[EndpointCoordinator, str], Iterable[Entity]],
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add entities for every visible endpoint `predicate` accepts, now and later."""
    endpoints = entry.runtime_data.endpoints
    async_add_entities_for_new_keys(
        entry,
        endpoints,
        lambda: [key for key, ep in endpoints.data.visible.items() if predicate(ep)],
        lambda key: make_entities(endpoints, key),
        async_add_entities,
    )
