"""Keeps the boundaries of STYLE.md §1: each heavy library stays in its own corner."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "kiosk"

# library → where importing it is allowed (paths relative to kiosk/, prefixes for folders)
ALLOWED = {
    "PySide6": ("ui/", "app.py"),
    "sqlalchemy": ("store/",),
    "alembic": ("store/",),
    "requests": ("sync/client.py",),
    "urllib3": ("sync/client.py", "sync/transport.py"),  # the watched connections
}
# The domain core imports nothing but the standard library, itself and kiosk.paths: the
# one module that knows where resources/ lives (checkout, wheel, frozen), itself plain.
DOMAIN_MAY_IMPORT = {"kiosk.domain", "kiosk.paths"}


def imported_modules(path: Path) -> Iterator[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module


def python_files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_the_walk_sees_the_package() -> None:
    names = {p.relative_to(PACKAGE).as_posix() for p in python_files()}
    assert {"app.py", "cli.py", "config.py"} <= names
    assert any(n.startswith("domain/") for n in names)


@pytest.mark.parametrize("library", sorted(ALLOWED))
def test_library_is_imported_only_where_allowed(library: str) -> None:
    offenders = []
    for path in python_files():
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith(ALLOWED[library]):
            continue
        for line, module in imported_modules(path):
            if module == library or module.startswith(library + "."):
                offenders.append(f"kiosk/{relative}:{line} imports {module}")
    assert offenders == []


def test_domain_imports_only_the_standard_library() -> None:
    import sys

    offenders = []
    for path in [*(PACKAGE / "domain").rglob("*.py"), PACKAGE / "paths.py"]:
        for line, module in imported_modules(path):
            top = module.split(".")[0]
            if top in sys.stdlib_module_names or module.startswith(tuple(DOMAIN_MAY_IMPORT)):
                continue
            offenders.append(f"{path.name}:{line} imports {module}")
    assert offenders == []


def test_the_checker_catches_a_violation(tmp_path: Path) -> None:
    sample = tmp_path / "bad.py"
    sample.write_text("import os\nfrom PySide6.QtWidgets import QWidget\n", encoding="utf-8")
    assert (2, "PySide6.QtWidgets") in list(imported_modules(sample))
