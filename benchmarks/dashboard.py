"""`python -m benchmarks.dashboard` (or `scripts/bench-dashboard`): the property console at scale.

Brings up the simulator with an estate of --homes homes, a real Home Assistant (.venv-ha)
with the integration, and Debian's Chromium (Playwright); logs in like a user, then opens
each view of the console and prints how long it takes until every home's card is on the
page. Screenshots go to artifacts/browser/ (console-<homes>-<view>.png). Not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp

from scripts.dev import harness
from scripts.dev.harness import HomeAssistantApi, Login

if TYPE_CHECKING:
    from playwright.sync_api import Page

ARTIFACTS = harness.REPO / "artifacts" / "browser"
LOGIN = Login("Property manager", "manager", "dashboard-benchmark")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
TAG = "ll-strategy-dashboard-alexa-smart-properties"


async def bring_up(sim: harness.Process, ha: harness.Process, sim_url: str, ha_url: str) -> None:
    """Onboard Home Assistant and add the integration against the simulator."""
    async with aiohttp.ClientSession() as session:
        details = await harness.wait_for_simulator(session, sim_url, sim)
        await harness.wait_for_http(session, ha_url, ha)
        api = HomeAssistantApi(session, ha_url)
        await api.onboard(LOGIN)
        await api.wait_until_running(ha)
        await api.ignore_install_method_warning()
        api.token = await api.long_lived_token("dashboard benchmark")
        token = await harness.new_refresh_token(session, sim_url)
        entry_id = await api.add_integration(details, token)
        state = await api.wait_for_entry(entry_id, within=600)
        if state != "loaded":
            raise harness.HarnessError(f"the integration did not load ({state})")
        await api.remove_onboarding_extras()


def log_in(page: Page, ha_url: str) -> None:
    """Log in through Home Assistant's login page."""
    page.goto(ha_url)
    page.get_by_role("textbox", name="Username").fill(LOGIN.username)
    page.get_by_role("textbox", name="Password").fill(LOGIN.password)
    page.get_by_role("button", name="Log in").click()
    page.locator("ha-sidebar").wait_for()


def dashboard_config(page: Page) -> dict[str, Any]:
    """Generate the console in the page, as the frontend does; time the generation."""
    result: dict[str, Any] = page.evaluate(
        """async (tag) => {
            await customElements.whenDefined(tag);
            const hass = document.querySelector("home-assistant").hass;
            const started = performance.now();
            const config = await customElements.get(tag).generate({}, hass);
            return { ms: performance.now() - started, config };
        }""",
        TAG,
    )
    return result


def home_headings(view: dict[str, Any]) -> list[str]:
    """Return the names of the homes a community view shows, in order."""
    return [
        section["cards"][0]["heading"]
        for section in view["sections"]
        if section["cards"][0]["type"] == "heading"
    ]


def wait_for_homes(page: Page, names: list[str], started: float, what: str) -> float:
    """Wait until the view shows these homes' headings; return the seconds since started."""
    cards = page.locator("hui-heading-card")

    def shows(card: Any, name: str) -> bool:
        return bool(card.get_by_text(name, exact=True).count())

    while not (
        cards.count() == len(names)
        and shows(cards.first, names[0])
        and shows(cards.last, names[-1])
    ):
        if time.monotonic() - started > 120:
            raise harness.HarnessError(f"{what}: {cards.count()} of {len(names)} homes after 120 s")
        time.sleep(0.02)
    return time.monotonic() - started


def settle_and_shoot(page: Page, name: str, *, full_page: bool = False) -> None:
    """Let markdown and icons arrive (they render asynchronously), then take a screenshot."""
    page.locator("hui-markdown-card ha-markdown").first.wait_for()
    time.sleep(3)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=full_page)


def switch_view(page: Page, path: str) -> None:
    """Navigate inside the app, as a click on a tab does (no reload of the frontend)."""
    page.evaluate(
        """(path) => {
            history.pushState(null, "", path);
            window.dispatchEvent(new CustomEvent("location-changed", { detail: {} }));
        }""",
        path,
    )


