"""Coordinators, one per polling cadence: inventory, occupancy and endpoints."""

from __future__ import annotations

import asyncio
from abc import abstractmethod
from collections import Counter
from collections.abc import Awaitable, Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from functools import partial
from typing import Any, ClassVar

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .api import (
    AspAuthenticationError,
    AspClient,
    AspError,
    AspForbiddenError,
    AspNotFoundError,
    AspRateLimitError,
    PageHints,
    PageMemo,
)
from .api.models import (
    EXPAND_WITH_STATE,
    Automation,
    Endpoint,
    Home,
    HomeCommunity,
    HomeOccupancy,
    OccupancyState,
    SkillEnablement,
)
from .connection import has_residential_apis
from .const import (
    CONF_COMMUNITIES,
    CONF_ORGANIZATION_ID,
    DOMAIN,
    LOGGER,
    MAX_CONCURRENT_REQUESTS,
    PENDING_OCCUPANCY_INTERVAL,
)
from .data import AspConfigEntry
from .endpoint_lifecycle import DEFAULT_GRACE, Absence, AbsentEndpoints, Removal

# After this many refreshes in a row refused with 429, tell the user in a repair issue.
THROTTLED_REFRESHES_FOR_ISSUE = 3


async def gather_bounded[K, V](
    keys: Iterable[K],
    fetch: Callable[[K], Awaitable[V]],
    limit: int = MAX_CONCURRENT_REQUESTS,
    *,
    semaphore: asyncio.Semaphore | None = None,
) -> dict[K, V]:
    """Run `fetch` for every key with at most `limit` in flight; return results by key.

    Calls that pass the same `semaphore` share one limit (its own), however many run.
    """
    semaphore = semaphore or asyncio.Semaphore(limit)

    async def one(key: K) -> tuple[K, V]:
        async with semaphore:
            return key, await fetch(key)

    return dict(await asyncio.gather(*(one(key) for key in keys)))


class AspCoordinator[T](DataUpdateCoordinator[T]):
    """Maps client errors to what Home Assistant expects, and raises or clears repairs.

    No coordinator keeps a timer of its own: the scheduler (`scheduler.PollScheduler`)
    refreshes each at its interval, so that their requests never pile up in one burst.
    """

    config_entry: AspConfigEntry
    kind: ClassVar[str]
    """What the coordinator reads, for its name and its error messages."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: AspConfigEntry,
        client: AspClient,
        interval: timedelta,
    ) -> None:
        """Create a coordinator to be refreshed every `interval` (by the scheduler)."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} {self.kind}",
            update_interval=None,
            always_update=False,
        )
        self.interval = interval
        self.client = client
        self.organization_id: str = entry.data[CONF_ORGANIZATION_ID]
        self._throttled_refreshes = 0
        # Every request this coordinator sends takes a slot: refreshes and the reads
        # between them together stay within MAX_CONCURRENT_REQUESTS.
        self.request_slots = asyncio.Semaphore(MAX_CONCURRENT_REQUESTS)

    async def _async_update_data(self) -> T:
        try:
            data = await self._async_fetch()
        except AspAuthenticationError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="auth_failed"
            ) from err
        except AspRateLimitError as err:
            self._throttled_refreshes += 1
            if self._throttled_refreshes >= THROTTLED_REFRESHES_FOR_ISSUE:
                self._raise_issue("throttled")
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="rate_limited",
                retry_after=err.retry_after,
            ) from err
        except AspError as err:
            self._fetch_failed(err)
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="update_failed",
                translation_placeholders={"what": self.kind, "error": str(err)},
            ) from err
        self._throttled_refreshes = 0
        self._clear_issue("throttled")
        self._fetch_succeeded()
        # Nothing new: keep the very object, so that what is worked out once per data
        # (device sync, request plan, labels, verdicts) stays worked out.
        return self.data if data == self.data else data

    @abstractmethod
    async def _async_fetch(self) -> T:
        """Read this coordinator's data from the API."""

    def _fetch_failed(self, err: AspError) -> None:
        """React to a refresh that failed with `err` (beyond auth and throttling)."""

    def _fetch_succeeded(self) -> None:
        """React to a refresh that succeeded."""

    def _issue_id(self, key: str) -> str:
        return f"{key}_{self.config_entry.entry_id}"

    def _raise_issue(self, key: str) -> None:
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            self._issue_id(key),
            is_fixable=False,
            severity=ir.IssueSeverity.ERROR,
            translation_key=key,
            translation_placeholders={"title": self.config_entry.title},
        )

    def _clear_issue(self, key: str) -> None:
        ir.async_delete_issue(self.hass, DOMAIN, self._issue_id(key))


