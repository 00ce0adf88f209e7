"""The checks hassfest and the HACS action apply to a custom integration, run locally.

`.github/workflows/` runs the real hassfest and HACS action on GitHub; they cannot run here
(no network, no Docker). These tests are their local twin, and go a little further where
the quality scale asks for it: every translation key the code uses exists, every one
defined is used, every action has an icon, every config flow field a description.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import pkgutil
import re
import string
import struct
import sys
from collections.abc import Iterator
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import probatio as vol
import pytest
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import selector as ha_selector
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.util.yaml import load_yaml_dict
from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parents[2]
DOMAIN = "alexa_smart_properties"
PACKAGE = REPO / "custom_components" / DOMAIN
MODULE = f"custom_components.{DOMAIN}"

# Abort reasons and steps Home Assistant's OAuth2 flow handler produces by itself.
OAUTH_ABORTS = {
    "already_configured",
    "already_in_progress",
    "authorize_url_timeout",
    "missing_configuration",
    "missing_credentials",
    "no_url_available",
    "oauth_error",
    "oauth_failed",
    "oauth_timeout",
    "oauth_unauthorized",
    "reauth_successful",
    "reconfigure_successful",
    "unique_id_mismatch",
    "user_rejected_authorize",
}
OAUTH_STEPS = {"pick_implementation"}
ICON = re.compile(r"^mdi:[a-z0-9]+(-[a-z0-9]+)*$")
TRANSLATION_SECTIONS = {
    "application_credentials",
    "common",
    "config",
    "config_subentries",
    "device",
    "device_automation",
    "entity",
    "entity_component",
    "exceptions",
    "issues",
    "options",
    "selector",
    "services",
    "system_health",
    "title",
}


def load_json(path: Path) -> Any:
    return json.loads(path.read_text())


@cache
def manifest() -> dict[str, Any]:
    data: dict[str, Any] = load_json(PACKAGE / "manifest.json")
    return data


@cache
def strings() -> dict[str, Any]:
    data: dict[str, Any] = load_json(PACKAGE / "translations" / "en.json")
    return data


@cache
def services() -> dict[str, Any]:
    return dict(load_yaml_dict(str(PACKAGE / "services.yaml")))


@cache
def icons() -> dict[str, Any]:
    data: dict[str, Any] = load_json(PACKAGE / "icons.json")
    return data


@cache
def sources() -> dict[Path, ast.Module]:
    """Every Python file of the integration (the API client included), parsed."""
    return {path: ast.parse(path.read_text(), str(path)) for path in PACKAGE.rglob("*.py")}


@cache
def literals() -> frozenset[str]:
    """Every string constant in the integration's code."""
    return frozenset(
        node.value
        for tree in sources().values()
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    )


def calls() -> Iterator[tuple[Path, ast.Call, str]]:
    """Every call in the code, with the name of what is called."""
    for path, tree in sources().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                yield path, node, name


def keyword(call: ast.Call, name: str) -> str | None:
    for kw in call.keywords:
        if (
            kw.arg == name
            and isinstance(kw.value, ast.Constant)
            and isinstance(kw.value.value, str)
        ):
            return kw.value.value
    return None


def service_fields(schema: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """Return a service's fields, sections flattened."""
    found: dict[str, dict[str, Any]] = {}
    for name, field in ((schema or {}).get("fields") or {}).items():
        if "fields" in field:
            found.update(field["fields"])
        else:
            found[name] = field
    return found


# --- manifest.json -----------------------------------------------------------------------


def test_manifest_keys_sorted_like_hassfest() -> None:
    keys = list(manifest())
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:]), "after domain and name, keys in alphabetical order"


