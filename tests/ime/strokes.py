"""Hand-made stroke data for simple characters (1000 × 1000 box, y down, in stroke order) and a
'finger' that writes them with wobble, a different size and position each time."""

from __future__ import annotations

import json
import math
import random
import re
from collections.abc import Iterable
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
    "开": [
        [(200, 250), (800, 250)],
        [(120, 540), (880, 540)],
        [(380, 250), (370, 600), (180, 900)],
        [(640, 250), (640, 900)],
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


# --- An independent stroke source: KanjiVG ---------------------------------------------------------
# KanjiVG (Ulrich Apel, CC BY-SA 3.0; PyPI `kanjivg`) draws each character stroke by stroke by hand.
# The recogniser's templates come from Make Me a Hanzi (Arphic fonts), so writing KanjiVG strokes
# tests it on shapes it has never seen. A sample of it ships in assets/handwriting/ for the tests;
# the benchmark reads the whole package.

KANJIVG_FRAME = 109
SAMPLE = Path(__file__).resolve().parents[2] / "assets" / "handwriting" / "kanjivg-sample.json"
VARIANTS = ("careful", "wobbly", "wrong-order", "reversed-stroke", "joined-stroke")

_PATH_TOKEN = re.compile(r"[MmCcSsLlHhVvZz]|-?\d*\.?\d+(?:e-?\d+)?")


def parse_svg_path(d: str) -> list[tuple[float, float]]:
    """The points of one SVG stroke path (KanjiVG uses M, C, S, L and their relative forms)."""
    tokens = _PATH_TOKEN.findall(d)
    points: list[tuple[float, float]] = []
    x = y = 0.0
    control: tuple[float, float] | None = None
    command = "M"
    i = 0

    def cubic(p0, p1, p2, p3):
        for t in (0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1.0):
            u = 1 - t
            points.append(
                (
                    u**3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0],
                    u**3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1],
                )
            )

    while i < len(tokens):
        if tokens[i].isalpha():
            command = tokens[i]
            i += 1
            if command in "Zz":
                continue
        numbers = []
        arity = {"M": 2, "L": 2, "C": 6, "S": 4, "H": 1, "V": 1}[command.upper()]
        for _ in range(arity):
            numbers.append(float(tokens[i]))
            i += 1
        relative = command.islower()
        ox, oy = (x, y) if relative else (0.0, 0.0)
        kind = command.upper()
        if kind == "M":
            x, y = ox + numbers[0], oy + numbers[1]
            points.append((x, y))
            command = "l" if relative else "L"
            control = None
        elif kind == "L":
            x, y = ox + numbers[0], oy + numbers[1]
            points.append((x, y))
            control = None
        elif kind in "HV":
            x, y = (ox + numbers[0], y) if kind == "H" else (x, oy + numbers[0])
            points.append((x, y))
            control = None
        elif kind == "C":
            p1 = (ox + numbers[0], oy + numbers[1])
            p2 = (ox + numbers[2], oy + numbers[3])
            p3 = (ox + numbers[4], oy + numbers[5])
            cubic((x, y), p1, p2, p3)
            control, (x, y) = p2, p3
        elif kind == "S":
            p1 = (2 * x - control[0], 2 * y - control[1]) if control else (x, y)
            p2 = (ox + numbers[0], oy + numbers[1])
            p3 = (ox + numbers[2], oy + numbers[3])
            cubic((x, y), p1, p2, p3)
            control, (x, y) = p2, p3
    return points


def read_kanjivg(folder: Path, chars: Iterable[str]) -> dict[str, list[list[tuple[float, float]]]]:
    """Strokes (109 × 109 frame, y down, in stroke order) of the characters KanjiVG has, by character."""
    found = {}
    for char in chars:
        path = folder / f"{ord(char):05x}.svg"
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        strokes = [parse_svg_path(d) for d in re.findall(r'<path[^>]*\sd="([^"]+)"', text)]
        if strokes:
            found[char] = strokes
    return found


