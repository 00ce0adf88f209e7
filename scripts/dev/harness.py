"""Run the ASP simulator and a real Home Assistant side by side, and drive Home Assistant.

Shared by `scripts/develop` (the demo) and `tests/browser` (Playwright). Everything binds to
127.0.0.1. Home Assistant runs from `.venv-ha` (`scripts/setup --ha`), never from the test
venv: it installs the requirements of what it loads into the venv it runs from, and the
newest release does not match the release the test harness pins.

Processes are started from the calling thread with subprocess (call these functions from
the main thread: a child is told to stop when the thread that started it ends). The HTTP
and websocket calls are coroutines on aiohttp.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp

REPO = Path(__file__).resolve().parents[2]
DOMAIN = "alexa_smart_properties"
HA_VENV = REPO / ".venv-ha"
HA_PYTHON = HA_VENV / "bin" / "python"
EXAMPLES = REPO / "examples"
BLUEPRINTS = REPO / "blueprints"
HOST = "127.0.0.1"
DASHBOARD_PATH = "property-console"  # the integration's dashboard strategy
TABLES_PATH = "property-manager"  # the Jinja tables example

# Integrations the onboarding's core_config step sets up in the background. They need
# the internet (met, radio_browser) or add nothing to a demo; the demo removes them.
ONBOARDING_EXTRAS = ("google_translate", "met", "radio_browser", "shopping_list")

PR_SET_PDEATHSIG = 1
JsonDict = dict[str, Any]


class HarnessError(Exception):
    """Something the demo or a browser test needs did not happen."""


# --- Processes ---------------------------------------------------------------------------


def _die_with_parent() -> None:
    """Run in the child before exec: SIGTERM when the parent thread ends (Linux)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass(slots=True)
class Process:
    """A child in its own process group, its output in a log file."""

    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path

    @property
    def alive(self) -> bool:
        """Return True while the process runs."""
        return self.popen.poll() is None

    def log_tail(self, lines: int = 30) -> str:
        """Return the end of the log, to show why something failed."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, within: float = 60.0) -> int | None:
        """SIGTERM the process group, wait, then SIGKILL what is left; return the exit code."""
        if self.alive:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(within)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(10)
        return self.popen.returncode


def start_process(
    name: str, argv: Sequence[str], log_path: Path, env: Mapping[str, str] | None = None
) -> Process:
    """Start argv from the repository root in a new session, output to log_path.

    A new session keeps the terminal's Ctrl-C away from the child: the parent decides
    the order of shutdown.
    """
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        popen = subprocess.Popen(  # noqa: S603 - our own argv
            list(argv),
            cwd=REPO,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            start_new_session=True,
            preexec_fn=_die_with_parent,  # noqa: PLW1509 - only prctl, no locks
        )
    return Process(name, popen, log_path)


def port_is_free(port: int, host: str = HOST) -> bool:
    """Return True when nothing listens on host:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = HOST) -> int:
    """Return a port nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


# --- Simulator ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SimulatorOptions:
    """The demo property and where the simulator listens."""

    port: int
    state_file: Path | None = None
    seed: int = 1
    communities: int = 2
    homes: int = 12
    devices_per_home: int = 5
    spare_devices: int = 2
    occupancy_delay: float = 2.0

    @property
    def base_url(self) -> str:
        """Return the simulator's base URL (the ASP API and Login with Amazon)."""
        return f"http://{HOST}:{self.port}"

    def argv(self) -> list[str]:
        """Return the command line (the simulator runs on the test venv's Python)."""
        argv = [
            sys.executable,
            "-m",
            "simulator",
            "--host",
            HOST,
            "--port",
            str(self.port),
            "--seed",
            str(self.seed),
            "--communities",
            str(self.communities),
            "--homes",
            str(self.homes),
            "--devices-per-home",
            str(self.devices_per_home),
            "--spare-devices",
            str(self.spare_devices),
            "--occupancy-delay",
            str(self.occupancy_delay),
        ]
        if self.state_file is not None:
            argv += ["--state-file", str(self.state_file)]
        return argv


def start_simulator(options: SimulatorOptions, log_path: Path) -> Process:
    """Start the simulator (wait for it with `wait_for_simulator`)."""
    return start_process("simulator", options.argv(), log_path, {"PYTHONUNBUFFERED": "1"})