def test_manifest_has_what_custom_integrations_need() -> None:
    data = manifest()
    for key in (
        "domain",
        "name",
        "codeowners",
        "config_flow",
        "documentation",
        "integration_type",
        "iot_class",
        "issue_tracker",
        "requirements",
        "version",
    ):
        assert key in data, f"manifest.json lacks {key}"
    assert data["domain"] == PACKAGE.name
    assert data["iot_class"] in {
        "assumed_state",
        "calculated",
        "cloud_polling",
        "cloud_push",
        "local_polling",
        "local_push",
    }
    assert data["integration_type"] in {
        "device",
        "entity",
        "hardware",
        "helper",
        "hub",
        "service",
        "system",
        "virtual",
    }
    assert re.fullmatch(r"\d+\.\d+\.\d+([.-]?[a-z0-9.]+)?", data["version"])
    for url in (data["documentation"], data["issue_tracker"]):
        assert url.startswith("https://")
    assert data["codeowners"], "at least one code owner"
    assert all(owner.startswith("@") for owner in data["codeowners"])
    assert data["config_flow"] is True
    assert (PACKAGE / "config_flow.py").is_file()
    assert not (
        Path(importlib.import_module("homeassistant.components").__path__[0]) / DOMAIN
    ).exists(), "the domain collides with a core integration"


def test_manifest_dependencies_are_core_integrations() -> None:
    for dependency in manifest().get("dependencies", []) + manifest().get("after_dependencies", []):
        importlib.import_module(f"homeassistant.components.{dependency}")


def test_every_third_party_import_is_a_requirement() -> None:
    """What the code imports, Home Assistant or the manifest must install (hassfest's job)."""
    declared = {
        Requirement(req).name.lower().replace("_", "-") for req in manifest()["requirements"]
    }
    ha_requires = {
        Requirement(req).name.lower().replace("_", "-")
        for req in metadata.requires("homeassistant") or []
        if "extra ==" not in req
    }
    distributions = metadata.packages_distributions()
    imported: set[str] = set()
    for tree in sources().values():
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    missing = []
    for module in sorted(
        imported - set(sys.stdlib_module_names) - {"homeassistant", "custom_components"}
    ):
        names = {name.lower().replace("_", "-") for name in distributions.get(module, [module])}
        if not names & (declared | ha_requires):
            missing.append(module)
    assert not missing, (
        f"imported but neither in requirements nor installed by Home Assistant: {missing}"
    )


def test_requirements_are_valid() -> None:
    for requirement in manifest()["requirements"]:
        Requirement(requirement)


# --- hacs.json and the repository layout (the HACS action) --------------------------------


def test_hacs_json() -> None:
    data = load_json(REPO / "hacs.json")
    allowed = {
        "name",
        "content_in_root",
        "zip_release",
        "filename",
        "hide_default_branch",
        "country",
        "homeassistant",
        "hacs",
        "persistent_directory",
        "render_readme",
    }
    assert set(data) <= allowed, f"keys HACS does not know: {set(data) - allowed}"
    assert data["name"]
    assert re.fullmatch(r"\d{4}\.\d{1,2}\.\d+", data["homeassistant"])
    assert not data.get("content_in_root", False)
    year, month, _ = data["homeassistant"].split(".")
    readme = (REPO / "README.md").read_text()
    assert f"Home Assistant {year}.{month}" in readme, "README states the minimum version"


def test_one_integration_and_a_readme() -> None:
    integrations = [
        path
        for path in (REPO / "custom_components").iterdir()
        if path.is_dir() and not path.name.startswith("__")
    ]
    assert [path.name for path in integrations] == [DOMAIN]
    assert (REPO / "README.md").is_file()
    assert (REPO / "LICENSE").is_file()


# --- brand images ------------------------------------------------------------------------


def png_size(path: Path) -> tuple[int, int, int]:
    """Return width, height and colour type of a PNG."""
    data = path.read_bytes()[:26]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    width, height, _, color_type = struct.unpack(">IIBB", data[16:26])
    return width, height, color_type


