"""Reader screen: one document in large type — its 文号, office, dates and validity, related documents
to follow, attachments to open page by page, a QR code to take it home, and 打印."""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.core.image import Image as CoreImage
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.modalview import ModalView
from kivy.uix.screenmanager import Screen

from kiosk.catalog.documents import document_to_dict, get_document
from kiosk.errors import KioskError
from kiosk.printing.quota import QuotaExceeded
from kiosk.ui.readaloud import ReadsAloud
from kiosk.ui.theme import READER_STEPS, theme
from kiosk.ui.widgets import header  # noqa: F401  (registers KioskHeader for reader.kv)
from kiosk.ui.widgets.pdfview import image_texture  # the import registers PdfPageView too
from kiosk.usage import count_view

log = logging.getLogger(__name__)

RELATION_LABELS = {
    "interpreted_by": "本文件的解读",
    "interprets": "本解读所解读的政策",
    "cites": "本文件引用的文件",
    "cited_by": "引用本文件的文件",
}
MEDIA_TYPES = {
    "application/pdf": "PDF",
    "application/msword": "Word",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
    "application/vnd.ms-excel": "Excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel",
    "application/zip": "压缩包",
    "text/plain": "文本",
}


def media_label(media_type: str | None, name: str) -> str:
    """A type a resident recognises (PDF, Word, 图片) rather than a MIME type."""
    if media_type in MEDIA_TYPES:
        return MEDIA_TYPES[media_type]
    if media_type and media_type.startswith("image/"):
        return "图片"
    suffix = name.rpartition(".")[2]
    return suffix.upper() if suffix and suffix != name else "文件"


def size_label(size: int | None) -> str:
    if not size:
        return ""
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def in_background(work: Callable[[], Any], done: Callable[[Any, str], None], what: str) -> None:
    """Run `work` off the main loop; `done(result, message_zh)` runs back on it (message "" on success).

    The UI boundary for worker threads: an error a person can meet says its own Chinese message; any
    other is logged (type and place only) and said calmly, so a dialog never waits for ever."""

    def run() -> None:
        try:
            result, message = work(), ""
        except KioskError as exc:
            log.warning("%s: %s", what, exc.message_en)
            result, message = exc, exc.message_zh
        except Exception as exc:  # noqa: BLE001  (the UI boundary: log it, say it calmly)
            log.error("%s failed: %s", what, type(exc).__name__, exc_info=exc)
            result, message = exc, "出了点问题，请稍后再试，或请工作人员协助。"
        Clock.schedule_once(lambda _dt: done(result, message))

    threading.Thread(target=run, name=what, daemon=True).start()


class ReaderText(Label):
    """One paragraph: long documents become many small textures instead of one too large for the GPU."""

    role = StringProperty("body")
    zoom = NumericProperty(1.0)


class RelatedRow(ButtonBehavior, BoxLayout):
    doc_id = StringProperty("")
    title = StringProperty("")
    detail = StringProperty("")
    zoom = NumericProperty(1.0)

    def on_release(self) -> None:
        if self.doc_id:
            App.get_running_app().root.get_screen("reader").follow(self.doc_id)


class AttachmentRow(ButtonBehavior, BoxLayout):
    name = StringProperty("")
    kind = StringProperty("")
    size_text = StringProperty("")  # not `size`: that is the widget's own
    sha256 = StringProperty("")
    viewable = BooleanProperty(False)
    zoom = NumericProperty(1.0)

    def on_release(self) -> None:
        App.get_running_app().root.get_screen("reader").open_attachment(self.name, self.sha256, self.viewable)


class QrRow(BoxLayout):
    texture = ObjectProperty(None, allownone=True)
    url = StringProperty("")
    zoom = NumericProperty(1.0)


def qr_texture(url: str):
    """The source page's address as a QR code texture (segno), for a phone to take the page home."""
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=8, border=2)
    buffer.seek(0)
    return CoreImage(buffer, ext="png").texture


