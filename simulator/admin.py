"""Admin API under /_admin: counters, request log, faults, tokens, resident actions.

Not part of Amazon's surface: it stands in for what happens outside the APIs (a resident
linking their account, the ASP console revoking a client, a device going offline) and
gives tests and benchmarks their levers. No authentication: bind to loopback.
"""

from dataclasses import asdict
from typing import Any

from aiohttp import web

from .clock import iso8601
from .core import Simulator, get_sim
from .errors import ApiError, bad_request, not_found
from .http import JsonObject, json_response
from .occupancy import occupancy_json, resident_change
from .state import Occ, Skill
from .validation import is_skill_id, read_json, read_json_object

PREFIX = "/_admin"


def _number(body: JsonObject, key: str, *, low: float = 0.0) -> float:
    value = body.get(key)
    if not isinstance(value, int | float) or isinstance(value, bool) or value < low:
        raise bad_request(f"{key} must be a number >= {low:g}.")
    return float(value)


async def index(request: web.Request) -> web.Response:
    """List the admin routes."""
    routes = sorted(
        f"{route.method} {route.resource.canonical}"
        for route in request.app.router.routes()
        if route.resource is not None and route.resource.canonical.startswith(PREFIX)
    )
    return json_response({"routes": routes})


async def credentials(request: web.Request) -> web.Response:
    """Return the client credentials, a working refresh token and the organization ID."""
    sim = get_sim(request)
    creds = sim.credentials
    base = f"{request.scheme}://{request.host}"
    return json_response(
        {
            "baseUrl": base,
            "authorizeUrl": f"{base}/ap/oa",
            "tokenUrl": f"{base}/auth/o2/token",
            "clientId": creds.client_id,
            "clientSecret": creds.client_secret,
            "refreshToken": creds.refresh_token,
            "organizationId": creds.organization_id,
        }
    )


async def new_refresh_token(request: web.Request) -> web.Response:
    """Start a new grant, independent of others (rotation in one won't break the other)."""
    sim = get_sim(request)
    return json_response({"refreshToken": sim.new_refresh_token()}, status=201)


async def expire_tokens(request: web.Request) -> web.Response:
    """Make every access token expire now."""
    return json_response({"expired": get_sim(request).lwa.expire_access_tokens()})


async def revoke_tokens(request: web.Request) -> web.Response:
    """Revoke the grant of one refresh token ({"refreshToken": ...}) or every grant ({})."""
    sim = get_sim(request)
    raw = await request.read()
    body = await read_json_object(request) if raw.strip() else {}
    token = body.get("refreshToken")
    if token is not None and not isinstance(token, str):
        raise bad_request("refreshToken must be a string.")
    return json_response({"revokedGrants": sim.lwa.revoke(token)})


async def update_client(request: web.Request) -> web.Response:
    """Grant or withdraw the client in the (simulated) ASP console: withdrawn means 403."""
    sim = get_sim(request)
    body = await read_json_object(request)
    client = sim.lwa.store.clients[sim.client_id]
    if "granted" in body:
        if not isinstance(body["granted"], bool):
            raise bad_request("granted must be a boolean.")
        client.granted = body["granted"]
    if "redirectUris" in body:
        uris = body["redirectUris"]
        if uris is not None and not (
            isinstance(uris, list) and all(isinstance(u, str) for u in uris)
        ):
            raise bad_request("redirectUris must be a list of strings or null.")
        client.redirect_uris = uris
    return json_response(asdict(client) | {"client_secret": "***"})


async def stats(request: web.Request) -> web.Response:
    """Request counters per route."""
    return json_response(get_sim(request).stats.summary())


async def reset_stats(request: web.Request) -> web.Response:
    """Forget counters and the request log."""
    get_sim(request).stats.reset()
    return web.Response(status=204)


async def request_log(request: web.Request) -> web.Response:
    """Return the latest requests, oldest first (?limit=N, ?route=substring)."""
    sim = get_sim(request)
    entries = list(sim.stats.log)
    route = request.query.get("route")
    if route:
        entries = [e for e in entries if route in e["route"] or route in e["path"]]
    limit = request.query.get("limit")
    if limit is not None:
        if not limit.isdigit():
            raise bad_request("limit must be a non-negative integer.")
        entries = entries[-int(limit) :] if int(limit) else []
    return json_response({"requests": entries})


