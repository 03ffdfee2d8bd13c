"""``python3 -m kiosk.devenv appliance-check``: CI's check of the appliance (issue 14).

On a clean Debian 12 (bookworm) made by debootstrap (cached as a tarball under
~/.cache/kiosk, with apt's and pip's downloads, so a second run is fast) and booted
with ``systemd-nspawn -b``: the wheel is built here (kiosk/release.py) and is all that
goes in; ``kiosk appliance install`` runs inside from a throwaway venv holding only that
wheel, no sources beside it (pip there trusts this machine's CA bundle);
``systemd-analyze verify`` checks the installed units against the real binaries (any
warning fails), the services come up, a ``kill -9`` of the kiosk is answered by
systemd restarting it, and the sync service holds the sync lease.
The container has no display: for this check only, a drop-in runs the kiosk under
Xvfb (xvfb-run, QT_QPA_PLATFORM=xcb) instead of cage on tty1.  If the config
template enables ``[metrics] address = "127.0.0.1:9108"``, the exporter is scraped
too; if not, that is reported and does not fail the check.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
CACHE = Path.home() / ".cache" / "kiosk"
ROOTFS = CACHE / "bookworm-rootfs.tar.gz"
MIRROR = "http://deb.debian.org/debian"
BASE_PACKAGES = "systemd,systemd-sysv,dbus,python3,python3-venv"
CHECK_PACKAGES = ("debootstrap", "systemd-container")  # installed by kiosk.devenv first
INSIDE = Path(__file__).with_name("check_inside.sh")


def main(argv: Sequence[str] = ()) -> int:
    if os.geteuid() != 0 or shutil.which("systemd-nspawn") is None:
        print("Lỗi: cần quyền root và systemd-nspawn (gói systemd-container), debootstrap.",
              file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="kiosk-appliance-") as tmp:
        try:
            machine = Path(tmp) / "root"
            unpack_rootfs(machine)
            stage(machine / "root/check", Path(tmp))
            return boot(machine, Path(tmp))
        except subprocess.CalledProcessError as exc:
            print(f"Lỗi: lệnh không thành công: {' '.join(map(str, exc.cmd))}", file=sys.stderr)
            return 1


def say(text: str) -> None:
    print(f"[appliance-check] {text}", flush=True)


def unpack_rootfs(machine: Path) -> None:
    if not ROOTFS.exists():
        say("Chưa có Debian 12 trong bộ nhớ đệm: tạo bằng debootstrap (vài phút)…")
        CACHE.mkdir(parents=True, exist_ok=True)
        fresh = ROOTFS.with_name("bookworm-build")
        shutil.rmtree(fresh, ignore_errors=True)
        (CACHE / "debs").mkdir(exist_ok=True)
        subprocess.run(["debootstrap", "--variant=minbase", f"--include={BASE_PACKAGES}",
                        f"--cache-dir={CACHE / 'debs'}", "bookworm", str(fresh), MIRROR],
                       check=True, stdout=subprocess.DEVNULL)
        partial = ROOTFS.with_suffix(".part")
        subprocess.run(["tar", "-C", str(fresh), "-czf", str(partial), "."], check=True)
        partial.rename(ROOTFS)
        shutil.rmtree(fresh)
    say(f"Giải nén Debian 12 sạch từ {ROOTFS}…")
    machine.mkdir()
    subprocess.run(["tar", "-C", str(machine), "-xzf", str(ROOTFS)], check=True)


def stage(check: Path, tmp: Path) -> None:
    say("Đóng gói wheel của kiosk (python -m kiosk.release, pip wheel --no-deps)…")
    from kiosk.release import build_wheel

    # From a clean copy of the sources, as a release is; the wheel carries resources/ and
    # deploy/, so nothing else of the checkout goes into the container.
    wheel = build_wheel(tmp / "wheel", ROOT)
    check.mkdir(parents=True)
    shutil.copy(wheel, check / wheel.name)
    shutil.copy(INSIDE, check / "inside.sh")
    # pip inside trusts what this machine trusts (its way to PyPI may re-sign TLS).
    bundle = os.environ.get("PIP_CERT") or os.environ.get("SSL_CERT_FILE") or ""
    if bundle and Path(bundle).is_file():
        shutil.copy(bundle, check / "ca.crt")
    unit = check.parent.parent / "etc/systemd/system/kiosk-check.service"
    unit.write_text(CHECK_UNIT)
    wants = unit.parent / "multi-user.target.wants"
    wants.mkdir(exist_ok=True)
    (wants / unit.name).symlink_to("../kiosk-check.service")


CHECK_UNIT = """[Unit]
Description=kiosk appliance check (CI only)
After=multi-user.target dbus.service
[Service]
Type=oneshot
ExecStart=/bin/bash -c '/root/check/inside.sh > /root/check/out.log 2>&1; echo $? > /root/check/rc'
ExecStartPost=/bin/systemctl --no-block poweroff
TimeoutStartSec=1500
StandardOutput=journal+console
"""


def boot(machine: Path, tmp: Path) -> int:
    say("Khởi động Debian 12 bằng systemd-nspawn -b; bên trong: cài và kiểm tra…")
    binds = []
    for name, inside in (("apt", "/var/cache/apt/archives"), ("pip", "/root/.cache/pip")):
        (CACHE / name).mkdir(parents=True, exist_ok=True)
        binds.append(f"--bind={CACHE / name}:{inside}")
    console = tmp / "console.log"
    with console.open("wb") as out:
        subprocess.run(["timeout", "1500", "systemd-nspawn", "-q", "--register=no", "--keep-unit",
                        "-D", str(machine), *binds, "-b"], stdin=subprocess.DEVNULL, stdout=out,
                       stderr=subprocess.STDOUT, check=False)
    log = machine / "root/check/out.log"
    print(log.read_text(errors="replace") if log.exists() else console.read_text()[-5000:])
    rc_file = machine / "root/check/rc"
    code = int(rc_file.read_text().strip() or 1) if rc_file.exists() else 1
    say("ĐẠT: thiết bị kiosk cài và chạy đúng." if code == 0 else "KHÔNG ĐẠT (xem ở trên).")
    return code
