"""``kiosk official``, ``kiosk audit`` and ``kiosk queue retry`` through the real entry point
(``kiosk.cli.main`` with argv, environment and streams, in this process) on a real data dir:
one exit code per refusal; every change audited as ``cli:<unix user>``.  What only a real
child process can show (no PIN in its output or logs, the terminal prompt) is in
``test_office_process.py``."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kiosk.domain.officials import PIN_MAX
from kiosk.office_commands import EXIT_CODES
from kiosk.services import DATABASE_FILE
from tests.support.cli_runner import Ran, run_kiosk

PIN = "730519"
OTHER_PIN = "418206"
USER = "kythuat"


def kiosk(data: Path, *args: str, stdin: bytes | str = b"", user: str = USER) -> Ran:
    env = dict(os.environ, LOGNAME=user, USER=user, HOME=str(data))
    given = stdin.encode() if isinstance(stdin, str) else stdin
    return run_kiosk(["--data-dir", str(data), *args], stdin=given, env=env)


def add(data: Path, staff_id: str = "CB-012", name: str = "Nguyễn Văn An",
        pin: str = PIN, *extra: str) -> Ran:
    return kiosk(data, "official", "add", "--staff-id", staff_id, "--name", name, "--pin-stdin",
                 *extra, stdin=pin + "\n")


def seed(data: Path) -> None:
    """CB-012 added through the same store call ``kiosk official add`` makes, as
    ``cli:kythuat``, with a cheap hash: for tests whose subject comes after the add (a
    production hash costs ~0.2 s; the adds through the command are tested above)."""
    from kiosk.store.db import Database
    from kiosk.store.migrate import upgrade
    from kiosk.store.officials import Officials, fast_hasher

    db = Database(data / DATABASE_FILE)
    try:
        upgrade(db)
        Officials(db, fast_hasher()).add("CB-012", "Nguyễn Văn An", "can_bo", PIN,
                                         datetime.now(UTC), f"cli:{USER}")
    finally:
        db.dispose()


def officials(data: Path) -> list[dict[str, object]]:
    listed = kiosk(data, "official", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    result: list[dict[str, object]] = json.loads(listed.stdout)
    return result


def audit(data: Path) -> list[dict[str, object]]:
    shown = kiosk(data, "audit", "--json")
    assert shown.returncode == 0, shown.stderr
    result: list[dict[str, object]] = json.loads(shown.stdout)
    return result


def test_add_then_list_shows_the_official_without_any_hash(tmp_path: Path) -> None:
    added = add(tmp_path, "cb-012", "  Nguyễn   Văn An ", PIN, "--role", "quan_tri")
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == "Đã thêm cán bộ Nguyễn Văn An (CB-012), vai trò Quản trị."
    (listed,) = officials(tmp_path)
    assert listed["staff_id"] == "CB-012" and listed["name"] == "Nguyễn Văn An"
    assert listed["role"] == "quan_tri" and listed["disabled"] is False
    assert set(listed) == {"staff_id", "name", "role", "role_label", "disabled", "created_at"}
    text = kiosk(tmp_path, "official", "list").stdout
    assert "CB-012" in text and "Quản trị — đang hoạt động — tạo lúc " in text
    assert "argon2" not in text


def test_a_changed_pin_signs_in_and_the_old_one_does_not(tmp_path: Path) -> None:
    from kiosk.store.db import Database
    from kiosk.store.officials import Officials

    assert add(tmp_path).returncode == 0
    changed = kiosk(tmp_path, "official", "set-pin", "cb-012", "--pin-stdin",
                    stdin=OTHER_PIN + "\r\n")
    assert changed.returncode == 0, changed.stderr
    assert changed.stdout.strip() == "Đã đổi mã PIN của cán bộ Nguyễn Văn An (CB-012)."
    db = Database(tmp_path / DATABASE_FILE)
    try:
        store = Officials(db)
        now = datetime.now(UTC)
        assert not store.sign_in(PIN, now).ok
        signed = store.sign_in(OTHER_PIN, now)
        assert signed.official is not None and signed.official.staff_id == "CB-012"
    finally:
        db.dispose()


@pytest.mark.parametrize("pin", [
    "", "12345", "123456789", "12a456", "12 3456", " 730519", "730519 ", "١٢٣٤٥٦",
    "７３０５１９", "73051\x009", "730519\x1b[2J", "111111", "123456", "\udcff" * 6,
])
def test_a_pin_that_is_not_six_to_eight_ascii_digits_is_refused(tmp_path: Path,
                                                                 pin: str) -> None:
    refused = kiosk(tmp_path, "official", "add", "--staff-id", "CB-1", "--name", "Lê Hoa",
                    "--pin-stdin", stdin=pin.encode("utf-8", "surrogateescape") + b"\n")
    assert refused.returncode == EXIT_CODES["pin_format"], refused.stderr
    assert refused.stderr.startswith("Lỗi: Mã PIN")
    assert "Traceback" not in refused.stderr
    assert officials(tmp_path) == []


def test_a_megabyte_of_stdin_is_refused_as_a_pin_without_being_read(tmp_path: Path) -> None:
    refused = kiosk(tmp_path, "official", "add", "--staff-id", "CB-1", "--name", "Lê Hoa",
                    "--pin-stdin", stdin=b"7" * 1_000_000)
    assert refused.returncode == EXIT_CODES["pin_format"]
    assert refused.stdin_read <= PIN_MAX + 3  # one bounded line, not the megabyte
    assert officials(tmp_path) == []


def test_no_stdin_at_all_is_a_missing_pin(tmp_path: Path) -> None:
    refused = kiosk(tmp_path, "official", "add", "--staff-id", "CB-1", "--name", "Lê Hoa",
                    "--pin-stdin", stdin=b"")
    assert refused.returncode == EXIT_CODES["pin_missing"]
    assert "Chưa nhận được mã PIN" in refused.stderr


def test_without_a_terminal_or_pin_stdin_it_says_to_use_pin_stdin(tmp_path: Path) -> None:
    refused = kiosk(tmp_path, "official", "add", "--staff-id", "CB-1", "--name", "Lê Hoa",
                    stdin=PIN + "\n")
    assert refused.returncode == EXIT_CODES["no_terminal"]
    assert "--pin-stdin" in refused.stderr
    assert officials(tmp_path) == []


def test_a_pin_is_never_accepted_on_the_command_line(tmp_path: Path) -> None:
    refused = kiosk(tmp_path, "official", "add", "--staff-id", "CB-1", "--name", "Lê Hoa",
                    "--pin", PIN)
    assert refused.returncode == 2  # argparse: no such option
    assert officials(tmp_path) == []


def test_a_pin_another_official_uses_is_refused(tmp_path: Path) -> None:
    assert add(tmp_path).returncode == 0
    refused = add(tmp_path, "CB-013", "Trần Thị Bình", PIN)
    assert refused.returncode == EXIT_CODES["pin_taken"]
    assert refused.stderr.strip() == "Lỗi: Mã PIN này đã có cán bộ khác dùng. Xin chọn mã khác."
    assert [o["staff_id"] for o in officials(tmp_path)] == ["CB-012"]


def test_a_staff_id_already_used_is_refused_before_any_pin_is_asked(tmp_path: Path) -> None:
    seed(tmp_path)
    refused = kiosk(tmp_path, "official", "add", "--staff-id", "cb-012", "--name", "Lê Hoa")
    assert refused.returncode == EXIT_CODES["staff_exists"]  # not no_terminal: never asked
    assert refused.stderr.strip() == "Lỗi: Đã có cán bộ mang mã CB-012."


@pytest.mark.parametrize("action", [["disable"], ["enable"], ["set-pin", "--pin-stdin"]])
def test_an_unknown_staff_id_is_named_in_the_refusal(tmp_path: Path, action: list[str]) -> None:
    refused = kiosk(tmp_path, "official", action[0], "cb-999", *action[1:], stdin=PIN + "\n")
    assert refused.returncode == EXIT_CODES["staff_unknown"]
    assert refused.stderr.strip() == "Lỗi: Không có cán bộ nào mang mã CB-999."
    assert audit(tmp_path) == []


@pytest.mark.parametrize("name", ["", "   ", "A" * 200, "Lê\x1b[31mHoa", "Lê\x07Hoa",
                                  "Lê\udcffHoa", "12345", "Lê\u202eHoa"])
def test_a_hostile_name_is_refused_with_its_own_exit_code(tmp_path: Path, name: str) -> None:
    refused = kiosk(tmp_path, "official", "add", "--staff-id", "CB-1", "--name", name,
                    "--pin-stdin", stdin=PIN + "\n")
    assert refused.returncode == EXIT_CODES["name_format"], refused.stderr
    assert refused.stderr.startswith("Lỗi: Họ tên cán bộ")
    assert officials(tmp_path) == []


@pytest.mark.parametrize("staff_id", ["", "CB 1", "CB-ĐỨC", "X" * 33, "CB;1", "\udcff"])
def test_a_hostile_staff_id_is_refused(tmp_path: Path, staff_id: str) -> None:
    refused = kiosk(tmp_path, "official", "add", "--staff-id", staff_id, "--name", "Lê Hoa",
                    "--pin-stdin", stdin=PIN + "\n")
    assert refused.returncode == EXIT_CODES["staff_id_format"], refused.stderr
    assert "Traceback" not in refused.stderr


def test_an_unknown_role_is_refused(tmp_path: Path) -> None:
    refused = add(tmp_path, "CB-1", "Lê Hoa", PIN, "--role", "root")
    assert refused.returncode == EXIT_CODES["role_unknown"]
    assert "can_bo" in refused.stderr


def test_disable_and_enable_are_audited_once_each_and_a_repeat_changes_nothing(
    tmp_path: Path,
) -> None:
    assert add(tmp_path).returncode == 0
    first = kiosk(tmp_path, "official", "disable", "cb-012")
    again = kiosk(tmp_path, "official", "disable", "CB-012")
    assert first.stdout.startswith("Đã khoá tài khoản cán bộ Nguyễn Văn An (CB-012)")
    assert again.returncode == 0 and "đã bị khoá từ trước" in again.stdout
    assert officials(tmp_path)[0]["disabled"] is True
    assert kiosk(tmp_path, "official", "enable", "CB-012").returncode == 0
    assert officials(tmp_path)[0]["disabled"] is False
    rows = audit(tmp_path)
    assert [r["action"] for r in rows] == ["official_enable", "official_disable", "official_add"]
    assert {r["actor"] for r in rows} == {"cli:kythuat"}
    assert {r["target"] for r in rows} == {"CB-012"}


def test_audit_lists_newest_first_in_vietnamese_with_local_time(tmp_path: Path) -> None:
    assert add(tmp_path).returncode == 0
    assert kiosk(tmp_path, "official", "disable", "CB-012").returncode == 0
    lines = kiosk(tmp_path, "audit").stdout.splitlines()
    assert len(lines) == 2
    assert " ngày " in lines[0] and lines[0][2] == ":"  # 09:30:05 ngày 02/12/2026
    assert lines[0].endswith("— dòng lệnh (kythuat) — Khoá tài khoản cán bộ — CB-012")
    assert lines[1].endswith("— Thêm cán bộ — CB-012 — họ tên: Nguyễn Văn An, vai trò: Cán bộ")
    assert kiosk(tmp_path, "audit", "--limit", "1").stdout.splitlines() == lines[:1]
    (row,) = json.loads(kiosk(tmp_path, "audit", "--json", "--limit", "1").stdout)
    assert row["action_label"] == "Khoá tài khoản cán bộ"
    assert str(row["at"]).endswith("+07:00")


def test_audit_names_the_official_behind_a_staff_id_actor(tmp_path: Path) -> None:
    from kiosk.store.audit import AuditLog
    from kiosk.store.db import Database

    seed(tmp_path)
    db = Database(tmp_path / DATABASE_FILE)
    try:
        AuditLog(db).append("CB-012", "exit_fullscreen", datetime.now(UTC))
        AuditLog(db).append("kiosk", "help_call", datetime.now(UTC), None,
                            {"screen": "\x1b]0;pwned\x07home"})
    finally:
        db.dispose()
    lines = kiosk(tmp_path, "audit").stdout.splitlines()
    assert lines[0].endswith("— kiosk — Người dân gọi cán bộ — màn hình: ?]0;pwned?home")
    assert lines[1].endswith("— Nguyễn Văn An (CB-012) — Thoát toàn màn hình")


def test_an_empty_audit_says_so_and_verifies(tmp_path: Path) -> None:
    assert kiosk(tmp_path, "audit").stdout.strip() == "Nhật ký chưa có dòng nào."
    verified = kiosk(tmp_path, "audit", "--verify")
    assert verified.returncode == 0 and "0 dòng" in verified.stdout


@pytest.mark.parametrize("limit", ["0", "-1", "x", "99999999999"])
def test_a_bad_limit_is_a_usage_error(tmp_path: Path, limit: str) -> None:
    assert kiosk(tmp_path, "audit", "--limit", limit).returncode == 2


def sql(data: Path, statement: str) -> None:
    connection = sqlite3.connect(data / DATABASE_FILE)
    try:
        connection.execute(statement)
        connection.commit()
    finally:
        connection.close()


@pytest.mark.parametrize("statement", [
    "UPDATE audit_log SET actor = 'someone else'",
    "DELETE FROM audit_log",
    "DELETE FROM audit_log WHERE id = 1",
])
def test_sqlite_itself_refuses_to_change_or_delete_an_audit_row(tmp_path: Path,
                                                                 statement: str) -> None:
    seed(tmp_path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        sql(tmp_path, statement)
    assert [r["actor"] for r in audit(tmp_path)] == ["cli:kythuat"]


def test_verify_names_the_first_row_edited_around_the_triggers(tmp_path: Path) -> None:
    seed(tmp_path)
    for action in ("disable", "enable", "disable"):
        assert kiosk(tmp_path, "official", action, "CB-012").returncode == 0
    intact = kiosk(tmp_path, "audit", "--verify")
    assert intact.returncode == 0, intact.stderr
    assert "4 dòng" in intact.stdout
    sql(tmp_path, "DROP TRIGGER audit_log_no_update")
    sql(tmp_path, "UPDATE audit_log SET actor = 'CB-012' WHERE id = 2")
    broken = kiosk(tmp_path, "audit", "--verify")
    assert broken.returncode == EXIT_CODES["audit_broken"]
    assert "dòng số 2 không khớp" in broken.stderr
    as_json = kiosk(tmp_path, "audit", "--verify", "--json")
    assert as_json.returncode == EXIT_CODES["audit_broken"]
    assert json.loads(as_json.stdout)["first_broken_row"] == 2


# ------------------------------------------------------------------ queue retry

def queue_with(data: Path, *, failed: int = 0, pending: int = 0) -> list[str]:
    """Seal dossiers on the data dir; the first ``failed`` are refused for good."""
    from tests.support.kiosk import open_kiosk

    site = open_kiosk(data)
    try:
        sealed = site.seal_births(failed + pending)
        for _ in range(failed):
            job = site.queue.claim_next(site.clock(), "test")
            assert job is not None
            site.queue.mark_failed(job, site.clock(), "invalid", "Thiếu giấy chứng sinh")
        return [d.code for d in sealed]
    finally:
        site.close()


def states(data: Path) -> dict[str, str]:
    listed = json.loads(kiosk(data, "queue", "--json").stdout)
    return {q["code"]: q["state"] for q in listed}


def test_retry_puts_a_failed_dossier_back_in_line_and_audits_it(tmp_path: Path) -> None:
    (code,) = queue_with(tmp_path, failed=1)
    retried = kiosk(tmp_path, "queue", "retry", code.lower())
    assert retried.returncode == 0, retried.stderr
    assert retried.stdout.startswith(f"Đã đưa hồ sơ {code} về hàng chờ gửi: kiosk sẽ gửi lại ở "
                                     "lần đồng bộ tới")
    assert states(tmp_path) == {code: "PENDING"}
    (row,) = audit(tmp_path)
    assert (row["actor"], row["action"], row["target"]) == ("cli:kythuat", "dossier_retry", code)
    assert row["detail"] == {"reason": "invalid"}
    again = kiosk(tmp_path, "queue", "retry", code)
    assert again.returncode == EXIT_CODES["dossier_not_failed"]
    assert "«Đang chờ gửi lên cổng dịch vụ công»" in again.stderr
    assert len(audit(tmp_path)) == 1  # a refused retry leaves no row


def test_retry_of_a_sent_dossier_is_refused_naming_its_state(tmp_path: Path) -> None:
    from tests.support.kiosk import open_kiosk

    (code,) = queue_with(tmp_path, pending=1)
    site = open_kiosk(tmp_path)
    try:
        job = site.queue.claim_next(site.clock(), "test")
        assert job is not None
        site.queue.mark_sent(job, site.clock(), "H23.99-261124-0001", 2)
    finally:
        site.close()
    refused = kiosk(tmp_path, "queue", "retry", code)
    assert refused.returncode == EXIT_CODES["dossier_not_failed"]
    assert refused.stderr.strip() == (
        f"Lỗi: Hồ sơ {code} đang ở trạng thái «Đã gửi lên cổng dịch vụ công»: chỉ gửi lại "
        "được hồ sơ bị cổng dịch vụ công từ chối. Không thay đổi gì.")
    assert states(tmp_path) == {code: "SENT"}
    assert audit(tmp_path) == []


@pytest.mark.parametrize("code", ["000.00.00.H23-261124-4242", "", "x" * 5000, "\udcff\x1b[2J"])
def test_retry_of_an_unknown_code_is_refused(tmp_path: Path, code: str) -> None:
    refused = kiosk(tmp_path, "queue", "retry", code)
    assert refused.returncode == EXIT_CODES["dossier_unknown"], refused.stderr
    assert "Traceback" not in refused.stderr
    assert refused.stderr.startswith("Lỗi: ")
    assert "hồ sơ" in refused.stderr
    assert "\x1b" not in refused.stderr and len(refused.stderr) < 200


def test_queue_without_retry_still_lists(tmp_path: Path) -> None:
    (code,) = queue_with(tmp_path, failed=1)
    listed = kiosk(tmp_path, "queue")
    assert listed.returncode == 0 and code in listed.stdout


@pytest.mark.parametrize("command", [
    ["official"], ["official", "add"], ["official", "list"], ["official", "disable"],
    ["official", "enable"], ["official", "set-pin"], ["audit"], ["queue", "retry"],
])
def test_every_new_command_has_help(tmp_path: Path, command: list[str]) -> None:
    shown = kiosk(tmp_path, *command, "--help")
    assert shown.returncode == 0
    assert shown.stdout.startswith("usage: kiosk " + " ".join(command))


# ------------------------------------------------------------------ any text at all

@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database brought to the current schema once; each example starts from a copy
    (a real upgrade per example cost most of this test's time)."""
    from kiosk.store.db import Database
    from kiosk.store.migrate import upgrade

    path = tmp_path_factory.mktemp("schema") / DATABASE_FILE
    db = Database(path)
    try:
        upgrade(db)
    finally:
        db.dispose()
    return path


