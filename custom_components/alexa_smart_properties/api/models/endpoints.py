"""Models of the Endpoints API."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from .common import (
    JsonObject,
    as_object,
    name_text,
    opt_enum,
    opt_list,
    opt_object,
    opt_str,
    req_str,
)
from .features import Feature, FeatureName


class ConnectionType(StrEnum):
    """How an endpoint connects."""

    TCP_IP = "TCP_IP"
    ZIGBEE = "ZIGBEE"
    UNKNOWN = "UNKNOWN"


class DisplayCategorySource(StrEnum):
    """Who set a display category."""

    CUSTOMER = "CUSTOMER"
    ENDPOINT_REPORTER = "ENDPOINT_REPORTER"


class ExpandValue(StrEnum):
    """Values of the `expand` parameter of endpoint reads."""

    ALL = "all"
    BRIGHTNESS = "feature:brightness"
    COLOR = "feature:color"
    COLOR_TEMPERATURE = "feature:colorTemperature"
    CONNECTIVITY = "feature:connectivity"
    POWER = "feature:power"
    SPEAKER = "feature:speaker"
    TEMPERATURE_SENSOR = "feature:temperatureSensor"
    THERMOSTAT = "feature:thermostat"


EXPAND_WITH_STATE: tuple[ExpandValue, ...] = (
    ExpandValue.ALL,
    *(value for value in ExpandValue if value is not ExpandValue.ALL),
)
"""`expand` for a read that shows devices: the attributes (`all`) and every feature's
properties by name. Amazon's clients name a feature to get its properties: `all` alone may
give each feature's name and path only (docs/contract.md, "expand")."""


class QueryField(StrEnum):
    """Fields an endpoint query can match on."""

    UNIT_ID = "associatedUnits.id"
    MANUFACTURER = "manufacturer.value.text"
    MODEL = "model.value.text"


