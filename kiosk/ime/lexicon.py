"""The input method's lexicon, built once into a SQLite file in the home instead of at every start.

General words come from jieba's word-frequency dictionary with readings from pypinyin (every reading
pypinyin's phrase table lists, so 朝阳 is found as chaoyang as well as zhaoyang). The catalog's own
vocabulary (titles, issuers, 文号 agencies, frequent word pairs of the texts) lives in a second,
small table that is rebuilt whenever the catalog changes, ranked up so the terms of this catalog
come first. A surname list and common given-name characters let names be typed (zhangwei → 张伟).
Queries never import jieba or pypinyin: the lexicon costs a SQLite page cache, not 200 MB of dicts.
"""

from __future__ import annotations

import logging
import math
import os
import re
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice, product
from pathlib import Path

from kiosk.errors import StorageError
from kiosk.ime.pinyin import ALIASES, SYLLABLES, abbreviation, fuzzy

log = logging.getLogger(__name__)

BUILD_VERSION = "9"
# Share of the catalog's vocabulary in the mixed word probability: high enough that 政务 beats the
# more frequent 正午 in a kiosk whose catalog talks about 政务公开.
DOMAIN_SHARE = 0.3
ALTERNATE_READING_PENALTY = 1.0  # log units: pypinyin's second reading of a word is less likely
# A character's further readings are often archaic (董 as zhong): they must not crowd out 钟 and 中.
ALTERNATE_CHAR_PENALTY = 3.0
MAX_WORD_CHARS = 12
MAX_READINGS = 4
BODY_CHARS_PER_DOCUMENT = 1500
BODY_CHARS_TOTAL = 3_000_000  # bounds the catalog refresh to seconds even for 100k documents
MAX_DOMAIN_TERMS = 150_000
TITLE_WEIGHT = 3  # a word in a title or an issuer's name counts as much as three in a body
# What a word costs inside a composed phrase, by jieba's part of speech (log units). Residents type
# noun phrases (离婚登记, 收养登记), not sentences: conjunctions, adverbs, pronouns and the like that
# are frequent on their own (所以, 很快, 如此) make nonsense inside one (所以登记).
PHRASE_PENALTY_BY_TAG = {
    "c": 4.0,  # conjunction
    "d": 4.0,  # adverb
    "r": 4.0,  # pronoun
    "p": 4.0,  # preposition
    "u": 4.0,  # particle
    "y": 4.0,  # modal particle
    "e": 4.0,  # interjection
    "o": 4.0,  # onomatopoeia
    "ad": 3.0,  # adverbial adjective
    "m": 2.0,  # numeral (三个, 一片)
    "q": 2.0,  # measure word
    "a": 1.5,  # adjective (良好, 强烈): sometimes part of a term, more often not
    "z": 2.0,  # descriptive word
}

# Single characters that glue words together rather than name things: a run never starts or ends with one.
_FUNCTION_WORDS = frozenset(
    "的了和与及在对为是并或等由从把被将向按于以其之各本该此这那有无不也都就要可应须中上下内外个"
)
_CJK_WORD = re.compile(r"^[\u4e00-\u9fff]+$")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_AGENCY = re.compile(r"^([\u4e00-\u9fff]{2,8}?)[〔\[［(（【]")

# Place names whose reading pypinyin gets wrong (checked one by one); the kiosk meets them as addresses.
PLACE_READINGS: dict[str, tuple[str, ...]] = {
    "朝阳": ("chao", "yang"),
    "长治": ("chang", "zhi"),
    "单县": ("shan", "xian"),
    "洪洞": ("hong", "tong"),
    "六合": ("lu", "he"),
    "浚县": ("xun", "xian"),
    "筠连": ("jun", "lian"),
    "中牟": ("zhong", "mou"),
    "会稽": ("kuai", "ji"),
}

# The most common surnames in population order (national statistics, Ministry of Public Security),
# with the reading used as a surname where it differs from the everyday one.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施"
    "文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷"
    "盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷"
    "晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
