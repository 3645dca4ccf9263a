"""Open a terminal's catalog, installing the bundled demo catalog into an empty home on first use."""

from __future__ import annotations

import logging

from peewee import SqliteDatabase

from kiosk.catalog.documents import get_state, set_state
from kiosk.catalog.store import open_store
from kiosk.environment import DEMO_SEEDS_DIR, Env

log = logging.getLogger(__name__)


def open_catalog(env: Env, *, install_demo: bool = True) -> SqliteDatabase:
    db = open_store(env.catalog_db)
    if install_demo and get_state("initialized") is None:
        install_demo_catalog(env)
    return db


def install_demo_catalog(env: Env) -> None:
    """The five bundled seed documents, so a new terminal works before its first sync."""
    from kiosk.importer import import_into_store, parse_folder

    parsed, report = parse_folder(DEMO_SEEDS_DIR)
    import_into_store(parsed, report, env.files_dir)
    set_state("source", "demo")
    set_state("initialized", env.now().isoformat(timespec="seconds"))
    log.info("installed the demo catalog: %d documents", report.added)
