"""One real lexicon per test session (jieba + pypinyin + the demo catalog, ~20 s), copied where needed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kiosk.environment import Env
from kiosk.ime import phrases
from kiosk.ime.engine import Engine
from kiosk.ime.setup import ensure_lexicon
from kiosk.sync.startup import open_catalog


@pytest.fixture(scope="session")
def built_lexicon(tmp_path_factory) -> Path:
    # A fixed place in the session's temp dir: tests/cli/test_ime.py imports this fixture too,
    # and its second definition finds the lexicon already built.
    home = tmp_path_factory.getbasetemp() / "ime-home"
    home.mkdir(exist_ok=True)
    env = Env.load(home, environ={})
    open_catalog(env)  # the demo catalog, as at a terminal's first start
    ensure_lexicon(env)
    return env.ime_lexicon


@pytest.fixture(scope="session")
def engine(built_lexicon) -> Engine:
    # As a terminal runs it (kiosk.ime.setup.open_engine): with the word model when it is installed.
    return Engine(built_lexicon, phrases=phrases.load())


@pytest.fixture
def home_with_lexicon(home, built_lexicon) -> Path:
    """A terminal home that already has its lexicon, as after `kiosk ime build`."""
    shutil.copy(built_lexicon, home / built_lexicon.name)
    return home
