"""A handwriting matcher that ignores stroke order, stroke direction and joined strokes.

Zinnia compares strokes in the order they were written, so 开 written with its verticals first comes
out as 井. Here a drawing becomes a map of where ink runs in which orientation (eight undirected
orientations on an 8 × 8 grid, Gaussian-splatted from the pen path), and the nearest maps among the
stroke templates of assets/handwriting/ win. Order and direction leave such a map unchanged; joining
two strokes adds only the short connecting run. The stroke count is a weak hint on top, and the best
few candidates get a second, stroke-by-stroke look that is blind to order and direction too.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np

from kiosk.ime.handwriting_data import POINTS, Templates, resample_fixed

# Part of the asset: the level-1 maps in assets/handwriting/templates.npz were computed with these
# values; `python -m kiosk.ime.handwriting_build` recomputes them after a change.

GRID = 8
BINS = 8  # undirected orientations, 22.5° apart: 一 丨 丿 丶 and the four in between
SIGMA = 0.09  # spread of one bit of ink, in box widths (a little under one grid cell)
PIECE = 0.02  # strokes are cut into pieces this long (box widths) before splatting
SMOOTHING = 4  # passes of a 1-2-1 average over points PIECE apart
# Stroke-count hints, in cosine units: joined strokes (fewer than the template) are common with
# elderly writers, an extra stroke (口 written in four) less so.
FEWER_STROKES = 0.008
MORE_STROKES = 0.02

# Second look at the best RERANK candidates, stroke by stroke (as HanziLookup does): each drawn stroke
# takes the closest template stroke, or two consecutive ones it joined, in either direction; template
# strokes left over (口 drawn against 囚) and drawn strokes left over cost extra.
RERANK = 30
STROKE_WEIGHT = 0.4  # how much the stroke-by-stroke cost (mean point distance, box widths) counts
MISSING_STROKE = 0.25
EXTRA_STROKE = 0.25
JOINED = 0.03

_CENTRES = (np.arange(GRID) + 0.5) / GRID


def normalise(strokes: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Strokes fitted into the unit box by their bounding box, proportions kept, centred.

    The drawing's own extent is what counts, not where in the pad it was written: residents write
    small, large and off-centre. A drawing thin in one direction (一, 丨) stays thin.
    """
    points = np.concatenate(strokes)
    low, high = points.min(axis=0), points.max(axis=0)
    extent = float(max((high - low).max(), 1e-6))
    centre = (low + high) / 2
    return [(np.asarray(s, dtype=np.float64) - centre) / extent + 0.5 for s in strokes]


def smooth(stroke: np.ndarray, step: float = PIECE) -> np.ndarray:
    """The stroke resampled every `step` and averaged over neighbours: a shaky finger's zigzag
    otherwise reads as ink in every orientation. The ends stay where they were."""
    if len(stroke) < 2:
        return stroke
    lengths = np.hypot(*np.diff(stroke, axis=0).T)
    along = np.concatenate([[0.0], np.cumsum(lengths)])
    if along[-1] == 0:
        return stroke[:1]
    targets = np.linspace(0.0, along[-1], max(2, int(np.ceil(along[-1] / step)) + 1))
    even = np.stack([np.interp(targets, along, stroke[:, 0]), np.interp(targets, along, stroke[:, 1])], axis=1)
    if len(even) > 4:
        for _ in range(SMOOTHING):
            even[1:-1] = 0.25 * even[:-2] + 0.5 * even[1:-1] + 0.25 * even[2:]
    return even


