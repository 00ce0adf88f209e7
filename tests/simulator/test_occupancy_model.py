"""Random walks through the occupancy state machine, checked against a reference model."""

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from simulator.clock import ManualClock
from simulator.errors import ApiError
from simulator.occupancy import ENTERPRISE_TRANSITIONS, request_change, resident_change
from simulator.state import Community, Home, Occ, SimState

pytestmark = pytest.mark.filterwarnings("ignore:It looks like `register_random`")

DELAY = 2.0


class OccupancyMachine(RuleBasedStateMachine):
    """The simulator's home against a three-line model of the documented rules."""

    def __init__(self) -> None:
        super().__init__()
        self.clock = ManualClock()
        self.state = SimState(seed=1, clock=self.clock)
        self.state.timing.occupancy_delay = DELAY
        community = Community(self.state.new_unit_id(), "C", self.state.next_seq())
        self.state.communities[community.id] = community
        self.home = Home(self.state.new_unit_id(), community.id, "H", self.state.next_seq())
        self.state.homes[self.home.id] = self.home
        self.model = Occ.VACANT
        self.pending: Occ | None = None
        self.done_at = 0.0
        self.ids: list[str] = []

    def _settle_model(self) -> None:
        if self.pending is not None and self.clock.now() >= self.done_at:
            self.model, self.pending = self.pending, None

    @rule(wanted=st.sampled_from(list(Occ)))
    def enterprise(self, wanted: Occ) -> None:
        self._settle_model()
        allowed = self.pending is None and (self.model, wanted) in ENTERPRISE_TRANSITIONS
        if not allowed:
            with pytest.raises(ApiError) as refused:
                request_change(self.state, self.home, wanted, [])
            assert refused.value.status == 400
            return
        occupancy = request_change(self.state, self.home, wanted, [])
        assert occupancy.id not in self.ids  # a new occupancy every time
        self.ids.append(occupancy.id)
        self.pending, self.done_at = wanted, self.clock.now() + DELAY

    @rule(link=st.booleans())
    def resident(self, link: bool) -> None:
        self._settle_model()
        target = Occ.LINKED if link else Occ.OCCUPIED
        expected_from = Occ.OCCUPIED if link else Occ.LINKED
        allowed = self.pending is None and self.model is expected_from and bool(self.ids)
        if not allowed:
            with pytest.raises(ApiError) as refused:
                resident_change(self.state, self.home, target)
            assert refused.value.status == 409
            return
        occupancy = resident_change(self.state, self.home, target)
        assert occupancy.id == self.ids[-1]  # the resident acts on the current occupancy
        self.pending, self.done_at = target, self.clock.now() + DELAY

    @rule(seconds=st.sampled_from([0.5, 1.0, 2.0, 5.0]))
    def wait(self, seconds: float) -> None:
        self.clock.advance(seconds)

    @invariant()
    def matches_the_model(self) -> None:
        self._settle_model()
        latest = self.state.latest_occupancy(self.home)
        if latest is None:
            assert self.model is Occ.VACANT
            assert self.pending is None
            return
        assert latest.state is self.model
        assert latest.requested_state is self.pending
        private = self.state.unit_is_private(self.home.id)
        assert private == (self.model is not Occ.VACANT)


TestOccupancyMachine = OccupancyMachine.TestCase
TestOccupancyMachine.settings = settings(max_examples=150, stateful_step_count=30, deadline=None)
