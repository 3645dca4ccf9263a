"""A finished PDF with its page count, page-range parsing, and cutting a PDF down to chosen pages."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pypdfium2 as pdfium
from reportlab.pdfgen.canvas import Canvas

from kiosk.errors import BadInput


@dataclass(frozen=True)
class PdfFile:
    data: bytes
    pages: int
    title: str = ""

    def __len__(self) -> int:
        return len(self.data)


class PagedCanvas(Canvas):
    """A canvas that holds pages back until the end, so each page can say "第 x 页 共 y 页"."""

    def __init__(self, *args: Any, decorate: Callable[[Canvas, int, int], None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held_pages: list[dict] = []
        self._decorate = decorate

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        self._held_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._held_pages)
        for number, state in enumerate(self._held_pages, start=1):
            self.__dict__.update(state)
            self._decorate(self, number, total)
            super().showPage()
        super().save()


_RANGE = re.compile(r"^\s*(\d+)\s*(?:(-)\s*(\d*)\s*)?$")


def parse_page_ranges(spec: str, total: int) -> list[int]:
    """'1-3,5,8-' → [1, 2, 3, 5, 8, …, total] (1-based, ascending, no repeats); 全角 marks accepted."""
    text = spec.translate(str.maketrans("，、－—～~０１２３４５６７８９", ",,----0123456789"))
    pages: set[int] = set()
    for part in text.split(","):
        match = _RANGE.match(part)
        if not match:
            raise BadInput(
                f"页码范围“{spec}”无法识别，请写成 1-3 或 1-3,5 的形式。",
                f"page range {spec!r} is not like 1-3,5",
                field="pages",
            )
        first = int(match.group(1))
        last = first if not match.group(2) else int(match.group(3) or total)
        if first < 1 or last < first:
            raise BadInput(
                f"页码范围“{part.strip()}”无效：起始页应从 1 开始且不大于结束页。",
                f"page range {part.strip()!r} is empty or starts below 1",
                field="pages",
            )
        if last > total:
            raise BadInput(
                f"本文件共 {total} 页，没有第 {last} 页。",
                f"page {last} requested but the document has {total} pages",
                field="pages",
            )
        pages.update(range(first, last + 1))
    return sorted(pages)


def format_page_ranges(pages: list[int]) -> str:
    """[1, 2, 3, 5] → '1-3,5' (for logs and messages)."""
    parts: list[str] = []
    for page in sorted(pages):
        if parts and page == parts[-1][1] + 1:
            parts[-1] = (parts[-1][0], page)
        else:
            parts.append((page, page))
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in parts)


def select_pages(pdf: PdfFile, pages: list[int]) -> PdfFile:
    """A new PDF with only `pages` (1-based); the pages keep their own "第 x 页 共 y 页" footers."""
    if pages == list(range(1, pdf.pages + 1)):
        return pdf
    source = pdfium.PdfDocument(pdf.data)
    try:
        target = pdfium.PdfDocument.new()
        try:
            target.import_pages(source, [page - 1 for page in pages])
            buffer = io.BytesIO()
            target.save(buffer)
        finally:
            target.close()
    finally:
        source.close()
    return PdfFile(buffer.getvalue(), len(pages), pdf.title)


def count_pages(data: bytes) -> int:
    document = pdfium.PdfDocument(data)
    try:
        return len(document)
    finally:
        document.close()