SURNAME_READINGS = {
    "曾": "zeng",
    "覃": "qin",
    "单": "shan",
    "解": "xie",
    "仇": "qiu",
    "查": "zha",
    "区": "ou",
    "盖": "ge",
}
SURNAME_READINGS |= {"朴": "piao", "任": "ren", "乐": "yue", "缪": "miao", "尉": "yu", "长": "chang", "万": "wan"}
# Characters most often found in given names, roughly in order of frequency (name statistics).
GIVEN_CHARS = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉文建国红梅辉鹏飞斌宇浩凯健俊帆帅旭宁婷雪琳晶燕慧莉丹萍"
    "玲颖倩欣佳怡琪子涵梓轩然博雨晨思一诺悦峰波海亮林云春志新荣龙成东嘉佩永庆祥生金凤珍丽娇淑芬琴彬磊振中德胜"
    "晓小亚立清宏伦彤璐晴阳鑫璇瑶薇萌蕾婉瑞昊泽睿铭哲宏毅刚锋坤杨欢乐蓉凤霖楠鸿岩松青翠香月珊菊莲美虹洁娥琼"
)
NAME_SHARE = 0.02
# jieba's person names (申包胥, 阎立本) are news and history, not what residents type; the surname
# model offers the names people actually have.
PERSON_FACTOR = math.exp(-3.0)
# Rime's essay: word counts gathered for typing Chinese (Debian rime-essay), half of the general model.
ESSAY_PATH = Path("/usr/share/rime-data/essay.txt")
ESSAY_SHARE = 0.8  # prior share of personal names among typed words


@dataclass
class BuildReport:
    path: str
    words: int
    domain_terms: int
    seconds: float

    def to_dict(self) -> dict:
        return {"path": self.path, "words": self.words, "domain_terms": self.domain_terms, "seconds": self.seconds}


SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS words(word TEXT NOT NULL, py TEXT NOT NULL, fkey TEXT NOT NULL,
                                 abbr TEXT NOT NULL, weight REAL NOT NULL);
CREATE TABLE IF NOT EXISTS domain(word TEXT NOT NULL, py TEXT NOT NULL, fkey TEXT NOT NULL,
                                  abbr TEXT NOT NULL, weight REAL NOT NULL);
CREATE TABLE IF NOT EXISTS prefixes(word TEXT NOT NULL, py TEXT NOT NULL, fkey TEXT NOT NULL,
                                    abbr TEXT NOT NULL, weight REAL NOT NULL);
CREATE TABLE IF NOT EXISTS suffixes(word TEXT NOT NULL, py TEXT NOT NULL, fkey TEXT NOT NULL,
                                    abbr TEXT NOT NULL, weight REAL NOT NULL);
CREATE TABLE IF NOT EXISTS names(kind TEXT NOT NULL, py TEXT NOT NULL, char TEXT NOT NULL, weight REAL NOT NULL);
CREATE TABLE IF NOT EXISTS roles(word TEXT PRIMARY KEY, phrase_penalty REAL NOT NULL) WITHOUT ROWID;
"""
INDEXES = """
CREATE INDEX IF NOT EXISTS {t}_key ON {t}(abbr, fkey);
CREATE INDEX IF NOT EXISTS {t}_rank ON {t}(abbr, weight DESC);
CREATE INDEX IF NOT EXISTS {t}_word ON {t}(word);
"""


# --- readings -------------------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def _plain(marked: str) -> str:
    from pypinyin import Style
    from pypinyin.style import convert

    return convert(marked, Style.NORMAL, strict=True)


def _valid(syllable: str) -> str | None:
    syllable = ALIASES.get(syllable, syllable)
    return syllable if syllable in SYLLABLES else None


Reader = Callable[[str], list[tuple[str, ...]]]


def readings(word: str) -> list[tuple[str, ...]]:
    """The word's readings, most likely first: pypinyin's phrase table (with its alternatives) or its
    segmenting guess; every reading of a single character. Readings with interjections are dropped."""
    from pypinyin import Style, lazy_pinyin
    from pypinyin.phrases_dict import phrases_dict
    from pypinyin.pinyin_dict import pinyin_dict

    options: list[list[str]]
    phrase = phrases_dict.get(word)
    if word in PLACE_READINGS:
        options = [[s] for s in PLACE_READINGS[word]]
    elif phrase and len(phrase) == len(word):
        options = [list(dict.fromkeys(_plain(x) for x in choice)) for choice in phrase]
    elif len(word) == 1:
        options = [list(dict.fromkeys(_plain(x) for x in pinyin_dict.get(ord(word), "").split(",") if x))]
    else:
        options = [[s] for s in _segmented_reading(word)]
    if len(options) != len(word):
        return []
    options = [[v for v in (_valid(s) for s in choice) if v] for choice in options]
    result = [tuple(combo) for combo in islice(product(*options), MAX_READINGS)]
    if word in PLACE_READINGS:  # keep pypinyin's everyday reading too (朝阳 the morning sun)
        everyday = tuple(lazy_pinyin(word, style=Style.NORMAL, v_to_u=False))
        if everyday not in result and all(_valid(s) for s in everyday):
            result.append(everyday)
    return result


def _segmented_reading(word: str) -> list[str]:
    """pypinyin's reading of a word its phrase table lacks: cut into known phrases (银行 + 卡), each
    read from the table, the rest character by character. The same result as lazy_pinyin on every
    word of jieba's dictionary, five times faster: its style converters are most of a lexicon build."""
    from pypinyin.phrases_dict import phrases_dict
    from pypinyin.pinyin_dict import pinyin_dict
    from pypinyin.seg.mmseg import seg

    syllables: list[str] = []
    for part in seg.cut(word):
        phrase = phrases_dict.get(part)
        if phrase and len(phrase) == len(part):
            syllables += [_plain(choice[0]) for choice in phrase]
            continue
        for char in part:
            marked = pinyin_dict.get(ord(char))
            if not marked:
                return []
            syllables.append(_plain(marked.split(",")[0]))
    return syllables


