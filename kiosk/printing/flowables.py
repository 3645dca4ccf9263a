"""reportlab flowables for Chinese text (our line breaking, justified lines) and QR codes."""

from __future__ import annotations

from dataclasses import dataclass, replace

import segno
from reportlab.lib import colors
from reportlab.platypus import Flowable, TableStyle

from kiosk.printing.fonts import cjk_font, text_width
from kiosk.printing.linebreak import Line, break_lines


@dataclass(frozen=True)
class TextStyle:
    size: float = 12
    leading_ratio: float = 1.6
    indent_chars: float = 0  # first-line indent in characters (Chinese paragraphs indent two)
    align: str = "justify"  # justify, left, center or right
    space_before: float = 0
    space_after: float = 0
    bold: bool = False  # the font has one weight: bold is drawn as filled-and-stroked outlines
    color: colors.Color = colors.black

    @property
    def leading(self) -> float:
        return self.size * self.leading_ratio

    def but(self, **changes) -> TextStyle:
        return replace(self, **changes)


class CJKParagraph(Flowable):
    """A paragraph of Chinese text, broken by `linebreak` and split across pages between lines."""

    def __init__(self, text: str, style: TextStyle, *, lines: list[Line] | None = None, first: bool = True) -> None:
        super().__init__()
        self.text = text
        self.style = style
        self._lines = lines
        self._first = first  # a continuation on the next page has no first-line indent
        self._wrapped_for: float | None = None if lines is None else -1.0

    def _measure(self, text: str) -> float:
        return text_width(text, self.style.size)

    def _layout(self, avail_width: float) -> list[Line]:
        if self._lines is not None and (self._wrapped_for == -1.0 or self._wrapped_for == avail_width):
            return self._lines
        indent = self.style.indent_chars * self.style.size if self._first else 0
        self._lines = break_lines(self.text, self._measure, [avail_width - indent, avail_width])
        self._wrapped_for = avail_width
        return self._lines

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self._avail_width = avail_width
        lines = self._layout(avail_width)
        self.width = avail_width
        self.height = len(lines) * self.style.leading
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        lines = self._layout(avail_width)
        # Asked to split, so it does not fit whole: never hand itself back unchanged (platypus would loop).
        fit = min(int((avail_height + 1e-6) // self.style.leading), len(lines) - 1)
        if len(lines) - fit == 1 and fit > 2:
            fit -= 1  # no single line left alone at the top of the next page
        if fit < 2:
            return []  # no single line alone at the bottom of a page: start on the next one
        head = CJKParagraph(self.text, self.style.but(space_after=0), lines=lines[:fit], first=self._first)
        tail = CJKParagraph(self.text, self.style.but(space_before=0), lines=lines[fit:], first=False)
        return [head, tail]

    def getSpaceBefore(self) -> float:  # noqa: N802 (reportlab's name)
        return self.style.space_before

    def getSpaceAfter(self) -> float:  # noqa: N802
        return self.style.space_after

    def draw(self) -> None:
        style = self.style
        canvas = self.canv
        font = cjk_font()
        width = self.width
        indent = style.indent_chars * style.size if self._first else 0
        text = canvas.beginText()
        text.setFont(font, style.size)
        text.setFillColor(style.color)
        if style.bold:
            canvas.setStrokeColor(style.color)
            canvas.setLineWidth(style.size * 0.035)
            text.setTextRenderMode(2)
        # Centre the glyphs in their line box.
        baseline = self.height - (style.leading - style.size) / 2 - style.size * 0.86
        for number, line in enumerate(self._lines or []):
            line_indent = indent if number == 0 else 0
            room = width - line_indent
            x = line_indent
            char_space = 0.0
            if style.align == "center":
                x += (room - line.width) / 2
            elif style.align == "right":
                x += room - line.width
            elif style.align == "justify" and not line.last and len(line.text) > 1:
                char_space = max(0.0, (room - line.width) / (len(line.text) - 1))
            text.setCharSpace(char_space)
            text.setTextOrigin(x, baseline - number * style.leading)
            text.textOut(line.text)
        canvas.drawText(text)


class QRCode(Flowable):
    """A QR code drawn as vector squares from segno's matrix (sharp at any printer resolution)."""

    def __init__(self, data: str, size: float, *, quiet_zone: int = 2) -> None:
        super().__init__()
        self.data = data
        self.matrix = segno.make(data, error="m", micro=False).matrix
        self.quiet_zone = quiet_zone
        self.width = self.height = size

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        draw_qr(self.canv, self.matrix, 0, 0, self.width, quiet_zone=self.quiet_zone)


def draw_qr(canvas, matrix, x: float, y: float, size: float, *, quiet_zone: int = 2) -> None:
    """Draw a QR matrix with its quiet zone into the square (x, y, size); runs of dark modules are one rectangle."""
    modules = len(matrix) + 2 * quiet_zone
    unit = size / modules
    path = canvas.beginPath()
    for row_number, row in enumerate(matrix):
        top = y + size - (row_number + quiet_zone) * unit
        start = None
        for col, dark in enumerate([*row, 0]):
            if dark and start is None:
                start = col
            elif not dark and start is not None:
                path.rect(x + (start + quiet_zone) * unit, top - unit, (col - start) * unit, unit)
                start = None
    canvas.saveState()
    canvas.setFillColor(colors.black)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


def table_style(*commands: tuple) -> TableStyle:
    """A TableStyle in the CJK font (else reportlab sets Helvetica, an unembedded font, in every table)."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), cjk_font()), *commands])