def load_sample() -> dict[str, list[list[tuple[float, float]]]]:
    return {char: strokes for char, strokes in json.loads(SAMPLE.read_text(encoding="utf-8")).items()}


def _dense(stroke: list[tuple[float, float]], rng: random.Random) -> list[tuple[float, float]]:
    """Points as a finger on glass reports them: uneven spacing where it speeds up and slows down."""
    points = []
    for (x0, y0), (x1, y1) in zip(stroke, stroke[1:], strict=False):
        steps = max(1, int(math.hypot(x1 - x0, y1 - y0) / rng.uniform(6, 24)))
        points.extend((x0 + (x1 - x0) * i / steps, y0 + (y1 - y0) * i / steps) for i in range(steps))
    points.append(stroke[-1])
    return points


def write_like_a_finger(
    strokes: list[list[tuple[float, float]]], variant: str, seed: int, frame: float = KANJIVG_FRAME, box: int = 600
) -> list[list[tuple[float, float]]]:
    """A character written into a `box`-pixel pad: random size (55–95 %), place and slant, jitter;
    `wobbly` adds a slow sideways drift along each stroke and misplaces strokes a little;
    `wrong-order` shuffles the strokes, `reversed-stroke` draws about half of them backwards,
    `joined-stroke` writes one or two pairs of consecutive strokes without lifting the finger."""
    rng = random.Random(f"{variant}:{seed}")
    unit = 1000 / frame
    strokes = [[(x * unit, y * unit) for x, y in stroke] for stroke in strokes]
    wobbly = variant == "wobbly"
    if variant == "wrong-order" and len(strokes) > 1:
        order = list(range(len(strokes)))
        while order == sorted(order):
            rng.shuffle(order)
        strokes = [strokes[i] for i in order]
    if variant == "reversed-stroke":
        flips = [rng.random() < 0.5 for _ in strokes]
        if not any(flips):
            flips[rng.randrange(len(strokes))] = True
        strokes = [stroke[::-1] if flip else stroke for stroke, flip in zip(strokes, flips, strict=True)]
    if variant == "joined-stroke" and len(strokes) > 1:
        for _ in range(1 if len(strokes) < 5 else 2):
            if len(strokes) < 2:
                break
            i = rng.randrange(len(strokes) - 1)
            strokes[i : i + 2] = [strokes[i] + strokes[i + 1]]
    size = rng.uniform(0.55, 0.95) * box / 1000
    dx, dy = rng.uniform(0, box - size * 1000), rng.uniform(0, box - size * 1000)
    angle = math.radians(rng.uniform(-8, 8) if wobbly else rng.uniform(-5, 5))
    squash = rng.uniform(0.85, 1.15) if wobbly else rng.uniform(0.93, 1.07)
    jitter = 5.0 if wobbly else 2.0
    out = []
    for stroke in strokes:
        shift = (rng.gauss(0, 25), rng.gauss(0, 25)) if wobbly else (rng.gauss(0, 8), rng.gauss(0, 8))
        drift_amp = rng.uniform(10, 30) if wobbly else 0.0
        drift_phase, drift_freq = rng.uniform(0, 2 * math.pi), rng.uniform(0.5, 1.5)
        points = _dense(stroke, rng)
        placed = []
        for k, (x, y) in enumerate(points):
            t = k / max(len(points) - 1, 1)
            drift = drift_amp * math.sin(2 * math.pi * drift_freq * t + drift_phase)
            x, y = (x - 500) * squash + shift[0] + drift, (y - 500) / squash + shift[1] + drift * 0.5
            x, y = x * math.cos(angle) - y * math.sin(angle), x * math.sin(angle) + y * math.cos(angle)
            placed.append(
                (
                    round((x + 500) * size + dx + rng.gauss(0, jitter * size), 1),
                    round((y + 500) * size + dy + rng.gauss(0, jitter * size), 1),
                )
            )
        out.append(placed)
    return out