async def wait_for_simulator(
    session: aiohttp.ClientSession, base_url: str, process: Process, within: float = 30.0
) -> JsonDict:
    """Wait until the simulator answers; return its connection details."""
    deadline = time.monotonic() + within
    while True:
        if not process.alive:
            raise HarnessError(f"the simulator exited:\n{process.log_tail()}")
        with contextlib.suppress(aiohttp.ClientError):
            async with session.get(f"{base_url}/_admin/credentials") as resp:
                if resp.status == 200:
                    details: JsonDict = await resp.json()
                    return details
        if time.monotonic() > deadline:
            raise HarnessError(f"the simulator did not answer in {within:.0f} s")
        await asyncio.sleep(0.2)


async def new_refresh_token(session: aiohttp.ClientSession, base_url: str) -> str:
    """Start an independent grant at the simulator (as if an admin had signed in)."""
    async with session.post(f"{base_url}/_admin/tokens/refresh-token") as resp:
        resp.raise_for_status()
        token: str = (await resp.json())["refreshToken"]
        return token


# --- Home Assistant configuration --------------------------------------------------------

CONFIGURATION_YAML = """\
# Written by scripts/dev/harness.py on every start: edits here are overwritten.
# A lean configuration: `default_config:` pulls in integrations whose binaries or
# network access this environment lacks (go2rtc, for one).
homeassistant:
  name: {name}

api:
config:
frontend:
onboarding:
history:
logbook:
logger:
  default: warning
  logs:
    homeassistant.bootstrap: info
    homeassistant.setup: warning
    custom_components.alexa_smart_properties: info
    # No ffmpeg or libturbojpeg here: their integrations load with assist, unused by the demo.
    haffmpeg: critical
    homeassistant.components.camera.img_util: critical

automation: !include automations.yaml
script: !include scripts.yaml

lovelace:
  dashboards:
    {dashboard}:
      mode: yaml
      filename: dashboards/property_console.yaml
      title: Properties
      icon: mdi:office-building
      show_in_sidebar: true
    {tables}:
      mode: yaml
      filename: dashboards/property_manager.yaml
      title: Property tables
      icon: mdi:table-large
      show_in_sidebar: true
"""

HTTP_STORE_SCRIPT = """
import json, sys
from datetime import UTC, datetime
from homeassistant.components.http import config as http_config

host, port = sys.argv[1], int(sys.argv[2])
conf = {
    key: str(value) if hasattr(value, "value") else value
    for key, value in http_config.HTTP_STORAGE_SCHEMA(
        {"server_host": [host], "server_port": port}
    ).items()
}
conf.update(created_at=datetime.now(UTC).isoformat(), error=None, error_message=None)
print(json.dumps({
    "version": http_config.STORAGE_VERSION,
    "minor_version": http_config.STORAGE_MINOR_VERSION,
    "key": "http",
    "data": {"stable": conf, "pending": None, "yaml_migration_done": True},
}, indent=2))
"""


def _link(link: Path, target: Path) -> None:
    """Point link at target (replacing an older link or copy)."""
    if link.is_symlink() and link.resolve() == target.resolve():
        return
    if link.is_symlink() or link.is_file():
        link.unlink()
    elif link.is_dir():
        shutil.rmtree(link)
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target)


def _link_files(folder: Path, source: Path) -> None:
    """Make folder a real directory of links to source's YAML files.

    Home Assistant finds blueprints with a recursive glob, which does not enter a linked
    directory; linked files are fine.
    """
    if folder.is_symlink():
        folder.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    wanted = {path.name for path in source.glob("*.yaml")}
    for stale in folder.iterdir():
        if stale.is_symlink() and stale.name not in wanted:
            stale.unlink()
    for name in sorted(wanted):
        _link(folder / name, source / name)


def _http_store_matches(path: Path, port: int) -> bool:
    try:
        data = json.loads(path.read_text())["data"]
        stable = data["stable"]
    except OSError, ValueError, KeyError, TypeError:
        return False
    return (
        data.get("pending") is None
        and stable.get("server_host") == [HOST]
        and stable.get("server_port") == port
    )


