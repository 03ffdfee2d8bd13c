"""The ``kiosk`` command line: every subcommand answers --help, unfinished ones say so.

Commands run in this process through ``kiosk.cli.main`` (``tests.support.cli_runner``):
argv, environment and streams as a child would have them, at a fraction of the cost."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from kiosk.cli import build_parser, main
from tests.support.cli_runner import Ran, run_kiosk

SUBCOMMANDS = ["run", "portal-sim", "sync", "queue", "submit", "receipt", "catalog",
               "decode", "detect", "scan", "doctor", "official", "audit", "purge", "db-restore",
               "appliance"]


def run_cli(*args: str, env: dict[str, str] | None = None) -> Ran:
    return run_kiosk(args, env=env)


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_every_subcommand_has_help(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main([name, "--help"])
    assert done.value.code == 0
    assert "usage: kiosk " + name in capsys.readouterr().out


def test_the_parser_knows_exactly_the_documented_subcommands() -> None:
    parser = build_parser()
    choices = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert sorted(choices) == sorted(SUBCOMMANDS)


def test_catalog_search_khaisinh_lists_birth_registration_first(tmp_path: Path) -> None:
    result = run_cli("--data-dir", str(tmp_path), "catalog", "--search", "khaisinh", "--json")
    assert result.returncode == 0, result.stderr
    items = json.loads(result.stdout)
    assert items[0]["code"] == "1.001193"
    assert items[0]["name"] == "Đăng ký khai sinh"


def test_catalog_without_search_lists_every_procedure(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog"]) == 0
    out = capsys.readouterr().out
    for code in ("1.001193", "1.000894", "1.000656", "2.000815", "1.004873", "1.001022",
                 "2.000635", "1.004837", "1.004859"):
        assert code in out


def test_catalog_with_no_match_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "--search", "zzzzqqq"]) == 0
    assert "Không tìm thấy" in capsys.readouterr().out


def test_a_broken_config_file_is_a_vietnamese_error_not_a_traceback(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[site\n", encoding="utf-8")
    result = run_cli("--config", str(config), "--data-dir", str(tmp_path), "doctor")
    assert result.returncode == 1
    assert result.stderr.startswith("Lỗi: Tệp cấu hình")
    assert "Traceback" not in result.stderr


def test_config_comes_from_the_environment_when_no_flag(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[nowhere]\n", encoding="utf-8")
    env = {"KIOSK_CONFIG": str(config), "KIOSK_DATA_DIR": str(tmp_path), "PATH": "/usr/bin"}
    result = run_cli("doctor", env=env)
    assert result.returncode == 1
    assert "[nowhere]" in result.stderr


def test_doctor_reports_each_check_as_json(tmp_path: Path) -> None:
    result = run_cli("--data-dir", str(tmp_path / "data"), "doctor", "--json")
    checks = {c["name"]: c for c in json.loads(result.stdout)}
    assert checks["database"]["ok"] is True
    assert checks["database"]["detail"].endswith(": ok, journal wal")
    assert checks["fonts"]["ok"] is True
    assert checks["catalogue"]["ok"] is True
    assert (tmp_path / "data" / "kiosk.sqlite3").exists()


def test_an_empty_queue_lists_as_an_empty_json_array(tmp_path: Path) -> None:
    result = run_cli("--data-dir", str(tmp_path), "queue", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


def test_catalog_shows_council_fees_as_set_by_the_province_or_the_configured_amount(
    tmp_path: Path,
) -> None:
    plain = run_cli("--data-dir", str(tmp_path), "catalog", "--search", "1.004873")
    assert "Hội đồng nhân dân" in plain.stdout.splitlines()[0]
    config = tmp_path / "fees.toml"
    config.write_text("[fees]\nxac_nhan_tinh_trang_hon_nhan = 15000\n", encoding="utf-8")
    priced = run_cli("--config", str(config), "catalog", "--search", "1.004873")
    assert priced.stdout.splitlines()[0].endswith("15.000 đ")


def test_doctor_names_every_council_fee_the_site_has_not_configured(tmp_path: Path) -> None:
    bare = json.loads(run_cli("--data-dir", str(tmp_path), "doctor", "--json").stdout)
    fees = {c["name"]: c for c in bare}["council fees"]
    assert fees["ok"] is False
    assert "1.004873 (xac_nhan_tinh_trang_hon_nhan)" in fees["detail"]
    demo = Path(__file__).resolve().parent.parent / "examples" / "demo.toml"
    configured = run_cli("--config", str(demo), "--data-dir", str(tmp_path), "doctor", "--json")
    assert {c["name"]: c for c in json.loads(configured.stdout)}["council fees"]["ok"] is True


def test_submit_then_receipt_writes_the_slip_of_that_dossier(tmp_path: Path) -> None:
    examples = Path(__file__).resolve().parent.parent / "examples"
    common = ["--config", str(examples / "demo.toml"), "--data-dir", str(tmp_path)]
    submitted = run_cli(*common, "submit", str(examples / "khai-sinh.json"))
    assert submitted.returncode == 0, submitted.stderr
    code = submitted.stdout.strip()
    slip = tmp_path / "slip.pdf"
    made = run_cli(*common, "receipt", code, "--out", str(slip))
    assert made.returncode == 0, made.stderr
    text = subprocess.run(["pdftotext", str(slip), "-"], capture_output=True,
                          text=True, check=True).stdout
    text = " ".join(text.split())  # the 80 mm roll wraps the title
    assert code in text
    assert "Nguyễn Thị Ánh" in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text


def test_receipt_for_an_unknown_code_is_a_clear_error(tmp_path: Path) -> None:
    result = run_cli("--data-dir", str(tmp_path), "receipt", "000.00.00.H23-261124-4242",
                     "--out", str(tmp_path / "x.pdf"))
    assert result.returncode == 1
    assert "000.00.00.H23-261124-4242" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_queue_and_doctor_say_when_sync_last_failed_and_why(tmp_path: Path) -> None:
    from kiosk.store.syncstate import SyncHealthLog
    from tests.support.kiosk import START, open_kiosk

    site = open_kiosk(tmp_path)
    site.seal_births(1)
    health = SyncHealthLog(site.db)
    health.passed(START, contacted=True)
    health.failed(START.replace(hour=3), "connection",
                  "Không kết nối được tới cổng dịch vụ công (mất mạng?); kiosk sẽ tự gửi lại.")
    site.close()
    queue = run_cli("--data-dir", str(tmp_path), "queue")
    assert queue.returncode == 0, queue.stderr
    assert "Liên lạc được với cổng dịch vụ công lần cuối lúc 09:30 ngày 24/11/2026" in queue.stdout
    assert ("Đồng bộ đang lỗi (1 lượt liên tiếp), lần gần nhất lúc 10:30 ngày 24/11/2026: "
            "Không kết nối được") in queue.stdout
    assert "Không có tiến trình đồng bộ nào đang chạy." in queue.stdout
    doctor = run_cli("--data-dir", str(tmp_path), "doctor", "--json")
    sync = {c["name"]: c for c in json.loads(doctor.stdout)}["sync"]
    assert sync["ok"] is False and sync["essential"] is False
    assert "mất mạng" in sync["detail"]


def test_a_sync_process_writes_what_happened_to_its_log_file(tmp_path: Path) -> None:
    from tests.support.kiosk import open_kiosk

    site = open_kiosk(tmp_path)
    (dossier,) = site.seal_births(1)
    site.close()
    config = tmp_path / "offline.toml"
    config.write_text('[portal]\nurl = "http://127.0.0.1:9"\nclient_id = "kiosk-demo"\n'
                      'client_secret = "demo-secret"\n', encoding="utf-8")
    result = run_cli("--data-dir", str(tmp_path), "--config", str(config), "sync", "--once")
    assert result.returncode == 1, result.stderr  # paused: the portal is out of reach
    log = (tmp_path / "logs" / "sync.log").read_text(encoding="utf-8")
    assert f"dossier {dossier.code}: transient (connection)" in log
    assert "Nguyễn Thị Ánh" not in log  # the applicant's name never reaches a log


def test_what_moved_beside_kiosk_cli_is_still_importable_from_it() -> None:
    import kiosk.cli
    import kiosk.cli_catalogue
    import kiosk.cli_handlers

    assert kiosk.cli.run_config is kiosk.cli_handlers.run_config
    for name in ("catalogue_json", "data_dir_of", "SHIPPED_CATALOGUE", "CATALOGUE_UPDATES",
                 "CATALOGUE_CACHE"):
        assert getattr(kiosk.cli, name) is getattr(kiosk.cli_catalogue, name)


def test_a_name_kiosk_cli_never_had_is_still_an_attribute_error() -> None:
    import kiosk.cli

    assert not hasattr(kiosk.cli, "no_such_name")
    with pytest.raises(ImportError):
        from kiosk.cli import no_such_name  # type: ignore[attr-defined]  # noqa: F401
