"""Home and Community API: /enterprise/residential/v1/homeCommunities and /homes."""

from aiohttp import web

from . import pagination
from .core import Simulator, get_sim
from .errors import bad_request, forbidden, not_found
from .http import JsonObject, empty_response, json_response
from .state import Community, Home, Occ
from .validation import (
    is_unit_id,
    optional_query,
    read_json_object,
    require_query,
    require_str,
    require_unit_id,
)

BASE = "/enterprise/residential/v1"


def _community_json(sim: Simulator, community: Community) -> JsonObject:
    return {
        "id": community.id,
        "name": community.name,
        "organizationId": sim.state.organization_id,
    }


def _home_json(home: Home) -> JsonObject:
    return {"id": home.id, "homeCommunityId": home.community_id, "name": home.name}


def _check_organization(sim: Simulator, value: object) -> None:
    require_unit_id(value, "organizationId")
    if value != sim.state.organization_id:
        raise forbidden("The caller has no access to this organization.")


def _community(sim: Simulator, community_id: str) -> Community:
    if not is_unit_id(community_id):
        raise bad_request("The home community ID is malformed.")
    community = sim.state.communities.get(community_id)
    if community is None:
        raise not_found("The requested home community wasn't found.")
    return community


def _home(sim: Simulator, home_id: str) -> Home:
    if not is_unit_id(home_id):
        raise bad_request("The home ID is malformed.")
    home = sim.state.homes.get(home_id)
    if home is None:
        raise not_found("The requested home wasn't found.")
    return home


def _created(location: str, new_id: str) -> web.Response:
    response = json_response({"id": new_id}, status=201)
    response.headers["Location"] = location
    return response


async def create_community(request: web.Request) -> web.Response:
    """POST /homeCommunities."""
    sim = get_sim(request)
    body = await read_json_object(request)
    name = require_str(body, "name")
    _check_organization(sim, body.get("organizationId"))
    state = sim.state
    community = Community(state.new_unit_id(), name, state.next_seq())
    state.communities[community.id] = community
    return _created(f"{BASE}/homeCommunities/{community.id}", community.id)


async def get_community(request: web.Request) -> web.Response:
    """GET /homeCommunities/{id}."""
    sim = get_sim(request)
    return json_response(_community_json(sim, _community(sim, request.match_info["id"])))


async def list_communities(request: web.Request) -> web.Response:
    """GET /homeCommunities?organizationId=..."""
    sim = get_sim(request)
    organization_id = require_query(request, "organizationId")
    _check_organization(sim, organization_id)
    max_results = pagination.parse_max_results(
        optional_query(request, "maxResults"), pagination.COMMUNITIES
    )
    page, token = sim.paginator.page(
        list(sim.state.communities.values()),
        lambda c: c.seq,
        scope=f"communities:{organization_id}",
        token=optional_query(request, "nextToken"),
        max_results=max_results,
    )
    body: JsonObject = {"homeCommunities": [_community_json(sim, c) for c in page]}
    if token:
        body["paginationContext"] = {"nextToken": token}
    return json_response(body)


async def update_community(request: web.Request) -> web.Response:
    """PUT /homeCommunities/{id}."""
    sim = get_sim(request)
    community_id = request.match_info["id"]
    if not is_unit_id(community_id):
        raise bad_request("The home community ID is malformed.")
    body = await read_json_object(request)
    if require_str(body, "id") != community_id:
        raise bad_request("id in the body doesn't match the path.")
    name = require_str(body, "name")
    _check_organization(sim, body.get("organizationId"))
    _community(sim, community_id).name = name
    return empty_response(204)


async def delete_community(request: web.Request) -> web.Response:
    """DELETE /homeCommunities/{id}; refused (400) while the community still has homes."""
    sim = get_sim(request)
    community = _community(sim, request.match_info["id"])
    if any(home.community_id == community.id for home in sim.state.homes.values()):
        raise bad_request("The home community still has homes; delete or move them first.")
    del sim.state.communities[community.id]
    return empty_response(204)


