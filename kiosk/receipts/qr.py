"""The slip's QR codes: reportlab's own encoder, its mask chosen fast, drawn as one path.

reportlab's ``QrCodeWidget`` spends nearly all of a slip's render time in two
places: choosing the mask (it lays the code out eight times and scores each
layout in pure Python) and drawing (one ``Rect`` shape per run of dark
modules, each run through the graphics renderer).  Here the data bits,
version, error correction and the eight candidate masks are still reportlab's
own (so the modules are exactly the ones the widget printed), but the eight
layouts are scored at once with NumPy using reportlab's scoring rules, and
the chosen matrix is drawn as one filled path of horizontal runs.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from functools import cache

import numpy as np
import numpy.typing as npt
from reportlab.graphics.barcode import qrencoder
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

Matrix = npt.NDArray[np.bool_]

QUIET_MODULES = 4  # the widget's barBorder: the quiet zone, in modules
_FINDER_LIKE = np.array([1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0], dtype=bool)
_MASKS: dict[int, Callable[..., object]] = qrencoder.QRUtil.maskPattern


def qr_matrix(value: str, level: str = "M") -> Matrix:
    """The modules (True = dark) reportlab's widget would print for ``value``.

    Same data modes, version, error correction and mask as
    ``QrCodeWidget(value, barLevel=level)``; the quiet zone is not included.
    """
    code = qrencoder.QRCode(None, getattr(qrencoder.QRErrorCorrectLevel, level))
    code.addData(value)
    code.version = code.calculate_version()
    layouts = _candidates(_Version.of(code.version), _codewords(code))
    best = int(np.argmin(_lost_points(layouts)))  # the first of equal scores, as reportlab
    # The chosen layout gets its real format (and version) information, as
    # reportlab's final makeImpl(False, best) writes it.
    code.moduleCount = layouts.shape[1]
    code.modules = layouts[best].tolist()
    code.setupTypeInfo(False, best)
    if code.version >= 7:
        code.setupTypeNumber(False)
    return np.array(code.modules, dtype=bool)


class _Version:
    """What every code of one version shares: function patterns, data positions, masks."""

    def __init__(self, version: int) -> None:
        code = qrencoder.QRCode(version, qrencoder.QRErrorCorrectLevel.M)
        code.addData("")
        code.makeImpl(True, 0)  # the test layout: function patterns, format areas light
        positions = code.dataPosIterator()  # (col, row) in placement order
        self.cols = np.array([p[0] for p in positions], dtype=np.intp)
        self.rows = np.array([p[1] for p in positions], dtype=np.intp)
        self.base = np.array(code.modules, dtype=bool)
        self.flips = np.array([_MASKS[k](self.rows, self.cols) for k in range(8)], dtype=bool)

    @staticmethod
    @cache
    def of(version: int) -> _Version:
        return _Version(version)


def _codewords(code: qrencoder.QRCode) -> list[int]:
    """reportlab's ``QRCode.createData``, but each Reed-Solomon generator is built once.

    reportlab multiplies the generator polynomial out again for every block of
    every code, which is most of its encoding time.
    """
    blocks = qrencoder.QRRSBlock.getRSBlocks(code.version, code.errorCorrectLevel)
    capacity = 8 * sum(block.dataCount for block in blocks)
    buffer = qrencoder.QRBitBuffer()
    for segment in code.dataList:
        segment.write(buffer, code.version)
    if buffer.getLengthInBits() > capacity:  # let reportlab raise its own overflow error
        return list(qrencoder.QRCode.createData(code.version, code.errorCorrectLevel,
                                                code.dataList))
    if buffer.getLengthInBits() + 4 <= capacity:
        buffer.put(0, 4)  # terminator
    while buffer.getLengthInBits() % 8:
        buffer.putBit(False)
    pads = itertools.cycle((qrencoder.QRCode.PAD0, qrencoder.QRCode.PAD1))
    data = list(buffer.buffer) + [next(pads) for _ in range(capacity // 8 - len(buffer.buffer))]
    data_blocks, ec_blocks, offset = [], [], 0
    for block in blocks:
        data_blocks.append(data[offset:offset + block.dataCount])
        offset += block.dataCount
        ec_blocks.append(_remainder(data_blocks[-1], block.totalCount - block.dataCount))
    return [byte for group in (data_blocks, ec_blocks)
            for column in itertools.zip_longest(*group) for byte in column if byte is not None]


def _remainder(block: list[int], ec_count: int) -> list[int]:
    """The error correction bytes of ``block``: its remainder by the generator, in GF(256)."""
    table = _generator_products(ec_count)
    remainder = [0] * ec_count
    for byte in block:
        factor = byte ^ remainder[0]
        remainder = [*remainder[1:], 0]
        if factor:
            remainder = [a ^ b for a, b in zip(remainder, table[factor], strict=True)]
    return remainder


@cache
def _generator_products(ec_count: int) -> list[list[int]]:
    """For each byte f, f × reportlab's generator polynomial (leading term dropped)."""
    generator = qrencoder.QRUtil.getErrorCorrectPolynomial(ec_count).num[1:]
    exp, log = qrencoder.QRMath.gexp, qrencoder.QRMath.glog
    return [[0] * ec_count] + [[exp(log(f) + log(g)) if g else 0 for g in generator]
                               for f in range(1, 256)]


