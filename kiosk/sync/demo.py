"""Install the bundled signed demo feed on a terminal's first use, through the same verified sync
path as a real feed, trusting the demo key for this folder only."""

from __future__ import annotations

import logging

from kiosk.environment import DEMO_FEED_DIR, Env
from kiosk.sync.updater import SyncReport, sync_catalog

log = logging.getLogger(__name__)


def install_demo_feed(env: Env) -> SyncReport:
    report = sync_catalog(env, str(DEMO_FEED_DIR), demo=True, record=False, wait=True)
    log.info("demo catalog: %s, %d documents", report.status, report.added)
    return report
