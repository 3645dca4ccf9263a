"""发文字号 (document numbers such as 海政办发〔2019〕23号): find, parse and normalise them."""

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
# Agencies end with a character like 发/函/字/办/令; this keeps ordinary words out.
_AGENCY_END = set("发函字办令通规复电告任审批文密知报录证呈示决议委处局公开政")


@dataclass(frozen=True)
class DocNumber:
    agency: str
    year: int
    serial: int
    raw: str
    start: int
    end: int

    @property
    def normalized(self) -> str:
        return f"{self.agency}〔{self.year}〕{self.serial}号"


def _fold(text: str) -> str:
    """Full-width digits and letters to half-width, without moving offsets (NFKC is 1:1 for them)."""
    return "".join(
        unicodedata.normalize("NFKC", ch) if ("０" <= ch <= "９" or "Ａ" <= ch <= "ｚ") else ch for ch in text
    )


def find_doc_numbers(text: str) -> list[DocNumber]:
    """Every 文号 in `text`, in order, with offsets into the original text."""
    folded = _fold(text)
    found = []
    for match in _PATTERN.finditer(folded):
        agency = match.group("agency")
        trimmed = _LEADING_NOISE.sub("", agency)
        if not trimmed or trimmed[-1] not in _AGENCY_END:
            continue
        start = match.start("agency") + (len(agency) - len(trimmed))
        found.append(
            DocNumber(
                agency=trimmed,
                year=int(match.group("year")),
                serial=int(match.group("serial")),
                raw=text[start : match.end()],
                start=start,
                end=match.end(),
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
