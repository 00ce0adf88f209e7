"""Automation API: /v2/automations/templates and /v2/automations."""

from aiohttp import web

from . import pagination
from .automation_rules import (
    Checker,
    check_data,
    check_data_definition,
    check_friendly_name,
    check_placeholders,
    endpoint_ids,
    resolve,
    utterances,
)
from .core import Simulator, get_sim
from .errors import bad_request, forbidden, not_found
from .http import JsonObject, empty_response, json_response
from .state import Automation, Template
from .validation import (
    is_automation_id,
    is_template_id,
    is_unit_id,
    optional_query,
    read_json_object,
    require_query,
)


def _expand(request: web.Request) -> bool:
    value = optional_query(request, "expand")
    if value not in {None, "all"}:
        raise bad_request("expand must be all.")
    return value == "all"


def _page_body(results: list[JsonObject], token: str | None) -> JsonObject:
    # These listings say "If no more results, nextToken is null".
    return {"results": results, "paginationContext": {"nextToken": token}}


# ----- templates -----------------------------------------------------------------------------
def template_json(template: Template) -> JsonObject:
    """Render a template as GET returns it."""
    body: JsonObject = {"templateId": template.id, "template": template.template}
    if template.data_definition is not None:
        body["dataDefinition"] = template.data_definition
    if template.friendly_name is not None:
        body["friendlyName"] = template.friendly_name
    return body


def _template(sim: Simulator, template_id: str) -> Template:
    if not is_template_id(template_id):
        raise bad_request("The template ID is malformed.")
    template = sim.state.templates.get(template_id)
    if template is None:
        raise not_found("The automation template wasn't found.")
    return template


async def create_template(request: web.Request) -> web.Response:
    """POST /v2/automations/templates."""
    sim = get_sim(request)
    body = await read_json_object(request)
    raw = body.get("template")
    if not isinstance(raw, dict):
        raise bad_request("template is missing or isn't an object.")
    unknown = set(raw) - {"trigger", "operations"}
    if unknown:
        raise bad_request(f"template has unknown fields {sorted(unknown)}.")
    checker = Checker(template=True)
    checker.trigger(raw.get("trigger"))
    checker.operations(raw.get("operations"))
    check_placeholders(raw)
    definition = body.get("dataDefinition")
    if definition is not None:
        definition = check_data_definition(definition)
    friendly_name = check_friendly_name(body.get("friendlyName"), name_value=False)
    state = sim.state
    template = Template(
        id=state.new_template_id(),
        template={"trigger": raw["trigger"], "operations": raw["operations"]},
        seq=state.next_seq(),
        data_definition=definition,
        friendly_name=friendly_name,
    )
    state.templates[template.id] = template
    return json_response({"templateId": template.id}, status=201)


async def get_template(request: web.Request) -> web.Response:
    """GET /v2/automations/templates/{templateId}."""
    sim = get_sim(request)
    return json_response(template_json(_template(sim, request.match_info["templateId"])))


async def list_templates(request: web.Request) -> web.Response:
    """GET /v2/automations/templates?expand=all."""
    sim = get_sim(request)
    expand = _expand(request)
    max_results = pagination.parse_max_results(
        optional_query(request, "maxResults"), pagination.TEMPLATES
    )
    page, token = sim.paginator.page(
        list(sim.state.templates.values()),
        lambda t: t.seq,
        scope="templates",
        token=optional_query(request, "nextToken"),
        max_results=max_results,
    )
    results = [template_json(t) if expand else {"templateId": t.id} for t in page]
    return json_response(_page_body(results, token))


async def delete_template(request: web.Request) -> web.Response:
    """DELETE /v2/automations/templates/{templateId}; 400 while automations use it."""
    sim = get_sim(request)
    template = _template(sim, request.match_info["templateId"])
    if any(a.template_id == template.id for a in sim.state.automations.values()):
        raise bad_request("There are automation instances based on this template.")
    del sim.state.templates[template.id]
    return empty_response(204)


# ----- automations ---------------------------------------------------------------------------
def automation_json(automation: Automation) -> JsonObject:
    """Render an automation with its resolved trigger and operations."""
    body: JsonObject = {
        "automationId": automation.id,
        "associatedEntity": {"type": "UNIT", "id": automation.unit_id},
        "automation": {"templateId": automation.template_id, **automation.resolved},
    }
    if automation.friendly_name is not None:
        body["friendlyName"] = automation.friendly_name
    return body


def _automation(sim: Simulator, automation_id: str) -> Automation:
    if not is_automation_id(automation_id):
        raise bad_request("The automation ID is malformed.")
    automation = sim.state.automations.get(automation_id)
    if automation is None:
        raise not_found("The automation wasn't found.")
    if sim.hides_unit_resources(automation.unit_id):
        raise forbidden("The automation's unit is an occupied or linked home.")
    return automation


def _resolve_for_unit(
    sim: Simulator, template: Template, unit_id: str, data: object, exclude: str | None
) -> tuple[JsonObject, JsonObject]:
    """Validate data, resolve the template, and apply the per-unit rules."""
    checked = check_data(template.data_definition, data)
    resolved = resolve(template.template, checked)
    checker = Checker(template=False)
    checker.trigger(resolved["trigger"])
    checker.operations(resolved["operations"])
    state = sim.state
    for endpoint_id in endpoint_ids(resolved["operations"]):
        endpoint = state.endpoints.get(endpoint_id)
        if endpoint is None or state.endpoint_unit(endpoint) != unit_id:
            raise bad_request(f"The endpoint {endpoint_id} isn't in unit {unit_id}.")
    mine = utterances(resolved)
    if mine:
        for other in state.automations.values():
            if (
                other.unit_id == unit_id
                and other.id != exclude
                and mine & utterances(other.resolved)
            ):
                raise bad_request("The unit already has an automation with the same utterance.")
    return checked, resolved


