"""The one-command demo: the simulator with a demo property and a real Home Assistant.

Run through `scripts/develop`, which sets the environments up first. The first run makes
`.dev/` (ignored by git): the simulator's state file, Home Assistant's configuration
folder, the login it made and the logs. It completes Home Assistant's onboarding, adds the
integration against the simulator through the real config flow and prints the URL of the
property manager's dashboard. Later runs reuse all of it and are ready in seconds.
Ctrl-C stops Home Assistant, then the simulator (which saves its state).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import secrets
import signal
import sys
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from scripts.dev import harness
from scripts.dev.harness import HaApiError, HarnessError, HomeAssistantApi, Login, Process

DEV = harness.REPO / ".dev"
HA_CONFIG = DEV / "ha-config"
SIM_STATE = DEV / "simulator-state.json"
RECORD = DEV / "demo.json"
LOGS = DEV / "logs"


@dataclass(slots=True)
class Record:
    """What a later run reuses: ports, the login made at onboarding, an API token."""

    ha_port: int = 8123
    sim_port: int = 8787
    login: Login | None = None
    token: str | None = None
    entry_id: str | None = None
    created: str = field(default_factory=harness.now_iso)

    @classmethod
    def load(cls) -> Record | None:
        """Read .dev/demo.json, or None on a first run."""
        try:
            raw: dict[str, Any] = json.loads(RECORD.read_text())
        except OSError, ValueError:
            return None
        login = raw.get("login")
        return cls(
            ha_port=int(raw.get("ha_port", 8123)),
            sim_port=int(raw.get("sim_port", 8787)),
            login=Login(**login) if isinstance(login, dict) else None,
            token=raw.get("token"),
            entry_id=raw.get("entry_id"),
            created=str(raw.get("created", "")),
        )

    def save(self) -> None:
        """Write .dev/demo.json, readable by its owner only (it holds a password)."""
        RECORD.parent.mkdir(parents=True, exist_ok=True)
        RECORD.touch(mode=0o600, exist_ok=True)
        data = {
            "ha_port": self.ha_port,
            "sim_port": self.sim_port,
            "login": None
            if self.login is None
            else {
                "name": self.login.name,
                "username": self.login.username,
                "password": self.login.password,
            },
            "token": self.token,
            "entry_id": self.entry_id,
            "created": self.created,
        }
        RECORD.write_text(json.dumps(data, indent=2) + "\n")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        prog="scripts/develop",
        description="Run the simulator and Home Assistant with the integration set up.",
    )
    add = parser.add_argument
    add("--ha-port", type=int, help="Home Assistant's port (default 8123, then as before)")
    add("--sim-port", type=int, help="the simulator's port (default 8787, then as before)")
    add("--homes", type=int, default=12, help="homes in the demo property (first run)")
    add("--communities", type=int, default=2, help="home communities (first run)")
    add("--reset", action="store_true", help="forget .dev/ (Home Assistant and simulator state)")
    add("--check", action="store_true", help="stop once everything is ready (smoke test)")
    return parser.parse_args(argv)


def say(message: str) -> None:
    """Print a progress line."""
    print(f"[develop] {message}", flush=True)


def reset() -> None:
    """Remove what earlier runs made (only the demo's own files under .dev/)."""
    import shutil  # noqa: PLC0415 - only needed here

    shutil.rmtree(HA_CONFIG, ignore_errors=True)
    shutil.rmtree(LOGS, ignore_errors=True)
    for path in (SIM_STATE, RECORD):
        path.unlink(missing_ok=True)
    say("removed .dev/ha-config, .dev/logs, the simulator state and the demo record")


class Demo:
    """Bring both services up, keep them running, stop them in order."""

    def __init__(self, args: argparse.Namespace, record: Record) -> None:
        """Plan a run with the given ports and sizes."""
        self.args = args
        self.record = record
        self.sim_options = harness.SimulatorOptions(
            port=record.sim_port,
            state_file=SIM_STATE,
            communities=args.communities,
            homes=args.homes,
        )
        self.processes: list[Process] = []
        self.fresh = not (HA_CONFIG / ".storage" / "onboarding").exists()

    @property
    def ha_url(self) -> str:
        """Return Home Assistant's base URL."""
        return f"http://{harness.HOST}:{self.record.ha_port}"

    def check_ports(self) -> None:
        """Fail early, with a hint, when a port is taken."""
        for what, port, flag in (
            ("Home Assistant", self.record.ha_port, "--ha-port"),
            ("the simulator", self.record.sim_port, "--sim-port"),
        ):
            if not harness.port_is_free(port):
                raise HarnessError(
                    f"port {port} for {what} is taken (another demo running?); "
                    f"pick another with {flag}"
                )

    async def start(self, session: aiohttp.ClientSession) -> None:
        """Start both services and make sure the integration is set up."""
        self.check_ports()
        LOGS.mkdir(parents=True, exist_ok=True)
        sim = harness.start_simulator(self.sim_options, LOGS / "simulator.log")
        self.processes.append(sim)
        harness.write_ha_config(HA_CONFIG, self.record.ha_port)
        ha = harness.start_home_assistant(HA_CONFIG, LOGS / "home-assistant.log")
        self.processes.append(ha)
        if self.fresh:
            say(
                "first start: Home Assistant installs what its frontend needs into .venv-ha "
                "(a minute or two, once)"
            )
        details = await harness.wait_for_simulator(session, self.sim_options.base_url, sim)
        say(f"simulator ready at {details['baseUrl']}")
        await harness.wait_for_http(session, self.ha_url, ha)
        api = HomeAssistantApi(session, self.ha_url, self.record.token)
        await self.log_in(api)
        await api.wait_until_running(ha)
        await api.ignore_install_method_warning()
        say("Home Assistant is running")
        await self.ensure_integration(api, session, details)
        removed = await api.remove_onboarding_extras()
        if removed:
            say(f"removed what onboarding added in the background: {', '.join(removed)}")

    async def log_in(self, api: HomeAssistantApi) -> None:
        """Onboard a fresh Home Assistant, or reuse the saved token (or log in again)."""
        record = self.record
        if record.login is None:
            record.login = Login("Property manager", "demo", secrets.token_urlsafe(9))
        if record.token is not None:
            try:
                await api.request("GET", "/api/")
            except HaApiError as err:
                if err.status != 401:
                    raise
                api.token = None
            else:
                return
        try:
            created = await api.onboard(record.login)
        except HarnessError as err:
            raise HarnessError(
                f"{err}\nThe Home Assistant in .dev/ha-config was made by another run; "
                "start over with: scripts/develop --reset"
            ) from err
        if created:
            say(f"onboarding done: user {record.login.username!r} created")
        record.token = await api.long_lived_token("scripts/develop")
        record.save()

    async def ensure_integration(
        self, api: HomeAssistantApi, session: aiohttp.ClientSession, details: dict[str, Any]
    ) -> None:
        """Add the integration unless a working entry exists; replace a broken one."""
        for entry in await api.entries():
            state = await api.wait_for_entry(entry["entry_id"])
            if state == "loaded":
                self.record.entry_id = entry["entry_id"]
                say(f"integration loaded ({entry['title']})")
                return
            # A simulator state file lost or rewritten: the stored refresh token is unknown.
            say(f"integration entry in state {state!r}: adding it again")
            await api.remove_entry(entry["entry_id"])
        token = await harness.new_refresh_token(session, self.sim_options.base_url)
        entry_id = await api.add_integration(details, token)
        state = await api.wait_for_entry(entry_id)
        if state != "loaded":
            raise HarnessError(f"the integration did not load (state {state!r})")
        self.record.entry_id = entry_id
        self.record.save()
        say("integration added through the config flow (refresh token, custom endpoint)")

    async def tidy(self, session: aiohttp.ClientSession) -> None:
        """Remove what onboarding sets up in the background once it appears, then idle.

        Those integrations install their requirements first, so they can show up a while
        after onboarding; each start removes leftovers too.
        """
        api = HomeAssistantApi(session, self.ha_url, self.record.token)
        for _ in range(24 if self.fresh else 0):
            await asyncio.sleep(5)
            with contextlib.suppress(HarnessError, aiohttp.ClientError):
                if removed := await api.remove_onboarding_extras():
                    say(f"removed what onboarding added in the background: {', '.join(removed)}")
        await asyncio.Event().wait()

    def stop(self) -> None:
        """Stop Home Assistant first, then the simulator (it saves its state on the way out)."""
        for process in reversed(self.processes):
            if process.alive:
                say(f"stopping {process.name}")
            code = process.stop()
            if code not in (0, None, -signal.SIGTERM):
                say(f"{process.name} exited with {code}; see {process.log_path}")
        self.processes.clear()

    def died(self) -> Process | None:
        """Return a service that stopped on its own."""
        return next((process for process in self.processes if not process.alive), None)

    def banner(self, seconds: float) -> None:
        """Print where to go and how to log in."""
        login = self.record.login
        assert login is not None
        rel = Path(".dev")
        lines = [
            "",
            f"Alexa Smart Properties demo ready in {seconds:.1f} s "
            f"({'first run' if self.fresh else 'reused .dev/'})",
            f"  Dashboard        {self.ha_url}/{harness.DASHBOARD_PATH}",
            f"  Home Assistant   {self.ha_url}  (Home Assistant {harness.ha_version()})",
            f"  Log in as        {login.username} / {login.password}",
            f"  Simulator        {self.sim_options.base_url}  (admin API: /_admin)",
            f"  Logs             {rel / 'logs'}/home-assistant.log, simulator.log",
            "  Ctrl-C stops both; scripts/develop --reset starts over.",
            "",
        ]
        print("\n".join(lines), flush=True)


async def _first(*awaitables: Awaitable[Any]) -> None:
    """Wait until the first of several awaitables finishes; cancel the rest."""
    tasks = [asyncio.ensure_future(awaitable) for awaitable in awaitables]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            task.result()
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def run(args: argparse.Namespace) -> int:
    """Bring the demo up, wait for Ctrl-C (or a service dying), stop it."""
    started = time.monotonic()
    if args.reset:
        reset()
    record = Record.load() or Record()
    record.ha_port = args.ha_port or record.ha_port
    record.sim_port = args.sim_port or record.sim_port
    demo = Demo(args, record)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        loop.add_signal_handler(sig, stop.set)

    async def watch() -> None:
        # Polled: a child's exit has no event on this loop (its pipes go to log files).
        while (process := demo.died()) is None:  # noqa: ASYNC110
            await asyncio.sleep(1)
        raise HarnessError(f"{process.name} stopped:\n{process.log_tail()}")

    try:
        async with aiohttp.ClientSession() as session:
            await _first(demo.start(session), stop.wait())
            if stop.is_set():
                return 130
            record.save()
            demo.banner(time.monotonic() - started)
            if not args.check:
                await _first(stop.wait(), watch(), demo.tidy(session))
    except HarnessError as err:
        print(f"[develop] error: {err}", file=sys.stderr, flush=True)
        return 1
    else:
        return 0
    finally:
        # Ctrl-C again while stopping must not leave a service behind.
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            loop.add_signal_handler(sig, lambda: None)
        demo.stop()


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    args = parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        return asyncio.run(run(args))
    return 130


if __name__ == "__main__":
    sys.exit(main())
