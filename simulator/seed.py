"""Deterministic seed data: the same --seed and sizes always give the same property."""

import hashlib
import uuid

from .automation_rules import resolve
from .devices import DEVICE_KINDS, DeviceKind, initial_properties, initial_settings
from .state import (
    Automation,
    Community,
    Enablement,
    Endpoint,
    Home,
    Occ,
    Occupancy,
    SimState,
    Skill,
    Template,
)

COMMUNITY_NAMES = (
    "Maple Court",
    "Cedar Heights",
    "Riverside Commons",
    "Oak Hollow",
    "Willow Park",
    "Harbor View",
    "Birch Meadows",
    "Aspen Ridge",
    "Linden Square",
    "Juniper Terrace",
    "Magnolia Gardens",
    "Sycamore Place",
    "Elm Crossing",
    "Chestnut Row",
    "Hawthorn Green",
    "Cypress Landing",
)
ECHO_KINDS = ("echo_dot", "echo_dot", "echo_show", "echo_pop")
OTHER_KINDS = (
    "smart_plug",
    "smart_plug",
    "dimmable_light",
    "dimmable_light",
    "color_light",
    "color_light",
    "thermostat",
    "temperature_sensor",
)
DAY = 86_400.0
OFFLINE_SHARE = 0.06


def _skill_id(seed: int, name: str) -> str:
    digest = hashlib.sha256(f"{seed}:skill:{name}".encode()).digest()
    return f"amzn1.ask.skill.{uuid.UUID(bytes=digest[:16])}"


def _community_name(index: int) -> str:
    base = COMMUNITY_NAMES[index % len(COMMUNITY_NAMES)]
    rounds = index // len(COMMUNITY_NAMES)
    return base if rounds == 0 else f"{base} Phase {rounds + 1}"


def _home_names(count: int) -> list[str]:
    """Name units floor by floor: Unit 101 .. Unit 112, Unit 201 ..."""
    return [f"Unit {index // 12 + 1}{index % 12 + 1:02d}" for index in range(count)]


def _mac(state: SimState) -> str:
    return ":".join(f"{state.rng.randrange(256):02X}" for _ in range(6))


def add_endpoint(state: SimState, kind: DeviceKind, name: str, unit_id: str | None) -> Endpoint:
    """Install one device with seeded identity and state."""
    rng = state.rng
    now = state.now()
    serial_tail = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(12))
    endpoint = Endpoint(
        id=state.new_endpoint_id(),
        kind=kind.key,
        friendly_name=name,
        manufacturer=kind.manufacturer,
        model=kind.model,
        serial_number=kind.serial_prefix + serial_tail,
        software_version=kind.software_version,
        connection_type=kind.connection,
        mac_address=_mac(state),
        created_at=now - rng.uniform(1, 400) * DAY,
        unit_id=unit_id,
        seq=state.next_seq(),
        online=rng.random() >= OFFLINE_SHARE,
        properties=initial_properties(kind, rng),
        sampled_at=now - rng.uniform(0, 3600),
        settings=initial_settings(kind),
        timers=rng.choice((0, 0, 0, 1, 2)),
    )
    state.endpoints[endpoint.id] = endpoint
    return endpoint


def _furnish(state: SimState, home_id: str, count: int) -> list[Endpoint]:
    rng = state.rng
    kinds = [rng.choice(ECHO_KINDS)] if count else []
    while len(kinds) < count:
        choice = rng.choice(OTHER_KINDS)
        if choice == "thermostat" and "thermostat" in kinds:
            continue
        kinds.append(choice)
    names: set[str] = set()
    installed: list[Endpoint] = []
    for key in kinds:
        kind = DEVICE_KINDS[key]
        name = rng.choice(kind.names)
        suffix = 2
        base = name
        while name in names:
            name = f"{base} {suffix}"
            suffix += 1
        names.add(name)
        installed.append(add_endpoint(state, kind, name, home_id))
    return installed


def _occupy(state: SimState, home: Home, target: Occ) -> None:
    """Give a home a plausible occupancy history ending in target."""
    rng = state.rng
    now = state.now()
    moved_in = now - rng.uniform(30, 700) * DAY
    history = rng.random() < 0.5 if target is Occ.VACANT else True
    if not history:
        return
    first = Occupancy(
        id=state.new_occupancy_id(),
        home_id=home.id,
        state=Occ.LINKED if target is Occ.LINKED else Occ.OCCUPIED,
        created_at=moved_in,
    )
    state.occupancies[first.id] = first
    home.occupancy_ids.append(first.id)
    if target is Occ.VACANT:
        out = Occupancy(
            id=state.new_occupancy_id(),
            home_id=home.id,
            state=Occ.VACANT,
            created_at=moved_in + rng.uniform(10, 25) * DAY,
        )
        state.occupancies[out.id] = out
        home.occupancy_ids.append(out.id)


def _skills(state: SimState) -> tuple[Skill, Skill, Skill]:
    seed = state.seed
    smart_home = Skill(
        _skill_id(seed, "smart-home"), "Property Smart Home", ["development", "live"], True
    )
    concierge = Skill(
        _skill_id(seed, "concierge"),
        "Resident Concierge",
        ["development", "certification", "live"],
        False,
    )
    events = Skill(_skill_id(seed, "events"), "Community Events", ["live"], False)
    for skill in (smart_home, concierge, events):
        state.skills[skill.id] = skill
    return smart_home, concierge, events