def _faults_json(sim: Simulator) -> JsonObject:
    return {
        "settings": asdict(sim.faults.settings),
        "script": [asdict(item) for item in sim.faults.script],
        "injected": dict(sim.faults.injected),
    }


async def get_faults(request: web.Request) -> web.Response:
    """Return fault settings, queued scripted faults and how many were injected."""
    return json_response(_faults_json(get_sim(request)))


def apply_fault_settings(sim: Simulator, changes: dict[str, Any]) -> None:
    """Configure faults (and the LWA side of early expiry)."""
    try:
        settings = sim.faults.configure(changes)
    except (ValueError, TypeError) as err:
        raise bad_request(str(err)) from err
    sim.lwa.settings.early_expiry_seconds = settings.early_expiry_seconds


async def put_faults(request: web.Request) -> web.Response:
    """Change some fault settings (a partial object)."""
    sim = get_sim(request)
    apply_fault_settings(sim, await read_json_object(request))
    return json_response(_faults_json(sim))


async def clear_faults(request: web.Request) -> web.Response:
    """Remove every fault."""
    sim = get_sim(request)
    sim.faults.reset()
    sim.lwa.settings.early_expiry_seconds = None
    return json_response(_faults_json(sim))


async def script_faults(request: web.Request) -> web.Response:
    """Queue faults for the next matching requests: [{"status": 429, "retry_after": 3}, ...]."""
    sim = get_sim(request)
    body = await read_json(request)
    items = body.get("faults") if isinstance(body, dict) else body
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise bad_request('Send a list of fault objects (or {"faults": [...]}).')
    try:
        sim.faults.add_script(items)
    except (ValueError, TypeError) as err:
        raise bad_request(str(err)) from err
    return json_response(_faults_json(sim))


async def _resident(request: web.Request, target: Occ) -> web.Response:
    sim = get_sim(request)
    home = sim.state.homes.get(request.match_info["homeId"])
    if home is None:
        raise not_found("No such home.")
    raw = await request.read()
    body = await read_json_object(request) if raw.strip() else {}
    latest = sim.state.latest_occupancy(home)
    wanted = body.get("occupancyId")
    if wanted is not None and (latest is None or latest.id != wanted):
        raise ApiError(409, "occupancyId isn't the home's current occupancy.")
    occupancy = resident_change(sim.state, home, target)
    return json_response(occupancy_json(occupancy))


async def resident_link(request: web.Request) -> web.Response:
    """Simulate the resident accepting the account link URL: OCCUPIED -> LINKED."""
    return await _resident(request, Occ.LINKED)


async def resident_unlink(request: web.Request) -> web.Response:
    """Simulate the resident unlinking in the web app: LINKED -> OCCUPIED."""
    return await _resident(request, Occ.OCCUPIED)


async def set_connectivity(request: web.Request) -> web.Response:
    """Take a device offline or bring it back: {"online": false}."""
    sim = get_sim(request)
    endpoint = sim.state.endpoints.get(request.match_info["endpointId"])
    if endpoint is None:
        raise not_found("No such endpoint.")
    body = await read_json_object(request)
    online = body.get("online")
    if not isinstance(online, bool):
        raise bad_request("online must be a boolean.")
    endpoint.online = online
    if online:
        endpoint.rebooting_until = None
    return json_response({"id": endpoint.id, "online": endpoint.online})


async def advance_clock(request: web.Request) -> web.Response:
    """Move simulated time forward: {"seconds": 3600}."""
    sim = get_sim(request)
    sim.clock.advance(_number(await read_json_object(request), "seconds"))
    return json_response({"now": iso8601(sim.clock.now()), "epoch": sim.clock.now()})


async def set_timing(request: web.Request) -> web.Response:
    """Change the simulated delays (seconds): occupancyDelay, skillEnableDelay, rebootDelay."""
    sim = get_sim(request)
    body = await read_json_object(request)
    timing = sim.state.timing
    names = {
        "occupancyDelay": "occupancy_delay",
        "skillEnableDelay": "skill_enable_delay",
        "rebootDelay": "reboot_delay",
    }
    unknown = set(body) - set(names)
    if unknown:
        raise bad_request(f"Unknown timing keys {sorted(unknown)}.")
    for key, attribute in names.items():
        if key in body:
            setattr(timing, attribute, _number(body, key))
    return json_response({key: getattr(timing, attribute) for key, attribute in names.items()})


