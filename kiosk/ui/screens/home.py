"""Home screen: the zone's name, date and time, how current the catalog is, and large tiles to every
service (search, browse, 政策解读, apply, application status), with the newest documents below."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from kivy.app import App
from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.screenmanager import Screen

from kiosk.catalog.documents import list_documents
from kiosk.sync.status import catalog_status, freshness_line, freshness_warning
from kiosk.ui.widgets import header, listing  # noqa: F401  (registers KioskButton, HomeTile, ResultRow for home.kv)

NEWEST = 6  # newest documents shown under the tiles
_WEEKDAYS = "一二三四五六日"


def clock_text(now: datetime) -> str:
    return f"{now.year}年{now.month}月{now.day}日  星期{_WEEKDAYS[now.weekday()]}  {now:%H:%M}"


class HomeScreen(Screen):
    zone_name = StringProperty("")
    summary = StringProperty("")  # the freshness line
    stale = BooleanProperty(False)  # the freshness line carries a warning
    clock = StringProperty("")
    phone = StringProperty("")

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._ticker = None

    def on_pre_enter(self, *args) -> None:
        self.refresh()

    def on_enter(self, *args) -> None:
        self._ticker = Clock.schedule_interval(lambda _dt: self._tick(), 10)

    def on_leave(self, *args) -> None:
        if self._ticker is not None:
            self._ticker.cancel()

    def _tick(self) -> None:
        self.clock = clock_text(App.get_running_app().env.now())

    def refresh(self) -> None:
        app = App.get_running_app()
        config = app.env.config
        self.zone_name = config.zone_name
        self.phone = f"咨询电话：{config.office_phone}" if config.office_phone else ""
        self._tick()
        status = catalog_status(app.env)
        self.summary = freshness_line(status)
        self.stale = bool(freshness_warning(status))
        self.ids.documents.data = [
            {
                "doc_id": doc.id,
                "title": doc.title,
                "meta": "  ·  ".join(
                    p for p in (doc.doc_number, doc.issuer, doc.issued and doc.issued.isoformat()) if p
                ),
                "validity": "" if doc.validity == "有效" else doc.validity,
                "snippet": "",
                "back_to": "home",
            }
            for doc in list_documents(limit=NEWEST)
        ]

    def open_search(self) -> None:
        app = App.get_running_app()
        app.root.current = "search"
        app.root.get_screen("search").start()

    def open_browse(self) -> None:
        app = App.get_running_app()
        app.root.get_screen("browse").start()
        app.root.current = "browse"

    def open_interpretations(self) -> None:
        app = App.get_running_app()
        app.root.get_screen("interpretations").start()
        app.root.current = "interpretations"


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