def _rows(word: str, weight: float, reader: Reader = readings) -> Iterator[tuple[str, str, str, str, float]]:
    for rank, syllables in enumerate(reader(word)):
        yield (
            word,
            " ".join(syllables),
            " ".join(fuzzy(s) for s in syllables),
            abbreviation(syllables),
            weight - ((ALTERNATE_CHAR_PENALTY if len(word) == 1 else ALTERNATE_READING_PENALTY) if rank else 0.0),
        )


def first_reading(word: str) -> list[tuple[str, ...]]:
    """pypinyin's one guess for the word, as a plain lexicon would take it (the benchmark's baseline)."""
    from pypinyin import Style, lazy_pinyin

    syllables = [_valid(s) for s in lazy_pinyin(word, style=Style.NORMAL, v_to_u=False, errors="ignore")]
    return [tuple(syllables)] if len(syllables) == len(word) and all(syllables) else []


# --- the general lexicon --------------------------------------------------------------------------


def jieba_words() -> Iterator[tuple[str, int, str]]:
    """(word, frequency, part of speech) from the dictionary that ships inside the jieba package."""
    import jieba

    path = Path(jieba.__file__).with_name("dict.txt")
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) >= 2 and len(parts[0]) <= MAX_WORD_CHARS and _CJK_WORD.match(parts[0]):
                yield parts[0], int(parts[1]), parts[2] if len(parts) > 2 else ""


def build_lexicon(
    path: Path,
    documents: Iterable[dict] = (),
    fingerprint: str = "",
    *,
    reader: Reader = readings,
    names: bool = True,
    affixes: bool = True,
    essay: Path | None = ESSAY_PATH,
    progress: Callable[[str, int, int], None] | None = None,
) -> BuildReport:
    """Write the whole lexicon to `path` (atomically: a half-built file is never opened).

    `reader`, `names`, `affixes` and `essay` exist for the benchmark's baseline (jieba and pypinyin's
    first guess only).
    """
    started = time.monotonic()
    tmp = path.with_name(path.name + ".building")
    tmp.unlink(missing_ok=True)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(tmp)
        db.executescript(SCHEMA)
        words = list(jieba_words())
        weights = _general_weights_of(words, essay)
        db.executemany("INSERT INTO words VALUES (?, ?, ?, ?, ?)", _word_rows(weights, reader, progress))
        if names:
            db.executemany("INSERT INTO names VALUES (?, ?, ?, ?)", _name_rows())
            db.executemany("INSERT OR REPLACE INTO roles VALUES (?, ?)", _role_rows(words))
        if affixes:
            for table, rows in _affix_rows(words, reader).items():
                db.executemany(f"INSERT INTO {table} VALUES (?, ?, ?, ?, ?)", rows)
        db.executescript(INDEXES.format(t="words"))
        db.executescript(INDEXES.format(t="prefixes"))
        db.executescript(INDEXES.format(t="suffixes"))
        db.executescript(INDEXES.format(t="domain"))
        count = db.execute("SELECT count(*) FROM words").fetchone()[0]
        _set_meta(db, build_version=BUILD_VERSION, versions=_data_versions(), words=str(count))
        db.commit()
        domain = _write_domain(db, documents, fingerprint, reader)
        db.close()
        os.replace(tmp, path)
    except (OSError, sqlite3.Error) as exc:
        tmp.unlink(missing_ok=True)
        raise StorageError(
            "无法建立输入法词库，请联系工作人员。", f"cannot build the input-method lexicon at {path}: {exc}"
        ) from exc
    seconds = round(time.monotonic() - started, 2)
    log.info("built the input-method lexicon: %d rows, %d catalog terms in %.1f s", count, domain, seconds)
    return BuildReport(str(path), count, domain, seconds)