async def add_skill(request: web.Request) -> web.Response:
    """Add a skill to the catalogue: {"id", "name", "stages", "accountLinking"}."""
    sim = get_sim(request)
    body = await read_json_object(request)
    skill_id = body.get("id")
    stages = body.get("stages", ["live"])
    if not is_skill_id(skill_id):
        raise bad_request("id must be a skill ID (amzn1.ask.skill.{id}).")
    if (
        not isinstance(stages, list)
        or not stages
        or not set(stages)
        <= {
            "development",
            "certification",
            "live",
        }
    ):
        raise bad_request("stages must list development, certification and/or live.")
    skill = Skill(
        str(skill_id),
        str(body.get("name", "Skill")),
        list(stages),
        bool(body.get("accountLinking", False)),
    )
    sim.state.skills[skill.id] = skill
    return json_response(asdict(skill), status=201)


async def summary(request: web.Request) -> web.Response:
    """Count everything, homes by occupancy state, and show the simulated time."""
    sim = get_sim(request)
    state = sim.state
    by_state: dict[str, int] = {}
    for home in state.homes.values():
        key = str(state.home_state(home))
        by_state[key] = by_state.get(key, 0) + 1
    now = state.now()
    return json_response(
        {
            "organizationId": state.organization_id,
            "organizationName": state.organization_name,
            "now": iso8601(now),
            "communities": len(state.communities),
            "homes": len(state.homes),
            "homesByState": by_state,
            "endpoints": len(state.endpoints),
            "endpointsVisible": sum(
                1 for e in state.endpoints.values() if state.endpoint_visible(e)
            ),
            "endpointsOffline": sum(1 for e in state.endpoints.values() if not e.reachable(now)),
            "skills": [asdict(s) for s in state.skills.values()],
            "enablements": len(state.enablements),
            "templates": len(state.templates),
            "automations": len(state.automations),
        }
    )


async def homes(request: web.Request) -> web.Response:
    """Every home with its occupancy and device IDs (the enterprise API hides some)."""
    sim = get_sim(request)
    state = sim.state
    result = []
    for home in state.homes.values():
        latest = state.latest_occupancy(home)
        result.append(
            {
                "id": home.id,
                "name": home.name,
                "homeCommunityId": home.community_id,
                "occupancy": occupancy_json(latest) if latest else None,
                "endpoints": [e.id for e in state.endpoints.values() if e.unit_id == home.id],
            }
        )
    return json_response({"homes": result})


def add_routes(app: web.Application) -> None:
    """Register the admin API."""
    router = app.router
    router.add_get(PREFIX, index)
    router.add_get(f"{PREFIX}/credentials", credentials)
    router.add_get(f"{PREFIX}/state", summary)
    router.add_get(f"{PREFIX}/homes", homes)
    router.add_post(f"{PREFIX}/tokens/refresh-token", new_refresh_token)
    router.add_post(f"{PREFIX}/tokens/expire", expire_tokens)
    router.add_post(f"{PREFIX}/tokens/revoke", revoke_tokens)
    router.add_put(f"{PREFIX}/client", update_client)
    router.add_get(f"{PREFIX}/stats", stats)
    router.add_delete(f"{PREFIX}/stats", reset_stats)
    router.add_post(f"{PREFIX}/stats/reset", reset_stats)
    router.add_get(f"{PREFIX}/requests", request_log)
    router.add_get(f"{PREFIX}/faults", get_faults)
    router.add_put(f"{PREFIX}/faults", put_faults)
    router.add_delete(f"{PREFIX}/faults", clear_faults)
    router.add_post(f"{PREFIX}/faults/script", script_faults)
    router.add_post(f"{PREFIX}/homes/{{homeId}}/resident/link", resident_link)
    router.add_post(f"{PREFIX}/homes/{{homeId}}/resident/unlink", resident_unlink)
    router.add_put(f"{PREFIX}/endpoints/{{endpointId}}/connectivity", set_connectivity)
    router.add_post(f"{PREFIX}/clock/advance", advance_clock)
    router.add_put(f"{PREFIX}/timing", set_timing)
    router.add_post(f"{PREFIX}/skills", add_skill)
