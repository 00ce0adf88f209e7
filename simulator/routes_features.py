"""Endpoint features and settings.

Features: reads, and writes for power, brightness, color, color temperature and volume.
Settings: the do-not-disturb switch.
"""

from aiohttp import web

from .core import get_sim
from .devices import FEATURE_OPERATIONS, KNOWN_FEATURES, apply_operation, kind_of, render_feature
from .endpoints import find_endpoint, require_reachable
from .errors import bad_request, not_found
from .http import JsonObject, empty_response, json_response
from .state import Endpoint
from .validation import read_json, read_json_object, require_query

BASE = "/v2/endpoints/{endpointId}"


async def get_feature(request: web.Request) -> web.Response:
    """GET /v2/endpoints/{endpointId}/features/{feature}."""
    sim = get_sim(request)
    endpoint = find_endpoint(sim, request.match_info["endpointId"])
    feature = request.match_info["feature"]
    if feature not in KNOWN_FEATURES or feature not in kind_of(endpoint).features:
        raise not_found(f"The endpoint has no feature {feature!r}.")
    return json_response(render_feature(endpoint, feature, sim.clock.now(), expanded=True))


async def run_operation(request: web.Request) -> web.Response:
    """POST /v2/endpoints/{endpointId}/features/{feature}/{operation}."""
    sim = get_sim(request)
    endpoint = find_endpoint(sim, request.match_info["endpointId"])
    feature = request.match_info["feature"]
    operation = request.match_info["operation"]
    if operation not in FEATURE_OPERATIONS.get(feature, ()):
        raise not_found(f"There is no operation {feature}/{operation}.")
    if feature not in kind_of(endpoint).features:
        raise not_found(f"The endpoint has no feature {feature!r}.")
    body: JsonObject | None = None
    if operation not in {"turnOn", "turnOff"}:
        body = await read_json_object(request)
    require_reachable(sim, endpoint)
    apply_operation(endpoint, feature, operation, body, sim.clock.now())
    return empty_response(200)


def _setting_key(endpoint: Endpoint, key: str) -> str:
    if key not in endpoint.settings:
        raise not_found(f"The endpoint has no setting {key!r}.")
    return key


async def get_setting(request: web.Request) -> web.Response:
    """GET /v2/endpoints/{endpointId}/settings/{key}: the bare value (or {"value": v})."""
    sim = get_sim(request)
    endpoint = find_endpoint(sim, request.match_info["endpointId"])
    value = endpoint.settings[_setting_key(endpoint, request.match_info["key"])]
    return json_response({"value": value} if sim.readings.setting_object else value)


async def get_settings(request: web.Request) -> web.Response:
    """GET /v2/endpoints/{endpointId}/settings?keys=KeyA,KeyB: the listed settings.

    By default an object keyed by setting; the setting-object reading answers
    `{"settings": [{"key", "value"}]}`. An unknown key is a 404, as for one setting.
    """
    sim = get_sim(request)
    endpoint = find_endpoint(sim, request.match_info["endpointId"])
    keys = [key for key in require_query(request, "keys").split(",") if key]
    if not keys:
        raise bad_request("keys must name at least one setting.", kind="INVALID_PARAMETER")
    values = {key: endpoint.settings[_setting_key(endpoint, key)] for key in keys}
    if sim.readings.setting_object:
        return json_response({"settings": [{"key": k, "value": v} for k, v in values.items()]})
    return json_response(values)


async def put_setting(request: web.Request) -> web.Response:
    """PUT /v2/endpoints/{endpointId}/settings/{key}: the body is the bare value (`true`).

    As Amazon's Postman collection and ASP CLI send it; an object is malformed (400).
    """
    sim = get_sim(request)
    endpoint = find_endpoint(sim, request.match_info["endpointId"])
    key = _setting_key(endpoint, request.match_info["key"])
    value = await read_json(request)
    if not isinstance(value, type(endpoint.settings[key])):
        raise bad_request(
            f"The value of {key} must be a JSON {type(endpoint.settings[key]).__name__}.",
            kind="INVALID_VALUE",
        )
    require_reachable(sim, endpoint)
    endpoint.settings[key] = value
    return empty_response(204)


def add_routes(app: web.Application) -> None:
    """Register feature and setting routes."""
    router = app.router
    router.add_get(BASE + "/features/{feature}", get_feature)
    router.add_post(BASE + "/features/{feature}/{operation}", run_operation)
    router.add_get(BASE + "/settings", get_settings)
    router.add_get(BASE + "/settings/{key}", get_setting)
    router.add_put(BASE + "/settings/{key}", put_setting)
