"""The portal simulator: a real HTTP server on 127.0.0.1 speaking PORTAL_API.md v1.

Used by the kiosk's demo mode (``kiosk run --demo``), by ``kiosk portal-sim``
and by the sync tests, which need a real socket rather than a mock so that
timeouts, resets, keep-alive and restarts behave as they will in the field.

Standard library only: the simulator must never share a bug with the
``requests``-based client it is there to test.

    with PortalSimulator(tmp_path / "portal.sqlite3", clock=clock) as portal:
        client = PortalClient(portal.url, "kiosk-demo", "demo-secret")

The pieces: ``simulator_http`` (routing, bodies, JSON answers),
``simulator_api`` (what each endpoint does), ``simulator_store`` (SQLite and
files), ``simulator_validate`` (the dossier contract), ``simulator_files``
(multipart and file types), ``simulator_timeline`` (how a dossier advances).
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from types import MappingProxyType, TracebackType
from typing import Any

from kiosk.demo.simulator_api import Portal, PortalSettings
from kiosk.demo.simulator_http import SimulatorServer
from kiosk.demo.simulator_store import SimulatorStore
from kiosk.domain.catalogue_json import load_catalogue, procedure_to_dict
from kiosk.domain.dates import VIETNAM_TZ
from kiosk.paths import resource

logger = logging.getLogger(__name__)

# client_id → client_secret accepted by a simulator started without others.
DEMO_CREDENTIALS: Mapping[str, str] = MappingProxyType({"kiosk-demo": "demo-secret"})
DB_FILE_NAME = "portal.sqlite3"


def _wall_clock() -> datetime:
    return datetime.now(VIETNAM_TZ)


class PortalSimulator:
    """A simulated provincial portal with its own SQLite store at ``db_path``.

    ``port=0`` asks the system for a free port; ``url`` tells which after
    ``start()`` (or ``bind()``).  ``step_seconds`` is the time between two
    automatic status steps of a dossier (0 or less: no automatic advance).
    ``clock`` is the only source of time, so tests move it instead of sleeping.
    """

    def __init__(
        self,
        db_path: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        catalogue_path: Path | None = None,
        step_seconds: float = 30.0,
        token_ttl_seconds: int = 3600,
        clock: Callable[[], datetime] | None = None,
        credentials: Mapping[str, str] = DEMO_CREDENTIALS,
    ) -> None:
        self.db_path = db_path
        self._address = (host, port)
        self._clock = clock or _wall_clock
        self._catalogue = _load_procedures(
            catalogue_path or resource("catalogue", "procedures.json")
        )
        self._credentials = dict(credentials)
        self._token_ttl = token_ttl_seconds
        self._step_seconds = step_seconds
        self._lock = threading.Lock()
        self._server: SimulatorServer | None = None
        self._store: SimulatorStore | None = None
        self._thread: threading.Thread | None = None
        self._foreground = False

    @property
    def url(self) -> str:
        server = self._server
        if server is None:
            raise RuntimeError("the portal simulator is not started")
        host, port = server.server_address[:2]
        return f"http://{host!s}:{port}"

    def bind(self) -> None:
        """Open the store and the listening socket, without serving yet (idempotent)."""
        with self._lock:
            if self._server is not None:
                return
            store = SimulatorStore(self.db_path)
            try:
                portal = Portal(store, self._settings(), self._clock)
                self._server = SimulatorServer(self._address, portal.routes(), portal.authorize)
            except BaseException:
                store.close()
                raise
            self._store = store

    def _settings(self) -> PortalSettings:
        # The shipped catalogue counts as changed when this portal starts.
        return PortalSettings(
            credentials=self._credentials,
            token_ttl_seconds=self._token_ttl,
            step_seconds=self._step_seconds,
            catalogue=self._catalogue,
            catalogue_changed_at=self._clock(),
        )

    def start(self) -> None:
        """Serve in a background thread until ``stop()``."""
        self.bind()
        with self._lock:
            if self._thread is not None or self._server is None:
                return
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name="portal-simulator",
                daemon=True,
            )
            self._thread.start()

    def serve_forever(self) -> None:
        """Serve in this thread until Ctrl+C or ``stop()`` from another thread."""
        self.bind()
        server = self._server
        if server is None:  # stopped by another thread in between
            return
        self._foreground = True
        try:
            server.serve_forever(poll_interval=0.5)
        except KeyboardInterrupt:
            logger.info("portal simulator interrupted")
        finally:
            self._foreground = False
            self._close()

    def stop(self) -> None:
        """Stop serving, end every connection, join the threads, close the store."""
        server = self._server
        # shutdown() waits for a running serve_forever; without one it would wait forever.
        if server is not None and (self._thread is not None or self._foreground):
            server.shutdown()
        self._close()

    def _close(self) -> None:
        with self._lock:
            server, store, thread = self._server, self._store, self._thread
            self._server = self._store = self._thread = None
        if server is not None:
            server.close_connections()
            server.server_close()  # joins the handler threads
        if thread is not None:
            thread.join()
        if store is not None:
            store.close()

    def __enter__(self) -> PortalSimulator:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def _load_procedures(path: Path) -> list[dict[str, Any]]:
    """The catalogue's entries as the portal serves them (same parser as the kiosk's)."""
    return [procedure_to_dict(p) for p in load_catalogue(path).procedures]


def run_simulator_cli(host: str, port: int, data_dir: Path, step_seconds: float) -> int:
    """``kiosk portal-sim``: print the URL and demo credentials, serve until Ctrl+C."""
    db_path = data_dir / "portal-sim" / DB_FILE_NAME
    db_path.parent.mkdir(parents=True, exist_ok=True)
    simulator = PortalSimulator(db_path, host=host, port=port, step_seconds=step_seconds)
    try:
        simulator.bind()
    except OSError as exc:
        print(f"Không mở được cổng {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    for line in _banner(simulator, step_seconds):
        print(line, flush=True)
    _interrupt_on(signal.SIGINT, signal.SIGTERM)
    simulator.serve_forever()
    print("Đã dừng cổng giả lập.", flush=True)
    return 0


def _interrupt_on(*signals: signal.Signals) -> None:
    """Ctrl+C and a service manager's stop both end serving, even where a parent shell
    started us with SIGINT ignored (Python then installs no handler of its own)."""

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    for each in signals:
        signal.signal(each, interrupt)


def _banner(simulator: PortalSimulator, step_seconds: float) -> list[str]:
    lines = [f"Cổng dịch vụ công giả lập đang chạy tại {simulator.url}"]
    lines += [
        f"  client_id: {cid}   client_secret: {secret}" for cid, secret in DEMO_CREDENTIALS.items()
    ]
    lines.append(f"  Dữ liệu: {simulator.db_path}")
    advance = f"mỗi {step_seconds:g} giây" if step_seconds > 0 else "tắt"
    lines.append(f"  Tự chuyển trạng thái hồ sơ: {advance}")
    lines.append("Nhấn Ctrl+C để dừng.")
    return lines
