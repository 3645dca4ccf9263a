"""Any page of a PDF as an image (pypdfium2), for the on-screen print preview."""

from __future__ import annotations

import pypdfium2 as pdfium
from PIL import Image

from kiosk.errors import BadInput
from kiosk.printing.pdf import PdfFile


def render_page(pdf: PdfFile | bytes, page: int, *, width: int | None = None, scale: float = 1.0) -> Image.Image:
    """Page `page` (1-based) as an RGB image, `width` pixels wide if given, else at `scale` × 72 dpi."""
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
