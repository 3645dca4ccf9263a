"""Chinese line breaking (禁则): no line starts with closing punctuation or ends with opening punctuation.

reportlab's own CJK wrapping knows Japanese rules only (a line may start with ，；：？ or ”) and
hangs at most one character; government texts are full of ，and often of ASCII "," and ")".
Here text is cut into unbreakable units (an opening mark glued to what follows, closing marks
glued to what precedes, a Latin word, number or URL kept whole) and lines are filled greedily
with units, so a closing mark that does not fit takes the character before it to the next line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

# The lists Word uses for Simplified Chinese, plus the ASCII marks that portals put in Chinese text.
CLOSING = (
    "!%),.:;>?]}¢¨°·ˇˉ―‖’”…‰′″›℃∶、。〃〉》」』】〕〗〞︶︺︾﹀﹄﹚﹜﹞！＂％＇），．：；？］｝～￠"
    "—"  # an em dash (written ——) never starts a line and is never split
)
OPENING = "([{£¥$‘“〈《「『【〔〖〝﹙﹛﹝＄（［｛￡￥"

_CLOSE = re.escape(CLOSING)
_OPEN = re.escape(OPENING)
_UNIT = re.compile(
    rf"[{_OPEN}]*"  # opening marks stick to the unit after them
    r"(?:[A-Za-z0-9]+(?:[._:/\-@&?=#~+%]+[A-Za-z0-9]+)*"  # a word, number, date or URL stays whole
    r"|\s+"
    r"|.)"
    rf"[{_CLOSE}]*",  # closing marks stick to the unit before them
    re.S,
)
_CHAR = re.compile(rf".[{_CLOSE}]*", re.S)  # inside an over-long unit, closing marks still stick


@dataclass(frozen=True)
class Line:
    text: str
    width: float
    last: bool  # the paragraph's last line: not justified


def units(text: str) -> list[str]:
    """The pieces a line may be broken between."""
    return _UNIT.findall(text)


def break_lines(text: str, measure: Callable[[str], float], widths: Sequence[float]) -> list[Line]:
    """Fill lines of `widths[i]` (the last width repeats) with `text`; `measure` gives a string's width."""
    lines: list[Line] = []
    current: list[str] = []
    used = 0.0
    fuzz = 1e-6

    def width_of_line() -> float:
        return widths[min(len(lines), len(widths) - 1)]

    def close_line() -> None:
        nonlocal current, used
        piece = "".join(current).rstrip()
        lines.append(Line(piece, measure(piece), last=False))
        current, used = [], 0.0

    for unit in units(text):
        if unit.isspace() and not current and lines:
            continue  # a break swallows the space it happened at
        size = measure(unit)
        if size > width_of_line() + fuzz and not unit.isspace():
            # Longer than a whole line (a long URL): cut it between characters, starting right here.
            for piece in _CHAR.findall(unit):
                piece_size = measure(piece)
                if current and used + piece_size > width_of_line() + fuzz:
                    close_line()
                current.append(piece)
                used += piece_size
            continue
        if current and used + size > width_of_line() + fuzz:
            close_line()
            if unit.isspace():
                continue
        current.append(unit)
        used += size
    if current or not lines:
        piece = "".join(current).rstrip()
        lines.append(Line(piece, measure(piece), last=True))
    else:
        tail = lines[-1]
        lines[-1] = Line(tail.text, tail.width, last=True)
    return lines
