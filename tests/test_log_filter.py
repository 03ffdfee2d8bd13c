"""The log handlers' last line of defence: ID numbers, phone numbers and e-mail addresses
are masked in what a record finally says, its traceback included; no record is ever
dropped and the filter never raises, whatever a caller hands to ``log.info``."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.logsetup import FORMAT, WITHHELD, PersonalDataFilter, mask_personal

ID, PHONE, EMAIL = "031196007391", "0398271546", "khong.diep96@yahoo.com.vn"
FORMATTER = logging.Formatter(FORMAT)


def record(msg: object, args: Any = (), exc_info: Any = None,
           stack_info: str | None = None) -> logging.LogRecord:
    rec = logging.LogRecord("kiosk.test", logging.WARNING, __file__, 1, msg, args, exc_info)
    rec.stack_info = stack_info
    return rec


def filtered(rec: logging.LogRecord) -> str:
    """What a kiosk handler writes for ``rec``: filtered, then formatted."""
    assert PersonalDataFilter().filter(rec) is True
    return FORMATTER.format(rec)


def raised(exc: BaseException) -> Any:
    try:
        raise exc
    except BaseException:
        return sys.exc_info()


@pytest.mark.parametrize("text", [
    ID, "030 195 012 345", "030.195.012.345", "030-195-012-345", "0301 9501 2345",
    PHONE, "0398 271 546", "0398.271.546", "+84 398 271 546", "+84398271546",
    "84398271546", "(+84) 398271546", "02253123456", "123456789",  # a landline, an old CMND
])
def test_an_id_number_or_a_phone_number_in_a_message_keeps_only_its_last_digits(
        text: str) -> None:
    out = filtered(record("portal said: %s (%s)", (text, f"ĐT:{text}|")))
    assert text not in out
    assert out.count(text[-3:]) == 2


def test_an_email_address_keeps_its_first_letter_and_its_domain() -> None:
    out = filtered(record("reply to %s", (EMAIL,)))
    assert EMAIL not in out and "k***@yahoo.com.vn" in out


@pytest.mark.parametrize("text", [
    "000.00.00.H23-261124-1001", "H23.99-20261124-0012", "dossier 000.00.00.H49-20261124-0012345",
    "20261124093012", "2026-11-24 09:30:12.123456+00:00", "rating #12345", "3f2a1234567890ab",
    "retry in 86400 s", "kiosk 1000-1999",
])
def test_dossier_codes_wire_dates_and_counts_are_left_as_they_are(text: str) -> None:
    assert mask_personal(text) == text


def test_a_value_quoted_in_an_exception_is_masked_in_the_traceback() -> None:
    exc_info = raised(ValueError(f"bad field so_dinh_danh={ID} so_dien_thoai={PHONE}"))
    out = filtered(record("sync pass failed", exc_info=exc_info))
    assert "Traceback" in out and "ValueError" in out
    assert ID not in out and PHONE not in out and "7391" in out


def test_a_chained_exception_and_a_stack_are_masked_too() -> None:
    try:
        try:
            raise KeyError(EMAIL)
        except KeyError as inner:
            raise RuntimeError(f"answer for {ID}") from inner
    except RuntimeError:
        exc_info = sys.exc_info()
    out = filtered(record("x", exc_info=exc_info, stack_info=f"Stack:\n  call({PHONE})"))
    assert "KeyError" in out and "RuntimeError" in out
    assert EMAIL not in out and ID not in out and PHONE not in out


class Hostile:
    """An argument whose ``str`` and ``repr`` raise (a half-built object, a proxy)."""

    def __str__(self) -> str:
        raise RuntimeError(ID)

    __repr__ = __str__


class NotAString:
    def __str__(self) -> Any:
        return 12345


class NoisyError(Exception):
    def __str__(self) -> str:
        raise RuntimeError(PHONE)


def test_an_argument_that_cannot_be_printed_keeps_the_record_and_its_template() -> None:
    out = filtered(record("dossier %s: sealed for %s", ("X-1", Hostile())))
    assert "dossier %s: sealed for %s [arguments not shown: RuntimeError]" in out
    assert ID not in out


def test_a_message_object_that_cannot_be_printed_is_withheld_not_dropped() -> None:
    assert WITHHELD in filtered(record(Hostile()))
    assert WITHHELD in filtered(record(NotAString()))


def test_an_exception_whose_str_raises_still_gives_its_traceback() -> None:
    out = filtered(record("failed", exc_info=raised(NoisyError())))
    assert "NoisyError" in out and PHONE not in out


def test_too_few_arguments_for_the_template_keep_the_record() -> None:
    out = filtered(record("%s and %s and %d", (ID,)))
    assert "[arguments not shown: TypeError]" in out and ID not in out


def test_filtering_twice_changes_nothing_more() -> None:
    rec = record("%s / %s / %s", (ID, PHONE, EMAIL))
    once = filtered(rec)
    assert filtered(rec) == once


def test_a_huge_message_is_masked_whole() -> None:
    body = ("x" * 64 + "@" + " ") * 20_000 + f" {ID} " + "9" * 500_000 + f" {EMAIL}"
    out = filtered(record("%s", (body,)))
    assert ID not in out and EMAIL not in out and len(out) > len(body) // 2


ATOMS = st.one_of(
    st.text(max_size=50), st.integers(), st.floats(allow_nan=True), st.none(),
    st.binary(max_size=20), st.builds(Hostile), st.builds(NotAString),
    st.just(ID), st.just(PHONE), st.just(EMAIL), st.just("%s %d %r %(k)s %"),
)
MESSAGES = st.one_of(
    st.text(max_size=200), st.sampled_from(["%s", "%s %s", "%d", "%(k)s", "%", "%s %(k)s"]),
    ATOMS, st.lists(ATOMS, max_size=3), st.dictionaries(st.text(max_size=3), ATOMS, max_size=3),
)
ARGS = st.one_of(st.tuples(), st.lists(ATOMS, max_size=4).map(tuple),
                 st.dictionaries(st.sampled_from(["k", "j"]), ATOMS, max_size=2).map(
                     lambda d: (d,)))
EXCEPTIONS = st.one_of(
    st.none(),
    st.builds(lambda text: raised(ValueError(text)), st.text(max_size=100)),
    st.just(None).map(lambda _: raised(NoisyError())),
    st.just(None).map(lambda _: raised(ValueError(Hostile()))),
    st.just(True),  # ``exc_info=True`` outside an except block
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(msg=MESSAGES, args=ARGS, exc_info=EXCEPTIONS, stack=st.none() | st.text(max_size=80))
def test_any_record_whatever_it_carries_is_kept_and_never_shows_a_number_in_full(
        msg: object, args: Any, exc_info: Any, stack: str | None) -> None:
    if exc_info is True:
        exc_info = sys.exc_info()
    rec = record(msg, args, exc_info, stack)
    out = filtered(rec)  # neither the filter nor the formatter raises
    assert isinstance(rec.msg, str) and rec.args is None
    assert ID not in out and PHONE not in out and EMAIL not in out


SEPARATORS = st.sampled_from([" ", "|", ": ", "=", "\n", "(", ")", ", ", "«", "»", "\t"])
WORDS = st.sampled_from(["", "Số CCCD", "SĐT", "cổng trả lời", "Nguyễn Thị Ánh", "lỗi"])


@settings(max_examples=200, deadline=None)
@given(before=WORDS, left=SEPARATORS, right=SEPARATORS, after=WORDS,
       value=st.one_of(
           st.from_regex(r"0[0-9]{2}[0-3][0-9]{8}", fullmatch=True),
           st.from_regex(r"0(3[2-9]|5[25689]|7[06-9]|8[1-9]|9[0-46-9])[0-9]{7}", fullmatch=True),
           st.from_regex(r"[a-z][a-z0-9._]{0,20}@[a-z]{1,10}\.(vn|com|com\.vn)",
                         fullmatch=True)))
def test_a_number_or_address_anywhere_in_free_text_is_masked(
        before: str, left: str, right: str, after: str, value: str) -> None:
    out = mask_personal(f"{before}{left}{value}{right}{after}")
    assert value not in out


def test_the_kiosk_handlers_mask_what_reaches_the_file_and_stderr(tmp_path: Path) -> None:
    script = (
        "import logging, sys\n"
        "from pathlib import Path\n"
        "from kiosk.logsetup import configure_logging\n"
        "configure_logging(Path(sys.argv[1]), 'sync')\n"
        "log = logging.getLogger('kiosk.sync.worker')\n"
        f"log.warning('portal echoed %s / %s', {ID!r}, {EMAIL!r})\n"
        "try:\n"
        f"    raise ValueError('phone {PHONE} refused')\n"
        "except ValueError:\n"
        "    log.exception('sync pass failed')\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True,
                          check=True, cwd=Path(__file__).resolve().parents[1])
    logged = (tmp_path / "logs" / "sync.log").read_bytes()
    for out in (done.stderr, logged):
        assert b"portal echoed ********7391 / k***@yahoo.com.vn" in out
        assert b"ValueError: phone *******546 refused" in out
        assert [v for v in (ID, PHONE, EMAIL) if v.encode() in out] == []
