"""Turns within a period: each key is read once per period, the keys spread evenly over it.

A poll of every home at once sends thousands of requests in a burst (and bursts draw
429s). Here each key gets a fixed turn (an offset into the period); a tick returns the
keys whose turn came since the last tick, so the requests are even across the period.
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from collections.abc import Iterable


class Rotation:
    """Fixed, evenly spread turns for a changing set of keys."""

    def __init__(self, period: float) -> None:
        """Create a rotation over `period` seconds, at its start."""
        self.period = period
        self._turns: dict[str, float] = {}
        self._order: list[tuple[float, str]] = []
        self._offsets: list[float] = []
        self._position = 0.0
        """Seconds into the period at the last tick."""

    def place(self, keys: Iterable[str]) -> None:
        """Give new keys a turn and forget the keys that went.

        The first keys are spread evenly; later ones go into the middle of the largest
        gaps, so the existing turns never move (a key is never read twice or skipped in a
        period because another appeared).
        """
        wanted = dict.fromkeys(keys)
        turns = {key: turn for key, turn in self._turns.items() if key in wanted}
        new = [key for key in wanted if key not in turns]
        if not new and len(turns) == len(self._turns):
            return
        if not turns:
            step = self.period / len(new) if new else 0.0
            turns = {key: index * step for index, key in enumerate(new)}
        elif new:
            turns.update(zip(new, self._fill_gaps(sorted(turns.values()), len(new)), strict=True))
        self._turns = turns
        self._order = sorted((turn, key) for key, turn in turns.items())
        self._offsets = [turn for turn, _ in self._order]

    def _fill_gaps(self, taken: list[float], count: int) -> list[float]:
        """Return `count` offsets, each halving the largest gap left."""
        ends = [*taken[1:], taken[0] + self.period]
        # Max-heap of gaps: (-length, start); a gap split in two gives two gaps.
        gaps = [(start - end, start) for start, end in zip(taken, ends, strict=True)]
        heapq.heapify(gaps)
        chosen: list[float] = []
        for _ in range(count):
            negative_length, start = heapq.heappop(gaps)
            half = -negative_length / 2
            chosen.append((start + half) % self.period)
            heapq.heappush(gaps, (-half, start))
            heapq.heappush(gaps, (-half, start + half))
        return chosen

    def advance(self, seconds: float) -> list[str]:
        """Move `seconds` forward; return the keys whose turn came (all after a whole period)."""
        if seconds >= self.period:
            self._position = (self._position + seconds) % self.period
            return [key for _, key in self._order]
        start = self._position
        end = start + seconds
        self._position = end % self.period
        offsets = self._offsets
        first = bisect_right(offsets, start)
        if end < self.period:
            return [key for _, key in self._order[first : bisect_right(offsets, end)]]
        wrapped = bisect_right(offsets, end - self.period)
        return [key for _, key in (*self._order[first:], *self._order[:wrapped])]