def test_brand_images_present_and_sized() -> None:
    brand = PACKAGE / "brand"
    sizes = {path.name: png_size(path) for path in brand.glob("*.png")}
    assert {"icon.png", "icon@2x.png", "logo.png", "logo@2x.png"} <= sizes.keys()
    assert sizes["icon.png"][:2] == (256, 256)
    assert sizes["icon@2x.png"][:2] == (512, 512)
    width, height, _ = sizes["logo.png"]
    assert 128 <= min(width, height) <= 256, "a logo's shortest side is 128 to 256 px"
    assert sizes["logo@2x.png"][:2] == (width * 2, height * 2)
    for name, (_, _, color_type) in sizes.items():
        assert color_type == 6, f"{name}: RGBA, with a transparent background"
        if name.startswith("dark_"):
            assert sizes[name][:2] == sizes[name.removeprefix("dark_")][:2]


# --- services.yaml -----------------------------------------------------------------------

FIELD_KEYS = {
    "advanced",
    "default",
    "description",
    "example",
    "filter",
    "name",
    "required",
    "selector",
}


def test_services_yaml_schema_and_selectors() -> None:
    assert services(), "services.yaml declares the actions"
    for name, schema in services().items():
        assert re.fullmatch(r"[a-z0-9_]+", name)
        if schema is None:
            continue
        assert set(schema) <= {"description", "name", "target", "fields"}, name
        if schema.get("target") is not None:
            ha_selector.TargetSelector.CONFIG_SCHEMA(schema["target"])
        for field_name, field in (schema.get("fields") or {}).items():
            if "fields" in field:
                assert set(field) <= {"collapsed", "description", "fields", "name"}, field_name
                members = field["fields"]
            else:
                members = {field_name: field}
            for member, spec in members.items():
                assert set(spec) <= FIELD_KEYS, f"{name}.{member}: {set(spec) - FIELD_KEYS}"
                if "selector" in spec:
                    ha_selector.validate_selector(spec["selector"])


def test_every_action_registered_is_declared() -> None:
    """Each hass.services.async_register name has a services.yaml entry, and back."""
    registered: set[str] = set()
    constants = {
        target.id: node.value.value
        for tree in sources().values()
        for node in ast.walk(tree)
        if isinstance(node, ast.AnnAssign | ast.Assign)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        for target in ([node.target] if isinstance(node, ast.AnnAssign) else node.targets)
        if isinstance(target, ast.Name) and target.id.startswith("SERVICE_")
    }
    registered = set(constants.values())
    declared = set(services())
    assert registered <= declared, f"registered but not in services.yaml: {registered - declared}"


# --- translations ------------------------------------------------------------------------


def test_translation_sections_are_known() -> None:
    assert set(strings()) <= TRANSLATION_SECTIONS


def test_translation_strings_are_plain() -> None:
    """Custom integrations ship en.json as is: no [%key:...%] references, no blanks."""

    def walk(node: Any, path: str) -> Iterator[tuple[str, Any]]:
        if isinstance(node, dict):
            for key, value in node.items():
                yield from walk(value, f"{path}.{key}")
        else:
            yield path, node

    for path, value in walk(strings(), ""):
        assert isinstance(value, str), f"{path} is not text"
        assert value.strip(), f"{path} is empty"
        assert "[%key:" not in value, f"{path} references another key (strings.json only)"


