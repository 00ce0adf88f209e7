"""Device triggers of a home: it became occupied, vacant or linked, or was unlinked.

They follow the home's occupancy sensor, so the automation editor offers "Unit 204 became
vacant" without YAML. A sensor coming back from unavailable or unknown does not fire them:
only real transitions do.
"""

from __future__ import annotations

from typing import Final

import probatio as vol
from homeassistant.components.device_automation import DEVICE_TRIGGER_BASE_SCHEMA
from homeassistant.components.homeassistant.triggers import state as state_trigger
from homeassistant.components.sensor import DOMAIN as SENSOR_DOMAIN
from homeassistant.const import (
    CONF_DEVICE_ID,
    CONF_DOMAIN,
    CONF_ENTITY_ID,
    CONF_FOR,
    CONF_PLATFORM,
    CONF_TYPE,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
)
from homeassistant.core import CALLBACK_TYPE, HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.trigger import TriggerActionType, TriggerInfo
from homeassistant.helpers.typing import ConfigType

from .api.models import OccupancyState
from .const import DOMAIN

TRIGGER_TYPES: Final = {
    **{state.value.lower(): state.value.lower() for state in OccupancyState},
    "unlinked": OccupancyState.OCCUPIED.value.lower(),
}
"""Trigger type -> the occupancy sensor state it waits for (occupied, vacant, linked)."""
FROM_STATES: Final = {"unlinked": OccupancyState.LINKED.value.lower()}
"""Trigger types that wait for a change from one state only: the resident unlinked."""

TRIGGER_SCHEMA: Final = DEVICE_TRIGGER_BASE_SCHEMA.extend(
    {
        vol.Required(CONF_ENTITY_ID): cv.entity_id_or_uuid,
        vol.Required(CONF_TYPE): vol.In(TRIGGER_TYPES),
        vol.Optional(CONF_FOR): cv.positive_time_period_dict,
    }
)


def _occupancy_sensor(hass: HomeAssistant, device_id: str) -> er.RegistryEntry | None:
    """Return the occupancy sensor of a home device (None for other devices)."""
    for entry in er.async_entries_for_device(er.async_get(hass), device_id):
        if (
            entry.platform == DOMAIN
            and entry.domain == SENSOR_DOMAIN
            and entry.unique_id.endswith("_occupancy")
        ):
            return entry
    return None


async def async_get_triggers(hass: HomeAssistant, device_id: str) -> list[dict[str, str]]:
    """List the occupancy triggers of a home device."""
    sensor = _occupancy_sensor(hass, device_id)
    if sensor is None:
        return []
    return [
        {
            CONF_PLATFORM: "device",
            CONF_DEVICE_ID: device_id,
            CONF_DOMAIN: DOMAIN,
            CONF_ENTITY_ID: sensor.id,
            CONF_TYPE: trigger_type,
        }
        for trigger_type in TRIGGER_TYPES
    ]


async def async_get_trigger_capabilities(
    hass: HomeAssistant, config: ConfigType
) -> dict[str, vol.Schema]:
    """Offer "for" (stayed vacant for a while)."""
    return {"extra_fields": vol.Schema({vol.Optional(CONF_FOR): cv.positive_time_period_dict})}


async def async_attach_trigger(
    hass: HomeAssistant,
    config: ConfigType,
    action: TriggerActionType,
    trigger_info: TriggerInfo,
) -> CALLBACK_TYPE:
    """Attach a state trigger on the home's occupancy sensor."""
    state_config: ConfigType = {
        CONF_PLATFORM: "state",
        CONF_ENTITY_ID: config[CONF_ENTITY_ID],
        state_trigger.CONF_TO: TRIGGER_TYPES[config[CONF_TYPE]],
    }
    if config[CONF_TYPE] in FROM_STATES:
        state_config[state_trigger.CONF_FROM] = FROM_STATES[config[CONF_TYPE]]
    else:
        state_config[state_trigger.CONF_NOT_FROM] = [STATE_UNAVAILABLE, STATE_UNKNOWN]
    if CONF_FOR in config:
        state_config[CONF_FOR] = config[CONF_FOR]
    state_config = await state_trigger.async_validate_trigger_config(hass, state_config)
    return await state_trigger.async_attach_trigger(
        hass, state_config, action, trigger_info, platform_type="device"
    )
