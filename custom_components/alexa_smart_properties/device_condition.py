"""Device conditions of a home: it is vacant, occupied or linked, or a change is under way.

They read the home's occupancy sensor and its "change pending" binary sensor, so the
automation editor offers "Unit 204 is vacant" without YAML.
"""

from __future__ import annotations

from typing import Final

import probatio as vol
from homeassistant.const import (
    CONF_CONDITION,
    CONF_DEVICE_ID,
    CONF_DOMAIN,
    CONF_ENTITY_ID,
    CONF_TYPE,
    STATE_ON,
    Platform,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import condition
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.config_validation import DEVICE_CONDITION_BASE_SCHEMA
from homeassistant.helpers.typing import ConfigType, TemplateVarsType

from .api.models import OccupancyState
from .const import DOMAIN

PENDING: Final = "is_change_pending"
# Condition type -> (the entity it reads: platform and unique ID suffix, the state it wants).
CONDITIONS: Final[dict[str, tuple[str, str, str]]] = {
    **{
        f"is_{state.value.lower()}": (Platform.SENSOR, "_occupancy", state.value.lower())
        for state in OccupancyState
    },
    PENDING: (Platform.BINARY_SENSOR, "_occupancy_change_pending", STATE_ON),
}

CONDITION_SCHEMA: Final = DEVICE_CONDITION_BASE_SCHEMA.extend(
    {
        vol.Required(CONF_ENTITY_ID): cv.entity_id_or_uuid,
        vol.Required(CONF_TYPE): vol.In(CONDITIONS),
    }
)


def _home_entity(hass: HomeAssistant, device_id: str, domain: str, suffix: str) -> str | None:
    """Return the registry ID of a home device's entity (None for other devices)."""
    for entry in er.async_entries_for_device(er.async_get(hass), device_id):
        if entry.platform == DOMAIN and entry.domain == domain and entry.unique_id.endswith(suffix):
            return entry.id
    return None


async def async_get_conditions(hass: HomeAssistant, device_id: str) -> list[dict[str, str]]:
    """List the occupancy conditions of a home device."""
    found: list[dict[str, str]] = []
    for condition_type, (domain, suffix, _state) in CONDITIONS.items():
        entity = _home_entity(hass, device_id, domain, suffix)
        if entity is not None:
            found.append(
                {
                    CONF_CONDITION: "device",
                    CONF_DEVICE_ID: device_id,
                    CONF_DOMAIN: DOMAIN,
                    CONF_ENTITY_ID: entity,
                    CONF_TYPE: condition_type,
                }
            )
    return found


@callback
def async_condition_from_config(
    hass: HomeAssistant, config: ConfigType
) -> condition.ConditionCheckerType:
    """Return a checker: the home's entity is in the wanted state."""
    wanted = CONDITIONS[config[CONF_TYPE]][2]
    entity_id = er.async_resolve_entity_id(er.async_get(hass), config[CONF_ENTITY_ID])

    def test(hass: HomeAssistant, variables: TemplateVarsType) -> bool:
        return entity_id is not None and condition.state(hass, entity_id, wanted)

    return test
