"""Home Occupancy API: /enterprise/residential/v1/homes/{id}/occupancies."""

from aiohttp import web

from .core import Simulator, get_sim
from .errors import bad_request, not_found
from .http import JsonObject, json_response
from .occupancy import occupancy_json, request_change
from .state import Home, Occ
from .validation import is_skill_id, is_unit_id, read_json_object, require_account_link_request

BASE = "/enterprise/residential/v1/homes/{id}/occupancies"
STAGES = ("development", "certification", "live")


def _home(sim: Simulator, home_id: str) -> Home:
    if not is_unit_id(home_id):
        raise bad_request("The home ID is malformed.")
    home = sim.state.homes.get(home_id)
    if home is None:
        raise not_found("The requested home wasn't found.")
    return home


async def get_occupancy(request: web.Request) -> web.Response:
    """GET .../occupancies/{occupancyId} or .../occupancies/~latest."""
    sim = get_sim(request)
    home = _home(sim, request.match_info["id"])
    occupancy_id = request.match_info["occupancyId"]
    if occupancy_id == "~latest":
        occupancy = sim.state.latest_occupancy(home)
    else:
        occupancy = sim.state.occupancies.get(occupancy_id)
        if occupancy is not None and occupancy.home_id != home.id:
            occupancy = None
        if occupancy is not None:
            occupancy.settle(sim.state.now())
    if occupancy is None:
        raise not_found("The requested occupancy wasn't found.")
    return json_response(occupancy_json(occupancy))


def _linked_applications(sim: Simulator, raw: object) -> list[JsonObject]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise bad_request("linkedApplications must be a list.")
    result: list[JsonObject] = []
    for index, app in enumerate(raw):
        where = f"linkedApplications[{index}]."
        if not isinstance(app, dict):
            raise bad_request(f"linkedApplications[{index}] must be an object.")
        if app.get("type") != "SKILL":
            raise bad_request(f"{where}type must be SKILL.")
        if app.get("stage") not in STAGES:
            raise bad_request(f"{where}stage must be one of {', '.join(STAGES)}.")
        skill_id = app.get("id")
        if not is_skill_id(skill_id) or not str(skill_id).startswith("amzn1.ask.skill."):
            raise bad_request(f"{where}id must be a skill ID (amzn1.ask.skill.{{id}}).")
        skill = sim.state.skills.get(str(skill_id))
        if skill is None or app["stage"] not in skill.stages:
            raise bad_request(f"{where}id and stage don't name an available skill.")
        entry: JsonObject = {"type": "SKILL", "stage": app["stage"], "id": skill_id}
        if "accountLinkRequest" in app:
            entry["accountLinkRequest"] = require_account_link_request(
                app["accountLinkRequest"], where
            )
        elif skill.account_linking:
            raise bad_request(f"{where}accountLinkRequest is required: the skill links accounts.")
        result.append(entry)
    return result


async def set_occupancy(request: web.Request) -> web.Response:
    """POST .../occupancies: 202 with the new occupancyId."""
    sim = get_sim(request)
    home = _home(sim, request.match_info["id"])
    body = await read_json_object(request)
    raw_state = body.get("state")
    if raw_state not in {s.value for s in Occ}:
        raise bad_request("state must be VACANT, OCCUPIED or LINKED.")
    target = Occ(raw_state)
    linked = _linked_applications(sim, body.get("linkedApplications"))
    if linked and target is not Occ.OCCUPIED:
        raise bad_request("linkedApplications only go with a move in (state OCCUPIED).")
    occupancy = request_change(sim.state, home, target, linked)
    return json_response({"occupancyId": occupancy.id}, status=202)


def add_routes(app: web.Application) -> None:
    """Register the Home Occupancy API."""
    app.router.add_post(BASE, set_occupancy)
    app.router.add_get(BASE + "/{occupancyId}", get_occupancy)
