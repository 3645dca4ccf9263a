"""The terminal's statutory deadlines: the working-day calendar (kiosk.workdays) loaded from the signed
copy the last sync installed in the catalog."""

from __future__ import annotations

import logging
from datetime import date

from kiosk.catalog.catalog_db import open_store
from kiosk.catalog.documents import get_state
from kiosk.environment import Env
from kiosk.workdays import STATE_KEY, Deadlines, WorkCalendar, YearRules, parse_signed_calendar

log = logging.getLogger(__name__)


def load_calendar(env: Env) -> WorkCalendar:
    """The terminal's calendar: the signed one from the synced catalog when there is one."""
    return WorkCalendar(signed=_signed_years(env))


def _signed_years(env: Env) -> dict[int, YearRules]:
    if not env.catalog_db.exists():
        return {}
    open_store(env.catalog_db)
    raw = get_state(STATE_KEY)
    if not raw:
        return {}
    try:
        return parse_signed_calendar(raw)
    except (ValueError, TypeError) as exc:  # a bad calendar must not stop applications: fall back
        log.warning("ignoring the signed calendar in the catalog: %s", exc)
        return {}


def deadlines_for(env: Env, received: date) -> Deadlines:
    return load_calendar(env).deadlines(received)
