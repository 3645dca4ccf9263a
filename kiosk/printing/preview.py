"""Any page of a PDF as an image (pypdfium2), for the on-screen print preview; the kiosk makes its
preview in a child process (`preview_in_child`), so the layout and rendering libraries stay out of it."""

from __future__ import annotations

import base64
import io
import json
import subprocess
import sys
from typing import TYPE_CHECKING

from kiosk.errors import BadInput, KioskError, StorageError

if TYPE_CHECKING:
    from PIL import Image

    from kiosk.environment import Env
    from kiosk.printing.pdf import PdfFile


def render_page(pdf: PdfFile | bytes, page: int, *, width: int | None = None, scale: float = 1.0) -> Image.Image:
    """Page `page` (1-based) as an RGB image, `width` pixels wide if given, else at `scale` × 72 dpi."""
    import pypdfium2 as pdfium

    from kiosk.printing.pdf import PdfFile

    data = pdf.data if isinstance(pdf, PdfFile) else pdf
    document = pdfium.PdfDocument(data)
    try:
        total = len(document)
        if not 1 <= page <= total:
            raise BadInput(f"本文件共 {total} 页，没有第 {page} 页。", f"page {page} of {total}", field="page")
        pdf_page = document[page - 1]
        try:
            if width is not None:
                scale = width / pdf_page.get_width()
            return pdf_page.render(scale=scale).to_pil().convert("RGB")
        finally:
            pdf_page.close()
    finally:
        document.close()


def preview_in_child(
    env: Env, doc_id: str, *, large: bool = False, width: int = 720, timeout: float = 120
) -> tuple[int, Image.Image]:
    """(page count, page 1 `width` pixels wide) of the document as it would print, laid out and
    rendered in a child process: reportlab, the embedded CJK font and pdfium take ~50 MB that the
    kiosk's UI process would keep for good. Errors come back typed, with their Chinese message."""
    from PIL import Image

    request = json.dumps({"env": env.for_child(), "doc_id": doc_id, "large": large, "width": width})
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "kiosk.printing.preview"],
            input=request,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as exc:
        raise StorageError("打印预览暂时无法生成，请稍后再试。", f"print preview took over {timeout:.0f} s") from exc
    answer = json.loads(proc.stdout) if proc.stdout.strip() else {}
    if "error" in answer:
        error = answer["error"]
        raise KioskError(error["message_zh"], error["message_en"], field=error.get("field"))
    if "png" not in answer:
        tail = proc.stderr.strip().splitlines()[-1:] or ["no output"]
        raise StorageError(
            "打印预览暂时无法生成，请稍后再试。", f"print preview process exited {proc.returncode}: {tail[0]}"
        )
    image = Image.open(io.BytesIO(base64.b64decode(answer["png"])))
    return answer["pages"], image.convert("RGB")


def _child_main() -> None:
    from kiosk.environment import Env
    from kiosk.printing.service import render_document

    request = json.loads(sys.stdin.read())
    env = Env.from_parent(request["env"])
    try:
        _doc, pdf = render_document(env, request["doc_id"], large=request["large"])
        image = render_page(pdf, 1, width=request["width"])
    except KioskError as exc:
        print(json.dumps({"error": exc.to_dict()}, ensure_ascii=False))
        return
    png = io.BytesIO()
    image.save(png, format="PNG")
    print(json.dumps({"pages": pdf.pages, "png": base64.b64encode(png.getvalue()).decode("ascii")}))


if __name__ == "__main__":
    _child_main()
