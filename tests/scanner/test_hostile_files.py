"""A corpus of hostile files, built here, through import, decode and detect: each a typed error.

Bounded time is the cage's deadline (and pytest-timeout as the guard); bounded
memory is the child's address-space limit, shown by a real bomb, let past the
pixel budget on purpose, being refused by it.
"""

from __future__ import annotations

import io
import json
import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.scanner.commands import decode_command, detect_command
from kiosk.scanner.errors import CaptureError
from kiosk.scanner.stills import load_still
from kiosk.scanner.usb import FileKind, import_file
from tests.scanner import hostile

REDOS = hostile.redos_pdf()
A_PDF = hostile.pdf_claiming(1)

# file name → how it is built, and the code import_file must end in
IMPORTS: dict[str, tuple[Callable[[], bytes], str]] = {
    "redos.pdf": (lambda: REDOS, "pdf_corrupt"),
    "tiny-5000.pdf": (lambda: hostile.pdf_tiny(5000), "pdf_corrupt"),
    "many-pages.pdf": (lambda: hostile.pdf_claiming(1, real_pages=201), "pdf_too_many_pages"),
    "cycle.pdf": (hostile.pdf_cycle, "pdf_corrupt"),
    "evil.zip": (lambda: hostile.zip_stored({"../../evil.pdf": A_PDF}), "zip_unsafe_path"),
    "setup.pdf": (lambda: hostile.exe_pdf_polyglot(A_PDF), "file_type"),
    "bom.png": (hostile.png_bomb, "image_too_large"),
    "bom.jpg": (lambda: hostile.jpeg_claiming(hostile.BOMB, hostile.BOMB, progressive=True),
                "image_too_large"),
    "bom.tif": (lambda: hostile.tiff_claiming(hostile.BOMB, hostile.BOMB), "file_type"),
}


def special_paths(folder: Path) -> dict[Path, str]:
    """Paths that are not regular files: a FIFO, a device, a symlink, a folder."""
    fifo = folder / "anh.png"
    os.mkfifo(fifo)
    link = folder / "link.pdf"
    link.symlink_to(folder / "redos.pdf")
    return {fifo: "file_not_regular", Path("/dev/zero"): "file_not_regular",
            link: "file_not_regular", folder: "file_not_regular",
            folder / "missing.png": "file_missing"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    for name, (build, _code) in IMPORTS.items():
        (folder / name).write_bytes(build())
    for name, build in hostile.IMAGE_BOMBS.items():
        (folder / f"bomb-{name}.img").write_bytes(build())
    (folder / "anh.jp2").write_bytes(b"\x00\x00\x00\x0cjP  \r\n\x87\n" + bytes(200))
    (folder / "cut.png").write_bytes(hostile.encode(".png")[:-30])
    (folder / "junk-body.gif").write_bytes(b"GIF89a\x10\x00\x10\x00" + bytes(50))
    return folder


def code_of(path: Path, **kwargs: object) -> str:
    with pytest.raises(CaptureError) as caught:
        import_file(path, **kwargs)  # type: ignore[arg-type]
    assert caught.value.message
    return caught.value.code


@pytest.mark.parametrize("name", sorted(IMPORTS))
def test_each_hostile_import_ends_in_its_typed_error(corpus: Path, name: str) -> None:
    assert code_of(corpus / name) == IMPORTS[name][1]


def test_special_paths_are_refused_without_being_opened(corpus: Path, tmp_path: Path) -> None:
    for path, code in special_paths(tmp_path).items():
        assert code_of(path) == code


def test_a_pdf_claiming_huge_counts_is_sealed_with_its_real_pages(tmp_path: Path) -> None:
    for count in (5000, 2**63):
        path = tmp_path / f"count-{count}.pdf"
        path.write_bytes(hostile.pdf_claiming(count))
        [item] = import_file(path)
        assert (item.kind, item.pages) == (FileKind.PDF, 1)


def test_an_import_is_cancelled_when_asked(corpus: Path) -> None:
    cancel = threading.Event()
    cancel.set()
    assert code_of(corpus / "redos.pdf", cancel=cancel) == "file_check_cancelled"


def expected_still_codes(corpus: Path, specials: dict[Path, str]) -> dict[str, str]:
    codes = {str(corpus / f"bomb-{name}.img"): "image_too_large" for name in hostile.IMAGE_BOMBS}
    codes[str(corpus / "bom.png")] = "image_too_large"
    codes[str(corpus / "bom.tif")] = "image_too_large"
    codes[str(corpus / "anh.jp2")] = "image_type"
    codes[str(corpus / "redos.pdf")] = "image_type"
    codes[str(corpus / "cut.png")] = "image_corrupt"
    codes[str(corpus / "junk-body.gif")] = "image_corrupt"  # refused by the caged decode
    codes.update({str(path): code for path, code in specials.items()})
    return codes


@pytest.mark.parametrize("command", ["decode", "detect"])
def test_decode_and_detect_refuse_every_hostile_image(
    corpus: Path, tmp_path: Path, command: str
) -> None:
    expected = expected_still_codes(corpus, special_paths(tmp_path))
    out = io.StringIO()
    paths = [Path(p) for p in expected]
    if command == "decode":
        status = decode_command(paths, True, "zxing", out)
    else:
        status = detect_command(paths, True, None, out)
    assert status == 1
    got = {item["file"]: item["error"] for item in json.loads(out.getvalue())}
    assert got == expected


def test_a_real_bomb_let_past_the_pixel_budget_is_stopped_by_the_childs_memory_limit(
    corpus: Path,
) -> None:
    with pytest.raises(CaptureError) as caught:
        load_still(corpus / "bom.png", max_pixels=10**9)
    assert caught.value.code == "file_check_memory"
    assert "bộ nhớ" in caught.value.message


def test_a_folder_camera_skips_hostile_images_and_serves_the_rest(tmp_path: Path) -> None:
    from kiosk.scanner.frames import ImageFolderSource

    (tmp_path / "1.png").write_bytes(hostile.encode(".png"))
    (tmp_path / "2.png").write_bytes(hostile.png_claiming(hostile.BOMB, hostile.BOMB))
    (tmp_path / "3.tif").write_bytes(hostile.tiff_claiming(hostile.BOMB, hostile.BOMB))
    (tmp_path / "4.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(40))
    os.mkfifo(tmp_path / "5.png")
    (tmp_path / "6.bmp").symlink_to("/dev/zero")
    frames = list(ImageFolderSource(tmp_path).frames())
    assert [f.shape for f in frames] == [(30, 40, 3)]