def _word_rows(
    weights: dict[str, float], reader: Reader, progress: Callable[[str, int, int], None] | None
) -> Iterator[tuple[str, str, str, str, float]]:
    """Rows of the general lexicon, telling `progress` every few thousand words: they take most of a build."""
    total = len(weights)
    for done, (word, weight) in enumerate(weights.items(), 1):
        yield from _rows(word, weight, reader)
        if progress is not None and (done % 5000 == 0 or done == total):
            progress("words", done, total)


def _general_weights_of(words: list[tuple[str, int, str]], essay: Path | None) -> dict[str, float]:
    """log P(word): jieba's news-based frequencies mixed with Rime's essay when it is installed.

    jieba ranks 涉及 and 世界 above 手机 for sj; the essay, counted for typing, ranks 手机 first and
    knows 低保. Its words are traditional characters: converted with zhconv (merging counts).
    """
    jieba_total = sum(freq for _word, freq, _tag in words)
    mixed: dict[str, float] = {}
    essay_counts = essay_words(essay) if essay is not None and essay.exists() else {}
    jieba_share = 1.0 - ESSAY_SHARE if essay_counts else 1.0
    for word, freq, tag in words:
        mixed[word] = mixed.get(word, 0.0) + jieba_share * freq / jieba_total * (PERSON_FACTOR if tag == "nr" else 1.0)
    if essay_counts:
        essay_total = sum(essay_counts.values())
        for word, count in essay_counts.items():
            mixed[word] = mixed.get(word, 0.0) + ESSAY_SHARE * count / essay_total
    else:
        log.warning("no Rime essay at %s: the lexicon uses jieba's frequencies alone", essay)
    return {word: math.log(p) for word, p in mixed.items() if p > 0}


def essay_words(path: Path) -> dict[str, int]:
    """Simplified word → count from Rime's essay.txt (Debian rime-essay), which is in traditional script."""
    import zhconv

    counts: dict[str, int] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 2 or not parts[1].isdigit():
                continue
            word = zhconv.convert(parts[0], "zh-cn")
            if len(word) <= MAX_WORD_CHARS and _CJK_WORD.match(word):
                counts[word] = counts.get(word, 0) + int(parts[1])
    return counts


def _affix_rows(words: list[tuple[str, int, str]], reader: Reader) -> dict[str, list[tuple]]:
    """How often each character begins or ends a word of three or more characters in jieba's dictionary.

    A phrase the lexicon lacks is often a known word plus such a character (自然资源 + 局, 健康 + 码,
    市 + 人民政府); scored as a standalone word, the character loses to a more frequent sound-alike
    (自然资源据, 是人民政府).
    """
    counts: dict[str, Counter[str]] = {"prefixes": Counter(), "suffixes": Counter()}
    for word, freq, _tag in words:
        if len(word) >= 3:
            counts["prefixes"][word[0]] += freq
            counts["suffixes"][word[-1]] += freq
    rows: dict[str, list[tuple]] = {}
    for table, counter in counts.items():
        total = sum(counter.values())
        rows[table] = [row for char, n in counter.items() for row in _rows(char, math.log(n / total), reader)]
    return rows


def _role_rows(words: list[tuple[str, int, str]]) -> Iterator[tuple[str, float]]:
    for word, _freq, tag in words:
        penalty = PHRASE_PENALTY_BY_TAG.get(tag)
        if penalty:
            yield word, penalty


def _data_versions() -> str:
    import jieba
    import pypinyin

    essay = f", essay {ESSAY_PATH.stat().st_size}" if ESSAY_PATH.exists() else ""
    return f"jieba {jieba.__version__}, pypinyin {pypinyin.__version__}{essay}"


def _name_rows() -> Iterator[tuple[str, str, str, float]]:
    from pypinyin.pinyin_dict import pinyin_dict

    for kind, chars in (("surname", SURNAMES), ("given", GIVEN_CHARS)):
        chars = "".join(dict.fromkeys(chars))
        # Zipf-like shares from the published order; the data gives ranks, not counts.
        shares = [1.0 / (rank + 8) for rank in range(len(chars))]
        total = sum(shares)
        for char, share in zip(chars, shares, strict=True):
            weight = math.log(share / total)
            if kind == "surname" and char in SURNAME_READINGS:
                yield kind, SURNAME_READINGS[char], char, weight
                continue
            marked = pinyin_dict.get(ord(char), "").split(",")
            for rank, syllable in enumerate(dict.fromkeys(_plain(x) for x in marked if x)):
                if _valid(syllable):
                    yield kind, _valid(syllable), char, weight - (ALTERNATE_CHAR_PENALTY if rank else 0.0)


