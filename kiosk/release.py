"""A versioned release in ``dist/``: the wheel, the installer folder as a tar.gz, SHA256SUMS.

    python3 -m kiosk.devenv release     # builds the installer folder first, then this
    python -m kiosk.release [--dist DIR] [--wheel-only] [--installer DIR]

Every file is named with the version in ``pyproject.toml``, which must equal
``kiosk.__version__`` (the one ``kiosk --version`` prints): a release whose files and
program disagree about their version is refused.  The wheel is built by pip
(``pip wheel --no-deps``) from a clean copy of the sources, so nothing left in a
``build/`` folder of the checkout slips into it; ``resources/`` and ``deploy/`` go in as
package data (pyproject.toml), so the wheel alone installs a kiosk.  Standard library only.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTALLER_FOLDER = ROOT / "build" / "installer" / "dist" / "kiosk"  # benchmarks.bench_installer
SOURCES = ("pyproject.toml", "README.md", "kiosk", "resources", "deploy")
SUMS = "SHA256SUMS"


class ReleaseError(Exception):
    """The release cannot be built; the message says why."""


def project_version(root: Path = ROOT) -> str:
    with (root / "pyproject.toml").open("rb") as handle:
        return str(tomllib.load(handle)["project"]["version"])


def checked_version(root: Path = ROOT) -> str:
    """The version, the same in pyproject.toml and kiosk.__version__."""
    from kiosk import __version__

    version = project_version(root)
    if version != __version__:
        raise ReleaseError(f"pyproject.toml says {version}, kiosk.__version__ {__version__}: "
                           "make them equal first")
    return version


def build_wheel(dist: Path, root: Path = ROOT) -> Path:
    """``pip wheel --no-deps`` of a clean copy of the sources; the wheel's path in ``dist``."""
    dist.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kiosk-release-") as scratch:
        source = Path(scratch) / "src"
        source.mkdir()
        for name in SOURCES:
            if (root / name).is_dir():
                shutil.copytree(root / name, source / name,
                                ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            else:
                shutil.copy2(root / name, source / name)
        out = Path(scratch) / "out"
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
                        "-w", str(out), str(source)], check=True)
        (wheel,) = out.glob("*.whl")
        target = dist / wheel.name
        shutil.move(wheel, target)
    return target


def pack_installer(folder: Path, dist: Path, version: str) -> Path:
    """The PyInstaller folder as ``commune-kiosk-<version>-linux-<machine>.tar.gz``."""
    import platform

    if not (folder / "kiosk").is_file():
        raise ReleaseError(f"no installer folder at {folder}: run python3 -m kiosk.devenv "
                           "installer first")
    target = dist / f"commune-kiosk-{version}-linux-{platform.machine()}.tar.gz"
    part = target.with_name(target.name + ".part")
    with tarfile.open(part, "w:gz") as archive:
        archive.add(folder, arcname=f"kiosk-{version}", filter=_anonymous)
    part.replace(target)
    return target


def _anonymous(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    return info


def write_sums(files: Sequence[Path], dist: Path) -> Path:
    """``SHA256SUMS`` in the format ``sha256sum -c`` reads."""
    lines = [f"{_sha256(f)}  {f.name}\n" for f in sorted(files)]
    target = dist / SUMS
    target.write_text("".join(lines), encoding="utf-8")
    return target


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk.release", description=__doc__)
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--installer", type=Path, default=INSTALLER_FOLDER)
    parser.add_argument("--wheel-only", action="store_true")
    args = parser.parse_args(argv)
    try:
        version = checked_version()
        files = [build_wheel(args.dist)]
        if not args.wheel_only:
            files.append(pack_installer(args.installer, args.dist, version))
    except (ReleaseError, subprocess.CalledProcessError, OSError) as exc:
        print(f"kiosk release: {exc}", file=sys.stderr)
        return 1
    sums = write_sums(files, args.dist)
    for path in [*files, sums]:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