def write_ha_config(config_dir: Path, port: int, *, name: str = "ASP demo") -> None:
    """Write a lean configuration: the integration, blueprints, dashboard and scripts linked in.

    Home Assistant 2026.11 keeps its HTTP settings in storage (YAML `http:` becomes a
    five-minute trial there), so the listen address goes into `.storage/http` directly,
    written with Home Assistant's own schema, before Home Assistant starts.
    """
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "configuration.yaml").write_text(
        CONFIGURATION_YAML.format(name=name, dashboard=DASHBOARD_PATH, tables=TABLES_PATH)
    )
    for empty in ("automations.yaml",):
        path = config_dir / empty
        if not path.exists():
            path.write_text("[]\n")
    _link(config_dir / "custom_components" / DOMAIN, REPO / "custom_components" / DOMAIN)
    _link_files(
        config_dir / "blueprints" / "automation" / DOMAIN, BLUEPRINTS / "automation" / DOMAIN
    )
    for dashboard in ("property_console.yaml", "property_manager.yaml"):
        _link(config_dir / "dashboards" / dashboard, EXAMPLES / "dashboards" / dashboard)
    _link(config_dir / "scripts.yaml", EXAMPLES / "scripts.yaml")

    store = config_dir / ".storage" / "http"
    if not _http_store_matches(store, port):
        result = subprocess.run(  # noqa: S603 - our own argv
            [str(HA_PYTHON), "-c", HTTP_STORE_SCRIPT, HOST, str(port)],
            check=True,
            capture_output=True,
            text=True,
        )
        store.parent.mkdir(parents=True, exist_ok=True)
        store.write_text(result.stdout)


def start_home_assistant(config_dir: Path, log_path: Path) -> Process:
    """Start Home Assistant from .venv-ha (wait for it with `wait_for_http`)."""
    if not HA_PYTHON.exists():
        raise HarnessError("no Home Assistant runtime: run scripts/setup --ha")
    argv = [str(HA_PYTHON), "-m", "homeassistant", "--config", str(config_dir), "--log-no-color"]
    return start_process("home assistant", argv, log_path)


def ha_version() -> str:
    """Return the version of Home Assistant in .venv-ha."""
    found = sorted(HA_VENV.glob("lib/python*/site-packages/homeassistant-*.dist-info"))
    return found[-1].name.removeprefix("homeassistant-").removesuffix(".dist-info") if found else ""


# --- Home Assistant APIs -----------------------------------------------------------------


class HaApiError(HarnessError):
    """Home Assistant answered a call with an error."""

    def __init__(self, what: str, status: int, body: str) -> None:
        """Keep the status for callers that expect some."""
        super().__init__(f"{what}: HTTP {status}: {body[:500]}")
        self.status = status


@dataclass(slots=True)
class Login:
    """The Home Assistant user the demo or a test made."""

    name: str
    username: str
    password: str


