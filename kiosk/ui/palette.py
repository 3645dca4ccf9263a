"""The kiosk's colours as plain values, apart from Kivy, so a unit test can prove every text colour
reads at 7:1 (WCAG AAA) on the background it is drawn on, in both modes."""

from __future__ import annotations

Colour = tuple[float, float, float, float]

# Standard mode: warm paper, near-black text, 政务红 header. Elderly mode: black on a light grey page
# and a darker red, because contrast matters more than warmth for ageing eyes; the page stays a shade
# below white so white tiles and rows (choices, related documents) still stand out as things to tap.
NORMAL: dict[str, Colour] = {
    "background": (0.96, 0.96, 0.94, 1),
    "surface": (1.0, 1.0, 1.0, 1),  # rows and cards on the background
    "surface_pressed": (0.86, 0.86, 0.83, 1),
    "text": (0.10, 0.10, 0.10, 1),
    "muted": (0.27, 0.27, 0.27, 1),
    "warning": (0.55, 0.12, 0.0, 1),
    "header": (0.60, 0.06, 0.06, 1),  # 政务红, darkened until white text on it passes 7:1
    "on_header": (1.0, 1.0, 1.0, 1),
    "button": (0.22, 0.24, 0.28, 1),
    "button_pressed": (0.10, 0.11, 0.13, 1),
    "on_button": (1.0, 1.0, 1.0, 1),
    "primary": (0.60, 0.06, 0.06, 1),  # the one action that matters on a screen (打印, 确认)
    "on_primary": (1.0, 1.0, 1.0, 1),
    "overlay": (0.0, 0.0, 0.0, 0.55),  # behind dialogs; not a text background
}

ELDERLY: dict[str, Colour] = {
    **NORMAL,
    "background": (0.91, 0.91, 0.89, 1),
    "surface": (1.0, 1.0, 1.0, 1),
    "surface_pressed": (0.80, 0.80, 0.80, 1),
    "text": (0.0, 0.0, 0.0, 1),
    "muted": (0.15, 0.15, 0.15, 1),
    "warning": (0.45, 0.05, 0.0, 1),
    "header": (0.50, 0.0, 0.0, 1),
    "button": (0.0, 0.0, 0.0, 1),
    "button_pressed": (0.25, 0.25, 0.25, 1),
    "primary": (0.50, 0.0, 0.0, 1),
}

# Every text colour and each background it is drawn on (pressed states keep their label).
TEXT_PAIRS: tuple[tuple[str, str], ...] = (
    ("text", "background"),
    ("muted", "background"),
    ("warning", "background"),
    ("text", "surface"),
    ("muted", "surface"),
    ("warning", "surface"),
    ("text", "surface_pressed"),
    ("on_header", "header"),
    ("on_button", "button"),
    ("on_button", "button_pressed"),
    ("on_primary", "primary"),
)


def relative_luminance(colour: Colour) -> float:
    """WCAG 2.x relative luminance of an sRGB colour given as 0–1 floats."""

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in colour[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(foreground: Colour, background: Colour) -> float:
    lighter, darker = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
