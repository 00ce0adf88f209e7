"""A real Home Assistant, the simulator and Debian's Chromium, driven by Playwright.

One stack per module: the simulator and a Home Assistant from `.venv-ha` in a fresh
configuration folder, onboarded over its API (the browser then logs in like a user).
They run in a pytest session of their own, without Home Assistant's test plugin.
Screenshots go to `artifacts/browser/`, Home Assistant's log next to them.

Without Chromium or the Home Assistant runtime (`scripts/setup --browser`) the tests are
skipped; in CI (`CI` set) they fail instead, so CI cannot pass without running them.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp
import pytest

from scripts.dev import harness
from scripts.dev.harness import HomeAssistantApi, Login, Process

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

ARTIFACTS = harness.REPO / "artifacts" / "browser"
CHROMIUM_CANDIDATES = (
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
)
# Headless, no sandbox (root in a chroot), and nothing that reaches out to the internet.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOGIN = Login("Property manager", "manager", "browser-test-password")


def chromium_path() -> str | None:
    """Return the Chromium to drive: $ASP_CHROMIUM, else a system one."""
    if candidate := os.environ.get("ASP_CHROMIUM"):
        return candidate
    return next((path for path in CHROMIUM_CANDIDATES if Path(path).exists()), None)


def _missing() -> str | None:
    if chromium_path() is None:
        return "no Chromium (scripts/setup --browser installs Debian's)"
    if not harness.HA_PYTHON.exists():
        return "no Home Assistant runtime (scripts/setup --browser creates .venv-ha)"
    try:
        import playwright.sync_api  # noqa: F401, PLC0415
    except ImportError:
        return "no Playwright (the 'browser' dependency group)"
    return None


OWN_SESSION = (
    "browser tests run in a pytest session of their own, without Home Assistant's test "
    "plugin (its per-test event loops clash with Playwright's): scripts/test runs them, "
    "or: scripts/run pytest -p no:homeassistant tests/browser"
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the browser tests where they cannot run; in CI they run (and fail) instead."""
    reason = OWN_SESSION if config.pluginmanager.has_plugin("homeassistant") else _missing()
    if reason is None or (reason != OWN_SESSION and os.environ.get("CI")):
        return
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.skip(reason=reason))


def run[T](factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine to completion on its own loop in a worker thread.

    Playwright's sync API keeps an event loop in the main thread, so no `asyncio.run`
    there.
    """
    result: list[T] = []
    error: list[BaseException] = []

    def target() -> None:
        try:
            result.append(asyncio.run(factory()))
        except BaseException as err:
            error.append(err)

    thread = threading.Thread(target=target, name="browser-test-api")
    thread.start()
    thread.join()
    if error:
        raise error[0]
    return result[0]


@dataclass(slots=True)
class Stack:
    """The running services and how to reach them."""

    ha_url: str
    sim_url: str
    sim: dict[str, Any]
    token: str
    config_dir: Path

    def api[T](self, call: Callable[[HomeAssistantApi], Coroutine[Any, Any, T]]) -> T:
        """Make Home Assistant API calls (to check what the browser did)."""

        async def go() -> T:
            async with aiohttp.ClientSession() as session:
                return await call(HomeAssistantApi(session, self.ha_url, self.token))

        return run(go)

    def state(self, entity_id: str) -> dict[str, Any]:
        """Return an entity's state object."""
        found: dict[str, Any] = self.api(lambda api: api.request("GET", f"/api/states/{entity_id}"))
        return found

    def simulator(self, path: str) -> Any:
        """GET from the simulator's admin API."""

        async def go() -> Any:
            async with (
                aiohttp.ClientSession() as session,
                session.get(f"{self.sim_url}/_admin{path}") as resp,
            ):
                resp.raise_for_status()
                return await resp.json()

        return run(go)


def _bring_up(config_dir: Path, sim: Process, ha: Process, sim_url: str, ha_url: str) -> Stack:
    async def go() -> Stack:
        async with aiohttp.ClientSession() as session:
            details = await harness.wait_for_simulator(session, sim_url, sim)
            await harness.wait_for_http(session, ha_url, ha)
            api = HomeAssistantApi(session, ha_url)
            await api.onboard(LOGIN)
            await api.wait_until_running(ha)
            await api.ignore_install_method_warning()
            token = await api.long_lived_token("browser tests")
            await api.remove_onboarding_extras()
            return Stack(ha_url, sim_url, details, token, config_dir)

    return run(go)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Start the simulator and a fresh, onboarded Home Assistant; stop both afterwards."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    work = tmp_path_factory.mktemp("browser-stack")
    config_dir = work / "ha-config"
    sim_options = harness.SimulatorOptions(
        port=harness.free_port(), communities=1, homes=6, occupancy_delay=1.0
    )
    ha_port = harness.free_port()
    harness.write_ha_config(config_dir, ha_port, name="ASP browser test")
    # Started from the main thread: a child stops when the thread that started it ends.
    sim = harness.start_simulator(sim_options, work / "simulator.log")
    ha = harness.start_home_assistant(config_dir, work / "home-assistant.log")
    try:
        yield _bring_up(
            config_dir, sim, ha, sim_options.base_url, f"http://{harness.HOST}:{ha_port}"
        )
    finally:
        ha.stop()
        sim.stop()
        for log in (ha.log_path, sim.log_path):
            shutil.copy(log, ARTIFACTS / log.name)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Launch Debian's Chromium, headless (never a downloaded browser)."""
    if reason := _missing():
        pytest.fail(f"browser tests cannot run: {reason}")
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - optional group

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def page(browser: Browser, stack: Stack) -> Iterator[Page]:
    """One tab for the whole module: the steps build on each other, like a user's session."""
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, locale="en-US", timezone_id="America/New_York"
    )
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    yield tab
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep each phase's report on the item, for the screenshot-on-failure fixture."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(autouse=True)
def screenshot_on_failure(request: pytest.FixtureRequest) -> Iterator[None]:
    """Save what the browser showed when a browser test failed."""
    yield
    report = getattr(request.node, "report_call", None)
    if report is None or not report.failed or "page" not in request.fixturenames:
        return
    tab: Page = request.getfixturevalue("page")
    tab.screenshot(path=ARTIFACTS / f"FAILED-{request.node.name}.png", full_page=True)


def shot(tab: Page, name: str, *, full_page: bool = True) -> Path:
    """Save a screenshot as a test artifact; return its path."""
    path = ARTIFACTS / f"{name}.png"
    tab.screenshot(path=path, full_page=full_page)
    return path
