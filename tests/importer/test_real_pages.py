"""The importer on real portal pages collected from public sources (tests/importer/real/, see SOURCES.md).

Every field written by hand from the page in expected.json is checked through the public entry point
(`parse_folder`). Run as a module to print the share of fields right, per field:

    PYTHONPATH=$PWD python -m tests.importer.test_real_pages
"""

from __future__ import annotations

import json
import shutil
import sys
from collections import Counter
from pathlib import Path

import pytest

from kiosk.catalog.docnumber import normalize_doc_number
from kiosk.importer import parse_folder

REAL = Path(__file__).parent / "real"
EXPECTED: dict[str, dict] = json.loads((REAL / "expected.json").read_text(encoding="utf-8"))
FIELDS = ("title", "doc_number", "issuer", "issued", "published", "category", "index_no", "validity")


def _import_all(folder: Path) -> dict[str, dict]:
    found = {}
    for name in EXPECTED:
        # One folder a page: the same document saved twice (HTML and text) gets the same id.
        (folder / name).mkdir()
        shutil.copy(REAL / name, folder / name / name)
        parsed, report = parse_folder(folder / name)
        (item,) = report.items
        record = parsed[0].record
        found[item.file] = {
            "title": record.title,
            "doc_number": record.doc_number,
            "issuer": record.issuer,
            "issued": record.issued.isoformat() if record.issued else None,
            "published": record.published.isoformat() if record.published else None,
            "category": record.category,
            "index_no": record.index_no,
            "validity": record.validity,
        }
    return found


def _same(field: str, got, want) -> bool:
    if field == "doc_number" and got and want:
        # The 文号 as printed on the page, in any bracket or spacing, is the same 文号.
        return (normalize_doc_number(got) or got) == (normalize_doc_number(want) or want)
    return got == want


def _mismatches(found: dict[str, dict], only: str | None = None) -> list[str]:
    wrong = []
    for name, want in EXPECTED.items():
        if only and name != only:
            continue
        for field, value in want.items():
            if not _same(field, found[name][field], value):
                wrong.append(f"{name} {field}: got {found[name][field]!r}, want {value!r}")
    return wrong


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> dict[str, dict]:
    return _import_all(tmp_path_factory.mktemp("real"))


def test_at_least_fifteen_real_pages_across_layouts_are_collected():
    assert len(EXPECTED) >= 15
    assert {name.split("_")[0] for name in EXPECTED} >= {"govcn", "county", "city", "province", "dept"}
    assert {Path(name).suffix for name in EXPECTED} == {".html", ".txt"}
    for name in EXPECTED:
        assert name in (REAL / "SOURCES.md").read_text(encoding="utf-8"), f"{name} has no source noted"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_hand_written_field_of_a_real_page_is_read(imported, name):
    wrong = _mismatches(imported, only=name)
    assert not wrong, "\n".join(wrong)


def share_per_field(found: dict[str, dict]) -> dict[str, tuple[int, int]]:
    right, total = Counter(), Counter()
    for name, want in EXPECTED.items():
        for field, value in want.items():
            total[field] += 1
            right[field] += _same(field, found[name][field], value)
    return {field: (right[field], total[field]) for field in FIELDS if total[field]}


def main() -> None:  # pragma: no cover - a measuring aid, run by hand
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        found = _import_all(Path(folder))
    shares = share_per_field(found)
    for field, (right, total) in shares.items():
        print(f"{field:11} {right:3}/{total:<3} {100 * right / total:5.1f} %")
    right = sum(r for r, _ in shares.values())
    total = sum(t for _, t in shares.values())
    print(f"{'all':11} {right:3}/{total:<3} {100 * right / total:5.1f} %  ({len(EXPECTED)} pages)")
    if "-v" in sys.argv:
        print("\n".join(_mismatches(found)))


if __name__ == "__main__":
    main()