async def create_home(request: web.Request) -> web.Response:
    """POST /homes. An unknown community is a 400: the page lists no 404 here."""
    sim = get_sim(request)
    body = await read_json_object(request)
    name = require_str(body, "name")
    community_id = require_unit_id(body.get("homeCommunityId"), "homeCommunityId")
    if community_id not in sim.state.communities:
        raise bad_request("homeCommunityId doesn't name a home community of this organization.")
    state = sim.state
    home = Home(state.new_unit_id(), community_id, name, state.next_seq())
    state.homes[home.id] = home
    return _created(f"{BASE}/homes/{home.id}", home.id)


async def get_home(request: web.Request) -> web.Response:
    """GET /homes/{id} (readable in every occupancy state)."""
    sim = get_sim(request)
    return json_response(_home_json(_home(sim, request.match_info["id"])))


async def list_homes(request: web.Request) -> web.Response:
    """GET /homes?homeCommunityId=..."""
    sim = get_sim(request)
    community = _community(sim, require_query(request, "homeCommunityId"))
    max_results = pagination.parse_max_results(
        optional_query(request, "maxResults"), pagination.HOMES
    )
    homes = [h for h in sim.state.homes.values() if h.community_id == community.id]
    page, token = sim.paginator.page(
        homes,
        lambda h: h.seq,
        scope=f"homes:{community.id}",
        token=optional_query(request, "nextToken"),
        max_results=max_results,
    )
    body: JsonObject = {"homes": [_home_json(h) for h in page]}
    if token:
        body["paginationContext"] = {"nextToken": token}
    return json_response(body)


def _require_vacant(sim: Simulator, home: Home, action: str) -> None:
    state = sim.state.home_state(home)
    if state is not Occ.VACANT:
        raise forbidden(f"The home is {state}: the enterprise has read access only ({action}).")
    latest = sim.state.latest_occupancy(home)
    if latest is not None and latest.requested_state is not None:
        raise bad_request("An occupancy change is in progress for this home.")


async def update_home(request: web.Request) -> web.Response:
    """PUT /homes/{id}; a vacant home's name or community."""
    sim = get_sim(request)
    home_id = request.match_info["id"]
    if not is_unit_id(home_id):
        raise bad_request("The home ID is malformed.")
    body = await read_json_object(request)
    if require_str(body, "id") != home_id:
        raise bad_request("id in the body doesn't match the path.")
    name = require_str(body, "name")
    community_id = require_unit_id(body.get("homeCommunityId"), "homeCommunityId")
    home = _home(sim, home_id)
    if community_id not in sim.state.communities:
        raise bad_request("homeCommunityId doesn't name a home community of this organization.")
    _require_vacant(sim, home, "update")
    home.name = name
    home.community_id = community_id
    return empty_response(204)


async def delete_home(request: web.Request) -> web.Response:
    """DELETE /homes/{id}; its devices go back to the business account's default unit."""
    sim = get_sim(request)
    state = sim.state
    home = _home(sim, request.match_info["id"])
    _require_vacant(sim, home, "delete")
    for endpoint in state.endpoints.values():
        if endpoint.unit_id == home.id:
            endpoint.unit_id = None
    for key in [k for k in state.enablements if k[1] == home.id]:
        del state.enablements[key]
    for automation_id in [a.id for a in state.automations.values() if a.unit_id == home.id]:
        del state.automations[automation_id]
    for occupancy_id in home.occupancy_ids:
        state.occupancies.pop(occupancy_id, None)
    del state.homes[home.id]
    return empty_response(204)


def add_routes(app: web.Application) -> None:
    """Register the Home and Community API."""
    router = app.router
    router.add_post(f"{BASE}/homeCommunities", create_community)
    router.add_get(f"{BASE}/homeCommunities", list_communities)
    router.add_get(f"{BASE}/homeCommunities/{{id}}", get_community)
    router.add_put(f"{BASE}/homeCommunities/{{id}}", update_community)
    router.add_delete(f"{BASE}/homeCommunities/{{id}}", delete_community)
    router.add_post(f"{BASE}/homes", create_home)
    router.add_get(f"{BASE}/homes", list_homes)
    router.add_get(f"{BASE}/homes/{{id}}", get_home)
    router.add_put(f"{BASE}/homes/{{id}}", update_home)
    router.add_delete(f"{BASE}/homes/{{id}}", delete_home)
