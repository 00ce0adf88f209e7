"""Build the simulator's aiohttp application from a configuration."""

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import asdict

from aiohttp import web

from . import (
    admin,
    lwa,
    persistence,
    readings,
    routes_automations,
    routes_endpoints,
    routes_features,
    routes_homes,
    routes_occupancy,
    routes_skills,
    routes_units,
)
from .clock import Clock
from .core import SIMULATOR_KEY, Simulator, SimulatorConfig, get_sim
from .errors import ApiError, error_response, style_for_path
from .faults import Decision, corrupt, hang
from .lwa import LWA_KEY, TokenProblemError
from .seed import seed_state

_LOG = logging.getLogger(__name__)

API_PREFIXES = ("/enterprise/", "/v1/", "/v2/")
REQUEST_ID_HEADER = "X-Amzn-RequestId"
REQUEST_ID = web.RequestKey("request_id", str)
ARRIVAL_WINDOW = 0.005  # seconds
FAULT = web.RequestKey("fault", str)

type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _route_name(request: web.Request) -> str:
    resource = request.match_info.route.resource
    template = resource.canonical if resource is not None else "unmatched"
    return f"{request.method} {template}"


@web.middleware
async def observe(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Outermost: request ID on every response, error bodies, counters and the log."""
    sim = get_sim(request)
    request_id = str(uuid.uuid4())
    request[REQUEST_ID] = request_id
    arrival = 0 if request.path.startswith("/_admin") else sim.stats.arrive()
    started = time.perf_counter()
    style = style_for_path(request.path)
    status = 500
    try:
        try:
            response = await handler(request)
        except ApiError as err:
            response = error_response(style, err)
        except web.HTTPException as exc:
            if exc.status < 400:  # redirects from the consent page
                exc.headers[REQUEST_ID_HEADER] = request_id
                status = exc.status
                raise
            response = error_response(style, ApiError(exc.status, exc.reason))
            if "Allow" in exc.headers:
                response.headers["Allow"] = exc.headers["Allow"]
        except asyncio.CancelledError:
            status = 499  # the client went away (hung requests end this way)
            raise
        except Exception:
            _LOG.exception("Unhandled error in %s %s", request.method, request.path)
            response = error_response(
                style, ApiError(500, "The request couldn't be handled (simulator bug).")
            )
        response.headers[REQUEST_ID_HEADER] = request_id
        status = response.status
        if request.method != "GET" and status < 400:
            saver = request.app.get(persistence.SAVER_KEY)
            if saver is not None:
                saver.mark_dirty()
        return response
    finally:
        if not request.path.startswith("/_admin"):  # the levers don't count themselves
            sim.stats.record(
                route=_route_name(request),
                method=request.method,
                path=request.path,
                query=request.query_string,
                status=status,
                duration_ms=(time.perf_counter() - started) * 1000,
                request_id=request_id,
                at=sim.clock.now(),
                fault=request.get(FAULT),
                arrival=arrival,
            )


@web.middleware
async def inject_faults(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Latency, throttling, server errors, hangs and malformed bodies.

    Latency is the least time a request takes, its own work included: requests in flight
    together are all answered after one latency, as by a service that handles them in
    parallel, not one after the other as this single-threaded simulator works.
    """
    decision = get_sim(request).faults.decide(request.path)
    if decision.delay <= 0:
        return await _apply_faults(request, handler, decision)
    loop = asyncio.get_running_loop()
    answer_at = loop.time() + decision.delay
    # Requests sent together all start their clocks before any of them does its work.
    await asyncio.sleep(min(decision.delay, ARRIVAL_WINDOW))
    try:
        response = await _apply_faults(request, handler, decision)
    except ApiError, web.HTTPException:
        await asyncio.sleep(max(0.0, answer_at - loop.time()))
        raise
    await asyncio.sleep(max(0.0, answer_at - loop.time()))
    return response


async def _apply_faults(
    request: web.Request, handler: Handler, decision: Decision
) -> web.StreamResponse:
    if decision.hang is not None:
        request[FAULT] = "hang"
        transport = request.transport
        gone = await hang(decision.hang, lambda: transport is None or transport.is_closing())
        if gone:
            # Nobody is listening any more; log it the way nginx does.
            return web.Response(status=499)
        raise ApiError(503, "The service is currently unavailable to handle the request.")
    if decision.error is not None:
        request[FAULT] = str(decision.error.status)
        raise decision.error
    if decision.drop_answer:
        return await _apply_then_drop(request, handler)
    if not decision.malformed:
        return await handler(request)
    try:
        response = await handler(request)
    except ApiError as err:  # an error body can arrive garbled too
        response = error_response(style_for_path(request.path), err)
    if not isinstance(response, web.Response):
        return response
    request[FAULT] = "malformed"
    body = response.body if isinstance(response.body, bytes) else b""
    garbled = web.Response(
        body=corrupt(body),
        status=response.status if body else 200,
        content_type="application/json",
    )
    for name in ("Location", "Retry-After"):
        if name in response.headers:
            garbled.headers[name] = response.headers[name]
    return garbled


async def _apply_then_drop(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Carry the request out, then hang up before answering: the answer is lost."""
    request[FAULT] = "apply_then_drop"
    response = await handler(request)
    transport = request.transport
    if transport is not None:
        transport.abort()
    # Logged as nginx logs a request whose client is gone; nothing reaches the client.
    response.set_status(499)
    return response


@web.middleware
async def authenticate(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Require a live bearer token of a client the ASP console still grants."""
    if request.path.startswith(API_PREFIXES):
        lwa_service = get_sim(request).lwa
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(401, "The access token is missing.")
        try:
            record = lwa_service.check_access_token(token.strip())
        except TokenProblemError as problem:
            raise ApiError(401, str(problem)) from problem
        if not lwa_service.client_granted(record.client_id):
            raise ApiError(403, "The client isn't granted access to this organization.")
    return await handler(request)


@web.middleware
async def play_readings(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Outermost, when an alternative reading is played: reshape what the routes answered."""
    return await readings.reshape(get_sim(request).readings, request, handler)


async def _save(request: web.Request) -> web.Response:
    saver = request.app.get(persistence.SAVER_KEY)
    if saver is None:
        raise ApiError(409, "The simulator runs without --state-file.")
    await saver.save_now()
    return web.json_response({"saved": str(saver.path)})


def build_app(
    config: SimulatorConfig | None = None, *, clock: Clock | None = None
) -> web.Application:
    """Create the application: seeded (or loaded from config.state_file), routes, middlewares.

    The Simulator is at ``app[SIMULATOR_KEY]`` (or ``simulator_of(app)``); its
    ``credentials`` hold the client ID, client secret, a working refresh token and the
    organization ID.
    """
    config = config or SimulatorConfig()
    sim = Simulator(config, clock)
    loaded = config.state_file is not None and persistence.load_file(sim, config.state_file)
    if loaded:
        client = sim.lwa.store.clients.get(sim.client_id)
        if client is not None:
            client.redirect_uris = config.redirect_uris
    else:
        sim.install_client()
        seed_state(
            sim.state,
            communities=config.communities,
            homes=config.homes,
            devices_per_home=config.devices_per_home,
            spare_devices=config.spare_devices,
        )
    admin.apply_fault_settings(sim, asdict(config.faults))
    outermost = [play_readings] if config.readings.reshapes else []
    app = web.Application(middlewares=[*outermost, observe, inject_faults, authenticate])
    app[SIMULATOR_KEY] = sim
    app[LWA_KEY] = sim.lwa
    for module in (
        lwa,
        routes_homes,
        routes_occupancy,
        routes_skills,
        routes_endpoints,
        routes_features,
        routes_units,
        routes_automations,
        admin,
    ):
        module.add_routes(app)
    app.router.add_post("/_admin/save", _save)
    if config.state_file is not None:
        persistence.attach(app, config.state_file)
    return app


def simulator_of(app: web.Application) -> Simulator:
    """Return the Simulator behind an application built by build_app."""
    return app[SIMULATOR_KEY]