class ReaderScreen(ReadsAloud, Screen):
    doc_id = StringProperty("")
    title_text = StringProperty("")
    meta_text = StringProperty("")
    body_text = StringProperty("")
    notice = StringProperty("")
    source_url = StringProperty("")
    reading = BooleanProperty(False)  # read-aloud going: the button says 停止
    back_to = StringProperty("home")  # the application form opens found documents and wants them back
    text_step = NumericProperty(0)  # index into READER_STEPS (A− / A+)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._doc: dict[str, Any] | None = None
        self._related: dict[str, list[dict]] = {}
        self._history: list[str] = []  # documents opened from related rows, for 返回
        self._qr = None
        theme.bind(elderly=lambda *_a: self._fill())

    # --- showing a document ---------------------------------------------------------------------

    def show(self, doc_id: str, back_to: str = "home") -> None:
        self._history = []
        self.back_to = back_to
        self._load(doc_id)

    def follow(self, doc_id: str) -> None:
        """A related row tapped: its document, with 返回 coming back to this one."""
        if self.doc_id:
            self._history.append(self.doc_id)
        self._load(doc_id)

    def _load(self, doc_id: str) -> None:
        from kiosk.catalog.search import related

        self.stop_reading()
        self.doc_id = doc_id
        try:
            doc = document_to_dict(get_document(doc_id), with_body=True)
            links = related(doc_id)
        except KioskError as exc:
            # A document withdrawn by a sync while its row was on screen.
            log.warning("reader: %s", exc.message_en)
            self._doc, self._related, self._qr = None, {}, None
            self.title_text, self.meta_text, self.body_text, self.source_url = "", "", "", ""
            self.notice = "该文件已撤回或不存在。"
            self._fill()
            return
        count_view(App.get_running_app().env, doc_id)
        self._doc, self._related = doc, links
        self.title_text = doc["title"]
        self.meta_text = "\n".join(
            part
            for part in (
                f"发文字号：{doc['doc_number']}" if doc["doc_number"] else "",
                f"发文机关：{doc['issuer']}" if doc["issuer"] else "",
                f"成文日期：{doc['issued']}" if doc["issued"] else "",
                f"发布日期：{doc['published']}" if doc.get("published") else "",
                f"主题分类：{doc['category']}" if doc.get("category") else "",
                f"有效性：{doc['validity']}",
            )
            if part
        )
        self.notice = "" if doc["validity"] == "有效" else f"注意：本文件已{doc['validity']}，仅供查阅。"
        self.body_text = doc["body"] or ""
        self.source_url = doc.get("source_url") or ""
        self._qr = qr_texture(self.source_url) if self.source_url else None
        self._fill()

    def _fill(self) -> None:
        """The rows of the scrolling page, at the chosen type size."""
        if not self.ids:
            return
        zoom = READER_STEPS[int(self.text_step)]
        rows: list[dict[str, Any]] = []

        def text(role: str, value: str) -> None:
            rows.append({"viewclass": "ReaderText", "text": value, "role": role, "zoom": zoom})

        if self._doc is None:  # withdrawn, or reset: the notice (if any) is the whole page
            if self.notice:
                text("notice", "▲ " + self.notice)
            self.ids.paragraphs.data = rows
            return
        text("title", self.title_text)
        text("meta", self.meta_text)
        if self.notice:
            text("notice", "▲ " + self.notice)  # a mark as well as a colour
        # A 解读 and its policy lead the page (following one is what residents come for); what the
        # document cites, or is cited by, follows the text it belongs to.
        self._related_rows(rows, ("interpreted_by", "interprets"), zoom)
        for paragraph in self.body_text.split("\n"):
            if paragraph.strip():
                text("body", "\u3000\u3000" + paragraph.strip())
        self._related_rows(rows, ("cites", "cited_by"), zoom)
        attachments = self._doc.get("attachments") or []
        if attachments:
            text("section", f"附件（{len(attachments)} 个）")
        for item in attachments:
            kind = media_label(item.get("media_type"), item["name"])
            rows.append(
                {
                    "viewclass": "AttachmentRow",
                    "name": item["name"],
                    "kind": kind,
                    "size_text": size_label(item.get("size")),
                    "sha256": item["sha256"],
                    "viewable": kind == "PDF",
                    "zoom": zoom,
                }
            )
        if self._qr is not None:
            text("section", "扫码在手机上阅读原文")
            rows.append({"viewclass": "QrRow", "texture": self._qr, "url": self.source_url, "zoom": zoom})
        self.ids.paragraphs.data = rows
        self.ids.paragraphs.scroll_y = 1

    def _related_rows(self, rows: list[dict[str, Any]], kinds: tuple[str, ...], zoom: float) -> None:
        for kind in kinds:
            entries = self._related.get(kind) or []
            if entries:
                rows.append({"viewclass": "ReaderText", "text": RELATION_LABELS[kind], "role": "section", "zoom": zoom})
            for entry in entries:
                known = bool(entry.get("id"))
                title = entry.get("title") or entry.get("doc_number") or ""
                rows.append(
                    {
                        "viewclass": "RelatedRow",
                        "doc_id": entry.get("id") or "",
                        "title": title + ("  ›" if known else ""),
                        "detail": " · ".join(
                            p for p in (entry.get("doc_number"), "" if known else "本目录未收录") if p
                        ),
                        "zoom": zoom,
                    }
                )

    # --- type size and paging -------------------------------------------------------------------

    def bigger(self) -> None:
        self.text_step = min(len(READER_STEPS) - 1, self.text_step + 1)

    def smaller(self) -> None:
        self.text_step = max(0, self.text_step - 1)

    def on_text_step(self, *_args) -> None:
        top = self.ids.paragraphs.scroll_y
        self._fill()
        self.ids.paragraphs.scroll_y = top

    def page(self, direction: int) -> None:
        """上一屏 (-1) / 下一屏 (+1): one view height less a line, so no line is skipped."""
        view = self.ids.paragraphs
        overflow = view.children[0].height - view.height if view.children else 0
        if overflow <= 0:
            return
        step = max(view.height - theme.font_body * 3, view.height / 2) / overflow
        view.scroll_y = min(1.0, max(0.0, view.scroll_y - direction * step))
        effect = view.effect_y
        if effect is not None:  # the scroll effect keeps its own pixel position: keep it in step
            effect.velocity = 0
            effect.value = effect.max * view.scroll_y if effect.max else 0

    # --- attachments and printing ---------------------------------------------------------------

    def open_attachment(self, name: str, sha256: str, viewable: bool) -> None:
        app = App.get_running_app()
        path = app.env.files_dir / sha256[:2] / sha256
        if not viewable:
            self.notice = f"附件“{name}”不能在屏幕上打开，请扫码在手机上查看，或请工作人员协助。"
            self._fill()
            return
        if not path.is_file():
            log.warning("attachment %s of %s is not on this terminal", sha256[:12], self.doc_id)
            self.notice = f"附件“{name}”尚未下载到本机，请稍后再试。"
            self._fill()
            return
        AttachmentViewer(name=name, path=str(path)).open()

    def start_print(self) -> None:
        if self.doc_id and self._doc is not None:
            PrintDialog(doc_id=self.doc_id, doc_title=self.title_text).open()

    # --- 朗读, 返回, reset ------------------------------------------------------------------------

    def toggle_reading(self) -> None:
        """朗读 starts reading the document aloud; the same button stops it at any time."""
        if self.reading:
            self.stop_reading()
            return
        message = self.start_reading("\n".join((self.title_text, self.body_text)))
        if message:
            self.notice = message
            self._fill()

    def on_leave(self, *args) -> None:
        self.stop_reading()

    def back(self) -> None:
        if self._history:
            self._load(self._history.pop())
            return
        app = App.get_running_app()
        if self.back_to == "home":
            app.go_home()
        else:
            app.root.current = self.back_to

    def reset(self) -> None:
        """The idle reset: nothing of the last visit stays, and the next one starts at normal size."""
        self.stop_reading()
        self._history = []
        self._doc, self._related, self._qr = None, {}, None
        self.doc_id = self.title_text = self.meta_text = self.body_text = self.notice = self.source_url = ""
        self.text_step = 0
        self._fill()


