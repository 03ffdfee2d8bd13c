"""The scripts under docs/ that render the README's pictures still import (they are run by
hand, so nothing else would notice a module they name moving away)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.mark.parametrize("script", sorted(DOCS.glob("*.py")), ids=lambda p: p.name)
def test_the_script_imports(script: Path) -> None:
    spec = importlib.util.spec_from_file_location(f"docs_{script.stem}", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # module level only: main() is not run
    assert callable(getattr(module, "main", None))