async def read_skills(client: AspClient, unit_id: str) -> tuple[SkillEnablement, ...]:
    """Return a unit's skill enablements; none where the unit is private or gone."""
    try:
        return tuple([s async for s in client.iter_skill_enablements(unit_id)])
    except AspForbiddenError, AspNotFoundError:
        return ()


async def read_automations(client: AspClient, unit_id: str) -> tuple[Automation, ...]:
    """Return a unit's automations; none where the unit is private or gone."""
    try:
        return tuple([a async for a in client.iter_automations(unit_id)])
    except AspForbiddenError, AspNotFoundError:
        return ()


async def read_latest_occupancy(client: AspClient, home_id: str) -> HomeOccupancy | None:
    """Return a home's latest occupancy; None for a home never moved into (so vacant)."""
    try:
        return await client.get_latest_occupancy(home_id)
    except AspNotFoundError:
        # No occupancy yet: Amazon creates homes vacant.
        return None


# --- Inventory ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InventoryData:
    """Communities, homes, unit names, skill enablements and automations."""

    communities: dict[str, HomeCommunity] = field(default_factory=dict)
    homes: dict[str, Home] = field(default_factory=dict)
    unit_names: dict[str, str] = field(default_factory=dict)
    skills: dict[str, tuple[SkillEnablement, ...]] = field(default_factory=dict)
    automations: dict[str, tuple[Automation, ...]] = field(default_factory=dict)

    def homes_of(self, community_id: str) -> list[Home]:
        """Return the homes of a community."""
        return [home for home in self.homes.values() if home.home_community_id == community_id]

    def home_labels(self) -> dict[str, str]:
        """Return each home's name as shown: with its community where names repeat.

        Real estates reuse unit numbers in every building: two "Unit 101" become "Maple
        Court Unit 101" and "Cedar Heights Unit 101" (device names, areas, entity IDs).
        """
        repeated = {
            name
            for name, count in Counter(home.name for home in self.homes.values()).items()
            if count > 1
        }
        labels: dict[str, str] = {}
        for home in self.homes.values():
            community = self.communities.get(home.home_community_id)
            if home.name in repeated and community is not None and community.name:
                labels[home.id] = f"{community.name} {home.name}"
            else:
                labels[home.id] = home.name or home.id
        return labels