class AttachmentViewer(ModalView):
    """A PDF attachment page by page, over the reader."""

    name = StringProperty("")
    path = StringProperty("")

    def on_open(self) -> None:
        self.ids.pages.load(self.path)


class PrintDialog(ModalView):
    """打印: the page count and page 1 first; a page range when the document is longer than what the
    visit may still print; then the job in a worker thread and its outcome in words."""

    doc_id = StringProperty("")
    doc_title = StringProperty("")
    stage = StringProperty("preparing")  # preparing → ready → printing → done
    message = StringProperty("正在准备打印预览……")
    total_pages = NumericProperty(0)
    first_page = NumericProperty(1)
    last_page = NumericProperty(1)
    needs_range = BooleanProperty(False)
    preview = ObjectProperty(None, allownone=True)

    def on_open(self) -> None:
        app = App.get_running_app()
        env, large = app.env, theme.elderly

        def prepare():
            from kiosk.printing.preview import preview_in_child

            return preview_in_child(env, self.doc_id, large=large, width=720)

        in_background(prepare, self._prepared, "print-preview")

    def _prepared(self, result, message: str) -> None:
        if message:
            self.stage, self.message = "done", message
            return
        pages, image = result
        self.preview = image_texture(image)
        self.total_pages = pages
        quota = App.get_running_app().print_quota
        self.first_page, self.last_page = 1, pages
        try:
            quota.check(pages, total=pages, whole_document=True)
            self.needs_range = False
            self.message = f"共 {pages} 页。确认后开始打印。"
        except QuotaExceeded as exc:
            self.needs_range = True
            self.last_page = max(1, min(pages, quota.remaining))
            self.message = exc.message_zh
        self.stage = "ready"

    def move(self, which: str, delta: int) -> None:
        """The range steppers: the first page stays before the last, both inside the document."""
        if which == "first":
            self.first_page = min(max(1, self.first_page + delta), self.last_page)
        else:
            self.last_page = max(min(self.total_pages, self.last_page + delta), self.first_page)

    @property
    def chosen_pages(self) -> str | None:
        if not self.needs_range:
            return None
        return f"{self.first_page}-{self.last_page}" if self.first_page != self.last_page else str(self.first_page)

    def confirm(self) -> None:
        if self.stage != "ready":
            return
        app = App.get_running_app()
        env, quota, pages, large = app.env, app.print_quota, self.chosen_pages, theme.elderly
        self.stage, self.message = "printing", "正在打印，请稍候……"

        def send():
            from kiosk.printing.service import print_document

            return print_document(env, self.doc_id, pages=pages, large=large, quota=quota)

        in_background(send, self._printed, "print-document")

    def _printed(self, outcome, message: str) -> None:
        if message:
            # Still over the quota after a range was chosen: stay on the range choice.
            self.stage = "ready" if isinstance(outcome, QuotaExceeded) else "done"
            self.message = message
            return
        self.stage = "done"
        self.message = f"已打印 {outcome.page_count} 页，请在打印机出纸口取走。"


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
