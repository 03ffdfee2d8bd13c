"""The technicians' commands of the official's side: ``kiosk official …``, ``kiosk audit``,
``kiosk queue retry CODE``.

Pure of argparse and of the environment: the CLI hands in the store, the clock's
``now``, the actor (``cli:<unix user>``) and the streams.  A PIN is never taken
from the command line (it would show in ``ps`` and in shell history): it is typed
twice on a terminal (getpass, no echo) or read as one line from stdin with
``--pin-stdin``.  No PIN is ever printed or logged.  Every change is audited by
the store in the same transaction as the change itself.
"""

from __future__ import annotations

import getpass
import json
import logging
import os
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO

from kiosk.domain.dates import to_vietnam_time
from kiosk.domain.errors import DomainError, ValidationError
from kiosk.domain.officials import (
    AUDIT_LABELS,
    PIN_MAX,
    ROLE_LABELS,
    validate_name,
    validate_pin,
    validate_role,
    validate_staff_id,
)
from kiosk.domain.officials import (
    MESSAGES as OFFICIAL_MESSAGES,
)
from kiosk.domain.states import STATE_LABELS, DossierState

if TYPE_CHECKING:  # the store (SQLAlchemy, argon2) is loaded by the command that opens it
    from kiosk.store.audit import AuditEntry, AuditLog
    from kiosk.store.officials import Official, Officials
    from kiosk.store.queue import DossierQueue

log = logging.getLogger(__name__)

EXIT_OK = 0
# One exit code for each kind of refusal, so scripts can tell them apart.
EXIT_CODES: Mapping[str, int] = {
    "pin_format": 10, "pin_weak": 10, "pin_mismatch": 10, "pin_missing": 10,
    "pin_taken": 11,
    "staff_unknown": 12,
    "staff_exists": 13,
    "staff_id_format": 14, "name_format": 14, "role_unknown": 14,
    "no_terminal": 15,
    "dossier_unknown": 16,
    "dossier_not_failed": 17,
    "audit_broken": 18,
}
EXIT_OTHER = 1

MESSAGES: Mapping[str, str] = {
    "pin_mismatch": "Hai lần nhập mã PIN không khớp nhau. Chưa thay đổi gì.",
    "pin_missing": "Chưa nhận được mã PIN nào. Chưa thay đổi gì.",
    "no_terminal": ("Không có bàn phím để nhập mã PIN (lệnh không chạy trên terminal). "
                    "Xin dùng --pin-stdin và đưa mã PIN vào đầu vào chuẩn, một dòng."),
    "prompt": "Mã PIN mới (6–8 chữ số, không hiện trên màn hình): ",
    "prompt_again": "Nhập lại mã PIN: ",
    "added": "Đã thêm cán bộ {label}, vai trò {role}.",
    "disabled": "Đã khoá tài khoản cán bộ {label}: không đăng nhập được nữa.",
    "enabled": "Đã mở lại tài khoản cán bộ {label}.",
    "already_disabled": "Tài khoản cán bộ {label} đã bị khoá từ trước. Không thay đổi gì.",
    "already_enabled": "Tài khoản cán bộ {label} đang hoạt động. Không thay đổi gì.",
    "pin_set": "Đã đổi mã PIN của cán bộ {label}.",
    "state_active": "đang hoạt động",
    "state_disabled": "đã khoá",
    "audit_empty": "Nhật ký chưa có dòng nào.",
    "audit_intact": "Nhật ký nguyên vẹn: {count} dòng, chuỗi mã băm khớp từ đầu đến cuối.",
    "audit_broken": ("Nhật ký đã bị sửa ngoài kiosk: dòng số {row} không khớp chuỗi mã băm "
                     "(từ dòng này trở đi không còn tin được)."),
    "dossier_unknown": "Không tìm thấy hồ sơ có mã {code} trên kiosk này.",
    "dossier_not_failed": ("Hồ sơ {code} đang ở trạng thái «{state}»: chỉ gửi lại được hồ sơ "
                           "bị cổng dịch vụ công từ chối. Không thay đổi gì."),
    "retried": ("Đã đưa hồ sơ {code} về hàng chờ gửi: kiosk sẽ gửi lại ở lần đồng bộ tới "
                "(hoặc chạy «kiosk sync --once»)."),
    "cli_actor": "dòng lệnh ({user})",
}

