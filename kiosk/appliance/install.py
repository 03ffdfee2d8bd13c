"""``kiosk appliance install``: a fresh Debian 12 machine set up as a kiosk, as root.

From the wheel (a venv in /opt/kiosk) or the PyInstaller folder (copied to
/opt/kiosk/app, /opt/kiosk/bin/kiosk pointing at it): the system packages, the
``kiosk`` system user, the program without its demo package, the systemd units,
/var/lib/kiosk (0700, kiosk's) and /etc/kiosk/kiosk.toml (0640, root:kiosk, from
the template, never overwritten), then ``systemctl enable --now``.  Running it
twice gives the same machine.  ``--root DIR`` installs into a chroot or an image.
The units and the config template come from ``deploy/`` where kiosk/paths.py finds
it: the wheel's package data (``kiosk appliance install`` of an installed wheel), the
folder's bundled files, or a checkout (``python3 -m kiosk.appliance``).  The wheel carries
``resources/`` itself, so nothing beside it is needed.
"""

from __future__ import annotations

import argparse
import grp
import os
import pwd
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from kiosk.devenv import APPLIANCE_PACKAGES, RUNTIME_PACKAGES
from kiosk.paths import RESOURCES, deploy_dir

USER = "kiosk"
# Devices the kiosk opens: cameras and the GPU (video, render), the touch screen (input),
# the receipt printer (lp), the flatbed scanner (scanner); each only if the group exists.
GROUPS = ("video", "render", "input", "lp", "scanner")
PREFIX = Path("opt/kiosk")
DATA = Path("var/lib/kiosk")
CONFIG_DIR = Path("etc/kiosk")
UNITS_DIR = Path("etc/systemd/system")
UNITS = ("kiosk.service", "kiosk-sync.service")