# Current hassfest's translation rules (script/hassfest/translations.py), written anew.
# Keys it checks against TRANSLATION_KEY, by where they sit ("*" is any one key).
KEYED_SECTIONS = [
    ("device",),
    ("entity", "*"),
    ("entity", "*", "*", "state"),
    ("entity", "*", "*", "state_attributes"),
    ("entity", "*", "*", "state_attributes", "*", "state"),
    ("entity_component", "*", "state"),
    ("entity_component", "*", "state_attributes"),
    ("entity_component", "*", "state_attributes", "*", "state"),
    ("preview_features",),
    ("selector", "*", "choices"),
    ("selector", "*", "fields"),
    ("selector", "*", "options"),
    ("selector", "*", "unit_of_measurement"),
    ("services",),
    ("services", "*", "fields"),
    ("services", "*", "sections"),
    ("system_health", "info"),
]
# Strings that may hold no placeholders: entity states, attribute names and units.
PLAIN_STRINGS = [
    ("entity", "*", "*", "state", "*"),
    ("entity", "*", "*", "state_attributes", "*", "name"),
    ("entity", "*", "*", "state_attributes", "*", "state", "*"),
    ("entity", "*", "*", "unit_of_measurement"),
    ("entity_component", "*", "state", "*"),
    ("entity_component", "*", "state_attributes", "*", "state", "*"),
]
# Lowercase letters, digits, "-" and "_"; no "-"/"_" at either end, none doubled.
TRANSLATION_KEY = re.compile(r"(?![-_])(?!.*[-_]{2})[a-z0-9_-]+(?<![-_])")
QUOTED_PLACEHOLDER = re.compile(r"'\{\w+\}'")
COMBINED_REFERENCE = re.compile(r".\[%|%\].")
URL_IN_TEXT = re.compile(
    r"((ftps?|https?|mqtts?|scp|socket|socks5)://|www\.)[a-z0-9]+([-.][a-z0-9]+)*\.[a-z]{2,5}",
    re.IGNORECASE,
)


def at(path: tuple[str, ...], patterns: list[tuple[str, ...]]) -> bool:
    return any(
        len(path) == len(pattern)
        and all(p in ("*", part) for part, p in zip(path, pattern, strict=True))
        for pattern in patterns
    )


def placeholder_errors(text: str, allowed: bool) -> list[str]:
    """Check `{name}` placeholders the way str.format reads them, as hassfest does."""
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(text) if name]
    except ValueError as err:
        return [f"braces that are not placeholders ({err})"]
    if names and not allowed:
        return [f"placeholders where none are allowed: {names}"]
    return [
        f"placeholder {name!r} is not an identifier" for name in names if not name.isidentifier()
    ]


def text_errors(text: str, placeholders: bool) -> list[str]:
    errors = placeholder_errors(text, placeholders)
    try:
        cv.string_with_no_html(text)
    except vol.Invalid:
        errors.append("HTML")
    if QUOTED_PLACEHOLDER.search(text):
        errors.append("a placeholder inside single quotes")
    if COMBINED_REFERENCE.search(text):
        errors.append("a reference combined with other text")
    if text != text.strip():
        errors.append("leading or trailing spaces")
    if URL_IN_TEXT.search(text):
        errors.append("a URL (pass it as a description placeholder)")
    return errors


def hassfest_translation_errors(node: Any, path: tuple[str, ...] = ()) -> list[str]:
    """Return what hassfest's translation schema would reject in a strings file."""
    where = ".".join(path)
    if not isinstance(node, dict):
        return [f"{where}: {error}" for error in text_errors(node, not at(path, PLAIN_STRINGS))]
    errors: list[str] = []
    for key, value in node.items():
        if at(path, KEYED_SECTIONS) and not TRANSLATION_KEY.fullmatch(key):
            errors.append(f"{where}: key {key!r} must match [a-z0-9-_]+ (no -/_ at the ends)")
        errors.extend(hassfest_translation_errors(value, (*path, key)))
    return errors


def test_translations_pass_hassfest_rules() -> None:
    assert hassfest_translation_errors(strings()) == []


