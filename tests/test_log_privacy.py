"""What the kiosk writes about a resident in its logs: nothing that names her.

Real processes, as on a commune's machine, every one with the kiosk's loggers at
DEBUG: a ``kiosk run`` (offscreen) where a resident files a birth registration by
touch — her card misread by the USB scanner, then read by the camera and the scanner;
her phone, e-mail and the form's answers typed —; two ``kiosk submit`` of other
residents' draft files; ``kiosk sync --once`` against the real portal simulator,
behind a proxy playing a portal that echoes data back: a 422 refusal quoting the
name, ID, phone, e-mail and address; an acceptance whose status, date and timeline are
the applicant's values; a list of changes with an item made of them; refusal and
request-for-papers reasons naming the resident; a 503 quoting her.  Then a second
``kiosk run``: Track, a reprint, her ID card scanned where a code is expected, and an
official (``kiosk official add``) who reprints and sends the refused dossier again.

Every byte of every log file, of every process's stderr and of every stdout (the
official's ``kiosk queue`` listing aside) is then searched for every personal value,
in NFC and NFD, the numbers also grouped as people write them.  Names and addresses
have no pattern the log filter could mask: this test is what keeps them out.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import unicodedata
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from kiosk.demo import synthetic
from kiosk.demo.simulator import DEMO_CREDENTIALS, PortalSimulator
from tests.support import officials
from tests.support import privacy_visit as visit
from tests.support.residents import usb_stick
from tests.sync.faults import Fault, FaultProxy, ProxyHandler

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
CLIENT_ID, CLIENT_SECRET = next(iter(DEMO_CREDENTIALS.items()))
CHILD_PROCESS_LIMIT = 600  # seconds: bounds a hang, measures nothing
LOG_FILES = ("kiosk.log", "submit.log", "sync.log", "cli.log")  # by role: run, submit, …


@dataclass(frozen=True)
class Resident:
    name: str
    personal_id: str
    phone: str
    email: str
    birth: str  # dd/mm/yyyy
    address: str
    answers: tuple[str, ...] = ()  # the form's answers that are hers
    old_id: str = ""


CARD_FIELDS = visit.CARD.split("|")
DIEP = Resident(visit.NAME, CARD_FIELDS[0], visit.PHONE, visit.EMAIL, "14/07/1996",
                CARD_FIELDS[5], (visit.CHILD, visit.MOTHER_HOME), old_id=CARD_FIELDS[1])
# Refused by the portal, with its reason quoting her.
TIEN = Resident("Giáp Thị Thuỷ Tiên", "024301009876", "0786543219",
                "giap.thuytien@outlook.vn", "03/02/2001",
                "Thôn Hạ Mỗ, xã Ô Diên, Thành phố Hà Nội",
                ("Giấy khen học sinh giỏi của Giáp Thị Thuỷ Tiên",))
# Accepted, but the answer comes back malformed, with her values in it.
SENH = Resident("Ma Văn Sềnh", "002085004417", "0914062377", "senh.mavan@yahoo.com",
                "21/09/1985", "Bản Nà Ngòa, xã Bảo Lâm, tỉnh Cao Bằng",
                ("Học bạ trung học cơ sở của Ma Văn Sềnh",))
# Her draft file is refused by ``kiosk submit`` (a phone and an e-mail that are none).
MY = Resident("Lò Thị Mỷ", "014192003358", "0123456789", "lo.thi.my@@muonglay",
              "30/04/1992", "Bản Hua Nà, xã Mường Lay, tỉnh Điện Biên",
              ("Giấy chứng nhận của Lò Thị Mỷ",))
RESIDENTS = (DIEP, TIEN, SENH, MY)


def grouped(number: str) -> list[str]:
    """A number as people also write it, with spaces, dots or dashes: an ID in groups of
    3 or 4; a mobile as 4-3-3, and with +84 (then 3-3-3) in place of its 0."""
    groupings = [(3, 3, 3, 3), (4, 4, 4)] if len(number) == 12 else [(4, 3, 3)]
    forms = [number]
    for sizes in groupings:
        forms += [sep.join(split(number, sizes)) for sep in (" ", ".", "-")]
    if len(number) == 10:
        national = number[1:]
        forms += ["+84" + national, "84" + national,
                  *("+84" + sep + sep.join(split(national, (3, 3, 3))) for sep in " .-")]
    return forms


def split(text: str, sizes: tuple[int, ...]) -> list[str]:
    parts, start = [], 0
    for size in sizes:
        parts.append(text[start:start + size])
        start += size
    return parts


def birth_forms(ddmmyyyy: str) -> list[str]:
    day, month, year = ddmmyyyy.split("/")
    return [ddmmyyyy, f"{day}{month}{year}", f"{year}-{month}-{day}", f"{year}{month}{day}",
            f"{day}-{month}-{year}"]


def needles(resident: Resident) -> dict[str, bytes]:
    """Every form of every personal value, as UTF-8 bytes, by what it is."""
    texts: dict[str, str] = {"name": resident.name, "address": resident.address,
                             "e-mail": resident.email}
    words = resident.name.split()  # a masked name keeps the family name: never alone
    texts["given names"] = " ".join(words[1:])
    texts["last two names"] = " ".join(words[-2:])
    for i, answer in enumerate(resident.answers):
        texts[f"answer {i}"] = answer
    found: dict[str, bytes] = {}
    for label, text in texts.items():
        for form in ("NFC", "NFD"):
            found[f"{label} ({form})"] = unicodedata.normalize(form, text).encode()
    for label, number in (("ID", resident.personal_id), ("phone", resident.phone)):
        for i, text in enumerate(grouped(number)):
            found[f"{label} #{i} {text!r}"] = text.encode()
    if resident.old_id:
        found["old CMND"] = resident.old_id.encode()
    for i, text in enumerate(birth_forms(resident.birth)):
        found[f"birth #{i} {text!r}"] = text.encode()
    return found


def leaks(blob: bytes, *residents: Resident) -> list[str]:
    return [f"{r.name}: {label}" for r in residents for label, needle in needles(r).items()
            if needle in blob]


# --- the kiosk's setting -------------------------------------------------------------

def card_video(path: Path, payload: str, frames: int = 8) -> Path:
    """A webcam's view of the resident's card held up (a real QR code of ``payload``)."""
    rng = np.random.default_rng(11)
    shot = synthetic.card_shot(rng, payload)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 10, (1280, 720))
    for _ in range(frames):
        writer.write(shot.frame)
    writer.release()
    return path


def settings_file(path: Path, *, usb: Path, camera: Path, portal: str = "") -> Path:
    """One commune's kiosk.  ``portal``: the sync's address (the kiosk run has none, so
    that only ``kiosk sync`` sends); no retention, so the sync also erases."""
    lines = ["[kiosk]", f'usb_root = "{usb}"', "[printer]", 'mode = "file"',
             "[camera]", f'device = "{camera}"', "[retention]", "days = 0"]
    if portal:
        lines += ["[portal]", f'url = "{portal}"', f'client_id = "{CLIENT_ID}"',
                  f'client_secret = "{CLIENT_SECRET}"', "timeout_seconds = 5"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update(QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT), PYTHONUTF8="1")
    return env


@dataclass
class Ran:
    what: str
    code: int
    stdout: bytes
    stderr: bytes


def run(what: str, *args: str, stdin: bytes = b"") -> Ran:
    done = subprocess.run([sys.executable, *args], capture_output=True, cwd=ROOT, input=stdin,
                          env=child_env(), timeout=CHILD_PROCESS_LIMIT, check=False)
    return Ran(what, done.returncode, done.stdout, done.stderr)


def kiosk(role: str, data: Path, config: Path, *args: str, stdin: bytes = b"") -> Ran:
    """``kiosk --data-dir D --config C ARGS`` with its loggers at DEBUG."""
    return run(" ".join(args[:2]), "-m", "tests.support.debug_kiosk", role, "--data-dir",
               str(data), "--config", str(config), *args, stdin=stdin)


def draft_file(folder: Path, resident: Resident) -> Path:
    """A certified copy's draft (``examples/chung-thuc-ban-sao.json``) for ``resident``."""
    draft = json.loads((EXAMPLES / "chung-thuc-ban-sao.json").read_text(encoding="utf-8"))
    gender = "Nữ" if resident.name.split()[1] == "Thị" else "Nam"
    draft["applicant"] = {"ho_ten": resident.name, "ngay_sinh": resident.birth,
                          "gioi_tinh": gender, "so_dinh_danh": resident.personal_id,
                          "dia_chi": resident.address, "so_dien_thoai": resident.phone,
                          "email": resident.email}
    draft["form"]["ten_giay_to"] = resident.answers[0]
    folder.mkdir(exist_ok=True)
    shutil.copy(EXAMPLES / "files" / "ban-chinh.png", folder / "ban-chinh.png")
    draft["documents"][0]["file"] = "ban-chinh.png"
    path = folder / "ho-so.json"
    path.write_text(json.dumps(draft, ensure_ascii=False), encoding="utf-8")
    return path


