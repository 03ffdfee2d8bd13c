"""The config file: defaults for the seed's commune, every key checked, clear errors."""

from __future__ import annotations

from dataclasses import fields
from datetime import time
from pathlib import Path

import pytest

from kiosk.config import RANGES, Config, ConfigError, load_config, parse_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_file_gives_the_seed_commune_defaults() -> None:
    config = load_config(None)
    assert config.site.name == "UBND xã Cộng Lạc"
    assert config.kiosk.sequence_start == 1000
    assert config.session.idle_warning_seconds == 180
    assert config.site.same_day_cutoff == time(15, 0)


def test_a_file_overrides_defaults_and_keeps_the_rest(tmp_path: Path) -> None:
    path = write(tmp_path, """
[site]
name = "UBND phường Hồng Gai"
saturday_working = true
office_close = "16:30"
[kiosk]
id = "KIOSK-02"
sequence_start = 2000
sequence_end = 2999
[camera]
device = 0
[fees]
xac_nhan_tinh_trang_hon_nhan = 10000
""")
    config = load_config(path)
    assert config.site.name == "UBND phường Hồng Gai"
    assert config.site.saturday_working is True
    assert config.site.office_close == time(16, 30)
    assert config.kiosk.id == "KIOSK-02"
    assert config.camera.device == "0"
    assert config.fees == {"xac_nhan_tinh_trang_hon_nhan": 10000}
    assert config.portal == Config().portal


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, '[portal]\nurl = "http://file.example"\n')
    env = {"KIOSK_PORTAL_URL": "http://127.0.0.1:9", "KIOSK_PORTAL_CLIENT_SECRET": "s3cret"}
    config = load_config(path, env)
    assert config.portal.url == "http://127.0.0.1:9"
    assert config.portal.client_secret == "s3cret"


def test_config_is_frozen() -> None:
    config = load_config(None)
    with pytest.raises(AttributeError):
        config.site.name = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "code", "field"),
    [
        ("[site\nname = 1", "syntax", None),
        ("[sitee]\nname = 'x'", "unknown_section", "sitee"),
        ("[site]\nnam = 'x'", "unknown_key", "site.nam"),
        ("site = 3", "not_table", "site"),
        ("[site]\nsaturday_working = 'maybe'", "wrong_type", "site.saturday_working"),
        ("[site]\noffice_close = '25:99'", "bad_time", "site.office_close"),
        ("[site]\noffice_close = 'năm giờ'", "bad_time", "site.office_close"),
        ("[kiosk]\nsequence_start = 'một'", "wrong_type", "kiosk.sequence_start"),
        ("[kiosk]\nsequence_start = true", "wrong_type", "kiosk.sequence_start"),
        ("[kiosk]\nsequence_start = 3000\nsequence_end = 2000", "bad_value",
         "kiosk.sequence_start"),
        ("[kiosk]\nsequence_end = 10000", "out_of_range", "kiosk.sequence_end"),
        ("[session]\nidle_warning_seconds = 1", "out_of_range", "session.idle_warning_seconds"),
        ("[session]\nidle_warning_seconds = 99999999999", "out_of_range",
         "session.idle_warning_seconds"),
        ("[portal]\ntimeout_seconds = 0", "out_of_range", "portal.timeout_seconds"),
        ("[portal]\ntimeout_seconds = -1", "out_of_range", "portal.timeout_seconds"),
        ("[portal]\ntimeout_seconds = inf", "not_finite", "portal.timeout_seconds"),
        ("[portal]\ntimeout_seconds = nan", "not_finite", "portal.timeout_seconds"),
        ("[portal]\ntimeout_seconds = -inf", "not_finite", "portal.timeout_seconds"),
        ("[portal]\nurl = '127.0.0.1:8765'", "bad_value", "portal.url"),
        ("[retention]\ndays = -1", "out_of_range", "retention.days"),
        ("[camera]\nwidth = 0", "out_of_range", "camera.width"),
        ("[printer]\npaper = 'letter'", "bad_value", "printer.paper"),
        ('[printer]\nname = "lp\\u0000x"', "bad_text", "printer.name"),
        ('[site]\nname = "x\\ny"', "bad_text", "site.name"),
        ("[printer]\nmode = 'telepathy'", "bad_value", "printer.mode"),
        ("[fees]\nx = -5", "wrong_type", "fees.x"),
        ("[site]\nagency_code = 'H23'", "bad_value", "site.agency_code"),
        ("[fees]\nx = 'free'", "wrong_type", "fees.x"),
        ("[site]\nname = [1, 2]", "wrong_type", "site.name"),
    ],
)
def test_bad_config_gets_a_vietnamese_error(
    tmp_path: Path, text: str, code: str, field: str | None
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text))
    assert caught.value.code == code
    assert caught.value.field == field
    assert "cấu hình" in caught.value.message or "Khoá" in caught.value.message


def test_unreadable_and_non_utf8_files_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as missing:
        load_config(tmp_path / "nope.toml")
    assert missing.value.code == "unreadable"
    path = tmp_path / "latin1.toml"
    path.write_bytes("[site]\nname = 'x\xe3'\n".encode("latin-1"))
    with pytest.raises(ConfigError) as latin:
        load_config(path)
    assert latin.value.code == "unreadable"


def test_parse_config_accepts_an_empty_mapping() -> None:
    assert parse_config({}) == Config()


def test_the_documented_example_file_states_exactly_the_defaults() -> None:
    example = Path(__file__).resolve().parent.parent / "examples" / "kiosk.toml"
    assert load_config(example) == Config()
    text = example.read_text(encoding="utf-8")
    for section in fields(Config):  # and names every section
        assert f"[{section.name}]" in text, section.name


def test_without_a_config_file_there_is_no_portal_and_no_demo_credential() -> None:
    portal = load_config(None).portal
    assert (portal.url, portal.client_id, portal.client_secret) == ("", "", "")
    assert portal.configured is False
    assert portal.timeout_seconds == 20.0


def test_an_environment_value_out_of_range_is_refused_with_its_key() -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(None, {"KIOSK_PORTAL_URL": "ftp://portal"})
    assert caught.value.field == "portal.url"


def test_every_number_in_the_config_has_a_range() -> None:
    numeric = {(section.name, f.name) for section in fields(Config) if section.name != "fees"
               for f in fields(getattr(Config(), section.name))
               if f.type in ("int", "float")}
    assert numeric == set(RANGES)


def test_the_defaults_are_inside_their_ranges() -> None:
    config = Config()
    for (section, key), (low, high, _unit) in RANGES.items():
        assert low <= getattr(getattr(config, section), key) <= high


def test_the_agency_code_is_stored_trimmed_and_upper_case(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "[site]\nagency_code = ' 000.00.00.h49 '\n"))
    assert config.site.agency_code == "000.00.00.H49"