@pytest.mark.parametrize(
    ("strings_json", "error"),
    [
        # Both came from en.json as it was: hassfest rejected them, this file did not.
        ({"selector": {"region": {"options": {"NA": "North America"}}}}, "key 'NA'"),
        (
            {"services": {"a": {"name": "A", "description": "The ${data.…} placeholders."}}},
            "placeholder 'data.…' is not an identifier",
        ),
        ({"entity": {"sensor": {"x_": {"name": "X"}}}}, "key 'x_'"),
        ({"entity": {"sensor": {"x": {"state": {"on": "On {what}"}}}}}, "where none are"),
        ({"exceptions": {"x": {"message": "Closing } alone"}}}, "braces"),
        ({"exceptions": {"x": {"message": "See '{url}'"}}}, "single quotes"),
        ({"exceptions": {"x": {"message": "See https://example.com/x"}}}, "a URL"),
        ({"exceptions": {"x": {"message": "A <b>bold</b> claim"}}}, "HTML"),
        ({"exceptions": {"x": {"message": "Also [%key:common::x%]"}}}, "combined"),
        ({"title": "Spaced "}, "trailing spaces"),
    ],
)
def test_hassfest_rules_catch(strings_json: dict[str, Any], error: str) -> None:
    errors = hassfest_translation_errors(strings_json)
    assert len(errors) == 1, errors
    assert error in errors[0]


def test_every_action_and_field_translated() -> None:
    translated = strings().get("services", {})
    for name, schema in services().items():
        entry = translated.get(name, {})
        assert entry.get("name"), f"action {name} has no name"
        assert entry.get("description"), f"action {name} has no description"
        for field in service_fields(schema):
            text = entry.get("fields", {}).get(field, {})
            assert text.get("name"), f"{name}.{field} has no name"
            assert text.get("description"), f"{name}.{field} has no description"
        for section, spec in ((schema or {}).get("fields") or {}).items():
            if "fields" in spec:
                assert entry.get("sections", {}).get(section, {}).get("name"), (
                    f"{name} section {section}"
                )
    for name, entry in translated.items():
        assert name in services(), f"translation of an action that does not exist: {name}"
        fields = service_fields(services()[name])
        for field in entry.get("fields", {}):
            assert field in fields, f"translation of a field that does not exist: {name}.{field}"


def test_select_selectors_translated() -> None:
    used: set[str] = set()
    for name, schema in services().items():
        for field, spec in service_fields(schema).items():
            select = (spec.get("selector") or {}).get("select") or {}
            if key := select.get("translation_key"):
                used.add(key)
                options = strings()["selector"][key]["options"]
                for option in select.get("options", []):
                    value = option["value"] if isinstance(option, dict) else option
                    assert value in options, f"{name}.{field}: option {value} untranslated"
    for _, call, name in calls():
        if name == "SelectSelectorConfig" and (key := keyword(call, "translation_key")):
            used.add(key)
            assert key in strings().get("selector", {}), f"selector {key} untranslated"
    assert set(strings().get("selector", {})) <= used, "selector translations nothing uses"


def shown_steps() -> tuple[set[str], set[str]]:
    """Return the step IDs the config flow shows as forms or menus, and the menu options."""
    steps: set[str] = set()
    options: set[str] = set()
    for path, call, name in calls():
        if path.name != "config_flow.py" or name not in ("async_show_form", "async_show_menu"):
            continue
        if step := keyword(call, "step_id"):
            steps.add(step)
        for kw in call.keywords:
            if kw.arg == "menu_options" and isinstance(kw.value, ast.List):
                options.update(
                    elt.value
                    for elt in kw.value.elts
                    if isinstance(elt, ast.Constant) and isinstance(elt.value, str)
                )
    return steps, options


def test_config_flow_steps_translated() -> None:
    steps, menu_options = shown_steps()
    config = strings()["config"]
    options_flow = {"init"} & steps  # the options flow's only step
    for step in steps - options_flow:
        assert step in config["step"], f"config step {step} untranslated"
        assert config["step"][step].get("title") or config["step"][step].get("description")
    for step in config["step"]:
        assert step in steps | OAUTH_STEPS, f"translation of a step the flow never shows: {step}"
        texts = config["step"][step]
        for option in texts.get("menu_options", {}):
            assert option in menu_options, f"{step}: menu option {option} unused"
    for option in menu_options:
        assert any(option in texts.get("menu_options", {}) for texts in config["step"].values())
    for section in (config, strings().get("options", {})):
        for step, texts in section.get("step", {}).items():
            for field in texts.get("data", {}):
                assert texts.get("data_description", {}).get(field), (
                    f"step {step}: field {field} has no data_description"
                )