# --- a portal that echoes what it was sent ---------------------------------------------

def echo(resident: Resident) -> str:
    return (f"Hồ sơ của {resident.name} (CCCD {resident.personal_id}, sinh ngày "
            f"{resident.birth}, ĐT {resident.phone}, {resident.email}, thường trú "
            f"{resident.address}) không khớp Cơ sở dữ liệu quốc gia về dân cư")


class EchoingPortal(Fault):
    """The real simulator behind, answering as a careless portal does: Tiên's dossier
    refused (422) with a message and details quoting her; Sềnh's accepted but answered
    with his values where the code and the status should be; the list of changes
    carrying an item made of Diệp's values."""

    name = "echoing"

    def __init__(self, *, bogus_change: bool) -> None:
        self.bogus_change = bogus_change
        self.overloaded = False  # every request: 503, its body quoting Diệp

    def handle(self, proxy: ProxyHandler, body: bytes) -> None:
        path = proxy.path.split("?")[0]
        if self.overloaded:
            busy = {"error": "unavailable", "message": echo(DIEP)}
            proxy.reply(503, json.dumps(busy, ensure_ascii=False).encode(), "application/json",
                        {"Retry-After": "1"})
            return
        if proxy.command == "POST" and path == "/api/v1/dossiers":
            applicant = json.loads(body)["ChuHoSo"]["SoDinhDanh"]
            if applicant == TIEN.personal_id:
                refusal = {"error": "invalid", "message": echo(TIEN), "details": [
                    {"field": "ChuHoSo.HoTen", "message": echo(TIEN)},
                    {"field": TIEN.name, "message": TIEN.address}]}
                proxy.reply(422, json.dumps(refusal, ensure_ascii=False).encode(),
                            "application/json")
                return
            if applicant == SENH.personal_id:
                self._rewritten(proxy, body, malformed(SENH))
                return
        if self.bogus_change and proxy.command == "GET" and path == "/api/v1/dossiers":
            self._rewritten(proxy, body, lambda answer: answer["items"].append(bogus(DIEP)))
            return
        proxy.forward(body)

    @staticmethod
    def _rewritten(proxy: ProxyHandler, body: bytes, edit: Any) -> None:
        status, headers, data = proxy.fetch_upstream(body)
        answer = json.loads(data)
        edit(answer)
        proxy.reply(status, json.dumps(answer, ensure_ascii=False).encode(),
                    headers.get("Content-Type", "application/json"))


