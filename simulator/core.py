"""The simulator object every route works on, and its configuration."""

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web

from .clock import Clock, SystemClock
from .faults import FaultInjector, FaultSettings
from .lwa import REFRESH_PREFIX, LwaClient, LwaService, LwaSettings
from .pagination import Paginator
from .readings import Readings
from .state import SimState, Timing
from .stats import RequestStats


@dataclass(slots=True)
class SimulatorConfig:
    """Everything the CLI flags (and tests) can set."""

    seed: int = 1
    communities: int = 3
    homes: int = 40
    devices_per_home: int = 5
    spare_devices: int = 4  # unassociated devices in the business account's default unit
    occupancy_delay: float = 2.0
    skill_enable_delay: float = 2.0
    reboot_delay: float = 5.0
    access_token_lifetime: int = 3600
    rotate_refresh_tokens: bool = True
    require_pkce: bool = True
    redirect_uris: list[str] | None = None
    batch_limit: int = 100
    state_file: Path | None = None
    request_log_size: int = 1000
    faults: FaultSettings = field(default_factory=FaultSettings)
    readings: Readings = field(default_factory=Readings)


@dataclass(frozen=True, slots=True)
class Credentials:
    """What an integration needs to talk to this simulator."""

    client_id: str
    client_secret: str
    refresh_token: str
    organization_id: str


def _derive(seed: int, label: str, length: int) -> str:
    return hashlib.sha256(f"asp-simulator:{seed}:{label}".encode()).hexdigest()[:length]


class Simulator:
    """State, LWA, faults and counters of one running simulator."""

    def __init__(self, config: SimulatorConfig, clock: Clock | None = None) -> None:
        """Create an empty simulator; seed() or load() fills it."""
        self.config = config
        self.readings = config.readings
        self.clock: Clock = clock or SystemClock()
        timing = Timing(config.occupancy_delay, config.skill_enable_delay, config.reboot_delay)
        self.state = SimState(seed=config.seed, clock=self.clock, timing=timing)
        self.lwa = LwaService(
            self.clock,
            LwaSettings(
                access_token_lifetime=config.access_token_lifetime,
                rotate_refresh_tokens=config.rotate_refresh_tokens,
                require_pkce=config.require_pkce,
            ),
        )
        self.faults = FaultInjector()
        self.faults.configure({})
        self.stats = RequestStats(config.request_log_size)
        self.paginator = Paginator(_derive(config.seed, "pages", 32).encode())
        # The one security profile granted in the ASP console, derived from the seed so a
        # given --seed always prints the same client.
        self.client_id = "amzn1.application-oa2-client." + _derive(config.seed, "client", 32)
        self.client_secret = "sim.cs." + _derive(config.seed, "secret", 48)
        self.initial_refresh_token = REFRESH_PREFIX + _derive(config.seed, "refresh", 64)
        self._handed_out: str | None = None

    def hides_unit_resources(self, unit_id: str | None) -> bool:
        """Tell whether skills and automations of a unit are refused as private.

        The privacy rule hides an occupied or linked home's resources; whether that covers
        skills and automations is one of the readings (docs/contract.md).
        """
        return not self.readings.private_home_writes and self.state.unit_is_private(unit_id)

    def install_client(self) -> None:
        """Register the seeded client and its first grant (fresh state only)."""
        self.lwa.add_client(
            LwaClient(self.client_id, self.client_secret, self.config.redirect_uris)
        )
        self.lwa.issue_refresh_token(self.client_id, self.initial_refresh_token)

    def working_refresh_token(self) -> str:
        """Return the refresh token last handed out while it works, else start a new grant.

        At first that is the seeded token; once it was used (rotated) or revoked, callers get
        one new token, the same on every call until it stops working in turn.
        """
        current = self._handed_out or self.initial_refresh_token
        record = self.lwa.store.refresh_tokens.get(current)
        if record is None or not record.active:
            current = self.new_refresh_token()
        self._handed_out = current
        return current

    def new_refresh_token(self) -> str:
        """Start an independent grant (another HA instance, a benchmark client...)."""
        return self.lwa.issue_refresh_token(self.client_id)

    @property
    def credentials(self) -> Credentials:
        """Return credentials that work right now."""
        return Credentials(
            client_id=self.client_id,
            client_secret=self.client_secret,
            refresh_token=self.working_refresh_token(),
            organization_id=self.state.organization_id,
        )


SIMULATOR_KEY = web.AppKey("simulator", Simulator)


def get_sim(request: web.Request) -> Simulator:
    """Return the simulator serving a request."""
    return request.app[SIMULATOR_KEY]
