"""The region-code list that travels signed in the feed, so a terminal learns new counties without a
software release. Format (identity checks read it from catalog state "regions"):

    {"format": 1, "as_of": "2025", "source": "民政部…", "codes": {"110000": "北京市", "110101": "东城区", …}}

`codes` is the Ministry of Civil Affairs' 县以上行政区划代码 list in force: provinces, prefectures and
counties. Which of them issue resident IDs is decided by kiosk.applications.regions.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from kiosk.sync.canonical import canonical_json

REGIONS_FORMAT = 1
MAX_NAME = 50
MAX_NOTE = 300
_CODE_RE = re.compile(r"^[1-9]\d{5}$")


class RegionsFormatError(ValueError):
    """What is wrong with a region list, in English; callers turn it into BadInput or Refused."""


def _clean_text(value: Any, what: str, maximum: int) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > maximum:
        raise RegionsFormatError(f"{what} must be non-empty text of at most {maximum} characters")
    if any(unicodedata.category(c)[0] in "CZ" and c != " " for c in value):
        raise RegionsFormatError(f"{what} holds control or separator characters")
    return value.strip()


def validate_regions(data: Any) -> dict[str, Any]:
    """The list with sorted codes; raises RegionsFormatError naming the first problem."""
    if not isinstance(data, dict) or data.get("format") != REGIONS_FORMAT:
        raise RegionsFormatError(f"region list must be an object with format {REGIONS_FORMAT}")
    unknown = set(data) - {"format", "as_of", "source", "codes"}
    if unknown:
        raise RegionsFormatError(f"region list has unknown keys {sorted(unknown)}")
    codes = data.get("codes")
    if not isinstance(codes, dict) or not codes:
        raise RegionsFormatError("region list needs a non-empty 'codes' object")
    clean: dict[str, str] = {}
    for code, name in sorted(codes.items()):
        if not isinstance(code, str) or not _CODE_RE.match(code):
            raise RegionsFormatError(f"code {str(code)[:20]!r} is not six digits")
        clean[code] = _clean_text(name, f"name of {code}", MAX_NAME)
    # A truncated or garbled list shows as codes whose province is missing.
    for code in clean:
        if code[:2] + "0000" not in clean:
            raise RegionsFormatError(f"code {code} has no province {code[:2]}0000 in the list")
    result: dict[str, Any] = {"format": REGIONS_FORMAT, "codes": clean}
    for key in ("as_of", "source"):
        if data.get(key) is not None:
            result[key] = _clean_text(data[key], key, MAX_NOTE)
    return result


def encode_regions(data: dict[str, Any]) -> bytes:
    return canonical_json(validate_regions(data))


def parse_regions(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise RegionsFormatError(f"region list is not JSON: {exc}") from exc
    return validate_regions(data)
