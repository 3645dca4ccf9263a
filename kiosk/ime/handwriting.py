"""Handwritten characters to candidates, offline, whatever the stroke order.

Many elderly residents cannot spell pinyin but can write, in their own stroke order and often joining
strokes. Strokes arrive as lists of (x, y) points in screen orientation (y grows downwards) inside a
writing box. `Recognizer` ranks the characters of 通用规范汉字表 level 1 (plus the catalog's own) by
an order-free matcher over stroke templates (kiosk.ime.handwriting_match), lets Zinnia with the
Tegaki model add its vote where it agrees, and ranks up characters that continue a word of the
catalog. `ZinniaRecognizer` is Zinnia alone, as the terminal had it before (benchmarks compare).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import logging
import math
import threading
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kiosk.errors import BadInput, StorageError
from kiosk.ime import handwriting_data
from kiosk.ime.handwriting_match import Matcher, unpack_maps

log = logging.getLogger(__name__)

MODEL_PATHS = (
    Path("/usr/share/tegaki/models/zinnia/handwriting-zh_CN.model"),
    Path("/usr/local/share/tegaki/models/zinnia/handwriting-zh_CN.model"),
)
FRAME = 1000
STEP = 25  # resampling distance in frame units: ~40 points across the box
SMALL_DRAWING = 0.4  # a drawing smaller than this share of the box is enlarged around its centre
# How much Zinnia's vote counts, in the matcher's cosine units, for its first of ZINNIA_VOTES guesses
# (falling linearly to the last): set by benchmarks/handwriting.py on characters outside its test sets.
ZINNIA_WEIGHT = 0.02
ZINNIA_VOTES = 10
CONTEXT_BONUS = 0.02  # a character continuing a catalog word wins a close call, not a clear one

Point = tuple[float, float]
Stroke = list[Point]


@dataclass(frozen=True)
class Guess:
    text: str
    score: float

    def to_dict(self) -> dict:
        return {"text": self.text, "score": round(self.score, 4)}


def load_strokes(path: Path) -> tuple[list[Stroke], float, float]:
    """A stroke file: {"width": W, "height": H, "strokes": [[[x, y], …], …]} (or just the stroke list)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BadInput(f"无法读取笔迹文件 {path}。", f"cannot read stroke file {path}: {exc}") from exc
    except ValueError as exc:
        raise BadInput(f"笔迹文件 {path} 不是有效的 JSON。", f"stroke file {path} is not JSON: {exc}") from exc
    strokes = data.get("strokes") if isinstance(data, dict) else data
    try:
        parsed = [[(float(x), float(y)) for x, y in stroke] for stroke in strokes]
    except (TypeError, ValueError) as exc:
        raise BadInput(
            f"笔迹文件 {path} 格式不对：应为笔画列表，每笔是 [x, y] 点的列表。",
            f"stroke file {path} must hold a list of strokes of [x, y] points: {exc}",
        ) from exc
    parsed = [stroke for stroke in parsed if stroke]
    if not parsed:
        raise BadInput("没有笔画。", f"stroke file {path} has no strokes")
    width = float(data.get("width", 0)) if isinstance(data, dict) else 0.0
    height = float(data.get("height", 0)) if isinstance(data, dict) else 0.0
    return parsed, width, height


def normalise(strokes: list[Stroke], width: float = 0, height: float = 0) -> list[Stroke]:
    """Strokes in the 1000 × 1000 frame the model was trained in, evenly resampled.

    The writing box is the frame (where in the box a stroke lies tells 一 from 丨 and 口 from 日);
    a small drawing in a corner of a big box is enlarged around its centre first.
    """
    xs = [x for stroke in strokes for x, _ in stroke]
    ys = [y for stroke in strokes for _, y in stroke]
    left, right, top, bottom = min(xs), max(xs), min(ys), max(ys)
    width = width or max(right, 1.0)
    height = height or max(bottom, 1.0)
    box = max(width, height)
    scale = FRAME / box
    shift_x = (box - width) / 2  # a non-square box is centred in the square frame
    shift_y = (box - height) / 2
    extent = max(right - left, bottom - top)
    if extent < SMALL_DRAWING * box:
        # Enlarge around the drawing's centre to 80 % of the frame, keeping its proportions.
        scale = 0.8 * FRAME / max(extent, 1.0)
        shift_x = (FRAME / scale) / 2 - (left + right) / 2
        shift_y = (FRAME / scale) / 2 - (top + bottom) / 2
    placed = [[((x + shift_x) * scale, (y + shift_y) * scale) for x, y in stroke] for stroke in strokes]
    return [resample(stroke) for stroke in placed]


