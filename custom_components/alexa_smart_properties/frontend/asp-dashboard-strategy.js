// The property manager's dashboard: a Lovelace dashboard strategy served by the integration.
//
// A dashboard made with `strategy: {type: custom:alexa-smart-properties}` is generated each
// time it opens, from the registries and states the frontend already holds (hass.devices,
// hass.entities, hass.states): an estate overview, an "Attention" view, a "Vacant" view (a
// live filter) and a view per community (split in pages for big ones). Only core cards; live
// values come from the cards themselves (states, visibility conditions, entity filters), so
// generation is one pass over the registries.

const DOMAIN = "alexa_smart_properties";
const TAG = "ll-strategy-dashboard-alexa-smart-properties";
const HOMES_PER_VIEW = 50;
const NO_COMMUNITY = "Homes without a community";
// Home Assistant's device list, filtered to this integration: its search box finds any home.
const SEARCH_PATH = `/config/devices/dashboard?domain=${DOMAIN}`;

// The integration's entities, by the translation key they are registered with.
const HOME_KEYS = ["occupancy", "occupancy_change_pending", "enabled_skills", "automations"];
const COMMUNITY_KEYS = [
  "homes",
  "occupied_homes",
  "vacant_homes",
  "linked_homes",
  "offline_devices",
];
const COUNT_NAMES = {
  homes: "Homes",
  occupied_homes: "Occupied",
  vacant_homes: "Vacant",
  linked_homes: "Linked",
  offline_devices: "Devices offline",
};
const FULL = { columns: 12, rows: 1 };

const byName = (a, b) => a.name.localeCompare(b.name, undefined, { numeric: true });
const deviceName = (device) => device.name_by_user || device.name || device.id;
const navigate = (path) => ({ action: "navigate", navigation_path: path });
const devicePage = (id) => navigate(`/config/devices/device/${id}`);
const isState = (entity, state) => ({ condition: "state", entity, state });
const isNotState = (entity, state) => ({ condition: "state", entity, state_not: state });
const text = (content) => ({ type: "markdown", text_only: true, content });
const icon = (name) => `<ha-icon icon="mdi:${name}"></ha-icon>`;
/** A section across the whole width of a 4-column view, for text above the homes. */
const wide = (...cards) => ({ type: "grid", column_span: 4, cards });

/** Read the integration's communities, homes and their entities from the frontend's hass. */
export function readEstate(hass) {
  const devices = hass.devices ?? {};
  const perDevice = new Map();
  for (const entity of Object.values(hass.entities ?? {})) {
    if (entity.platform !== DOMAIN || !entity.device_id) continue;
    const key =
      entity.translation_key ??
      (hass.states?.[entity.entity_id]?.attributes?.device_class === "connectivity"
        ? "connectivity"
        : null);
    if (!key) continue;
    if (!perDevice.has(entity.device_id)) perDevice.set(entity.device_id, {});
    perDevice.get(entity.device_id)[key] = entity.entity_id;
  }

  const communities = new Map();
  const homes = new Map();
  for (const [id, found] of perDevice) {
    const device = devices[id];
    if (!device) continue;
    if (found.occupancy) {
      const via = device.via_device_id;
      const name = deviceName(device);
      // label: the name the integration gave it, which its community's offline count uses.
      homes.set(id, { ...found, id, name, label: device.name, via, connectivity: [] });
    } else if (COMMUNITY_KEYS.some((key) => key in found)) {
      communities.set(id, { id, name: deviceName(device), homes: [], sensors: found });
    }
  }
  // A device's connectivity sensor counts for the home the device is in.
  for (const [id, found] of perDevice) {
    const home = homes.get(devices[id]?.via_device_id);
    if (home && found.connectivity) {
      home.connectivity.push({ entity: found.connectivity, name: deviceName(devices[id]) });
    }
  }

  const orphans = { id: null, name: NO_COMMUNITY, homes: [], sensors: {} };
  for (const home of homes.values()) {
    home.connectivity.sort(byName);
    (communities.get(home.via) ?? orphans).homes.push(home);
  }
  const list = [...communities.values()].sort(byName);
  if (orphans.homes.length) list.push(orphans);
  for (const community of list) community.homes.sort(byName);
  return list;
}

