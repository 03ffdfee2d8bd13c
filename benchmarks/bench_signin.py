"""How long an official waits after «Đăng nhập», and what a guessing attacker gets.

The PIN pad asks for the PIN alone, so a sign-in checks it against every active
official's Argon2id hash (RFC 9106 low-memory profile: 3 passes over 64 MiB):
the wait grows with the number of officials.  Printed side by side with its
anchor, one bare argon2-cffi verify in the same run; and the attacker's side:
with 5 tries per 5-minute lock, how long the average 6-digit PIN takes to guess.

    python -m benchmarks.bench_signin [--runs N] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from kiosk.domain.officials import LOCK_SECONDS, MAX_FAILURES, PIN_MIN
from kiosk.store.db import Database
from kiosk.store.migrate import upgrade
from kiosk.store.officials import Officials, production_hasher

NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)
PINS = [f"4829{i * 7 % 100:02d}" for i in range(10)]  # distinct, none weak
NAMES = ["Lê Văn An", "Trần Thị Bình", "Phạm Văn Cường", "Ngô Thị Dung", "Vũ Văn Em",
         "Đỗ Thị Giang", "Hoàng Văn Hải", "Bùi Thị Hoa", "Đặng Văn Khoa", "Lý Thị Lan"]


def median_ms(action: object, runs: int) -> float:
    assert callable(action)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    hasher = production_hasher()
    digest = hasher.hash(PINS[0])
    result: dict[str, float] = {"bare_verify_ms": median_ms(
        lambda: hasher.verify(digest, PINS[0]), args.runs)}
    with tempfile.TemporaryDirectory() as folder:
        db = Database(Path(folder) / "k.sqlite3")
        upgrade(db)
        officials = Officials(db, hasher)
        for count in (1, 5, 10):
            while len(officials.all()) < count:
                n = len(officials.all())
                officials.add(f"CB-{n:02d}", NAMES[n], "can_bo", PINS[n], NOW, "bench")
            last = PINS[count - 1]  # the worst case: the last hash checked matches
            result[f"signin_{count}_officials_ms"] = median_ms(
                lambda pin=last: officials.sign_in(pin, NOW), args.runs)  # type: ignore[misc]
        db.dispose()
    guesses_needed = 10 ** PIN_MIN / 2
    result["average_days_to_guess_a_6_digit_pin"] = (
        guesses_needed / MAX_FAILURES * LOCK_SECONDS / 86400)
    if args.json:
        print(json.dumps(result))
        return
    for key, value in result.items():
        print(f"{key:40} {value:12.1f}")


if __name__ == "__main__":
    main()
