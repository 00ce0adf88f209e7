// The dashboard strategy's generate(), against a hass object shaped like the frontend's:
// registries and states of a small estate written out by hand (`node --test tests/frontend`).
import assert from "node:assert/strict";
import { test } from "node:test";

import { generateDashboard } from "../../custom_components/alexa_smart_properties/frontend/asp-dashboard-strategy.js";

const DOMAIN = "alexa_smart_properties";

function fakeHass() {
  const devices = {
    maple: { id: "maple", name: "Maple Court", via_device_id: null },
    cedar: { id: "cedar", name: "Cedar Heights", name_by_user: null, via_device_id: null },
    h10: { id: "h10", name: "Unit 10", via_device_id: "maple" },
    h9: { id: "h9", name: "Unit 9", name_by_user: "Unit 9 (corner)", via_device_id: "maple" },
    h1: { id: "h1", name: "Unit 1", via_device_id: "cedar" },
    lone: { id: "lone", name: "Gatehouse", via_device_id: null },
    echo: { id: "echo", name: "Kitchen Echo", via_device_id: "h10" },
    plug: { id: "plug", name: "Patio plug", via_device_id: "h10" },
    other: { id: "other", name: "Someone else's lamp", via_device_id: "h10" },
  };
  const entities = {};
  const states = {};
  const add = (entity_id, device_id, translation_key, state, attributes = {}, platform = DOMAIN) => {
    entities[entity_id] = { entity_id, device_id, platform, translation_key };
    states[entity_id] = { entity_id, state, attributes, last_changed: "2026-11-30T10:00:00Z" };
  };
  for (const [community, slug] of [["maple", "maple_court"], ["cedar", "cedar_heights"]]) {
    for (const key of ["homes", "occupied_homes", "vacant_homes", "linked_homes", "offline_devices"]) {
      add(`sensor.${slug}_${key}`, community, key, "1");
    }
  }
  for (const [home, slug, occupancy] of [
    ["h10", "unit_10", "vacant"],
    ["h9", "unit_9", "occupied"],
    ["h1", "unit_1", "linked"],
    ["lone", "gatehouse", "vacant"],
  ]) {
    add(`sensor.${slug}_occupancy`, home, "occupancy", occupancy);
    add(`binary_sensor.${slug}_occupancy_change_pending`, home, "occupancy_change_pending", "off");
    add(`sensor.${slug}_enabled_skills`, home, "enabled_skills", "2");
    add(`sensor.${slug}_automations`, home, "automations", "0");
  }
  add("binary_sensor.kitchen_echo_connectivity", "echo", null, "on", { device_class: "connectivity" });
  add("binary_sensor.patio_plug_connectivity", "plug", null, "off", { device_class: "connectivity" });
  add("number.kitchen_echo_volume", "echo", "volume", "40");
  // Another integration's entity on a device in the same home: not ours, left out.
  add("binary_sensor.lamp_connectivity", "other", null, "on", { device_class: "connectivity" }, "hue");
  return { devices, entities, states, panelUrl: "property-console" };
}

const cardsOf = (section) => section.cards;
// A community view: a legend, then a section per home.
const headings = (view) => view.sections.slice(1).map((section) => section.cards[0].heading);

test("one view per community, in name order, after the estate, attention and vacant views", () => {
  const dashboard = generateDashboard({}, fakeHass());
  assert.deepEqual(
    dashboard.views.map((view) => [view.title, view.path]),
    [
      ["Estate", "estate"],
      ["Attention", "attention"],
      ["Vacant", "vacant"],
      ["Cedar Heights", "cedar-heights"],
      ["Maple Court", "maple-court"],
      ["Homes without a community", "homes-without-a-community"],
    ],
  );
  // Natural order (9 before 10), the user's name for a home first.
  assert.deepEqual(headings(dashboard.views[4]), ["Unit 9 (corner)", "Unit 10"]);
  assert.deepEqual(headings(dashboard.views[5]), ["Gatehouse"]);
});

