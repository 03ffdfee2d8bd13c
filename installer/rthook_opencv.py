"""PyInstaller runtime hook: OpenCV's FFmpeg backend off (the folder has no FFmpeg).

Runs before the kiosk's first import.  OpenCV reads its video backends' priorities on the
first VideoCapture; 0 takes a backend out of the list, so devices open through V4L2 and
files through OpenCV's own MJPEG reader, and no FFmpeg stand-in (installer/stubs.py) is
ever called.
"""

import os

os.environ["OPENCV_VIDEOIO_PRIORITY_FFMPEG"] = "0"
