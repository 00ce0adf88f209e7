"""The home occupancy state machine from the Home Occupancy API page.

Enterprise transitions (POST .../occupancies), each creating a new HomeOccupancy object:
- move in: VACANT -> OCCUPIED
- move out: OCCUPIED -> VACANT
- unlink: LINKED -> OCCUPIED
- move out while linked: LINKED -> VACANT
Resident transitions (admin routes only), on the current occupancy object:
- link: OCCUPIED -> LINKED
- unlink: LINKED -> OCCUPIED
Everything else, and any change while another one is in progress, is refused.
"""

from .errors import ApiError, bad_request
from .http import JsonObject
from .state import Home, Occ, Occupancy, SimState

ENTERPRISE_TRANSITIONS = frozenset(
    {
        (Occ.VACANT, Occ.OCCUPIED),
        (Occ.OCCUPIED, Occ.VACANT),
        (Occ.LINKED, Occ.OCCUPIED),
        (Occ.LINKED, Occ.VACANT),
    }
)


def occupancy_json(occupancy: Occupancy) -> JsonObject:
    """Render a HomeOccupancy object."""
    body: JsonObject = {"occupancyId": occupancy.id, "state": str(occupancy.state)}
    if occupancy.requested_state is not None:
        body["requestedState"] = str(occupancy.requested_state)
    if occupancy.linked_applications:
        body["linkedApplications"] = occupancy.linked_applications
    return body


def _in_progress(occupancy: Occupancy | None) -> bool:
    return occupancy is not None and occupancy.requested_state is not None


def request_change(
    state: SimState, home: Home, target: Occ, linked_applications: list[JsonObject]
) -> Occupancy:
    """Start an enterprise transition; raise 400 when the machine refuses it."""
    latest = state.latest_occupancy(home)
    if _in_progress(latest):
        raise bad_request("An occupancy change is already in progress for this home.")
    current = Occ.VACANT if latest is None else latest.state
    if (current, target) not in ENTERPRISE_TRANSITIONS:
        if target is Occ.LINKED:
            raise bad_request("Only the resident can link a home (through the account link URL).")
        raise bad_request(f"A home can't go from {current} to {target}.")
    now = state.now()
    occupancy = Occupancy(
        id=state.new_occupancy_id(),
        home_id=home.id,
        state=current,
        requested_state=target,
        completes_at=now + state.timing.occupancy_delay,
        linked_applications=linked_applications,
        created_at=now,
    )
    occupancy.settle(now)
    state.occupancies[occupancy.id] = occupancy
    home.occupancy_ids.append(occupancy.id)
    return occupancy


def resident_change(state: SimState, home: Home, target: Occ) -> Occupancy:
    """Simulate the resident linking (OCCUPIED -> LINKED) or unlinking (back)."""
    latest = state.latest_occupancy(home)
    if latest is None:
        raise ApiError(409, "Nobody lives in this home.")
    if _in_progress(latest):
        raise ApiError(409, "An occupancy change is already in progress for this home.")
    allowed = {(Occ.OCCUPIED, Occ.LINKED), (Occ.LINKED, Occ.OCCUPIED)}
    if (latest.state, target) not in allowed:
        raise ApiError(409, f"A resident can't take the home from {latest.state} to {target}.")
    now = state.now()
    latest.requested_state = target
    latest.completes_at = now + state.timing.occupancy_delay
    latest.settle(now)
    return latest