class InventoryCoordinator(AspCoordinator[InventoryData]):
    """Slow poll of what rarely changes."""

    kind = "inventory"

    def __init__(
        self, hass: HomeAssistant, entry: AspConfigEntry, client: AspClient, interval: timedelta
    ) -> None:
        """Create the inventory coordinator."""
        super().__init__(hass, entry, client, interval)
        self.included_communities: frozenset[str] = frozenset(
            entry.options.get(CONF_COMMUNITIES, [])
        )
        # Outside the US and Canada the organization is read as units, without homes.
        self.residential = has_residential_apis(entry.data)
        self._community_hints = PageHints()
        self._home_hints: dict[str, PageHints] = {}
        # Worked out once per data: every community's offline count asks (20 at 2,000 homes).
        self._homes_index: tuple[InventoryData | None, dict[str, list[Home]]] = (None, {})
        self._labels: tuple[InventoryData | None, Mapping[str, str]] = (None, {})

    def homes_of(self, community_id: str) -> list[Home]:
        """Return the homes of a community in the current data (`InventoryData.homes_of`)."""
        data = self.data
        if self._homes_index[0] is not data:
            index: dict[str, list[Home]] = {}
            for home in data.homes.values():
                index.setdefault(home.home_community_id, []).append(home)
            self._homes_index = (data, index)
        return list(self._homes_index[1].get(community_id, ()))

    def home_labels(self) -> Mapping[str, str]:
        """Return the current data's `InventoryData.home_labels`."""
        data = self.data
        if self._labels[0] is not data:
            self._labels = (data, data.home_labels())
        return self._labels[1]

    def _fetch_failed(self, err: AspError) -> None:
        # The organization's listing refused: access to it was withdrawn.
        if isinstance(err, AspForbiddenError):
            self._raise_issue("organization_forbidden")

    def _fetch_succeeded(self) -> None:
        self._clear_issue("organization_forbidden")

    async def _async_fetch(self) -> InventoryData:
        client = self.client
        unit_names: dict[str, str] = {}
        if not self.residential:
            async for unit in client.iter_units(self.organization_id):
                if unit.name:
                    unit_names[unit.id] = unit.name
            return InventoryData(unit_names=unit_names)
        slots = self.request_slots
        communities = {
            community.id: community
            for community in await client.list_home_communities(
                self.organization_id, hints=self._community_hints, concurrency=slots
            )
            if not self.included_communities or community.id in self.included_communities
        }
        # Each listing's page tokens from the last refresh: its pages are requested at once.
        self._home_hints = {c: self._home_hints.get(c) or PageHints() for c in communities}
        listings = await asyncio.gather(
            *(
                client.list_homes(c, hints=self._home_hints[c], concurrency=slots)
                for c in communities
            )
        )
        homes = {home.id: home for listing in listings for home in listing}

        # Skills and automations of new homes only: the others are re-read after an action
        # changed them and otherwise in turn, a few homes at a time (the scheduler).
        previous = self.data or InventoryData()
        new = [home_id for home_id in homes if home_id not in previous.skills]
        skills, automations = await self._read_details(new)
        return InventoryData(
            communities=communities,
            homes=homes,
            unit_names=unit_names,
            skills={h: skills[h] if h in skills else previous.skills[h] for h in homes},
            automations={
                h: automations[h] if h in automations else previous.automations.get(h, ())
                for h in homes
            },
        )

    async def _read_details(
        self, home_ids: Collection[str], *, skills: bool = True, automations: bool = True
    ) -> tuple[dict[str, tuple[SkillEnablement, ...]], dict[str, tuple[Automation, ...]]]:
        client, slots = self.client, self.request_slots
        return await asyncio.gather(
            gather_bounded(
                home_ids if skills else (), partial(read_skills, client), semaphore=slots
            ),
            gather_bounded(
                home_ids if automations else (), partial(read_automations, client), semaphore=slots
            ),
        )

    async def async_read_details(
        self, home_ids: Iterable[str], *, skills: bool = True, automations: bool = True
    ) -> None:
        """Read some homes' skill enablements and automations again; show what changed.

        Not `async_set_updated_data`: that would mark a failed homes listing as a success.
        Raises AspError when a read fails (nothing is changed then).
        """
        known = [h for h in dict.fromkeys(home_ids) if self.data and h in self.data.homes]
        if not known:
            return
        new_skills, new_automations = await self._read_details(
            known, skills=skills, automations=automations
        )
        data = self.data
        updated = replace(
            data,
            skills={**data.skills, **new_skills},
            automations={**data.automations, **new_automations},
        )
        if updated != data:
            self.data = updated
            self.async_update_listeners()


# --- Occupancy ------------------------------------------------------------------------


