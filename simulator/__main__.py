"""Command line: ``python -m simulator --port 8787 --seed 1 --homes 40``."""

import argparse
import asyncio
import json
import signal
import sys
from pathlib import Path

from aiohttp import web

from .app import build_app, simulator_of
from .core import SimulatorConfig
from .faults import FaultSettings
from .readings import READING_NAMES, readings_named


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m simulator",
        description="Alexa Smart Properties simulator (the five ASP APIs plus Login with Amazon).",
    )
    add = parser.add_argument
    add("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    add("--port", type=int, default=8787, help="port (default 8787; 0 picks a free one)")
    add("--seed", type=int, default=1, help="seed for the generated property (default 1)")
    add("--communities", type=int, default=3, help="home communities (default 3)")
    add("--homes", type=int, default=40, help="homes in all (default 40)")
    add("--devices-per-home", type=int, default=5, help="endpoints per home (default 5)")
    add("--spare-devices", type=int, default=4, help="unassigned endpoints (default 4)")
    add("--state-file", type=Path, help="load from / save to this JSON file")
    add("--occupancy-delay", type=float, default=2.0, help="seconds an occupancy change takes")
    add("--skill-delay", type=float, default=2.0, help="seconds a skill stays ENABLING")
    add("--reboot-delay", type=float, default=5.0, help="seconds offline after re-association")
    add("--token-lifetime", type=int, default=3600, help="access token lifetime in seconds")
    add("--no-rotate-refresh-tokens", action="store_true", help="keep refresh tokens on refresh")
    add("--no-require-pkce", action="store_true", help="allow the code grant without PKCE")
    add("--redirect-uri", action="append", help="allowed OAuth return URL (repeatable)")
    add("--batch-limit", type=int, default=100, help="max items in a batch enablement")
    add("--request-log-size", type=int, default=1000, help="entries kept in the request log")
    add("--latency-ms", type=float, default=0.0, help="added latency per API request")
    add("--latency-jitter-ms", type=float, default=0.0, help="random extra latency (max)")
    add("--rate-429", type=float, default=0.0, help="share of requests answered 429 + Retry-After")
    add("--rate-429-bare", type=float, default=0.0, help="share answered 429 without Retry-After")
    add("--retry-after", type=int, default=2, help="Retry-After seconds (default 2)")
    add("--rate-500", type=float, default=0.0, help="share of requests answered 500")
    add("--rate-503", type=float, default=0.0, help="share of requests answered 503")
    add("--rate-hang", type=float, default=0.0, help="share of requests that hang")
    add("--hang-seconds", type=float, default=600.0, help="how long a hung request hangs")
    add("--rate-malformed", type=float, default=0.0, help="share answered with broken JSON")
    add("--early-expiry-seconds", type=float, help="access tokens die this soon after issue")
    add("--fault-path", help="regex: only matching paths get rate-based faults")
    add("--fault-seed", type=int, default=0, help="seed for rate-based faults")
    add("--faults-on-lwa", action="store_true", help="rate-based faults hit /auth/o2/token too")
    add(
        "--reading",
        action="append",
        choices=sorted(READING_NAMES),
        default=[],
        help="play an alternative reading of the API pages (repeatable; docs/contract.md)",
    )
    add("--json", action="store_true", help="print the connection details as one JSON line")
    return parser.parse_args(argv)


def config_from_args(args: argparse.Namespace) -> SimulatorConfig:
    """Turn parsed flags into a SimulatorConfig."""
    return SimulatorConfig(
        seed=args.seed,
        communities=args.communities,
        homes=args.homes,
        devices_per_home=args.devices_per_home,
        spare_devices=args.spare_devices,
        occupancy_delay=args.occupancy_delay,
        skill_enable_delay=args.skill_delay,
        reboot_delay=args.reboot_delay,
        access_token_lifetime=args.token_lifetime,
        rotate_refresh_tokens=not args.no_rotate_refresh_tokens,
        require_pkce=not args.no_require_pkce,
        redirect_uris=args.redirect_uri,
        batch_limit=args.batch_limit,
        state_file=args.state_file,
        request_log_size=args.request_log_size,
        readings=readings_named(args.reading),
        faults=FaultSettings(
            latency_ms=args.latency_ms,
            latency_jitter_ms=args.latency_jitter_ms,
            rate_429=args.rate_429,
            rate_429_bare=args.rate_429_bare,
            retry_after_seconds=args.retry_after,
            rate_500=args.rate_500,
            rate_503=args.rate_503,
            rate_hang=args.rate_hang,
            hang_seconds=args.hang_seconds,
            rate_malformed=args.rate_malformed,
            early_expiry_seconds=args.early_expiry_seconds,
            path_pattern=args.fault_path,
            include_lwa=args.faults_on_lwa,
            seed=args.fault_seed,
        ),
    )


async def serve(args: argparse.Namespace) -> None:
    """Start serving, print how to connect, run until SIGINT/SIGTERM."""
    # Handlers first: whoever reads the printed details may signal right away.
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    app = build_app(config_from_args(args))
    sim = simulator_of(app)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, args.host, args.port)
    await site.start()
    host, port = runner.addresses[0][:2]
    base = f"http://{host}:{port}"
    creds = sim.credentials
    details = {
        "baseUrl": base,
        "organizationId": creds.organization_id,
        "clientId": creds.client_id,
        "clientSecret": creds.client_secret,
        "refreshToken": creds.refresh_token,
        "authorizeUrl": f"{base}/ap/oa",
        "tokenUrl": f"{base}/auth/o2/token",
        "adminUrl": f"{base}/_admin",
    }
    if args.json:
        print(json.dumps(details), flush=True)
    else:
        state = sim.state
        print(f"ASP simulator listening on {base}")
        print(
            f"  {len(state.communities)} communities, {len(state.homes)} homes, "
            f"{len(state.endpoints)} endpoints (seed {state.seed})"
        )
        width = max(len(key) for key in details)
        for key, value in details.items():
            print(f"  {key:<{width}}  {value}")
        print("Refresh tokens rotate: store the one each refresh returns.", flush=True)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    args = parse_args(argv)
    try:
        asyncio.run(serve(args))
    except OSError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
