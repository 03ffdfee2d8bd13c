"""Random values for every key of the config file: a Config in range, or a ConfigError
naming the key — never another exception, never a value that crashes later."""

from __future__ import annotations

import math
from dataclasses import fields
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.config import RANGES, Config, ConfigError, load_config

KEYS = sorted((section.name, f.name) for section in fields(Config) if section.name != "fees"
              for f in fields(getattr(Config(), section.name)))


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") \
            if math.isinf(value) else repr(value)
    if isinstance(value, int):
        return str(value)
    assert isinstance(value, str)
    return '"' + "".join(_escaped(c) for c in value) + '"'


def _escaped(char: str) -> str:
    if char in '"\\' or ord(char) < 0x20 or ord(char) == 0x7F:
        return f"\\u{ord(char):04x}"
    return char


VALUES = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 1, 10, 9999, 10000, 99999999999, 300, 301, 3600, 3601]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20),
)


@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=st.sampled_from(KEYS), value=VALUES)
def test_any_value_for_any_key_loads_in_range_or_is_refused_by_name(
    tmp_path: Path, key: tuple[str, str], value: object
) -> None:
    section, name = key
    path = tmp_path / "kiosk.toml"
    path.write_text(f"[{section}]\n{name} = {toml_value(value)}\n", encoding="utf-8")
    try:
        config = load_config(path)
    except ConfigError as error:
        assert error.field is not None
        assert error.field.startswith(section)  # sequence_end problems name the block's start
        assert error.message
        return
    for (where, what), (low, high, _unit) in RANGES.items():
        loaded = getattr(getattr(config, where), what)
        assert math.isfinite(loaded) and low <= loaded <= high
