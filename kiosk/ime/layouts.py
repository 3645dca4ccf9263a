"""The keyboard's layouts as data, so the widget only draws them: letters, digits with Chinese
punctuation for addresses, and the identity-number pad (digits and X)."""

from __future__ import annotations

LETTER_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
# Digits and the full-width punctuation of Chinese text and addresses (号、栋、室 are typed in pinyin).
SYMBOL_ROWS = ("1234567890", "，。、？！：；", "（）“”—…·－#")
# 居民身份证号码: 17 digits and a check character that may be X (GB 11643).
ID_ROWS = ("123", "456", "789", "X0")
MODES = ("pinyin", "handwriting", "latin", "symbols")
MODE_LABELS = {"pinyin": "拼音", "handwriting": "手写", "latin": "英", "symbols": "123"}


def rows_for(mode: str, *, id_number: bool = False) -> tuple[str, ...]:
    """The key rows of a mode; a field for ID numbers gets the digit pad whatever the mode."""
    if id_number:
        return ID_ROWS
    if mode in ("pinyin", "latin"):
        return LETTER_ROWS
    if mode == "symbols":
        return SYMBOL_ROWS
    return ()
