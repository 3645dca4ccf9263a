"""A throwaway PostgreSQL cluster for tests and benchmarks, from the Debian postgresql binaries.

initdb refuses to run as root and CI runs as root, so as root the cluster belongs to the
`postgres` user (through runuser) in a directory it owns; otherwise to the current user.
It listens on 127.0.0.1 at a free port, with durability off: these databases are thrown away.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

from tests.tempdirs import shared_temp_dir

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def available() -> bool:
    return (PG_BIN / "initdb").exists() and (PG_BIN / "pg_ctl").exists()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    def __init__(self, root: Path, port: int, user: str | None) -> None:
        self.root, self.port, self.user = root, port, user

    @property
    def data(self) -> Path:
        return self.root / "data"

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        command = [*args]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        return subprocess.run(command, check=True, capture_output=True, text=True, timeout=timeout)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str | None = None) -> str:
        """A fresh, empty database; its URL."""
        import psycopg

        name = name or f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def start(self, *options: str) -> None:
        settings = [
            f"-p {self.port}",
            "-c listen_addresses=127.0.0.1",
            f"-c unix_socket_directories={self.root}",
            "-c fsync=off",
            "-c synchronous_commit=off",
            "-c full_page_writes=off",
            "-c max_connections=200",
            *options,
        ]
        self._run(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.root / "log"),
            "-w",
            "-o",
            " ".join(settings),
            "start",
        )

    def stop(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError):
            self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")


@contextlib.contextmanager
def cluster(*options: str) -> Iterator[Cluster]:
    """Start a cluster, yield it, stop and delete it."""
    root = shared_temp_dir("kiosk-pg-")
    user = "postgres" if os.geteuid() == 0 else None
    if user:
        shutil.chown(root, user, user)
    pg = Cluster(root, _free_port(), user)
    try:
        pg._run(
            str(PG_BIN / "initdb"),
            "-D",
            str(pg.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
            timeout=120,
        )
        pg.start(*options)
        yield pg
    finally:
        pg.stop()
        shutil.rmtree(root, ignore_errors=True)
