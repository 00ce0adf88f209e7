"""Reading temperatures off an endpoint's features, shared by sensors and thermostats."""

from __future__ import annotations

from homeassistant.const import UnitOfTemperature

from .api.models import Endpoint, FeatureName, Temperature, TemperatureScale


def measured_temperature(endpoint: Endpoint) -> Temperature | None:
    """Return the temperature an endpoint measures (sensor feature, else thermostat)."""
    for name in (FeatureName.TEMPERATURE_SENSOR, FeatureName.THERMOSTAT):
        feature = endpoint.feature(name)
        reading = feature.temperature() if feature is not None else None
        if reading is not None:
            return reading
    return None


def target_temperature(endpoint: Endpoint) -> Temperature | None:
    """Return a thermostat's setpoint."""
    feature = endpoint.feature(FeatureName.THERMOSTAT)
    return feature.temperature("targetSetpoint") if feature is not None else None


def temperature_unit(reading: Temperature | None) -> UnitOfTemperature:
    """Return Home Assistant's unit for a reading's scale (Celsius when unknown)."""
    if reading is not None and reading.scale == TemperatureScale.FAHRENHEIT:
        return UnitOfTemperature.FAHRENHEIT
    return UnitOfTemperature.CELSIUS