def features(strokes: Sequence[np.ndarray], normalised: bool = False) -> np.ndarray:
    """The unit-length orientation map of a drawing (BINS × GRID × GRID values)."""
    strokes = [np.asarray(s, dtype=np.float64) for s in strokes if len(s)]
    if not strokes:
        return np.zeros(BINS * GRID * GRID, dtype=np.float32)
    if not normalised:
        strokes = normalise(strokes)
    paths = [smooth(s) for s in strokes]
    vector = np.concatenate([np.diff(p, axis=0) for p in paths])
    middle = np.concatenate([(p[1:] + p[:-1]) / 2 for p in paths])
    if not len(middle):  # only taps: a dot in the middle, pointing nowhere in particular
        middle, vector = np.array([[0.5, 0.5]]), np.array([[PIECE, PIECE]])
    length = np.hypot(vector[:, 0], vector[:, 1])
    angle = np.mod(np.arctan2(vector[:, 1], vector[:, 0]), math.pi) / (math.pi / BINS)
    low = np.floor(angle).astype(int) % BINS
    share = angle - np.floor(angle)
    orientation = np.zeros((len(length), BINS))
    rows = np.arange(len(length))
    orientation[rows, low] += (1 - share) * length
    orientation[rows, (low + 1) % BINS] += share * length
    gx = np.exp(-((middle[:, :1] - _CENTRES) ** 2) / (2 * SIGMA**2))
    gy = np.exp(-((middle[:, 1:] - _CENTRES) ** 2) / (2 * SIGMA**2))
    by = (orientation[:, :, None] * gy[:, None, :]).reshape(len(length), BINS * GRID)
    feature = (by.T @ gx).ravel()  # [orientation, y, x]
    feature = np.sqrt(feature)  # evens out long and short strokes, as variance stabilising does
    norm = np.linalg.norm(feature)
    return (feature / norm if norm else feature).astype(np.float32)


def _resample_rows(polylines: np.ndarray, count: int) -> np.ndarray:
    """resample_fixed for many polylines of equal length at once: (rows, points, 2) → (rows, count, 2)."""
    if not len(polylines):
        return polylines[:, :count]
    steps = np.hypot(*np.diff(polylines, axis=1).transpose(2, 0, 1))
    along = np.concatenate([np.zeros((len(polylines), 1)), np.cumsum(steps, axis=1)], axis=1)
    targets = np.linspace(0.0, 1.0, count)[None, :] * along[:, -1:]
    last = polylines.shape[1] - 2
    index = np.clip((along[:, None, :] <= targets[:, :, None]).sum(axis=2) - 1, 0, last)
    rows = np.arange(len(polylines))[:, None]
    start, end = along[rows, index], along[rows, index + 1]
    share = np.divide(targets - start, end - start, out=np.zeros_like(targets), where=end > start)
    a, b = polylines[rows, index], polylines[rows, index + 1]
    return a + (b - a) * share[:, :, None]


def drawn_shapes(strokes: Sequence[np.ndarray]) -> np.ndarray:
    """A drawing's strokes as POINTS evenly spaced points each, in the unit box (for stroke_cost)."""
    placed = normalise([np.asarray(s, dtype=np.float64) for s in strokes])
    return np.stack([resample_fixed(smooth(s), POINTS) for s in placed])


def template_maps(templates: Templates, indices: Iterable[int]) -> np.ndarray:
    return np.stack([features(templates.of(i)) for i in indices])


def pack_maps(maps: np.ndarray) -> np.ndarray:
    """Maps as bytes (a quarter of the size; cosines change by under 0.001) for the asset file."""
    return np.round(maps * (255 / maps.max(axis=1, keepdims=True))).astype(np.uint8)


def unpack_maps(packed: np.ndarray) -> np.ndarray:
    maps = packed.astype(np.float32)
    return maps / np.linalg.norm(maps, axis=1, keepdims=True)


