"""The client package must work where Home Assistant is not installed."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

API_DIR = (
    Path(__file__).resolve().parents[2] / "custom_components" / "alexa_smart_properties" / "api"
)
REPO = API_DIR.parents[2]

# Block every homeassistant import, then load api/ without running the integration's
# __init__ (which legitimately imports Home Assistant): the parent package is a bare
# namespace pointing at the same folder.
PROBE = textwrap.dedent(
    """
    import importlib.abc
    import sys
    import types

    class BlockHomeAssistant(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "homeassistant" or name.startswith("homeassistant."):
                raise ImportError(f"blocked: {name}")
            return None

    sys.meta_path.insert(0, BlockHomeAssistant())
    for name in [m for m in sys.modules if m.split(".")[0] == "homeassistant"]:
        del sys.modules[name]

    for name, folder in (
        ("custom_components", ROOT + "/custom_components"),
        ("custom_components.alexa_smart_properties", PKG),
    ):
        module = types.ModuleType(name)
        module.__path__ = [folder]
        sys.modules[name] = module

    try:
        import homeassistant  # noqa: F401
    except ImportError:
        pass
    else:
        raise SystemExit("the blocker does not work")

    import importlib
    import pkgutil

    api = importlib.import_module("custom_components.alexa_smart_properties.api")
    for info in pkgutil.walk_packages(api.__path__, api.__name__ + "."):
        importlib.import_module(info.name)
    assert not [m for m in sys.modules if m.split(".")[0] == "homeassistant"]
    print("ok", len(api.__all__))
    """
)


def test_imports_without_homeassistant() -> None:
    code = f"ROOT = {str(REPO)!r}\nPKG = {str(API_DIR.parent)!r}\n{PROBE}"
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed code
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok ")


def test_no_module_names_homeassistant() -> None:
    offenders = []
    for source in API_DIR.rglob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            offenders += [
                f"{source.name}: {n}" for n in names if n.split(".")[0] == "homeassistant"
            ]
    assert offenders == []
