"""Image sizes from headers: the same as the decoder's, for every format; junk is an error."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.scanner.filetypes import Kind
from kiosk.scanner.imageheader import HeaderError, read_header
from tests.scanner import hostile

FEW = settings(max_examples=25, deadline=None)
FORMATS = [(".png", ()), (".jpg", ()), (".jpg", (cv2.IMWRITE_JPEG_PROGRESSIVE, 1)),
           (".bmp", ()), (".tiff", ()), (".webp", (cv2.IMWRITE_WEBP_QUALITY, 80)),
           (".webp", (cv2.IMWRITE_WEBP_QUALITY, 101)), (".gif", ()), (".ppm", ()), (".pgm", ())]


@FEW
@given(st.sampled_from(FORMATS), st.integers(1, 300), st.integers(1, 300))
def test_the_header_says_the_size_the_decoder_gives(
    fmt: tuple[str, tuple[int, ...]], width: int, height: int
) -> None:
    ext, params = fmt
    image = hostile.small_image(width, height)
    if ext == ".pgm":
        image = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    data = hostile.encode(ext, image, params)
    decoded = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    header = read_header(data)
    assert (header.width, header.height) == (decoded.shape[1], decoded.shape[0])


@pytest.mark.parametrize("name", sorted(hostile.IMAGE_BOMBS))
def test_each_bomb_shows_its_claimed_size(name: str) -> None:
    header = read_header(hostile.IMAGE_BOMBS[name]())
    assert header.pixels > 200_000_000


def test_vp8x_and_motorola_tiff_and_bottom_up_bmp() -> None:
    assert read_header(hostile.webp_claiming(5, 7, "VP8X")).pixels == 35
    assert read_header(hostile.tiff_claiming(3, 4, big_endian=True)).pixels == 12
    header = read_header(hostile.bmp_claiming(6, -9))
    assert (header.kind, header.width, header.height) == (Kind.BMP, 6, 9)


def test_unknown_and_unreadable_headers_are_told_apart() -> None:
    with pytest.raises(HeaderError) as unknown:
        read_header(b"\x00\x00\x00\x0cjP  \r\n\x87\n" + bytes(64))
    assert unknown.value.reason == "unknown"
    for junk in (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xda", b"BM" + bytes(30),
                 b"II*\x00\xff\xff\xff\xff", b"RIFF\x00\x00\x00\x00WEBPVP8Q", b"P5\n-3 4\n",
                 hostile.jpeg_claiming(40, 0)):
        with pytest.raises(HeaderError) as bad:
            read_header(junk)
        assert bad.value.reason == "corrupt"


@FEW
@given(st.binary(max_size=200))
def test_random_bytes_give_a_size_or_a_header_error(data: bytes) -> None:
    try:
        header = read_header(data)
    except HeaderError:
        return
    assert header.width > 0 and header.height > 0


SAMPLES = [hostile.encode(ext, params=params) for ext, params in FORMATS if ext != ".pgm"]


@FEW
@given(st.sampled_from(SAMPLES), st.data())
def test_mutated_real_headers_give_a_size_or_a_header_error(sample: bytes, data: st.DataObject
                                                            ) -> None:
    mutated = bytearray(sample[:data.draw(st.integers(2, len(sample)))])
    for _ in range(data.draw(st.integers(0, 4))):
        mutated[data.draw(st.integers(0, len(mutated) - 1))] = data.draw(st.integers(0, 255))
    try:
        header = read_header(bytes(mutated))
    except HeaderError:
        return
    assert header.width > 0 and header.height > 0
