"""Endpoints API: listings, lookup, query, re-association, names, removal, timers."""

import hashlib
import json
from collections.abc import Callable

from aiohttp import web

from . import pagination
from .core import Simulator, get_sim
from .devices import initial_settings, kind_of
from .endpoints import (
    endpoint_json,
    find_endpoint,
    parse_expand,
    require_reachable,
    resolve_unit_filter,
)
from .errors import bad_request, forbidden, not_found
from .http import JsonObject, empty_response, json_response
from .state import Endpoint
from .validation import (
    DEFAULT_UNIT_ALIAS,
    is_endpoint_id,
    is_unit_id,
    optional_query,
    read_json,
    read_json_object,
)

PRIMARY_FILTERS = ("owner", "associatedUnits.id", "serialNumber.value.text")
MAC_FILTER = "connections.macAddress"
REACHABILITY_FILTER = "features[name:connectivity].properties[name:reachability].value.value"
QUERY_FIELDS = ("associatedUnits.id", "manufacturer.value.text", "model.value.text")

type Predicate = Callable[[Endpoint], bool]


def _unit_predicate(sim: Simulator, unit_id: str) -> Predicate:
    if unit_id != DEFAULT_UNIT_ALIAS and not is_unit_id(unit_id):
        raise bad_request("associatedUnits.id isn't a unit ID.", kind="INVALID_UNIT_ID")
    target = resolve_unit_filter(sim, unit_id)
    if target is not None and not sim.state.is_known_unit(target):
        raise not_found("The unit wasn't found.")
    return lambda e: e.unit_id == target


async def list_endpoints(request: web.Request) -> web.Response:
    """GET /v2/endpoints by owner, by unit or by serial number."""
    sim = get_sim(request)
    given = [name for name in PRIMARY_FILTERS if name in request.query]
    if len(given) != 1:
        raise bad_request(
            "Give exactly one of owner, associatedUnits.id or serialNumber.value.text.",
            kind="INVALID_REQUEST",
        )
    primary = given[0]
    value = optional_query(request, primary) or ""
    predicates: list[Predicate] = []
    if primary == "owner":
        if value != "~caller":
            raise bad_request("owner must be ~caller.", kind="INVALID_OWNER")
    elif primary == "associatedUnits.id":
        predicates.append(_unit_predicate(sim, value))
    else:
        if not value:
            raise bad_request("serialNumber.value.text is empty.", kind="INVALID_REQUEST")
        predicates.append(lambda e: e.serial_number == value)
    mac = optional_query(request, MAC_FILTER)
    if mac is not None:
        predicates.append(lambda e: e.mac_address.lower() == mac.lower())
    reachability = optional_query(request, REACHABILITY_FILTER)
    if reachability is not None:
        now = sim.clock.now()
        predicates.append(lambda e: ("OK" if e.reachable(now) else "UNREACHABLE") == reachability)
    expand = parse_expand(request.query.getall("expand", []))
    max_results = pagination.parse_max_results(
        optional_query(request, "maxResults"), pagination.ENDPOINTS
    )
    state = sim.state
    private = state.private_units()
    scope = "endpoints:" + "&".join(
        f"{k}={request.query[k]}"
        for k in sorted({*PRIMARY_FILTERS, MAC_FILTER, REACHABILITY_FILTER})
        if k in request.query
    )
    page, token = sim.paginator.page(
        list(state.endpoints.values()),  # appended in sequence order
        lambda e: e.seq,
        scope=scope,
        token=optional_query(request, "nextToken"),
        max_results=max_results,
        ordered=True,
        where=lambda e: (
            e.unit_id not in private
            and e.id not in state.unlisted
            and all(p(e) for p in predicates)
        ),
    )
    body: JsonObject = {"results": [endpoint_json(sim, e, expand) for e in page]}
    if token:
        body["paginationContext"] = {"nextToken": token}
    return json_response(body)


async def get_endpoint(request: web.Request) -> web.Response:
    """GET /v2/endpoints/{endpointId}."""
    sim = get_sim(request)
    endpoint = find_endpoint(sim, request.match_info["endpointId"])
    expand = parse_expand(request.query.getall("expand", []))
    return json_response(endpoint_json(sim, endpoint, expand))