test("a home's section: device page, occupancy since, counts, offline devices, actions", () => {
  const maple = generateDashboard({}, fakeHass()).views[4];
  const [heading, occupancy, pending, moveIn, moveOut, unlink] = cardsOf(maple.sections[2]);
  const page = { action: "navigate", navigation_path: "/config/devices/device/h10" };

  assert.equal(heading.heading, "Unit 10");
  assert.deepEqual(heading.tap_action, page);
  assert.deepEqual(
    heading.badges.map((badge) => badge.entity),
    [
      "binary_sensor.unit_10_occupancy_change_pending",
      "sensor.unit_10_enabled_skills",
      "sensor.unit_10_automations",
      "binary_sensor.kitchen_echo_connectivity",
      "binary_sensor.patio_plug_connectivity",
    ],
  );
  // The pending badge shows only while a change is under way, a device's only while offline.
  assert.deepEqual(heading.badges[0].visibility, [
    { condition: "state", entity: "binary_sensor.unit_10_occupancy_change_pending", state: "on" },
  ]);
  assert.equal(heading.badges[0].icon, "mdi:progress-clock");
  assert.deepEqual(heading.badges[4].visibility, [
    { condition: "state", entity: "binary_sensor.patio_plug_connectivity", state: "off" },
  ]);
  assert.equal(heading.badges[4].name, "Patio plug");

  assert.equal(occupancy.type, "tile");
  assert.equal(occupancy.entity, "sensor.unit_10_occupancy");
  assert.deepEqual(occupancy.state_content, ["state", "last_changed"]);
  assert.deepEqual(occupancy.tap_action, page);

  assert.equal(pending.entity, "binary_sensor.unit_10_occupancy_change_pending");
  assert.deepEqual(pending.visibility, [
    { condition: "state", entity: "binary_sensor.unit_10_occupancy_change_pending", state: "on" },
  ]);

  assert.deepEqual(moveIn.tap_action, {
    action: "perform-action",
    perform_action: "alexa_smart_properties.move_in",
    data: { device_id: "h10" },
    confirmation: { text: moveIn.tap_action.confirmation.text },
  });
  assert.match(moveIn.tap_action.confirmation.text, /Unit 10/);
  // Offered as the occupancy allows, and not while a change is under way.
  const notPending = {
    condition: "state",
    entity: "binary_sensor.unit_10_occupancy_change_pending",
    state_not: "on",
  };
  assert.deepEqual(moveIn.visibility, [
    { condition: "state", entity: "sensor.unit_10_occupancy", state: "vacant" },
    notPending,
  ]);
  assert.equal(moveOut.tap_action.perform_action, "alexa_smart_properties.move_out");
  assert.deepEqual(moveOut.visibility[0].conditions.map((c) => c.state), ["occupied", "linked"]);
  assert.equal(unlink.tap_action.perform_action, "alexa_smart_properties.unlink_resident");
  assert.deepEqual(unlink.visibility, [
    { condition: "state", entity: "sensor.unit_10_occupancy", state: "linked" },
    notPending,
  ]);
});

test("the attention view lists the homes with a change pending or a device offline", () => {
  const attention = generateDashboard({}, fakeHass()).views[1];
  const unit10 = attention.sections.find((s) => s.cards[0]?.heading === "Unit 10 · Maple Court");
  assert.deepEqual(unit10.visibility, [
    {
      condition: "or",
      conditions: [
        { condition: "state", entity: "binary_sensor.unit_10_occupancy_change_pending", state: "on" },
        { condition: "state", entity: "binary_sensor.kitchen_echo_connectivity", state: "off" },
        { condition: "state", entity: "binary_sensor.patio_plug_connectivity", state: "off" },
      ],
    },
  ]);
  // What is wrong shows as badges, each only while it holds; the tile has the occupancy.
  assert.deepEqual(
    unit10.cards[0].badges.map((badge) => [badge.entity, badge.visibility[0].state]),
    [
      ["binary_sensor.unit_10_occupancy_change_pending", "on"],
      ["binary_sensor.kitchen_echo_connectivity", "off"],
      ["binary_sensor.patio_plug_connectivity", "off"],
    ],
  );
  assert.equal(unit10.cards[1].entity, "sensor.unit_10_occupancy");
  // Only the homes that need a look as the dashboard opens: Unit 10 (its patio plug).
  assert.deepEqual(
    attention.sections.slice(1).map((section) => section.cards[0].heading),
    ["Unit 10 · Maple Court"],
  );
  const hass = fakeHass();
  hass.states["binary_sensor.gatehouse_occupancy_change_pending"].state = "on";
  assert.deepEqual(
    generateDashboard({}, hass).views[1].sections.slice(1).map((section) => section.cards[0].heading),
    ["Unit 10 · Maple Court", "Gatehouse · Homes without a community"],
  );
  // "Nothing needs a look" shows only while every one of those conditions is false.
  const allClear = attention.sections[0].cards[1];
  assert.equal(allClear.visibility.length, 4 * 1 + 2 + 2);
  // And every community's offline count is nought (it counts devices without a sensor too).
  assert.deepEqual(allClear.visibility.slice(-2), [
    { condition: "numeric_state", entity: "sensor.cedar_heights_offline_devices", below: 1 },
    { condition: "numeric_state", entity: "sensor.maple_court_offline_devices", below: 1 },
  ]);
  assert.deepEqual(allClear.visibility.slice(0, 4), [
    { condition: "state", entity: "binary_sensor.unit_1_occupancy_change_pending", state_not: "on" },
    { condition: "state", entity: "binary_sensor.unit_9_occupancy_change_pending", state_not: "on" },
    { condition: "state", entity: "binary_sensor.unit_10_occupancy_change_pending", state_not: "on" },
    { condition: "state", entity: "binary_sensor.kitchen_echo_connectivity", state_not: "off" },
  ]);
});

