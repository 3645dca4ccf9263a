"""发文字号 (document numbers such as 海政办发〔2019〕23号, and 令 numbers such as 国务院令第706号): find,
parse and normalise them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_OPEN = "〔［[(（【｛{"
_CLOSE = "〕］])）】｝}"
# Words that often stand right before a cited 文号 in running text and are not part of its agency.
_LEADING_NOISE = re.compile(
    r"^(?:根据|按照|依据|依照|贯彻|落实|印发|转发|参照|结合|对照|即|及|和|与|或|的|见|据|经|是|为)+"
)

_PATTERN = re.compile(
    r"(?P<agency>[\u4e00-\u9fff]{1,12}?)\s*"
    rf"[{re.escape(_OPEN)}]?\s*(?P<year>(?:19|20)\d{{2}})\s*[{re.escape(_CLOSE)}]\s*"
    r"第?\s*(?P<serial>\d{1,5})\s*号"
)
# Agencies end with a character like 发/函/字/办/令; this keeps ordinary words out of a year in round
# brackets. A year in 〔〕 or [] brackets is a 文号 whatever its agency ends with (海府, 沪建建, 财建).
_AGENCY_END = set("发函字办令通规复电告任审批文密知报录证呈示决议委处局公开政")
_SQUARE = "〔［[【"


@dataclass(frozen=True)
class DocNumber:
    agency: str
    year: int | None  # None for a 令 numbered without a year (国务院令第706号)
    serial: int
    raw: str
    start: int
    end: int
    order: bool = False  # a 令 (国务院令, 省/市人民政府令, 部令): numbered 第N号, not 〔year〕N号

    @property
    def normalized(self) -> str:
        if self.order:
            return order_number(self.agency, self.year, self.serial)
        return f"{self.agency}〔{self.year}〕{self.serial}号"


# A 令 is named by the body that issues it; the state's name in front and the short 国令 are the same 令.
_STATE_PREFIX = "中华人民共和国"
_ORDER_ALIASES = {"国令": "国务院令"}
# What the body issuing a 令 ends with (国务院, 人民政府, 部, 委员会, 总局, 人民银行, 国令, 主席).
_ORDER_ISSUER_END = set("院府部委局署行会办国席")


def order_agency(agency: str) -> str:
    """中华人民共和国国务院令 / 国令 → 国务院令; 中华人民共和国商务部令 → 商务部令."""
    agency = re.sub(r"\s+", "", agency)
    if agency.startswith(_STATE_PREFIX) and len(agency) > len(_STATE_PREFIX) + 1:
        agency = agency[len(_STATE_PREFIX) :]
    return _ORDER_ALIASES.get(agency, agency)


def order_number(agency: str, year: int | None, serial: int) -> str:
    """The one spelling of a 令 number: 国务院令第706号, 交通运输部令2019年第1号."""
    agency = order_agency(agency)
    return f"{agency}{year}年第{serial}号" if year else f"{agency}第{serial}号"


def order_issuer(number: DocNumber) -> str | None:
    """The body that issued a 令 (国务院令 → 国务院), or None for a bare 政府令 that does not name it."""
    if not number.order:
        return None
    body = order_agency(number.agency)[:-1]
    body = "国务院" if body == "国" else body
    return body if len(body) >= 3 else None


_FULL_WIDTH = {
    code: unicodedata.normalize("NFKC", chr(code))
    for code in range(ord("０"), ord("ｚ") + 1)
    if "０" <= chr(code) <= "９" or "Ａ" <= chr(code) <= "ｚ"
}


_HAS_FULL_WIDTH = re.compile("[０-９Ａ-ｚ]")


def _fold(text: str) -> str:
    """Full-width digits and letters to half-width, without moving offsets (NFKC is 1:1 for them)."""
    return text.translate(_FULL_WIDTH) if _HAS_FULL_WIDTH.search(text) else text


# The year, closing bracket, serial and 号 of a 文号: cheap to find, so the agency before it is
# only looked at where one is (matching the whole pattern at every character was ~0.5 ms a page).
_ANCHOR = re.compile(rf"(?P<year>(?:19|20)\d{{2}})\s*[{re.escape(_CLOSE)}]\s*第?\s*(?P<serial>\d{{1,5}})\s*号")
_MAX_AGENCY = 12
# 令 numbers: 国务院令第706号, 国令 第706号, 中华人民共和国国务院令（第292号）, 交通运输部令2019年第1号.
_ORDER_ANCHOR = re.compile(
    r"令\s*(?:(?P<open>[（(])\s*)?(?:(?P<year>(?:19|20)\d{2})\s*年\s*)?第\s*(?P<serial>\d{1,5})\s*号(?(open)\s*[）)])"
)
_MAX_ORDER_AGENCY = 16  # 中华人民共和国生态环境部 and the like
_ORDER_BREAK = re.compile(r"第[一二三四五六七八九十百零〇\d]+[条款项章节]|[及与或的]")


def find_doc_numbers(text: str) -> list[DocNumber]:
    """Every 文号 in `text`, in order, with offsets into the original text.

    Same result as scanning with `_PATTERN`: the agency is the longest run of up to 12 Chinese
    characters right before the (optionally bracketed) year, never reaching into the previous match.
    """
    if "号" not in text:
        return []
    folded = _fold(text)
    found = _find_bracketed(text, folded)
    if "令" in folded:
        taken = [(n.start, n.end) for n in found]
        orders = [n for n in _find_orders(text, folded) if not any(s < n.end and n.start < e for s, e in taken)]
        found = sorted(found + orders, key=lambda n: n.start)
    return found


def _find_bracketed(text: str, folded: str) -> list[DocNumber]:
    found = []
    floor = 0
    for anchor in _ANCHOR.finditer(folded):
        k = anchor.start()
        while k > floor and folded[k - 1].isspace():
            k -= 1
        square = False
        if k > floor and folded[k - 1] in _OPEN:
            square = folded[k - 1] in _SQUARE
            k -= 1
            while k > floor and folded[k - 1].isspace():
                k -= 1
        a = k
        while a > floor and k - a < _MAX_AGENCY and "\u4e00" <= folded[a - 1] <= "\u9fff":
            a -= 1
        if a == k:
            continue
        floor = anchor.end()
        agency = folded[a:k]
        trimmed = _LEADING_NOISE.sub("", agency)
        if not trimmed or (trimmed[-1] not in _AGENCY_END and not square):
            continue
        start = a + (len(agency) - len(trimmed))
        found.append(
            DocNumber(
                agency=trimmed,
                year=int(anchor.group("year")),
                serial=int(anchor.group("serial")),
                raw=text[start : anchor.end()],
                start=start,
                end=anchor.end(),
            )
        )
    return found


def _find_orders(text: str, folded: str) -> list[DocNumber]:
    """令 numbers: the agency is the run of Chinese characters before 令 that names an issuing body."""
    found = []
    floor = 0
    for anchor in _ORDER_ANCHOR.finditer(folded):
        k = anchor.start()  # the 令 itself
        a = k
        while a > floor and k - a < _MAX_ORDER_AGENCY and "\u4e00" <= folded[a - 1] <= "\u9fff":
            a -= 1
        # Running text runs into the agency (第十三条和国令第706号): it starts after the last clause
        # reference or joining word.
        agency = _LEADING_NOISE.sub("", _ORDER_BREAK.split(folded[a:k])[-1])
        if not agency or agency[-1] not in _ORDER_ISSUER_END:
            continue
        start = k - len(agency)
        floor = anchor.end()
        year = anchor.group("year")
        found.append(
            DocNumber(
                agency=agency + "令",
                year=int(year) if year else None,
                serial=int(anchor.group("serial")),
                raw=text[start : anchor.end()],
                start=start,
                end=anchor.end(),
                order=True,
            )
        )
    return found


def parse_doc_number(text: str) -> DocNumber | None:
    """The 文号 when `text` is essentially one (spaces and brackets of any style allowed)."""
    stripped = text.strip()
    numbers = find_doc_numbers(stripped)
    if len(numbers) == 1 and numbers[0].start <= 1 and numbers[0].end >= len(stripped) - 1:
        return numbers[0]
    return None


def normalize_doc_number(text: str | None) -> str | None:
    if not text:
        return None
    parsed = parse_doc_number(text)
    return parsed.normalized if parsed else None
