"""An office that publishes tiny releases into a feed folder, a terminal home trusting its key, and an
install root whose release zero is a checkout's venv (a `make install` terminal)."""

from __future__ import annotations

import os
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk.central.release import ReleasePublishReport, publish_release
from kiosk.environment import Env
from kiosk.update.updater import Options
from tests.httpd import send
from tests.sync.feedkit import make_keys
from tests.update.wheelkit import dependency_wheels, fake_project_wheel


@pytest.fixture(scope="session")
def release_key(tmp_path_factory) -> Path:
    return make_keys(tmp_path_factory.mktemp("release-keys") / "central")


@pytest.fixture(scope="session")
def locked_dependencies(tmp_path_factory) -> Path:
    return dependency_wheels(tmp_path_factory.mktemp("deps"))


@dataclass
class Office:
    feed: Path
    key: Path
    dependencies: Path
    builds: Path

    def publish(self, version: str, behaviour: str = "good", **options) -> ReleasePublishReport:
        wheel = fake_project_wheel(self.builds / f"{version}-{behaviour}", version, behaviour)
        return publish_release(
            self.feed, [self.key], wheel=wheel, wheels_dir=self.dependencies, include_pip=False, **options
        )


@pytest.fixture
def office(tmp_path, release_key, locked_dependencies) -> Office:
    return Office(tmp_path / "feed", release_key, locked_dependencies, tmp_path / "builds")


@pytest.fixture
def terminal(home, release_key, monkeypatch) -> Env:
    """A terminal home with a catalog database (the fake selfcheck insists on finding its copy)."""
    monkeypatch.setenv("KIOSK_TRUSTED_KEYS", str(release_key.with_name("feed.pub")))
    with sqlite3.connect(home / "catalog.sqlite3") as db:
        db.execute("CREATE TABLE documents (id TEXT PRIMARY KEY)")
    return Env.load(home)


def make_base(prefix: Path) -> Path:
    """PREFIX/.venv with a `kiosk` that answers --version: the checkout install that is release zero."""
    command = prefix / ".venv" / "bin" / "kiosk"
    command.parent.mkdir(parents=True)
    command.write_text("#!/bin/sh\necho base\n")
    command.chmod(0o755)
    return prefix


@pytest.fixture
def prefix(tmp_path) -> Path:
    return make_base(tmp_path / "opt-kiosk")


@pytest.fixture
def restarts(tmp_path) -> Path:
    return tmp_path / "restarts.log"


@pytest.fixture
def options(prefix, restarts) -> Options:
    restart = [sys.executable, "-c", "import sys; open(sys.argv[1], 'a').write('restart\\n')", str(restarts)]
    environ = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    return Options(prefix=prefix, restart_command=restart, health_timeout=60, environ=environ)


def file_server(folder: Path):
    """A handler for tests.httpd.serve that serves a feed folder as static files."""

    def handle(handler, server) -> None:
        path = folder / handler.path.lstrip("/").split("?")[0]
        if ".." in Path(handler.path).parts or not path.is_file():
            send(handler, 404)
            return
        send(handler, 200, path.read_bytes())

    return handle
