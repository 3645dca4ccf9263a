"""The real intake service on 127.0.0.1, port 0, in a thread (werkzeug), on a database URL."""

from __future__ import annotations

import contextlib
import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from peewee import Database
from werkzeug.serving import make_server

from kiosk.central import intake
from kiosk.central.intake_app import create_intake_app
from kiosk.central.intake_db import open_intake
from kiosk.workdays import WorkCalendar


@dataclass
class Intake:
    url: str
    db: Database
    handled: threading.Event  # set each time a request has been handled (and committed)

    def add_terminal(self, name: str) -> str:
        return intake.add_terminal(name)[1]


def _observed(app, handled: threading.Event, latency: float):
    """Signal each handled request, then answer `latency` seconds late (a slow network): the
    window in which central has committed an application and the terminal does not know yet."""

    def wrapper(environ, start_response):
        result = app(environ, start_response)
        if environ.get("REQUEST_METHOD") == "POST":
            handled.set()
        if latency:
            time.sleep(latency)
        return result

    return wrapper


@contextlib.contextmanager
def running_intake(
    db_url: str,
    *,
    latency: float = 0.0,
    clock: Callable[[], datetime] | None = None,
    calendar: WorkCalendar | None = None,
    keys_dir: Path | None = None,
) -> Iterator[Intake]:
    """`clock` is central's clock (default the real one): what terminals claim is checked against it.
    `keys_dir`: central's application key (default: a fresh folder of its own)."""
    own_keys = None if keys_dir else Path(tempfile.mkdtemp(prefix="central-keys-"))
    db = open_intake(db_url, keys_dir or own_keys)
    options = {"calendar": calendar} | ({"clock": clock} if clock else {})
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request drowns test output
    handled = threading.Event()
    server = make_server("127.0.0.1", 0, _observed(create_intake_app(db, **options), handled, latency), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield Intake(f"http://127.0.0.1:{server.server_port}", db, handled)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        db.close()
        if own_keys is not None:
            shutil.rmtree(own_keys, ignore_errors=True)
