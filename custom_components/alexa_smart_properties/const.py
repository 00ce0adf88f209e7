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

DEFAULT_INVENTORY_INTERVAL: Final = timedelta(minutes=15)
DEFAULT_OCCUPANCY_INTERVAL: Final = timedelta(minutes=5)
# Amazon recommends polling endpoint connectivity no more often than every 2 minutes.
DEFAULT_ENDPOINT_INTERVAL: Final = timedelta(minutes=2)
MIN_ENDPOINT_INTERVAL: Final = timedelta(minutes=2)
PENDING_OCCUPANCY_INTERVAL: Final = timedelta(seconds=15)

# How many requests a coordinator keeps in flight at once.
MAX_CONCURRENT_REQUESTS: Final = 8
MAX_UNITS_PER_ACTION: Final = 500
"""Most units one action may work on (after a community stands for its homes): 500 reads
or writes at MAX_CONCURRENT_REQUESTS at a time, or 5 skill batches, is minutes at most."""