def malformed(resident: Resident) -> Any:
    def edit(answer: dict[str, Any]) -> None:
        answer["TrangThaiHoSo"] = echo(resident)
        answer["NgayHenTra"] = resident.phone
        answer["QuaTrinhXuLy"] = [{"ThoiDiem": resident.personal_id, "TrangThai": 1,
                                   "NoiDung": echo(resident), "DonVi": resident.name}]
    return edit


def bogus(resident: Resident) -> dict[str, Any]:
    """A listed change whose every field is the resident's data, none of the right type."""
    return {"MaHoSo": resident.personal_id, "MaHoSoKiosk": resident.name,
            "TrangThaiHoSo": resident.phone, "NgayHenTra": resident.birth,
            "QuaTrinhXuLy": [{"ThoiDiem": resident.email, "TrangThai": resident.address,
                              "NoiDung": echo(resident), "DonVi": None}]}


def set_portal_status(portal: str, code: str, status: int, reason: str) -> None:
    """The portal's official moves the dossier on, writing a reason (the simulator's
    admin door, not the contract's)."""
    body = json.dumps({"TrangThaiHoSo": status, "NoiDung": reason,
                       "DonVi": "Bộ phận Một cửa"}).encode()
    request = urllib.request.Request(f"{portal}/_sim/dossiers/{code}/status", data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        assert answer.status == 200


# --- the day ---------------------------------------------------------------------------

@dataclass
class Day:
    ran: list[Ran]
    logs: dict[str, bytes]
    codes: dict[str, str]  # resident's name → dossier code


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Day]:
    work = tmp_path_factory.mktemp("privacy")
    data = work / "data"
    usb = usb_stick(work / "usb")
    camera = card_video(work / "card.avi", visit.CARD)
    at_desk = settings_file(work / "kiosk.toml", usb=usb, camera=camera)
    ran = [run("kiosk run", "-m", "tests.support.privacy_visit", "--data-dir", str(data),
               "--config", str(at_desk), "--out", str(work / "visit.json"))]
    assert ran[0].code == 0, ran[0].stderr.decode(errors="replace")[-3000:]
    codes = {DIEP.name: json.loads((work / "visit.json").read_text())["code"]}
    for resident in (TIEN, SENH):
        draft = draft_file(work / resident.personal_id, resident)
        ran.append(kiosk("submit", data, at_desk, "submit", str(draft)))
        assert ran[-1].code == 0, ran[-1].stderr.decode(errors="replace")
        codes[resident.name] = ran[-1].stdout.decode().strip()
    ran.append(kiosk("submit", data, at_desk, "submit", str(draft_file(work / "my", MY))))
    assert ran[-1].code == 1, ran[-1].stderr.decode(errors="replace")  # refused, and why
    echoing = EchoingPortal(bogus_change=True)
    with PortalSimulator(work / "portal.sqlite3", step_seconds=0) as portal, \
            FaultProxy(portal.url, lambda _method, _path: echoing) as proxy:
        syncing = settings_file(work / "sync.toml", usb=usb, camera=camera, portal=proxy.url)
        ran.append(kiosk("sync", data, syncing, "sync", "--once"))
        echoing.bogus_change = False  # the next lists of changes are the portal's own
        set_portal_status(portal.url, codes[DIEP.name], 5, "Bổ sung giấy tờ: " + echo(DIEP))
        ran.append(kiosk("sync", data, syncing, "sync", "--once"))
        set_portal_status(portal.url, codes[DIEP.name], 3, "Không tiếp nhận: " + echo(DIEP))
        ran.append(kiosk("sync", data, syncing, "sync", "--once"))
        ran.append(kiosk("cli", data, at_desk, "official", "add", "--staff-id",
                         officials.STAFF_ID, "--name", officials.NAME, "--pin-stdin",
                         stdin=officials.PIN.encode() + b"\n"))
        ran.append(run("kiosk run (Track, official)", "-m", "tests.support.privacy_visit",
                       "--data-dir", str(data), "--config", str(at_desk),
                       "--out", str(work / "track.json"), "--track", codes[DIEP.name],
                       "--refused", codes[TIEN.name]))
        assert ran[-1].code == 0, ran[-1].stderr.decode(errors="replace")[-3000:]
        ran.append(kiosk("sync", data, syncing, "sync", "--once"))  # the retry: refused again
        ran.append(kiosk("sync", data, syncing, "queue"))
        echoing.overloaded = True
        ran.append(kiosk("sync", data, syncing, "sync", "--once"))
    logs = {p.name: p.read_bytes() for p in sorted((data / "logs").iterdir())}
    yield Day(ran, logs, codes)


