from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.catalog.catalog_db import open_store
from kiosk.environment import Env
from kiosk.http import build_session
from kiosk.sync import sources
from tests.sync.feedkit import NOW, FeedBuilder, make_doc, make_keys


@pytest.fixture(scope="session")
def signing_key(tmp_path_factory) -> Path:
    return make_keys(tmp_path_factory.mktemp("keys") / "central")


@pytest.fixture
def office(tmp_path, signing_key) -> FeedBuilder:
    """The central office with a first feed of 12 documents, one of them with an attachment."""
    builder = FeedBuilder(tmp_path / "office", signing_key)
    builder.put(*(make_doc(n) for n in range(12)))
    builder.attach("doc0003", "附件1.pdf", b"%PDF-1.4 " + b"x" * 5000)
    builder.publish()
    return builder


@pytest.fixture
def terminal(home, signing_key, monkeypatch) -> Env:
    """A terminal that trusts the office's key, with a fast HTTP session (short timeout, quick retries)
    and its clock set to the day of the first publish."""
    monkeypatch.setenv("KIOSK_TRUSTED_KEYS", str(signing_key.with_name("feed.pub")))
    monkeypatch.setenv("KIOSK_HTTP_TIMEOUT_SECONDS", "1")
    monkeypatch.setattr(sources, "BODY_BACKOFF_SECONDS", 0.01)
    env = Env.load(home)
    env.clock = lambda: NOW
    env.shared["http_session"] = build_session(env, retries=1, backoff_factor=0.01)
    db = open_store(env.catalog_db)
    yield env
    db.close()
