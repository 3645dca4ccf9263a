"""A private CUPS scheduler for tests: its own config, spool and port, never the system one."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

from tests.tempdirs import shared_temp_dir

CUPSD = shutil.which("cupsd") or "/usr/sbin/cupsd"
SYSTEM_SERVERBIN = Path("/usr/lib/cups")

# A CUPS backend that behaves like a printer with an empty paper tray: it reports media-empty-error and waits.
PAPER_OUT_BACKEND = """#!/bin/sh
if [ $# -eq 0 ]; then echo 'direct paperout "Unknown" "Printer without paper (test)"'; exit 0; fi
echo "STATE: +media-empty-error" >&2
echo "ERROR: out of paper" >&2
sleep 60
exit 1
"""


def cups_installed() -> bool:
    return Path(CUPSD).exists() and shutil.which("lpadmin") is not None and shutil.which("lp") is not None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateCups:
    def __init__(self) -> None:
        # Not under pytest's tmp_path nor a private TMPDIR: those are mode 0700 and CUPS runs filters and
        # file output as the `lp` user. Modes are set explicitly below, so the caller's umask does not matter.
        self.root = shared_temp_dir("kiosk-cups-")
        self.port = _free_port()
        self.server = f"127.0.0.1:{self.port}"
        self.socket = self.root / "cups.sock"
        self.output = self.root / "output"
        self.process: subprocess.Popen | None = None
        self._stderr = None

    def _configure(self) -> tuple[Path, Path]:
        for name in ("conf", "spool/tmp", "cache", "state", "logs", "serverbin/backend", "output"):
            (self.root / name).mkdir(parents=True, exist_ok=True)
        for path in self.root.rglob("*"):
            if path.is_dir():
                path.chmod(0o755)
        # The file device writes here as `lp` on some CUPS builds: let it create its output whoever it runs as.
        self.output.chmod(0o1777)
        # Our own ServerBin: the system's filters and backends plus the paper-out backend.
        serverbin = self.root / "serverbin"
        for entry in SYSTEM_SERVERBIN.iterdir():
            if entry.name != "backend":
                (serverbin / entry.name).symlink_to(entry)
        for backend in (SYSTEM_SERVERBIN / "backend").iterdir():
            (serverbin / "backend" / backend.name).symlink_to(backend)
        paperout = serverbin / "backend" / "paperout"
        paperout.write_text(PAPER_OUT_BACKEND)
        paperout.chmod(0o755)
        cupsd_conf = self.root / "conf" / "cupsd.conf"
        cupsd_conf.write_text(
            f"Listen 127.0.0.1:{self.port}\n"
            f"Listen {self.socket}\n"
            "LogLevel info\nWebInterface No\nBrowsing No\nDefaultAuthType None\nJobRetryInterval 1\n"
            "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
            "<Location /admin>\n  Order allow,deny\n  Allow all\n</Location>\n"
            "<Policy default>\n  <Limit All>\n    Order allow,deny\n    Allow all\n  </Limit>\n</Policy>\n"
        )
        files_conf = self.root / "conf" / "cups-files.conf"
        files_conf.write_text(
            "FileDevice Yes\n"
            f"ServerRoot {self.root / 'conf'}\n"
            f"ServerBin {serverbin}\n"
            f"RequestRoot {self.root / 'spool'}\n"
            f"TempDir {self.root / 'spool' / 'tmp'}\n"
            f"CacheDir {self.root / 'cache'}\n"
            f"StateDir {self.root / 'state'}\n"
            f"ErrorLog {self.root / 'logs' / 'error_log'}\n"
            f"AccessLog {self.root / 'logs' / 'access_log'}\n"
            f"PageLog {self.root / 'logs' / 'page_log'}\n"
            "DataDir /usr/share/cups\n"
            "SystemGroup root\n"
        )
        return cupsd_conf, files_conf

    def start(self) -> PrivateCups:
        cupsd_conf, files_conf = self._configure()
        self._stderr = (self.root / "logs" / "cupsd.out").open("wb")
        self.process = subprocess.Popen(
            [CUPSD, "-f", "-c", str(cupsd_conf), "-s", str(files_conf)],
            stdout=subprocess.DEVNULL,
            stderr=self._stderr,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"cupsd exited: {(self.root / 'logs' / 'cupsd.out').read_text()}")
            if "scheduler is running" in self.lpstat("-r"):
                return self
            time.sleep(0.1)
        raise RuntimeError("cupsd did not start in 20 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._stderr is not None:
            self._stderr.close()
        shutil.rmtree(self.root, ignore_errors=True)

    def env(self) -> dict[str, str]:
        return dict(os.environ, CUPS_SERVER=self.server, LANG="C", LC_ALL="C")

    def lpstat(self, *args: str) -> str:
        done = subprocess.run(["lpstat", "-h", self.server, *args], capture_output=True, text=True, timeout=20)
        return done.stdout + done.stderr

    def add_queue(self, name: str, device: str) -> None:
        subprocess.run(
            ["lpadmin", "-h", self.server, "-p", name, "-E", "-v", device, "-m", "drv:///sample.drv/generic.ppd"],
            check=True,
            capture_output=True,
            timeout=30,
        )

    def disable(self, name: str, reason: str) -> None:
        subprocess.run(["cupsdisable", "-h", self.server, "-r", reason, name], check=True, timeout=20)

    def error_log(self) -> str:
        path = self.root / "logs" / "error_log"
        return path.read_text(errors="replace") if path.exists() else ""
