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
from .validation import read_json_object

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


async def get_setting(request: web.Request) -> web.Response:
    """GET /v2/endpoints/{endpointId}/settings/{key}."""
    sim = get_sim(request)
    endpoint = find_endpoint(sim, request.match_info["endpointId"])
    key = request.match_info["key"]
    if key not in endpoint.settings:
        raise not_found(f"The endpoint has no setting {key!r}.")
    return json_response({"value": endpoint.settings[key]})


async def put_setting(request: web.Request) -> web.Response:
    """PUT /v2/endpoints/{endpointId}/settings/{key} with {"value": true|false}."""
    sim = get_sim(request)
    endpoint = find_endpoint(sim, request.match_info["endpointId"])
    key = request.match_info["key"]
    if key not in endpoint.settings:
        raise not_found(f"The endpoint has no setting {key!r}.")
    body = await read_json_object(request)
    value = body.get("value")
    if not isinstance(value, bool):
        raise bad_request("value must be a boolean.", kind="INVALID_VALUE")
    require_reachable(sim, endpoint)
    endpoint.settings[key] = value
    return empty_response(204)


def add_routes(app: web.Application) -> None:
    """Register feature and setting routes."""
    router = app.router
    router.add_get(BASE + "/features/{feature}", get_feature)
    router.add_post(BASE + "/features/{feature}/{operation}", run_operation)
    router.add_get(BASE + "/settings/{key}", get_setting)
    router.add_put(BASE + "/settings/{key}", put_setting)