def _query_predicate(sim: Simulator, node: object, depth: int = 0) -> Predicate:
    """Compile one query node: {"match": {...}}, {"and": [...]} or {"or": [...]}."""
    if depth > 10 or not isinstance(node, dict) or not node:
        raise bad_request("A query node must be a non-empty object.", kind="INVALID_QUERY")
    parts: list[Predicate] = []
    for key, value in node.items():
        if key == "match":
            parts.append(_match_predicate(sim, value))
        elif key in {"and", "or"}:
            if not isinstance(value, list) or not value:
                raise bad_request(f"query {key} must be a non-empty list.", kind="INVALID_QUERY")
            children = [_query_predicate(sim, child, depth + 1) for child in value]
            parts.append(_combine(children, every=key == "and"))
        else:
            raise bad_request(f"Unknown query key {key!r}.", kind="INVALID_QUERY")
    return lambda e: all(p(e) for p in parts)


def _combine(children: list[Predicate], *, every: bool) -> Predicate:
    if every:
        return lambda e: all(p(e) for p in children)
    return lambda e: any(p(e) for p in children)


def _match_predicate(sim: Simulator, match: object) -> Predicate:
    if not isinstance(match, dict) or len(match) != 1:
        raise bad_request("match must hold exactly one field.", kind="INVALID_QUERY")
    ((field, value),) = match.items()
    if field not in QUERY_FIELDS:
        raise bad_request(f"match field {field!r} isn't supported.", kind="INVALID_QUERY")
    if not isinstance(value, str) or not value:
        raise bad_request(f"match value for {field} must be a string.", kind="INVALID_QUERY")
    if field == "associatedUnits.id":
        return _unit_predicate(sim, value)
    if field == "manufacturer.value.text":
        return lambda e: e.manufacturer == value
    return lambda e: e.model == value


async def query_endpoints(request: web.Request) -> web.Response:
    """POST /v2/endpointQuery (advanced search)."""
    sim = get_sim(request)
    body = await read_json_object(request)
    query = body.get("query")
    if not isinstance(query, dict) or not ({"and", "or"} & set(query)):
        raise bad_request("query must hold at least one and/or filter.", kind="INVALID_QUERY")
    predicate = _query_predicate(sim, query)
    raw_expand = body.get("expand", [])
    if not isinstance(raw_expand, list):
        raise bad_request("expand must be a list.", kind="INVALID_PARAMETER")
    expand = parse_expand(raw_expand)
    context = body.get("paginationContext", {})
    if not isinstance(context, dict):
        raise bad_request("paginationContext must be an object.", kind="INVALID_PARAMETER")
    max_results = pagination.parse_max_results(context.get("maxResults"), pagination.ENDPOINT_QUERY)
    token = context.get("nextToken")
    if token is not None and not isinstance(token, str):
        raise bad_request("nextToken must be a string.", kind="INVALID_NEXT_TOKEN")
    state = sim.state
    private = state.private_units()
    fingerprint = hashlib.sha256(json.dumps(query, sort_keys=True).encode()).hexdigest()[:16]
    page, next_token = sim.paginator.page(
        list(state.endpoints.values()),  # appended in sequence order
        lambda e: e.seq,
        scope=f"endpointQuery:{fingerprint}",
        token=token,
        max_results=max_results,
        ordered=True,
        where=lambda e: e.unit_id not in private and predicate(e),
    )
    result: JsonObject = {"results": [endpoint_json(sim, e, expand) for e in page]}
    if next_token:
        result["paginationContext"] = {"nextToken": next_token}
    return json_response(result)


