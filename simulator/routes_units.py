"""Units API: the organization, its communities and homes as units.

Not on the five pages; shaped from asp-facts: names come as NameValue objects.
"""

from aiohttp import web

from . import pagination
from .core import Simulator, get_sim
from .errors import bad_request, not_found
from .http import JsonObject, json_response
from .validation import is_unit_id, optional_query, require_query


def _unit_json(sim: Simulator, unit_id: str, *, expanded: bool) -> JsonObject:
    body: JsonObject = {"id": unit_id}
    if expanded:
        body["name"] = {"type": "PLAIN", "value": {"text": sim.state.unit_name(unit_id)}}
        parent = sim.state.unit_parent(unit_id)
        if parent is not None:
            body["parentId"] = parent
    return body


def _children(sim: Simulator, parent_id: str) -> list[tuple[int, str]]:
    state = sim.state
    if parent_id == state.organization_id:
        return [(c.seq, c.id) for c in state.communities.values()]
    return [(h.seq, h.id) for h in state.homes.values() if h.community_id == parent_id]


async def list_units(request: web.Request) -> web.Response:
    """GET /v2/units?parentId={id}&expand=all."""
    sim = get_sim(request)
    parent_id = require_query(request, "parentId")
    if not is_unit_id(parent_id):
        raise bad_request("parentId isn't a unit ID.", kind="INVALID_UNIT_ID")
    if not sim.state.is_known_unit(parent_id):
        raise not_found("The unit wasn't found.")
    expand = request.query.getall("expand", [])
    if any(value != "all" for value in expand):
        raise bad_request("expand must be all.", kind="INVALID_PARAMETER")
    max_results = pagination.parse_max_results(
        optional_query(request, "maxResults"), pagination.UNITS
    )
    page, token = sim.paginator.page(
        _children(sim, parent_id),
        lambda child: child[0],
        scope=f"units:{parent_id}",
        token=optional_query(request, "nextToken"),
        max_results=max_results,
    )
    body: JsonObject = {
        "results": [_unit_json(sim, unit_id, expanded=bool(expand)) for _, unit_id in page]
    }
    if token:
        body["paginationContext"] = {"nextToken": token}
    return json_response(body)


async def get_unit(request: web.Request) -> web.Response:
    """GET /v2/units/{unitId}."""
    sim = get_sim(request)
    unit_id = request.match_info["unitId"]
    if not is_unit_id(unit_id):
        raise bad_request("The unit ID is malformed.", kind="INVALID_UNIT_ID")
    if not sim.state.is_known_unit(unit_id):
        raise not_found("The unit wasn't found.")
    return json_response(_unit_json(sim, unit_id, expanded=True))


def add_routes(app: web.Application) -> None:
    """Register the Units API."""
    app.router.add_get("/v2/units", list_units)
    app.router.add_get("/v2/units/{unitId}", get_unit)