def test_config_flow_errors_and_aborts() -> None:
    config = strings()["config"]
    errors, aborts = set(config.get("error", {})), set(config.get("abort", {}))
    used_errors: set[str] = set()
    used_aborts: set[str] = set()
    for path, call, name in calls():
        if path.name != "config_flow.py":
            continue
        if name == "async_abort" and (reason := keyword(call, "reason")):
            used_aborts.add(reason)
    for node in ast.walk(sources()[PACKAGE / "config_flow.py"]):
        # {"base": "..."} and {CONF_X: "..."}: the errors a form shows.
        if isinstance(node, ast.Dict) and any(
            (isinstance(key, ast.Constant) and key.value == "base")
            or (isinstance(key, ast.Name) and key.id.startswith("CONF_"))
            for key in node.keys
        ):
            used_errors.update(
                value.value
                for value in node.values
                if isinstance(value, ast.Constant) and isinstance(value.value, str)
            )
        # error = "..." (what a check returns, shown on a form or as an abort reason).
        if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Constant):
            targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
            if any(isinstance(t, ast.Name) and t.id == "error" for t in targets) and isinstance(
                node.value.value, str
            ):
                used_errors.add(node.value.value)
    assert used_errors <= errors, f"errors shown but untranslated: {used_errors - errors}"
    assert used_aborts <= aborts, f"aborts untranslated: {used_aborts - aborts}"
    code = literals()
    assert {e for e in errors if e not in code} == set(), "error translations never used"
    assert {a for a in aborts if a not in code and a not in OAUTH_ABORTS} == set(), (
        "abort translations never used"
    )


def test_errors_that_can_abort_are_abort_reasons() -> None:
    """`async_abort(reason=error)` ends a flow with a check's error key as the reason.

    Whatever the check can return (the `error = "..."` assignments) needs an abort
    translation too.
    """
    tree = sources()[PACKAGE / "config_flow.py"]
    dynamic = any(
        isinstance(node, ast.Call)
        and getattr(node.func, "attr", "") == "async_abort"
        and any(kw.arg == "reason" and isinstance(kw.value, ast.Name) for kw in node.keywords)
        for node in ast.walk(tree)
    )
    if not dynamic:
        return
    checked = {
        node.value.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign | ast.AnnAssign)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        and any(
            isinstance(t, ast.Name) and t.id == "error"
            for t in ([node.target] if isinstance(node, ast.AnnAssign) else node.targets)
        )
    }
    aborts = set(strings()["config"].get("abort", {}))
    assert checked <= aborts, f"check results that may end a flow untranslated: {checked - aborts}"


def integration_modules() -> list[Any]:
    found = [importlib.import_module(MODULE)]
    for info in pkgutil.walk_packages([str(PACKAGE)], prefix=f"{MODULE}."):
        found.append(importlib.import_module(info.name))
    return found


def platform_of(cls: type) -> str | None:
    """The entity platform a class or description belongs to (its Home Assistant base)."""
    for base in cls.__mro__:
        parts = base.__module__.split(".")
        if parts[:2] == ["homeassistant", "components"] and len(parts) >= 3:
            return parts[2]
    return None


def entity_translation_keys() -> set[tuple[str, str]]:
    """Every (platform, translation key) the integration's entities and descriptions use."""
    used: set[tuple[str, str]] = set()
    for module in integration_modules():
        for _, value in inspect.getmembers(module):
            if (
                inspect.isclass(value)
                and issubclass(value, Entity)
                and value.__module__.startswith(MODULE)
            ):
                # Home Assistant's metaclass turns `_attr_*` into properties and keeps the
                # class's own value under `__attr_*`.
                key = value.__dict__.get("__attr_translation_key")
                if isinstance(key, str) and (platform := platform_of(value)):
                    used.add((platform, key))
            elif isinstance(value, EntityDescription):
                if value.translation_key and (platform := platform_of(type(value))):
                    used.add((platform, value.translation_key))
            elif isinstance(value, list | tuple):
                for item in value:
                    if isinstance(item, EntityDescription) and item.translation_key:
                        platform = platform_of(type(item))
                        if platform:
                            used.add((platform, item.translation_key))
    return used