async def create_automation(request: web.Request) -> web.Response:
    """POST /v2/automations."""
    sim = get_sim(request)
    body = await read_json_object(request)
    entity = body.get("associatedEntity")
    if not isinstance(entity, dict) or entity.get("type") != "UNIT":
        raise bad_request("associatedEntity must be an object with type UNIT.")
    unit_id = entity.get("id")
    if not is_unit_id(unit_id):
        raise bad_request("associatedEntity.id isn't a unit ID.")
    assert isinstance(unit_id, str)
    spec = body.get("automation")
    if not isinstance(spec, dict):
        raise bad_request("automation is missing or isn't an object.")
    template_id = spec.get("templateId")
    if not is_template_id(template_id):
        raise bad_request("automation.templateId is missing or malformed.")
    friendly_name = check_friendly_name(body.get("friendlyName"), name_value=True)
    state = sim.state
    template = _template(sim, str(template_id))
    if not state.is_known_unit(unit_id):
        raise not_found("The unit wasn't found.")
    if sim.hides_unit_resources(unit_id):
        raise forbidden("The unit is an occupied or linked home.")
    data, resolved = _resolve_for_unit(sim, template, unit_id, spec.get("data"), None)
    automation = Automation(
        id=state.new_automation_id(),
        unit_id=unit_id,
        template_id=template.id,
        seq=state.next_seq(),
        data=data,
        resolved=resolved,
        friendly_name=friendly_name,
    )
    state.automations[automation.id] = automation
    return json_response({"automationId": automation.id}, status=201)


async def get_automation(request: web.Request) -> web.Response:
    """GET /v2/automations/{automationId}."""
    sim = get_sim(request)
    return json_response(automation_json(_automation(sim, request.match_info["automationId"])))


async def list_automations(request: web.Request) -> web.Response:
    """GET /v2/automations?associatedEntity.type=UNIT&associatedEntity.id=...

    A unit the caller may not see (an occupied or linked home) lists as empty.
    """
    sim = get_sim(request)
    if require_query(request, "associatedEntity.type") != "UNIT":
        raise bad_request("associatedEntity.type must be UNIT.")
    unit_id = require_query(request, "associatedEntity.id")
    if not is_unit_id(unit_id):
        raise bad_request("associatedEntity.id isn't a unit ID.")
    template_id = optional_query(request, "templateId")
    if template_id is not None and not is_template_id(template_id):
        raise bad_request("templateId is malformed.")
    expand = _expand(request)
    max_results = pagination.parse_max_results(
        optional_query(request, "maxResults"), pagination.AUTOMATIONS
    )
    state = sim.state
    if not state.is_known_unit(unit_id):
        raise not_found("The unit wasn't found.")
    visible = not sim.hides_unit_resources(unit_id)
    matches = [
        a
        for a in state.automations.values()
        if visible
        and a.unit_id == unit_id
        and (template_id is None or a.template_id == template_id)
    ]
    page, token = sim.paginator.page(
        matches,
        lambda a: a.seq,
        scope=f"automations:{unit_id}:{template_id}",
        token=optional_query(request, "nextToken"),
        max_results=max_results,
    )
    results = [automation_json(a) if expand else {"automationId": a.id} for a in page]
    return json_response(_page_body(results, token))


async def update_automation(request: web.Request) -> web.Response:
    """PUT /v2/automations/{automationId}: only automation.data can change."""
    sim = get_sim(request)
    automation_id = request.match_info["automationId"]
    if not is_automation_id(automation_id):
        raise bad_request("The automation ID is malformed.")
    body = await read_json_object(request)
    spec = body.get("automation")
    if not isinstance(spec, dict) or set(body) != {"automation"} or set(spec) - {"data"}:
        raise bad_request("Only automation.data can be updated.")
    automation = _automation(sim, automation_id)
    if "data" not in spec:
        return empty_response(204)
    template = sim.state.templates[automation.template_id]
    data, resolved = _resolve_for_unit(
        sim, template, automation.unit_id, spec["data"], automation.id
    )
    automation.data = data
    automation.resolved = resolved
    return empty_response(204)


async def delete_automation(request: web.Request) -> web.Response:
    """DELETE /v2/automations/{automationId}."""
    sim = get_sim(request)
    automation = _automation(sim, request.match_info["automationId"])
    del sim.state.automations[automation.id]
    return empty_response(204)


def add_routes(app: web.Application) -> None:
    """Register the Automation API (template routes first: they are more specific)."""
    router = app.router
    router.add_post("/v2/automations/templates", create_template)
    router.add_get("/v2/automations/templates", list_templates)
    router.add_get("/v2/automations/templates/{templateId}", get_template)
    router.add_delete("/v2/automations/templates/{templateId}", delete_template)
    router.add_post("/v2/automations", create_automation)
    router.add_get("/v2/automations", list_automations)
    router.add_get("/v2/automations/{automationId}", get_automation)
    router.add_put("/v2/automations/{automationId}", update_automation)
    router.add_delete("/v2/automations/{automationId}", delete_automation)