class HomeAssistantApi:
    """REST and websocket calls with one access token."""

    def __init__(
        self, session: aiohttp.ClientSession, base_url: str, token: str | None = None
    ) -> None:
        """Talk to base_url, authenticated with token once it is set."""
        self.session = session
        self.base_url = base_url
        self.token = token

    @property
    def client_id(self) -> str:
        """Return the IndieAuth client ID the frontend itself would use."""
        return f"{self.base_url}/"

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    async def request(self, method: str, path: str, payload: Any = None) -> Any:
        """Call the REST API; return the decoded JSON (or None for an empty body)."""
        async with self.session.request(
            method, self.base_url + path, json=payload, headers=self._headers()
        ) as resp:
            text = await resp.text()
            if resp.status >= 400:
                raise HaApiError(f"{method} {path}", resp.status, text)
            return json.loads(text) if text.strip() else None

    async def ws(self, *commands: JsonDict) -> list[Any]:
        """Send websocket commands one after the other on one connection; return results."""
        url = self.base_url.replace("http", "ws", 1) + "/api/websocket"
        results: list[Any] = []
        async with self.session.ws_connect(url) as socket_:
            await socket_.receive_json()  # auth_required
            await socket_.send_json({"type": "auth", "access_token": self.token})
            reply = await socket_.receive_json()
            if reply.get("type") != "auth_ok":
                raise HaApiError("websocket auth", 401, json.dumps(reply))
            for number, command in enumerate(commands, start=1):
                await socket_.send_json({"id": number, **command})
                while True:
                    message = await socket_.receive_json()
                    if message.get("id") == number and message.get("type") == "result":
                        break
                if not message.get("success"):
                    raise HaApiError(command["type"], 400, json.dumps(message.get("error")))
                results.append(message.get("result"))
        return results

    # --- authentication

    async def _token_from_code(self, code: str) -> JsonDict:
        form = {"grant_type": "authorization_code", "code": code, "client_id": self.client_id}
        async with self.session.post(f"{self.base_url}/auth/token", data=form) as resp:
            if resp.status != 200:
                raise HaApiError("POST /auth/token", resp.status, await resp.text())
            tokens: JsonDict = await resp.json()
        self.token = tokens["access_token"]
        return tokens

    async def log_in(self, login: Login) -> None:
        """Log in through the login flow, as the login page does."""
        flow = await self.request(
            "POST",
            "/auth/login_flow",
            {
                "client_id": self.client_id,
                "handler": ["homeassistant", None],
                "redirect_uri": f"{self.base_url}/?auth_callback=1",
            },
        )
        result = await self.request(
            "POST",
            f"/auth/login_flow/{flow['flow_id']}",
            {"client_id": self.client_id, "username": login.username, "password": login.password},
        )
        if result.get("type") != "create_entry":
            raise HarnessError(f"Home Assistant refused the login of {login.username!r}")
        await self._token_from_code(result["result"])

    async def onboard(self, login: Login) -> bool:
        """Complete whatever onboarding step is left, as the onboarding pages do.

        Returns True when this call created the user, False when it existed (then it
        logs in with `login`).
        """
        steps = await self.request("GET", "/api/onboarding")
        done = {step["step"] for step in steps if step["done"]}
        created = "user" not in done
        if created:
            answer = await self.request(
                "POST",
                "/api/onboarding/users",
                {
                    "client_id": self.client_id,
                    "name": login.name,
                    "username": login.username,
                    "password": login.password,
                    "language": "en",
                },
            )
            await self._token_from_code(answer["auth_code"])
        elif self.token is None:
            await self.log_in(login)
        if "core_config" not in done:
            await self.ws(
                {
                    "type": "config/core/update",
                    "location_name": "ASP demo",
                    "country": "US",
                    "currency": "USD",
                    "language": "en",
                    "time_zone": "America/New_York",
                    "unit_system": "us_customary",
                }
            )
            await self.request("POST", "/api/onboarding/core_config")
        if "analytics" not in done:
            await self.request("POST", "/api/onboarding/analytics")
        if "integration" not in done:
            await self.request(
                "POST",
                "/api/onboarding/integration",
                {"client_id": self.client_id, "redirect_uri": f"{self.base_url}/?auth_callback=1"},
            )
        return created

    async def long_lived_token(self, client_name: str) -> str:
        """Create a long-lived access token for the logged-in user."""
        (token,) = await self.ws(
            {"type": "auth/long_lived_access_token", "client_name": client_name, "lifespan": 3650}
        )
        return str(token)

    async def ignore_install_method_warning(self) -> None:
        """Ignore the repair that calls a Home Assistant Core install deprecated.

        Every venv install raises it; in a throwaway demo it is noise, not advice.
        """
        issues = (await self.ws({"type": "repairs/list_issues"}))[0]["issues"]
        for issue in issues:
            if issue["domain"] == "homeassistant" and issue["issue_id"] == "deprecated_method":
                await self.ws(
                    {
                        "type": "repairs/ignore_issue",
                        "domain": "homeassistant",
                        "issue_id": "deprecated_method",
                        "ignore": True,
                    }
                )

    # --- state

    async def wait_until_running(self, process: Process | None, within: float = 300.0) -> None:
        """Wait until Home Assistant reports it has started (its integrations set up)."""
        deadline = time.monotonic() + within
        while True:
            if process is not None and not process.alive:
                raise HarnessError(f"Home Assistant exited:\n{process.log_tail()}")
            with contextlib.suppress(aiohttp.ClientError, HaApiError):
                config = await self.request("GET", "/api/config")
                if config.get("state") == "RUNNING":
                    return
            if time.monotonic() > deadline:
                raise HarnessError(f"Home Assistant did not finish starting in {within:.0f} s")
            await asyncio.sleep(0.5)

    async def entries(self, domain: str = DOMAIN) -> list[JsonDict]:
        """Return the config entries of a domain."""
        found: list[JsonDict] = await self.request(
            "GET", f"/api/config/config_entries/entry?domain={domain}"
        )
        return found

    async def remove_entry(self, entry_id: str) -> None:
        """Delete a config entry."""
        await self.request("DELETE", f"/api/config/config_entries/entry/{entry_id}")

    async def remove_onboarding_extras(self) -> list[str]:
        """Delete the entries the onboarding added in the background; return their domains."""
        removed: list[str] = []
        for domain in ONBOARDING_EXTRAS:
            for entry in await self.entries(domain):
                await self.remove_entry(entry["entry_id"])
                removed.append(domain)
        return removed

    async def states(self) -> list[JsonDict]:
        """Return every entity state."""
        found: list[JsonDict] = await self.request("GET", "/api/states")
        return found

    async def call(self, domain: str, service: str, data: JsonDict) -> Any:
        """Perform an action."""
        return await self.request("POST", f"/api/services/{domain}/{service}", data)

    # --- the integration

    async def add_integration(self, sim: JsonDict, refresh_token: str) -> str:
        """Add the integration against a simulator through the real config flow; entry ID.

        The way in is the pasted refresh token (no browser needed); the region is the
        custom endpoint, i.e. the simulator's URL for both the API and Login with Amazon.
        """
        answers: dict[str, JsonDict] = {
            "refresh_token": {
                "client_id": sim["clientId"],
                "client_secret": sim["clientSecret"],
                "refresh_token": refresh_token,
            },
            "region": {"region": "custom"},
            "custom_endpoint": {"api_url": sim["baseUrl"], "lwa_url": sim["baseUrl"]},
            "organization": {"organization_id": sim["organizationId"]},
        }
        path = "/api/config/config_entries/flow"
        result = await self.request(
            "POST", path, {"handler": DOMAIN, "show_advanced_options": True}
        )
        for _ in range(10):
            kind, step = result.get("type"), result.get("step_id")
            if kind == "create_entry":
                entry_id: str = result["result"]["entry_id"]
                return entry_id
            if kind == "menu":
                payload: JsonDict = {"next_step_id": "refresh_token"}
            elif kind == "form" and not result.get("errors") and step in answers:
                payload = answers[step]
            else:
                raise HarnessError(f"unexpected config flow step: {json.dumps(result)[:800]}")
            result = await self.request("POST", f"{path}/{result['flow_id']}", payload)
        raise HarnessError("the config flow did not end")

    async def wait_for_entry(self, entry_id: str, within: float = 60.0) -> str:
        """Wait until the entry leaves its setup states; return the state it reached."""
        deadline = time.monotonic() + within
        state = "unknown"
        while time.monotonic() < deadline:
            for entry in await self.entries():
                if entry["entry_id"] == entry_id:
                    state = entry["state"]
            if state not in ("not_loaded", "setup_in_progress", "unknown"):
                return state
            await asyncio.sleep(0.5)
        return state


async def wait_for_http(
    session: aiohttp.ClientSession, base_url: str, process: Process, within: float = 300.0
) -> None:
    """Wait until Home Assistant's HTTP server answers (before its setup has finished)."""
    deadline = time.monotonic() + within
    while True:
        if not process.alive:
            raise HarnessError(f"Home Assistant exited:\n{process.log_tail()}")
        with contextlib.suppress(aiohttp.ClientError):
            # The frontend's manifest: no token needed (a 401 from /api/ would count as a
            # failed login and raise a notification).
            async with session.get(f"{base_url}/manifest.json") as resp:
                if resp.status == 200:
                    return
        if time.monotonic() > deadline:
            raise HarnessError(f"Home Assistant did not answer in {within:.0f} s")
        await asyncio.sleep(0.5)


def now_iso() -> str:
    """Return the current time for records."""
    return datetime.now(UTC).isoformat(timespec="seconds")