async def update_associated_units(request: web.Request) -> web.Response:
    """PUT /v2/endpoints/{endpointId}/associatedUnits: the endpoint gets a new ID."""
    sim = get_sim(request)
    state = sim.state
    endpoint = find_endpoint(sim, request.match_info["endpointId"])
    body = await read_json(request)
    if not isinstance(body, list) or len(body) != 1:
        raise bad_request(
            "The body must be a list holding exactly one unit: an endpoint has one unit.",
            kind="INVALID_REQUEST",
        )
    item = body[0]
    unit_id = item.get("id") if isinstance(item, dict) else None
    if not isinstance(unit_id, str) or not (unit_id == DEFAULT_UNIT_ALIAS or is_unit_id(unit_id)):
        raise bad_request("id must be a unit ID or ~caller.defaultUnitId.", kind="INVALID_UNIT_ID")
    target = resolve_unit_filter(sim, unit_id)
    if target is not None:
        if target not in state.homes:
            if target in state.communities:
                raise bad_request(
                    "Endpoints belong in homes, not communities.", kind="INVALID_UNIT"
                )
            raise not_found("The unit wasn't found.")
        if state.unit_is_private(target):
            raise forbidden("The target home is occupied or linked.")
    require_reachable(sim, endpoint)
    now = sim.clock.now()
    del state.endpoints[endpoint.id]
    endpoint.id = state.new_endpoint_id()
    endpoint.seq = state.next_seq()
    endpoint.unit_id = target
    endpoint.settings = initial_settings(kind_of(endpoint))
    endpoint.timers = 0
    endpoint.rebooting_until = now + state.timing.reboot_delay
    state.endpoints[endpoint.id] = endpoint
    return json_response({"endpoint": {"id": endpoint.id, "associatedUnits": [{"id": unit_id}]}})


def _valid_friendly_name(text: object) -> bool:
    if not isinstance(text, str) or not 1 <= len(text) <= 128:
        return False
    if not any(ch.isalnum() for ch in text):
        return False
    return all(ch.isalnum() or ch in " '\u2019" for ch in text)


async def update_friendly_name(request: web.Request) -> web.Response:
    """POST /v2/endpoints/{endpointId}/friendlyName."""
    sim = get_sim(request)
    endpoint = find_endpoint(sim, request.match_info["endpointId"])
    body = await read_json_object(request)
    if body.get("type") != "PLAIN":
        raise bad_request("type must be PLAIN.", kind="INVALID_REQUEST")
    value = body.get("value")
    text = value.get("text") if isinstance(value, dict) else None
    if not isinstance(text, str):
        raise bad_request("value.text is required.", kind="INVALID_REQUEST")
    if not 1 <= len(text) <= 128:
        raise bad_request(
            "The property is outside the allowed range.", kind="INVALID_STRING_LENGTH"
        )
    if not _valid_friendly_name(text):
        raise bad_request(
            "Names use letters, numbers, spaces and apostrophes, with a letter or number.",
            kind="INVALID_CHARACTERS",
        )
    endpoint.friendly_name = text
    return empty_response(200)


async def deregister(request: web.Request) -> web.Response:
    """POST /v2/endpoints/{endpointId}/deregister: off the business account."""
    sim = get_sim(request)
    endpoint = find_endpoint(sim, request.match_info["endpointId"])
    del sim.state.endpoints[endpoint.id]
    return empty_response(200)


async def forget(request: web.Request) -> web.Response:
    """POST /v2/endpoints/{endpointId}/forget: Alexa forgets the device."""
    sim = get_sim(request)
    endpoint = find_endpoint(sim, request.match_info["endpointId"])
    del sim.state.endpoints[endpoint.id]
    return empty_response(200)


async def delete_timers(request: web.Request) -> web.Response:
    """DELETE /v1/alerts/timers?endpoint={endpointId}."""
    sim = get_sim(request)
    endpoint_id = optional_query(request, "endpoint")
    if not endpoint_id or not is_endpoint_id(endpoint_id):
        raise bad_request("endpoint is missing or malformed.", kind="INVALID_ENDPOINT_ID")
    endpoint = find_endpoint(sim, endpoint_id)
    if not kind_of(endpoint).is_echo:
        raise bad_request("The endpoint doesn't support timers.", kind="UNSUPPORTED_ENDPOINT")
    endpoint.timers = 0
    return empty_response(204)


def add_routes(app: web.Application) -> None:
    """Register the Endpoints API."""
    router = app.router
    router.add_get("/v2/endpoints", list_endpoints)
    router.add_post("/v2/endpointQuery", query_endpoints)
    router.add_get("/v2/endpoints/{endpointId}", get_endpoint)
    router.add_put("/v2/endpoints/{endpointId}/associatedUnits", update_associated_units)
    router.add_post("/v2/endpoints/{endpointId}/friendlyName", update_friendly_name)
    router.add_post("/v2/endpoints/{endpointId}/deregister", deregister)
    router.add_post("/v2/endpoints/{endpointId}/forget", forget)
    router.add_delete("/v1/alerts/timers", delete_timers)
