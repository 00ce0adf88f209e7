"""The Alexa Smart Properties integration: wires client, coordinators and platforms."""

from __future__ import annotations

from datetime import timedelta

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryNotReady
from homeassistant.helpers import config_entry_oauth2_flow
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.typing import ConfigType

from .budget import Intervals
from .connection import async_get_implementation, build_client
from .const import (
    CONF_DEVICE_GRACE,
    CONF_ENDPOINT_INTERVAL,
    CONF_INVENTORY_INTERVAL,
    CONF_OCCUPANCY_INTERVAL,
    CONF_SKILLS_INTERVAL,
    DEFAULT_ENDPOINT_INTERVAL,
    DEFAULT_INVENTORY_INTERVAL,
    DEFAULT_OCCUPANCY_INTERVAL,
    DEFAULT_SKILLS_INTERVAL,
    DOMAIN,
    MIN_ENDPOINT_INTERVAL,
)
from .coordinator import EndpointCoordinator, InventoryCoordinator, OccupancyCoordinator
from .data import AspConfigEntry, AspRuntimeData
from .devices import async_setup_devices, async_sync_devices, device_is_stale
from .endpoint_lifecycle import DEFAULT_GRACE
from .frontend import async_register_dashboard_strategy
from .oauth import EntryAuth
from .rotated_tokens import rotated_tokens
from .scheduler import PollScheduler
from .services import async_setup_services
from .skill_suggestions import async_setup_skill_suggestions

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.CLIMATE,
    Platform.EVENT,
    Platform.LIGHT,
    Platform.NUMBER,
    Platform.SENSOR,
    Platform.SWITCH,
]

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions and the dashboard strategy (once, whatever the number of entries)."""
    async_setup_services(hass)
    await async_register_dashboard_strategy(hass)
    return True


def _interval(entry: AspConfigEntry, key: str, default: timedelta) -> timedelta:
    minutes = entry.options.get(key)
    return timedelta(minutes=minutes) if minutes else default


async def async_setup_entry(hass: HomeAssistant, entry: AspConfigEntry) -> bool:
    """Set up an organization: client, coordinators, then platforms."""
    try:
        implementation = await async_get_implementation(hass, entry.data)
    except config_entry_oauth2_flow.ImplementationUnavailableError as err:
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN, translation_key="implementation_unavailable"
        ) from err
    await _async_resume_rotation(hass, entry)
    # Home Assistant's session refreshes the token and stores each rotated one in the entry.
    session = config_entry_oauth2_flow.OAuth2Session(hass, entry, implementation)
    client = build_client(hass, entry.data, EntryAuth(session))

    hours = entry.options.get(CONF_SKILLS_INTERVAL)
    intervals = Intervals(
        inventory=_interval(entry, CONF_INVENTORY_INTERVAL, DEFAULT_INVENTORY_INTERVAL),
        occupancy=_interval(entry, CONF_OCCUPANCY_INTERVAL, DEFAULT_OCCUPANCY_INTERVAL),
        endpoints=max(
            _interval(entry, CONF_ENDPOINT_INTERVAL, DEFAULT_ENDPOINT_INTERVAL),
            MIN_ENDPOINT_INTERVAL,
        ),
        skills=timedelta(hours=hours) if hours else DEFAULT_SKILLS_INTERVAL,
    )
    inventory = InventoryCoordinator(hass, entry, client, intervals.inventory)
    occupancy = OccupancyCoordinator(hass, entry, client, inventory, intervals.occupancy)
    endpoints = EndpointCoordinator(
        hass,
        entry,
        client,
        inventory,
        occupancy,
        intervals.endpoints,
        timedelta(
            hours=entry.options.get(CONF_DEVICE_GRACE) or DEFAULT_GRACE.total_seconds() / 3600
        ),
    )
    # In order: occupancy needs the homes, endpoints need occupancy (the privacy rule).
    await inventory.async_config_entry_first_refresh()
    await occupancy.async_config_entry_first_refresh()
    await endpoints.async_config_entry_first_refresh()
    scheduler = PollScheduler(hass, entry, inventory, occupancy, endpoints, intervals)
    entry.runtime_data = AspRuntimeData(
        client=client,
        inventory=inventory,
        occupancy=occupancy,
        endpoints=endpoints,
        scheduler=scheduler,
    )

    @callback
    def sync_devices() -> None:
        async_sync_devices(hass, entry)

    # Registered before the platforms' listeners: devices must exist before their entities.
    await async_setup_devices(hass, entry)
    for coordinator in (inventory, occupancy, endpoints):
        entry.async_on_unload(coordinator.async_add_listener(sync_devices))
    entry.async_on_unload(inventory.async_add_listener(occupancy.async_homes_changed))
    entry.async_on_unload(occupancy.async_add_listener(occupancy.async_poll_pending))
    entry.async_on_unload(occupancy.async_stop_pending_poll)
    occupancy.async_poll_pending()  # a change the first refresh found in progress
    entry.async_on_unload(occupancy.async_add_listener(endpoints.async_privacy_changed))
    endpoints.async_privacy_changed()  # the baseline later occupancy changes compare to
    scheduler.async_start()

    await async_setup_skill_suggestions(hass, entry)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def _async_resume_rotation(hass: HomeAssistant, entry: AspConfigEntry) -> None:
    """Start from the newest refresh token, should the entry on disk predate a rotation."""
    token = entry.data["token"]
    latest = await rotated_tokens(hass).async_latest(token["refresh_token"])
    if latest != token["refresh_token"]:
        # Its access token went with the crash: refresh before the first request.
        hass.config_entries.async_update_entry(
            entry,
            data={**entry.data, "token": {**token, "refresh_token": latest, "expires_at": 0}},
        )


async def async_migrate_entry(hass: HomeAssistant, entry: AspConfigEntry) -> bool:
    """Bring older entries to the shape Home Assistant's OAuth2 session reads."""
    if entry.version > 1:
        return False  # written by a newer version of the integration
    if entry.minor_version < 2:
        # 1.1 kept a pasted refresh token without an expiry: mark it expired, so the
        # session refreshes it before the first request.
        token = {"expires_at": 0, **entry.data["token"]}
        hass.config_entries.async_update_entry(
            entry, data={**entry.data, "token": token}, minor_version=2
        )
    return True


async def async_unload_entry(hass: HomeAssistant, entry: AspConfigEntry) -> bool:
    """Unload an organization."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: AspConfigEntry, device: dr.DeviceEntry
) -> bool:
    """Let the user delete a device Amazon no longer lists."""
    return device_is_stale(entry, device)
