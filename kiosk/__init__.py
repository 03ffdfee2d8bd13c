"""Self-service kiosk for Vietnamese commune one-stop offices.

This package's top level imports only the standard library, so that
``python3 -m kiosk.devenv`` can run before any dependency is installed.
"""

__version__ = "0.1.0"
