"""Shared fixtures: a terminal home in tmp_path, an Env on it, and the CLI run for real."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk.catalog.catalog_db import open_store
from kiosk.cli import main
from kiosk.environment import Env

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "assets" / "demo" / "seeds"


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch, tmp_path):
    for key in list(os.environ):
        if key.startswith("KIOSK_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("KIOSK_HOME", str(tmp_path / "home"))


@pytest.fixture
def home(tmp_path) -> Path:
    path = tmp_path / "home"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture
def env(home) -> Env:
    return Env.load(home)


@pytest.fixture
def store(env):
    db = open_store(env.catalog_db)
    yield db
    db.close()


class Cli:
    """Runs `kiosk …` in-process against one home; `.json()` parses --json output."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.runner = CliRunner()

    def __call__(self, *args: str, expect: int | None = 0):
        result = self.runner.invoke(main, ["--home", str(self.home), *args], catch_exceptions=False)
        if expect is not None:
            assert result.exit_code == expect, (result.output, result.stderr)
        return result

    def json(self, *args: str, expect: int | None = 0):
        return json.loads(self(*args, "--json", expect=expect).stdout)


@pytest.fixture
def cli(home) -> Cli:
    return Cli(home)


def run_kiosk(home: Path, *args: str, timeout: float = 120, **kwargs) -> subprocess.CompletedProcess:
    """`python -m kiosk …` as a real process (for crash tests and exit codes)."""
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "--home", str(home), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
        **kwargs,
    )


def python_json(code: str, *args: str, timeout: float = 120) -> object:
    """Run `code` in a fresh Python process of this checkout (what a module imports there is its own)
    and return the JSON it prints."""
    proc = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)
