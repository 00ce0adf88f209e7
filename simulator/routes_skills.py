"""Skill Management API: /v1/skills/... enablements for units."""

from typing import Any

from aiohttp import web

from . import pagination
from .core import Simulator, get_sim
from .errors import ApiError, bad_request, forbidden, not_found
from .http import JsonObject, empty_response, json_response
from .state import Enablement, Skill
from .validation import (
    is_skill_id,
    is_unit_id,
    is_valid_partition_names,
    optional_query,
    read_json_object,
    require_account_link_request,
    require_query,
)

ENABLE_STAGES = ("development", "live")  # single enable: "development or live"
ALL_STAGES = ("development", "certification", "live")  # batch, get, disable


def enablement_json(sim: Simulator, enablement: Enablement, *, created: bool = False) -> JsonObject:
    """Render an enablement record.

    The create response carries accountLink only for skills that link accounts; reads
    always carry it (NOT_LINKED for skills that don't).
    """
    skill = sim.state.skills.get(enablement.skill_id)
    body: JsonObject = {
        "skill": {"stage": enablement.stage, "id": enablement.skill_id},
        "unit": {"id": enablement.unit_id},
        "status": enablement.status(sim.clock.now()),
    }
    if not created or (skill is not None and skill.account_linking):
        body["accountLink"] = {"status": "LINKED" if enablement.account_linked else "NOT_LINKED"}
    return body


def _skill_id(request: web.Request) -> str:
    skill_id = request.match_info["skillId"]
    if not is_skill_id(skill_id):
        raise bad_request("The skill ID is malformed.")
    return skill_id


def _skill(sim: Simulator, skill_id: str) -> Skill:
    skill = sim.state.skills.get(skill_id)
    if skill is None:
        raise not_found("The requested skill wasn't found.")
    return skill


def _unit(sim: Simulator, unit_id: str | None, *, unknown_status: int = 404) -> str:
    if not is_unit_id(unit_id):
        raise bad_request("unitId is missing or malformed.")
    assert unit_id is not None
    if not sim.state.is_known_unit(unit_id):
        raise ApiError(unknown_status, "The requested unit wasn't found.")
    if sim.hides_unit_resources(unit_id):
        raise forbidden("The unit is an occupied or linked home.")
    return unit_id


async def get_enablement(request: web.Request) -> web.Response:
    """GET /v1/skills/{skillId}/enablements?unitId=..."""
    sim = get_sim(request)
    skill_id = _skill_id(request)
    unit_id = optional_query(request, "unitId")
    if not is_unit_id(unit_id):
        raise bad_request("unitId is missing or malformed.")
    _skill(sim, skill_id)
    unit_id = _unit(sim, unit_id)
    enablement = sim.state.enablements.get((skill_id, unit_id))
    if enablement is None:
        raise not_found("The skill isn't enabled for this unit.")
    return json_response(enablement_json(sim, enablement))


async def list_enablements(request: web.Request) -> web.Response:
    """GET /v1/skills/enablements?unitId=... (no 404 on this call: unknown units are 400)."""
    sim = get_sim(request)
    unit_id = _unit(sim, require_query(request, "unitId"), unknown_status=400)
    max_results = pagination.parse_max_results(
        optional_query(request, "maxResults"), pagination.SKILL_ENABLEMENTS
    )
    records = [e for e in sim.state.enablements.values() if e.unit_id == unit_id]
    page, token = sim.paginator.page(
        records,
        lambda e: e.seq,
        scope=f"enablements:{unit_id}",
        token=optional_query(request, "nextToken"),
        max_results=max_results,
    )
    body: JsonObject = {"items": [enablement_json(sim, e) for e in page]}
    if token:
        body["paginationContext"] = {"nextToken": token}
    return json_response(body)


def _check_item(skill: Skill, item: JsonObject, stages: tuple[str, ...], where: str) -> None:
    """Validate the fields shared by single and batch enablement (not the unit)."""
    stage = item.get("stage")
    if stage not in stages:
        raise bad_request(f"{where}stage must be one of {', '.join(stages)}.")
    if stage not in skill.stages:
        raise bad_request(f"{where}The requested skillId and stage combination wasn't found.")
    if "partitionName" in item and not is_valid_partition_names(item["partitionName"]):
        raise bad_request(f"{where}partitionName is malformed.")
    if "accountLinkRequest" in item:
        require_account_link_request(item["accountLinkRequest"], where)
    elif skill.account_linking:
        raise bad_request(f"{where}accountLinkRequest is required: the skill links accounts.")