def _templates(state: SimState) -> tuple[Template, Template]:
    greeting = Template(
        id=state.new_template_id(),
        seq=state.next_seq(),
        template={
            "trigger": {
                "type": "Alexa.Automation.Trigger.Voice.CustomUtterance",
                "version": "1.0",
                "payload": {"utterances": ["${data.customUtterance.text}"], "locale": "en-US"},
            },
            "operations": {
                "serial": [
                    {
                        "operation": {
                            "type": "Alexa.Automation.Operation.Notification.Notify",
                            "version": "1.0",
                            "payload": {
                                "notification": {
                                    "variants": [
                                        {
                                            "type": "Announcement",
                                            "content": {
                                                "variants": [
                                                    {
                                                        "type": "SpokenText",
                                                        "values": [
                                                            {
                                                                "locale": "en-US",
                                                                "text": "Good morning! The "
                                                                "pool opens at nine.",
                                                            }
                                                        ],
                                                    }
                                                ]
                                            },
                                        }
                                    ]
                                }
                            },
                        }
                    }
                ]
            },
        },
        data_definition={
            "customUtterance": {
                "type": "object",
                "required": ["text"],
                "properties": {"text": {"type": "string", "minLength": 1}},
            }
        },
        friendly_name={"value": {"text": "Morning greeting"}},
    )
    sunset = Template(
        id=state.new_template_id(),
        seq=state.next_seq(),
        template={
            "trigger": {
                "type": "Alexa.Automation.Trigger.Schedule.SunsetInCustomLocation",
                "version": "1.0",
                "payload": {
                    "recurrence": "RRULE:FREQ=DAILY;INTERVAL=1",
                    "timeZoneId": "America/Chicago",
                    "latitude": 41,
                    "longitude": -87,
                    "timeOffset": 0,
                },
            },
            "operations": {
                "operation": {
                    "type": "Alexa.Automation.Operation.Power.TurnOn",
                    "version": "1.0",
                    "payload": {"endpoints": [{"id": "${data.light.endpointId}"}]},
                }
            },
        },
        data_definition={
            "light": {
                "type": "object",
                "required": ["endpointId"],
                "properties": {"endpointId": {"type": "string", "pattern": "^amzn1\\.alexa\\."}},
            }
        },
        friendly_name={"value": {"text": "Lights on at sunset"}},
    )
    for template in (greeting, sunset):
        state.templates[template.id] = template
    return greeting, sunset


def seed_state(
    state: SimState, *, communities: int, homes: int, devices_per_home: int, spare_devices: int
) -> None:
    """Fill an empty state with a realistic, reproducible property."""
    rng = state.rng
    now = state.now()
    for index in range(max(communities, 1 if homes else 0)):
        community = Community(state.new_unit_id(), _community_name(index), state.next_seq())
        state.communities[community.id] = community
    community_ids = list(state.communities)
    per_community = [homes // len(community_ids) if community_ids else 0] * len(community_ids)
    for index in range(homes - sum(per_community)):
        per_community[index] += 1
    smart_home, concierge, events = _skills(state)
    greeting, sunset = _templates(state)
    state.enablements[(events.id, state.organization_id)] = Enablement(
        events.id, state.organization_id, "live", state.next_seq(), enabled_at=now - 90 * DAY
    )
    for community_id, count in zip(community_ids, per_community, strict=True):
        for name in _home_names(count):
            home = Home(state.new_unit_id(), community_id, name, state.next_seq())
            state.homes[home.id] = home
            draw = rng.random()
            target = Occ.VACANT if draw < 0.6 else Occ.OCCUPIED if draw < 0.85 else Occ.LINKED
            _occupy(state, home, target)
            devices = _furnish(state, home.id, devices_per_home)
            if target is not Occ.VACANT:
                continue
            if rng.random() < 0.7:
                state.enablements[(concierge.id, home.id)] = Enablement(
                    concierge.id, home.id, "live", state.next_seq(), enabled_at=now - 30 * DAY
                )
            if rng.random() < 0.3:
                state.enablements[(smart_home.id, home.id)] = Enablement(
                    smart_home.id,
                    home.id,
                    "live",
                    state.next_seq(),
                    account_linked=True,
                    enabled_at=now - 30 * DAY,
                )
            if rng.random() < 0.2:
                _add_automation(
                    state, greeting, home.id, {"customUtterance": {"text": "good morning"}}
                )
            lights = [d for d in devices if d.kind in {"dimmable_light", "color_light"}]
            if lights and rng.random() < 0.2:
                _add_automation(state, sunset, home.id, {"light": {"endpointId": lights[0].id}})
    for index in range(spare_devices):
        kind = DEVICE_KINDS[ECHO_KINDS[index % len(ECHO_KINDS)]]
        add_endpoint(state, kind, f"Spare {kind.model} {index + 1}", None)


def _add_automation(
    state: SimState, template: Template, unit_id: str, data: dict[str, object]
) -> None:
    name = template.friendly_name["value"]["text"] if template.friendly_name else "Automation"
    automation = Automation(
        id=state.new_automation_id(),
        unit_id=unit_id,
        template_id=template.id,
        seq=state.next_seq(),
        data=dict(data),
        resolved=resolve(template.template, dict(data)),
        friendly_name={"type": "PLAIN", "value": {"text": name}},
    )
    state.automations[automation.id] = automation
