"""Which occupancy transitions completed between two reads of a home's latest occupancy.

What Amazon shows (Home Occupancy page, and the simulator's reading of it): every change
the enterprise asks for (move in, move out, unlink) creates a new occupancy record, which
shows the home's state when it was asked for plus `requestedState` until it completes; a
resident linking or unlinking changes the latest record itself. So between two reads:
- a pending change fires nothing (the "change pending" sensor shows it);
- the same record: the change it was pending completed, then any resident link/unlink;
- a new record: the one read before completed, zero or more changes completed, and the new
  record shows where they left the home.
Two reads cannot tell every history apart (a move-out and a move-in leave the same trace
as a link and an unlink); the shortest history is taken, a move-out and move-in first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from .api.models import HomeOccupancy, OccupancyState

MOVED_IN: Final = "moved_in"
MOVED_OUT: Final = "moved_out"
LINKED: Final = "linked"
UNLINKED: Final = "unlinked"
EVENT_TYPES: Final = [MOVED_IN, LINKED, UNLINKED, MOVED_OUT]

VACANT, OCCUPIED, LINKED_STATE = (
    OccupancyState.VACANT,
    OccupancyState.OCCUPIED,
    OccupancyState.LINKED,
)

# The shortest run of events from one state to another.
_PATHS: Final[dict[tuple[str, str], tuple[str, ...]]] = {
    (VACANT, OCCUPIED): (MOVED_IN,),
    (VACANT, LINKED_STATE): (MOVED_IN, LINKED),
    (OCCUPIED, LINKED_STATE): (LINKED,),
    (OCCUPIED, VACANT): (MOVED_OUT,),
    (LINKED_STATE, OCCUPIED): (UNLINKED,),
    (LINKED_STATE, VACANT): (MOVED_OUT,),
}
# Where a completed enterprise record can have started, best guess first (see the module).
_ENTERPRISE_SOURCES: Final[dict[str, tuple[str, ...]]] = {
    OCCUPIED: (VACANT, LINKED_STATE),  # a move-in, or an unlink
    VACANT: (OCCUPIED, LINKED_STATE),  # a move-out
}
_KNOWN: Final = frozenset({VACANT, OCCUPIED, LINKED_STATE})

STATE_AFTER: Final[dict[tuple[str, str], str]] = {
    (start, path[0]): (end if len(path) == 1 else OCCUPIED) for (start, end), path in _PATHS.items()
}
"""The state an event leaves the home in, by the state before it and the event."""


@dataclass(frozen=True, slots=True)
class Reading:
    """One read of a home's latest occupancy (None ID: the home never had one)."""

    occupancy_id: str | None
    state: str
    requested: str | None = None

    @classmethod
    def of(cls, occupancy: HomeOccupancy | None) -> Reading:
        """Return the reading of an occupancy; no occupancy is a home never moved into."""
        if occupancy is None:
            return cls(None, VACANT)
        requested = str(occupancy.requested_state) if occupancy.change_pending else None
        return cls(occupancy.occupancy_id, str(occupancy.state), requested)


def _path(start: str, end: str) -> tuple[str, ...]:
    return () if start == end else _PATHS[(start, end)]


def events_between(before: Reading, after: Reading) -> list[str]:
    """Return the transitions that completed between two reads, in order."""
    states = {before.state, after.state, before.requested or VACANT, after.requested or VACANT}
    if not states <= _KNOWN:
        return []  # a state this client does not know: nothing can be told
    # Where the record read before was heading: it completes before anything else happens.
    settled = before.requested or before.state
    if after.occupancy_id == before.occupancy_id:
        if after.requested is not None:
            return []  # still pending
        return [*_path(before.state, settled), *_path(settled, after.state)]
    if after.requested is not None:
        # A new change under way: it shows the state the home was in when it was asked.
        return [*_path(before.state, settled), *_path(settled, after.state)]
    # A new record completed; after it, only the resident can have linked or unlinked.
    target = VACANT if after.state == VACANT else OCCUPIED
    candidates = [
        [*_path(settled, source), *_PATHS[(source, target)], *_path(target, after.state)]
        for source in _ENTERPRISE_SOURCES[target]
    ]
    best = min(candidates, key=len)  # the first of equally short ones
    return [*_path(before.state, settled), *best]