def _enable(sim: Simulator, skill: Skill, unit_id: str, item: JsonObject) -> Enablement:
    state = sim.state
    enablement = Enablement(
        skill_id=skill.id,
        unit_id=unit_id,
        stage=str(item["stage"]),
        seq=state.next_seq(),
        partition_name=item.get("partitionName"),
        account_linked=skill.account_linking and "accountLinkRequest" in item,
        enabled_at=state.now() + state.timing.skill_enable_delay,
    )
    state.enablements.pop((skill.id, unit_id), None)
    state.enablements[(skill.id, unit_id)] = enablement
    return enablement


async def enable(request: web.Request) -> web.Response:
    """POST /v1/skills/{skillId}/enablements: 201, status ENABLING."""
    sim = get_sim(request)
    skill_id = _skill_id(request)
    body = await read_json_object(request)
    if not is_unit_id(body.get("unitId")):
        raise bad_request("unitId is missing or malformed.")
    skill = _skill(sim, skill_id)
    _check_item(skill, body, ENABLE_STAGES, "")
    unit_id = _unit(sim, body.get("unitId"))
    enablement = _enable(sim, skill, unit_id, body)
    return json_response(enablement_json(sim, enablement, created=True), status=201)


async def disable(request: web.Request) -> web.Response:
    """DELETE /v1/skills/{skillId}/enablements?unitId=...&stage=..."""
    sim = get_sim(request)
    skill_id = _skill_id(request)
    unit_id = optional_query(request, "unitId")
    if not is_unit_id(unit_id):
        raise bad_request("unitId is missing or malformed.")
    stage = optional_query(request, "stage")
    if stage is not None and stage not in ALL_STAGES:
        raise bad_request(f"stage must be one of {', '.join(ALL_STAGES)}.")
    _skill(sim, skill_id)
    unit_id = _unit(sim, unit_id)
    enablement = sim.state.enablements.get((skill_id, unit_id))
    if enablement is None or (stage is not None and enablement.stage != stage):
        raise not_found("The skill isn't enabled for this unit in that stage.")
    del sim.state.enablements[(skill_id, unit_id)]
    return empty_response(204)


def _item_error(item_id: Any, status: int, code: str, description: str) -> JsonObject:
    return {"itemId": item_id, "status": status, "errorCode": code, "errorDescription": description}


async def enable_batch(request: web.Request) -> web.Response:
    """POST /v1/skills/{skillId}/enablements/batch: 202, or the item errors.

    Items are all-or-nothing: when any item fails, nothing is enabled and the answer
    lists every failing item (status 400, or the items' common status).
    """
    sim = get_sim(request)
    skill_id = _skill_id(request)
    body = await read_json_object(request)
    items = body.get("items")
    limit = sim.config.batch_limit
    if not isinstance(items, list) or not items:
        raise bad_request("items must be a non-empty list.")
    if len(items) > limit:
        raise bad_request(f"The number of request items exceeds the limit ({limit}).")
    item_ids: set[int] = set()
    for item in items:
        item_id = item.get("itemId") if isinstance(item, dict) else None
        if not isinstance(item_id, int) or isinstance(item_id, bool) or item_id in item_ids:
            raise bad_request("Every item needs an itemId integer unique within the request.")
        item_ids.add(item_id)
    skill = sim.state.skills.get(skill_id)
    if skill is None:
        raise bad_request("The requested skillId couldn't be found.")
    errors: list[JsonObject] = []
    accepted: list[tuple[str, JsonObject]] = []
    for item in items:
        try:
            unit_id = item.get("unitId")
            if not is_unit_id(unit_id):
                raise bad_request("unitId is missing or invalid")
            _check_item(skill, item, ALL_STAGES, "")
            accepted.append((_unit(sim, unit_id, unknown_status=400), item))
        except ApiError as err:
            code = "FORBIDDEN" if err.status == 403 else "INVALID_PARAM"
            errors.append(_item_error(item["itemId"], err.status, code, err.message))
    if errors:
        statuses = {e["status"] for e in errors}
        status = statuses.pop() if len(statuses) == 1 else 400
        raise ApiError(status, "Some items failed.", items=errors)
    for unit_id, item in accepted:
        _enable(sim, skill, unit_id, item)
    return empty_response(202)


def add_routes(app: web.Application) -> None:
    """Register the Skill Management API."""
    router = app.router
    router.add_get("/v1/skills/enablements", list_enablements)
    router.add_get("/v1/skills/{skillId}/enablements", get_enablement)
    router.add_post("/v1/skills/{skillId}/enablements", enable)
    router.add_delete("/v1/skills/{skillId}/enablements", disable)
    router.add_post("/v1/skills/{skillId}/enablements/batch", enable_batch)