def measure(ha_url: str, homes: int) -> None:
    """Open the console's views in Chromium and print the timings."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - optional group

    from tests.browser.conftest import chromium_path  # noqa: PLC0415

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
        )
        page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        page.set_default_timeout(120_000)
        log_in(page, ha_url)
        base = f"{ha_url}/{harness.DASHBOARD_PATH}"
        started = time.monotonic()
        page.goto(f"{base}/estate")
        page.locator("hui-tile-card").first.wait_for()
        print(f"estate view, page load: {time.monotonic() - started:.2f} s", flush=True)
        page.get_by_text("Open a community to see its homes").wait_for()
        settle_and_shoot(page, f"console-{homes}-estate", full_page=True)
        generated = dashboard_config(page)
        views = generated["config"]["views"]
        print(f"generate(): {generated['ms']:.1f} ms for {len(views)} views", flush=True)
        # Attention: every home has a section, shown only when needed (so not counted).
        started = time.monotonic()
        page.goto(f"{base}/attention")
        # Its homes' sections are those needing a look as it opens: maybe none.
        page.get_by_text("Homes with a change in progress").wait_for()
        print(f"attention view, page load: {time.monotonic() - started:.2f} s", flush=True)
        settle_and_shoot(page, f"console-{homes}-attention", full_page=True)
        # Vacant: a live filter of every home, per community (its headings are communities).
        vacant = views[2]
        started = time.monotonic()
        page.goto(f"{base}/{vacant['path']}")
        wait_for_homes(page, home_headings(vacant), started, vacant["title"])
        page.locator("hui-entities-card").first.wait_for()
        print(f"vacant view, page load: {time.monotonic() - started:.2f} s", flush=True)
        settle_and_shoot(page, f"console-{homes}-vacant")
        print("community views: page load (the frontend starts again) / switch from the tab bar")
        for view in views[3:]:  # after estate, attention and vacant
            names = home_headings(view)
            url = f"{base}/{view['path']}"
            started = time.monotonic()
            page.goto(url)
            loaded = wait_for_homes(page, names, started, view["title"])
            switch_view(page, f"/{harness.DASHBOARD_PATH}/estate")
            page.locator("hui-heading-card", has_text="Properties").wait_for()
            started = time.monotonic()
            switch_view(page, f"/{harness.DASHBOARD_PATH}/{view['path']}")
            switched = wait_for_homes(page, names, started, view["title"])
            settle_and_shoot(page, f"console-{homes}-{view['path']}")
            print(
                f"  {view['title']}: {len(names)} homes, {loaded:.2f} s / {switched:.2f} s",
                flush=True,
            )
        browser.close()


def main(argv: list[str] | None = None) -> int:
    """Bring the stack up, measure, stop it."""
    parser = argparse.ArgumentParser(prog="scripts/bench-dashboard", description=__doc__)
    parser.add_argument("--homes", type=int, default=500, help="homes in the estate (500)")
    parser.add_argument("--communities", type=int, default=5, help="communities (5)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="asp-dashboard-") as tmp:
        work = Path(tmp)
        options = harness.SimulatorOptions(
            port=harness.free_port(), communities=args.communities, homes=args.homes
        )
        ha_port = harness.free_port()
        ha_url = f"http://{harness.HOST}:{ha_port}"
        harness.write_ha_config(work / "ha-config", ha_port, name="ASP dashboard benchmark")
        sim = harness.start_simulator(options, work / "simulator.log")
        ha = harness.start_home_assistant(work / "ha-config", work / "home-assistant.log")
        try:
            started = time.monotonic()
            asyncio.run(bring_up(sim, ha, options.base_url, ha_url))
            print(f"{args.homes} homes set up in {time.monotonic() - started:.0f} s", flush=True)
            measure(ha_url, args.homes)
        finally:
            ha.stop()
            sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
