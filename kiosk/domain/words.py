"""Numbers and dates written in Vietnamese words, as civil-status forms write them.

"Ngày, tháng, năm sinh … ghi bằng chữ" on the tờ khai and the birth
certificate: 20/11/2026 is "hai mươi tháng mười một năm hai nghìn không trăm
hai mươi sáu".  The rules of the written (Northern, official) style:

- tens: "mười" for 10–19, "<n> mươi" from 20 up;
- units after a ten: 1 is "mốt" after "mươi" (21 "hai mươi mốt") but "một"
  after "mười" (11 "mười một"); 5 is "lăm" after any ten (15 "mười lăm",
  25 "hai mươi lăm") and "năm" on its own or after "linh";
- a unit after a hundred with no ten is joined by "linh" (105 "một trăm linh
  năm"; the Southern "lẻ" is not the official style);
- inside a thousand, an empty hundred is said "không trăm" (2026 "hai nghìn
  không trăm hai mươi sáu"), but a round thousand is just "hai nghìn".

Pure standard library (the domain's rule); the kept package ``vietnam-number``
is not used for that reason, and these few rules are tested on every day of a
year and every year of a lifetime instead.
"""

from __future__ import annotations

from datetime import date

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
# The months' own names: "tháng tư" (April) is the name, never "tháng bốn".
MONTHS = ("một", "hai", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười",
          "mười một", "mười hai")


def _below_hundred(n: int) -> str:
    tens, unit = divmod(n, 10)
    if tens == 0:
        return DIGITS[unit]
    head = "mười" if tens == 1 else f"{DIGITS[tens]} mươi"
    if unit == 0:
        return head
    if unit == 5:
        return f"{head} lăm"
    if unit == 1 and tens > 1:
        return f"{head} mốt"
    return f"{head} {DIGITS[unit]}"


def _below_thousand(n: int, *, inside: bool) -> str:
    """0 < n < 1000; ``inside`` a larger number an empty hundred is "không trăm"."""
    hundreds, rest = divmod(n, 100)
    if hundreds == 0 and not inside:
        return _below_hundred(rest)
    head = f"{DIGITS[hundreds]} trăm"
    if rest == 0:
        return head
    if rest < 10:
        return f"{head} linh {DIGITS[rest]}"
    return f"{head} {_below_hundred(rest)}"


def number_in_words(n: int) -> str:
    """0 ≤ n < 1,000,000 in words: 2026 → "hai nghìn không trăm hai mươi sáu"."""
    if not 0 <= n < 1_000_000:
        raise ValueError(f"number out of range: {n}")
    if n == 0:
        return DIGITS[0]
    thousands, rest = divmod(n, 1000)
    if thousands == 0:
        return _below_thousand(rest, inside=False)
    head = f"{_below_thousand(thousands, inside=False)} nghìn"
    if rest == 0:
        return head
    return f"{head} {_below_thousand(rest, inside=True)}"


def date_in_words(day: date) -> str:
    """20/11/2026 → "hai mươi tháng mười một năm hai nghìn không trăm hai mươi sáu".

    The word "ngày" is the form's own label and is not repeated here.
    """
    return (f"{number_in_words(day.day)} tháng {MONTHS[day.month - 1]} "
            f"năm {number_in_words(day.year)}")
