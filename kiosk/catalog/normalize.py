"""Turn what a resident types (any width, brackets, traditional characters, pinyin, FTS syntax) into search terms.

Documents and queries go through the same `fold`, so ＡＢＣ１２３ in a body and abc123 typed on the
keyboard meet. `fold` maps one character to one character: offsets found in folded text are
offsets in the raw text, which is what snippets and their marks need.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.catalog.docnumber import order_number

if TYPE_CHECKING:
    from kiosk.catalog.text_helper import TextHelper

# Characters that make up searchable text: CJK ideographs (BMP blocks and extension A) and ASCII
# letters and digits. Everything else (punctuation, spaces, FTS operators) separates terms.
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
RUN = re.compile(rf"[{CJK}0-9a-z]+")
_IS_CJK = re.compile(rf"[{CJK}]")


def _fold_table() -> dict[int, str]:
    table = {code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}  # full-width ASCII
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = chr(code + 32)
    for code in range(0xFF21, 0xFF3B):  # full-width capitals straight to lower case
        table[code] = chr(code - 0xFEE0 + 32)
    return table


_FOLD = _fold_table()
# Only what can be part of a search term; full-width punctuation separates terms either way.
_NEEDS_FOLD = re.compile("[A-Z０-９Ａ-Ｚａ-ｚ]+")


def _fold_match(match: re.Match) -> str:
    return match.group().translate(_FOLD)


def fold(text: str) -> str:
    """Full-width letters and digits to half-width and upper to lower case, one character for one.

    Only the rare stretches that need it are translated: translating whole pages cost ~0.2 ms each.
    """
    return _NEEDS_FOLD.sub(_fold_match, text)


def runs(text: str) -> list[str]:
    """The searchable runs of already folded text: 政务公开, 2019, ppp."""
    return RUN.findall(text)


# zhconv's zh-cn table, written out by kiosk.catalog.simplified_table: importing zhconv would load
# every locale's tables (~12 MB) into the kiosk's UI process for a few queries a day.
SIMPLIFIED_TABLE = Path(__file__).resolve().parents[2] / "assets" / "zhconv" / "zh-cn.tsv"


@lru_cache(maxsize=1)
def _simplified_table() -> tuple[dict[str, str], frozenset[str]]:
    """The table (~12k entries, ~2 MB loaded) and every prefix of its keys, read on first use."""
    table: dict[str, str] = {}
    for line in SIMPLIFIED_TABLE.read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition("\t")
        table[key] = value
    prefixes = frozenset(key[:end] for key in table for end in range(1, len(key) + 1))
    return table, prefixes


@lru_cache(maxsize=256)
def to_simplified(text: str) -> str:
    """Traditional → simplified, exactly as zhconv.convert(text, "zh-cn") does (longest match from the
    left over the same table); the catalog is written in simplified characters."""
    if not _IS_CJK.search(text):
        return text
    table, prefixes = _simplified_table()
    out: list[str] = []
    pos, size = 0, len(text)
    while pos < size:
        end, found, found_end = pos + 1, None, pos
        while end <= size and text[pos:end] in prefixes:
            replacement = table.get(text[pos:end])
            if replacement is not None:
                found, found_end = replacement, end
            end += 1
        if found is None:
            out.append(text[pos])
            pos += 1
        else:
            out.append(found)
            pos = found_end
    return "".join(out)


# 文号 as people type them: any bracket or none, 年 or a space between year and serial, 第 optional.
_QUERY_DOC_NUMBER = re.compile(
    rf"^\s*(?P<agency>[{CJK}]{{1,12}}?)\s*[〔［\[(（【{{｛<《]?\s*(?P<year>(?:19|20)\d{{2}})\s*"
    r"[〕］\])）】}｝>》年]?\s*第?\s*(?P<serial>\d{1,5})\s*号\s*$"
)


# 令 numbers as people type them: 国务院令706号, 国令 第706号, 国务院令(第706号), 交通运输部令 2019 年第1号.
_QUERY_ORDER_NUMBER = re.compile(
    rf"^\s*(?P<agency>[{CJK}]{{1,16}}令)\s*[(（〔［\[]?\s*(?:(?P<year>(?:19|20)\d{{2}})\s*年\s*)?第?\s*"
    r"(?P<serial>\d{1,5})\s*号\s*[)）〕］\]]?\s*$"
)


def parse_query_doc_number(text: str) -> str | None:
    """The canonical 文号 (海政办发〔2019〕23号, 国务院令第706号) when the whole query is one, in any bracket
    style or spacing: the same key the catalog stores for that document."""
    text = unicodedata.normalize("NFKC", text)
    order = _QUERY_ORDER_NUMBER.match(text)
    if order:
        year = int(order["year"]) if order["year"] else None
        return order_number(order["agency"][:-1] + "令", year, int(order["serial"]))
    match = _QUERY_DOC_NUMBER.match(text)
    if not match:
        return None
    return f"{match['agency']}〔{match['year']}〕{int(match['serial'])}号"


# --- pinyin -------------------------------------------------------------------------------------

# Every toneless syllable (ü written v, as on a keyboard), frozen here because the index stores
# each syllable as one private-use character by its position in this table: appending is safe,
# reordering needs a migration that rebuilds the index.
SYLLABLES: tuple[str, ...] = tuple(
    "a ai an ang ao ba bai ban bang bao bei ben beng bi bian biang biao bie bin bing bo bong bu ca cai "
    "can cang cao ce cei cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua chuai "
    "chuan chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de dei den deng di "
    "dia dian diao die din ding diu dong dou du duan dui dun duo e ei en eng er fa fan fang fei fen feng "
    "fiao fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang gui gun guo ha "
    "hai han hang hao he hei hen heng hong hou hu hua huai huan huang hui hun huo ji jia jian jiang jiao "
    "jie jin jing jiong jiu ju juan jue jun ka kai kan kang kao ke kei ken keng kong kou ku kua kuai kuan "
    "kuang kui kun kuo la lai lan lang lao le lei len leng li lia lian liang liao lie lin ling liu lo "
    "long lou lu luan lun luo lv lve ma mai man mang mao me mei men meng mi mian miao mie min ming miu mo "
    "mou mu na nai nan nang nao ne nei nen neng ni nia nian niang niao nie nin ning niu nong nou nu nuan "
    "nun nuo nv nve o ou pa pai pan pang pao pei pen peng pi pian piao pie pin ping po pou pu qi qia qian "
    "qiang qiao qie qin qing qiong qiu qu quan que qun ran rang rao re ren reng ri rong rou ru rua ruan "
    "rui run ruo sa sai san sang sao se sen seng sha shai shan shang shao she shei shen sheng shi shou "
    "shu shua shuai shuan shuang shui shun shuo si song sou su suan sui sun suo ta tai tan tang tao te "
    "tei teng ti tian tiao tie ting tong tou tu tuan tui tun tuo wa wai wan wang wei wen weng wo wong wu "
    "xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun ya yan yang yao ye yi yin ying yo yong "
    "you yu yuan yue yun za zai zan zang zao ze zei zen zeng zha zhai zhan zhang zhao zhe zhei zhen zheng "
    "zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui zun zuo".split()
)
_SYLLABLE_BASE = 0xE200  # U+E200… one character per syllable
_PAIR_BASE = 0xE400  # U+E400… one character per pair of initials (26 × 26)
_LOWER = "abcdefghijklmnopqrstuvwxyz"
_SYMBOL = {syllable: chr(_SYLLABLE_BASE + i) for i, syllable in enumerate(SYLLABLES)}
_ALIASES = {"lue": "lve", "nue": "nve"}  # both spellings are taught


def pinyin_syllables() -> frozenset[str]:
    return _SYLLABLE_SET


_SYLLABLE_SET = frozenset(SYLLABLES) | frozenset(_ALIASES)


@lru_cache(maxsize=65536)
def _word_pinyin(word: str) -> tuple[str, ...]:
    # Imported here: only the index build (sync, import) and suggestions need readings of text, and
    # pypinyin's dictionaries hold ~55 MB that the kiosk's UI process must not carry from start-up.
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(word, style=Style.NORMAL, errors="ignore")
    return tuple(s.replace("ü", "v") for s in syllables if s.isascii() and s.isalpha())


def text_pinyin(text: str) -> list[str]:
    """Toneless syllables of the Chinese characters in `text`, in order (other characters dropped).

    Word by word (rjieba) with a cache: titles share most of their words, and this is ~30× faster
    than pypinyin on whole titles with the same readings (行动 xing dong, 成都 cheng du). In the
    kiosk's UI process (`answer_in_child_process`) a helper process answers.
    """
    if _helper is not None:
        return _helper.ask("pinyin", text)
    return text_pinyin_here(text)


def text_pinyin_here(text: str) -> list[str]:
    """`text_pinyin` computed in this process."""
    import rjieba

    syllables: list[str] = []
    for word in rjieba.cut(text):
        syllables.extend(_word_pinyin(word))
    return syllables


def cut_words(text: str) -> list[str]:
    """rjieba's words of `text` (a helper process answers in the kiosk's UI process)."""
    if _helper is not None:
        return _helper.ask("cut", text)
    return cut_words_here(text)


def cut_words_here(text: str) -> list[str]:
    """`cut_words` computed in this process."""
    import rjieba

    return list(rjieba.cut(text))


# Set in the kiosk's UI process only: the rare queries that need rjieba or pypinyin (nothing found,
# a long unspaced phrase) ask a child process, so their ~90 MB never stays in the UI process.
_helper: TextHelper | None = None


def answer_in_child_process(enabled: bool = True) -> None:
    """From now on, word segmentation and pinyin of queries run in a helper process (see text_helper)."""
    global _helper
    from kiosk.catalog.text_helper import TextHelper

    if _helper is not None:
        _helper.close()
    _helper = TextHelper("kiosk.catalog.normalize", _answer_here) if enabled else None


def _answer_here(op: str, text: str) -> list[str]:
    if op == "cut":
        return cut_words_here(text)
    if op == "pinyin":
        return text_pinyin_here(text)
    raise ValueError(f"unknown text operation {op!r}")


def syllable_symbols(syllables: list[str] | tuple[str, ...]) -> str:
    """One private-use character per syllable, so pinyin is matched like Chinese characters are."""
    return "".join(_SYMBOL[_ALIASES.get(s, s)] for s in syllables if _ALIASES.get(s, s) in _SYMBOL)


@lru_cache(maxsize=65536)
def _word_reading(word: str) -> tuple[str, str]:
    syllables = _word_pinyin(word)
    return syllable_symbols(syllables), "".join(s[0] for s in syllables)


@lru_cache(maxsize=1024)
def text_reading(text: str) -> tuple[str, str]:
    """(syllable_symbols(text_pinyin(text)), the first letter of each syllable), cached per word
    and per text (issuers repeat on every document): the index build reads every title and issuer."""
    import rjieba

    symbols, letters = [], []
    for word in rjieba.cut(text):
        word_symbols, word_letters = _word_reading(word)
        symbols.append(word_symbols)
        letters.append(word_letters)
    return "".join(symbols), "".join(letters)


_PAIRS = {a + b: chr(_PAIR_BASE + (ord(a) - 97) * 26 + (ord(b) - 97)) for a in _LOWER for b in _LOWER}


def initial_pairs(letters: str) -> str:
    """One private-use character per adjacent pair of initials (zwgk → zw wg gk): single letters
    are too common to look up quickly."""
    if not (letters.isascii() and letters.isalpha() and letters.islower()):
        letters = "".join(ch for ch in letters.lower() if "a" <= ch <= "z")
    pairs = _PAIRS
    return "".join([pairs[letters[i : i + 2]] for i in range(len(letters) - 1)])


@lru_cache(maxsize=1)
def _syllable_prefixes() -> frozenset[str]:
    return frozenset(s[:i] for s in _SYLLABLE_SET for i in range(1, len(s) + 1))


def segment_pinyin(letters: str, *, limit: int = 4) -> list[list[str]]:
    """Ways to read a run of letters as syllables, fewest syllables first: xian → [xian], [xi, an].

    An unfinished last syllable (zhengwugongk, while typing) is dropped: the complete ones match.
    """
    syllables, prefixes = _SYLLABLE_SET, _syllable_prefixes()
    results: list[list[str]] = []

    def walk(start: int, path: list[str]) -> None:
        if len(results) >= limit * 4:
            return
        if start == len(letters):
            results.append(path)
            return
        for end in range(min(len(letters), start + 6), start, -1):
            piece = letters[start:end]
            if piece in syllables:
                walk(end, [*path, piece])
            elif end == len(letters) and path and piece in prefixes:
                results.append(path)  # typing: the complete syllables so far

    walk(0, [])
    complete = [r for r in results if sum(map(len, r)) == len(letters)]
    ranked = sorted(complete or results, key=len)
    unique: list[list[str]] = []
    for reading in ranked:
        if reading not in unique:
            unique.append(reading)
    return unique[:limit]


# --- the query ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NormalizedQuery:
    """What a query means to the index. `terms` must all occur (AND); each is a run of CJK/ASCII."""

    raw: str
    terms: tuple[str, ...] = ()
    doc_number: str | None = None  # the whole query was a 文号
    pinyin: tuple[tuple[str, ...], ...] = ()  # readings of an all-letters query as syllables
    initials: str | None = None  # an all-letters query read as initials (zwgk)
    # The terms before traditional → simplified, when that changed them: 昇 is also a simplified
    # character (华为昇腾), so a query that finds nothing converted is tried as typed.
    as_typed: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def text(self) -> str:
        """The query as searched, shown back to the resident."""
        if self.doc_number:
            return self.doc_number
        return " ".join(self.terms)

    @property
    def empty(self) -> bool:
        return not self.terms and not self.doc_number


MAX_QUERY_CHARS = 200
MAX_TERMS = 8


def normalize_query(raw: str | None) -> NormalizedQuery:
    """Never raises: anything that is not text to look for is dropped."""
    if not isinstance(raw, str):
        raw = "" if raw is None else str(raw)
    text = raw[:MAX_QUERY_CHARS]
    # NFKC also unfolds compatibility forms (㈠ → (一), ﹝ → 〔); fold() then lowers case.
    text = fold(unicodedata.normalize("NFKC", text))
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    typed = text
    text = to_simplified(text)
    number = parse_query_doc_number(text)
    if number:
        return NormalizedQuery(raw=raw, terms=tuple(runs(fold(number))), doc_number=number)
    terms: list[str] = []
    for term in runs(text):
        if term not in terms:
            terms.append(term)
    terms = terms[:MAX_TERMS]
    pinyin: tuple[tuple[str, ...], ...] = ()
    initials = None
    letters = "".join(ch for ch in text if ch.isascii() and ch.isalpha())
    only_letters = bool(letters) and all(t.isascii() and t.isalpha() for t in terms)
    if only_letters and len(letters) <= 40:
        # "zheng wu gong kai", "zhengwugongkai" and "zheng'wu" are the same reading.
        pinyin = tuple(tuple(r) for r in segment_pinyin(letters))
        if 2 <= len(letters) <= 12 and (not pinyin or len(letters) <= 4):
            initials = letters
    as_typed = tuple(dict.fromkeys(runs(typed)))[:MAX_TERMS] if typed != text else ()
    return NormalizedQuery(raw=raw, terms=tuple(terms), pinyin=pinyin, initials=initials, as_typed=as_typed)


if __name__ == "__main__":
    import sys

    from kiosk.catalog.text_helper import IDLE_SECONDS, serve

    serve(_answer_here, float(sys.argv[1]) if len(sys.argv) > 1 else IDLE_SECONDS)
