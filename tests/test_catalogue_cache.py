"""`kiosk catalog --json` prints the text it kept in the data dir only while what the text
was made from is unchanged (kiosk.domain.catalogue_cache): the same bytes as reading and
checking the catalogue, whatever the portal sent since, whatever was left in the cache."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from kiosk.catalogue_updates import UPDATES_FILE, CatalogueUpdates
from kiosk.cli import CATALOGUE_CACHE, CATALOGUE_UPDATES, catalogue_json, data_dir_of
from kiosk.domain.catalogue_cache import cached_text, input_key
from kiosk.domain.catalogue_json import procedure_to_dict
from kiosk.services import OWN_NAMES, active_catalogue, resolve_runtime
from tests.support.cli_runner import run_kiosk


def as_the_kiosk_shows_it(data_dir: Path) -> str:
    """The active catalogue as `kiosk run` loads it, printed as `kiosk catalog --json` does."""
    catalogue = active_catalogue(resolve_runtime(str(data_dir), None, {}))
    return json.dumps([procedure_to_dict(p) for p in catalogue], ensure_ascii=False,
                      indent=2) + "\n"


def portal_item(data_dir: Path) -> dict[str, object]:
    """The shipped birth registration, renamed as a portal refresh might send it."""
    item = json.loads(as_the_kiosk_shows_it(data_dir))[0]
    item["name"] = "Đăng ký khai sinh (mẫu mới)"
    return item


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700)
    return folder


def test_the_kept_text_is_what_reading_the_catalogue_prints(data_dir: Path) -> None:
    first = catalogue_json(data_dir)
    assert (data_dir / CATALOGUE_CACHE).exists()
    again = catalogue_json(data_dir)
    assert first == again == as_the_kiosk_shows_it(data_dir)


def test_the_command_prints_the_kept_text_exactly(data_dir: Path) -> None:
    cold = run_kiosk(["--data-dir", str(data_dir), "catalog", "--json"])
    warm = run_kiosk(["--data-dir", str(data_dir), "catalog", "--json"])
    assert cold.returncode == warm.returncode == 0
    assert cold.stdout == warm.stdout == as_the_kiosk_shows_it(data_dir)


def test_the_portals_update_is_printed_at_once(data_dir: Path) -> None:
    catalogue_json(data_dir)  # kept, before the update
    CatalogueUpdates(data_dir).add([portal_item(data_dir)])
    printed = json.loads(catalogue_json(data_dir))
    assert printed[0]["name"] == "Đăng ký khai sinh (mẫu mới)"
    assert catalogue_json(data_dir) == as_the_kiosk_shows_it(data_dir)


def test_a_removed_update_is_no_longer_printed(data_dir: Path) -> None:
    CatalogueUpdates(data_dir).add([portal_item(data_dir)])
    catalogue_json(data_dir)
    (data_dir / UPDATES_FILE).unlink()
    assert json.loads(catalogue_json(data_dir))[0]["name"] == "Đăng ký khai sinh"


@pytest.mark.parametrize("kept", [
    b"", b"garbage", b"0" * 40 + b"\n[]\n", b"\xff\xfe\n\xff", b"no newline at all",
])
def test_a_damaged_or_foreign_cache_is_read_past_and_replaced(data_dir: Path,
                                                              kept: bytes) -> None:
    (data_dir / CATALOGUE_CACHE).write_bytes(kept)
    assert catalogue_json(data_dir) == as_the_kiosk_shows_it(data_dir)
    assert (data_dir / CATALOGUE_CACHE).read_bytes() != kept


def test_a_cache_of_the_right_key_but_cut_short_is_not_trusted(data_dir: Path) -> None:
    catalogue_json(data_dir)
    cache = data_dir / CATALOGUE_CACHE
    whole = cache.read_bytes()
    cache.write_bytes(whole[:-1] + b"\xe1")  # a cut multi-byte character: not UTF-8
    assert catalogue_json(data_dir) == as_the_kiosk_shows_it(data_dir)


@pytest.mark.logs_errors
def test_a_damaged_updates_file_is_left_out_and_never_kept(
        data_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    (data_dir / UPDATES_FILE).write_text("[{", encoding="utf-8")
    assert catalogue_json(data_dir) == catalogue_json(data_dir)
    assert len([r for r in caplog.records if "ignoring" in r.getMessage()]) == 2
    assert catalogue_json(data_dir) == as_the_kiosk_shows_it(data_dir)
    # Not kept: every call reads it again and logs that it is left out, as the kiosk does.
    assert not (data_dir / CATALOGUE_CACHE).exists()


def test_a_cache_that_cannot_be_written_is_no_error(data_dir: Path) -> None:
    (data_dir / CATALOGUE_CACHE).mkdir()  # in the way: os.replace cannot put a file there
    assert catalogue_json(data_dir) == as_the_kiosk_shows_it(data_dir)
    assert [p.name for p in data_dir.iterdir()] == [CATALOGUE_CACHE]  # no temporary left


def test_no_data_dir_is_made_for_the_cache(tmp_path: Path) -> None:
    missing = tmp_path / "not-yet"
    assert catalogue_json(missing) == as_the_kiosk_shows_it(missing)
    assert not missing.exists()


def test_a_search_is_answered_from_the_catalogue_itself(data_dir: Path) -> None:
    catalogue_json(data_dir)
    found = json.loads(catalogue_json(data_dir, "khaisinh"))
    assert found[0]["code"] == "1.001193"
    assert catalogue_json(data_dir, "   ") == catalogue_json(data_dir)


def test_the_json_reads_no_settings(data_dir: Path) -> None:
    broken = data_dir.parent / "broken.toml"
    broken.write_text("[site\n", encoding="utf-8")
    done = run_kiosk(["--data-dir", str(data_dir), "--config", str(broken), "catalog",
                      "--json"])
    assert done.returncode == 0, done.stderr
    assert done.stdout == as_the_kiosk_shows_it(data_dir)
    text = run_kiosk(["--data-dir", str(data_dir), "--config", str(broken), "catalog"])
    assert text.returncode == 1  # the listing with the council's fees still needs them
    assert text.stderr.startswith("Lỗi: Tệp cấu hình")


def test_the_key_follows_the_data_and_the_code(tmp_path: Path) -> None:
    code = tmp_path / "code"
    code.mkdir()
    module = code / "reader.py"
    module.write_text("x = 1\n")
    data = tmp_path / "procedures.json"
    data.write_text("[]")
    absent = tmp_path / "updates.json"

    def key() -> str:
        return input_key((data, absent), (code,), "0.1.0")

    first = key()
    assert key() == first
    data.write_text("[ ]")
    assert key() != first
    second = key()
    absent.write_text("[]")  # now present
    assert key() != second
    third = key()
    module.write_text("x = 22\n")  # the code changed (size)
    assert key() != third
    fourth = key()
    stat = module.stat()
    os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # (time)
    assert key() != fourth
    (code / "notes.txt").write_text("not code")
    assert key() == key()
    assert input_key((data, absent), (code,), "0.2.0") != key()  # another kiosk version


def test_a_text_made_while_its_inputs_changed_is_not_kept(tmp_path: Path) -> None:
    keys = iter(["before", "after"])
    text = cached_text(tmp_path / "cache", lambda: next(keys), lambda: ("made", True))
    assert text == "made"
    assert not (tmp_path / "cache").exists()


def test_the_cache_is_one_of_the_kiosks_own_files() -> None:
    assert CATALOGUE_UPDATES == UPDATES_FILE
    assert CATALOGUE_CACHE in OWN_NAMES  # a data dir holding it is still the kiosk's own


@pytest.mark.parametrize(("flag", "env"), [
    ("/srv/kiosk", {}), (None, {"KIOSK_DATA_DIR": "/var/lib/kiosk"}),
    ("/srv/a", {"KIOSK_DATA_DIR": "/srv/b"}), (None, {"HOME": "/home/mai"}),
])
def test_the_data_dir_is_found_as_the_runtime_finds_it(flag: str | None,
                                                       env: dict[str, str]) -> None:
    assert data_dir_of(flag, env) == resolve_runtime(flag, None, env).data_dir
