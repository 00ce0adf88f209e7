"""Readings: the plausible ways Amazon's service may answer where its pages are silent.

The simulator answers by default the way the evidence reads the pages (docs/contract.md
names each point, its evidence and its alternatives). Each alternative below is a profile
the simulator can play instead (`--reading NAME`, repeatable), so the client and the
integration are tested against every reading, not only ours.

Most readings reshape what the routes answered, in `play_reading` (a middleware): the
routes keep one reading of the pages. Three change what the routes decide and are read
there: `expand_all_features` (endpoint rendering), `setting_object` (settings reads) and
`private_home_writes` (skills and automations of occupied homes).
"""

import base64
import json
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, fields, replace
from typing import Any

from aiohttp import web

from .http import JsonObject, json_response

UNKNOWN_FEATURE = "presenceSensor"
"""A feature name the client does not know, played by the `novel` reading."""
UNKNOWN_CATEGORY = "SMART_DISPLAY_HUB"
UNKNOWN_OCCUPANCY_STATE = "LINKED_PENDING_VERIFICATION"
"""What the `novel` reading shows in place of LINKED."""
_PADDED_PREFIX = "+/"


@dataclass(frozen=True, slots=True)
class Readings:
    """Which reading the simulator plays at each ambiguous point (False: the default)."""

    expand_all_features: bool = False
    """`expand=all` alone also gives every feature's properties."""
    setting_object: bool = False
    """Setting reads answer `{"value": v}`; several keys a list of `{key, value}` entries."""
    private_home_writes: bool = False
    """Skills and automations of occupied or linked homes can be read and changed."""
    padded_tokens: bool = False
    """Listing `nextToken`s hold `+`, `/` and `=`: a client must percent-encode them."""
    explicit_nulls: bool = False
    """Absent optional values come as null (`paginationContext: {"nextToken": null}`...)."""
    sparse: bool = False
    """Optional endpoint fields (serial, model, connections, operations...) are left out."""
    write_status: bool = False
    """Writes without a body answer 204 where the page says 200, and 200 `{}` for 204."""
    error_code_only: bool = False
    """Error bodies carry a `code` only: no `message`, no `type`."""
    display_category_string: bool = False
    """`displayCategories` is a bare string, as the listing's table types it."""
    association_bare: bool = False
    """Re-association answers the endpoint itself, not `{"endpoint": {...}}`."""
    values_wrapped: bool = False
    """Every property value is wrapped once more: `{"value": v}`."""
    values_bare: bool = False
    """Connectivity's value is not wrapped: `"value": "OK"`."""
    novel: bool = False
    """Values the client has never seen: a new feature, display category, occupancy state."""

    @property
    def reshapes(self) -> bool:
        """Tell whether `play_reading` has anything to do."""
        own = {"expand_all_features", "setting_object", "private_home_writes"}
        return any(getattr(self, f.name) for f in fields(self) if f.name not in own)


READING_NAMES: dict[str, str] = {f.name.replace("_", "-"): f.name for f in fields(Readings)}
"""Each alternative's name on the command line (`--reading expand-all-features`)."""


def readings_named(names: Iterable[str]) -> Readings:
    """Return the readings that play the named alternatives (none: the default)."""
    chosen: dict[str, bool] = {}
    for name in names:
        if name not in READING_NAMES:
            raise ValueError(f"Unknown reading {name!r}; known: {', '.join(READING_NAMES)}")
        chosen[READING_NAMES[name]] = True
    return replace(Readings(), **chosen)


# --- nextToken ---------------------------------------------------------------------------


def pad_token(token: str) -> str:
    """Show a token in standard base64 with "+", "/" and "=" in it (a query must escape them)."""
    raw = token.encode()
    while len(raw) % 3 == 0:  # so that "=" padding shows
        raw += b"\0"
    return _PADDED_PREFIX + base64.b64encode(raw).decode()


def unpad_token(token: str) -> str:
    """Return the token behind a padded one (anything else unchanged, to be refused)."""
    if not token.startswith(_PADDED_PREFIX):
        return token
    try:
        raw = base64.b64decode(token.removeprefix(_PADDED_PREFIX), validate=True)
    except ValueError:
        return token
    return raw.rstrip(b"\0").decode(errors="replace")


# --- reshaping answers -------------------------------------------------------------------

