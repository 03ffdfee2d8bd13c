"""Small stand-ins for two big libraries the installer folder would otherwise carry.

installer.spec builds them with gcc at build time, from the very binaries it bundles:

* ``libicudata.so.NN`` (31 MiB): ICU's locale data.  Qt links ICU, but what the kiosk asks
  of Qt does not read that data: QLocale's names and number/date formats are Qt's own CLDR
  tables, QString's case mapping is Qt's own and ICU's case and normalisation tables are
  compiled into libicuuc, time zones come from the system's tz database, text is shaped by
  Qt's HarfBuzz.  What would need it (QCollator, ICU text codecs) the kiosk does not use.
  The stand-in is an empty ICU data package: ICU then finds no data item and says so.
* OpenCV's FFmpeg (avcodec, avformat, avutil, swscale; 33 MiB with what only they link):
  the kiosk reads webcams through V4L2 (MJPEG frames are decoded by OpenCV itself) and the
  demo camera draws its own frames.  cv2 links FFmpeg directly, so each stand-in has the same
  soname and symbol version and defines every function cv2 takes from it; each one stops the
  process with a message.  None is ever called: the runtime hook ``rthook_opencv.py`` turns
  OpenCV's FFmpeg backend off (OPENCV_VIDEOIO_PRIORITY_FFMPEG=0), so VideoCapture goes to
  V4L2 for devices and to OpenCV's own MJPEG reader for files.

Standard library only (the spec runs it); needs gcc and readelf (binutils).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

# The FFmpeg libraries opencv-python links (auditwheel names: lib<name>-<hash>.so.<version>).
FFMPEG_LIB = re.compile(r"lib(avcodec|avformat|avutil|swscale|swresample)-[0-9a-f]+\.so")
ICU_DATA_LIB = re.compile(r"libicudata\.so\.(\d+)$")

_ICU_DATA_C = """\
#include <stdint.h>
/* An ICU common-data package ("ToCP": a table of contents of pointers) with no item. */
typedef struct {
  uint16_t size, reservedWord;
  uint8_t isBigEndian, charsetFamily, sizeofUChar, reservedByte;
  uint8_t dataFormat[4], formatVersion[4], dataVersion[4];
} UDataInfo;
typedef struct {
  uint16_t headerSize; uint8_t magic1, magic2; UDataInfo info; char padding[8];
  uint32_t count, reserved;
} Package;
__attribute__((visibility("default"))) const Package %(symbol)s = {
  32, 0xda, 0x27,
  {sizeof(UDataInfo), 0, 0, 0, 2, 0, {0x54, 0x6f, 0x43, 0x50}, {1, 0, 0, 0}, {0, 0, 0, 0}},
  {0}, 0, 0};
"""

_FFMPEG_HEAD = """\
#include <stdio.h>
#include <stdlib.h>
static void no_ffmpeg(const char *name) {
  fprintf(stderr, "kiosk: %s called, but this build has no FFmpeg "
          "(OpenCV's FFmpeg backend is off: OPENCV_VIDEOIO_PRIORITY_FFMPEG=0)\\n", name);
  abort();
}
"""


def _gcc(source: str, out: Path, soname: str, version_script: str | None = None) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    c_file = out.with_name(out.name + ".c")
    c_file.write_text(source, encoding="utf-8")
    command = ["gcc", "-shared", "-fPIC", "-O2", "-s", "-o", str(out), str(c_file),
               f"-Wl,-soname,{soname}"]
    if version_script is not None:
        script = out.with_name(out.name + ".map")
        script.write_text(version_script, encoding="utf-8")
        command.append(f"-Wl,--version-script={script}")
    subprocess.run(command, check=True)
    return out


def imported_symbols(binary: Path) -> dict[str, list[str]]:
    """The functions ``binary`` takes from versioned libraries: {version node: [names]}."""
    table = subprocess.run(["readelf", "-W", "--dyn-syms", str(binary)], capture_output=True,
                           text=True, check=True).stdout
    wanted: dict[str, set[str]] = {}
    for line in table.splitlines():
        fields = line.split()
        if len(fields) >= 8 and fields[6] == "UND" and "@" in fields[7]:
            name, _, version = fields[7].partition("@")
            wanted.setdefault(version.lstrip("@").split()[0], set()).add(name)
    return {version: sorted(names) for version, names in wanted.items()}


def soname_version(library: Path) -> str:
    """The version node a library defines for its own symbols (LIBAVCODEC_62…)."""
    table = subprocess.run(["readelf", "-W", "-V", str(library)], capture_output=True,
                           text=True, check=True).stdout
    section = table.split(".gnu.version_d", 1)[1].split(".gnu.version_r", 1)[0]
    names = re.findall(r"Name: (\S+)", section)
    return str(names[1])  # the first entry names the file itself


def ffmpeg_stub(library: Path, users: list[Path], out_dir: Path) -> Path:
    """A stand-in for FFmpeg ``library`` defining every function ``users`` take from it."""
    version = soname_version(library)
    names = sorted({name for user in users for name in imported_symbols(user).get(version, [])})
    if not names:
        raise ValueError(f"nothing takes symbols of {version} from {library.name}")
    source = _FFMPEG_HEAD + "".join(f'void {n}(void) {{ no_ffmpeg("{n}"); }}\n' for n in names)
    script = f"{version} {{\n  global: {'; '.join(names)};\n  local: *;\n}};\n"
    return _gcc(source, out_dir / library.name, library.name, script)


def icudata_stub(library: Path, out_dir: Path) -> Path:
    """An empty stand-in for ICU's ``libicudata.so.NN``."""
    match = ICU_DATA_LIB.search(library.name)
    if match is None:
        raise ValueError(f"not ICU's data library: {library.name}")
    symbol = f"icudt{match.group(1)}_dat"
    return _gcc(_ICU_DATA_C % {"symbol": symbol}, out_dir / library.name, library.name)