def by_name(day: Day, what: str) -> Ran:
    (found,) = [r for r in day.ran if r.what == what]
    return found


def test_the_day_went_as_a_commune_day_goes(day: Day) -> None:
    """Proof that the values travelled, where they may: the dossiers were filed, sent or
    refused, the portal's echoes and reasons reached the kiosk (the official's listing
    shows them), and every process wrote its log file."""
    assert [r.code for r in day.ran if r.what != "queue"] == [0, 0, 0, 1] + [0] * (
        len(day.ran) - 5)
    refused = day.ran[3].stderr.decode()
    assert "Hồ sơ chưa được nộp vì:" in refused and "điện thoại" in refused
    queue = by_name(day, "queue").stdout.decode()
    assert f"{day.codes[DIEP.name]}  Đã gửi lên cổng dịch vụ công — cổng: Không được tiếp nhận" \
        in queue
    assert "Hồ sơ của Giáp Thị Thuỷ Tiên" in queue  # the refusal, as the portal wrote it
    assert "trường TrangThaiHoSo: sai kiểu dữ liệu" in queue  # Sềnh's malformed answer
    summary = [r.stdout.decode().strip() for r in day.ran if r.what == "sync --once"]
    assert summary[0] == "Đã gửi: 1; chờ gửi lại: 1; bị từ chối: 1; cập nhật trạng thái: 0."
    assert set(day.logs) == set(LOG_FILES)
    assert "bị từ chối: 1" in summary[-2]  # sent again by the official, refused again
    assert b'"POST /api/v1/token HTTP/1.1" 503' in day.ran[-1].stderr  # overloaded, echoing
    assert b"kiosk.sync.worker: dossier " in day.logs["sync.log"]  # DEBUG and up: written


