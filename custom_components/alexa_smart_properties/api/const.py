"""Hosts, paths and limits of the Alexa Smart Properties APIs and Login with Amazon."""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class Region(StrEnum):
    """ASP API regions; each maps to one host (see `Region.base_url`)."""

    NA = "NA"
    """US and CA (the only region with the residential APIs)."""
    EU = "EU"
    """DE, ES, FR, IT, UK."""
    FE = "FE"
    """JP."""

    @property
    def base_url(self) -> str:
        """Return the API base URL of the region."""
        return REGION_BASE_URLS[self]


REGION_BASE_URLS: Final[dict[Region, str]] = {
    Region.NA: "https://api.amazonalexa.com",
    Region.EU: "https://api.eu.amazonalexa.com",
    Region.FE: "https://api.fe.amazonalexa.com",
}

LWA_BASE_URL: Final = "https://api.amazon.com"
LWA_TOKEN_PATH: Final = "/auth/o2/token"  # noqa: S105 - a path, not a secret
LWA_TOKEN_URL: Final = LWA_BASE_URL + LWA_TOKEN_PATH
LWA_AUTHORIZE_URL: Final = "https://www.amazon.com/ap/oa"
LWA_SCOPE: Final = "alexa::enterprise:management"

RESIDENT_LINK_URL: Final = "https://www.amazon.com/alexaresidential/occupancyId/{occupancy_id}"

REQUEST_ID_HEADER: Final = "X-Amzn-RequestId"
DEFAULT_REQUEST_TIMEOUT: Final = 30.0
# Refresh this long before the access token expires so no request races the expiry.
TOKEN_REFRESH_MARGIN: Final = 60.0

# Reserved identifiers the API understands in place of real IDs.
LATEST_OCCUPANCY: Final = "~latest"
OWNER_CALLER: Final = "~caller"
DEFAULT_UNIT: Final = "~caller.defaultUnitId"

# Documented maxResults bounds (min, max) and defaults per listing call.
HOME_COMMUNITIES_PAGE: Final = (1, 10)
HOMES_PAGE: Final = (1, 10)
SKILL_ENABLEMENTS_PAGE: Final = (1, 10)
ENDPOINTS_PAGE: Final = (1, 50)
ENDPOINT_QUERY_PAGE: Final = (1, 10)
AUTOMATIONS_PAGE: Final = (1, 100)
AUTOMATION_TEMPLATES_PAGE: Final = (1, 100)

# Automation operation tree limits (both strict "less than").
MAX_OPERATION_NODES: Final = 150
MAX_PARALLEL_NODES: Final = 90
NOTIFICATION_MAX_CHARS: Final = 1024
NOTIFICATION_MAX_BYTES: Final = 2048
ENDPOINT_FRIENDLY_NAME_MAX: Final = 128
AUTOMATION_FRIENDLY_NAME_MAX: Final = 100

DO_NOT_DISTURB_SETTING: Final = "Alexa.DoNotDisturb.doNotDisturb"
