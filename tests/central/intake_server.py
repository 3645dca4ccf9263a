"""The real intake service on 127.0.0.1, port 0, in a thread (werkzeug), on a database URL."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from peewee import Database
from werkzeug.serving import make_server

from kiosk.central import intake
from kiosk.central.intake_app import create_intake_app
from kiosk.central.intake_db import open_intake


@dataclass
class Intake:
    url: str
    db: Database

    def add_terminal(self, name: str) -> str:
        return intake.add_terminal(name)[1]


@contextlib.contextmanager
def running_intake(db_url: str) -> Iterator[Intake]:
    db = open_intake(db_url)
    server = make_server("127.0.0.1", 0, create_intake_app(db), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield Intake(f"http://127.0.0.1:{server.server_port}", db)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        db.close()