@dataclass(frozen=True, slots=True, kw_only=True)
class Connection:
    """How an endpoint connects to the internet or a hub."""

    type: ConnectionType | str | None = None
    mac_address: str | None = None

    @classmethod
    def from_api(cls, data: object) -> Connection:
        """Parse a Connection object."""
        obj = as_object(data, "Connection")
        return cls(
            type=opt_enum(ConnectionType, obj.get("type")), mac_address=opt_str(obj, "macAddress")
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class DisplayCategory:
    """A display category and who set it."""

    value: str
    sources: tuple[DisplayCategorySource | str, ...] = ()

    @classmethod
    def from_api(cls, data: object) -> DisplayCategory | None:
        """Parse a category object (None when it has no value)."""
        if isinstance(data, str):
            return cls(value=data)
        obj = as_object(data, "DisplayCategory")
        value = opt_str(obj, "value")
        if value is None:
            return None
        sources = tuple(
            source
            for item in opt_list(obj, "sources")
            if (source := opt_enum(DisplayCategorySource, item)) is not None
        )
        return cls(value=value, sources=sources)


@dataclass(frozen=True, slots=True, kw_only=True)
class DisplayCategories:
    """The headings under which the Alexa app shows an endpoint."""

    primary: DisplayCategory | None = None
    all: tuple[DisplayCategory, ...] = ()

    @classmethod
    def from_api(cls, data: object) -> DisplayCategories | None:
        """Parse displayCategories: an object per the definitions, or a bare string."""
        if isinstance(data, str):
            category = DisplayCategory(value=data)
            return cls(primary=category, all=(category,))
        if not isinstance(data, dict):
            return None
        primary = data.get("primary")
        return cls(
            primary=DisplayCategory.from_api(primary) if primary is not None else None,
            all=tuple(
                parsed
                for item in opt_list(data, "all")
                if (parsed := DisplayCategory.from_api(item)) is not None
            ),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class EndpointOperation:
    """An update operation available on an endpoint."""

    name: str
    path: str | None = None

    @classmethod
    def from_api(cls, data: object) -> EndpointOperation:
        """Parse an Operation object."""
        obj = as_object(data, "EndpointOperation")
        return cls(name=req_str(obj, "name", "EndpointOperation"), path=opt_str(obj, "path"))


@dataclass(frozen=True, slots=True, kw_only=True)
class Endpoint:
    """An Alexa-connected device or component.

    Everything but `id` is optional: what is present depends on `expand` and permissions.
    """

    id: str
    friendly_name: str | None = None
    manufacturer: str | None = None
    model: str | None = None
    serial_number: str | None = None
    software_version: str | None = None
    connections: tuple[Connection, ...] = ()
    creation_time: str | None = None
    features: tuple[Feature, ...] = ()
    associated_unit_ids: tuple[str, ...] = ()
    operations: tuple[EndpointOperation, ...] = ()
    display_categories: DisplayCategories | None = None
    raw: JsonObject = field(default_factory=dict, repr=False, compare=False, hash=False)

    @classmethod
    def from_api(cls, data: object, previous: Endpoint | None = None) -> Endpoint:
        """Parse an endpoint object.

        `previous` is the same endpoint as parsed before: when `data` differs from the
        body it came from in sample times only, `previous` itself is returned (its `raw`
        keeps the older sample times). Parsing is most of what a refresh costs, and most
        endpoints are unchanged from one refresh to the next.
        """
        obj = as_object(data, "Endpoint")
        if previous is not None and _same_but_sample_times(obj, previous.raw):
            return previous
        return cls(
            id=req_str(obj, "id", "Endpoint"),
            friendly_name=name_text(obj.get("friendlyName")),
            manufacturer=name_text(obj.get("manufacturer")),
            model=name_text(obj.get("model")),
            serial_number=name_text(obj.get("serialNumber")),
            software_version=name_text(obj.get("softwareVersion")),
            connections=tuple(Connection.from_api(c) for c in opt_list(obj, "connections")),
            creation_time=opt_str(obj, "creationTime"),
            features=tuple(Feature.from_api(f) for f in opt_list(obj, "features")),
            associated_unit_ids=tuple(
                unit_id
                for unit in opt_list(obj, "associatedUnits")
                if isinstance(unit, dict) and (unit_id := opt_str(unit, "id")) is not None
            ),
            operations=tuple(EndpointOperation.from_api(o) for o in opt_list(obj, "operations")),
            display_categories=DisplayCategories.from_api(obj.get("displayCategories")),
            raw=obj,
        )

    @property
    def unit_id(self) -> str | None:
        """Return the unit the endpoint belongs to (one at a time), if known."""
        return self.associated_unit_ids[0] if self.associated_unit_ids else None

    @property
    def mac_addresses(self) -> tuple[str, ...]:
        """Return the MAC addresses of the endpoint's connections."""
        return tuple(c.mac_address for c in self.connections if c.mac_address)

    def feature(self, name: FeatureName | str) -> Feature | None:
        """Return the feature called `name`, if the endpoint has it."""
        return next((f for f in self.features if f.name == name), None)

    def has_feature(self, name: FeatureName | str) -> bool:
        """Return True when the endpoint lists the feature."""
        return self.feature(name) is not None

    @property
    def reachable(self) -> bool | None:
        """Return connectivity when it was expanded, else None."""
        feature = self.feature(FeatureName.CONNECTIVITY)
        return feature.reachable if feature is not None else None


_MISSING = object()


def _same_but_sample_times(new: JsonObject, old: JsonObject) -> bool:
    """Tell whether two endpoint bodies are equal but for properties' `timeOfSample`.

    Plain loops over dicts and lists, comparisons in C wherever values are equal: this
    runs for every endpoint on every refresh and must cost a fraction of parsing.
    """
    if len(new) != len(old):
        return False
    for key, value in new.items():
        before = old.get(key, _MISSING)
        if value != before and (key != "features" or not _same_features(value, before)):
            return False
    return True


def _same_features(new: object, old: object) -> bool:
    if type(new) is not list or type(old) is not list or len(new) != len(old):
        return False
    for feature, before in zip(new, old, strict=True):
        if feature == before:
            continue
        if type(feature) is not dict or type(before) is not dict or len(feature) != len(before):
            return False
        for key, value in feature.items():
            was = before.get(key, _MISSING)
            if value != was and (key != "properties" or not _same_properties(value, was)):
                return False
    return True


def _same_properties(new: object, old: object) -> bool:
    if type(new) is not list or type(old) is not list or len(new) != len(old):
        return False
    for prop, before in zip(new, old, strict=True):
        if prop == before:
            continue
        if type(prop) is not dict or type(before) is not dict or len(prop) != len(before):
            return False
        for key, value in prop.items():
            if key != "timeOfSample" and value != before.get(key, _MISSING):
                return False
    return True


@dataclass(frozen=True, slots=True, kw_only=True)
class EndpointAssociation:
    """Result of updating the associated units: the endpoint ID may have changed."""

    endpoint_id: str
    associated_unit_ids: tuple[str, ...]
    raw: JsonObject = field(default_factory=dict, repr=False, compare=False, hash=False)

    @classmethod
    def from_api(cls, data: object) -> EndpointAssociation:
        """Parse `{"endpoint": {"id": ..., "associatedUnits": [{"id": ...}]}}` or its inside."""
        obj = as_object(data, "EndpointAssociation")
        # The page shows the endpoint under "endpoint"; the endpoint itself is read too
        # (docs/contract.md, "associatedUnits").
        endpoint = opt_object(obj, "endpoint")
        if endpoint is None and "id" in obj:
            endpoint = obj
        endpoint = as_object(endpoint, "EndpointAssociation.endpoint")
        return cls(
            endpoint_id=req_str(endpoint, "id", "EndpointAssociation.endpoint"),
            associated_unit_ids=tuple(
                unit_id
                for unit in opt_list(endpoint, "associatedUnits")
                if isinstance(unit, dict) and (unit_id := opt_str(unit, "id")) is not None
            ),
            raw=obj,
        )
