"""The print log: one JSON line per job (what, how many pages, which printer, outcome), never who printed it."""

from __future__ import annotations

import json
import logging
import os
from collections import deque
from typing import Any

from kiosk.environment import Env

log = logging.getLogger(__name__)

# Only these keys are written: a receipt's tracking number, names or IDs can never slip into the log.
FIELDS = ("time", "kind", "document_id", "pages", "page_count", "large", "form", "printer", "job_id", "state")


def record_print(env: Env, **entry: Any) -> dict[str, Any]:
    unknown = set(entry) - set(FIELDS)
    if unknown:
        raise ValueError(f"print log fields not allowed: {sorted(unknown)}")  # a programming error
    row = {"time": env.now().isoformat(timespec="seconds"), **entry}
    line = json.dumps({key: row[key] for key in FIELDS if key in row}, ensure_ascii=False)
    try:
        env.print_log.parent.mkdir(parents=True, exist_ok=True)
        # One write of one line with O_APPEND: concurrent writers never interleave inside a line.
        descriptor = os.open(env.print_log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(descriptor, (line + "\n").encode("utf-8"))
        finally:
            os.close(descriptor)
    except OSError as exc:
        # A full disk must not stop a resident's printout; the job itself is already done.
        log.warning("cannot append to the print log %s: %s", env.print_log, exc)
    return row


def read_print_log(env: Env, limit: int | None = None) -> list[dict[str, Any]]:
    """The newest `limit` entries, oldest first; lines that do not parse are skipped."""
    if not env.print_log.exists():
        return []
    rows: deque[dict[str, Any]] = deque(maxlen=limit)
    with env.print_log.open(encoding="utf-8") as handle:
        for line in handle:
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                continue  # a line cut short by power loss
    return list(rows)