class OccupancyCoordinator(AspCoordinator[dict[str, HomeOccupancy | None]]):
    """Each home's latest occupancy; homes with a change in progress are polled every 15 s.

    The scheduler refreshes a slice at a time (`async_refresh_slice`): the homes whose turn
    came. A slice that fails makes the coordinator fail like any refresh (its entities go
    unavailable: their state could be older than the option promises) until a later
    slice succeeds; the failed slice's homes are read again at the next tick.
    """

    kind = "occupancy"

    def __init__(
        self,
        hass: HomeAssistant,
        entry: AspConfigEntry,
        client: AspClient,
        inventory: InventoryCoordinator,
        interval: timedelta,
    ) -> None:
        """Create the occupancy coordinator."""
        super().__init__(hass, entry, client, interval)
        self.inventory = inventory
        self._pending_unsub: CALLBACK_TYPE | None = None
        self._pending_stopped = False
        self._slice: Collection[str] | None = None
        """The homes the running refresh reads; None: every home."""

    @callback
    def async_homes_changed(self) -> None:
        """Read occupancy soon when the inventory found homes this coordinator has not read."""
        if self.data is not None and not set(self.inventory.data.homes) <= set(self.data):
            self.config_entry.async_create_task(
                self.hass, self.async_refresh_slice(()), f"{DOMAIN} occupancy of new homes"
            )

    async def async_refresh_slice(self, home_ids: Collection[str]) -> None:
        """Refresh only these homes (and any never read); the others keep their data."""
        self._slice = home_ids
        try:
            await self.async_refresh()
        finally:
            self._slice = None

    async def _async_fetch(self) -> dict[str, HomeOccupancy | None]:
        homes = self.inventory.data.homes
        previous = self.data or {}
        wanted = self._slice
        if wanted is not None:
            homes_read = [h for h in homes if h in wanted or h not in previous]
        else:
            homes_read = list(homes)  # not planned by the scheduler: setup, or the user asked
        updated = await gather_bounded(homes_read, self._async_latest, semaphore=self.request_slots)
        return {h: updated[h] if h in updated else previous[h] for h in homes}

    async def _async_latest(self, home_id: str) -> HomeOccupancy | None:
        return await read_latest_occupancy(self.client, home_id)

    def state_of(self, home_id: str) -> OccupancyState | str | None:
        """Return a home's occupancy state; a home never moved into is vacant."""
        data = self.data or {}
        if home_id not in data:
            return None
        occupancy = data[home_id]
        return occupancy.state if occupancy else OccupancyState.VACANT

    def hides_devices(self, unit_id: str | None) -> bool:
        """Return True when the privacy rule hides the devices of this unit.

        Amazon shows a home's devices only while it is vacant: a state the client does not
        know (a new one on Amazon's side) hides them too.
        """
        if unit_id is None:
            return False
        state = self.state_of(unit_id)
        return state is not None and state != OccupancyState.VACANT

    def pending_homes(self) -> list[str]:
        """Return the homes whose occupancy change is still in progress."""
        return [
            home_id
            for home_id, occupancy in (self.data or {}).items()
            if occupancy is not None and occupancy.requested_state
        ]

    @callback
    def async_poll_pending(self) -> None:
        """Poll the homes with a change in progress every 15 s until none is left.

        A listener of this coordinator: a refresh that finds a pending change starts it.
        """
        if self._pending_unsub is not None or self._pending_stopped or not self.pending_homes():
            return
        self._pending_unsub = async_call_later(
            self.hass, PENDING_OCCUPANCY_INTERVAL, self._async_poll_pending
        )

    @callback
    def async_stop_pending_poll(self) -> None:
        """Stop polling pending changes (the entry unloads)."""
        self._pending_stopped = True
        if self._pending_unsub is not None:
            self._pending_unsub()
            self._pending_unsub = None

    async def _async_poll_pending(self, _now: Any) -> None:
        self._pending_unsub = None
        pending = self.pending_homes()
        if not pending:
            return
        try:
            updated = await gather_bounded(
                pending, self._async_latest, semaphore=self.request_slots
            )
        except AspAuthenticationError as err:
            # Only a new sign-in helps: stop here (no retry every 15 s against LWA) and
            # ask for it; the reload after the sign-in polls again.
            LOGGER.debug("Polling pending occupancy changes stopped: %s", err)
            self.config_entry.async_start_reauth(self.hass)
            return
        except AspError as err:
            LOGGER.debug("Polling pending occupancy changes failed: %s", err)
        else:
            # Not async_set_updated_data: that would push back the full refresh of the
            # other homes for as long as one change stays pending.
            self.data = {**self.data, **updated}
            self.async_update_listeners()
        self.async_poll_pending()

    async def async_refresh_homes(self, home_ids: Iterable[str]) -> None:
        """Read some homes now (after an action changed them) and poll them while pending."""
        updated = await gather_bounded(home_ids, self._async_latest, semaphore=self.request_slots)
        self.data = {**(self.data or {}), **updated}
        self.async_update_listeners()
        self.async_poll_pending()


# --- Endpoints ------------------------------------------------------------------------


