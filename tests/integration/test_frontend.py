"""The dashboard strategy's module is served by Home Assistant's web server.

The frontend itself needs its own package, which the test environment does not have: a
stand-in takes the module's URL here, and the browser tests open the dashboard for real.
"""

from __future__ import annotations

from pathlib import Path
from unittest.mock import patch

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

DOMAIN = "alexa_smart_properties"
MODULE = (
    Path(__file__).parents[2]
    / "custom_components"
    / DOMAIN
    / "frontend"
    / "asp-dashboard-strategy.js"
)


async def test_strategy_module_is_served(
    hass: HomeAssistant, hass_client: ClientSessionGenerator
) -> None:
    assert await async_setup_component(hass, "http", {})
    assert await async_setup_component(hass, DOMAIN, {})
    client = await hass_client()
    response = await client.get(f"/{DOMAIN}/asp-dashboard-strategy.js")
    assert response.status == 200
    assert response.content_type in ("text/javascript", "application/javascript")
    body = await response.text()
    assert body == MODULE.read_text()
    assert '"ll-strategy-dashboard-alexa-smart-properties"' in body
    # A new version of the file reaches browsers on their next load.
    assert "max-age" not in response.headers.get("Cache-Control", "")


async def test_nothing_served_elsewhere(
    hass: HomeAssistant, hass_client: ClientSessionGenerator
) -> None:
    """Only the module is exposed, not the folder it lives in."""
    assert await async_setup_component(hass, "http", {})
    assert await async_setup_component(hass, DOMAIN, {})
    client = await hass_client()
    for path in ("__init__.py", "../manifest.json"):
        response = await client.get(f"/{DOMAIN}/{path}")
        assert response.status == 404, path


async def test_frozen_web_server_does_not_stop_the_integration(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, caplog: pytest.LogCaptureFixture
) -> None:
    """A web server already started by the test client takes no new routes: set up anyway."""
    assert await async_setup_component(hass, "application_credentials", {})  # and http
    client = await hass_client()
    assert await async_setup_component(hass, DOMAIN, {})
    assert "The property console cannot be served" in caplog.text
    response = await client.get(f"/{DOMAIN}/asp-dashboard-strategy.js")
    assert response.status == 404


async def test_frontend_is_told_to_load_the_module(hass: HomeAssistant) -> None:
    """With a frontend, every browser loads the module (its package is not installed here)."""
    assert await async_setup_component(hass, "http", {})
    hass.config.components.add("frontend")
    with patch("custom_components.alexa_smart_properties.frontend.add_extra_js_url") as add:
        assert await async_setup_component(hass, DOMAIN, {})
    add.assert_called_once_with(hass, f"/{DOMAIN}/asp-dashboard-strategy.js")


async def test_no_frontend_no_module(hass: HomeAssistant) -> None:
    assert await async_setup_component(hass, "http", {})
    with patch("custom_components.alexa_smart_properties.frontend.add_extra_js_url") as add:
        assert await async_setup_component(hass, DOMAIN, {})
    add.assert_not_called()
