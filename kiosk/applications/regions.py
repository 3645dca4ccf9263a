"""Which 6-digit region codes are a place of issue of a resident ID: the Ministry's current list
(bundled, or newer from the signed feed) merged with python-stdnum's historical GB/T 2260 table,
because old IDs keep the codes of places since merged or renamed."""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Mapping
from datetime import date

from stdnum import numdb

from kiosk.environment import REGIONS_PATH, Env
from kiosk.sync.regions import RegionsFormatError, parse_regions

log = logging.getLogger(__name__)

_YEARS = re.compile(r"^\[(\d{4})?-(\d{4})?\]")
FIRST_YEAR = 1984  # resident IDs were first issued in 1984 (trials before the 1985 regulation)


def _is_county(code: str) -> bool:
    return code[4:] != "00"


def _is_prefecture(code: str) -> bool:
    return code[4:] == "00" and code[2:] != "0000"


def _is_grouping(name: str) -> bool:
    """省直辖县级行政区划 (429000, 469000, …) and 市辖区 only group other codes; nobody lives "there"."""
    return "直辖" in name or name.endswith("市辖区")


def issuing_codes(codes: Mapping[str, str]) -> frozenset[str]:
    """County-level codes, and prefecture-level cities that have no county level at all (东莞市 441900,
    中山市 442000, 儋州市 460400, 嘉峪关市 620200): their own code goes into their residents' IDs.
    Province codes and prefectures with counties are never a place of issue."""
    with_counties = {code[:4] for code in codes if _is_county(code)}
    return frozenset(
        code
        for code, name in codes.items()
        if _is_county(code) or (_is_prefecture(code) and code[:4] not in with_counties and not _is_grouping(name))
    )


@functools.cache
def historical_codes() -> frozenset[str]:
    """Every code stdnum knows to have issued IDs in some year since 1980. A prefecture counts for
    the years since 1984 in which none of its counties existed (stdnum marks each code's years as [from-to])."""
    found: set[str] = set()
    this_year = date.today().year
    for _, province, _, _, children in numdb.get("cn/loc").prefixes:
        spans: dict[str, tuple[int, int]] = {}
        names: dict[str, str] = {}
        for _, rest, _, props, _ in children:
            names[province + rest] = props.get("county", "")
            match = _YEARS.match(names[province + rest])
            start = int(match[1]) if match and match[1] else FIRST_YEAR
            end = int(match[2]) if match and match[2] else this_year
            spans[province + rest] = (max(start, FIRST_YEAR), end)
        for code, (start, end) in spans.items():
            if _is_county(code):
                found.add(code)
            elif _is_prefecture(code) and not _is_grouping(names[code]):
                covered = set()
                for other, (a, b) in spans.items():
                    if other[:4] == code[:4] and _is_county(other):
                        covered.update(range(a, b + 1))
                if any(year not in covered for year in range(start, end + 1)):
                    found.add(code)
    return frozenset(found)


class RegionTable:
    """The codes a resident ID may start with, and where the current list came from."""

    def __init__(self, data: Mapping) -> None:
        self.codes: dict[str, str] = dict(data["codes"])
        self.as_of: str = data.get("as_of", "")
        self.source: str = data.get("source", "")
        self._issuing = issuing_codes(self.codes) | historical_codes()

    def is_place_of_issue(self, code: str) -> bool:
        return code in self._issuing


@functools.cache
def bundled_regions() -> RegionTable:
    """The list shipped with this release (assets/regions/regions.json)."""
    return RegionTable(parse_regions(REGIONS_PATH.read_bytes()))


def regions_from_state(text: str | None) -> RegionTable:
    """The signed list a sync stored in the catalog, or the bundled one when there is none or it is
    unusable: a bad list must never stop applications."""
    if not text:
        return bundled_regions()
    try:
        return _cached_table(text)
    except (RegionsFormatError, ValueError, TypeError) as exc:
        log.warning("ignoring the signed region list in the catalog: %s", exc)
        return bundled_regions()


@functools.lru_cache(maxsize=2)
def _cached_table(text: str) -> RegionTable:
    return RegionTable(parse_regions(text.encode("utf-8")))


def load_regions(env: Env) -> RegionTable:
    """The terminal's region list: the signed one from the synced catalog when there is one."""
    if not env.catalog_db.exists():
        return bundled_regions()
    from kiosk.catalog.catalog_db import open_store
    from kiosk.catalog.documents import get_state
    from kiosk.sync.state import REGIONS

    open_store(env.catalog_db)
    return regions_from_state(get_state(REGIONS))
