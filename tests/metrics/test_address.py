"""`[metrics] address` and KIOSK_METRICS_ADDRESS: host:port or nothing, refused in Vietnamese.

Hostile values ("abc", ":99999", "[::1]:x", control characters, full-width digits …)
are refused when the config is loaded, with the same ConfigError every other key
gets; nothing is bound or resolved while checking.
"""

from __future__ import annotations

import ipaddress
from datetime import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.config import ConfigError, load_config, parse_listen_address

REFUSED = "Khoá 'metrics.address' không hợp lệ: phải có dạng máy:cổng"


def loaded(text: str) -> tuple[str, int] | None:
    config = load_config(None, {"KIOSK_METRICS_ADDRESS": text})
    return parse_listen_address(config.metrics.address)


@pytest.mark.parametrize("text", [
    "abc", ":99999", "[::1]:x", ":9108", "127.0.0.1", "127.0.0.1:", "127.0.0.1:0",
    "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:+80", "127.0.0.1: 80", "[::1]", "::1:9108",
    "[127.0.0.1]:9108", "999.1.1.1:9108", "1.2.3:9108", "host name:9108", "a..b:9108",
    "-host:9108", "http://127.0.0.1:9108", "127.0.0.1:９１０８", "127.0.0.1:0009108",
    "[::1]:9108/metrics", "[:::1]:9108",
])
def test_an_address_that_is_none_is_refused_in_vietnamese(text: str) -> None:
    with pytest.raises(ConfigError) as refused:
        loaded(text)
    assert refused.value.message.startswith(REFUSED)
    assert refused.value.field == "metrics.address"


@pytest.mark.parametrize(("text", "expected"), [
    ("127.0.0.1:9108", ("127.0.0.1", 9108)),
    ("  0.0.0.0:1 ", ("0.0.0.0", 1)),
    ("[::1]:65535", ("::1", 65535)),
    ("[0:0::1]:9108", ("::1", 9108)),
    ("localhost:9108", ("localhost", 9108)),
    ("kiosk-01.xa.local:9108", ("kiosk-01.xa.local", 9108)),
    ("", None),
    ("   ", None),
])
def test_a_real_address_or_nothing_is_taken(text: str, expected: tuple[str, int] | None
                                            ) -> None:
    assert loaded(text) == expected


def test_metrics_are_off_without_a_setting() -> None:
    assert load_config(None, {}).metrics.address == ""


def test_the_file_sets_it_and_the_environment_wins(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text('[metrics]\naddress = "127.0.0.1:9108"\noffice_open = "08:00"\n',
                    encoding="utf-8")
    config = load_config(path, {})
    assert (config.metrics.address, config.metrics.office_open) == ("127.0.0.1:9108",
                                                                    time(8, 0))
    over = load_config(path, {"KIOSK_METRICS_ADDRESS": "127.0.0.1:9200"})
    assert over.metrics.address == "127.0.0.1:9200"
    assert load_config(path, {"KIOSK_METRICS_ADDRESS": ""}).metrics.address == ""


def test_an_opening_time_after_closing_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text('[metrics]\noffice_open = "18:00"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="giờ mở cửa phải trước giờ đóng cửa"):
        load_config(path, {})


@given(st.text(max_size=60))
def test_any_text_is_either_an_address_or_a_vietnamese_config_error(text: str) -> None:
    try:
        result = loaded(text)
    except ConfigError as refused:
        assert refused.message.startswith(("Khoá 'metrics.address'",))
        return
    if result is not None:
        host, port = result
        assert 1 <= port <= 65535 and host
        assert host.isascii() and not any(c.isspace() for c in host)


@given(st.ip_addresses(), st.integers(min_value=1, max_value=65535))
def test_every_ip_address_and_port_comes_back_as_given(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address, port: int,
) -> None:
    text = f"[{address}]:{port}" if address.version == 6 else f"{address}:{port}"
    assert loaded(text) == (str(address), port)


@given(st.integers().filter(lambda n: not 1 <= n <= 65535))
def test_a_port_out_of_range_is_refused(port: int) -> None:
    with pytest.raises(ConfigError):
        loaded(f"127.0.0.1:{port}")


def test_the_sync_worker_has_its_own_address_beside_the_kiosk(tmp_path: Path) -> None:
    """The appliance's two services read one file: each process takes its own key."""
    path = tmp_path / "kiosk.toml"
    path.write_text('[metrics]\naddress = "127.0.0.1:9108"\nsync_address = "127.0.0.1:9109"\n',
                    encoding="utf-8")
    metrics = load_config(path, {}).metrics
    assert (metrics.address_for("run"), metrics.address_for("sync")) == ("127.0.0.1:9108",
                                                                         "127.0.0.1:9109")
    alone = load_config(None, {"KIOSK_METRICS_ADDRESS": "127.0.0.1:9200"}).metrics
    assert alone.address_for("sync") == "127.0.0.1:9200"  # a sync process alone (cron)
    over = load_config(path, {"KIOSK_METRICS_SYNC_ADDRESS": "127.0.0.1:9300"}).metrics
    assert over.address_for("sync") == "127.0.0.1:9300"


@pytest.mark.parametrize(("body", "key"), [
    ('address = "127.0.0.1:9108"\nsync_address = "127.0.0.1:9108"\n', "sync_address"),
    ('sync_address = "abc"\n', "sync_address"),
])
def test_a_clashing_or_bad_sync_address_is_refused(tmp_path: Path, body: str, key: str) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text("[metrics]\n" + body, encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_config(path, {})
    assert refused.value.field == f"metrics.{key}"