test("the estate view sums up each community and links to its view", () => {
  const estate = generateDashboard({}, fakeHass()).views[0];
  const cedar = estate.sections[1];
  assert.equal(cedar.cards[0].heading, "Cedar Heights");
  assert.deepEqual(cedar.cards[0].tap_action, { action: "navigate", navigation_path: "/property-console/cedar-heights" });
  assert.match(estate.sections[0].cards[1].content, /\(\/config\/devices\/dashboard\?domain=alexa_smart_properties\)/);
  assert.deepEqual(
    cedar.cards.filter((card) => card.type === "tile").map((card) => card.entity),
    [
      "sensor.cedar_heights_homes",
      "sensor.cedar_heights_occupied_homes",
      "sensor.cedar_heights_vacant_homes",
      "sensor.cedar_heights_linked_homes",
      "sensor.cedar_heights_offline_devices",
    ],
  );
  assert.match(cedar.cards.at(-1).content, /binary_sensor\.unit_1_occupancy_change_pending/);
});

test("a big community is split into views of homes_per_view homes", () => {
  const hass = { devices: { c: { id: "c", name: "Tower" } }, entities: {}, states: {} };
  for (let n = 1; n <= 25; n++) {
    hass.devices[`h${n}`] = { id: `h${n}`, name: `Flat ${n}`, via_device_id: "c" };
    hass.entities[`sensor.flat_${n}`] = {
      entity_id: `sensor.flat_${n}`, device_id: `h${n}`, platform: DOMAIN, translation_key: "occupancy",
    };
  }
  hass.entities["sensor.tower_homes"] = {
    entity_id: "sensor.tower_homes", device_id: "c", platform: DOMAIN, translation_key: "homes",
  };
  const views = generateDashboard({ homes_per_view: 10 }, hass).views.slice(3);
  assert.deepEqual(
    views.map((view) => [view.title, view.path, headings(view).length]),
    [
      ["Tower · Flat 1–Flat 10", "tower", 10],
      ["Tower · Flat 11–Flat 20", "tower-2", 10],
      ["Tower · Flat 21–Flat 25", "tower-3", 5],
    ],
  );
  // Homes named after their community (where names repeat) lose it in the page's title.
  for (let n = 1; n <= 25; n++) hass.devices[`h${n}`].name = `Tower Flat ${n}`;
  assert.equal(
    generateDashboard({ homes_per_view: 10 }, hass).views[3].title,
    "Tower · Flat 1–Flat 10",
  );
});

test("no homes: one view that says how to get some", () => {
  const dashboard = generateDashboard({}, { devices: {}, entities: {}, states: {} });
  assert.equal(dashboard.views.length, 1);
  assert.match(dashboard.views[0].sections[0].cards[0].content, /Add the \*\*Alexa Smart Properties\*\* integration/);
});

test("500 homes generate quickly", () => {
  const hass = { devices: {}, entities: {}, states: {} };
  for (let c = 0; c < 5; c++) {
    hass.devices[`c${c}`] = { id: `c${c}`, name: `Community ${c}` };
    hass.entities[`sensor.c${c}_homes`] = { entity_id: `sensor.c${c}_homes`, device_id: `c${c}`, platform: DOMAIN, translation_key: "homes" };
    for (let h = 0; h < 100; h++) {
      const id = `h${c}_${h}`;
      hass.devices[id] = { id, name: `Unit ${h}`, via_device_id: `c${c}` };
      for (const key of ["occupancy", "occupancy_change_pending", "enabled_skills", "automations"]) {
        hass.entities[`x.${id}_${key}`] = { entity_id: `x.${id}_${key}`, device_id: id, platform: DOMAIN, translation_key: key };
      }
    }
  }
  const started = performance.now();
  const dashboard = generateDashboard({}, hass);
  const elapsed = performance.now() - started;
  assert.equal(dashboard.views.length, 3 + 5 * 2);
  assert.ok(elapsed < 500, `took ${elapsed} ms`);
});

