"""The region-code list travels signed in the feed, like the working-day calendar, so a terminal
learns a county created after its release without a software update."""

import json
from pathlib import Path

import pytest

from kiosk.applications.records import check_application
from kiosk.applications.regions import bundled_regions, load_regions
from kiosk.catalog.documents import get_state
from kiosk.environment import REGIONS_PATH
from kiosk.errors import BadInput
from kiosk.sync.feed import parse_root
from kiosk.sync.regions import RegionsFormatError, parse_regions, validate_regions
from kiosk.sync.updater import sync_catalog
from tests.applications.samples import person, resident_id

# A county the shipped list cannot know yet: the office adds it to the list it publishes.
NEW_COUNTY = "330115"


def office_list(tmp_path, extra: dict[str, str]) -> Path:
    data = json.loads(REGIONS_PATH.read_text(encoding="utf-8"))
    data["codes"].update(extra)
    data["as_of"] = "2026-03"
    path = tmp_path / "regions.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_the_shipped_list_is_valid_says_its_source_and_knows_the_2021_districts():
    data = parse_regions(REGIONS_PATH.read_bytes())
    assert "民政部" in data["source"] and data["as_of"]
    assert data["codes"]["330113"] == "临平区" and data["codes"]["330114"] == "钱塘区"
    assert sum(1 for code in data["codes"] if not code.endswith("00")) > 2800


def test_a_new_county_from_the_signed_list_is_accepted_after_a_sync(office, terminal, tmp_path):
    number = resident_id(NEW_COUNTY + "20200101123")
    application = person(id_number=number)
    assert not bundled_regions().is_place_of_issue(NEW_COUNTY)
    assert {e.field for e in check_application(terminal, application)[1]} == {"id_number"}

    office.publish(regions=office_list(tmp_path, {NEW_COUNTY: "新设区"}))
    report = sync_catalog(terminal, str(office.feed))
    assert report.regions_updated
    assert json.loads(get_state("regions"))["codes"][NEW_COUNTY] == "新设区"
    assert load_regions(terminal).is_place_of_issue(NEW_COUNTY)
    assert check_application(terminal, application)[1] == []
    # old codes stay valid whatever the new list says: stdnum's history is merged in
    assert check_application(terminal, person())[1] == []


def test_republishing_without_a_list_keeps_the_last_one(office, terminal, tmp_path):
    office.publish(regions=office_list(tmp_path, {NEW_COUNTY: "新设区"}))
    first = json.loads((office.feed / "root.json").read_text(encoding="utf-8"))["signed"]["regions"]
    office.publish(renew=True)
    again = json.loads((office.feed / "root.json").read_text(encoding="utf-8"))["signed"]["regions"]
    assert again == first
    sync_catalog(terminal, str(office.feed))
    assert load_regions(terminal).is_place_of_issue(NEW_COUNTY)


def test_a_feed_without_a_list_signs_as_before_and_terminals_use_the_shipped_one(office, terminal):
    signed = json.loads((office.feed / "root.json").read_text(encoding="utf-8"))["signed"]
    assert "regions" not in signed and parse_root(signed).regions is None
    report = sync_catalog(terminal, str(office.feed))
    assert not report.regions_updated
    assert load_regions(terminal).is_place_of_issue("330114")


def test_publish_refuses_a_broken_list_and_names_it(office, tmp_path):
    path = tmp_path / "regions.json"
    path.write_text(json.dumps({"format": 1, "codes": {"33011": "钱塘区"}}), encoding="utf-8")
    with pytest.raises(BadInput) as info:
        office.publish(regions=path)
    assert "行政区划代码文件" in info.value.message_zh and info.value.field == "regions"


def test_a_bad_list_in_the_catalog_never_stops_applications(terminal):
    from kiosk.applications.regions import regions_from_state

    assert regions_from_state('{"format": 2}') is bundled_regions()
    assert regions_from_state("not json") is bundled_regions()


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        {"format": 1},
        {"format": 2, "codes": {"110000": "北京市"}},
        {"format": 1, "codes": {}},
        {"format": 1, "codes": {"110101": "东城区"}},  # no province: a truncated list
        {"format": 1, "codes": {"110000": ""}},
        {"format": 1, "codes": {"110000": "北京\u2028市"}},
        {"format": 1, "codes": {"110000": 110000}},
        {"format": 1, "codes": {"011000": "x"}},
        {"format": 1, "codes": {"110000": "北京市"}, "extra": 1},
        {"format": 1, "codes": {"110000": "北京市"}, "source": 5},
    ],
)
def test_malformed_lists_are_refused_with_a_reason(data):
    with pytest.raises(RegionsFormatError):
        validate_regions(data)


def test_a_deeply_nested_list_is_a_format_error_not_a_crash():
    with pytest.raises(RegionsFormatError):
        parse_regions(b"[" * 100_000 + b"]" * 100_000)
