"""Endpoint settings as read back (`GET /v2/endpoints/{id}/settings...`).

No API page documents these responses. Amazon's clients write a setting as the bare JSON
value, so a read most likely answers the bare value too; an object around it, or for
several keys a list of key/value entries, are read as well (docs/contract.md, "settings").
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

_ENTRY_KEYS = ("key", "name")
_LIST_KEYS = ("settings", "results", "values")


def unwrap_setting(data: Any) -> Any:
    """Return a setting's value from a bare value or an object carrying `value`."""
    if isinstance(data, Mapping) and "value" in data:
        return data["value"]
    return data


def _entries(data: Any) -> Any:
    """Return the part of a several-settings answer that holds the settings."""
    if isinstance(data, Mapping):
        for key in _LIST_KEYS:
            inner = data.get(key)
            if isinstance(inner, list | Mapping):
                return inner
    return data


def parse_settings(data: Any, wanted: Collection[str]) -> dict[str, Any]:
    """Return the `wanted` settings found in a several-settings answer, by key.

    Read: an object keyed by setting (`{"Key": value}`), a list of entries
    (`[{"key": "Key", "value": value}]`, `name` for `key` too), either of them under
    `settings`, `results` or `values`, and values wrapped as `{"value": ...}`.
    """
    entries = _entries(data)
    found: dict[str, Any] = {}
    if isinstance(entries, Mapping):
        for key in wanted:
            if key in entries:
                found[key] = unwrap_setting(entries[key])
    elif isinstance(entries, list):
        for entry in entries:
            if not isinstance(entry, Mapping) or "value" not in entry:
                continue
            names = [entry[k] for k in _ENTRY_KEYS if isinstance(entry.get(k), str)]
            if names and names[0] in wanted and names[0] not in found:
                found[names[0]] = entry["value"]
    return found
