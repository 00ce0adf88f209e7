"""`AspClient`: one typed async client for the five ASP APIs, units and endpoint features."""

from __future__ import annotations

from .automations import AutomationsApi
from .endpoints import EndpointsApi
from .features import FeaturesApi
from .homes import HomesApi
from .occupancy import OccupancyApi
from .skills import SkillsApi
from .units import UnitsApi


class AspClient(
    HomesApi,
    OccupancyApi,
    SkillsApi,
    EndpointsApi,
    FeaturesApi,
    UnitsApi,
    AutomationsApi,
):
    """Async client for Alexa Smart Properties.

    Every API area is a mixin over the shared request core (`ApiCore`), so one object
    holds one session, one auth, one timeout and one retry policy::

        async with AspClient(auth, session=session, base_url="http://127.0.0.1:8787") as c:
            homes = await c.list_homes(community_id)

    Invalid input raises `AspValidationError` before any request is sent; failures raise
    the `AspError` subclass matching their meaning.
    """
