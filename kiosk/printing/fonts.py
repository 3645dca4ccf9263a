"""The bundled CJK font registered once with reportlab; every PDF embeds a subset of it."""

from __future__ import annotations

import functools

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from kiosk.environment import FONT_PATH
from kiosk.errors import StorageError

FONT_NAME = "WenQuanYiMicroHei"


@functools.cache
def cjk_font() -> str:
    """Register WenQuanYi Micro Hei (first face of the .ttc) and return its reportlab name."""
    try:
        # reportlab embeds only the glyphs used (subset) for TrueType fonts: a page costs kilobytes.
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(FONT_PATH), subfontIndex=0))
    except (OSError, TTFError) as exc:
        raise StorageError(
            "打印所需的中文字体缺失或已损坏，请联系工作人员。", f"cannot load the CJK font {FONT_PATH}: {exc}"
        ) from exc
    return FONT_NAME


@functools.lru_cache(maxsize=200_000)
def text_width(text: str, size: float) -> float:
    """Width in points of `text` in the CJK font; cached because line breaking asks per character."""
    return pdfmetrics.stringWidth(text, cjk_font(), size)
