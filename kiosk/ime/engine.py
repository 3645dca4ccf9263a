"""Pinyin to ranked Chinese candidates: whole words, composed phrases, names, then words for the first part.

The typed letters are cut into tokens (kiosk.ime.pinyin); every run of tokens is looked up in the
lexicon; a small Viterbi search composes the best phrases for input no single word covers
(最低 + 生活 + 保障). Candidates remember how many letters they stand for, so choosing one for the first
part of the input leaves the rest to convert next.
"""

from __future__ import annotations

import heapq
import math
import sqlite3
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kiosk.errors import StorageError
from kiosk.ime.history import ChoiceHistory
from kiosk.ime.lexicon import DOMAIN_SHARE, NAME_SHARE
from kiosk.ime.phrases import PhraseModel
from kiosk.ime.pinyin import INITIALS_2, Token, clean, fuzzy, matches, tokenize

MAX_WORD_TOKENS = 10  # the longest run of syllables looked up as one word
PARTIAL_PENALTY = 4.0  # log units per initial, in a cutting that also has whole syllables (xia·n for xian)
COMPLETION_PENALTY = 3.0
# People typing initials type one letter a syllable: shs is more often 上海市 than 实施 typed as sh·s.
DOUBLE_INITIAL_PENALTY = 2.0
# How much the word model's association of neighbours counts against the words' own frequencies.
PHRASE_WEIGHT = 1.0
COMPOSE_BEST = 8  # words per stretch tried when composing phrases
COMPOSE_KEEP = 3  # composed phrases kept per position
WHOLE_LIMIT = 36  # words looked up for the whole input (six pages of the candidate bar)
INNER_LIMIT = 8  # words per stretch inside the input, for composing phrases
PREFIX_LIMIT = 12  # words offered for the first part of the input
_GENERAL_SHARE = math.log(1 - DOMAIN_SHARE)
# A character's share as the first or last character of longer words, scaled to compete with words:
# used only inside composed phrases, for a character next to a word (自然资源 + 局).
AFFIX_SHARE = math.log(0.05)
# Inside a composed phrase a lone character is rarely the function word it is most often as a word
# (是, 的): typed terms are noun phrases, not sentences.
SINGLE_CHAR_IN_PHRASE = -4.0
SPELLED_SINGLE_CHAR_PENALTY = 1.0  # the same, for a character typed out in full (qing → 请)
_WORD_TABLES = (("domain", 0.0), ("words", _GENERAL_SHARE))


@dataclass(frozen=True)
class Candidate:
    text: str
    pinyin: str  # the syllables it was found under, space-separated
    consumed: int  # how many characters of the cleaned input it stands for
    score: float
    # Found under whole syllables (zhengwu), not initials (zw): sentence-like input, where lone
    # characters (的, 请, 被) are as likely as words and the word model may judge them too.
    spelled: bool = False

    def to_dict(self) -> dict:
        return {"text": self.text, "pinyin": self.pinyin, "consumed": self.consumed, "score": round(self.score, 3)}


@dataclass(frozen=True)
class _Hit:
    word: str
    pinyin: str
    score: float


