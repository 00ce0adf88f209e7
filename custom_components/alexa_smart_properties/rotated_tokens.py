"""Refresh tokens LWA rotated, on disk before they are used.

Home Assistant writes a config entry's changes to disk a second after they are made. When
a refresh returns a new refresh token, the old one may stop working at once (Amazon only
says "store it every time"); a crash inside that second would leave just the dead token in
the entry on disk, and the user would have to sign in again. So each rotation is also
written here at once, and setup starts from the newest token the entry's one led to.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from typing import Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.storage import Store
from homeassistant.util.hass_dict import HassKey

from .const import DOMAIN, LOGGER

STORAGE_KEY: Final = f"{DOMAIN}.rotated_tokens"
STORAGE_VERSION: Final = 1
# A link whose new token was itself replaced this long ago is on disk in the entry.
SETTLED: Final = 60.0

_DATA: HassKey[RotatedTokens] = HassKey(STORAGE_KEY)


def _key(refresh_token: str) -> str:
    # The replaced token is kept as a hash: only the newest one must be readable.
    return hashlib.sha256(refresh_token.encode()).hexdigest()


class RotatedTokens:
    """Links from a replaced refresh token (hashed) to the one that replaced it."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Use the integration's private store."""
        self._store: Store[dict[str, Any]] = Store(hass, STORAGE_VERSION, STORAGE_KEY, private=True)
        self._links: dict[str, dict[str, Any]] | None = None
        self._lock = asyncio.Lock()

    async def _async_links(self) -> dict[str, dict[str, Any]]:
        if self._links is None:
            self._links = await self._store.async_load() or {}
        return self._links

    async def async_rotated(self, old: str, new: str) -> None:
        """Write that `new` replaced `old`; returns once it is on disk."""
        async with self._lock:
            links = await self._async_links()
            now = time.time()
            links[_key(old)] = {"token": new, "at": now}
            for key, link in list(links.items()):
                successor = links.get(_key(link["token"]))
                if successor is not None and now - successor["at"] > SETTLED:
                    del links[key]  # the entry on disk holds the successor by now
            await self._store.async_save(links)

    async def async_latest(self, refresh_token: str) -> str:
        """Return the newest token `refresh_token` was replaced by (itself if none)."""
        links = await self._async_links()
        seen: set[str] = set()
        while (key := _key(refresh_token)) in links and key not in seen:
            seen.add(key)
            refresh_token = links[key]["token"]
        return refresh_token


def rotated_tokens(hass: HomeAssistant) -> RotatedTokens:
    """Return the rotations of every entry (one store for the integration)."""
    if (tokens := hass.data.get(_DATA)) is None:
        tokens = hass.data[_DATA] = RotatedTokens(hass)
    return tokens


async def async_remember_rotation(hass: HomeAssistant, old: str, new: str) -> None:
    """Write a rotation at once; a failed write only loses the crash protection."""
    try:
        await rotated_tokens(hass).async_rotated(old, new)
    except (HomeAssistantError, OSError) as err:
        LOGGER.warning("Could not write the rotated refresh token at once: %s", err)
