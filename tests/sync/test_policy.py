"""Backoff: exponential, jittered, capped, never sooner than Retry-After; portal pauses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kiosk.sync.policy import (
    AUTH_PAUSE_MAX_SECONDS,
    CONNECTION_PAUSE_MAX_SECONDS,
    FAILURE_PAUSE_BASE_SECONDS,
    MAX_DELAY_SECONDS,
    auth_pause,
    backoff_delay,
    connection_pause,
    failure_pause,
    next_attempt_at,
)

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


def test_no_failure_means_no_wait() -> None:
    assert backoff_delay(0, 0.5) == 0.0


@pytest.mark.parametrize(("attempts", "low", "high"), [(1, 2.5, 5), (2, 5, 10), (3, 10, 20),
                                                       (4, 20, 40)])
def test_the_wait_doubles_and_stays_within_its_jitter_band(
    attempts: int, low: float, high: float
) -> None:
    assert backoff_delay(attempts, 0.0) == low
    assert backoff_delay(attempts, 1.0) == high
    assert low < backoff_delay(attempts, 0.5) < high


def test_the_wait_is_capped_even_after_thousands_of_failures() -> None:
    assert backoff_delay(10_000, 1.0) == MAX_DELAY_SECONDS
    assert backoff_delay(10_000, 0.0) == MAX_DELAY_SECONDS / 2


def test_out_of_range_jitter_is_clamped() -> None:
    assert backoff_delay(3, -4.0) == backoff_delay(3, 0.0)
    assert backoff_delay(3, 9.0) == backoff_delay(3, 1.0)


def test_retry_after_is_honoured_when_longer_than_the_backoff() -> None:
    assert next_attempt_at(NOW, 1, 0.0, retry_after=120) == NOW + timedelta(seconds=120)


def test_a_short_retry_after_does_not_shorten_the_backoff() -> None:
    assert next_attempt_at(NOW, 4, 0.0, retry_after=1) == NOW + timedelta(seconds=20)


def test_an_absurd_retry_after_is_capped_at_an_hour() -> None:
    assert next_attempt_at(NOW, 1, 0.0, retry_after=10**9) == NOW + timedelta(hours=1)


def test_a_run_of_server_failures_pauses_only_from_the_third_and_then_doubles() -> None:
    assert failure_pause(1, 1.0) == failure_pause(2, 1.0) == 0.0
    assert failure_pause(3, 1.0) == FAILURE_PAUSE_BASE_SECONDS
    assert failure_pause(4, 1.0) == 2 * FAILURE_PAUSE_BASE_SECONDS
    assert failure_pause(10_000, 1.0) == MAX_DELAY_SECONDS


def test_connection_and_login_pauses_start_short_and_stay_capped() -> None:
    assert 0 < connection_pause(1, 0.0) <= connection_pause(1, 1.0) <= 5
    assert 10 <= auth_pause(1, 0.0) <= auth_pause(1, 1.0) <= 30
    assert connection_pause(10_000, 1.0) == CONNECTION_PAUSE_MAX_SECONDS
    assert auth_pause(10_000, 1.0) == AUTH_PAUSE_MAX_SECONDS == 300
