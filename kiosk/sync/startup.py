"""The start-up step of the app and the CLI: open the catalog and, in an empty home, install the bundled
signed demo feed through the same verified sync path as a real feed, trusting the demo key for this
folder only. The catalog itself knows no transport; this is where sync meets it."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from peewee import SqliteDatabase

from kiosk.catalog.catalog_db import open_store
from kiosk.catalog.documents import get_state
from kiosk.environment import DEMO_FEED_DIR, Env
from kiosk.sync import state

if TYPE_CHECKING:
    from kiosk.sync.updater import SyncReport

log = logging.getLogger(__name__)


def open_catalog(env: Env) -> SqliteDatabase:
    """HOME's catalog, opened once per process; a new terminal gets the demo catalog (the five seed
    documents and the working-day calendar) so it works before its first sync."""
    db = open_store(env.catalog_db)
    if get_state(state.INITIALIZED) is None:
        install_demo_feed(env)
    return db


def install_demo_feed(env: Env) -> SyncReport:
    # Only a new home needs the sync machinery (requests, the feed parser): a terminal's every other start
    # opens its catalog without loading it.
    from kiosk.sync.updater import sync_catalog

    report = sync_catalog(env, str(DEMO_FEED_DIR), demo=True, record=False, wait=True)
    log.info("demo catalog: %s, %d documents", report.status, report.added)
    return report
