"""The in-memory model of one ASP organization and the rules that only need the model.

Time-dependent progress (occupancy changes, skill enablement, device reboots) is stored as
"done at" instants and settled lazily against the injected clock whenever it is read, so no
background task is needed and tests can move time explicitly.
"""

import base64
import hashlib
import random
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .clock import Clock
from .http import JsonObject
from .validation import ENDPOINT_PREFIX, UNIT_PREFIX


class Occ(StrEnum):
    """Home occupancy states."""

    VACANT = "VACANT"
    OCCUPIED = "OCCUPIED"
    LINKED = "LINKED"


@dataclass(slots=True)
class Timing:
    """How long the simulated service takes to finish asynchronous work (seconds)."""

    occupancy_delay: float = 2.0
    skill_enable_delay: float = 2.0
    reboot_delay: float = 5.0


@dataclass(slots=True)
class Community:
    """A home community (a unit under the organization)."""

    id: str
    name: str
    seq: int


@dataclass(slots=True)
class Home:
    """A residential home (a unit under a community)."""

    id: str
    community_id: str
    name: str
    seq: int
    occupancy_ids: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Occupancy:
    """One HomeOccupancy object; a home's latest one carries its current state."""

    id: str
    home_id: str
    state: Occ
    requested_state: Occ | None = None
    completes_at: float | None = None
    linked_applications: list[JsonObject] = field(default_factory=list)
    created_at: float = 0.0

    def settle(self, now: float) -> None:
        """Finish a requested change whose time has come."""
        if (
            self.requested_state is not None
            and self.completes_at is not None
            and now >= self.completes_at
        ):
            self.state = self.requested_state
            self.requested_state = None
            self.completes_at = None


@dataclass(slots=True)
class Endpoint:
    """An Alexa-connected device."""

    id: str
    kind: str
    friendly_name: str
    manufacturer: str
    model: str
    serial_number: str
    software_version: str
    connection_type: str
    mac_address: str
    created_at: float
    unit_id: str | None
    seq: int
    online: bool = True
    rebooting_until: float | None = None
    properties: dict[str, Any] = field(default_factory=dict)
    sampled_at: float = 0.0
    settings: dict[str, Any] = field(default_factory=dict)
    timers: int = 0

    def reachable(self, now: float) -> bool:
        """Online and not in the reboot that follows a re-association."""
        return self.online and (self.rebooting_until is None or now >= self.rebooting_until)


@dataclass(slots=True)
class Skill:
    """A skill the organization may enable."""

    id: str
    name: str
    stages: list[str]
    account_linking: bool


@dataclass(slots=True)
class Enablement:
    """A skill enabled for a unit."""

    skill_id: str
    unit_id: str
    stage: str
    seq: int
    partition_name: str | None = None
    account_linked: bool = False
    enabled_at: float = 0.0

    def status(self, now: float) -> str:
        """Return ENABLING until the simulated work is done, then ENABLED."""
        return "ENABLED" if now >= self.enabled_at else "ENABLING"


@dataclass(slots=True)
class Template:
    """An automation template."""

    id: str
    template: JsonObject
    seq: int
    data_definition: JsonObject | None = None
    friendly_name: JsonObject | None = None


@dataclass(slots=True)
class Automation:
    """An automation made from a template for one unit."""

    id: str
    unit_id: str
    template_id: str
    seq: int
    data: JsonObject
    resolved: JsonObject
    friendly_name: JsonObject | None = None


def _hash_text(*parts: object, length: int) -> str:
    digest = hashlib.sha256(":".join(str(p) for p in parts).encode()).digest()
    return base64.b32encode(digest).decode().rstrip("=")[:length]


