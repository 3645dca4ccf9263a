"""A PDF shown one page at a time, rendered off the main loop (pypdfium2), with big 上一页 / 下一页:
attachments are often scans of dozens of pages, too slow to render while a finger waits."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from kivy.clock import Clock
from kivy.graphics.texture import Texture
from kivy.lang import Builder
from kivy.properties import NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from PIL import Image

from kiosk.errors import KioskError

log = logging.getLogger(__name__)

# pdfium is not thread-safe: one page renders at a time, whoever asks (viewer, print preview).
pdf_lock = threading.Lock()
RENDER_WIDTH = 1100  # pixels: sharp on a 1080-wide portrait panel, small enough to render in ~0.2 s


def image_texture(image: Image.Image) -> Texture:
    """A Kivy texture of a PIL image (call on the main loop: textures belong to the GL context)."""
    rgb = image.convert("RGB")
    texture = Texture.create(size=rgb.size, colorfmt="rgb")
    texture.blit_buffer(rgb.tobytes(), colorfmt="rgb", bufferfmt="ubyte")
    texture.flip_vertical()
    return texture


class PdfPageView(BoxLayout):
    path = StringProperty("")
    page = NumericProperty(0)  # 1-based; 0 while nothing is shown
    pages = NumericProperty(0)
    texture = ObjectProperty(None, allownone=True)
    message = StringProperty("")

    def load(self, path: str) -> None:
        self.path, self.page, self.pages, self.texture = path, 0, 0, None
        self._data: bytes | None = None
        self.message = "正在打开……"
        self._render(1)

    def turn(self, delta: int) -> None:
        target = self.page + delta
        if self.pages and 1 <= target <= self.pages:
            self._render(target)

    def _render(self, page: int) -> None:
        path = self.path

        def work() -> None:
            from kiosk.printing.preview import render_page

            try:
                data = self._data if self._data is not None else Path(path).read_bytes()
                with pdf_lock:
                    import pypdfium2 as pdfium

                    document = pdfium.PdfDocument(data)
                    count = len(document)
                    document.close()
                    image = render_page(data, page, width=RENDER_WIDTH)
            except KioskError as exc:
                log.warning("attachment page %s: %s", page, exc.message_en)
                said = exc.message_zh
                Clock.schedule_once(lambda _dt: setattr(self, "message", said))
                return
            except Exception as exc:  # noqa: BLE001  (a broken attachment must not leave a blank viewer)
                log.error("attachment page %s cannot be rendered: %s", page, type(exc).__name__)
                Clock.schedule_once(lambda _dt: setattr(self, "message", "此附件无法显示，请扫码或请工作人员协助。"))
                return
            self._data = data
            Clock.schedule_once(lambda _dt: self._show(page, count, image))

        threading.Thread(target=work, name="pdf-page", daemon=True).start()

    def _show(self, page: int, count: int, image: Image.Image) -> None:
        if self.path and self._data is not None:
            self.texture = image_texture(image)
            self.page, self.pages, self.message = page, count, ""


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