// --- Cards --------------------------------------------------------------------------------

function actionTile(home, { name, icon, color, service, question, visibility }) {
  return {
    type: "tile",
    entity: home.occupancy,
    name,
    icon,
    color,
    hide_state: true,
    grid_options: { columns: 6, rows: 1 },
    // Hidden while a change is under way: one at a time, as Amazon takes them.
    visibility: home.occupancy_change_pending
      ? [...visibility, isNotState(home.occupancy_change_pending, "on")]
      : visibility,
    tap_action: {
      action: "perform-action",
      perform_action: `${DOMAIN}.${service}`,
      data: { device_id: home.id },
      confirmation: { text: question },
    },
  };
}

/** Shown while a move-in, move-out or unlink is under way. */
function pendingBadges(home) {
  if (!home.occupancy_change_pending) return [];
  return [
    {
      type: "entity",
      entity: home.occupancy_change_pending,
      icon: "mdi:progress-clock",
      color: "orange",
      show_state: false,
      visibility: [isState(home.occupancy_change_pending, "on")],
    },
  ];
}

function offlineBadges(home) {
  return home.connectivity.map(({ entity, name }) => ({
    type: "entity",
    entity,
    name,
    icon: "mdi:lan-disconnect",
    color: "red",
    show_state: false,
    tap_action: { action: "more-info" },
    visibility: [isState(entity, "off")],
  }));
}

/** Occupancy and since when; a tap opens the home's device page. */
function occupancyTile(home) {
  return {
    type: "tile",
    entity: home.occupancy,
    name: "Occupancy",
    state_content: ["state", "last_changed"],
    grid_options: FULL,
    tap_action: devicePage(home.id),
  };
}

/** Shown while a move-in, move-out or unlink is under way: what the home becomes. */
function pendingTile(home) {
  return {
    type: "tile",
    entity: home.occupancy_change_pending,
    name: "Change in progress",
    icon: "mdi:progress-clock",
    color: "orange",
    state_content: ["requested_state", "last_changed"],
    grid_options: FULL,
    visibility: [isState(home.occupancy_change_pending, "on")],
  };
}

/** A home's section: name (to its device page), counts, health, occupancy and actions. */
export function homeSection(home) {
  const badges = pendingBadges(home);
  for (const key of ["enabled_skills", "automations"]) {
    if (!home[key]) continue;
    badges.push({ type: "entity", entity: home[key], show_state: true, show_icon: true });
  }
  badges.push(...offlineBadges(home));
  const cards = [
    {
      type: "heading",
      heading: home.name,
      heading_style: "subtitle",
      tap_action: devicePage(home.id),
      badges,
    },
    occupancyTile(home),
  ];
  if (home.occupancy_change_pending) cards.push(pendingTile(home));
  const name = home.name;
  cards.push(
    actionTile(home, {
      name: "Move in",
      icon: "mdi:home-import-outline",
      color: "green",
      service: "move_in",
      question: `Move a resident into ${name}? It takes Amazon a moment.`,
      visibility: [isState(home.occupancy, "vacant")],
    }),
    actionTile(home, {
      name: "Move out",
      icon: "mdi:home-export-outline",
      color: "red",
      service: "move_out",
      question:
        `Move the resident out of ${name}? Their account is unlinked from the home ` +
        "and its devices are yours to manage again.",
      visibility: [
        {
          condition: "or",
          conditions: [isState(home.occupancy, "occupied"), isState(home.occupancy, "linked")],
        },
      ],
    }),
    actionTile(home, {
      name: "Unlink resident",
      icon: "mdi:account-off-outline",
      color: "orange",
      service: "unlink_resident",
      question: `Unlink the resident's Amazon account from ${name}? The home stays occupied.`,
      visibility: [isState(home.occupancy, "linked")],
    }),
  );
  return { type: "grid", cards };
}

