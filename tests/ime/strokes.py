"""Hand-made stroke data for simple characters (1000 × 1000 box, y down, in stroke order) and a
'finger' that writes them with wobble, a different size and position each time."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

CHARACTERS: dict[str, list[list[tuple[int, int]]]] = {
    "一": [[(150, 500), (850, 500)]],
    "二": [[(250, 330), (750, 330)], [(150, 680), (850, 680)]],
    "三": [[(250, 250), (750, 250)], [(300, 500), (700, 500)], [(150, 780), (850, 780)]],
    "十": [[(150, 450), (850, 450)], [(500, 120), (500, 900)]],
    "人": [[(500, 150), (450, 450), (150, 850)], [(480, 400), (850, 850)]],
    "大": [[(150, 380), (850, 380)], [(500, 120), (450, 500), (150, 880)], [(500, 450), (850, 880)]],
    "口": [[(250, 250), (250, 800)], [(250, 250), (750, 250), (750, 800)], [(250, 780), (750, 780)]],
    "日": [
        [(280, 150), (280, 880)],
        [(280, 150), (720, 150), (720, 880)],
        [(280, 500), (720, 500)],
        [(280, 860), (720, 860)],
    ],
    "田": [
        [(200, 200), (200, 820)],
        [(200, 200), (800, 200), (800, 820)],
        [(200, 500), (800, 500)],
        [(500, 200), (500, 800)],
        [(200, 800), (800, 800)],
    ],
    "土": [[(250, 400), (750, 400)], [(500, 150), (500, 820)], [(150, 820), (850, 820)]],
    "王": [[(200, 200), (800, 200)], [(250, 500), (750, 500)], [(500, 200), (500, 820)], [(150, 820), (850, 820)]],
    "工": [[(200, 200), (800, 200)], [(500, 200), (500, 800)], [(150, 800), (850, 800)]],
    "上": [[(500, 150), (500, 820)], [(500, 450), (800, 450)], [(150, 820), (850, 820)]],
    "下": [[(150, 200), (850, 200)], [(450, 200), (450, 880)], [(480, 420), (700, 600)]],
    "中": [
        [(250, 300), (250, 700)],
        [(250, 300), (750, 300), (750, 700)],
        [(250, 680), (750, 680)],
        [(500, 100), (500, 920)],
    ],
    "山": [[(500, 150), (500, 800)], [(200, 400), (200, 800), (800, 800)], [(800, 400), (800, 820)]],
    "小": [[(500, 100), (500, 850), (430, 800)], [(300, 380), (150, 700)], [(700, 380), (850, 700)]],
    "木": [[(150, 350), (850, 350)], [(500, 100), (500, 900)], [(480, 380), (150, 780)], [(520, 380), (850, 780)]],
    "天": [
        [(250, 220), (750, 220)],
        [(150, 480), (850, 480)],
        [(500, 220), (450, 550), (150, 880)],
        [(520, 520), (850, 880)],
    ],
    "目": [
        [(300, 120), (300, 880)],
        [(300, 120), (700, 120), (700, 880)],
        [(300, 370), (700, 370)],
        [(300, 620), (700, 620)],
        [(300, 860), (700, 860)],
    ],
    "正": [
        [(200, 150), (800, 150)],
        [(500, 150), (500, 850)],
        [(500, 480), (780, 480)],
        [(280, 400), (280, 850)],
        [(150, 850), (850, 850)],
    ],
}


def handwritten(char: str, seed: int, box: int = 600, wobble: float = 12.0) -> dict:
    """The character as a finger might write it in a `box`-pixel pad: dense, wobbly points, a random
    size (60–95 %) and place, a slight slant. Returns the stroke-file structure."""
    rng = random.Random(f"{char}{seed}")
    size = rng.uniform(0.6, 0.95) * box / 1000
    dx = rng.uniform(0, box - size * 1000)
    dy = rng.uniform(0, box - size * 1000)
    angle = math.radians(rng.uniform(-6, 6))
    strokes = []
    for stroke in CHARACTERS[char]:
        points = []
        for (x0, y0), (x1, y1) in zip(stroke, stroke[1:], strict=False):
            steps = max(2, int(math.hypot(x1 - x0, y1 - y0) / rng.uniform(6, 30)))
            for i in range(steps):
                t = i / steps
                points.append((x0 + (x1 - x0) * t, y0 + (y1 - y0) * t))
        points.append(stroke[-1])
        placed = []
        for x, y in points:
            x, y = x - 500, y - 500
            x, y = x * math.cos(angle) - y * math.sin(angle), x * math.sin(angle) + y * math.cos(angle)
            placed.append(
                [
                    round((x + 500) * size + dx + rng.gauss(0, wobble * size), 1),
                    round((y + 500) * size + dy + rng.gauss(0, wobble * size), 1),
                ]
            )
        strokes.append(placed)
    return {"width": box, "height": box, "strokes": strokes}


def write_stroke_file(path: Path, char: str, seed: int = 0) -> Path:
    path.write_text(json.dumps(handwritten(char, seed)), encoding="utf-8")
    return path
