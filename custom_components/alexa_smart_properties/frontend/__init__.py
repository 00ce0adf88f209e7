"""Serve the property manager's dashboard strategy to the Home Assistant frontend.

The module in this folder defines the `custom:alexa-smart-properties` dashboard strategy.
Home Assistant serves it at STRATEGY_URL and, when the frontend is loaded, has every browser
load it, so a dashboard made with `strategy: {type: custom:alexa-smart-properties}` works
without any resource to add by hand.
"""

from __future__ import annotations

import logging
from pathlib import Path

from homeassistant.components.frontend import add_extra_js_url
from homeassistant.components.http import StaticPathConfig
from homeassistant.core import HomeAssistant

from ..const import DOMAIN

_LOGGER = logging.getLogger(__name__)
STRATEGY_FILE = Path(__file__).parent / "asp-dashboard-strategy.js"
STRATEGY_URL = f"/{DOMAIN}/asp-dashboard-strategy.js"


async def async_register_dashboard_strategy(hass: HomeAssistant) -> None:
    """Serve the strategy module and have the frontend load it (when there is a frontend)."""
    if "http" not in hass.config.components:  # no web server: nothing to serve
        return
    try:
        # Not cached: the file changes with the integration, and it is a few kilobytes.
        await hass.http.async_register_static_paths(
            [StaticPathConfig(STRATEGY_URL, str(STRATEGY_FILE), cache_headers=False)]
        )
    except RuntimeError as err:
        # A web server that froze its routes (Home Assistant's own never does; aiohttp's
        # test server does): the homes and devices matter more than the dashboard.
        _LOGGER.warning("The property console cannot be served: %s", err)
        return
    if "frontend" in hass.config.components:
        add_extra_js_url(hass, STRATEGY_URL)