def endpoint_key(endpoint: Endpoint) -> str:
    """Return a key that survives re-association (which gives the endpoint a new ID)."""
    return f"serial_{endpoint.serial_number}" if endpoint.serial_number else endpoint.id


@dataclass(frozen=True, slots=True)
class EndpointData:
    """Endpoints by stable key: visible, hidden by the privacy rule, or missing.

    Missing: absent from the listing though their home is vacant (see endpoint_lifecycle).
    """

    visible: dict[str, Endpoint] = field(default_factory=dict)
    hidden: dict[str, Endpoint] = field(default_factory=dict)
    missing: dict[str, Endpoint] = field(default_factory=dict)

    __hash__ = None  # type: ignore[assignment]  # holds dicts

    def get(self, key: str) -> Endpoint | None:
        """Return an endpoint, visible or last seen before it was hidden or went missing."""
        return self.visible.get(key) or self.hidden.get(key) or self.missing.get(key)

    def known(self) -> dict[str, Endpoint]:
        """Return every endpoint the estate still has: visible, hidden or missing."""
        return {**self.missing, **self.hidden, **self.visible}

    def __eq__(self, other: object) -> bool:
        """Compare endpoint by endpoint; an unchanged one is the same object, checked first.

        The coordinator compares every refresh's data with the last; the generated
        comparison would compare all fields of thousands of identical endpoints.
        """
        if not isinstance(other, EndpointData):
            return NotImplemented
        return (
            _same_endpoints(self.visible, other.visible)
            and _same_endpoints(self.hidden, other.hidden)
            and _same_endpoints(self.missing, other.missing)
        )


def _same_endpoints(mine: dict[str, Endpoint], theirs: dict[str, Endpoint]) -> bool:
    if mine.keys() != theirs.keys():
        return False
    for key, endpoint in mine.items():
        other = theirs[key]
        if other is not endpoint and other != endpoint:
            return False
    return True


class EndpointVerdicts[V]:
    """A judgement of each endpoint, kept while the endpoint object stays the same.

    An unchanged endpoint is the same object from one refresh to the next, so a refresh
    that changed one device judges one device again. Vanished endpoints are forgotten.
    """

    def __init__(self, judge: Callable[[Endpoint], V]) -> None:
        """Keep the judgement to apply."""
        self._judge = judge
        self._kept: dict[str, tuple[Endpoint, V]] = {}

    def judge(self, endpoints: Mapping[str, Endpoint]) -> list[tuple[str, Endpoint, V]]:
        """Return each endpoint (by key) with its verdict, judging only new objects."""
        kept = self._update(endpoints)
        return [(key, endpoint, verdict) for key, (endpoint, verdict) in kept.items()]

    def accepted(self, endpoints: Mapping[str, Endpoint]) -> list[str]:
        """Return the keys of the endpoints whose verdict is true."""
        return [key for key, (_, verdict) in self._update(endpoints).items() if verdict]

    def _update(self, endpoints: Mapping[str, Endpoint]) -> dict[str, tuple[Endpoint, V]]:
        # In place: every platform judges every refresh, and most endpoints are unchanged.
        kept, judge = self._kept, self._judge
        for key, endpoint in endpoints.items():
            verdict = kept.get(key)
            if verdict is None or verdict[0] is not endpoint:
                kept[key] = (endpoint, judge(endpoint))
        if len(kept) != len(endpoints):  # every key of `endpoints` is kept: some vanished
            for key in [key for key in kept if key not in endpoints]:
                del kept[key]
        return kept


