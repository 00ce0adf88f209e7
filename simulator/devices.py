"""Device kinds, their features, and how feature state is shown and changed.

Property names follow the Alexa smart-home interfaces (asp-facts marks them unconfirmed);
connectivity follows the documented ``{"name":"reachability","value":{"value":"OK"}}``.
"""

import random
from dataclasses import dataclass
from typing import Any

from .clock import iso8601
from .errors import ApiError, bad_request
from .http import JsonObject
from .state import Endpoint

DND_SETTING = "Alexa.DoNotDisturb.doNotDisturb"

# Features whose properties a listing can expand, in the order the pages list them.
EXPANDABLE_FEATURES = (
    "brightness",
    "color",
    "colorTemperature",
    "connectivity",
    "power",
    "speaker",
    "temperatureSensor",
    "thermostat",
)
KNOWN_FEATURES = (*EXPANDABLE_FEATURES, "bluetooth")

FEATURE_PROPERTIES: dict[str, tuple[str, ...]] = {
    "power": ("powerState",),
    "brightness": ("brightness",),
    "color": ("color",),
    "colorTemperature": ("colorTemperatureInKelvin",),
    "speaker": ("volume", "muted"),
    "temperatureSensor": ("temperature",),
    "thermostat": ("targetSetpoint", "thermostatMode"),
    "bluetooth": ("pairedDevices",),
}

# feature -> operation -> property it changes
FEATURE_OPERATIONS: dict[str, tuple[str, ...]] = {
    "power": ("turnOn", "turnOff"),
    "brightness": ("setBrightness",),
    "color": ("setColor",),
    "colorTemperature": ("setColorTemperature",),
    "speaker": ("setVolume",),
}


@dataclass(frozen=True, slots=True)
class DeviceKind:
    """A product the seed can install."""

    key: str
    manufacturer: str
    model: str
    connection: str
    category: str
    features: tuple[str, ...]
    names: tuple[str, ...]
    serial_prefix: str
    software_version: str

    @property
    def is_echo(self) -> bool:
        """Echo devices carry the speaker and the do-not-disturb setting."""
        return self.category == "ALEXA_VOICE_ENABLED"


DEVICE_KINDS: dict[str, DeviceKind] = {
    kind.key: kind
    for kind in (
        DeviceKind(
            "echo_dot",
            "Amazon",
            "Echo Dot (5th Gen)",
            "TCP_IP",
            "ALEXA_VOICE_ENABLED",
            ("connectivity", "speaker", "bluetooth"),
            ("Living Room Echo", "Kitchen Echo", "Bedroom Echo Dot", "Office Echo"),
            "G091",
            "8289466116",
        ),
        DeviceKind(
            "echo_show",
            "Amazon",
            "Echo Show 8 (3rd Gen)",
            "TCP_IP",
            "ALEXA_VOICE_ENABLED",
            ("connectivity", "speaker", "bluetooth"),
            ("Kitchen Echo Show", "Living Room Echo Show", "Entry Echo Show"),
            "G0X2",
            "27895945604",
        ),
        DeviceKind(
            "echo_pop",
            "Amazon",
            "Echo Pop",
            "TCP_IP",
            "ALEXA_VOICE_ENABLED",
            ("connectivity", "speaker"),
            ("Bedroom Echo Pop", "Guest Room Echo Pop", "Den Echo Pop"),
            "G2A1",
            "8657833860",
        ),
        DeviceKind(
            "smart_plug",
            "Amazon",
            "Amazon Smart Plug",
            "TCP_IP",
            "SMARTPLUG",
            ("connectivity", "power"),
            ("Coffee Maker Plug", "Lamp Plug", "Fan Plug", "Kettle Plug", "Heater Plug"),
            "G5L0",
            "1001",
        ),
        DeviceKind(
            "dimmable_light",
            "Sengled",
            "Sengled Smart LED Soft White A19",
            "ZIGBEE",
            "LIGHT",
            ("connectivity", "power", "brightness"),
            ("Hallway Light", "Bedroom Light", "Porch Light", "Bathroom Light"),
            "SGL",
            "0.0.61",
        ),
        DeviceKind(
            "color_light",
            "Philips",
            "Hue White and Color Ambiance A19",
            "ZIGBEE",
            "LIGHT",
            ("connectivity", "power", "brightness", "color", "colorTemperature"),
            ("Living Room Lamp", "Reading Light", "Kitchen Pendant", "Accent Light"),
            "PHL",
            "1.104.2",
        ),
        DeviceKind(
            "thermostat",
            "ecobee",
            "ecobee3 lite",
            "TCP_IP",
            "THERMOSTAT",
            ("connectivity", "thermostat", "temperatureSensor"),
            ("Thermostat", "Main Floor Thermostat", "Upstairs Thermostat"),
            "ECB",
            "4.8.7.132",
        ),
        DeviceKind(
            "temperature_sensor",
            "Aqara",
            "Aqara Temperature and Humidity Sensor",
            "ZIGBEE",
            "TEMPERATURE_SENSOR",
            ("connectivity", "temperatureSensor"),
            ("Bedroom Sensor", "Basement Sensor", "Nursery Sensor", "Patio Sensor"),
            "AQR",
            "0.0.0_0019",
        ),
    )
}