DETAIL_LABELS: Mapping[str, str] = {
    "name": "họ tên", "role": "vai trò", "reason": "lý do", "until": "đến",
    "failures_in_row": "số lần sai liên tiếp", "old": "cũ", "new": "mới",
    "screen": "màn hình", "step": "bước", "attachments": "tệp đính kèm",
}


@dataclass(frozen=True)
class Streams:
    """Where a command reads a PIN from and writes to; ``tty``: stdin is a terminal."""

    stdin: BinaryIO
    out: TextIO
    err: TextIO
    tty: bool
    ask: Callable[[str], str] = getpass.getpass


@dataclass(frozen=True)
class Context:
    """What every changing command needs: the time of the change and who makes it."""

    now: datetime
    actor: str


class Refused(Exception):
    """A command that cannot go on; ``code`` picks the exit code and the message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code)
        self.code = code
        self.message = message


def cli_actor(env: Mapping[str, str]) -> str:
    """``cli:<unix user>``: getpass.getuser()'s answer, from the environment the CLI read
    once (LOGNAME, USER, LNAME, USERNAME), else the password database, else the uid."""
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        if env.get(name):
            return f"cli:{env[name]}"
    try:
        import pwd

        return f"cli:{pwd.getpwuid(os.getuid()).pw_name}"
    except (ImportError, KeyError):
        return f"cli:uid-{os.getuid()}"


def run_refusable(streams: Streams, command: Callable[[], int]) -> int:
    """Run ``command``; a refusal or a domain error is one Vietnamese line on stderr."""
    try:
        return command()
    except Refused as exc:
        return _refuse(streams, exc.code, exc.message)
    except DomainError as exc:
        return _refuse(streams, exc.code, exc.message)


def _refuse(streams: Streams, code: str, message: str) -> int:
    print(f"Lỗi: {message}", file=streams.err)
    log.info("refused: %s", code)
    return EXIT_CODES.get(code, EXIT_OTHER)


# ---------------------------------------------------------------- PIN input

def read_pin(streams: Streams, from_stdin: bool) -> str:
    """A new PIN, checked: one line of stdin, or typed twice on the terminal."""
    if from_stdin:
        return validate_pin(_pin_line(streams.stdin))
    if not streams.tty:
        raise Refused("no_terminal", MESSAGES["no_terminal"])
    first = validate_pin(_ask(streams, MESSAGES["prompt"]))
    if _ask(streams, MESSAGES["prompt_again"]) != first:
        raise Refused("pin_mismatch", MESSAGES["pin_mismatch"])
    return first


def _pin_line(stdin: BinaryIO) -> str:
    # Bounded: a PIN is at most PIN_MAX digits; a megabyte of stdin is refused unread.
    raw = stdin.readline(PIN_MAX + 3)
    if not raw:
        raise Refused("pin_missing", MESSAGES["pin_missing"])
    line = raw.removesuffix(b"\n").removesuffix(b"\r")
    return line.decode("utf-8", "replace")


def _ask(streams: Streams, prompt: str) -> str:
    try:
        return streams.ask(prompt)
    except (EOFError, KeyboardInterrupt):  # Ctrl-D or Ctrl-C at the prompt: nothing changes
        raise Refused("pin_missing", MESSAGES["pin_missing"]) from None


# ---------------------------------------------------------------- officials

def official_add(officials: Officials, staff_id: str, name: str, role: str, pin_stdin: bool,
                 ctx: Context, streams: Streams) -> int:
    # Everything but the PIN is checked first: nobody types a PIN twice to learn the
    # staff id was taken.  The store checks again inside its transaction.
    wanted, cleaned, role = validate_staff_id(staff_id), validate_name(name), validate_role(role)
    if officials.find(wanted) is not None:
        raise Refused("staff_exists", OFFICIAL_MESSAGES["staff_exists"].format(staff_id=wanted))
    pin = read_pin(streams, pin_stdin)
    official = officials.add(wanted, cleaned, role, pin, ctx.now, ctx.actor)
    log.info("official %s added by %s", official.staff_id, ctx.actor)
    print(MESSAGES["added"].format(label=official.helper_label, role=ROLE_LABELS[role]),
          file=streams.out)
    return EXIT_OK


def official_set_pin(officials: Officials, staff_id: str, pin_stdin: bool, ctx: Context,
                     streams: Streams) -> int:
    official = _known(officials, staff_id)
    pin = read_pin(streams, pin_stdin)
    officials.set_pin(official.staff_id, pin, ctx.now, ctx.actor)
    log.info("official %s: PIN changed by %s", official.staff_id, ctx.actor)
    print(MESSAGES["pin_set"].format(label=official.helper_label), file=streams.out)
    return EXIT_OK


def official_switch(officials: Officials, staff_id: str, disable: bool, ctx: Context,
                    streams: Streams) -> int:
    """Disable or enable an account; one already so is left alone (and not audited)."""
    official = _known(officials, staff_id)
    label = official.helper_label
    if official.disabled == disable:
        key = "already_disabled" if disable else "already_enabled"
        print(MESSAGES[key].format(label=label), file=streams.out)
        return EXIT_OK
    if disable:
        officials.disable(official.staff_id, ctx.now, ctx.actor)
    else:
        officials.enable(official.staff_id, ctx.now, ctx.actor)
    log.info("official %s %s by %s", official.staff_id,
             "disabled" if disable else "enabled", ctx.actor)
    print(MESSAGES["disabled" if disable else "enabled"].format(label=label), file=streams.out)
    return EXIT_OK


def official_list(officials: Officials, as_json: bool, out: TextIO) -> int:
    found = officials.all()
    if as_json:
        _print_json([_official_dict(o) for o in found], out)
        return EXIT_OK
    if not found:
        print(OFFICIAL_MESSAGES["no_officials"], file=out)
    for o in found:
        state = MESSAGES["state_disabled" if o.disabled else "state_active"]
        print(f"{o.staff_id:12} {o.name} — {ROLE_LABELS.get(o.role, o.role)} — {state} — "
              f"tạo lúc {local_time(o.created_at)}", file=out)
    return EXIT_OK


def _known(officials: Officials, staff_id: str) -> Official:
    official = officials.find(staff_id)
    if official is None:
        shown = printable(staff_id.strip().upper()[:40])
        raise Refused("staff_unknown", OFFICIAL_MESSAGES["staff_unknown"].format(staff_id=shown))
    return official


def _official_dict(o: Official) -> dict[str, object]:
    return {"staff_id": o.staff_id, "name": o.name, "role": o.role,
            "role_label": ROLE_LABELS.get(o.role, o.role), "disabled": o.disabled,
            "created_at": to_vietnam_time(o.created_at).isoformat()}


# ---------------------------------------------------------------- audit

def audit_list(audit: AuditLog, officials: Officials, limit: int, as_json: bool,
               out: TextIO) -> int:
    entries = audit.entries(limit=limit)
    names = {o.staff_id: o.helper_label for o in officials.all()}
    if as_json:
        _print_json([_entry_dict(e, names) for e in entries], out)
        return EXIT_OK
    if not entries:
        print(MESSAGES["audit_empty"], file=out)
    for e in entries:
        parts = [local_time(e.at), who(e.actor, names), AUDIT_LABELS.get(e.action, e.action)]
        parts += [p for p in (e.target, describe_detail(e.detail)) if p]
        print(printable(" — ".join(parts)), file=out)
    return EXIT_OK


def audit_verify(audit: AuditLog, as_json: bool, streams: Streams) -> int:
    broken = audit.verify()
    count = audit.count() if broken is None else None
    if as_json:
        _print_json({"intact": broken is None, "first_broken_row": broken, "rows": count},
                    streams.out)
        return EXIT_OK if broken is None else EXIT_CODES["audit_broken"]
    if broken is not None:
        return _refuse(streams, "audit_broken", MESSAGES["audit_broken"].format(row=broken))
    print(MESSAGES["audit_intact"].format(count=count), file=streams.out)
    return EXIT_OK


def who(actor: str, names: Mapping[str, str]) -> str:
    """The official's name and staff id, the unix user of a command, or the kiosk."""
    if actor.startswith("cli:"):
        return MESSAGES["cli_actor"].format(user=actor.removeprefix("cli:"))
    return names.get(actor, actor)