@pytest.mark.parametrize("written", [
    unicodedata.normalize("NFD", DIEP.name), "031 196 007 391", "031.196.007.391",
    "+84 398 271 546", "0398-271-546", "1996-07-14", "14071996", "Ngọc Diệp", TIEN.email,
    unicodedata.normalize("NFD", TIEN.address), SENH.answers[0], DIEP.old_id,
    unicodedata.normalize("NFD", visit.CHILD),
])
def test_the_search_finds_a_value_in_any_of_its_forms(written: str) -> None:
    assert leaks(f"… {written} …".encode(), *RESIDENTS) != []


def test_the_search_finds_nothing_in_masked_values() -> None:
    masked = "Khổng T. N. D., ********7391, *******546, n***@gmail.com, H23-261203-1000"
    assert leaks(masked.encode(), *RESIDENTS) == []


@pytest.mark.parametrize("log_file", LOG_FILES)
def test_no_log_file_holds_any_resident_s_personal_data(day: Day, log_file: str) -> None:
    assert leaks(day.logs[log_file], *RESIDENTS) == []


def test_no_kiosk_process_writes_personal_data_to_stderr(day: Day) -> None:
    """stderr is journald under systemd: every process's, every byte."""
    found = [(i, r.what, leaks(r.stderr, *RESIDENTS)) for i, r in enumerate(day.ran)]
    assert found == [(i, r.what, []) for i, r in enumerate(day.ran)]


def test_what_kiosk_sync_and_the_others_print_holds_no_personal_data(day: Day) -> None:
    """stdout too (the official's queue listing aside: showing the portal's reason is
    its purpose)."""
    printing = [(i, r) for i, r in enumerate(day.ran) if r.what != "queue"]
    found = [(i, r.what, leaks(r.stdout, *RESIDENTS)) for i, r in printing]
    assert found == [(i, r.what, []) for i, r in printing]
