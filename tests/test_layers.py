"""The layers of the product, kept apart (DESIGN.md's architecture; issue 14 item 4).

From the bottom up: the domain (with the few plain modules beside it that read
settings and paths) ← the store ← the adapters (sync, scanner, receipts, the
tờ khai writer) ← the services ← the UI ← the entry points that wire them
together.  A module may import its own layer and any layer below it, never one
above.  The demo package sits on the side: it may use the layers below the
services, and the product reaches it only from inside a function that runs in
demo mode, never at module level, so an appliance without the folder still
imports every module.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "kiosk"

# bottom → top; a module belongs to the layer of the longest prefix that names it
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("domain", ("kiosk.domain", "kiosk.config", "kiosk.paths", "kiosk.draft_schema",
                "kiosk.admin_units", "kiosk.memory", "kiosk.logsetup",
                "kiosk.systemd_notify")),
    ("store", ("kiosk.store",)),
    ("adapters", ("kiosk.sync", "kiosk.scanner", "kiosk.receipts", "kiosk.declarations",
                  "kiosk.catalogue_updates")),
    ("services", ("kiosk.services", "kiosk.submission", "kiosk.draft_file",
                  "kiosk.office_commands", "kiosk.metrics")),
    ("ui", ("kiosk.ui",)),
    # the composition roots: commands and the app, which build everything below
    ("entry", ("kiosk.app", "kiosk.cli", "kiosk.cli_commands", "kiosk.cli_handlers",
               "kiosk.cli_catalogue", "kiosk.__main__", "kiosk.background", "kiosk.doctor",
               "kiosk.office_cli", "kiosk.purge_command", "kiosk.devenv", "kiosk.sync.command",
               "kiosk.restore_command", "kiosk.release",
               "kiosk.appliance")),
)
DEMO = "kiosk.demo"
# the demo package may lean on these layers (it renders cards, serves the portal's API)
DEMO_MAY_USE = ("domain", "store", "adapters")
LAYER_INDEX = {name: i for i, (name, _) in enumerate(LAYERS)}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(module: str) -> str | None:
    if module == DEMO or module.startswith(DEMO + "."):
        return "demo"
    best: tuple[int, str] | None = None
    for name, prefixes in LAYERS:
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and (
                best is None or len(prefix) > best[0]
            ):
                best = (len(prefix), name)
    return None if best is None else best[1]


def first_party_imports(source: str, filename: str) -> Iterator[tuple[int, str, bool]]:
    """(line, kiosk module, run on import?) for each absolute kiosk import.

    Imports inside a function or under ``if TYPE_CHECKING:`` do not run when the module loads.
    """
    tree = ast.parse(source, filename=filename)
    inside_function: set[int] = set()
    for node in ast.walk(tree):
        typing_only = isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING")
        if typing_only or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            inside_function.update(id(n) for n in ast.walk(node) if n is not node)
    for node in ast.walk(tree):
        modules: list[str] = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules = [node.module]
        for module in modules:
            if module == "kiosk" or module.startswith("kiosk."):
                yield node.lineno, module, id(node) not in inside_function


def violations(importer: str, source: str) -> list[str]:
    own = layer_of(importer)
    found = []
    for line, module, top_level in first_party_imports(source, importer):
        target = layer_of(module)
        if target is None or own is None or module == "kiosk":
            continue
        if own == "demo":
            ok = target == "demo" or target in DEMO_MAY_USE
        elif target == "demo":
            ok = not top_level and own not in ("domain", "store")
        else:
            ok = LAYER_INDEX[target] <= LAYER_INDEX[own]
        if not ok:
            where = "at module level " if target == "demo" else ""
            found.append(f"{importer}:{line} ({own}) imports {module} ({target}) {where}".strip())
    return found


def python_files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_every_module_has_a_layer() -> None:
    unplaced = [module_name(p) for p in python_files() if layer_of(module_name(p)) is None]
    assert unplaced == [] or unplaced == ["kiosk"], unplaced


def test_the_demo_is_a_package_of_its_own() -> None:
    names = {module_name(p) for p in python_files()}
    assert {"kiosk.demo.simulator", "kiosk.demo.synthetic", "kiosk.demo.camera",
            "kiosk.demo.scanner"} <= names
    assert not any(n.startswith("kiosk.sync.simulator") for n in names)
    assert "kiosk.scanner.synthetic" not in names


@pytest.mark.parametrize("path", python_files(), ids=lambda p: module_name(p))
def test_no_module_imports_a_layer_above_it(path: Path) -> None:
    assert violations(module_name(path), path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(("importer", "source", "expected"), [
    ("kiosk.store.queue", "from kiosk.ui.app import X\n", "imports kiosk.ui.app (ui)"),
    ("kiosk.domain.codes", "import kiosk.store.db\n", "imports kiosk.store.db (store)"),
    ("kiosk.sync.worker", "from kiosk.services import Runtime\n", "(services)"),
    ("kiosk.scanner.sane", "from kiosk.demo import synthetic\n", "at module level"),
    ("kiosk.store.db", "def f():\n    from kiosk.demo import camera\n", "(demo)"),
    ("kiosk.demo.camera", "from kiosk.ui.camera import Y\n", "(ui)"),
])
def test_the_checker_catches_a_violation(importer: str, source: str, expected: str) -> None:
    found = violations(importer, source)
    assert len(found) == 1 and expected in found[0], found


@pytest.mark.parametrize(("importer", "source"), [
    ("kiosk.ui.app", "from kiosk.store.db import Database\n"),
    ("kiosk.sync.command", "from kiosk.services import Runtime\n"),
    ("kiosk.background", "def f():\n    from kiosk.demo.simulator import PortalSimulator\n"),
    ("kiosk.demo.camera", "from kiosk.scanner.arrays import u8\n"),
])
def test_the_checker_lets_a_downward_import_pass(importer: str, source: str) -> None:
    assert violations(importer, source) == []


IMPORT_ALL = """
import importlib, pkgutil, sys
import kiosk
names = [m.name for m in pkgutil.walk_packages(kiosk.__path__, "kiosk.")
         if m.name != "kiosk.__main__"]
assert not any(n.startswith("kiosk.demo") for n in names), names
for name in names:
    importlib.import_module(name)
print(len(names))
"""


def test_the_product_imports_without_the_demo_folder(tmp_path: Path) -> None:
    """What an appliance install ships: the package with ``kiosk/demo`` left out."""
    import shutil
    import subprocess
    import sys

    shutil.copytree(PACKAGE, tmp_path / "kiosk",
                    ignore=shutil.ignore_patterns("demo", "__pycache__"))
    done = subprocess.run([sys.executable, "-c", IMPORT_ALL], cwd=tmp_path, text=True,
                          capture_output=True, timeout=300,
                          env={"PYTHONPATH": str(tmp_path), "QT_QPA_PLATFORM": "offscreen",
                               "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-3000:]
    assert int(done.stdout.strip()) > 150
