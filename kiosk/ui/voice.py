"""«Nghe hướng dẫn»: a screen's instructions read aloud in Vietnamese, offline.

Screens hold a ``ListenButton`` with their spoken text (each screen module's
``SPOKEN`` dict, right after its ``TEXTS``); the navigator hands the buttons
the kiosk's ``Voice`` when their screen is shown and stops the speech on every
screen change and on the wipe.  Without a Vietnamese voice the button is hidden.

``QtVoice`` is Qt TextToSpeech over speech-dispatcher and espeak-ng's
Vietnamese voice.  Connecting to speech-dispatcher starts the server for this
user when none runs, which takes seconds: the engine lives on a thread of its
own, so neither that nor speaking ever waits on the GUI thread.  On a machine
with no sound device the server cannot play and may hang; only the voice thread
waits on it, and at exit it is ended after ``CLOSE_WAIT_MS``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

# Qt's namespace and the painting classes at use (speaker_icon): Home is painted first.
from PySide6 import QtCore, QtGui
from PySide6.QtCore import (
    QCoreApplication,
    QLocale,
    QObject,
    QPointF,
    QRectF,
    QSize,
    QThread,
    Signal,
    Slot,
)

from kiosk.ui.theme import PRIMARY
from kiosk.ui.widgets.basics import TouchButton

if TYPE_CHECKING:  # loaded by the voice thread: Home's «Nghe hướng dẫn» needs no engine
    from PySide6.QtGui import QIcon
    from PySide6.QtTextToSpeech import QTextToSpeech

log = logging.getLogger(__name__)

TEXTS = {
    "listen": "Nghe hướng dẫn",
}
ENGINES = ("speechd", "flite")  # in order of preference; "mock" is Qt's silent stand-in
ICON_PIXELS = 36
CLOSE_WAIT_MS = 5000  # an engine still connecting at exit gets this long to let go


class Voice(Protocol):
    """What the screens need of a speech engine; ``QtVoice`` is the real one."""

    def available(self) -> bool:
        """A Vietnamese voice is ready to speak."""
        ...

    def speak(self, text: str) -> None:
        """Read ``text`` aloud, instead of whatever was being read; returns at once."""
        ...

    def stop(self) -> None:
        ...

    def on_change(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` (on the GUI thread) when ``available()`` changes."""
        ...


class NoVoice:
    """A kiosk without speech: every «Nghe hướng dẫn» button stays hidden."""

    def available(self) -> bool:
        return False

    def speak(self, text: str) -> None:
        pass

    def stop(self) -> None:
        pass

    def on_change(self, listener: Callable[[], None]) -> None:
        pass


class ListenButton(TouchButton):
    """«Nghe hướng dẫn»: reads ``spoken()`` aloud through the voice the navigator attached."""

    def __init__(self, spoken: str | Callable[[], str]) -> None:
        super().__init__(TEXTS["listen"])
        self.setObjectName("listen")
        # Never takes the keyboard from a field.  By the property's name, not Qt.FocusPolicy:
        # Home is painted before PySide6 builds the Qt namespace (MainWindow.hide_pointer).
        self.setProperty("focusPolicy", "NoFocus")
        self.setIconSize(QSize(ICON_PIXELS, ICON_PIXELS))
        self._spoken = spoken if callable(spoken) else (lambda: spoken)
        self._voice: Voice = NoVoice()
        self.clicked.connect(self._listen)
        self.setVisible(False)  # until a voice that can speak Vietnamese is attached

    def spoken(self) -> str:
        return self._spoken()

    def attach(self, voice: Voice) -> None:
        """Use ``voice``; shown only while it has a Vietnamese voice."""
        self._voice = voice
        if self.icon().isNull():  # drawn once the button can be seen (hidden until attached)
            self.setIcon(speaker_icon())  # for a resident who does not read well: a loudspeaker
        self.setVisible(voice.available())

    def _listen(self) -> None:
        self._voice.speak(self.spoken())


