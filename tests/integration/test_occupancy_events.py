"""Occupancy events against a reference model, over random histories and poll timings.

The reference model knows nothing of the rules in `occupancy_events`: it searches every
history of the Home Occupancy state machine (as the simulator plays it) that could lead from
one read to the next, and takes the shortest, a move-out and move-in before a link and an
unlink when two are equally short. Where only one step happens between two reads, the
model's events must also be exactly what happened.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from custom_components.alexa_smart_properties.occupancy_events import (
    STATE_AFTER,
    Reading,
    events_between,
)

VAC, OCC, LNK = "VACANT", "OCCUPIED", "LINKED"
ENTERPRISE = {
    (VAC, OCC): "moved_in",
    (OCC, VAC): "moved_out",
    (LNK, VAC): "moved_out",
    (LNK, OCC): "unlinked",
}
RESIDENT = {(OCC, LNK): "linked", (LNK, OCC): "unlinked"}
RANK = {"moved_out": 0, "moved_in": 1, "linked": 2, "unlinked": 3}


@dataclass(frozen=True)
class World:
    """What Amazon holds for a home: its latest record (number), state and any request."""

    record: int
    state: str
    requested: str | None = None

    def read(self) -> Reading:
        return Reading(
            None if self.record == 0 else f"occ-{self.record}", self.state, self.requested
        )

    def steps(self) -> list[tuple[str, World, str | None]]:
        """Every step the state machine allows: (what, the world after, event it completes)."""
        if self.requested is not None:
            event = {**ENTERPRISE, **RESIDENT}[(self.state, self.requested)]
            return [("complete", World(self.record, self.requested), event)]
        found: list[tuple[str, World, str | None]] = []
        for (start, target), _event in ENTERPRISE.items():
            if start == self.state:
                found.append((f"ask {target}", World(self.record + 1, start, target), None))
        for (start, target), event in RESIDENT.items():
            if start == self.state and self.record > 0:
                found.append((f"resident {target}", World(self.record, target), event))
        return found


def model(before: Reading, after: Reading) -> list[str]:
    """The shortest history from `before` to `after` (first by rank when several)."""
    start = World(0 if before.occupancy_id is None else 1, before.state, before.requested)
    same_record = before.occupancy_id == after.occupancy_id

    def histories(world: World, events: list[str], budget: int, length: int) -> list[list[str]]:
        found = []
        if (
            len(events) == length
            and (world.record == start.record) == same_record
            and world.state == after.state
            and world.requested == after.requested
        ):
            found.append(events)
        if budget > 0:
            for _what, following, event in world.steps():
                more = [*events, event] if event else events
                if len(more) <= length:
                    found += histories(following, more, budget - 1, length)
        return found

    for length in range(6):
        # Each event takes at most two steps (ask, complete); one more to leave a request.
        found = histories(start, [], 2 * length + 1, length)
        if found:
            return min(found, key=lambda events: [RANK[e] for e in events])
    raise AssertionError(f"no history from {before} to {after}")


@dataclass(frozen=True)
class Poll:
    """A read, and what happened since the read before it."""

    steps: int
    happened: list[str]
    reading: Reading


@st.composite
def histories(draw: st.DrawFn) -> list[Poll]:
    """A random history, cut by random polls."""
    world = World(0, VAC)
    polls: list[Poll] = []
    happened: list[str] = []
    steps = 0
    for _ in range(draw(st.integers(1, 40))):
        if draw(st.booleans()):
            polls.append(Poll(steps, happened, world.read()))
            happened, steps = [], 0
            continue
        allowed = world.steps()
        _what, world, event = allowed[draw(st.integers(0, len(allowed) - 1))]
        steps += 1
        if event:
            happened.append(event)
    polls.append(Poll(steps, happened, world.read()))
    return polls


@settings(max_examples=400, deadline=None)
@given(histories())
def test_events_equal_the_reference_model(polls: list[Poll]) -> None:
    previous = World(0, VAC).read()
    for poll in polls:
        expected = model(previous, poll.reading)
        assert events_between(previous, poll.reading) == expected, (previous, poll.reading)
        previous = poll.reading


@settings(max_examples=400, deadline=None)
@given(histories())
def test_one_step_between_reads_is_exactly_what_happened(polls: list[Poll]) -> None:
    previous = World(0, VAC).read()
    for poll in polls:
        if poll.steps <= 1:
            assert events_between(previous, poll.reading) == poll.happened, (previous, poll)
            assert model(previous, poll.reading) == poll.happened
        previous = poll.reading


def test_a_pending_move_out_fires_nothing_then_moved_out() -> None:
    occupied = Reading("occ-1", OCC)
    pending = Reading("occ-2", OCC, VAC)
    assert events_between(occupied, pending) == []
    assert events_between(pending, Reading("occ-2", VAC)) == ["moved_out"]


def test_a_move_out_and_a_move_in_between_two_reads() -> None:
    assert events_between(Reading("occ-1", OCC), Reading("occ-3", OCC)) == ["moved_out", "moved_in"]


def test_each_event_names_the_state_it_leaves_the_home_in() -> None:
    assert STATE_AFTER[(VAC, "moved_in")] == OCC
    assert STATE_AFTER[(OCC, "linked")] == LNK
    assert STATE_AFTER[(LNK, "unlinked")] == OCC
    assert STATE_AFTER[(LNK, "moved_out")] == VAC


def test_unknown_states_fire_nothing() -> None:
    assert events_between(Reading("occ-1", OCC), Reading("occ-2", "LINKED_PENDING")) == []
