"""A private CUPS scheduler for the printing tests: real cupsd, real cups-pdf, nothing shared.

It runs as root in the foreground on its own Unix socket with its own spool,
cache and state under a fresh directory, so it neither needs nor touches the
machine's cupsd.  cups-pdf reads its settings from ``/etc/cups`` (compiled
in); a per-queue ``cups-pdf-<queue>.conf`` there sends its output into our
directory and is removed afterwards.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

CUPSD = "/usr/sbin/cupsd"
CUPS_PDF_BACKEND = Path("/usr/lib/cups/backend/cups-pdf")
CUPS_PDF_PPD = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd")
CUPS_PDF_CONF_DIR = Path("/etc/cups")
START_TIMEOUT = 20.0
JOB_TIMEOUT = 60.0


def missing_requirements() -> str | None:
    """Why the real-printing tests cannot run here, or None when they can."""
    needs = {
        "cupsd (package cups)": Path(CUPSD).exists(),
        "lpadmin/lpstat (package cups-client)": bool(shutil.which("lpadmin") and
                                                     shutil.which("lpstat")),
        "cups-pdf (package printer-driver-cups-pdf)": CUPS_PDF_BACKEND.exists(),
        "pdftoppm (package poppler-utils)": bool(shutil.which("pdftoppm")),
    }
    missing = [name for name, present in needs.items() if not present]
    if missing:
        return "not installed: " + ", ".join(missing)
    if os.geteuid() != 0:
        return "a private cupsd and the cups-pdf backend need root"
    return None


class PrivateCups:
    """One private cupsd; ``env`` points libcups (and so Qt, lp, lpstat) at it."""

    def __init__(self) -> None:
        # Not pytest's tmp_path: CUPS filters run as user lp and must reach the
        # spool, and pytest's base directory is private to root.
        self.root = Path(tempfile.mkdtemp(prefix="kiosk-cups-"))
        self.root.chmod(0o755)
        self.socket = self.root / "cups.sock"
        self.env = {**os.environ, "CUPS_SERVER": str(self.socket)}
        self._process: subprocess.Popen[bytes] | None = None
        self._pdf_confs: list[Path] = []

    def start(self) -> None:
        for name in ("etc", "etc/ppd", "spool", "spool/tmp", "cache", "state", "log"):
            (self.root / name).mkdir(mode=0o755, exist_ok=True)
        files_conf, cupsd_conf = self._write_configs()
        self._process = subprocess.Popen(
            [CUPSD, "-f", "-c", str(cupsd_conf), "-s", str(files_conf)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        self._wait_until_running()

    def add_pdf_queue(self, queue: str) -> Path:
        """A cups-pdf queue writing into a directory of ours, returned."""
        out = self.root / "pdf-out"
        out.mkdir(mode=0o777, exist_ok=True)
        out.chmod(0o777)  # cups-pdf drops to the job's user before writing
        conf = CUPS_PDF_CONF_DIR / f"cups-pdf-{queue}.conf"
        conf.write_text(f"Out {out}\nAnonDirName {out}\nLabel 0\n", encoding="utf-8")
        self._pdf_confs.append(conf)
        self.lpadmin("-p", queue, "-v", f"cups-pdf:/{queue}", "-P", str(CUPS_PDF_PPD), "-E")
        return out

    def add_socket_queue(self, queue: str, receiver: RawReceiver) -> None:
        """A raw queue sending to ``receiver``, as to a network thermal printer's port 9100."""
        self.lpadmin("-p", queue, "-v", f"socket://127.0.0.1:{receiver.port}", "-m", "raw", "-E")

    def lpadmin(self, *args: str) -> None:
        subprocess.run(["lpadmin", *args], env=self.env, check=True, timeout=30,
                       capture_output=True)

    def wait_for_jobs(self) -> None:
        """Until no job is left in any queue (bounded)."""
        deadline = time.monotonic() + JOB_TIMEOUT
        while time.monotonic() < deadline:
            jobs = subprocess.run(["lpstat", "-o"], env=self.env, capture_output=True,
                                  text=True, timeout=10)
            if jobs.returncode == 0 and not jobs.stdout.strip():
                return
            time.sleep(0.2)
        raise TimeoutError("CUPS jobs still pending:\n" + self.error_log())

    def error_log(self) -> str:
        log = self.root / "log" / "error_log"
        return log.read_text(errors="replace")[-4000:] if log.exists() else ""

    def stop(self) -> None:
        for conf in self._pdf_confs:
            conf.unlink(missing_ok=True)
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)

    def _wait_until_running(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise RuntimeError("cupsd exited at start:\n" + self.error_log())
            state = subprocess.run(["lpstat", "-r"], env=self.env, capture_output=True,
                                   text=True, timeout=10)
            if "is running" in state.stdout and "not" not in state.stdout:
                return
            time.sleep(0.1)
        raise TimeoutError("cupsd did not start:\n" + self.error_log())

    def _write_configs(self) -> tuple[Path, Path]:
        r = self.root
        files_conf = r / "etc" / "cups-files.conf"
        files_conf.write_text(
            f"ServerRoot {r / 'etc'}\nRequestRoot {r / 'spool'}\nTempDir {r / 'spool/tmp'}\n"
            f"CacheDir {r / 'cache'}\nStateDir {r / 'state'}\n"
            "ServerBin /usr/lib/cups\nDataDir /usr/share/cups\n"
            f"ErrorLog {r / 'log/error_log'}\nAccessLog {r / 'log/access_log'}\n"
            f"PageLog {r / 'log/page_log'}\nPrintcap {r / 'printcap'}\n"
            "SystemGroup root\nUser lp\nGroup lp\n",
            encoding="utf-8",
        )
        cupsd_conf = r / "etc" / "cupsd.conf"
        cupsd_conf.write_text(
            f"Listen {self.socket}\nLogLevel info\nBrowsing No\nWebInterface No\n"
            "DefaultAuthType None\nMaxLogSize 0\n"
            "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
            "<Policy default>\n  <Limit All>\n    Order allow,deny\n    Allow all\n"
            "  </Limit>\n</Policy>\n",
            encoding="utf-8",
        )
        files_conf.chmod(0o644)
        cupsd_conf.chmod(0o644)
        return files_conf, cupsd_conf


class RawReceiver:
    """A stand-in for a network ESC/POS printer: keeps what one connection sends."""

    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(JOB_TIMEOUT)
        self.port: int = self._server.getsockname()[1]
        self.received = b""
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        try:
            connection, _ = self._server.accept()
        except OSError:
            return
        with connection:
            connection.settimeout(JOB_TIMEOUT)
            chunks = []
            while chunk := connection.recv(65536):
                chunks.append(chunk)
        self.received = b"".join(chunks)

    def wait(self) -> bytes:
        self._thread.join(JOB_TIMEOUT)
        return self.received

    def close(self) -> None:
        self._server.close()
