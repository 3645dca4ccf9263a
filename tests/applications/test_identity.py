from datetime import date

import pytest

from kiosk.applications.identity import IdProblem, check_id
from tests.applications.samples import HAICHENG_1985, USCC, resident_id

TODAY = date(2026, 11, 23)


def problem(id_type: str, number: str) -> str:
    with pytest.raises(IdProblem) as info:
        check_id(id_type, number, TODAY)
    return info.value.code


def test_resident_id_issued_where_the_region_code_is_younger_than_the_resident_is_accepted():
    # stdnum's ric.validate() rejects this real kind of number; a resident must never be turned away.
    from stdnum.cn import ric

    assert not ric.is_valid(HAICHENG_1985)
    assert check_id("resident_id", HAICHENG_1985, TODAY) == HAICHENG_1985


def test_resident_id_lower_case_x_check_digit_is_accepted_in_upper_case():
    number = next(
        resident_id(f"11010519900101{n:03d}")
        for n in range(1000)
        if resident_id(f"11010519900101{n:03d}").endswith("X")
    )
    assert check_id("resident_id", number.lower(), TODAY) == number


@pytest.mark.parametrize(
    ("number", "code"),
    [
        (HAICHENG_1985[:-1] + str((int(HAICHENG_1985[-1]) + 1) % 10), "check_digit"),
        (resident_id("99999919850315152"), "region"),  # no such region in any year
        (resident_id("21038119850231152"), "birth_date"),  # 31 February
        (resident_id("21038120270101152"), "birth_date"),  # born next year
        (resident_id("21038118800101152"), "birth_date"),  # 146 years old
        ("21038119850315152", "length"),
        ("2103811985031515A2", "format"),
        ("210381850315152", "obsolete"),  # first-generation 15-digit card
    ],
)
def test_resident_id_problems_are_named(number, code):
    assert problem("resident_id", number) == code


def test_uscc_check_character_is_verified():
    assert check_id("uscc", USCC, TODAY) == USCC
    assert problem("uscc", USCC[:-1] + "M") == "check_digit"
    assert problem("uscc", USCC[:-1]) == "length"
    assert problem("uscc", "9111000060003734IL") == "format"  # I is not in the GB 32100 alphabet


@pytest.mark.parametrize(
    ("id_type", "good", "bad"),
    [
        ("passport", "E12345678", "E1"),
        ("passport", "EA1234567", "护照12345"),
        ("hk_macao_permit", "H12345678", "K12345678"),
        ("hk_macao_permit", "M1234567801", "H1234567"),
        ("taiwan_permit", "12345678", "1234567"),
        ("foreign_permanent_resident", "USA110075080101", "US110075080101"),
    ],
)
def test_other_documents_are_checked_by_format(id_type, good, bad):
    assert check_id(id_type, good, TODAY) == good
    assert problem(id_type, bad) == "format"


def test_new_foreign_permanent_residence_card_uses_the_resident_id_check_digit():
    good = resident_id("93384019850315152")
    assert check_id("foreign_permanent_resident", good, TODAY) == good
    assert problem("foreign_permanent_resident", good[:-1] + ("1" if good[-1] != "1" else "2")) == "check_digit"


@pytest.mark.parametrize("region", ["110000", "330000", "330100", "210300", "110100", "469000"])
def test_a_province_or_prefecture_code_is_not_a_place_of_issue(region):
    assert problem("resident_id", resident_id(region + "19850315152")) == "region"


@pytest.mark.parametrize("region", ["330113", "330114", "653228", "653229"])
def test_ids_from_districts_created_in_recent_years_are_accepted(region):
    # 杭州市临平区 and 钱塘区 (2021), 和田地区和康县 and 和安县 (2024): newer than python-stdnum's table.
    number = resident_id(region + "20220315152")
    assert check_id("resident_id", number, TODAY) == number


@pytest.mark.parametrize("region", ["441900", "442000", "460400", "620200"])
def test_prefecture_cities_without_counties_do_issue_ids(region):
    # 东莞市, 中山市, 儋州市, 嘉峪关市 have no county level: their own code is the place of issue.
    number = resident_id(region + "19900101123")
    assert check_id("resident_id", number, TODAY) == number


def test_an_old_code_no_longer_in_use_stays_valid_for_old_ids():
    number = resident_id("110103" + "19700101123")  # 崇文区, merged into 东城区 in 2010
    assert check_id("resident_id", number, TODAY) == number