/** Conditions that hold while a home needs a look: a change pending or a device offline. */
function troubles(home) {
  const found = home.connectivity.map(({ entity }) => isState(entity, "off"));
  if (home.occupancy_change_pending) found.unshift(isState(home.occupancy_change_pending, "on"));
  return found;
}

/** Light on purpose (a heading and a tile): the view holds every home, most of them hidden. */
function attentionSection(home, community) {
  const badges = [...pendingBadges(home), ...offlineBadges(home)];
  const heading = {
    type: "heading",
    heading: `${home.name} · ${community.name}`,
    heading_style: "subtitle",
    tap_action: devicePage(home.id),
    badges,
  };
  return {
    type: "grid",
    cards: [heading, occupancyTile(home)],
    visibility: [{ condition: "or", conditions: troubles(home) }],
  };
}

function communityBadges(community) {
  return COMMUNITY_KEYS.filter((key) => community.sensors[key]).map((key) => ({
    type: "entity",
    entity: community.sensors[key],
    name: COUNT_NAMES[key],
    show_name: true,
    show_state: true,
    show_icon: true,
  }));
}

function pendingCount(homes) {
  const ids = homes.map((home) => home.occupancy_change_pending).filter(Boolean);
  return `{{ ${JSON.stringify(ids)} | select('is_state', 'on') | list | count }}`;
}

/**
 * Live markdown: the community's homes with a device offline, each a link to its device page,
 * from its "Devices offline" sensor (which counts every device, whatever sensors are enabled).
 */
function offlineHomes(community) {
  const entity = community.sensors.offline_devices;
  const ids = Object.fromEntries(community.homes.map((home) => [home.label, home.id]));
  return (
    `{% set ids = ${JSON.stringify(ids)} %}` +
    `{% for name, count in (state_attr(${JSON.stringify(entity)}, 'homes') or {}).items() %}` +
    "{{ ', ' if not loop.first }}{% if name in ids %}" +
    "[{{ name }}](/config/devices/device/{{ ids[name] }}){% else %}{{ name }}{% endif %}" +
    " ({{ count }}){% else %}none{% endfor %}"
  );
}

/** "N homes · changes in progress: M", M live (a template over the homes' pending sensors). */
function progressLine(community) {
  return (
    `**${community.homes.length}** homes · ` +
    `changes in progress: **${pendingCount(community.homes)}**`
  );
}

function communitySummary(community, path) {
  const tiles = COMMUNITY_KEYS.filter((key) => community.sensors[key]).map((key) => ({
    type: "tile",
    entity: community.sensors[key],
    name: COUNT_NAMES[key],
    grid_options: { columns: 6, rows: 1 },
    tap_action: navigate(path),
  }));
  return {
    type: "grid",
    cards: [
      {
        type: "heading",
        heading: community.name,
        icon: "mdi:home-city-outline",
        tap_action: navigate(path),
      },
      ...tiles,
      { ...text(progressLine(community)), grid_options: { columns: 12, rows: "auto" } },
    ],
  };
}

// --- Views --------------------------------------------------------------------------------

function slug(text) {
  return (
    text
      .toLowerCase()
      .normalize("NFKD")
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "") || "community"
  );
}

function communityViews(community, perView, taken) {
  let base = slug(community.name);
  while (taken.has(base)) base += "-2";
  taken.add(base);
  const pages = Math.max(1, Math.ceil(community.homes.length / perView));
  const views = [];
  for (let page = 0; page < pages; page++) {
    const homes = community.homes.slice(page * perView, (page + 1) * perView);
    // "Maple Court · Unit 1–Unit 50", not "Maple Court · Maple Court Unit 1–…" (names repeat).
    const short = (home) =>
      home.name.startsWith(`${community.name} `)
        ? home.name.slice(community.name.length + 1)
        : home.name;
    const title =
      pages === 1
        ? community.name
        : `${community.name} · ${short(homes[0])}–${short(homes.at(-1))}`;
    views.push({
      type: "sections",
      title,
      path: page === 0 ? base : `${base}-${page + 1}`,
      max_columns: 4,
      badges: page === 0 ? communityBadges(community) : [],
      sections: [legend(community), ...homes.map(homeSection)],
    });
  }
  return views;
}