class Matcher:
    """Orientation maps of a set of template characters, and the nearest of them to a drawing."""

    def __init__(
        self, templates: Templates | None, indices: Iterable[int] = (), maps: np.ndarray | None = None
    ) -> None:
        if templates is None:  # filled in by merged()
            return
        self.indices = np.fromiter(indices, dtype=np.int64)
        self.chars = [templates.chars[i] for i in self.indices]
        self.index = {char: i for i, char in enumerate(self.chars)}
        self.stroke_counts = templates.stroke_counts()[self.indices]
        self.maps = maps if maps is not None else template_maps(templates, self.indices)
        self._templates = templates
        self._shapes: dict[int, np.ndarray] = {}
        self._units: dict[int, tuple[np.ndarray, list[int]]] = {}

    def shapes(self, position: int) -> np.ndarray:
        """The template's strokes as POINTS points each, fitted into the unit box like a drawing."""
        shapes = self._shapes.get(position)
        if shapes is None:
            strokes = self._templates.of(int(self.indices[position]))
            shapes = np.stack(normalise(list(strokes)))
            self._shapes[position] = shapes
        return shapes

    def units(self, position: int) -> tuple[np.ndarray, list[int]]:
        """What one drawn stroke may stand for in a template: one stroke, or two consecutive ones
        joined (连笔), each as POINTS points; and which template strokes each unit uses up."""
        cached = self._units.get(position)
        if cached is None:
            template = self.shapes(position)
            n = len(template)
            pairs = _resample_rows(np.concatenate([template[:-1], template[1:]], axis=1), POINTS)
            # Which template strokes each unit uses up, as bits.
            cached = (np.concatenate([template, pairs]), [1 << k for k in range(n)] + [3 << k for k in range(n - 1)])
            self._units[position] = cached
        return cached

    def stroke_cost(self, drawn: np.ndarray, position: int) -> float:
        """Order- and direction-free stroke-by-stroke distance of a drawing (from drawn_shapes) to a template."""
        units, members = self.units(position)
        n = len(self.shapes(position))
        forward = np.sqrt(((drawn[:, None] - units[None]) ** 2).sum(axis=3)).mean(axis=2)
        backward = np.sqrt(((drawn[:, None] - units[None, :, ::-1]) ** 2).sum(axis=3)).mean(axis=2)
        cost = np.minimum(forward, backward)
        cost[:, n:] += JOINED
        # Greedy, cheapest pair first: plain ints and bit masks, as this runs 30 times per stroke.
        width = cost.shape[1]
        flat = cost.ravel().tolist()
        total, used, free_rows = 0.0, 0, (1 << len(drawn)) - 1
        for k in np.argsort(cost, axis=None).tolist():
            row, unit = divmod(k, width)
            if free_rows >> row & 1 and not used & members[unit]:
                total += flat[k]
                free_rows &= ~(1 << row)
                used |= members[unit]
                if not free_rows:
                    break
        total += MISSING_STROKE * (n - used.bit_count()) + EXTRA_STROKE * free_rows.bit_count()
        return total / max(n, len(drawn))

    def merged(self, other: Matcher) -> Matcher:
        both = Matcher(None)
        both.indices = np.concatenate([self.indices, other.indices])
        both.chars = self.chars + other.chars
        both.index = {char: i for i, char in enumerate(both.chars)}
        both.stroke_counts = np.concatenate([self.stroke_counts, other.stroke_counts])
        both.maps = np.concatenate([self.maps, other.maps])
        both._templates = self._templates
        both._shapes, both._units = dict(self._shapes), dict(self._units)
        both._shapes.update({len(self.chars) + k: v for k, v in other._shapes.items()})
        both._units.update({len(self.chars) + k: v for k, v in other._units.items()})
        return both

    def scores(self, strokes: Sequence[np.ndarray]) -> np.ndarray:
        """Similarity of the drawing to every template (higher is closer), stroke count included."""
        # einsum, not @: a matrix-vector product goes to multi-threaded BLAS, which spins for tens of
        # milliseconds on a busy 2-core terminal; this single-threaded loop takes half a millisecond.
        similarity = np.einsum("ij,j->i", self.maps, features(strokes))
        difference = len(strokes) - self.stroke_counts
        penalty = np.where(difference < 0, -difference * FEWER_STROKES, difference * MORE_STROKES)
        scores = similarity - penalty
        if STROKE_WEIGHT and len(scores) > RERANK:
            drawn = drawn_shapes(strokes)
            best = np.argpartition(-scores, RERANK)[:RERANK]
            # Outside the second look a template can only lose: it keeps the worst cost seen.
            costs = np.array([self.stroke_cost(drawn, int(i)) for i in best])
            scores[best] -= STROKE_WEIGHT * costs
            outside = np.ones(len(scores), dtype=bool)
            outside[best] = False
            scores[outside] -= STROKE_WEIGHT * costs.max()
        return scores

    def best(self, strokes: Sequence[np.ndarray], limit: int) -> list[tuple[str, float]]:
        scores = self.scores(strokes)
        top = np.argpartition(-scores, min(limit, len(scores) - 1))[:limit]
        top = top[np.argsort(-scores[top])]
        return [(self.chars[i], float(scores[i])) for i in top]