class Engine:
    """Opens a built lexicon read-only; cheap to query from the UI thread (one look-up per new stretch)."""

    def __init__(
        self,
        lexicon: Path,
        *,
        use_fuzzy: bool = False,
        cache_size: int = 4096,
        phrases: PhraseModel | None = None,
        history: ChoiceHistory | None = None,
    ) -> None:
        if not lexicon.exists():
            raise StorageError("输入法词库尚未建立。", f"no input-method lexicon at {lexicon}")
        try:
            self.db = sqlite3.connect(f"file:{lexicon}?mode=ro", uri=True, check_same_thread=False)
            self.db.execute("PRAGMA query_only=1")
        except sqlite3.Error as exc:
            raise StorageError("无法打开输入法词库。", f"cannot open the lexicon {lexicon}: {exc}") from exc
        self.lexicon = lexicon
        self.use_fuzzy = use_fuzzy
        self.phrases = phrases  # how well neighbouring words go together, when the word model is installed
        self.history = history  # what this terminal's residents chose before (kiosk.ime.history)
        self._cache: OrderedDict[tuple, list[_Hit]] = OrderedDict()
        self._cache_size = cache_size
        self._roles: dict[str, float] | None = None  # loaded on first use, not at start

    def close(self) -> None:
        self.db.close()

    # --- candidates --------------------------------------------------------------------------------

    def candidates(self, text: str, limit: int = 60) -> list[Candidate]:
        """Ranked candidates for what was typed: first those that use all of it, then its first part."""
        letters = _normalise(text)
        end = len(letters.rstrip("'"))
        if not end:
            return []
        tokens = tokenize(letters)
        following: dict[int, list[Token]] = {}
        for token in tokens:
            following.setdefault(token.start, []).append(token)

        def after(token: Token) -> int:
            return token.end + 1 if letters[token.end : token.end + 1] == "'" else token.end

        # Every run of tokens from every reachable position: the stretches words may cover.
        spans: dict[tuple[int, int], dict[str, Candidate]] = {}
        reachable = {0}
        for start in sorted({t.start for t in tokens}):
            if start not in reachable:
                continue
            for path in self._word_paths(following, start, after):
                stop = after(path[-1])
                reachable.add(stop)
                limit_here = INNER_LIMIT if start else WHOLE_LIMIT if stop == end else PREFIX_LIMIT
                found = spans.setdefault((start, stop), {})
                spelled = all(t.full or t.last for t in path)
                for hit in self._lookup(path, limit_here):
                    known = found.get(hit.word)
                    if known is None or hit.score > known.score:
                        found[hit.word] = Candidate(hit.word, hit.pinyin, stop, hit.score, spelled)

        # Single characters that attach to a neighbouring word, for composing phrases only.
        affixed = {key: {text: self._in_phrase(c) for text, c in found.items()} for key, found in spans.items()}
        for start in sorted({t.start for t in tokens} & reachable):
            for path in _paths(following, start, after, max_tokens=1):
                stop = after(path[-1])
                table = "suffixes" if stop == end and start > 0 else "prefixes" if start == 0 and stop < end else None
                if table is None:
                    continue
                found = affixed.setdefault((start, stop), {})
                for hit in self._lookup(path, INNER_LIMIT, ((table, AFFIX_SHARE),)):
                    known = found.get(hit.word)
                    if known is None or hit.score > known.score:
                        # Spelled like any other: an affix must not dodge the word model's judgement.
                        found[hit.word] = Candidate(hit.word, hit.pinyin, stop, hit.score, path[0].full or path[0].last)

        whole: dict[str, Candidate] = dict(spans.get((0, end), {}))
        learned = self._learned(following, after)
        for candidate in self._compose(affixed, end) + self._names(following, after, end) + learned:
            if candidate.consumed != end:
                spans.setdefault((0, candidate.consumed), {})[candidate.text] = candidate
                continue
            known = whole.get(candidate.text)
            if known is None or candidate.score > known.score:
                whole[candidate.text] = candidate
        ranked = sorted(whole.values(), key=lambda c: -c.score)
        seen = {c.text for c in ranked}
        # Then words for the first part, longest part first, so a person can take 政务 and go on.
        for (start, stop), found in sorted(spans.items(), key=lambda item: -item[0][1]):
            if start != 0 or stop == end:
                continue
            for candidate in sorted(found.values(), key=lambda c: -c.score):
                if candidate.text not in seen:
                    seen.add(candidate.text)
                    ranked.append(candidate)
        return ranked[:limit]

    def _in_phrase(self, candidate: Candidate) -> Candidate:
        """The candidate as one word of a composed phrase, where lone characters and function words are
        rarely what was meant."""
        if len(candidate.text) == 1:
            penalty = SPELLED_SINGLE_CHAR_PENALTY if candidate.spelled else -SINGLE_CHAR_IN_PHRASE
        else:
            penalty = self._phrase_penalties().get(candidate.text, 0.0)
        if not penalty:
            return candidate
        return Candidate(
            candidate.text, candidate.pinyin, candidate.consumed, candidate.score - penalty, candidate.spelled
        )

    def _phrase_penalties(self) -> dict[str, float]:
        if self._roles is None:
            try:
                self._roles = dict(self.db.execute("SELECT word, phrase_penalty FROM roles"))
            except sqlite3.OperationalError:  # a baseline lexicon built without word roles
                self._roles = {}
        return self._roles

    def _compose(self, spans: dict[tuple[int, int], dict[str, Candidate]], end: int) -> list[Candidate]:
        """The best few phrases of several words that use the whole input (a k-best Viterbi search)."""
        by_start: dict[int, list[tuple[int, list[Candidate]]]] = {}
        for (start, stop), found in spans.items():
            best = heapq.nlargest(COMPOSE_BEST, found.values(), key=lambda c: c.score)
            by_start.setdefault(start, []).append((stop, best))
        paths: dict[int, list[tuple[float, tuple[Candidate, ...]]]] = {0: [(0.0, ())]}
        for position in sorted(by_start):
            here = paths.get(position)
            if not here:
                continue
            for stop, best in by_start[position]:
                options = paths.setdefault(stop, [])
                for score, words in here:
                    for word in best:
                        bond = self._bond(words[-1], word) if words else 0.0
                        options.append((score + word.score + bond, (*words, word)))
                paths[stop] = heapq.nlargest(COMPOSE_KEEP, options, key=lambda item: item[0])
        return [
            Candidate("".join(w.text for w in words), " ".join(w.pinyin for w in words), end, score)
            for score, words in paths.get(end, [])
            if len(words) > 1
        ]

    def _learned(self, following: dict[int, list[Token]], after) -> list[Candidate]:
        """Terms chosen before on this terminal that the input, or its first part, can spell."""
        history = self.history
        if history is None or not len(history):
            return []
        found = []
        # Walk runs of tokens from the start while some learned term's initials begin with theirs.
        stack = [((t,), _initial(t)) for t in following.get(0, [])]
        while stack:
            path, abbr = stack.pop()
            if not history.has_prefix(abbr):
                continue
            for term in history.matching(abbr):
                if all(
                    matches(syllable, token, self.use_fuzzy)
                    for syllable, token in zip(term.syllables, path, strict=True)
                ):
                    found.append(Candidate(term.word, " ".join(term.syllables), after(path[-1]), term.score))
            stack.extend(((*path, t), abbr + _initial(t)) for t in following.get(after(path[-1]), []))
        return found

    def _bond(self, first: Candidate, second: Candidate) -> float:
        """How well two neighbours go together. A lone character takes part only in spelled-out
        input: among initials its strong ties (的, 是) would let fragments outrank words."""
        if self.phrases is None:
            return 0.0
        lone = len(first.text) < 2 or len(second.text) < 2
        if lone and not (first.spelled and second.spelled):
            return 0.0
        return PHRASE_WEIGHT * self.phrases.association(first.text, second.text)

    def _names(self, following: dict[int, list[Token]], after, end: int) -> list[Candidate]:
        """Surname + one or two given-name characters, for a whole input of two or three syllables."""
        names = []
        for path in _paths(following, 0, after, max_tokens=3):
            if len(path) < 2 or after(path[-1]) != end or not all(t.full for t in path[:-1]):
                continue
            surnames = self._name_chars("surname", path[0], 4)
            givens = [self._name_chars("given", token, 6) for token in path[1:]]
            for surname in surnames:
                for given in _combinations(givens):
                    score = math.log(NAME_SHARE) + surname.score + sum(g.score for g in given)
                    text = surname.word + "".join(g.word for g in given)
                    pinyin = " ".join([surname.pinyin, *(g.pinyin for g in given)])
                    names.append(Candidate(text, pinyin, end, score))
        return heapq.nlargest(6, names, key=lambda c: c.score)

    def _name_chars(self, kind: str, token: Token, limit: int) -> list[_Hit]:
        key = ("name", kind, token.text, token.full, token.last, self.use_fuzzy)
        if key in self._cache:
            return self._cache[key]
        hits = []
        for char, py, weight in self.db.execute(
            "SELECT char, py, weight FROM names WHERE kind = ? AND py >= ? AND py < ? ORDER BY weight DESC",
            (kind, token.text[0], token.text[0] + "\x7f"),
        ):
            if matches(py, token, self.use_fuzzy):
                hits.append(_Hit(char, py, weight - (COMPLETION_PENALTY if py != token.text else 0.0)))
                if len(hits) >= limit:
                    break
        self._remember(key, hits)
        return hits

    # --- look-ups ----------------------------------------------------------------------------------

    def _lookup(self, path: tuple[Token, ...], limit: int, tables=_WORD_TABLES) -> list[_Hit]:
        """Words whose syllables can be what the tokens spell, best first (cached per run of tokens)."""
        key = (tuple((t.text, t.full, t.last) for t in path), limit, self.use_fuzzy, tables)
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        partials = sum(1 for t in path if not t.full)
        penalty = PARTIAL_PENALTY * partials if partials < len(path) else 0.0
        penalty += DOUBLE_INITIAL_PENALTY * sum(1 for t in path if t.text in INITIALS_2 and not t.full and not t.last)
        last = path[-1]
        best: dict[tuple[str, str], _Hit] = {}
        for word, py, weight in self._rows(tables, path, limit):
            completed = last.last and py[py.rfind(" ") + 1 :] != last.text
            score = weight - penalty - (COMPLETION_PENALTY if completed else 0.0)
            known = best.get((word, py))
            if known is None or score > known.score:
                best[(word, py)] = _Hit(word, py, score)
        hits = heapq.nlargest(limit, best.values(), key=lambda h: h.score)
        self._remember(key, hits)
        return hits

    def _rows(self, tables, path: tuple[Token, ...], limit: int) -> Iterator[tuple[str, str, float]]:
        """The best `limit` rows of each table that match the tokens exactly (or by fuzzy key), in one query.

        The index narrows by initials (and by the fuzzy key of the leading whole syllables); a GLOB
        on the syllables does the exact match inside SQLite. Its `*` cannot run past a syllable: the
        initials fix the number of syllables, so every space of the pattern meets a space of the word.
        """
        abbr = "".join(_initial(t) for t in path)
        column = "fkey" if self.use_fuzzy else "py"
        glob = " ".join((fuzzy(t.text) if self.use_fuzzy else t.text) + ("*" if t.prefix else "") for t in path)
        leading = []
        for token in path:
            if token.prefix:
                break
            leading.append(fuzzy(token.text))
        if len(leading) == len(path):  # every syllable whole and final: one key
            where, params, index = "abbr = ? AND fkey = ?", [abbr, " ".join(leading)], "key"
        elif any(t.full for t in path):
            # Up to the first unfinished token the key is known: a narrow range of the index.
            low = " ".join([*leading, fuzzy(path[len(leading)].text)])
            where, params, index = "abbr = ? AND fkey >= ? AND fkey < ?", [abbr, low, low + "\x7f"], "key"
        else:
            # Initials only (zwgk): the index gives the rows in weight order; the first matches are the best.
            where, params, index = "abbr = ?", [abbr], "rank"
        parts, values = [], []
        for table, shift in tables:
            parts.append(
                f"SELECT * FROM (SELECT word, py, weight + ? FROM {table} INDEXED BY {table}_{index} "
                f"WHERE {where} AND {column} GLOB ? ORDER BY weight DESC LIMIT ?)"
            )
            values += [shift, *params, glob, limit]
        return self.db.execute(" UNION ALL ".join(parts), values)

    def _word_paths(self, following: dict[int, list[Token]], start: int, after) -> Iterator[tuple[Token, ...]]:
        """Runs of tokens from `start` that some word's initials spell; a run is not extended once no
        word begins with its initials (this keeps a 30-letter input to a few dozen look-ups)."""
        stack = [((t,), _initial(t)) for t in following.get(start, [])]
        while stack:
            path, abbr = stack.pop()
            exact, longer = self._abbreviation(abbr)
            if exact:
                yield path
            if longer and len(path) < MAX_WORD_TOKENS:
                stack.extend(((*path, t), abbr + _initial(t)) for t in following.get(after(path[-1]), []))

    def _abbreviation(self, abbr: str) -> tuple[bool, bool]:
        """Whether some word has exactly these initials, and whether some word has more after them."""
        key = ("abbr", abbr)
        known = self._cache.get(key)
        if known is None:
            exact = longer = False
            for table in ("words", "domain"):
                found_exact, found_longer = self.db.execute(
                    f"SELECT EXISTS(SELECT 1 FROM {table} WHERE abbr = ?), "
                    f"EXISTS(SELECT 1 FROM {table} WHERE abbr > ? AND abbr < ?)",
                    (abbr, abbr, abbr + "\x7f"),
                ).fetchone()
                exact, longer = exact or bool(found_exact), longer or bool(found_longer)
                if exact and longer:
                    break
            known = (exact, longer)
            self._remember(key, known)
        return known

    def _remember(self, key: tuple, hits) -> None:
        self._cache[key] = hits
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)

    # --- after a character: what usually follows -----------------------------------------------------

    def words_starting_with(self, text: str, limit: int = 8) -> list[str]:
        """Words that begin with `text` (政 → 政务, 政府, 政策), the catalog's terms first."""
        if not text:
            return []
        found: dict[str, float] = {}
        for table, shift in (("domain", 0.0), ("words", _GENERAL_SHARE)):
            for word, weight in self.db.execute(
                f"SELECT word, max(weight) FROM {table} WHERE word > ? AND word < ? GROUP BY word "
                f"ORDER BY max(weight) DESC LIMIT ?",
                (text, text + "\U0010ffff", limit * 3),
            ):
                found[word] = max(found.get(word, -1e9), weight + shift)
        return [word for word, _ in sorted(found.items(), key=lambda item: -item[1])][:limit]


def _normalise(text: str) -> str:
    letters = clean(text).lstrip("'")
    while "''" in letters:
        letters = letters.replace("''", "'")
    return letters


def _paths(following: dict[int, list[Token]], start: int, after, max_tokens: int = MAX_WORD_TOKENS):
    """Every run of up to max_tokens consecutive tokens that begins at `start`."""
    stack: list[tuple[Token, ...]] = [(t,) for t in following.get(start, [])]
    while stack:
        path = stack.pop()
        yield path
        if len(path) < max_tokens:
            stack.extend((*path, t) for t in following.get(after(path[-1]), []))


def _initial(token: Token) -> str:
    return "n" if token.text[0] == "l" else token.text[0]


def _combinations(lists: list[list[_Hit]]) -> Iterator[tuple[_Hit, ...]]:
    if not lists:
        yield ()
        return
    for first in lists[0]:
        for rest in _combinations(lists[1:]):
            yield (first, *rest)
