"""Fonts, sizes and colours: readable for elderly residents (DESIGN.md "Always").

Noto Sans is bundled because it renders stacked Vietnamese marks on capitals
("Ấ", "Ỗ") that other common fonts clip.  Body text is at least 20 pt, touch
targets at least 60 px, and the larger-text setting scales everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from PySide6 import QtWidgets  # the scroller's classes at use: Home, painted first, has none
from PySide6.QtGui import QFont, QFontDatabase

from kiosk.paths import resource

if TYPE_CHECKING:
    from PySide6.QtWidgets import QAbstractScrollArea, QApplication

FONT_FILES = ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf")
FAMILY = "Noto Sans"

INK = "#111111"
PAPER = "#FFFFFF"
PRIMARY = "#0B4F9C"  # deep blue: 8.6:1 against white
DANGER = "#B00020"
MUTED = "#3C3C3C"
SUCCESS = "#1B5E20"  # dark green: 7.9:1 against white
SCROLL_BAR = 60  # px: a bar a finger can hold, like every other touch target


class TextSize(Enum):
    NORMAL = 1.0
    LARGE = 1.3


@dataclass(frozen=True)
class Metrics:
    """Point sizes and pixel sizes for one text-size setting."""

    scale: float

    def pt(self, base: int) -> int:
        return round(base * self.scale)

    @property
    def body(self) -> int:
        return self.pt(20)

    @property
    def title(self) -> int:
        return self.pt(32)

    @property
    def touch(self) -> int:
        return max(60, round(72 * self.scale))


def kinetic(area: QAbstractScrollArea) -> QAbstractScrollArea:
    """Finger scrolling on ``area``: a swipe (a touch, or the left mouse button on a
    mouse-driven kiosk or test rig) moves the content and it glides on, as on a phone."""
    QScroller, QScrollerProperties = QtWidgets.QScroller, QtWidgets.QScrollerProperties
    viewport = area.viewport()
    QScroller.grabGesture(viewport, QScroller.ScrollerGestureType.TouchGesture)
    QScroller.grabGesture(viewport, QScroller.ScrollerGestureType.LeftMouseButtonGesture)
    # A tap reaches the button under the finger at once, not a quarter second later (or
    # never, when the finger lifts first); a swipe still takes the content along.
    scroller = QScroller.scroller(viewport)
    properties = scroller.scrollerProperties()
    properties.setScrollMetric(QScrollerProperties.ScrollMetric.MousePressEventDelay, 0)
    scroller.setScrollerProperties(properties)
    return area


def check_mark() -> str:
    """The tick drawn in a ticked box, as a path the style sheet can use."""
    return resource("icons", "check.svg").as_posix()


def load_fonts() -> str:
    """Register the bundled fonts with Qt; return the family to use."""
    for name in FONT_FILES:
        if QFontDatabase.addApplicationFont(str(resource("fonts", name))) < 0:
            raise RuntimeError(f"cannot load bundled font {name}")
    return FAMILY


def apply(app: QApplication, size: TextSize) -> Metrics:
    metrics = Metrics(size.value)
    font = QFont(FAMILY)
    font.setPointSize(metrics.body)
    app.setFont(font)
    app.setStyleSheet(stylesheet(metrics))
    return metrics


def stylesheet(m: Metrics) -> str:
    return f"""
    QWidget {{ background: {PAPER}; color: {INK}; font-family: "{FAMILY}"; }}
    QLabel#title {{ font-size: {m.title}pt; font-weight: bold; color: {PRIMARY}; }}
    QLabel#subtitle {{ font-size: {m.pt(22)}pt; color: {MUTED}; }}
    QPushButton {{
        min-height: {m.touch}px; padding: 4px 28px; border-radius: 14px;
        font-size: {m.body}pt; font-weight: bold;
        background: #E8EEF7; color: {PRIMARY}; border: 3px solid {PRIMARY};
    }}
    QPushButton:pressed {{ background: {PRIMARY}; color: {PAPER}; }}
    QPushButton#primary {{
        background: {PRIMARY}; color: {PAPER}; font-size: {m.pt(28)}pt;
        min-height: {round(m.touch * 1.4)}px;
    }}
    QPushButton#help {{ background: #FFF4E0; color: #7A3E00; border-color: #7A3E00; }}
    QPushButton:disabled, QPushButton#primary:disabled {{
        background: #EEEEEE; color: #8A8F96; border-color: #C4C8CE;
    }}
    QLineEdit {{
        font-size: {m.pt(24)}pt; padding: 6px 12px; border: 3px solid {MUTED};
        border-radius: 10px; min-height: {m.touch}px;
    }}
    QLineEdit:focus {{ border-color: {PRIMARY}; }}
    QPlainTextEdit {{
        font-size: {m.pt(24)}pt; padding: 6px 12px; border: 3px solid {MUTED};
        border-radius: 10px;
    }}
    QPlainTextEdit:focus {{ border-color: {PRIMARY}; }}
    QPushButton:checked {{ background: {PRIMARY}; color: {PAPER}; }}
    QLabel#fieldLabel {{ font-size: {m.body}pt; font-weight: bold; }}
    QFrame#keyboardDock {{ border-top: 3px solid {PRIMARY}; }}
    QFrame#scanPanel {{ border: 3px solid {PRIMARY}; border-radius: 14px; }}
    QLabel#message {{ font-size: {m.pt(22)}pt; color: {DANGER}; }}
    QLabel#notice {{ font-size: {m.pt(22)}pt; color: {SUCCESS}; }}
    QLabel#resultTitle {{ font-size: {m.pt(26)}pt; font-weight: bold; color: {PRIMARY}; }}
    QLabel#body, QLabel#timeline {{ font-size: {m.body}pt; }}
    QLabel#status {{ font-size: {m.pt(24)}pt; font-weight: bold; }}
    QLabel#muted {{ font-size: {m.body}pt; color: {MUTED}; }}
    QFrame#result {{ border: none; }}
    QLabel#step {{ font-size: {m.pt(22)}pt; font-weight: bold; color: {PRIMARY}; }}
    QPushButton#choice:checked {{ background: {PRIMARY}; color: {PAPER}; }}
    QPushButton#pickerRow {{ text-align: left; }}
    QLabel#dossierCode {{ font-size: {m.pt(44)}pt; font-weight: bold; color: {DANGER}; }}
    QCheckBox#declare {{
        font-size: {m.pt(24)}pt; font-weight: bold; min-height: {round(m.touch * 1.2)}px;
        spacing: 24px;
    }}
    QCheckBox#declare::indicator {{
        width: 56px; height: 56px; border: 4px solid {INK}; border-radius: 8px;
        background: {PAPER};
    }}
    QCheckBox#declare::indicator:checked {{ background: {PRIMARY}; image: url({check_mark()}); }}
    QFrame#idlePanel {{ border: 4px solid {PRIMARY}; border-radius: 24px; }}
    QFrame#documentRow {{ border: 2px solid #C8D3E6; border-radius: 14px; }}
    QLabel#thumbnail {{ border: 2px solid {MUTED}; background: #F4F4F4; }}
    QPushButton#fileButton {{ text-align: left; }}
    QScrollBar:vertical {{ width: {SCROLL_BAR}px; background: #EEEEEE; }}
    QScrollBar::handle:vertical {{ background: {MUTED}; min-height: 60px; border-radius: 8px; }}
    QScrollBar:horizontal {{ height: {SCROLL_BAR}px; background: #EEEEEE; }}
    QScrollBar::handle:horizontal {{ background: {MUTED}; min-width: 60px; border-radius: 8px; }}
    """