test("a community's page starts with its changes in progress, live", () => {
  const maple = generateDashboard({}, fakeHass()).views[4];
  const top = maple.sections[0].cards[0].content;
  assert.match(top, /^\*\*2\*\* homes · changes in progress: \*\*\{\{ /);
  assert.ok(
    top.includes(
      '["binary_sensor.unit_9_occupancy_change_pending",' +
        '"binary_sensor.unit_10_occupancy_change_pending"] | select(\'is_state\', \'on\')',
    ),
    top,
  );
  assert.match(top, /\[Search every home and device\]\(\/config\/devices\/dashboard\?domain=alexa_smart_properties\)/);
});

test("the vacant view filters each community's homes by their live occupancy", () => {
  const vacant = generateDashboard({}, fakeHass()).views[2];
  const maple = vacant.sections.find((section) => section.cards[0].heading === "Maple Court");
  const [heading, filter] = maple.cards;
  assert.deepEqual(heading.tap_action, { action: "navigate", navigation_path: "/property-console/maple-court" });
  assert.deepEqual(heading.badges.map((badge) => badge.entity), ["sensor.maple_court_vacant_homes"]);
  assert.equal(filter.type, "entity-filter");
  assert.deepEqual(filter.conditions, [{ condition: "state", state: "vacant" }]);
  // Every home is listed for the filter to choose from (not only those vacant now).
  assert.deepEqual(filter.entities, [
    {
      entity: "sensor.unit_9_occupancy",
      name: "Unit 9 (corner)",
      tap_action: { action: "navigate", navigation_path: "/config/devices/device/h9" },
    },
    {
      entity: "sensor.unit_10_occupancy",
      name: "Unit 10",
      tap_action: { action: "navigate", navigation_path: "/config/devices/device/h10" },
    },
  ]);
  assert.deepEqual(
    vacant.sections.slice(1).map((section) => section.cards[0].heading),
    ["Cedar Heights", "Maple Court", "Homes without a community"],
  );
});

test("communities: a dashboard for some communities only, by name or device ID", () => {
  const titles = (config) => generateDashboard(config, fakeHass()).views.slice(3).map((v) => v.title);
  assert.deepEqual(titles({ communities: ["Maple Court"] }), ["Maple Court"]);
  assert.deepEqual(titles({ communities: ["cedar", "Maple Court"] }), ["Cedar Heights", "Maple Court"]);
  const estate = generateDashboard({ communities: ["Maple Court"] }, fakeHass()).views[0];
  assert.match(estate.sections[0].cards[1].content, /^\*\*2\*\* homes in \*\*1\*\* community\./);
  const none = generateDashboard({ communities: ["Oak Row"] }, fakeHass());
  assert.equal(none.views.length, 1);
  assert.equal(none.views[0].sections[0].cards[0].content, "No community named Oak Row has homes.");
});

test("homes with a device offline: named live from each community's count, linked to their page", () => {
  const dashboard = generateDashboard({}, fakeHass());
  const legend = dashboard.views[4].sections[0].cards[0].content; // Maple Court
  const template =
    '{% set ids = {"Unit 9":"h9","Unit 10":"h10"} %}' +
    "{% for name, count in (state_attr(\"sensor.maple_court_offline_devices\", 'homes') or {}).items() %}" +
    "{{ ', ' if not loop.first }}{% if name in ids %}" +
    "[{{ name }}](/config/devices/device/{{ ids[name] }}){% else %}{{ name }}{% endif %}" +
    " ({{ count }}){% else %}none{% endfor %}";
  // The integration's own name for the home (Unit 9), which the count's attribute uses.
  assert.ok(legend.includes(`Homes with a device offline: ${template}`), legend);

  const offline = dashboard.views[1].sections[0].cards[2];
  assert.match(offline.content, /Devices offline/);
  assert.ok(offline.content.includes(`**Maple Court**: ${template}`), offline.content);
  assert.ok(
    offline.content.includes('{% if states("sensor.cedar_heights_offline_devices") | int(0) > 0 %}'),
  );
  assert.deepEqual(offline.visibility, [
    {
      condition: "or",
      conditions: [
        { condition: "numeric_state", entity: "sensor.cedar_heights_offline_devices", above: 0 },
        { condition: "numeric_state", entity: "sensor.maple_court_offline_devices", above: 0 },
      ],
    },
  ]);
});
