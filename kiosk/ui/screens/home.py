"""Home screen: the zone's name and the catalog as large, tappable rows."""

from __future__ import annotations

from kivy.app import App
from kivy.properties import StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.screenmanager import Screen

from kiosk.catalog.documents import count_documents, document_to_dict, list_documents
from kiosk.sync.status import catalog_status, freshness_line
from kiosk.ui.widgets.keyboard import ImeKeyboard  # noqa: F401  (registers the class for home.kv)


class DocumentRow(ButtonBehavior, BoxLayout):
    doc_id = StringProperty("")
    title = StringProperty("")
    meta = StringProperty("")
    validity = StringProperty("")

    def on_release(self) -> None:
        App.get_running_app().open_document(self.doc_id)


class HomeScreen(Screen):
    zone_name = StringProperty("")
    summary = StringProperty("")
    _rows: list[dict] = []  # every row; the list shows those matching the search box

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.ids.keyboard.attach(self.ids.search, learn=True)

    def on_pre_enter(self, *args) -> None:
        self.refresh()

    def on_leave(self, *args) -> None:
        self.ids.keyboard.hide()

    def clear_personal_data(self) -> None:
        """After the idle timeout: the last person's search words go too."""
        self.ids.keyboard.hide()
        self.ids.search.text = ""

    def filter(self, text: str) -> None:
        """Narrow the list to titles containing the typed words (no screen runs the full catalog search yet)."""
        words = text.split()
        self.ids.documents.data = [row for row in self._rows if all(w in row["title"] for w in words)]

    def refresh(self) -> None:
        app = App.get_running_app()
        self.zone_name = app.env.config.zone_name
        docs = [document_to_dict(doc) for doc in list_documents(limit=200)]
        # The freshness line: residents and clerks see how current the catalog is (and when it is stale).
        self.summary = f"共 {count_documents()} 份公开文件，点击标题阅读　　{freshness_line(catalog_status(app.env))}"
        self._rows = [
            {
                "doc_id": d["id"],
                "title": d["title"],
                "meta": "  ·  ".join(part for part in (d["doc_number"], d["issuer"], d["issued"]) if part),
                "validity": "" if d["validity"] == "有效" else d["validity"],
            }
            for d in docs
        ]
        self.filter(self.ids.search.text)