class SimState:
    """All entities of one organization plus the counters that make IDs deterministic."""

    def __init__(self, *, seed: int, clock: Clock, timing: Timing | None = None) -> None:
        """Create an empty organization whose ID derives from the seed."""
        self.seed = seed
        self.clock = clock
        self.timing = timing or Timing()
        self.id_counter = 0
        self.seq_counter = 0
        self.organization_id = UNIT_PREFIX + self._token("org", 32)
        self.organization_name = "Simulated Property Management"
        self.communities: dict[str, Community] = {}
        self.homes: dict[str, Home] = {}
        self.occupancies: dict[str, Occupancy] = {}
        self.endpoints: dict[str, Endpoint] = {}
        # Endpoints that listings leave out while direct reads still find them: a truncated
        # page or a glitch at Amazon (set by tests and the admin API, never saved).
        self.unlisted: set[str] = set()
        self.skills: dict[str, Skill] = {}
        self.enablements: dict[tuple[str, str], Enablement] = {}
        self.templates: dict[str, Template] = {}
        self.automations: dict[str, Automation] = {}
        # Deterministic source for everything random in seeded data and new IDs.
        self.rng = random.Random(seed)

    # ----- identifiers -------------------------------------------------------------------
    def _token(self, kind: str, length: int) -> str:
        self.id_counter += 1
        return _hash_text(self.seed, kind, self.id_counter, length=length)

    def next_seq(self) -> int:
        """Return a monotonically growing sequence number (listing order, page tokens)."""
        self.seq_counter += 1
        return self.seq_counter

    def new_unit_id(self) -> str:
        """Make a new unit ACI."""
        return UNIT_PREFIX + self._token("unit", 32)

    def new_endpoint_id(self) -> str:
        """Make a new endpoint ACI."""
        return ENDPOINT_PREFIX + self._token("endpoint", 32)

    def new_occupancy_id(self) -> str:
        """Make an opaque occupancy ID shaped like the page's example ("AedQo29xxx")."""
        raw = self._token("occupancy", 16)
        return "Aed" + "".join(c.lower() if i % 2 else c for i, c in enumerate(raw[:9]))

    def new_template_id(self) -> str:
        """Make a new automation template ACI."""
        return "amzn1.alexa.automation.template." + self._token("template", 26).lower()

    def new_automation_id(self) -> str:
        """Make a new automation ACI."""
        return "amzn1.alexa.automation." + self._token("automation", 26).lower()

    def now(self) -> float:
        """Return the simulated current time."""
        return self.clock.now()

    # ----- units -------------------------------------------------------------------------
    def is_known_unit(self, unit_id: str) -> bool:
        """Tell whether a unit exists in this organization."""
        return (
            unit_id == self.organization_id or unit_id in self.communities or unit_id in self.homes
        )

    def unit_name(self, unit_id: str) -> str:
        """Return a unit's display name."""
        if unit_id == self.organization_id:
            return self.organization_name
        if unit_id in self.communities:
            return self.communities[unit_id].name
        return self.homes[unit_id].name

    def unit_parent(self, unit_id: str) -> str | None:
        """Return a unit's parent unit ID."""
        if unit_id in self.communities:
            return self.organization_id
        if unit_id in self.homes:
            return self.homes[unit_id].community_id
        return None

    # ----- occupancy ---------------------------------------------------------------------
    def latest_occupancy(self, home: Home) -> Occupancy | None:
        """Return a home's latest occupancy, settled to the current time."""
        if not home.occupancy_ids:
            return None
        occupancy = self.occupancies[home.occupancy_ids[-1]]
        occupancy.settle(self.now())
        return occupancy

    def home_state(self, home: Home) -> Occ:
        """Return a home's settled occupancy state (a home never occupied is VACANT)."""
        latest = self.latest_occupancy(home)
        return Occ.VACANT if latest is None else latest.state

    def unit_is_private(self, unit_id: str | None) -> bool:
        """Apply the privacy rule: an OCCUPIED or LINKED home's resources are the resident's."""
        if unit_id is None:
            return False
        home = self.homes.get(unit_id)
        return home is not None and self.home_state(home) is not Occ.VACANT

    # ----- endpoints ---------------------------------------------------------------------
    def endpoint_unit(self, endpoint: Endpoint) -> str:
        """Return the unit an endpoint belongs to (the organization is the default unit)."""
        return endpoint.unit_id or self.organization_id

    def endpoint_visible(self, endpoint: Endpoint) -> bool:
        """Tell whether the enterprise may see and control an endpoint."""
        return not self.unit_is_private(endpoint.unit_id)

    def private_units(self) -> set[str]:
        """Return the homes whose resources the enterprise can't reach (for listings).

        Every listing request asks, so it reads the clock once and each home's latest
        occupancy directly (per home through `home_state`, it cost a large estate's
        endpoint page more than the page itself).
        """
        now = self.now()
        occupancies = self.occupancies
        private: set[str] = set()
        for home in self.homes.values():
            if home.occupancy_ids:
                latest = occupancies[home.occupancy_ids[-1]]
                latest.settle(now)
                if latest.state is not Occ.VACANT:
                    private.add(home.id)
        return private
