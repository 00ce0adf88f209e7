"""Finds uses of Home Assistant's private names in source code, with `ast`.

Home Assistant keeps the right to change anything whose name starts with `_` (outside the
documented hooks below) in any release. Three things are reported:

1. an override: a class that subclasses a Home Assistant class defines (as a method, a
   class attribute or an attribute set on `self`) a `_` name that a Home Assistant class
   it inherits from defines too, unless the name is a documented hook;
2. an access: `obj._name` where `obj` is not `self`, `cls` or `super()`; `self._name` in
   a Home Assistant subclass where our own code does not define `_name`; `super()._name`
   that is neither a documented hook nor defined by our own base classes;
3. an import of a `_` name (or module) from `homeassistant`, any mention of
   `current_platform` or `deleted_entities` (private in all but name), `getattr` and its
   kin with a `_` name, or on a Home Assistant module (a name fetched dynamically).

Home Assistant's classes are imported to learn what they define: their attributes, and
the attributes their own methods set on `self`.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import textwrap
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

# Documented `_` names an integration is meant to override or call, each with its reason.
DOCUMENTED_HOOKS: dict[str, str] = {
    "_handle_coordinator_update": "CoordinatorEntity: documented hook for coordinator data",
    "_async_update_data": "DataUpdateCoordinator: documented method that fetches the data",
    "_async_setup": "DataUpdateCoordinator: documented one-time setup before the first fetch",
    "_trigger_event": "EventEntity: the documented way to fire an event",
    "_async_refresh_token": (
        "AbstractOAuth2Implementation: abstract, so every OAuth2 implementation defines it"
    ),
    "_abort_if_unique_id_configured": "ConfigFlow: documented unique ID helper",
    "_abort_if_unique_id_mismatch": "ConfigFlow: documented reauth/reconfigure helper",
    "_get_reauth_entry": "ConfigFlow: documented helper of the reauth step",
    "_get_reconfigure_entry": "ConfigFlow: documented helper of the reconfigure step",
}
# `_attr_<property>`: the documented shorthand for an entity's property.
DOCUMENTED_PREFIX = "_attr_"
# Public in name only: reading them ties the integration to Home Assistant's internals.
FORBIDDEN_NAMES = frozenset({"current_platform", "deleted_entities"})
DYNAMIC_ACCESS = frozenset({"getattr", "setattr", "hasattr", "delattr"})


def is_private(name: str) -> bool:
    """Return True for `_name` (not a dunder)."""
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def documented(name: str) -> bool:
    """Return True for a documented hook or an `_attr_` shorthand."""
    return name in DOCUMENTED_HOOKS or name.startswith(DOCUMENTED_PREFIX)


@dataclass(frozen=True, slots=True)
class Violation:
    """One finding: where, and what."""

    module: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line}: {self.message}"


@dataclass(slots=True)
class ClassInfo:
    """One of our classes: its node, its module, and the `_` names it defines."""

    module: str
    node: ast.ClassDef
    defined: set[str] = field(default_factory=set)


def self_assigned(node: ast.AST) -> set[str]:
    """Return the names assigned as `self.<name>` (or `cls.<name>`) anywhere in `node`."""
    names: set[str] = set()
    for sub in ast.walk(node):
        targets: list[ast.expr] = []
        if isinstance(sub, ast.Assign):
            targets = sub.targets
        elif isinstance(sub, (ast.AnnAssign, ast.AugAssign)):
            targets = [sub.target]
        for target in targets:
            for item in ast.walk(target):
                if (
                    isinstance(item, ast.Attribute)
                    and isinstance(item.value, ast.Name)
                    and item.value.id in {"self", "cls"}
                ):
                    names.add(item.attr)
    return names


def class_level(node: ast.ClassDef) -> set[str]:
    """Return the names a class body defines: methods and class attributes."""
    names: set[str] = set()
    for item in node.body:
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(item.name)
        elif isinstance(item, ast.Assign):
            names.update(t.id for t in item.targets if isinstance(t, ast.Name))
        elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            names.add(item.target.id)
    return names


@cache
def ha_defined(klass: type) -> frozenset[str]:
    """Return what a Home Assistant class and its Home Assistant bases define."""
    names: set[str] = set()
    for base in klass.__mro__:
        if not base.__module__.startswith("homeassistant"):
            continue
        names.update(vars(base))
        try:
            source = textwrap.dedent(inspect.getsource(base))
        except OSError, TypeError:
            continue
        names.update(self_assigned(ast.parse(source)))
    return frozenset(names)


def load(module: str, name: str | None = None) -> Any:
    """Import a Home Assistant module (or submodule), or one of its names; None if absent."""
    try:
        found: ModuleType = importlib.import_module(module)
    except ImportError:
        return None
    if name is None:
        return found
    try:
        return importlib.import_module(f"{module}.{name}")
    except ImportError:
        return getattr(found, name, None)


class Scanner:
    """Scans a set of modules (name -> source) of one package."""

    def __init__(self, sources: dict[str, str], packages: frozenset[str] = frozenset()) -> None:
        """Parse every module; `packages` names those that are a package's `__init__`."""
        self.trees = {name: ast.parse(source) for name, source in sources.items()}
        self.packages = packages
        self.imports: dict[str, dict[str, tuple[str, str, str | None]]] = {}
        self.classes: dict[tuple[str, str], ClassInfo] = {}
        self.violations: list[Violation] = []
        for module, tree in self.trees.items():
            self.imports[module] = self._imports(module, tree)
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef):
                    info = ClassInfo(module, node)
                    info.defined = class_level(node) | self_assigned(node)
                    self.classes[(module, node.name)] = info

    def report(self, module: str, node: ast.AST, message: str) -> None:
        """Record a violation at a node."""
        self.violations.append(Violation(module, getattr(node, "lineno", 0), message))

    # --- names and classes ---------------------------------------------------------

    def _imports(self, module: str, tree: ast.Module) -> dict[str, tuple[str, str, str | None]]:
        """Map each imported alias to ("ha" | "ours", module, name or None for a module)."""
        table: dict[str, tuple[str, str, str | None]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] == "homeassistant":
                        bound = alias.asname or alias.name.split(".")[0]
                        target = alias.name if alias.asname else "homeassistant"
                        table[bound] = ("ha", target, None)
                    self._check_module_path(module, node, alias.name)
            elif isinstance(node, ast.ImportFrom):
                source = self._absolute(module, node)
                if source.split(".")[0] == "homeassistant":
                    self._check_module_path(module, node, source)
                    for alias in node.names:
                        if is_private(alias.name):
                            self.report(module, node, f"imports {alias.name} from {source}")
                        table[alias.asname or alias.name] = ("ha", source, alias.name)
                else:
                    for alias in node.names:
                        if f"{source}.{alias.name}" in self.trees:  # one of our modules
                            table[alias.asname or alias.name] = (
                                "ours",
                                f"{source}.{alias.name}",
                                None,
                            )
                        elif source in self.trees:
                            table[alias.asname or alias.name] = ("ours", source, alias.name)
        return table

    def _check_module_path(self, module: str, node: ast.AST, path: str) -> None:
        if path.split(".", maxsplit=1)[0] == "homeassistant" and any(
            map(is_private, path.split("."))
        ):
            self.report(module, node, f"imports the private module {path}")

    def _absolute(self, module: str, node: ast.ImportFrom) -> str:
        if not node.level:
            return node.module or ""
        package = module if module in self.packages else module.rsplit(".", 1)[0]
        for _ in range(node.level - 1):
            package = package.rsplit(".", 1)[0]
        return f"{package}.{node.module}" if node.module else package

    def resolve(self, module: str, expr: ast.expr) -> tuple[str, Any] | None:
        """Resolve a base-class expression to ("ha", class) or ("ours", ClassInfo)."""
        if isinstance(expr, ast.Subscript):
            return self.resolve(module, expr.value)
        if isinstance(expr, ast.Name):
            if (module, expr.id) in self.classes:
                return "ours", self.classes[(module, expr.id)]
            imported = self.imports[module].get(expr.id)
            if imported is None:
                return None
            kind, source, name = imported
            if kind == "ours":
                info = self.classes.get((source, name or ""))
                return ("ours", info) if info else None
            found = load(source, name)
            return ("ha", found) if isinstance(found, type) else None
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
            imported = self.imports[module].get(expr.value.id)
            if imported is None or imported[0] != "ha":
                return None
            owner = load(imported[1], imported[2])
            found = getattr(owner, expr.attr, None)
            return ("ha", found) if isinstance(found, type) else None
        return None

    def lineage(self, info: ClassInfo) -> tuple[set[str], list[type]]:
        """Return the `_` names our class and our bases define, and its Home Assistant bases."""
        ours: set[str] = set()
        ha: list[type] = []
        seen: set[int] = set()
        pending = [info]
        while pending:
            current = pending.pop()
            if id(current) in seen:
                continue
            seen.add(id(current))
            ours |= current.defined
            for base in current.node.bases:
                resolved = self.resolve(current.module, base)
                if resolved is None:
                    continue
                if resolved[0] == "ours":
                    pending.append(resolved[1])
                else:
                    ha.append(resolved[1])
        return ours, ha

    # --- the rules ----------------------------------------------------------------

    def scan(self) -> list[Violation]:
        """Apply every rule to every module; return the violations."""
        for module, tree in self.trees.items():
            self._scan_node(module, tree, None)
        return self.violations

    def _scan_node(self, module: str, node: ast.AST, owner: ClassInfo | None) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                info = self.classes[(module, child.name)]
                self._check_overrides(info)
                self._scan_node(module, child, info)
                continue
            self._check(module, child, owner)
            self._scan_node(module, child, owner)

    def _check_overrides(self, info: ClassInfo) -> None:
        _, ha = self.lineage(info)
        if not ha:
            return
        theirs = frozenset().union(*(ha_defined(base) for base in ha))
        for name in sorted(info.defined):
            if is_private(name) and name in theirs and not documented(name):
                self.report(
                    info.module,
                    info.node,
                    f"{info.node.name} overrides Home Assistant's private {name}",
                )

    def _check(self, module: str, node: ast.AST, owner: ClassInfo | None) -> None:
        if isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            self.report(module, node, f"uses {node.id}")
        elif isinstance(node, ast.alias) and (node.asname or node.name) in FORBIDDEN_NAMES:
            self.report(module, node, f"imports {node.name}")
        elif isinstance(node, ast.Attribute):
            if node.attr in FORBIDDEN_NAMES:
                self.report(module, node, f"uses .{node.attr}")
            elif is_private(node.attr):
                self._check_access(module, node, owner)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in DYNAMIC_ACCESS
            and len(node.args) >= 2
        ):
            target, name = node.args[0], node.args[1]
            if (
                isinstance(name, ast.Constant)
                and isinstance(name.value, str)
                and (is_private(name.value) or name.value in FORBIDDEN_NAMES)
            ):
                self.report(module, node, f"{node.func.id}(..., {name.value!r})")
            imported = self.imports[module].get(target.id) if isinstance(target, ast.Name) else None
            if imported is not None and imported[0] == "ha":
                self.report(
                    module, node, f"{node.func.id} on Home Assistant's {ast.unparse(target)}"
                )

    def _check_access(self, module: str, node: ast.Attribute, owner: ClassInfo | None) -> None:
        name, value = node.attr, node.value
        if isinstance(value, ast.Name) and value.id in {"self", "cls"}:
            if owner is None or documented(name):
                return
            ours, ha = self.lineage(owner)
            if ha and name not in ours:
                self.report(module, node, f"{value.id}.{name}: Home Assistant's private name")
            return
        if (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id == "super"
        ):
            if not documented(name) and not self._bases_define(owner, name):
                self.report(module, node, f"super().{name}: Home Assistant's private name")
            return
        self.report(module, node, f"{ast.unparse(value)}.{name}: another object's private name")

    def _bases_define(self, owner: ClassInfo | None, name: str) -> bool:
        """Return True when one of our own base classes (not the class itself) defines it."""
        if owner is None:
            return False
        for base in owner.node.bases:
            resolved = self.resolve(owner.module, base)
            if resolved is not None and resolved[0] == "ours":
                ours, _ = self.lineage(resolved[1])
                if name in ours:
                    return True
        return False


def package_sources(root: Path) -> tuple[dict[str, str], frozenset[str]]:
    """Return the sources of every module under `root` (by dotted name) and its packages."""
    sources: dict[str, str] = {}
    packages: set[str] = set()
    base = root.parent
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(base).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
            packages.add(".".join(parts))
        sources[".".join(parts)] = path.read_text(encoding="utf-8")
    return sources, frozenset(packages)


def scan_sources(
    sources: dict[str, str], packages: frozenset[str] = frozenset()
) -> list[Violation]:
    """Scan modules given as source strings."""
    return Scanner(sources, packages).scan()
