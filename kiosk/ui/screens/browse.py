"""分类浏览: the catalog by 主题分类, issuing office or year, then a group's documents, without typing."""

from __future__ import annotations

import logging
from pathlib import Path

from kivy.app import App
from kivy.lang import Builder
from kivy.properties import StringProperty
from kivy.uix.screenmanager import Screen

from kiosk.catalog import browse
from kiosk.errors import KioskError
from kiosk.ui.widgets import header, listing  # noqa: F401  (registers KioskHeader and the rows for the .kv)

log = logging.getLogger(__name__)


class BrowseScreen(Screen):
    kind = StringProperty("category")
    group_value = StringProperty("")
    group_label = StringProperty("")  # "" while the groups are listed, else the group whose documents show
    title_text = StringProperty("分类浏览")
    notice = StringProperty("")

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._page = 1

    def start(self, kind: str = "category") -> None:
        """From the home tile: the groups of one kind, from the top."""
        self.show_groups(kind)

    def clear_personal_data(self) -> None:
        self.show_groups("category")

    def show_groups(self, kind: str) -> None:
        self.kind, self.group_value, self.group_label, self.notice = kind, "", "", ""
        self.title_text = "分类浏览"
        try:
            groups = browse.groups(kind)
        except KioskError as exc:
            log.warning("browse: %s", exc.message_en)
            groups, self.notice = [], exc.message_zh
        self.ids.list.data = [
            {
                "viewclass": "GroupRow",
                "kind": g.kind,
                "value": g.value,
                "label": g.label,
                "count": g.count,
                "chooser": self.show_documents,
            }
            for g in groups
        ]
        self.ids.list.scroll_y = 1
        self.ids.pager.page_text = ""

    def show_documents(self, kind: str, value: str, label: str, page: int = 1) -> None:
        self.kind, self.group_value, self.group_label = kind, value, label
        self.title_text = label
        try:
            found = browse.documents(kind, value, page)
        except KioskError as exc:
            log.warning("browse: %s", exc.message_en)
            self.notice = exc.message_zh
            return
        self._page = found.page
        self.notice = f"共 {found.total} 份，最新的在前"
        self.ids.list.data = [
            {
                "viewclass": "ResultRow",
                "doc_id": row["id"],
                "title": row["title"],
                "meta": row["meta"],
                "validity": "" if row["validity"] == "有效" else row["validity"],
                "snippet": "",
                "back_to": "browse",
            }
            for row in found.rows
        ]
        self.ids.list.scroll_y = 1
        pager = self.ids.pager
        pager.page_text = found.page_text
        pager.has_previous, pager.has_next = found.page > 1, found.page < found.pages

    def turn(self, step: int) -> None:
        if self.group_label:
            self.show_documents(self.kind, self.group_value, self.group_label, self._page + step)

    def back(self) -> None:
        """返回: from a group's documents to the groups, from the groups to the home screen."""
        if self.group_label:
            self.show_groups(self.kind)
        else:
            App.get_running_app().go_home()


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