class InstallError(Exception):
    """A step failed; the message (Vietnamese) says which and what to do."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kiosk appliance install",
                                     description="Cài kiosk thành thiết bị trên Debian 12.")
    add_arguments(parser)
    return run(parser.parse_args(argv))


def add_command(sub: Any) -> None:
    """``kiosk appliance install`` on the kiosk command line (kiosk/cli_commands.py)."""
    p = sub.add_parser("appliance", help="cài kiosk thành thiết bị (systemd, cage) trên Debian 12")
    verbs = p.add_subparsers(title="việc", metavar="VIỆC", required=True)
    install = verbs.add_parser("install", help="cài người dùng, chương trình, dịch vụ, cấu hình")
    add_arguments(install)
    install.set_defaults(handler=lambda args, _env: run(args))


def add_arguments(p: argparse.ArgumentParser) -> None:
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--wheel", type=Path, help="tệp wheel của kiosk (.whl)")
    source.add_argument("--folder", type=Path, help="thư mục kiosk do PyInstaller tạo")
    p.add_argument("--root", type=Path, default=Path("/"),
                   help="cài vào thư mục gốc này (chroot, ảnh đĩa) thay vì máy đang chạy")
    p.add_argument("--skip-packages", action="store_true",
                   help="không cài gói hệ thống bằng apt-get (đã cài sẵn)")
    p.add_argument("--no-start", action="store_true",
                   help="chỉ bật dịch vụ khi khởi động, không khởi động ngay")


def run(args: argparse.Namespace) -> int:
    try:
        Installer(args.root, say=lambda text: print(text, flush=True)).install(
            wheel=args.wheel, folder=args.folder, packages=not args.skip_packages,
            start=not args.no_start)
    except InstallError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 1
    return 0


class Installer:
    def __init__(self, root: Path, say: Callable[[str], None]) -> None:
        self.root = root.resolve()
        self.say = say
        self.chrooted = self.root != Path("/")

    def install(self, *, wheel: Path | None, folder: Path | None, packages: bool,
                start: bool) -> None:
        if not self.chrooted and os.geteuid() != 0:
            raise InstallError("cần chạy bằng quyền root (sudo kiosk appliance install …).")
        # The program and the units are for everyone to read (the kiosk command starts
        # with a private umask); the data dir and the config get their own modes below.
        os.umask(0o022)
        if packages:
            self.system_packages()
        self.user()
        if wheel is not None:
            self.from_wheel(wheel.resolve())
        elif folder is not None:
            self.from_folder(folder.resolve())
        self.data_and_config()
        self.units(start)
        self.say("Đã cài xong kiosk. Sửa /etc/kiosk/kiosk.toml (các mục «PHẢI ĐẶT») rồi "
                 "chạy: systemctl restart kiosk kiosk-sync")

    # ------------------------------------------------------------ steps

    def system_packages(self) -> None:
        names = [*RUNTIME_PACKAGES, *APPLIANCE_PACKAGES]
        self.say(f"Cài các gói hệ thống ({len(names)} gói, qua apt-get)…")
        env = ["env", "DEBIAN_FRONTEND=noninteractive"]
        self.command([*env, "apt-get", "update", "-qq"])
        self.command([*env, "apt-get", "install", "-y", "-q", "--no-install-recommends", *names])

    def user(self) -> None:
        groups = [g for g in GROUPS if self.group_exists(g)]
        if self.user_ids() is None:
            self.say(f"Tạo người dùng hệ thống «{USER}» (nhóm: {', '.join(groups) or 'không'})…")
            self.command(["useradd", *self.root_option(), "--system", "--user-group",
                          "--home-dir", "/" + str(DATA), "--no-create-home",
                          "--shell", "/usr/sbin/nologin", *self.groups_option(groups), USER],
                         chroot=False)
        else:
            self.say(f"Người dùng «{USER}» đã có; bảo đảm thuộc các nhóm: {', '.join(groups)}.")
            if groups:
                self.command(["usermod", *self.root_option(), "-a", *self.groups_option(groups),
                              USER], chroot=False)

    def from_wheel(self, wheel: Path) -> None:
        if not wheel.is_file():
            raise InstallError(f"không thấy tệp wheel {wheel}.")
        prefix = self.root / PREFIX
        if not (prefix / "bin" / "python").exists():
            self.say("Tạo môi trường Python riêng tại /opt/kiosk…")
            self.command(["python3", "-m", "venv", "/" + str(PREFIX)])
        staged = self.root / "var/tmp" / wheel.name  # reachable inside the chroot
        staged.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(wheel, staged)
        pip = ["/" + str(PREFIX / "bin/pip"), "install", "-q", "--disable-pip-version-check"]
        self.say(f"Cài {wheel.name} và các thư viện nó cần vào /opt/kiosk…")
        try:
            self.command([*pip, "--force-reinstall", "--no-deps", "/var/tmp/" + wheel.name])
            self.command([*pip, "/var/tmp/" + wheel.name])
        finally:
            staged.unlink()
        package = self.site_packages() / "kiosk"
        self.check_resources(package, wheel)
        self.drop_demo(package)

    def from_folder(self, folder: Path) -> None:
        if not (folder / "kiosk").is_file():
            raise InstallError(f"{folder} không phải thư mục kiosk của PyInstaller (thiếu tệp "
                               "chạy «kiosk»).")
        app = self.root / PREFIX / "app"
        self.say("Chép thư mục kiosk vào /opt/kiosk/app…")
        if app.exists():
            shutil.rmtree(app)
        shutil.copytree(folder, app, symlinks=True)
        bin_dir = self.root / PREFIX / "bin"
        bin_dir.mkdir(parents=True, exist_ok=True)
        link = bin_dir / "kiosk"
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to("../app/kiosk")
        for candidate in (app / "_internal" / "kiosk", app / "kiosk"):
            if candidate.is_dir():
                self.drop_demo(candidate)

    def data_and_config(self) -> None:
        uid, gid = self.user_ids() or (0, 0)
        data = self.root / DATA
        data.mkdir(parents=True, exist_ok=True)
        os.chown(data, uid, gid)
        data.chmod(0o700)
        self.say("Thư mục dữ liệu /var/lib/kiosk: quyền 0700, chủ sở hữu kiosk.")
        config_dir = self.root / CONFIG_DIR
        config_dir.mkdir(parents=True, exist_ok=True)
        os.chown(config_dir, 0, gid)
        config_dir.chmod(0o750)
        config = config_dir / "kiosk.toml"
        if config.exists():
            self.say("Giữ nguyên tệp cấu hình đã có: /etc/kiosk/kiosk.toml.")
        else:
            partial = config.with_name(".kiosk.toml.new")
            partial.write_bytes(self.deploy_file("kiosk.toml.in").read_bytes())
            os.chown(partial, 0, gid)
            partial.chmod(0o640)
            os.replace(partial, config)
            self.say("Tạo tệp cấu hình /etc/kiosk/kiosk.toml từ mẫu (quyền 0640, root:kiosk).")
        os.chown(config, 0, gid)
        config.chmod(0o640)

    def units(self, start: bool) -> None:
        target = self.root / UNITS_DIR
        target.mkdir(parents=True, exist_ok=True)
        for unit in UNITS:
            shutil.copyfile(self.deploy_file("systemd", unit), target / unit)
            (target / unit).chmod(0o644)
        self.say(f"Ghi các dịch vụ systemd vào /etc/systemd/system: {', '.join(UNITS)}.")
        if shutil.which("systemctl") is None:
            self.say("Không có systemctl: bỏ qua bước bật dịch vụ.")
            return
        if self.chrooted:  # no systemd runs there: only the boot-time links
            self.command(["systemctl", "--root", str(self.root), "enable", *UNITS], chroot=False)
            self.say("Đã bật các dịch vụ khi khởi động (trong thư mục gốc đã chọn).")
            return
        self.command(["systemctl", "daemon-reload"])
        self.command(["systemctl", "enable", *(["--now"] if start else []), *UNITS])
        self.say("Đã bật các dịch vụ" + (" và khởi động chúng." if start else " khi khởi động."))

    # ------------------------------------------------------------ helpers

    def drop_demo(self, package: Path) -> None:
        demo = package / "demo"
        if demo.exists():
            shutil.rmtree(demo)
            self.say("Đã bỏ gói trình diễn (kiosk/demo) khỏi bản cài.")

    @staticmethod
    def check_resources(package: Path, wheel: Path) -> None:
        """The fonts and the catalogue came with the wheel (one built before they were
        package data would give a kiosk that fails at its first screen)."""
        if not (package / RESOURCES).is_dir():
            raise InstallError(f"tệp wheel {wheel.name} không có thư mục tài nguyên (phông chữ, "
                               "danh mục thủ tục): hãy đóng gói lại bằng python -m kiosk.release.")

    def site_packages(self) -> Path:
        found = sorted((self.root / PREFIX / "lib").glob("python3*/site-packages"))
        if not found:
            raise InstallError("môi trường Python trong /opt/kiosk không có site-packages.")
        return found[-1]

    @staticmethod
    def deploy_file(*parts: str) -> Path:
        found = deploy_dir().joinpath(*parts)
        if found.is_file():
            return found
        raise InstallError(f"không thấy tệp {'/'.join(parts)} trong thư mục deploy/ của bản "
                           "phát hành.")

    def user_ids(self) -> tuple[int, int] | None:
        if not self.chrooted:
            try:
                entry = pwd.getpwnam(USER)
            except KeyError:
                return None
            return entry.pw_uid, entry.pw_gid
        for fields in _entries(self.root / "etc/passwd"):
            if fields[0] == USER and len(fields) > 3:
                return int(fields[2]), int(fields[3])
        return None

    def group_exists(self, name: str) -> bool:
        if not self.chrooted:
            try:
                grp.getgrnam(name)
            except KeyError:
                return False
            return True
        return any(fields[0] == name for fields in _entries(self.root / "etc/group"))

    def root_option(self) -> list[str]:
        return ["--root", str(self.root)] if self.chrooted else []

    @staticmethod
    def groups_option(groups: Sequence[str]) -> list[str]:
        return ["--groups", ",".join(groups)] if groups else []

    def command(self, command: Sequence[str], *, chroot: bool = True) -> None:
        full = ["chroot", str(self.root), *command] if chroot and self.chrooted else list(command)
        try:
            done = subprocess.run(full, check=False)
        except FileNotFoundError as error:  # e.g. useradd, off a PATH without /usr/sbin
            raise InstallError(f"không thấy lệnh {full[0]} (cần gói hệ thống của Debian có lệnh "
                               "này, và chạy bằng root để PATH có /usr/sbin).") from error
        if done.returncode != 0:
            raise InstallError(f"lệnh không thành công: {' '.join(full)}")


def _entries(path: Path) -> list[list[str]]:
    if not path.is_file():
        return []
    return [line.split(":") for line in path.read_text().splitlines() if line]