def resample(stroke: Stroke, step: float = STEP) -> Stroke:
    """Points every `step` units along the stroke, keeping its ends (a tap stays a single point)."""
    if len(stroke) < 2:
        return list(stroke)
    out = [stroke[0]]
    carried = 0.0
    for (x0, y0), (x1, y1) in zip(stroke, stroke[1:], strict=False):
        length = math.hypot(x1 - x0, y1 - y0)
        position = step - carried
        while position <= length:
            t = position / length
            out.append((x0 + (x1 - x0) * t, y0 + (y1 - y0) * t))
            position += step
        carried = (carried + length) % step if length else carried
    if out[-1] != stroke[-1]:
        out.append(stroke[-1])
    return out


class ZinniaRecognizer:
    """One Zinnia recogniser with its model loaded (26 MB, ~0.1 s); thread-safe by a lock."""

    def __init__(self, model: Path | None = None) -> None:
        model = model or next((p for p in MODEL_PATHS if p.exists()), MODEL_PATHS[0])
        if not model.exists():
            raise StorageError(
                "手写识别模型未安装，请联系工作人员。",
                f"no Zinnia model at {model} (Debian package tegaki-zinnia-simplified-chinese)",
            )
        self._lib = _library()
        self._lock = threading.Lock()
        self._recognizer = self._lib.zinnia_recognizer_new()
        if not self._lib.zinnia_recognizer_open(self._recognizer, str(model).encode()):
            raise StorageError("手写识别模型无法打开。", f"Zinnia cannot open {model}")
        self.model = model

    def recognize(self, strokes: list[Stroke], width: float = 0, height: float = 0, limit: int = 10) -> list[Guess]:
        """The best `limit` characters for the strokes, best first."""
        strokes = [s for s in strokes if s]
        if not strokes:
            return []
        lib = self._lib
        with self._lock:
            character = lib.zinnia_character_new()
            try:
                lib.zinnia_character_set_width(character, FRAME)
                lib.zinnia_character_set_height(character, FRAME)
                for index, stroke in enumerate(normalise(strokes, width, height)):
                    for x, y in stroke:
                        lib.zinnia_character_add(character, index, int(round(x)), int(round(y)))
                result = lib.zinnia_recognizer_classify(self._recognizer, character, limit)
                if not result:
                    return []
                try:
                    return [
                        Guess(lib.zinnia_result_value(result, i).decode("utf-8"), lib.zinnia_result_score(result, i))
                        for i in range(lib.zinnia_result_size(result))
                    ]
                finally:
                    lib.zinnia_result_destroy(result)
            finally:
                lib.zinnia_character_destroy(character)

    def close(self) -> None:
        with self._lock:
            if self._recognizer:
                self._lib.zinnia_recognizer_destroy(self._recognizer)
                self._recognizer = None

    def __del__(self) -> None:
        try:
            self.close()
        except AttributeError:  # construction failed before the library was loaded
            pass


