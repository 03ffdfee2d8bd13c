"""Files from a USB stick: accepted by content, hostile ones refused with a reason.

The judgement (``usbcheck.inspect_bytes``) is tested in-process, cheaply; what
goes through the cage's child is tested in test_hostile_files.py, and here once
for a ZIP whose entries come back through the child's pipe.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.demo import synthetic
from kiosk.scanner.assemble import assemble_pdf
from kiosk.scanner.errors import CaptureError
from kiosk.scanner.usb import FileKind, Limits, import_bytes, import_file, sniff
from kiosk.scanner.usbcheck import inspect_bytes


def png_bytes() -> bytes:
    page = synthetic.render_page(np.random.default_rng(0), width=200)
    return cv2.imencode(".png", page)[1].tobytes()


def jpeg_bytes() -> bytes:
    page = synthetic.render_page(np.random.default_rng(1), width=200)
    return cv2.imencode(".jpg", page)[1].tobytes()


def pdf_bytes(pages: int = 2) -> bytes:
    rng = np.random.default_rng(2)
    return assemble_pdf([synthetic.render_page(rng, width=150) for _ in range(pages)]).data


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def zip_of(entries: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DEFAULT_LIMITS = Limits()


def refused(name: str, data: bytes, limits: Limits = DEFAULT_LIMITS) -> str:
    with pytest.raises(CaptureError) as caught:
        inspect_bytes(name, data, limits)
    assert caught.value.message  # always a sentence for the resident
    return caught.value.code


def test_each_accepted_kind_is_recognised_by_content() -> None:
    assert sniff(png_bytes()) is FileKind.PNG
    assert sniff(jpeg_bytes()) is FileKind.JPEG
    assert sniff(pdf_bytes()) is FileKind.PDF
    assert sniff(docx_bytes()) is FileKind.DOCX
    assert sniff(zip_of({"a.png": png_bytes()})) is FileKind.ZIP


def test_pdf_gives_its_page_count() -> None:
    [item] = inspect_bytes("giay-to.pdf", pdf_bytes(3), DEFAULT_LIMITS)
    assert item.kind is FileKind.PDF and item.pages == 3


def test_a_renamed_file_is_judged_by_its_content() -> None:
    [item] = inspect_bytes("anh.pdf", png_bytes(), DEFAULT_LIMITS)
    assert item.kind is FileKind.PNG
    assert refused("to-khai.pdf", "Tờ khai đăng ký khai sinh\n".encode()) == "file_type"


def test_empty_and_truncated_files_are_refused() -> None:
    with pytest.raises(CaptureError) as caught:
        import_bytes("rong.pdf", b"")  # refused before any child is started
    assert caught.value.code == "file_empty"
    assert refused("rong.pdf", b"") == "file_empty"
    assert refused("anh.png", png_bytes()[:-200]) == "image_corrupt"
    assert refused("anh.jpg", jpeg_bytes()[:-300]) == "image_corrupt"
    assert refused("to-khai.pdf", pdf_bytes()[:-400]) == "pdf_corrupt"


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    huge = tmp_path / "phim.pdf"
    with huge.open("wb") as handle:  # sparse: 3 GB announced, nothing written
        handle.truncate(3 * 1024**3)
    with pytest.raises(CaptureError) as caught:
        import_file(huge)
    assert caught.value.code == "file_too_big"


def test_symlinks_and_missing_files_are_refused(tmp_path: Path) -> None:
    link = tmp_path / "link.png"
    link.symlink_to("/etc/passwd")
    for path, code in ((link, "file_not_regular"), (tmp_path / "none.png", "file_missing")):
        with pytest.raises(CaptureError) as caught:
            import_file(path)
        assert caught.value.code == code


def test_zip_of_documents_gives_each_document_through_the_cage() -> None:
    entries = {"ho-so/anh.png": png_bytes(), "ho-so/to-khai.pdf": pdf_bytes(2)}
    items = import_bytes("ho-so.zip", zip_of(entries))
    assert [(i.name, i.kind, i.pages, i.data) for i in items] == [
        ("ho-so/anh.png", FileKind.PNG, 1, entries["ho-so/anh.png"]),
        ("ho-so/to-khai.pdf", FileKind.PDF, 2, entries["ho-so/to-khai.pdf"])]


def test_a_single_file_through_the_cage_keeps_its_own_bytes(tmp_path: Path) -> None:
    path = tmp_path / "giay-to.pdf"
    path.write_bytes(pdf_bytes(1))
    [item] = import_file(path)
    assert (item.kind, item.pages, item.data) == (FileKind.PDF, 1, path.read_bytes())


def test_an_image_over_the_pixel_budget_is_too_large_not_corrupt() -> None:
    assert refused("anh.png", png_bytes(), Limits(max_image_pixels=1000)) == "image_too_large"


@pytest.mark.parametrize("entry", ["../../etc/cron.d/x", "/etc/passwd", "a\\..\\b", "C:/x"])
def test_zip_with_path_traversal_is_refused(entry: str) -> None:
    assert refused("ho-so.zip", zip_of({entry: png_bytes()})) == "zip_unsafe_path"


def test_zip_bomb_is_refused_by_ratio() -> None:
    assert refused("bom.zip", zip_of({"a.pdf": b"\0" * 5_000_000})) == "zip_bomb"


def test_zip_bomb_is_refused_by_total_size() -> None:
    limits = Limits(max_unpacked_bytes=1_000_000, max_ratio=10_000)
    entries = {f"{i}.png": png_bytes() + bytes(400_000) for i in range(3)}
    assert refused("lon.zip", zip_of(entries, zipfile.ZIP_STORED), limits) == "zip_bomb"


def test_zip_whose_headers_lie_about_sizes_is_cut_off_by_the_counter() -> None:
    data = bytearray(zip_of({"a.png": png_bytes() + bytes(300_000)}))
    # Rewrite the declared size in the central directory to look tiny and harmless.
    central = data.rfind(b"PK\x01\x02")
    data[central + 24:central + 28] = (1000).to_bytes(4, "little")
    code = refused("gia.zip", bytes(data), Limits(max_ratio=1e9))
    assert code in ("zip_bomb", "zip_corrupt")


def test_nested_zip_is_refused() -> None:
    inner = zip_of({"a.png": png_bytes()})
    assert refused("long.zip", zip_of({"inner.zip": inner})) == "zip_nested"


def test_corrupt_zip_is_refused() -> None:
    assert refused("hong.zip", zip_of({"a.png": png_bytes()})[:100]) == "zip_corrupt"


def test_word_files_are_accepted_without_a_page_count() -> None:
    [docx] = inspect_bytes("don.docx", docx_bytes(), DEFAULT_LIMITS)
    assert docx.kind is FileKind.DOCX and docx.pages is None
    fake_doc = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)
    assert refused("don.doc", fake_doc) == "doc_corrupt"
    real_doc = fake_doc + "WordDocument".encode("utf-16-le")
    assert inspect_bytes("don.doc", real_doc, DEFAULT_LIMITS)[0].kind is FileKind.DOC
