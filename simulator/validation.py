"""Parsing and validation helpers that turn bad input into documented 400s."""

import json
import re
from typing import Any

from aiohttp import web

from .errors import bad_request
from .http import JsonObject

UNIT_PREFIX = "amzn1.alexa.unit.did."
ENDPOINT_PREFIX = "amzn1.alexa.endpoint."
# The skills page names skill IDs "amzn1.alexa.skill.{id}" in path parameters and
# "amzn1.ask.skill.{id}" everywhere else; real skill IDs use the latter. Accept both shapes.
SKILL_PREFIXES = ("amzn1.ask.skill.", "amzn1.alexa.skill.")
TEMPLATE_PREFIX = "amzn1.alexa.automation.template."
AUTOMATION_PREFIX = "amzn1.alexa.automation."
DEFAULT_UNIT_ALIAS = "~caller.defaultUnitId"

_ID_SUFFIX = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-]*")


def _has_prefix_and_suffix(value: object, prefix: str) -> bool:
    if not isinstance(value, str) or not value.startswith(prefix):
        return False
    return _ID_SUFFIX.fullmatch(value[len(prefix) :]) is not None


def is_unit_id(value: object) -> bool:
    """Tell whether a value is a well-formed unit ACI."""
    return _has_prefix_and_suffix(value, UNIT_PREFIX)


def is_endpoint_id(value: object) -> bool:
    """Tell whether a value is a well-formed endpoint ACI."""
    return _has_prefix_and_suffix(value, ENDPOINT_PREFIX)


def is_skill_id(value: object) -> bool:
    """Tell whether a value is a well-formed skill ID."""
    return any(_has_prefix_and_suffix(value, prefix) for prefix in SKILL_PREFIXES)


def is_template_id(value: object) -> bool:
    """Tell whether a value is a well-formed automation template ACI."""
    return _has_prefix_and_suffix(value, TEMPLATE_PREFIX)


def is_automation_id(value: object) -> bool:
    """Tell whether a value is a well-formed automation ACI (not a template's)."""
    return _has_prefix_and_suffix(value, AUTOMATION_PREFIX) and not is_template_id(value)


async def read_json(request: web.Request) -> Any:
    """Read a JSON body; malformed or missing JSON is a 400."""
    raw = await request.read()
    if not raw.strip():
        raise bad_request("The request body is missing.")
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise bad_request(f"The request body isn't valid JSON: {err}.") from err


async def read_json_object(request: web.Request) -> JsonObject:
    """Read a JSON body that must be an object."""
    body = await read_json(request)
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object.")
    return body


def require_str(obj: JsonObject, key: str, *, where: str = "") -> str:
    """Return a required, non-blank string field."""
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        raise bad_request(f"{where}{key} is missing or isn't a non-empty string.")
    return value


def require_query(request: web.Request, name: str) -> str:
    """Return a required query parameter given exactly once."""
    values = request.query.getall(name, [])
    if not values or not values[0].strip():
        raise bad_request(f"The query parameter {name} is required.")
    if len(values) > 1:
        raise bad_request(f"The query parameter {name} must be given once.")
    return values[0]


def optional_query(request: web.Request, name: str) -> str | None:
    """Return an optional query parameter given at most once."""
    values = request.query.getall(name, [])
    if not values:
        return None
    if len(values) > 1:
        raise bad_request(f"The query parameter {name} must be given once.")
    return values[0]


def require_unit_id(value: object, what: str = "unitId") -> str:
    """Validate a unit ACI."""
    if not is_unit_id(value):
        raise bad_request(f"{what} is missing or isn't a unit ID (amzn1.alexa.unit.did.{{id}}).")
    assert isinstance(value, str)
    return value


def is_valid_partition_names(value: object) -> bool:
    """Apply the skills page's partitionName rule.

    One name or a comma-separated list; each name non-empty, letters, digits and hyphens,
    no whitespace inside ("Room101, Room202" is valid, "Room101, ,Room202" and "Room 101"
    are not).
    """
    if not isinstance(value, str) or not value:
        return False
    return all(re.fullmatch(r"[A-Za-z0-9-]+", part.strip()) for part in value.split(","))


def require_account_link_request(value: object, where: str) -> JsonObject:
    """Validate an AccountLinkRequest object."""
    if not isinstance(value, dict):
        raise bad_request(f"{where}accountLinkRequest must be an object.")
    require_str(value, "redirectUri", where=f"{where}accountLinkRequest.")
    require_str(value, "authCode", where=f"{where}accountLinkRequest.")
    if value.get("type") != "AUTH_CODE":
        raise bad_request(f"{where}accountLinkRequest.type must be AUTH_CODE.")
    return value