@settings(max_examples=150, deadline=None)
@given(name=st.text(max_size=300), pin=st.binary(max_size=40))
@example(name="  Lê   Thị\tHoa ", pin=b"730519")
@example(name="Lê Hoa", pin="١٢٣٤٥٦".encode())
def test_any_name_and_pin_bytes_are_added_or_refused_in_one_vietnamese_line(
    migrated: Path, name: str, pin: bytes,
) -> None:
    import io
    import tempfile

    from kiosk.office_commands import Context, Streams, official_add, run_refusable
    from kiosk.store.db import Database
    from kiosk.store.officials import Officials, fast_hasher

    with tempfile.TemporaryDirectory() as folder:
        db = Database(Path(shutil.copy(migrated, Path(folder) / DATABASE_FILE)))
        try:
            store = Officials(db, fast_hasher())
            out, err = io.StringIO(), io.StringIO()
            streams = Streams(io.BytesIO(pin + b"\n"), out, err, tty=False)
            ctx = Context(datetime(2026, 12, 2, 2, 0, tzinfo=UTC), "cli:test")
            code = run_refusable(streams, lambda: official_add(
                store, "CB-1", name, "can_bo", True, ctx, streams))
            found = store.all()
        finally:
            db.dispose()
    if code == 0:
        (official,) = found
        assert out.getvalue() == (f"Đã thêm cán bộ {official.name} (CB-1), vai trò Cán bộ.\n")
        assert pin.decode("ascii").isdigit()
    else:
        assert code in (EXIT_CODES["name_format"], EXIT_CODES["pin_format"]), err.getvalue()
        assert found == []
        assert err.getvalue().startswith("Lỗi: ") and err.getvalue().count("\n") == 1
