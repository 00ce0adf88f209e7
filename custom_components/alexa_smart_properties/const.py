"""Constants for the Alexa Smart Properties integration."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Final

DOMAIN: Final = "alexa_smart_properties"
LOGGER = logging.getLogger(__package__)

# Login with Amazon's authorize page, below a custom LWA base URL (a simulator's).
LWA_AUTHORIZE_PATH: Final = "/ap/oa"

# Config entry data keys.
CONF_AUTH_METHOD: Final = "auth_method"
CONF_REGION: Final = "region"
CONF_API_URL: Final = "api_url"
CONF_LWA_URL: Final = "lwa_url"
CONF_ORGANIZATION_ID: Final = "organization_id"
CONF_REFRESH_TOKEN: Final = "refresh_token"  # noqa: S105 - a key name, not a secret

AUTH_METHOD_OAUTH: Final = "oauth"
AUTH_METHOD_TOKEN: Final = "refresh_token"  # noqa: S105 - a key name, not a secret
REGION_CUSTOM: Final = "custom"

# Options keys and defaults.
CONF_INVENTORY_INTERVAL: Final = "inventory_interval"
CONF_OCCUPANCY_INTERVAL: Final = "occupancy_interval"
CONF_ENDPOINT_INTERVAL: Final = "endpoint_interval"
CONF_COMMUNITIES: Final = "communities"
CONF_DEVICE_GRACE: Final = "device_removal_hours"
CONF_SKILLS_INTERVAL: Final = "skills_interval_hours"

DEFAULT_INVENTORY_INTERVAL: Final = timedelta(minutes=15)
DEFAULT_OCCUPANCY_INTERVAL: Final = timedelta(minutes=5)
# Amazon recommends polling endpoint connectivity no more often than every 2 minutes.
DEFAULT_ENDPOINT_INTERVAL: Final = timedelta(minutes=2)
MIN_ENDPOINT_INTERVAL: Final = timedelta(minutes=2)
PENDING_OCCUPANCY_INTERVAL: Final = timedelta(seconds=15)
# Skills and automations change through the API, mostly through this integration's own
# actions (which read them back at once): the rest of the time a slow re-read suffices.
DEFAULT_SKILLS_INTERVAL: Final = timedelta(hours=6)

# Polls run as a steady trickle: every tick reads the homes whose turn came since the last.
SCHEDULE_TICK: Final = timedelta(seconds=10)
# A tick sends at most this many times the planned average per tick (a listing too large
# to split goes alone): no 10-second window carries much more than its share.
TICK_BUDGET_FACTOR: Final = 2.0
REQUEST_CEILING_PER_HOUR: Final = 36_000
"""Planned requests per hour above which a repair issue warns. Amazon publishes no rate
limit and answers 429 by rate; 10 requests a second sustained is what a 2,000-home estate
needs at the default options (about 29,000 an hour) with a quarter to spare for actions
and retries. Above it, throttling is likely to delay occupancy and device state."""

# How many requests a coordinator keeps in flight at once.
MAX_CONCURRENT_REQUESTS: Final = 8
MAX_UNITS_PER_ACTION: Final = 500
"""Most units one action may work on (after a community stands for its homes): 500 reads
or writes at MAX_CONCURRENT_REQUESTS at a time, or 5 skill batches, is minutes at most."""
