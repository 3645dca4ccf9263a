"""The console on a real intake database (SQLite or PostgreSQL), a fixed central clock, seeded
terminals, applications and an officer; Flask's test client or a real server in a thread."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest
from werkzeug.serving import make_server

from kiosk.applications.tracking import damm_digit
from kiosk.central import intake
from kiosk.central.console import officers
from kiosk.central.intake_app import create_intake_app
from kiosk.central.intake_db import open_intake
from kiosk.workdays import WorkCalendar

CHINA = timezone(timedelta(hours=8))
PASSWORD = "correct horse battery"


class Clock:
    """Central's clock, moved by the tests."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def tracking(sequence: int, terminal: int = 1, day: str = "261123") -> str:
    body = f"{day}{terminal:04d}{sequence:03d}"
    return body + damm_digit(body)


def hand_in(terminal, sequence: int, application: dict, received_at: str, now: datetime, **extra):
    """An application as a terminal delivers it, through the real intake path (`extra`: e.g. channel)."""
    day = received_at[2:4] + received_at[5:7] + received_at[8:10]
    body = {
        "tracking": tracking(sequence, terminal.number, day),
        "received_at": received_at,
        "application": application,
        **extra,
    }
    return intake.record_application(terminal, f"key{terminal.number:04d}{day}{sequence:04d}" + "x" * 8, body, now=now)[
        0
    ]


@dataclass
class Console:
    app: object
    clock: Clock
    calendar: WorkCalendar
    db: object

    def client(self, *, logged_in: bool = True, name: str = "wang"):
        client = self.app.test_client()
        if logged_in:
            login(client, name)
        return client


def csrf_of(client, path: str = "/console/login") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def login(client, name: str = "wang", password: str = PASSWORD):
    token = csrf_of(client)
    return client.post("/console/login", data={"name": name, "password": password, "csrf_token": token})


@pytest.fixture
def console(intake_url, tmp_path):
    clock = Clock(datetime(2026, 11, 23, 10, 5, tzinfo=CHINA))
    db = open_intake(intake_url, tmp_path / "keys")
    calendar = WorkCalendar()
    app = create_intake_app(db, calendar=calendar, clock=clock, console={"secret": b"s" * 32})
    officers.add_officer("wang", "officer", PASSWORD, clock.now)
    officers.add_officer("admin", "admin", PASSWORD, clock.now)
    yield Console(app, clock, calendar, db)
    db.close()


@pytest.fixture
def served(console):
    """The console on 127.0.0.1 (werkzeug, port 0) for a real browser."""
    server = make_server("127.0.0.1", 0, console.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", console
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
