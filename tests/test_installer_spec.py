"""installer.spec leaves out nothing the kiosk imports (the frozen build would fail on it).

The build itself (minutes) is CI's installer step: ``python3 -m kiosk.devenv installer``.
"""

from __future__ import annotations

import ast
from pathlib import Path

from benchmarks.bench_installer import folder_size, heaviest

ROOT = Path(__file__).resolve().parent.parent


def _spec_list(name: str) -> list[str]:
    tree = ast.parse((ROOT / "installer.spec").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name for t in node.targets):
            value = ast.literal_eval(node.value)
            assert isinstance(value, list)
            return value
    raise AssertionError(f"installer.spec has no {name}")


def _imported_modules() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "kiosk").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module)
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
    return found


def test_no_module_the_kiosk_imports_is_excluded() -> None:
    excluded = _spec_list("EXCLUDED_MODULES")
    imported = _imported_modules()
    clash = sorted(m for m in imported for e in excluded if m == e or m.startswith(e + "."))
    assert not clash, f"installer.spec excludes modules kiosk/ imports: {clash}"
    # The Qt modules the kiosk does use are really seen by this scan (it is not vacuous).
    assert {"PySide6.QtPdf", "PySide6.QtMultimedia", "PySide6.QtTextToSpeech"} <= imported


def test_folder_size_counts_files_once_and_links_not(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "a.so").write_bytes(b"x" * 3000)
    (tmp_path / "b.so").write_bytes(b"y" * 1000)
    (tmp_path / "a-link.so").symlink_to(tmp_path / "lib" / "a.so")
    assert folder_size(tmp_path) == 4000
    assert heaviest(tmp_path, 1, 5) == [("lib", 3000), ("b.so", 1000)]