/** Atop each page of a community: its live progress, then how to read a home. */
function legend(community) {
  const offline = community.sensors.offline_devices
    ? `\n\nHomes with a device offline: ${offlineHomes(community)}`
    : "";
  return wide(
    text(
      `${progressLine(community)}${offline}\n\n` +
        `A home's name opens its device page. ${icon("puzzle-outline")} enabled skills, ` +
        `${icon("robot-outline")} automations, ${icon("lan-disconnect")} a device offline ` +
        "(with its connectivity sensor enabled), " +
        `${icon("progress-clock")} a change in progress. ` +
        "Move-ins and move-outs ask before they start. " +
        `[Search every home and device](${SEARCH_PATH}).`,
    ),
  );
}

/** Markdown shown only while no home needs a look. */
function allClear(communities) {
  const conditions = communities
    .flatMap((community) => community.homes.flatMap(troubles))
    .map(({ entity, state }) => isNotState(entity, state));
  for (const entity of offlineCounts(communities)) {
    conditions.push({ condition: "numeric_state", entity, below: 1 });
  }
  const message =
    "Nothing needs a look: no change in progress, " +
    "every device Home Assistant can reach is online.";
  return { ...text(message), visibility: conditions };
}

const offlineCounts = (communities) =>
  communities.map((community) => community.sensors.offline_devices).filter(Boolean);

/** Live: each community's homes with a device offline; shown while there are any. */
function offlineList(communities) {
  const counted = communities.filter((community) => community.sensors.offline_devices);
  if (!counted.length) return [];
  const lines = counted.map(
    (community) =>
      `{% if states(${JSON.stringify(community.sensors.offline_devices)}) | int(0) > 0 %}` +
      `**${community.name}**: ${offlineHomes(community)}\n\n{% endif %}`,
  );
  return [
    {
      ...text(`${icon("lan-disconnect")} Devices offline\n\n${lines.join("")}`),
      visibility: [
        {
          condition: "or",
          conditions: offlineCounts(counted).map((entity) => ({
            condition: "numeric_state",
            entity,
            above: 0,
          })),
        },
      ],
    },
  ];
}

function estateView(communities, firstPaths) {
  const everyHome = communities.flatMap((community) => community.homes);
  return {
    type: "sections",
    title: "Estate",
    path: "estate",
    max_columns: 3,
    sections: [
      {
        type: "grid",
        cards: [
          { type: "heading", heading: "Properties", icon: "mdi:office-building-outline" },
          text(
            `**${everyHome.length}** homes in **${communities.length}** ` +
              `${communities.length === 1 ? "community" : "communities"}. ` +
              "Open a community to see its homes, *Attention* for the homes that need a " +
              "look (a move-in, move-out or unlink in progress, or a device offline), or " +
              "*Vacant* for the homes ready for a move-in. " +
              `[Search every home and device](${SEARCH_PATH}).`,
          ),
          allClear(communities),
        ],
      },
      ...communities.map((community, index) => communitySummary(community, firstPaths[index])),
    ],
  };
}

/**
 * The homes that need a look as the dashboard opens (a section per home of the estate took
 * 17 s to show at 500 homes); each leaves live once settled, new ones come with a reload.
 */