def _candidates(shared: _Version, data: list[int]) -> Matrix:
    """The eight test layouts, one per mask, as reportlab's ``makeImpl(True, k)`` makes them."""
    count = len(shared.rows)
    bits = np.zeros(count, dtype=bool)  # positions past the data stay light
    unpacked = np.unpackbits(np.array(data, dtype=np.uint8)).astype(bool)[:count]
    bits[: len(unpacked)] = unpacked
    layouts = np.repeat(shared.base[np.newaxis], 8, axis=0)
    layouts[:, shared.rows, shared.cols] = bits ^ shared.flips
    return layouts


def _lost_points(layouts: Matrix) -> npt.NDArray[np.int64]:
    """reportlab's ``QRUtil.getLostPoint`` for each layout (its rules, not the standard's)."""
    # Rule 3 counts rows only: reportlab also scans the columns, but as tuples
    # compared with a list, which never match.
    return (_run_points(layouts) + _run_points(layouts.transpose(0, 2, 1))
            + _block_points(layouts) + _finder_points(layouts) + _balance_points(layouts))


def _run_points(layouts: Matrix) -> npt.NDArray[np.int64]:
    """Rule 1: a run of five or more same-coloured modules in a row costs its length − 2."""
    count, n, _ = layouts.shape
    # A separator value between lines keeps runs from joining across them.
    padded = np.full((count, n, n + 1), 2, dtype=np.int8)
    padded[:, :, :n] = layouts
    flat = padded.ravel()
    starts = np.concatenate(([0], np.flatnonzero(flat[1:] != flat[:-1]) + 1))
    lengths = np.diff(np.append(starts, flat.size))
    points = np.where(lengths >= 5, lengths - 2, 0)
    return np.bincount(starts // (n * (n + 1)), weights=points, minlength=count).astype(np.int64)


def _block_points(layouts: Matrix) -> npt.NDArray[np.int64]:
    """Rule 2: every 2×2 block of one colour costs 3."""
    top_left = layouts[:, :-1, :-1]
    same = ((top_left == layouts[:, 1:, :-1]) & (top_left == layouts[:, :-1, 1:])
            & (top_left == layouts[:, 1:, 1:]))
    return np.asarray(3 * same.sum(axis=(1, 2), dtype=np.int64))


def _finder_points(layouts: Matrix) -> npt.NDArray[np.int64]:
    """Rule 3, as reportlab scans a row: dark-light-dark×3-light-dark then four light, 40 each.

    reportlab stops one position short of the line's end and skips past a
    match; the pattern cannot overlap itself, so counting every match is the same.
    """
    starts = layouts.shape[-1] - len(_FINDER_LIKE)  # window starts reportlab checks
    hits = np.ones((*layouts.shape[:2], starts), dtype=bool)
    for offset, dark in enumerate(_FINDER_LIKE):
        window = layouts[:, :, offset:offset + starts]
        hits &= window if dark else ~window
    return np.asarray(40 * hits.sum(axis=(1, 2), dtype=np.int64))


def _balance_points(layouts: Matrix) -> npt.NDArray[np.int64]:
    """Rule 4: 10 for every 5 % the dark share strays from half."""
    cells = layouts.shape[1] * layouts.shape[2]
    dark = layouts.sum(axis=(1, 2), dtype=np.int64)
    return np.asarray(10 * (np.abs(100 * dark // cells - 50) // 5))


class QrFlowable(Flowable):  # type: ignore[misc]  # reportlab is untyped
    """A QR code ``size`` points square, quiet zone included, drawn as one black path."""

    def __init__(self, value: str, size: float, level: str = "M") -> None:
        super().__init__()
        self.matrix = qr_matrix(value, level)
        self.width = self.height = size

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        draw_matrix(self.canv, self.matrix, self.width)


def draw_matrix(canvas: Canvas, matrix: Matrix, size: float) -> None:
    """Fill the dark modules of ``matrix`` at (0, 0), ``size`` points square with its quiet zone.

    The geometry is the widget's: module ``size / (n + 8)``, row 0 at the top,
    each horizontal run of dark modules one rectangle.
    """
    n = matrix.shape[0]
    box = size / (n + 2 * QUIET_MODULES)
    path = canvas.beginPath()
    padded = np.zeros((n, n + 2), dtype=np.int8)
    padded[:, 1:-1] = matrix
    edges = np.diff(padded, axis=1)  # +1 where a run starts, −1 just past its end
    for row, (starts, ends) in enumerate(zip(_where(edges, 1), _where(edges, -1), strict=True)):
        y = size - (row + QUIET_MODULES + 1) * box
        for start, end in zip(starts, ends, strict=True):
            path.rect((start + QUIET_MODULES) * box, y, (end - start) * box, box)
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


def _where(edges: npt.NDArray[np.int8], value: int) -> list[list[int]]:
    return [np.flatnonzero(line == value).tolist() for line in edges]