def speaker_icon() -> QIcon:
    """A loudspeaker sending out two sound waves, drawn in the kiosk's blue."""
    Qt, gui = QtCore.Qt, QtGui  # looked up when drawn, not at import: see ListenButton
    picture = gui.QPixmap(ICON_PIXELS * 2, ICON_PIXELS * 2)  # drawn large, shown smooth
    picture.fill(Qt.GlobalColor.transparent)
    painter = gui.QPainter(picture)
    painter.setRenderHint(gui.QPainter.RenderHint.Antialiasing)
    painter.scale(picture.width() / 24, picture.height() / 24)
    blue = gui.QColor(PRIMARY)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(blue)
    painter.drawPolygon(gui.QPolygonF([QPointF(x, y) for x, y in _CONE]))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(gui.QPen(blue, 2.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    for radius in (4.5, 8.0):
        painter.drawArc(QRectF(12 - radius, 12 - radius, 2 * radius, 2 * radius),
                        -50 * 16, 100 * 16)
    painter.end()
    return gui.QIcon(picture)


_CONE = ((3, 9), (7, 9), (12, 4.5), (12, 19.5), (7, 15), (3, 15))


class _Engine(QObject):
    """Lives on the voice thread: every QTextToSpeech call is made there."""

    ready = Signal(bool)
    speaking = Signal()  # the engine has started reading aloud

    def __init__(self, engines: Sequence[str]) -> None:
        super().__init__()
        self._engines = tuple(engines)
        self._tts: QTextToSpeech | None = None

    @Slot()
    def start(self) -> None:
        from PySide6.QtTextToSpeech import QTextToSpeech

        offered = QTextToSpeech.availableEngines()
        for name in (e for e in self._engines if e in offered):
            tts = QTextToSpeech(name, self)  # speechd: connects, spawning the server if need be
            if _choose_vietnamese(tts):
                tts.stateChanged.connect(self._state_changed)
                self._tts = tts
                break
            tts.deleteLater()
        self.ready.emit(self._tts is not None)

    @Slot(str)
    def say(self, text: str) -> None:
        if self._tts is not None:
            self._tts.stop()
            self._tts.say(text)

    @Slot()
    def stop(self) -> None:
        if self._tts is not None:
            self._tts.stop()

    @Slot()
    def close(self) -> None:
        if self._tts is not None:
            self._tts.stop()
            self._tts.deleteLater()
            self._tts = None
        thread = self.thread()
        app = QCoreApplication.instance()
        if app is not None:  # handed back, so the GUI thread may delete it once this one ends
            self.moveToThread(app.thread())
        thread.quit()

    def _state_changed(self, state: QTextToSpeech.State) -> None:
        from PySide6.QtTextToSpeech import QTextToSpeech

        if state is QTextToSpeech.State.Speaking:
            self.speaking.emit()


def _choose_vietnamese(tts: QTextToSpeech) -> bool:
    """Switch ``tts`` to Vietnamese; False when the engine has no Vietnamese voice."""
    from PySide6.QtTextToSpeech import QTextToSpeech

    if tts.state() is QTextToSpeech.State.Error:
        return False
    vietnamese = [loc for loc in tts.availableLocales()
                  if loc.language() is QLocale.Language.Vietnamese]
    if not vietnamese:
        return False
    tts.setLocale(vietnamese[0])
    return bool(tts.availableVoices())


class QtVoice(QObject):
    """The kiosk's voice: Qt TextToSpeech on a thread of its own."""

    speaking = Signal()  # the engine started reading (tests and diagnostics)
    _say = Signal(str)
    _stop = Signal()
    _close = Signal()

    def __init__(self, engines: Sequence[str] = ENGINES, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._available = False
        self._listeners: list[Callable[[], None]] = []
        self._thread = QThread()
        self._thread.setObjectName("voice")
        self._engine = _Engine(engines)
        self._engine.moveToThread(self._thread)
        self._thread.started.connect(self._engine.start)
        self._say.connect(self._engine.say)
        self._stop.connect(self._engine.stop)
        self._close.connect(self._engine.close)
        self._engine.ready.connect(self._ready)
        self._engine.speaking.connect(self.speaking.emit)
        self._thread.start()

    def available(self) -> bool:
        return self._available

    def speak(self, text: str) -> None:
        if self._available and text:
            self._say.emit(text)

    def stop(self) -> None:
        if self._available:
            self._stop.emit()

    def on_change(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def close(self) -> bool:
        """Let the engine go at exit; False if it hung (a speech server stuck without a
        sound device): its thread is then ended so the process can exit."""
        self._available = False
        self._close.emit()
        if self._thread.wait(CLOSE_WAIT_MS):
            return True
        log.warning("speech engine did not let go within %d ms; thread ended", CLOSE_WAIT_MS)
        self._thread.terminate()
        self._thread.wait(CLOSE_WAIT_MS)
        return False

    def _ready(self, available: bool) -> None:
        self._available = available
        for listener in self._listeners:
            listener()