function attentionView(communities, hass) {
  const holds = ({ entity, state }) => hass.states?.[entity]?.state === state;
  const sections = communities.flatMap((community) =>
    community.homes
      .filter((home) => troubles(home).some(holds))
      .map((home) => attentionSection(home, community)),
  );
  return {
    type: "sections",
    title: "Attention",
    path: "attention",
    max_columns: 4,
    sections: [
      wide(
        text(
          `Homes with a change in progress ${icon("progress-clock")} or a device offline ` +
            `${icon("lan-disconnect")} (one whose connectivity sensor is enabled; tap it for ` +
            "which) when this page was opened. A home leaves the list once it is settled and " +
            "its devices are back; reload the page for homes that need a look since. " +
            "*Devices offline* below names every home with one, live.",
        ),
        allClear(communities),
        ...offlineList(communities),
      ),
      ...sections,
    ],
  };
}

/**
 * The homes that are vacant now, per community: a live filter (core entity-filter cards), so
 * a home leaves as soon as a resident moves in and comes back on move-out, without a reload.
 */
function vacantView(communities, firstPaths) {
  const sections = communities.map((community, index) => {
    const count = community.sensors.vacant_homes;
    return {
      type: "grid",
      cards: [
        {
          type: "heading",
          heading: community.name,
          icon: "mdi:home-city-outline",
          tap_action: navigate(firstPaths[index]),
          badges: count ? [{ type: "entity", entity: count, show_state: true }] : [],
        },
        {
          type: "entity-filter",
          entities: community.homes.map((home) => ({
            entity: home.occupancy,
            name: home.name,
            tap_action: devicePage(home.id),
          })),
          conditions: [{ condition: "state", state: "vacant" }],
          card: { type: "entities" },
          show_empty: false,
        },
      ],
    };
  });
  return {
    type: "sections",
    title: "Vacant",
    path: "vacant",
    max_columns: 4,
    sections: [
      wide(
        text(
          "The homes ready for a move-in, as they are now. A home opens its device page; " +
            "its community's page has *Move in*. " +
            `[Search every home and device](${SEARCH_PATH}).`,
        ),
      ),
      ...sections,
    ],
  };
}

/** Keep the communities config.communities names (by name or device ID), if it names any. */
const chosenNames = (config) =>
  Array.isArray(config?.communities) ? config.communities.map(String) : [];

function chosen(communities, config) {
  const names = new Set(chosenNames(config));
  if (!names.size) return communities;
  return communities.filter(
    (community) => names.has(community.name) || (community.id && names.has(community.id)),
  );
}

/**
 * The dashboard for the estate hass knows of. config.homes_per_view caps a view's homes;
 * config.communities (names) keeps only those communities, for a manager of a few.
 */
export function generateDashboard(config, hass) {
  const communities = chosen(readEstate(hass), config);
  if (!communities.length) {
    return {
      title: "Properties",
      views: [
        {
          type: "sections",
          title: "Estate",
          path: "estate",
          sections: [
            {
              type: "grid",
              cards: [
                {
                  type: "markdown",
                  content: chosenNames(config).length
                    ? `No community named ${chosenNames(config).join(", ")} has homes.`
                    : "No homes yet. Add the **Alexa Smart Properties** integration " +
                      "(Settings → Devices & services) with an organization that has homes.",
                },
              ],
            },
          ],
        },
      ],
    };
  }
  const perView = Math.max(1, Number(config?.homes_per_view) || HOMES_PER_VIEW);
  const taken = new Set(["estate", "attention", "vacant"]);
  const perCommunity = communities.map((community) => communityViews(community, perView, taken));
  // Navigation wants an absolute path: the dashboard's own, then the view's.
  const firstPaths = perCommunity.map((views) => `/${hass.panelUrl}/${views[0].path}`);
  return {
    title: "Properties",
    views: [
      estateView(communities, firstPaths),
      attentionView(communities, hass),
      vacantView(communities, firstPaths),
      ...perCommunity.flat(),
    ],
  };
}

if (globalThis.customElements && !customElements.get(TAG)) {
  customElements.define(
    TAG,
    class extends HTMLElement {
      static async generate(config, hass) {
        return generateDashboard(config, hass);
      }
    },
  );
}