def describe_detail(detail: Mapping[str, Any]) -> str:
    return ", ".join(f"{DETAIL_LABELS.get(k, k)}: {_detail_value(k, v)}"
                     for k, v in detail.items() if v is not None)


def _detail_value(key: str, value: object) -> str:
    if key == "role" and isinstance(value, str):
        return ROLE_LABELS.get(value, value)
    if key == "until" and isinstance(value, str):
        try:
            return local_time(datetime.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def _entry_dict(e: AuditEntry, names: Mapping[str, str]) -> dict[str, object]:
    return {"id": e.id, "at": to_vietnam_time(e.at).isoformat(), "actor": e.actor,
            "actor_label": who(e.actor, names), "action": e.action,
            "action_label": AUDIT_LABELS.get(e.action, e.action), "target": e.target,
            "detail": dict(e.detail), "row_hash": e.row_hash}


# ---------------------------------------------------------------- queue retry

def queue_retry(queue: DossierQueue, code: str, ctx: Context, streams: Streams) -> int:
    """FAILED → PENDING through the guarded transition, audited in the same transaction."""
    shown = printable(code.strip()[:60])
    try:
        found = queue.find(code)
    except ValidationError as exc:  # no code could look like that: unknown, said precisely
        raise Refused("dossier_unknown", exc.message) from None
    if found is None:
        raise Refused("dossier_unknown", MESSAGES["dossier_unknown"].format(code=shown))
    dossier = found.dossier
    if dossier.state is not DossierState.FAILED:
        raise _not_failed(dossier.code, dossier.state)
    try:
        queue.official_retry(dossier.code, ctx.now, actor=ctx.actor)
    except DomainError:  # moved meanwhile (another retry, the dashboard): say where it is
        again = queue.find(dossier.code)
        raise _not_failed(dossier.code, again.dossier.state if again else dossier.state) from None
    log.info("dossier %s: retry asked by %s", dossier.code, ctx.actor)
    print(MESSAGES["retried"].format(code=dossier.code), file=streams.out)
    return EXIT_OK


def _not_failed(code: str, state: DossierState) -> Refused:
    return Refused("dossier_not_failed",
                   MESSAGES["dossier_not_failed"].format(code=code, state=STATE_LABELS[state]))


# ---------------------------------------------------------------- text

def local_time(moment: datetime) -> str:
    """Vietnam time as officials write it: 09:30:05 ngày 24/11/2026."""
    return to_vietnam_time(moment).strftime("%H:%M:%S ngày %d/%m/%Y")


def printable(text: str) -> str:
    """Safe on a terminal: control characters (an escape sequence stored in a row) and
    lone surrogates are shown as «?» rather than acted upon."""
    return "".join("?" if unicodedata.category(c) in ("Cc", "Cs") else c for c in text)


def _print_json(data: object, out: TextIO) -> None:
    # ensure_ascii=False keeps Vietnamese readable; control characters are still escaped.
    text = json.dumps(data, ensure_ascii=False, indent=2)
    out.write(text.encode("utf-8", "replace").decode("utf-8") + "\n")
