"""Models of endpoint features (`/v2/endpoints/{id}/features/{name}`).

Only the connectivity shape is confirmed; the property names of the other features follow
the Alexa smart home interfaces and are read defensively (see `Feature.value`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .common import (
    JsonObject,
    as_object,
    opt_enum,
    opt_list,
    opt_object,
    opt_str,
    req_str,
)


class FeatureName(StrEnum):
    """Names of endpoint features."""

    POWER = "power"
    BRIGHTNESS = "brightness"
    COLOR = "color"
    COLOR_TEMPERATURE = "colorTemperature"
    CONNECTIVITY = "connectivity"
    SPEAKER = "speaker"
    TEMPERATURE_SENSOR = "temperatureSensor"
    THERMOSTAT = "thermostat"
    BLUETOOTH = "bluetooth"


class PropertyType(StrEnum):
    """Whether the caller can read a feature property."""

    RETRIEVABLE = "RETRIEVABLE"
    NOT_RETRIEVABLE = "NOT_RETRIEVABLE"
    ERROR = "ERROR"


class PropertyErrorType(StrEnum):
    """Why a property could not be read."""

    ENDPOINT_UNREACHABLE = "ENDPOINT_UNREACHABLE"
    INTERNAL_ERROR = "INTERNAL_ERROR"


class PowerState(StrEnum):
    """Value of the `powerState` property."""

    ON = "ON"
    OFF = "OFF"


class TemperatureScale(StrEnum):
    """Scale of a temperature value."""

    CELSIUS = "CELSIUS"
    FAHRENHEIT = "FAHRENHEIT"
    KELVIN = "KELVIN"


REACHABLE = "OK"
"""Reachability value of an online endpoint; anything else means offline."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PropertyError:
    """Why a property has no value."""

    type: PropertyErrorType | str | None
    message: str | None = None

    @classmethod
    def from_api(cls, data: object) -> PropertyError:
        """Parse an Error object."""
        obj = as_object(data, "PropertyError")
        return cls(
            type=opt_enum(PropertyErrorType, obj.get("type")), message=opt_str(obj, "message")
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class FeatureProperty:
    """One property of a feature, such as `reachability` or `powerState`."""

    name: str
    type: PropertyType | str | None = None
    value: Any = None
    """Whatever the service sent (often an object); see the typed readers on Feature."""
    time_of_sample: str | None = field(default=None, compare=False)
    error: PropertyError | None = None

    @classmethod
    def from_api(cls, data: object) -> FeatureProperty:
        """Parse a property object."""
        obj = as_object(data, "FeatureProperty")
        error = opt_object(obj, "error")
        return cls(
            name=req_str(obj, "name", "FeatureProperty"),
            type=opt_enum(PropertyType, obj.get("type")),
            value=obj.get("value"),
            time_of_sample=opt_str(obj, "timeOfSample"),
            error=PropertyError.from_api(error) if error is not None else None,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Color:
    """An HSB colour: hue 0-360, saturation and brightness 0-1."""

    hue: float
    saturation: float
    brightness: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Temperature:
    """A temperature and its scale."""

    value: float
    scale: TemperatureScale | str


def _number(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def _unwrap(value: object) -> object:
    # A property's value may be wrapped once or twice ({"value": {"value": "OK"}}): any
    # object whose only key is `value` stands for that value (docs/contract.md, row 14).
    while isinstance(value, Mapping) and len(value) == 1 and "value" in value:
        value = value["value"]
    return value


@dataclass(frozen=True, slots=True, kw_only=True)
class Feature:
    """A feature of an endpoint and, when expanded, its properties."""

    name: FeatureName | str
    path: str | None = None
    properties: tuple[FeatureProperty, ...] = ()
    raw: JsonObject = field(default_factory=dict, repr=False, compare=False, hash=False)

    @classmethod
    def from_api(cls, data: object) -> Feature:
        """Parse a Feature object."""
        obj = as_object(data, "Feature")
        name = req_str(obj, "name", "Feature")
        return cls(
            name=opt_enum(FeatureName, name) or name,
            path=opt_str(obj, "path"),
            properties=tuple(FeatureProperty.from_api(p) for p in opt_list(obj, "properties")),
            raw=obj,
        )

    def get_property(self, name: str) -> FeatureProperty | None:
        """Return the property called `name`, if present."""
        return next((p for p in self.properties if p.name == name), None)

    def value(self, name: str) -> Any:
        """Return the value of property `name` (unwrapped), or None when unreadable."""
        prop = self.get_property(name)
        if prop is None or prop.type in (PropertyType.NOT_RETRIEVABLE, PropertyType.ERROR):
            return None
        return _unwrap(prop.value)

    # Typed readers; each returns None when the property is absent or not understood.

    @property
    def reachable(self) -> bool | None:
        """Return connectivity: True only for reachability `OK`."""
        value = self.value("reachability")
        return None if value is None else value == REACHABLE

    @property
    def power_on(self) -> bool | None:
        """Return True for powerState ON, False for OFF."""
        value = self.value("powerState")
        if value == PowerState.ON:
            return True
        if value == PowerState.OFF:
            return False
        return None

    @property
    def brightness(self) -> float | None:
        """Return the brightness percentage."""
        return _number(self.value("brightness"))

    @property
    def color(self) -> Color | None:
        """Return the HSB colour."""
        value = self.value("color")
        if not isinstance(value, Mapping):
            return None
        hue, sat, bri = (_number(value.get(k)) for k in ("hue", "saturation", "brightness"))
        if hue is None or sat is None or bri is None:
            return None
        return Color(hue=hue, saturation=sat, brightness=bri)

    @property
    def color_temperature_kelvin(self) -> float | None:
        """Return the colour temperature in kelvin."""
        return _number(self.value("colorTemperatureInKelvin"))

    @property
    def volume(self) -> float | None:
        """Return the speaker volume percentage."""
        return _number(self.value("volume"))

    @property
    def muted(self) -> bool | None:
        """Return whether the speaker is muted."""
        value = self.value("muted")
        return value if isinstance(value, bool) else None

    def temperature(self, name: str = "temperature") -> Temperature | None:
        """Return a temperature property (`temperature`, `targetSetpoint`, ...)."""
        value = self.value(name)
        if not isinstance(value, Mapping):
            return None
        number = _number(value.get("value"))
        scale = opt_enum(TemperatureScale, value.get("scale"))
        if number is None or scale is None:
            return None
        return Temperature(value=number, scale=scale)

    @property
    def thermostat_mode(self) -> str | None:
        """Return the thermostat mode (HEAT, COOL, AUTO, OFF, ...)."""
        value = self.value("thermostatMode")
        return value if isinstance(value, str) else None
