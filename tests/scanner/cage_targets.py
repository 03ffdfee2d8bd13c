"""Tiny checking functions for the cage's tests, each run in a child by ``run_caged``."""

from __future__ import annotations

import os
import time

from kiosk.scanner.cage import check_error

TABLE = {"said_no": "Tệp {name} bị từ chối ({why})."}


def echo(data: bytes, params: dict[str, object]) -> bytes:
    return str(params["prefix"]).encode() + data[::-1]


def hog(data: bytes, params: dict[str, object]) -> bytes:
    held = [bytearray(64 * 1024 * 1024) for _ in range(64)]  # 4 GB, far over the limit
    return bytes(len(held))


def spin(data: bytes, params: dict[str, object]) -> bytes:
    while True:
        pass


def sleep(data: bytes, params: dict[str, object]) -> bytes:
    time.sleep(60)
    return b""


def chatter(data: bytes, params: dict[str, object]) -> bytes:
    return b"x" * (8 * 1024 * 1024)


def crash(data: bytes, params: dict[str, object]) -> bytes:
    os.abort()


def refuse(data: bytes, params: dict[str, object]) -> bytes:
    raise check_error(TABLE, "said_no", name="a.pdf", why=params["why"])


def write_file(data: bytes, params: dict[str, object]) -> bytes:
    with open(str(params["path"]), "wb") as handle:
        handle.write(b"escaped")
    return b"wrote"
