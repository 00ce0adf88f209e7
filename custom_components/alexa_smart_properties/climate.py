"""Climate: thermostats, read-only (Amazon's feature API offers no thermostat writes).

Nothing is offered that could only fail: the setpoint is a sensor of its own (no target
temperature feature), and the one mode offered is the current one, which Home Assistant
requires among the modes.
"""

from __future__ import annotations

from homeassistant.components.climate import ClimateEntity, ClimateEntityFeature, HVACMode
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api.models import Feature, FeatureName
from .coordinator import EndpointCoordinator
from .data import AspConfigEntry
from .entity import AspEndpointEntity, async_add_endpoint_entities
from .temperature import measured_temperature, temperature_unit

PARALLEL_UPDATES = 0

HVAC_MODES: dict[str, HVACMode] = {
    "HEAT": HVACMode.HEAT,
    "COOL": HVACMode.COOL,
    "AUTO": HVACMode.HEAT_COOL,
    "ECO": HVACMode.AUTO,
    "OFF": HVACMode.OFF,
}


class Thermostat(AspEndpointEntity, ClimateEntity):
    """A thermostat's temperature, setpoint and mode, as Amazon reports them."""

    _attr_name = None
    _attr_supported_features = ClimateEntityFeature(0)

    def __init__(self, coordinator: EndpointCoordinator, key: str) -> None:
        """Create the climate entity for one thermostat."""
        super().__init__(coordinator, key, "thermostat")

    @property
    def _feature(self) -> Feature | None:
        return self.endpoint.feature(FeatureName.THERMOSTAT)

    # Home Assistant 2026.11 reads the native_* names and warns about (2027.11: refuses)
    # the old ones; 2026.10, the version the tests run, knows only the old ones. With both
    # defined, each version takes its own and neither warns.
    @property
    def native_temperature_unit(self) -> str:
        """Return the scale the thermostat reports in."""
        return temperature_unit(measured_temperature(self.endpoint))

    @property
    def native_current_temperature(self) -> float | None:
        """Return the measured temperature (the thermostat's own sensor feature)."""
        reading = measured_temperature(self.endpoint)
        return reading.value if reading else None

    @property
    def temperature_unit(self) -> str:
        """Return the scale the thermostat reports in (Home Assistant before 2026.11)."""
        return self.native_temperature_unit

    @property
    def current_temperature(self) -> float | None:
        """Return the measured temperature (Home Assistant before 2026.11)."""
        return self.native_current_temperature

    @property
    def hvac_mode(self) -> HVACMode | None:
        """Return the mode."""
        feature = self._feature
        mode = feature.thermostat_mode if feature else None
        return HVAC_MODES.get(mode) if mode else None

    @property
    def hvac_modes(self) -> list[HVACMode]:
        """Return the current mode alone: no other can be set."""
        mode = self.hvac_mode
        return [mode] if mode else []

    async def async_set_hvac_mode(self, hvac_mode: HVACMode) -> None:
        """Keep the current mode; Home Assistant lets no other through (not in hvac_modes)."""


async def async_setup_entry(
    hass: HomeAssistant,
    entry: AspConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add thermostats, now and as devices appear."""
    await async_add_endpoint_entities(
        entry,
        lambda endpoint: endpoint.has_feature(FeatureName.THERMOSTAT),
        lambda c, key: [Thermostat(c, key)],
        async_add_entities,
    )
