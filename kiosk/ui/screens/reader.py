"""Reader screen: one document in large type, its 文号, office, dates and validity."""

from __future__ import annotations

import logging

from kivy.app import App
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.label import Label
from kivy.uix.screenmanager import Screen

from kiosk.catalog.documents import document_to_dict, get_document
from kiosk.errors import KioskError
from kiosk.ui.readaloud import ReadsAloud
from kiosk.usage import count_view

log = logging.getLogger(__name__)


class ParagraphLabel(Label):
    """One paragraph: long documents become many small textures instead of one too large for the GPU."""

    role = StringProperty("body")


class ReaderScreen(ReadsAloud, Screen):
    doc_id = StringProperty("")
    title_text = StringProperty("")
    meta_text = StringProperty("")
    body_text = StringProperty("")
    notice = StringProperty("")
    reading = BooleanProperty(False)  # read-aloud going: the button says 停止
    back_to = StringProperty("home")  # the application form opens found documents and wants them back

    def show(self, doc_id: str, back_to: str = "home") -> None:
        self.doc_id = doc_id
        self.back_to = back_to
        try:
            doc = document_to_dict(get_document(doc_id), with_body=True)
        except KioskError as exc:
            # A document withdrawn by a sync while its row was on screen.
            log.warning("reader: %s", exc.message_en)
            self.title_text, self.meta_text, self.body_text = "", "", ""
            self.notice = "该文件已撤回或不存在。"
            self.ids.paragraphs.data = []
            return
        count_view(App.get_running_app().env, doc_id)
        self.title_text = doc["title"]
        self.meta_text = "\n".join(
            part
            for part in (
                f"发文字号：{doc['doc_number']}" if doc["doc_number"] else "",
                f"发文机关：{doc['issuer']}" if doc["issuer"] else "",
                f"成文日期：{doc['issued']}" if doc["issued"] else "",
                f"有效性：{doc['validity']}",
            )
            if part
        )
        self.notice = "" if doc["validity"] == "有效" else f"注意：本文件已{doc['validity']}，仅供查阅。"
        self.body_text = doc["body"]
        rows = [{"text": self.title_text, "role": "title"}, {"text": self.meta_text, "role": "meta"}]
        rows += [{"text": "\u3000\u3000" + p, "role": "body"} for p in self.body_text.split("\n") if p.strip()]
        self.ids.paragraphs.data = rows
        self.ids.paragraphs.scroll_y = 1

    def toggle_reading(self) -> None:
        """朗读 starts reading the document aloud; the same button stops it at any time."""
        if self.reading:
            self.stop_reading()
            return
        self.notice = self.start_reading("\n".join((self.title_text, self.body_text))) or self.notice

    def on_leave(self, *args) -> None:
        self.stop_reading()

    def back(self) -> None:
        app = App.get_running_app()
        if self.back_to == "home":
            app.go_home()
        else:
            app.root.current = self.back_to
