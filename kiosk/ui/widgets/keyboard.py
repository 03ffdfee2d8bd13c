"""On-screen Vietnamese keyboard, numeric pad, and Telex for a physical keyboard.

The letters are in alphabetical order by default, not QWERTY: a resident who
has never typed finds a letter by the order everyone learnt at school, while
QWERTY only helps people who already type (they can pass ``Layout.QWERTY``).
Residents type the bare letters and then touch a mark ("â ê ô", "ơ ư", "ă",
"đ") or a tone ("Sắc á" … "Nặng ạ"); marks and tones act on the word before the
cursor through :mod:`kiosk.domain.vntyping`, land on the right vowel, and a
second touch takes them off again.  Keys never take focus, so the field being
edited keeps its cursor.
"""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QTextCursor
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.touchkeys import CAPITALISE_MODES, Shift, TouchKeys
from kiosk.domain.vntyping import Mark, TelexComposer, Tone, ToneStyle, split_word
from kiosk.ui.theme import INK, MUTED, PAPER, PRIMARY, Metrics

TEXTS = {
    "hint": "Gõ chữ không dấu, rồi chạm nút dấu:  Nguyen → «â ê ô» → Nguyên → «Ngã ã» → Nguyễn",
    "backspace": "⌫ Xóa",
    "shift": "⇧ Chữ hoa",
    "caps": "⇪ HOA CẢ",
    "space": "Dấu cách",
    "done": "Xong",
    Mark.CIRCUMFLEX: "â ê ô",
    Mark.BREVE: "ă",
    Mark.HORN: "ơ ư",
    Mark.STROKE: "đ",
    Tone.SAC: "Sắc á",
    Tone.HUYEN: "Huyền à",
    Tone.HOI: "Hỏi ả",
    Tone.NGA: "Ngã ã",
    Tone.NANG: "Nặng ạ",
}

TONES = (Tone.SAC, Tone.HUYEN, Tone.HOI, Tone.NGA, Tone.NANG)

Editable = QLineEdit | QPlainTextEdit


class Layout(Enum):
    ABC = ("abcdefghij", "klmnopqrst", "uvwxyz,.-/")
    QWERTY = ("qwertyuiop", "asdfghjkl'", "zxcvbnm,./")


def _units(text: str) -> int:
    """Length in UTF-16 code units, the unit of Qt's cursor positions."""
    return len(text.encode("utf-16-le")) // 2


def _prefix(text: str, units: int) -> str:
    return text.encode("utf-16-le")[: 2 * units].decode("utf-16-le", "ignore")


def text_before_cursor(editor: Editable) -> str:
    """The text of the current line up to the cursor."""
    if isinstance(editor, QLineEdit):
        return _prefix(editor.text(), editor.cursorPosition())
    cursor = editor.textCursor()
    return _prefix(cursor.block().text(), cursor.positionInBlock())


def replace_before_cursor(editor: Editable, old: str, new: str) -> None:
    """Replace ``old``, which ends at the cursor, with ``new`` (one undo step)."""
    count = _units(old)
    if isinstance(editor, QLineEdit):
        position = editor.cursorPosition()
        if count:
            editor.setSelection(position - count, count)
        editor.insert(new)
        return
    cursor = editor.textCursor()
    cursor.clearSelection()
    cursor.movePosition(QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor, count)
    cursor.insertText(new)
    editor.setTextCursor(cursor)


def _shared_start(one: str, other: str) -> int:
    """How many characters two texts have in common at their start."""
    count = 0
    for a, b in zip(one, other, strict=False):
        if a != b:
            break
        count += 1
    return count


def _backspace(editor: Editable) -> None:
    if isinstance(editor, QLineEdit):
        editor.backspace()
        return
    cursor = editor.textCursor()
    cursor.deletePreviousChar()
    editor.setTextCursor(cursor)


_BORDER = 2


def _key_height(metrics: Metrics) -> int:
    return max(60, round(64 * metrics.scale))


def _stylesheet(m: Metrics) -> str:
    height = _key_height(m) - 2 * _BORDER  # style-sheet heights exclude the border
    return f"""
    QPushButton {{
        min-height: {height}px; max-height: {height}px; min-width: 0px; padding: 0px 4px;
        border-radius: 10px; font-size: {m.body}pt; font-weight: bold;
        background: {PAPER}; color: {INK}; border: {_BORDER}px solid #4A4A4A;
    }}
    QPushButton#letter, QPushButton#digit {{ font-size: {m.pt(26)}pt; }}
    QPushButton#mark {{
        font-size: {m.pt(22)}pt; background: #E3F1E6; color: #0B5D1E; border-color: #0B5D1E;
    }}
    QPushButton#tone {{ background: #FFF4E0; color: #7A3E00; border-color: #7A3E00; }}
    QPushButton#action {{ background: #E8EEF7; color: {PRIMARY}; border-color: {PRIMARY}; }}
    QPushButton#done {{ background: {PRIMARY}; color: {PAPER}; border-color: {PRIMARY}; }}
    QPushButton:pressed, QPushButton:checked {{ background: {INK}; color: {PAPER}; }}
    QLabel#hint {{ font-size: {m.body}pt; color: {MUTED}; }}
    """