_SPARSE_FIELDS = (
    "serialNumber",
    "model",
    "manufacturer",
    "softwareVersion",
    "connections",
    "creationTime",
    "operations",
    "displayCategories",
)


def _endpoint(readings: Readings, endpoint: Any) -> None:
    if not isinstance(endpoint, dict):
        return
    if readings.sparse:
        for key in _SPARSE_FIELDS:
            endpoint.pop(key, None)
        for feature in endpoint.get("features", []):
            feature.pop("path", None)
    categories = endpoint.get("displayCategories")
    if isinstance(categories, dict):
        if readings.novel:
            categories["primary"]["value"] = UNKNOWN_CATEGORY
        if readings.display_category_string:
            endpoint["displayCategories"] = categories["primary"]["value"]
    features = endpoint.get("features")
    if not isinstance(features, list):
        return
    for feature in features:
        for prop in feature.get("properties", []):
            if "value" not in prop:
                continue
            if readings.values_wrapped:
                prop["value"] = {"value": prop["value"]}
            value = prop["value"]
            if readings.values_bare and prop["name"] == "reachability" and isinstance(value, dict):
                prop["value"] = value.get("value")
    if readings.novel:
        new: JsonObject = {"name": UNKNOWN_FEATURE}
        if any("properties" in f for f in features):
            new["properties"] = [
                {"name": "detectionState", "type": "RETRIEVABLE", "value": "NOT_DETECTED"}
            ]
        features.append(new)


def _reshape_body(readings: Readings, request: web.Request, body: Any) -> Any:
    """Return the JSON body of a successful answer as the readings show it."""
    if not isinstance(body, dict):
        return body
    path = request.path
    if readings.association_bare and path.endswith("/associatedUnits"):
        body = body.get("endpoint", body)
    if path.startswith(("/v2/endpoints", "/v2/endpointQuery")):
        if isinstance(body.get("results"), list):
            for endpoint in body["results"]:
                _endpoint(readings, endpoint)
        elif "id" in body:
            _endpoint(readings, body)
    if readings.novel and body.get("state") == "LINKED":
        body["state"] = UNKNOWN_OCCUPANCY_STATE
    if readings.explicit_nulls and "occupancyId" in body:
        body.setdefault("requestedState", None)
    context = body.get("paginationContext")
    padded = readings.padded_tokens and request.method == "GET"  # not endpointQuery's body
    if padded and isinstance(context, dict) and context.get("nextToken"):
        context["nextToken"] = pad_token(context["nextToken"])
    if readings.explicit_nulls and isinstance(body.get("results"), list):
        body.setdefault("paginationContext", {"nextToken": None})
    return body


def _reshape_error(body: Any) -> Any:
    if not isinstance(body, dict) or "errors" in body or "error" in body:
        return body  # batch item errors and OAuth2 errors are documented exactly
    code = body.get("code") or body.get("type") or "ERROR"
    return {"code": code}


type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


async def reshape(readings: Readings, request: web.Request, handler: Handler) -> web.StreamResponse:
    """Answer a request as the readings show it (the routes answer the default reading)."""
    if readings.padded_tokens and "nextToken" in request.query:
        query = [
            (key, unpad_token(value) if key == "nextToken" else value)
            for key, value in request.query.items()
        ]
        request = request.clone(rel_url=request.rel_url.with_query(query))
    response = await handler(request)
    if not isinstance(response, web.Response) or request.path.startswith(("/_admin", "/auth/")):
        return response
    if response.status >= 400:
        if readings.error_code_only and response.body:
            return _replace_body(response, _reshape_error(_decode(response)))
        return response
    if readings.write_status and request.method != "GET" and response.status in (200, 204):
        if response.status == 204:
            return json_response({}, status=200)
        if not response.body:
            return web.Response(status=204)
    if response.body and response.content_type == "application/json":
        return _replace_body(response, _reshape_body(readings, request, _decode(response)))
    return response


def _decode(response: web.Response) -> Any:
    body = response.body
    return json.loads(body) if isinstance(body, bytes) and body else None


def _replace_body(response: web.Response, body: Any) -> web.Response:
    new = json_response(body, status=response.status)
    for name, value in response.headers.items():
        if name.lower() not in {"content-type", "content-length"}:
            new.headers[name] = value
    return new