def test_entity_translations() -> None:
    defined = {
        (platform, key)
        for platform, entries in strings().get("entity", {}).items()
        for key in entries
    }
    used = entity_translation_keys()
    assert used <= defined, f"entities without translations: {sorted(used - defined)}"
    code = literals()
    unused = {(platform, key) for platform, key in defined - used if key not in code}
    assert not unused, f"entity translations nothing uses: {sorted(unused)}"
    for platform, key in defined:
        entry = strings()["entity"][platform][key]
        assert entry.get("name") or entry.get("state"), f"entity.{platform}.{key} has no name"


def test_exception_and_issue_translations() -> None:
    exceptions = set(strings().get("exceptions", {}))
    issues = set(strings().get("issues", {}))
    used_exceptions: set[str] = set()
    used_issues: set[str] = set()
    for _, call, name in calls():
        key = keyword(call, "translation_key")
        if key is None:
            continue
        if name in ("async_create_issue", "create_issue"):
            used_issues.add(key)
        elif name.endswith(
            ("Error", "Exception", "NotReady", "AuthFailed", "UpdateFailed", "Failed")
        ):
            used_exceptions.add(key)
    assert used_exceptions <= exceptions, f"untranslated exceptions: {used_exceptions - exceptions}"
    assert used_issues <= issues, f"untranslated issues: {used_issues - issues}"
    code = literals()
    assert {key for key in exceptions if key not in code} == set(), "exception translations unused"
    assert {key for key in issues if key not in code} == set(), "issue translations unused"
    for key in issues:
        assert strings()["issues"][key].get("title"), f"issue {key} has no title"


def test_device_trigger_types_translated() -> None:
    module = importlib.import_module(f"{MODULE}.device_trigger")
    types = set(getattr(module, "TRIGGER_TYPES", {}))
    translated = set(strings().get("device_automation", {}).get("trigger_type", {}))
    assert types == translated


def test_application_credentials_placeholders() -> None:
    description = strings()["application_credentials"]["description"]
    source = (PACKAGE / "application_credentials.py").read_text()
    for placeholder in re.findall(r"{(\w+)}", description):
        assert f'"{placeholder}"' in source, f"placeholder {placeholder} never provided"


# --- icons.json --------------------------------------------------------------------------


def test_icons() -> None:
    data = icons()
    assert set(data) <= {"entity", "services", "entity_component", "issues", "options"}

    def each_icon(node: Any, path: str) -> Iterator[tuple[str, str]]:
        if isinstance(node, dict):
            for key, value in node.items():
                yield from each_icon(value, f"{path}.{key}")
        else:
            yield path, node

    for path, icon in each_icon(data, ""):
        assert isinstance(icon, str), f"{path} is not an icon"
        assert ICON.match(icon), f"{path}: {icon!r} is not mdi:name"
    translated = {
        (platform, key)
        for platform, entries in strings().get("entity", {}).items()
        for key in entries
    }
    for platform, entries in data.get("entity", {}).items():
        for key in entries:
            assert (platform, key) in translated, f"icon for an unknown entity {platform}.{key}"
    for name in services():
        assert data.get("services", {}).get(name, {}).get("service"), f"action {name} has no icon"
    for name in data.get("services", {}):
        assert name in services(), f"icon for an action that does not exist: {name}"


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.json")), ids=lambda p: p.name)
def test_json_files_parse(path: Path) -> None:
    load_json(path)