class Recognizer:
    """Order-free matching over the templates, Zinnia's vote and the catalog's words, combined.

    Building the templates' maps takes a second or two: the app does it in its loader thread.
    """

    def __init__(
        self,
        templates: Path = handwriting_data.ASSET,
        *,
        extra_chars: Iterable[str] = (),
        zinnia: ZinniaRecognizer | None | bool = True,
        zinnia_weight: float = ZINNIA_WEIGHT,
    ) -> None:
        self._templates, self._level_1, maps = handwriting_data.load(templates)
        self._position = {char: i for i, char in enumerate(self._templates.chars)}
        self._lock = threading.Lock()
        self.matcher = Matcher(self._templates, range(self._level_1), unpack_maps(maps))
        self.include(extra_chars)
        if zinnia is True:
            try:
                zinnia = ZinniaRecognizer()
            except StorageError as exc:
                # The matcher alone still recognises well; Zinnia's vote only sharpens it.
                log.warning("handwriting without Zinnia: %s", exc.message_en)
                zinnia = None
        self.zinnia = zinnia or None
        self.zinnia_weight = zinnia_weight

    @property
    def characters(self) -> list[str]:
        return self.matcher.chars

    def include(self, chars: Iterable[str]) -> int:
        """Also recognise these characters (the catalog's titles and issuers); returns how many were new."""
        known = set(self.matcher.chars)
        new = sorted({c for c in chars if c not in known and c in self._position}, key=self._position.__getitem__)
        if new:
            extra = Matcher(self._templates, [self._position[c] for c in new])
            with self._lock:
                self.matcher = self.matcher.merged(extra)
        return len(new)

    def recognize(
        self,
        strokes: list[Stroke],
        width: float = 0,
        height: float = 0,
        limit: int = 10,
        following: Collection[str] = (),
    ) -> list[Guess]:
        """The best `limit` characters for the strokes, best first. `following`: characters that would
        continue a catalog word with what is already in the box; they win close calls."""
        strokes = [s for s in strokes if s]
        if not strokes:
            return []
        arrays = [np.asarray(s, dtype=np.float64) for s in strokes]
        with self._lock:
            matcher = self.matcher
        scores = matcher.scores(arrays)
        if following:
            scores = scores + CONTEXT_BONUS * np.fromiter(
                (c in following for c in matcher.chars), dtype=bool, count=len(matcher.chars)
            )
        if self.zinnia is not None and self.zinnia_weight:
            votes = self.zinnia.recognize(strokes, width, height, ZINNIA_VOTES)
            index = matcher.index
            for rank, guess in enumerate(votes):
                if guess.text in index:
                    scores[index[guess.text]] += self.zinnia_weight * (ZINNIA_VOTES - rank) / ZINNIA_VOTES
        top = np.argpartition(-scores, min(limit, len(scores) - 1))[:limit]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [Guess(matcher.chars[i], float(scores[i])) for i in top]

    def close(self) -> None:
        if self.zinnia is not None:
            self.zinnia.close()


_LIB: ctypes.CDLL | None = None


def _library() -> ctypes.CDLL:
    global _LIB
    if _LIB is not None:
        return _LIB
    name = ctypes.util.find_library("zinnia") or "libzinnia.so.0"
    try:
        lib = ctypes.CDLL(name)
    except OSError as exc:
        raise StorageError(
            "手写识别组件未安装，请联系工作人员。", f"cannot load libzinnia (Debian package libzinnia0): {exc}"
        ) from exc
    p, size, c_int = ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int
    signatures = {
        "zinnia_recognizer_new": ([], p),
        "zinnia_recognizer_open": ([p, ctypes.c_char_p], c_int),
        "zinnia_recognizer_classify": ([p, p, size], p),
        "zinnia_recognizer_destroy": ([p], None),
        "zinnia_character_new": ([], p),
        "zinnia_character_set_width": ([p, size], None),
        "zinnia_character_set_height": ([p, size], None),
        "zinnia_character_add": ([p, size, c_int, c_int], c_int),
        "zinnia_character_destroy": ([p], None),
        "zinnia_result_value": ([p, size], ctypes.c_char_p),
        "zinnia_result_score": ([p, size], ctypes.c_float),
        "zinnia_result_size": ([p], size),
        "zinnia_result_destroy": ([p], None),
    }
    for function, (args, result) in signatures.items():
        getattr(lib, function).argtypes = args
        getattr(lib, function).restype = result
    _LIB = lib
    return lib
