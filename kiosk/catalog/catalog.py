"""Open a terminal's catalog, installing the bundled demo feed into an empty home on first use."""

from __future__ import annotations

from peewee import SqliteDatabase

from kiosk.catalog.documents import get_state
from kiosk.catalog.store import open_store
from kiosk.environment import Env


def open_catalog(env: Env, *, install_demo: bool = True) -> SqliteDatabase:
    db = open_store(env.catalog_db)
    if install_demo and get_state("initialized") is None:
        install_demo_catalog(env)
    return db


def install_demo_catalog(env: Env) -> None:
    """The signed demo feed (the five seed documents and the working-day calendar), installed
    through the same verified sync path as a real feed, so a new terminal works before its first sync."""
    from kiosk.sync.demo import install_demo_feed  # the sync package builds on the catalog, not the reverse

    install_demo_feed(env)
