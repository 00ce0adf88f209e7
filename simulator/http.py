"""Small request and response helpers shared by the route modules."""

import json
from typing import Any

from aiohttp import web

type JsonObject = dict[str, Any]


def json_response(body: Any, *, status: int = 200) -> web.Response:
    """Serialise compactly, as the real service does."""
    return web.Response(
        body=json.dumps(body, separators=(",", ":")).encode(),
        status=status,
        content_type="application/json",
    )


def empty_response(status: int) -> web.Response:
    """Return a response without a body (204, or 200/202 where the page says "no body")."""
    return web.Response(status=status)
