"""Objects and parsing helpers shared by several ASP APIs."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ..exceptions import AspInvalidResponseError

_LOGGER = logging.getLogger(__name__)

type JsonObject = Mapping[str, Any]


class SkillStage(StrEnum):
    """Stage of a skill."""

    DEVELOPMENT = "development"
    CERTIFICATION = "certification"
    LIVE = "live"


class AccountLinkRequestType(StrEnum):
    """Type of an account linking request (OAuth 2.0 authorization code only)."""

    AUTH_CODE = "AUTH_CODE"


class NameType(StrEnum):
    """Format of a NameValue object."""

    PLAIN = "PLAIN"


# --- parsing helpers -------------------------------------------------------------------
# The service may add fields at any time: unknown keys are ignored everywhere. A missing
# or mistyped *required* field raises AspInvalidResponseError naming the model and field.


def as_object(data: object, what: str) -> JsonObject:
    """Return `data` as a JSON object or raise AspInvalidResponseError."""
    if type(data) is dict:  # what json.loads makes; skips the slower ABC check
        return data
    if not isinstance(data, Mapping):
        raise AspInvalidResponseError(f"{what}: expected a JSON object, got {type(data).__name__}")
    return data


def req_str(data: JsonObject, key: str, what: str) -> str:
    """Return the required string `key` of `data`."""
    value = data.get(key)
    if not isinstance(value, str):
        raise AspInvalidResponseError(f"{what}: missing or invalid required field {key!r}")
    return value


def opt_str(data: JsonObject, key: str) -> str | None:
    """Return the optional string `key`; numbers become strings, other types None."""
    value = data.get(key)
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def opt_object(data: JsonObject, key: str) -> JsonObject | None:
    """Return the optional object `key`, or None when absent or not an object."""
    value = data.get(key)
    return value if isinstance(value, Mapping) else None


def opt_list(data: JsonObject, key: str) -> list[Any]:
    """Return the optional list `key`, or an empty list when absent or not a list."""
    value = data.get(key)
    return value if isinstance(value, list) else []


def req_list(data: JsonObject, key: str, what: str) -> list[Any]:
    """Return the required list `key` of `data`."""
    value = data.get(key)
    if not isinstance(value, list):
        raise AspInvalidResponseError(f"{what}: missing or invalid required list {key!r}")
    return value


def parse_enum[E: StrEnum](enum: type[E], value: object) -> E | str:
    """Return the member of `enum` for `value`, or `value` itself if the enum lacks it.

    Unknown values are kept rather than refused so a new value on Amazon's side does
    not break every read; the caller sees the raw string.
    """
    if not isinstance(value, str):
        raise AspInvalidResponseError(f"{enum.__name__}: expected a string, got {value!r}")
    try:
        return enum(value)
    except ValueError:
        _note_unknown(enum.__name__, value)
        return value


_UNKNOWN_SEEN: set[tuple[str, str]] = set()
_UNKNOWN_SEEN_MAX = 256


def _note_unknown(kind: str, value: str) -> None:
    """Log once per value that Amazon sent something this client does not know."""
    if (kind, value) in _UNKNOWN_SEEN or len(_UNKNOWN_SEEN) >= _UNKNOWN_SEEN_MAX:
        return
    _UNKNOWN_SEEN.add((kind, value))
    _LOGGER.debug("Unknown %s %r from the service: kept as it is, shown as unknown", kind, value)


def opt_enum[E: StrEnum](enum: type[E], value: object) -> E | str | None:
    """Like `parse_enum` but None for a missing or non-string value."""
    if not isinstance(value, str):
        return None
    return parse_enum(enum, value)


def name_text(value: object) -> str | None:
    """Return the text of a NameValue (`{"type":"PLAIN","value":{"text":...}}`).

    A bare string is accepted too, since some responses flatten names.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        inner = value.get("value")
        if isinstance(inner, Mapping) and isinstance(inner.get("text"), str):
            return str(inner["text"])
        if isinstance(inner, str):
            return inner
    return None


def next_token(data: JsonObject) -> str | None:
    """Return `paginationContext.nextToken`; missing, null or empty ends the listing."""
    context = opt_object(data, "paginationContext")
    if context is None:
        return None
    token = context.get("nextToken")
    return token if isinstance(token, str) and token else None


# --- shared objects --------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class NameValue:
    """A name container: `{"type": "PLAIN", "value": {"text": "..."}}`."""

    text: str
    type: NameType | str = NameType.PLAIN

    @classmethod
    def from_api(cls, data: object) -> NameValue:
        """Parse a NameValue object."""
        obj = as_object(data, "NameValue")
        text = name_text(obj)
        if text is None:
            raise AspInvalidResponseError("NameValue: missing value.text")
        return cls(text=text, type=opt_enum(NameType, obj.get("type")) or NameType.PLAIN)

    def to_api(self) -> dict[str, Any]:
        """Return the API form."""
        return {"type": str(self.type), "value": {"text": self.text}}


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountLinkRequest:
    """Account linking data for a skill that supports it (authorization code grant).

    `auth_code` is a secret: it is left out of repr.
    """

    redirect_uri: str
    auth_code: str = field(repr=False)
    type: AccountLinkRequestType | str = AccountLinkRequestType.AUTH_CODE

    @classmethod
    def from_api(cls, data: object) -> AccountLinkRequest:
        """Parse an AccountLinkRequest object."""
        obj = as_object(data, "AccountLinkRequest")
        return cls(
            redirect_uri=req_str(obj, "redirectUri", "AccountLinkRequest"),
            auth_code=req_str(obj, "authCode", "AccountLinkRequest"),
            type=opt_enum(AccountLinkRequestType, obj.get("type"))
            or AccountLinkRequestType.AUTH_CODE,
        )

    def to_api(self) -> dict[str, Any]:
        """Return the API form."""
        return {
            "redirectUri": self.redirect_uri,
            "authCode": self.auth_code,
            "type": str(self.type),
        }
