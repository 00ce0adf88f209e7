"""An HTTP session that is either lent by the caller or made, and then closed, here."""

from __future__ import annotations

from types import TracebackType
from typing import Self

import aiohttp


class SessionHolder:
    """Holds the caller's `aiohttp` session, or makes one on first use and owns it.

    Home Assistant lends its shared session, which must never be closed here; a script
    that passes none gets a session of its own, closed by `close()` or `async with`.
    """

    def __init__(self, session: aiohttp.ClientSession | None) -> None:
        """Keep the lent session (None: make one when first needed)."""
        self._session = session
        self._close_session = False

    def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession()
            self._close_session = True
        return self._session

    async def close(self) -> None:
        """Close the HTTP session if this object made it."""
        if self._session is not None and self._close_session:
            await self._session.close()
            self._session = None
            self._close_session = False

    async def __aenter__(self) -> Self:
        """Enter the context: nothing to open, the session is made on first use."""
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close what this object opened."""
        await self.close()