def _make_key(label: str, role: str) -> QPushButton:
    key = QPushButton(label)
    key.setObjectName(role)
    key.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    key.setAutoDefault(False)
    key.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return key


class _KeyPanel(QWidget):
    """Common ground of both pads: a grid of named keys, a target, a "Xong" key."""

    done_requested = Signal()

    def __init__(self, metrics: Metrics | None, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.keys: dict[str, QPushButton] = {}
        self._target: Editable | None = None
        self.grid = QGridLayout()
        self.grid.setSpacing(6)
        self.set_metrics(metrics or Metrics(1.0))

    def set_metrics(self, metrics: Metrics) -> None:
        """Restyle for a text-size setting."""
        self.setStyleSheet(_stylesheet(metrics))

    def set_target(self, editor: Editable | None) -> None:
        self._target = editor

    def target(self) -> Editable | None:
        return self._target

    def key(self, name: str) -> QPushButton:
        """A key by name ("a", "7", "backspace", "done", "circumflex", "nga", …)."""
        return self.keys[name]

    def _add(
        self, name: str, key: QPushButton, row: int, col: int, span: int = 1, rows: int = 1
    ) -> None:
        self.keys[name] = key
        self.grid.addWidget(key, row, col, rows, span)

    def _add_common(self, row: int, col: int, span: int) -> None:
        backspace = _make_key(TEXTS["backspace"], "action")
        backspace.setAutoRepeat(True)
        backspace.clicked.connect(self._backspace)
        self._add("backspace", backspace, row, col, span)

    def _add_done(self, row: int, col: int, span: int, rows: int = 1) -> None:
        done = _make_key(TEXTS["done"], "done")
        if rows > 1:  # a tall key: let it grow past one key's height
            done.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            done.setStyleSheet("max-height: 10000px;")
        done.clicked.connect(self.done_requested.emit)
        self._add("done", done, row, col, span, rows)

    def _backspace(self) -> None:
        if self._target is not None:
            _backspace(self._target)


class VietnameseKeyboard(_KeyPanel):
    """Letters, digits, vowel marks and the five tones, editing ``set_target``'s field.

    What each key does is :class:`kiosk.domain.touchkeys.TouchKeys`; this widget only hands
    it the text before the cursor and writes back what changed.  A field whose dynamic
    property "capitalise" is "words" or "sentence" gets its capitals by itself.
    """

    def __init__(
        self,
        metrics: Metrics | None = None,
        layout: Layout = Layout.ABC,
        *,
        style: ToneStyle = ToneStyle.OLD,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(metrics, parent)
        self._typing = TouchKeys(style)
        self.hint = QLabel(TEXTS["hint"])
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        column = QVBoxLayout(self)
        column.setContentsMargins(8, 4, 8, 8)
        column.addWidget(self.hint)
        column.addLayout(self.grid)
        self._build(layout)

    def _build(self, layout: Layout) -> None:
        for col, digit in enumerate("1234567890"):
            self._add_key(digit, digit, "digit", 0, col)
        self._add_common(0, 10, 2)
        for row, letters in enumerate(layout.value, start=1):
            for col, letter in enumerate(letters):
                self._add_key(letter, letter, "letter", row, col)
        marks = ((Mark.CIRCUMFLEX, 1, 10), (Mark.BREVE, 1, 11), (Mark.HORN, 2, 10),
                 (Mark.STROKE, 2, 11))
        for mark, row, col in marks:
            self._add_key(mark.name.lower(), TEXTS[mark], "mark", row, col)
        shift = self._add_key("shift", TEXTS["shift"], "action", 3, 10, 2)
        shift.setCheckable(True)
        for index, tone in enumerate(TONES):
            self._add_key(tone.name.lower(), TEXTS[tone], "tone", 4, 2 * index, 2)
        self._add_key("space", TEXTS["space"], "action", 5, 0, 10)
        self._add_done(4, 10, 2, rows=2)

    def _add_key(self, name: str, label: str, role: str, row: int, col: int,
                 span: int = 1) -> QPushButton:
        key = _make_key(label, role)
        key.clicked.connect(lambda: self.press(name))
        self._add(name, key, row, col, span)
        return key

    def set_target(self, editor: Editable | None) -> None:
        """Edit ``editor``, capitalising as its "capitalise" property asks."""
        old = self._target
        if old is not None:
            old.cursorPositionChanged.disconnect(self._refresh)
        super().set_target(editor)
        mode = editor.property("capitalise") if editor is not None else None
        self._typing.capitalise = mode if mode in CAPITALISE_MODES else None
        if editor is not None:
            editor.cursorPositionChanged.connect(self._refresh)
        self._refresh()

    # --- editing -----------------------------------------------------------

    def _before(self) -> str:
        return text_before_cursor(self._target) if self._target is not None else ""

    def press(self, name: str) -> None:
        """What touching the key ``name`` does (see :class:`TouchKeys` for the names)."""
        if self._target is None:
            return
        if name == "backspace":
            _backspace(self._target)
        else:
            before = self._before()
            after = self._typing.press(before, name)
            same = _shared_start(before, after)
            if after != before:
                replace_before_cursor(self._target, before[same:], after[same:])
        self._refresh()

    def press_mark(self, mark: Mark) -> None:
        """What the mark keys do; "đ" types the letter when the word has no d."""
        self.press(mark.name.lower())

    def press_tone(self, tone: Tone) -> None:
        """What the tone keys do (a second touch moves it or takes it off)."""
        self.press(tone.name.lower())

    # --- capitals ----------------------------------------------------------

    def _refresh(self) -> None:
        """Letter keys show what they will type; shift shows its state."""
        shift = self._typing.shift
        key = self.keys["shift"]
        key.setChecked(shift is not Shift.OFF)
        key.setText(TEXTS["caps"] if shift is Shift.LOCK else TEXTS["shift"])
        capitals = self._typing.capitals(self._before())
        for name, letter in self.keys.items():
            if letter.objectName() == "letter" and name.isalpha():
                letter.setText(name.upper() if capitals else name)

    def _cycle_shift(self) -> None:
        self.press("shift")

    def reset(self) -> None:
        """Back to lower case with no target (called when a session is wiped)."""
        self._typing.shift = Shift.OFF
        self.set_target(None)


class NumericPad(_KeyPanel):
    """0–9, backspace and "Xong" for phone and ID fields; its target refuses letters."""

    def __init__(self, metrics: Metrics | None = None, parent: QWidget | None = None) -> None:
        super().__init__(metrics, parent)
        self._digits_only = _DigitsOnly(self)
        column = QVBoxLayout(self)
        column.setContentsMargins(8, 8, 8, 8)
        column.addLayout(self.grid)
        for index, digit in enumerate("123456789"):
            self._add_digit(digit, index // 3, index % 3)
        self._add_common(3, 0, 1)
        self._add_digit("0", 3, 1)
        self._add_done(3, 2, 1)

    def _add_digit(self, digit: str, row: int, col: int) -> None:
        key = _make_key(digit, "letter")
        key.clicked.connect(lambda: self.type_digits(digit))
        self._add(digit, key, row, col)

    def set_target(self, editor: Editable | None) -> None:
        """Edit ``editor``; while it is the target, typed non-digits are refused."""
        if self._target is not None:
            self._target.removeEventFilter(self._digits_only)
        super().set_target(editor)
        if editor is not None:
            editor.installEventFilter(self._digits_only)

    def type_digits(self, text: str) -> None:
        """Insert the digits of ``text`` at the cursor; anything else is dropped."""
        digits = "".join(c for c in text if c.isascii() and c.isdigit())
        if self._target is not None and digits:
            replace_before_cursor(self._target, "", digits)


class CodePad(_KeyPanel):
    """Digits, capital letters, "." and "-" for a dossier code ("000.00.00.H23-261124-1000")."""

    ROWS = ("1234567890", "ABCDEFGHIJ", "KLMNOPQRST", "UVWXYZ.-")

    def __init__(self, metrics: Metrics | None = None, parent: QWidget | None = None) -> None:
        super().__init__(metrics, parent)
        column = QVBoxLayout(self)
        column.setContentsMargins(8, 8, 8, 8)
        column.addLayout(self.grid)
        for row, chars in enumerate(self.ROWS):
            for col, char in enumerate(chars):
                key = _make_key(char, "digit" if char.isdigit() else "letter")
                key.clicked.connect(lambda _=False, c=char: self.type_text(c))
                self._add(char, key, row, col)
        self._add_common(0, 10, 2)
        self._add_done(2, 10, 2, rows=2)

    def type_text(self, text: str) -> None:
        """Insert ``text`` at the cursor."""
        if self._target is not None and text:
            replace_before_cursor(self._target, "", text)


class _DigitsOnly(QObject):
    """Swallows key presses that would type anything but an ASCII digit."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        text = event.text()
        printable = bool(text) and text.isprintable()
        return printable and not (text.isascii() and text.isdigit())


class TelexFilter(QObject):
    """Install on a QLineEdit/QPlainTextEdit: physical-keyboard Telex ("Nguyeenx" → "Nguyễn")."""

    _PASS_MODIFIERS = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier

    def __init__(self, style: ToneStyle = ToneStyle.OLD, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._composer = TelexComposer(style)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if not isinstance(watched, QLineEdit | QPlainTextEdit) or watched.isReadOnly():
            return False
        if event.modifiers() & ~self._PASS_MODIFIERS or _has_selection(watched):
            return False
        return self._compose(watched, event.text())

    def _compose(self, editor: Editable, key: str) -> bool:
        if len(key) != 1 or not key.isascii() or not key.isalpha():
            return False
        word = split_word(text_before_cursor(editor))[1]
        composed = self._composer.key(word, key)
        if composed is None:
            return False
        replace_before_cursor(editor, word, composed)
        return True


def _has_selection(editor: Editable) -> bool:
    if isinstance(editor, QLineEdit):
        return editor.hasSelectedText()
    return editor.textCursor().hasSelection()