def initial_properties(kind: DeviceKind, rng: random.Random) -> dict[str, Any]:
    """Give a new device plausible feature state."""
    props: dict[str, Any] = {}
    features = kind.features
    if "power" in features:
        props["powerState"] = rng.choice(("ON", "OFF"))
    if "brightness" in features:
        props["brightness"] = rng.randrange(10, 101, 5)
    if "color" in features:
        props["color"] = {
            "hue": float(rng.randrange(0, 360)),
            "saturation": round(rng.uniform(0.2, 1.0), 2),
            "brightness": round(rng.uniform(0.3, 1.0), 2),
        }
    if "colorTemperature" in features:
        props["colorTemperatureInKelvin"] = rng.choice((2200, 2700, 3000, 4000, 5000, 6500))
    if "speaker" in features:
        props["volume"] = rng.randrange(0, 101, 10)
        props["muted"] = False
    if "temperatureSensor" in features:
        props["temperature"] = {"value": round(rng.uniform(18.0, 25.0), 1), "scale": "CELSIUS"}
    if "thermostat" in features:
        props["targetSetpoint"] = {"value": float(rng.randrange(18, 24)), "scale": "CELSIUS"}
        props["thermostatMode"] = rng.choice(("HEAT", "COOL", "AUTO", "OFF"))
    if "bluetooth" in features:
        props["pairedDevices"] = []
    return props


def initial_settings(kind: DeviceKind) -> dict[str, Any]:
    """Return the settings a fresh (or freshly re-associated) device starts with."""
    return {DND_SETTING: False} if kind.is_echo else {}


def kind_of(endpoint: Endpoint) -> DeviceKind:
    """Return an endpoint's product description."""
    return DEVICE_KINDS[endpoint.kind]


def feature_path(endpoint_id: str, feature: str) -> str:
    """Return the documented path of a feature."""
    return f"/v2/endpoints/{endpoint_id}/features/{feature}"


def render_feature(endpoint: Endpoint, feature: str, now: float, *, expanded: bool) -> JsonObject:
    """Render a Feature object; properties only when expanded."""
    body: JsonObject = {"name": feature, "path": feature_path(endpoint.id, feature)}
    if not expanded:
        return body
    reachable = endpoint.reachable(now)
    sampled = iso8601(endpoint.sampled_at)
    if feature == "connectivity":
        body["properties"] = [
            {
                "name": "reachability",
                "type": "RETRIEVABLE",
                "value": {"value": "OK" if reachable else "UNREACHABLE"},
                "timeOfSample": iso8601(now),
            }
        ]
        return body
    properties: list[JsonObject] = []
    for name in FEATURE_PROPERTIES.get(feature, ()):
        if reachable:
            properties.append(
                {
                    "name": name,
                    "type": "RETRIEVABLE",
                    "value": endpoint.properties.get(name),
                    "timeOfSample": sampled,
                }
            )
        else:
            properties.append(
                {
                    "name": name,
                    "type": "ERROR",
                    "error": {
                        "type": "ENDPOINT_UNREACHABLE",
                        "message": "The endpoint is unreachable.",
                    },
                }
            )
    body["properties"] = properties
    return body


def render_operations(endpoint: Endpoint) -> list[JsonObject]:
    """List the update operations an endpoint offers."""
    operations: list[JsonObject] = []
    for feature in kind_of(endpoint).features:
        for operation in FEATURE_OPERATIONS.get(feature, ()):
            path = f"{feature_path(endpoint.id, feature)}/{operation}"
            operations.append({"name": operation, "path": path})
    return operations


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _payload(body: JsonObject | None) -> JsonObject:
    payload = (body or {}).get("payload")
    if not isinstance(payload, dict):
        raise bad_request("payload is missing or isn't an object.", kind="INVALID_REQUEST")
    return payload


def _int_in_range(payload: JsonObject, key: str, low: int, high: int) -> int:
    value = payload.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise bad_request(
            f"payload.{key} must be an integer from {low} to {high}.", kind="INVALID_VALUE"
        )
    return value


def apply_operation(
    endpoint: Endpoint, feature: str, operation: str, body: JsonObject | None, now: float
) -> None:
    """Validate and apply a feature write (the caller checked the feature exists)."""
    props = endpoint.properties
    if operation in {"turnOn", "turnOff"}:
        props["powerState"] = "ON" if operation == "turnOn" else "OFF"
    elif operation == "setBrightness":
        props["brightness"] = _int_in_range(_payload(body), "brightness", 0, 100)
    elif operation == "setVolume":
        props["volume"] = _int_in_range(_payload(body), "volume", 0, 100)
    elif operation == "setColorTemperature":
        props["colorTemperatureInKelvin"] = _int_in_range(
            _payload(body), "colorTemperatureInKelvin", 1000, 10000
        )
    elif operation == "setColor":
        color = _payload(body).get("color")
        limits = {"hue": 360.0, "saturation": 1.0, "brightness": 1.0}
        if not isinstance(color, dict) or set(color) != set(limits):
            raise bad_request(
                "payload.color must hold hue, saturation and brightness.", kind="INVALID_VALUE"
            )
        for key, high in limits.items():
            if not _number(color[key]) or not 0 <= color[key] <= high:
                raise bad_request(
                    f"payload.color.{key} must be a number from 0 to {high:g}.",
                    kind="INVALID_VALUE",
                )
        props["color"] = {key: float(color[key]) for key in limits}
    else:  # pragma: no cover - routes only pass operations from FEATURE_OPERATIONS
        raise ApiError(404, f"Unknown operation {feature}/{operation}.")
    endpoint.sampled_at = now