def _set_meta(db: sqlite3.Connection, **values: str) -> None:
    db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", values.items())


def read_meta(path: Path) -> dict[str, str]:
    """The lexicon's build facts, or {} when there is no usable lexicon file."""
    if not path.exists():
        return {}
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return dict(db.execute("SELECT key, value FROM meta"))
        finally:
            db.close()
    except sqlite3.Error:
        return {}


def is_current(path: Path) -> bool:
    meta = read_meta(path)
    return meta.get("build_version") == BUILD_VERSION and meta.get("versions") == _data_versions()


# --- the catalog's vocabulary ---------------------------------------------------------------------


def catalog_vocabulary(documents: Iterable[dict]) -> tuple[Counter[str], int]:
    """Counts of the catalog's words and frequent word runs (政务公开 = 政务 + 公开), and the token total.

    Titles, issuers and 文号 agencies weigh more than body text; bodies are cut to a budget so a
    100k-document catalog still refreshes in seconds.
    """
    import rjieba

    counts: Counter[str] = Counter()
    total = 0
    budget = BODY_CHARS_TOTAL
    for doc in documents:
        body = (doc.get("body") or "")[: min(BODY_CHARS_PER_DOCUMENT, max(budget, 0))]
        budget -= len(body)
        issuer = doc.get("issuer") or ""
        texts = [(doc.get("title") or "", TITLE_WEIGHT), (issuer, TITLE_WEIGHT), (body, 1)]
        if _CJK_WORD.match(issuer) and len(issuer) <= MAX_WORD_CHARS:
            counts[issuer] += TITLE_WEIGHT
        agency = _AGENCY.match(doc.get("doc_number") or "")
        if agency:
            counts[agency.group(1)] += TITLE_WEIGHT
        for text, weight in texts:
            for run in _CJK_RUN.findall(text):
                tokens = rjieba.cut(run)
                total += weight * len(tokens)
                for i, token in enumerate(tokens):
                    if len(token) >= 2:
                        counts[token] += weight
                    # Runs of 2–4 tokens that neither begin nor end with a function word: the
                    # catalog's multi-word terms (政务公开, and 公租房 that jieba cuts as 公 + 租房).
                    if token in _FUNCTION_WORDS:
                        continue
                    for n in (2, 3, 4):
                        gram = tokens[i : i + n]
                        if len(gram) < n or gram[-1] in _FUNCTION_WORDS:
                            continue
                        joined = "".join(gram)
                        if 3 <= len(joined) <= MAX_WORD_CHARS:
                            counts[joined] += weight
    return counts, total


def _write_domain(
    db: sqlite3.Connection, documents: Iterable[dict], fingerprint: str, reader: Reader = readings
) -> int:
    counts, total = catalog_vocabulary(documents)
    # A run seen once in one body is chance; in a title, or twice anywhere, it is a term.
    terms = [(word, count) for word, count in counts.most_common(MAX_DOMAIN_TERMS) if count >= 2]
    general = _general_weights(db, [word for word, _ in terms])
    rows = []
    for word, count in terms:
        p_general = math.exp(general[word]) if word in general else 0.0
        weight = math.log((1 - DOMAIN_SHARE) * p_general + DOMAIN_SHARE * count / max(total, 1))
        rows.extend(_rows(word, weight, reader))
    with db:
        db.execute("DELETE FROM domain")
        db.executemany("INSERT INTO domain VALUES (?, ?, ?, ?, ?)", rows)
        _set_meta(db, domain_fingerprint=fingerprint, domain_terms=str(len(terms)))
    return len(terms)


def _general_weights(db: sqlite3.Connection, words: list[str]) -> dict[str, float]:
    found: dict[str, float] = {}
    for i in range(0, len(words), 500):
        chunk = words[i : i + 500]
        marks = ",".join("?" * len(chunk))
        for word, weight in db.execute(
            f"SELECT word, max(weight) FROM words WHERE word IN ({marks}) GROUP BY word", chunk
        ):
            found[word] = weight
    return found


def refresh_domain(path: Path, documents: Iterable[dict], fingerprint: str) -> int:
    """Replace the catalog part of an existing lexicon (after a sync); readers keep working meanwhile."""
    try:
        db = sqlite3.connect(path, timeout=30)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return _write_domain(db, documents, fingerprint)
        finally:
            db.close()
    except sqlite3.Error as exc:
        raise StorageError(
            "无法更新输入法词库，请联系工作人员。", f"cannot refresh the catalog vocabulary in {path}: {exc}"
        ) from exc
