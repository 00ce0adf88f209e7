"""Endpoint rendering, lookup and the privacy rule, shared by the endpoint-related routes."""

from collections.abc import Iterable
from dataclasses import dataclass

from .clock import iso8601
from .core import Simulator
from .devices import EXPANDABLE_FEATURES, kind_of, render_feature, render_operations
from .errors import ApiError, bad_request, forbidden, not_found
from .http import JsonObject
from .state import Endpoint
from .validation import DEFAULT_UNIT_ALIAS, is_endpoint_id

VALID_EXPAND = frozenset({"all", *(f"feature:{f}" for f in EXPANDABLE_FEATURES)})


@dataclass(frozen=True, slots=True)
class Expand:
    """What a caller asked to see expanded."""

    all: bool = False
    features: frozenset[str] = frozenset()

    @property
    def any(self) -> bool:
        """Tell whether anything beyond the ID and name was asked for."""
        return self.all or bool(self.features)


def parse_expand(values: Iterable[object]) -> Expand:
    """Validate expand values (all, feature:<name>)."""
    wanted_all = False
    features: set[str] = set()
    for value in values:
        if not isinstance(value, str) or value not in VALID_EXPAND:
            raise bad_request(f"expand value {value!r} isn't supported.", kind="INVALID_PARAMETER")
        if value == "all":
            wanted_all = True
        else:
            features.add(value.removeprefix("feature:"))
    return Expand(wanted_all, frozenset(features))


def _name(text: str) -> JsonObject:
    return {"type": "PLAIN", "value": {"text": text}}


def endpoint_json(sim: Simulator, endpoint: Endpoint, expand: Expand) -> JsonObject:
    """Render an endpoint: ID and name, plus whatever expand asks for."""
    body: JsonObject = {"id": endpoint.id, "friendlyName": _name(endpoint.friendly_name)}
    if not expand.any:
        return body
    kind = kind_of(endpoint)
    now = sim.clock.now()
    if expand.all:
        body |= {
            "manufacturer": _name(endpoint.manufacturer),
            "model": _name(endpoint.model),
            "serialNumber": _name(endpoint.serial_number),
            "softwareVersion": _name(endpoint.software_version),
            "connections": [{"type": endpoint.connection_type, "macAddress": endpoint.mac_address}],
            "creationTime": iso8601(endpoint.created_at),
            "associatedUnits": [{"id": sim.state.endpoint_unit(endpoint)}],
            "displayCategories": {
                "primary": {"value": kind.category, "sources": ["ENDPOINT_REPORTER"]},
                "all": [{"value": kind.category, "sources": ["ENDPOINT_REPORTER"]}],
            },
            "operations": render_operations(endpoint),
        }
    # A feature's properties come when it is named; `all` alone gives its name and path
    # (Amazon's reading, docs/contract.md "expand"), unless the other reading is played.
    all_features = expand.all and sim.readings.expand_all_features
    body["features"] = [
        render_feature(
            endpoint,
            feature,
            now,
            expanded=(all_features and feature in EXPANDABLE_FEATURES)
            or feature in expand.features,
        )
        for feature in kind.features
    ]
    return body


def find_endpoint(sim: Simulator, endpoint_id: str) -> Endpoint:
    """Look an endpoint up for direct access: 400 malformed, 404 unknown, 403 private."""
    if not is_endpoint_id(endpoint_id):
        raise bad_request("The endpoint ID is malformed.", kind="INVALID_ENDPOINT_ID")
    endpoint = sim.state.endpoints.get(endpoint_id)
    if endpoint is None:
        raise not_found("The endpoint wasn't found.")
    if not sim.state.endpoint_visible(endpoint):
        raise forbidden("The endpoint belongs to an occupied or linked home.")
    return endpoint


def require_reachable(sim: Simulator, endpoint: Endpoint) -> None:
    """Refuse changes that need the device online."""
    if not endpoint.reachable(sim.clock.now()):
        raise ApiError(400, "The endpoint is unreachable.", kind="ENDPOINT_UNREACHABLE")


def resolve_unit_filter(sim: Simulator, unit_id: str) -> str | None:
    """Map a unit filter to the unit it names (None is the default unit)."""
    if unit_id in {DEFAULT_UNIT_ALIAS, sim.state.organization_id}:
        return None
    return unit_id