class EndpointCoordinator(AspCoordinator[EndpointData]):
    """All endpoints of the account with their features inline: ceil(E/50) requests."""

    kind = "endpoints"

    def __init__(
        self,
        hass: HomeAssistant,
        entry: AspConfigEntry,
        client: AspClient,
        inventory: InventoryCoordinator,
        occupancy: OccupancyCoordinator,
        interval: timedelta,
        grace: timedelta = DEFAULT_GRACE,
    ) -> None:
        """Create the endpoint coordinator; `grace`: how long a missing device is kept."""
        super().__init__(hass, entry, client, interval)
        self.inventory = inventory
        self.occupancy = occupancy
        self._hidden_homes: frozenset[str] | None = None
        # The listing's page tokens from the last refresh: its pages are requested at once.
        self._page_hints = PageHints()
        # The listing's pages as last received: those that come back the same are reused.
        self._page_memo: PageMemo[Endpoint] = PageMemo()
        # Offline counts per unit for one refresh's data.
        self._offline: tuple[EndpointData | None, Counter[str]] = (None, Counter())
        self._offline_verdicts = EndpointVerdicts(lambda endpoint: endpoint.reachable is False)
        self.absent = AbsentEndpoints(grace)

    def offline_by_unit(self) -> Counter[str]:
        """Return how many visible endpoints of each unit are offline.

        Counted once per refresh, whatever the number of community sensors that ask, and
        only the endpoints that changed are looked at again.
        """
        data = self.data
        if self._offline[0] is not data:
            counts: Counter[str] = Counter(
                endpoint.unit_id
                for _, endpoint, offline in self._offline_verdicts.judge(data.visible)
                if offline and endpoint.unit_id
            )
            self._offline = (data, counts)
        return self._offline[1]

    @callback
    def async_privacy_changed(self) -> None:
        """Re-read endpoints soon when a home's devices became hidden or visible again."""
        hidden = frozenset(
            home_id
            for home_id in self.inventory.data.homes
            if self.occupancy.hides_devices(home_id)
        )
        if self._hidden_homes is not None and hidden != self._hidden_homes:
            self.config_entry.async_create_background_task(
                self.hass, self.async_request_refresh(), f"{DOMAIN} endpoints after occupancy"
            )
        self._hidden_homes = hidden

    async def async_refresh_endpoint(self, key: str) -> None:
        """Read one endpoint again after a write, without waiting for the next poll."""
        current = self.data.get(key)
        if current is None:
            return
        endpoint = await self.client.get_endpoint(current.id, expand=EXPAND_WITH_STATE)
        visible = {**self.data.visible, key: endpoint}
        self.data = EndpointData(
            visible=visible, hidden=self.data.hidden, missing=self.data.missing
        )
        self.async_update_listeners()

    async def _async_fetch(self) -> EndpointData:
        included = self.inventory.included_communities
        homes = self.inventory.data.homes
        previous = self.data or EndpointData()
        visible: dict[str, Endpoint] = {}
        listing = await self.client.list_all_endpoints(
            hints=self._page_hints,
            concurrency=MAX_CONCURRENT_REQUESTS,
            previous={e.id: e for e in (*previous.hidden.values(), *previous.visible.values())},
            memo=self._page_memo,
        )
        for endpoint in listing:
            if included and endpoint.unit_id not in homes:
                continue
            visible[endpoint_key(endpoint)] = endpoint
        known = previous.known()
        absence = self.absent.judge(
            {key: endpoint for key, endpoint in known.items() if key not in visible},
            previous.missing,
            self.occupancy.hides_devices,
        )
        for key in absence.to_confirm:
            await self._async_confirm_missing(key, absence, visible, homes if included else None)
        for removal in absence.removed:
            LOGGER.info(
                "Removing device %s (%s): %s",
                removal.endpoint.friendly_name or removal.key,
                removal.endpoint.id,
                removal.reason,
            )
        return EndpointData(visible=visible, hidden=absence.hidden, missing=absence.missing)

    async def _async_confirm_missing(
        self,
        key: str,
        absence: Absence,
        visible: dict[str, Endpoint],
        homes: Mapping[str, Any] | None,
    ) -> None:
        """Read a device the listing lacked: gone (404), private (403) or there after all."""
        endpoint = absence.missing[key]
        try:
            async with self.request_slots:
                current = await self.client.get_endpoint(endpoint.id, expand=EXPAND_WITH_STATE)
        except AspNotFoundError:
            del absence.missing[key]
            absence.removed.append(Removal(key, endpoint, "Amazon no longer has it"))
        except AspForbiddenError:
            absence.hidden[key] = absence.missing.pop(key)  # private: its home is taken
        except AspError as err:
            LOGGER.debug("Device %s is missing and could not be read: %s", endpoint.id, err)
        else:
            if homes is not None and current.unit_id not in homes:
                del absence.missing[key]
                absence.removed.append(Removal(key, endpoint, "moved out of the included homes"))
            else:
                visible[key] = current  # the listing missed it this once
                del absence.missing[key]
