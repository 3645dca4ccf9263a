"""Pinyin as typed on a screen keyboard: syllables, initials, partial syllables and accent-fuzzy keys.

The input engine needs to cut a run of letters (zhengwgk, xian, zwgk) into tokens before it can look
words up. A token is a whole syllable, or a partial one (an initial such as zh, or the unfinished
last syllable while the person is still typing). Several cuttings are kept because the letters alone
cannot decide (xian = 先 or 西安; shbz = sh·b·z or s·h·b·z for 社会保障).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# The standard Mandarin syllables, toneless, ü written as v (as on every pinyin keyboard). Derived
# once from pypinyin's character table, minus the interjections m, n, ng, hm, hng and ê, which
# would otherwise swallow the initials people type (zwgk must not become z·w·g·k with a syllable n).
SYLLABLES: frozenset[str] = frozenset(
    """a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai can cang
    cao ce cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua chuai chuan chuang
    chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de dei den deng di dia dian diao
    die ding diu dong dou du duan dui dun duo e ei en eng er fa fan fang fei fen feng fiao fo fou fu ga
    gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang gui gun guo ha hai han hang hao he
    hei hen heng hong hou hu hua huai huan huang hui hun huo ji jia jian jiang jiao jie jin jing jiong
    jiu ju juan jue jun ka kai kan kang kao ke kei ken keng kong kou ku kua kuai kuan kuang kui kun kuo
    la lai lan lang lao le lei len leng li lia lian liang liao lie lin ling liu lo long lou lu luan lun
    luo lv lve ma mai man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu na nai nan
    nang nao ne nei nen neng ni nian niang niao nie nin ning niu nong nou nu nuan nun nuo nv nve o ou pa
    pai pan pang pao pei pen peng pi pian piao pie pin ping po pou pu qi qia qian qiang qiao qie qin
    qing qiong qiu qu quan que qun ran rang rao re ren reng ri rong rou ru rua ruan rui run ruo sa sai
    san sang sao se sen seng sha shai shan shang shao she shei shen sheng shi shou shu shua shuai shuan
    shuang shui shun shuo si song sou su suan sui sun suo ta tai tan tang tao te tei teng ti tian tiao
    tie ting tong tou tu tuan tui tun tuo wa wai wan wang wei wen weng wo wu xi xia xian xiang xiao xie
    xin xing xiong xiu xu xuan xue xun ya yan yang yao ye yi yin ying yo yong you yu yuan yue yun za
    zai zan zang zao ze zei zen zeng zha zhai zhan zhang zhao zhe zhei zhen zheng zhi zhong zhou zhu
    zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui zun zuo""".split()
)
# Spellings people type for ü that are not the keyboard's v.
ALIASES = {"lue": "lve", "nue": "nve"}
_SPELLINGS = {s: s for s in SYLLABLES} | ALIASES
PREFIXES: frozenset[str] = frozenset(s[:i] for s in _SPELLINGS for i in range(1, len(s) + 1))
MAX_SYLLABLE = max(len(s) for s in _SPELLINGS)
INITIALS_2 = ("zh", "ch", "sh")
VOWEL_INITIALS = frozenset("aeo")

_KEEP = re.compile(r"[^a-z']")


def clean(text: str) -> str:
    """Lower-case letters and apostrophes only; ü becomes v as on the keyboard."""
    return _KEEP.sub("", text.lower().replace("ü", "v").replace("u:", "v"))


def fuzzy(syllable: str) -> str:
    """The accent-tolerant key of a (partial) syllable: z/zh c/ch s/sh n/l an/ang en/eng in/ing merged."""
    s = syllable
    if s[:2] in INITIALS_2:
        s = s[0] + s[2:]
    if s.startswith("l"):
        s = "n" + s[1:]
    for full, short in (("ang", "an"), ("eng", "en"), ("ing", "in")):
        if s.endswith(full):
            return s[: -len(full)] + short
    return s


def abbreviation(syllables: list[str] | tuple[str, ...]) -> str:
    """First letters, with l folded onto n so one index serves exact and fuzzy look-ups."""
    return "".join("n" if s[0] == "l" else s[0] for s in syllables)


@dataclass(frozen=True)
class Token:
    start: int  # offsets into the cleaned input
    end: int
    text: str  # canonical spelling (lue → lve)
    full: bool  # a whole syllable; otherwise an initial or an unfinished syllable, matched as a prefix
    last: bool  # ends the input: while typing, even a whole syllable may still grow (ka → kai)

    @property
    def prefix(self) -> bool:
        return not self.full or self.last


# Cost of one cutting: partial tokens first (whole syllables are more likely meant), then tokens.
_Cost = tuple[int, int]
KEEP_CUTTINGS = 8


def tokenize(text: str) -> list[Token]:
    """Every token of the few best cuttings of `text` (already cleaned); apostrophes force a cut."""
    tokens: set[Token] = set()
    position = 0
    for chunk in text.split("'"):
        end_of_input = position + len(chunk) == len(text.rstrip("'")) and not text.endswith("'")
        for cutting in _cuttings(chunk, end_of_input):
            for start, end, spelling, full in cutting:
                tokens.add(
                    Token(
                        position + start,
                        position + end,
                        _SPELLINGS.get(spelling, spelling),
                        full,
                        end_of_input and end == len(chunk),
                    )
                )
        position += len(chunk) + 1
    return sorted(tokens, key=lambda t: (t.start, t.end, t.full))


@lru_cache(maxsize=4096)
def _cuttings(chunk: str, open_end: bool) -> tuple[tuple[tuple[int, int, str, bool], ...], ...]:
    """The KEEP_CUTTINGS best cuttings of one apostrophe-free chunk, by (partials, tokens)."""
    n = len(chunk)
    # best[p]: the k best cuttings of chunk[p:], as (cost, tokens)
    best: list[list[tuple[_Cost, tuple]]] = [[] for _ in range(n + 1)]
    best[n] = [((0, 0), ())]
    for p in range(n - 1, -1, -1):
        options: list[tuple[_Cost, tuple]] = []
        for end, spelling, full in _pieces(chunk, p):
            for (partials, count), rest in best[end]:
                cost = (partials + (0 if full else 1), count + 1)
                options.append((cost, ((p, end, spelling, full), *rest)))
        options.sort(key=lambda item: item[0])
        best[p] = options[:KEEP_CUTTINGS]
    return tuple(tokens for _cost, tokens in best[0])


def _pieces(chunk: str, p: int) -> list[tuple[int, str, bool]]:
    """Tokens that may start at p: whole syllables, the initial, and the longest unfinished syllable."""
    pieces: list[tuple[int, str, bool]] = []
    longest = ""
    for length in range(1, min(MAX_SYLLABLE, len(chunk) - p) + 1):
        piece = chunk[p : p + length]
        if piece not in PREFIXES:
            break
        longest = piece
        if piece in _SPELLINGS:
            pieces.append((p + length, piece, True))
    if not longest:
        return []  # a letter no syllable starts with (i, u, v): no cutting passes here
    # Both sh and s: shbz is 社会保障 (s·h·b·z) as often as 水泵站 (sh·b·z).
    initials = {chunk[p], chunk[p : p + 2]} if chunk[p : p + 2] in INITIALS_2 else {chunk[p]}
    for partial in initials | {longest}:
        if partial not in _SPELLINGS and partial in PREFIXES:
            pieces.append((p + len(partial), partial, False))
    # a, e and o are syllables and also the first letters of an, ai, er, ou…: the a of gaj is 安 (公安局).
    if chunk[p] in VOWEL_INITIALS:
        pieces.append((p + 1, chunk[p], False))
    return pieces


def matches(syllable: str, token: Token, use_fuzzy: bool) -> bool:
    """Whether a word's syllable can be what the person typed for this token."""
    if use_fuzzy:
        have, want = fuzzy(syllable), fuzzy(token.text)
    else:
        have, want = syllable, token.text
    return have.startswith(want) if token.prefix else have == want
