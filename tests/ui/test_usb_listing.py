"""What the USB picker offers from a stick: accepted files only, bounded, whatever is on it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.ui.widgets.usb_picker import (
    MAX_FILES,
    MAX_SEEN,
    SHOWN_CHARS,
    Listing,
    list_files,
    shown_name,
)

CAPITALS = "ẤẦẨẪẬẮẰẲẴẶẾỀỂỄỆỐỒỔỖỘỚỜỞỠỢỨỪỬỮỰỲỶỸỴÝ"


def test_no_folder_an_empty_one_or_a_file_as_the_root_offers_nothing(tmp_path: Path) -> None:
    assert list_files(tmp_path / "missing") == Listing()
    assert list_files(tmp_path) == Listing()
    (tmp_path / "f.pdf").write_bytes(b"%PDF-1.4")
    assert list_files(tmp_path / "f.pdf") == Listing()


def test_only_accepted_kinds_are_offered_and_the_rest_are_counted(tmp_path: Path) -> None:
    for name in ("a.PDF", "b.jpeg", "c.JPG", "d.png", "e.doc", "f.docx", "g.zip", "h.txt",
                 "i.mp3", "j"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / ".hidden.pdf").write_bytes(b"x")
    (tmp_path / "link.pdf").symlink_to(tmp_path / "a.PDF")
    listing = list_files(tmp_path)
    assert [p.name for p, _ in listing.files] == ["a.PDF", "b.jpeg", "c.JPG", "d.png", "e.doc",
                                                   "f.docx", "g.zip"]
    assert listing.others == 3


def test_long_names_with_stacked_tones_are_listed_whole(tmp_path: Path) -> None:
    name = (CAPITALS * 4)[:80] + ".pdf"  # 84 characters, 244 bytes: under NAME_MAX
    folder = tmp_path / ("Thư mục " + CAPITALS)
    folder.mkdir()
    (folder / name).write_bytes(b"%PDF-1.4")
    ((path, size),) = list_files(tmp_path).files
    assert path.name == name and size == 8


def test_a_name_that_is_not_utf8_is_still_listed_and_shown(tmp_path: Path) -> None:
    raw = os.path.join(os.fsencode(tmp_path), b"gi\xe1y t\xf2.pdf")  # Latin-1 bytes
    with open(raw, "wb") as handle:
        handle.write(b"%PDF-1.4")
    ((path, _size),) = list_files(tmp_path).files
    assert path.exists()
    shown = shown_name(path, tmp_path)
    assert shown == "gi?y t?.pdf"  # each undecodable byte a "?", and a button can show it


def test_a_long_path_is_shortened_in_the_middle_keeping_the_files_kind(tmp_path: Path
                                                                        ) -> None:
    path = tmp_path / ("Thư mục " + CAPITALS) / ((CAPITALS * 3) + " giấy khai sinh.pdf")
    shown = shown_name(path, tmp_path)
    assert len(shown) == SHOWN_CHARS and "…" in shown
    assert shown.startswith("Thư mục ") and shown.endswith("giấy khai sinh.pdf")


def test_a_stick_with_thousands_of_files_is_read_in_bounds(tmp_path: Path) -> None:
    for n in range(MAX_SEEN + 500):
        (tmp_path / f"{n:05}.{'pdf' if n % 2 else 'txt'}").write_bytes(b"")
    listing = list_files(tmp_path)
    assert len(listing.files) <= MAX_FILES and listing.others + len(listing.files) <= MAX_SEEN


def test_folders_deeper_than_four_are_not_walked(tmp_path: Path) -> None:
    deep = tmp_path / "1" / "2" / "3" / "4" / "5"
    deep.mkdir(parents=True)
    (deep / "xa.pdf").write_bytes(b"x")
    (tmp_path / "1" / "2" / "gan.pdf").write_bytes(b"x")
    assert [p.name for p, _ in list_files(tmp_path).files] == ["gan.pdf"]


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="/\0"),
                        min_size=1, max_size=60), max_size=8, unique=True))
def test_any_names_at_all_never_break_the_listing(tmp_path_factory: pytest.TempPathFactory,
                                                  names: list[str]) -> None:
    root = tmp_path_factory.mktemp("stick")
    made = 0
    for name in names:
        if name in (".", ".."):
            continue
        try:
            (root / name).write_bytes(b"x")
        except OSError:  # too long in bytes for the file system
            continue
        made += 1
    listing = list_files(root)
    assert len(listing.files) + listing.others <= made
    assert all(p.suffix.lower() in {".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".zip"}
               for p, _ in listing.files)
