"""政策解读: every 解读 with the policy it explains; either one opens in the reader."""

from __future__ import annotations

import logging
from pathlib import Path

from kivy.lang import Builder
from kivy.properties import StringProperty
from kivy.uix.screenmanager import Screen

from kiosk.catalog import browse
from kiosk.errors import KioskError
from kiosk.ui.widgets import header, listing  # noqa: F401  (registers KioskHeader and the rows for the .kv)

log = logging.getLogger(__name__)


class InterpretationsScreen(Screen):
    notice = StringProperty("")

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._page = 1

    def start(self) -> None:
        self.show(1)

    def clear_personal_data(self) -> None:
        self._page = 1

    def show(self, page: int) -> None:
        try:
            found = browse.interpretations(page)
        except KioskError as exc:
            log.warning("interpretations: %s", exc.message_en)
            self.notice = exc.message_zh
            return
        self._page = found.page
        self.notice = (
            f"共 {found.total} 篇政策解读，点解读或它所解读的政策即可阅读" if found.total else "目录中暂无政策解读"
        )
        self.ids.list.data = [
            {
                "doc_id": row["id"],
                "title": row["title"],
                "meta": row["meta"],
                "policy_id": (row["policy"] or {}).get("id") or "",
                "policy_title": (row["policy"] or {}).get("title") or "",
            }
            for row in found.rows
        ]
        self.ids.list.scroll_y = 1
        pager = self.ids.pager
        pager.page_text = found.page_text if found.total else ""
        pager.has_previous, pager.has_next = found.page > 1, found.page < found.pages

    def turn(self, step: int) -> None:
        self.show(self._page + step)


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
