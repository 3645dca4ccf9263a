"""Identity documents an applicant may show: check digits, dates and formats, with a reason when wrong.

python-stdnum has the GB 11643 / GB 32100 check digits and the GB/T 2260 region table, but its
`ric.validate()` turns real residents away (a region code newer than the birth year) and accepts
birth dates in the future, so only its check digits are used here, never its verdict. Its region
table also lags the official list and calls province codes counties: kiosk.applications.regions
decides the place of issue.
"""

from __future__ import annotations

import re
from datetime import date

from stdnum.cn import ric, uscc

from kiosk.applications.regions import RegionTable, bundled_regions

ID_TYPES = ("resident_id", "passport", "hk_macao_permit", "taiwan_permit", "foreign_permanent_resident", "uscc")
PERSON_ID_TYPES = ID_TYPES[:-1]

ID_TYPE_NAMES = {
    "resident_id": "居民身份证",
    "passport": "护照",
    "hk_macao_permit": "港澳居民来往内地通行证",
    "taiwan_permit": "台湾居民来往大陆通行证",
    "foreign_permanent_resident": "外国人永久居留身份证",
    "uscc": "统一社会信用代码",
}

# Nobody alive was born before this many years ago; a date further back is a typing error.
MAX_AGE_YEARS = 130


class IdProblem(Exception):
    """Why a document number is wrong: a short code and the two messages (without the field name)."""

    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.code, self.zh, self.en = code, zh, en


def check_id(id_type: str, number: str, today: date, regions: RegionTable | None = None) -> str:
    """The number in its canonical form (upper case), or IdProblem saying what is wrong. `regions`
    is the terminal's region list (default: the one shipped with this release)."""
    checker = _CHECKERS.get(id_type)
    if checker is None:
        raise IdProblem("invalid_choice", "请选择证件类型。", f"unknown id_type {id_type!r}")
    if id_type == "resident_id":
        return _resident_id(number.upper(), today, regions or bundled_regions())
    return checker(number.upper(), today)


def _resident_id(number: str, today: date, regions: RegionTable | None = None) -> str:
    if re.fullmatch(r"\d{15}", number):
        raise IdProblem(
            "obsolete", "15位的第一代身份证已停止使用，请填写18位身份证号码。", "15-digit first-generation resident ID"
        )
    if len(number) != 18:
        raise IdProblem("length", "身份证号码应为18位。", f"resident ID must have 18 characters, got {len(number)}")
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise IdProblem(
            "format", "身份证号码前17位应为数字，最后一位为数字或X。", "resident ID must be 17 digits and a digit or X"
        )
    if not (regions or bundled_regions()).is_place_of_issue(number[:6]):
        raise IdProblem(
            "region", "身份证号码前6位不是有效的地区代码，请核对。", "region code is not a place of issue (GB/T 2260)"
        )
    birth = _birth_date(number[6:14])
    if birth is None:
        raise IdProblem("birth_date", "身份证号码中的出生日期无效，请核对。", "birth date in resident ID is not a date")
    if birth > today:
        raise IdProblem(
            "birth_date", "身份证号码中的出生日期晚于今天，请核对。", "birth date in resident ID is in the future"
        )
    if today.year - birth.year > MAX_AGE_YEARS:
        raise IdProblem(
            "birth_date", "身份证号码中的出生日期过早，请核对。", "birth date in resident ID is implausibly old"
        )
    if ric.calc_check_digit(number) != number[-1]:
        raise IdProblem("check_digit", "身份证号码校验位不符，请逐位核对。", "resident ID check digit does not match")
    return number


def _birth_date(text: str) -> date | None:
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def _passport(number: str, today: date) -> str:
    # Chinese passports are E/G + 8 characters; foreign ones vary: letters and digits, at least one digit.
    if not re.fullmatch(r"[A-Z0-9]{5,17}", number) or not re.search(r"\d", number):
        raise IdProblem("format", "护照号码应为5至17位字母和数字。", "passport number must be 5-17 letters and digits")
    return number


def _hk_macao_permit(number: str, today: date) -> str:
    # 回乡证: H (Hong Kong) or M (Macao) + 8 digits; older cards add a 2-digit issue count.
    if not re.fullmatch(r"[HM]\d{8}(\d{2})?", number):
        raise IdProblem(
            "format",
            "港澳居民来往内地通行证号码应为H或M开头加8位数字（旧证另有2位换证次数）。",
            "HK/Macao permit must be H or M and 8 (or 10) digits",
        )
    return number


def _taiwan_permit(number: str, today: date) -> str:
    # 台胞证: 8 digits since 2015; older booklets 10 digits with a letter in brackets.
    if not re.fullmatch(r"\d{8}|\d{10}(\([A-Z]\))?", number):
        raise IdProblem(
            "format",
            "台湾居民来往大陆通行证号码应为8位数字（旧证为10位数字）。",
            "Taiwan permit must be 8 (or 10) digits",
        )
    return number


def _foreign_permanent_resident(number: str, today: date) -> str:
    # The 2004 card: 3-letter nationality code + 12 digits. The 2023 card: 18 characters starting
    # with 9, laid out and checked like a resident ID (GB 11643 check digit).
    if re.fullmatch(r"[A-Z]{3}\d{12}", number):
        return number
    if re.fullmatch(r"9\d{16}[\dX]", number):
        if ric.calc_check_digit(number) != number[-1]:
            raise IdProblem(
                "check_digit", "永久居留身份证号码校验位不符，请逐位核对。", "permanent residence card check digit"
            )
        return number
    raise IdProblem(
        "format",
        "外国人永久居留身份证号码应为3位字母加12位数字，或以9开头的18位号码。",
        "permanent residence card must be 3 letters + 12 digits or 18 characters starting with 9",
    )


def _uscc(number: str, today: date) -> str:
    if len(number) != 18:
        raise IdProblem("length", "统一社会信用代码应为18位。", f"USCC must have 18 characters, got {len(number)}")
    if any(c not in uscc._alphabet for c in number) or not number[2:8].isdigit():
        raise IdProblem(
            "format",
            "统一社会信用代码含有无效字符（不使用I、O、Z、S、V），请核对。",
            "USCC has characters outside the GB 32100 alphabet",
        )
    if uscc.calc_check_digit(number[:-1]) != number[-1]:
        raise IdProblem(
            "check_digit", "统一社会信用代码校验位不符，请逐位核对。", "USCC check character does not match"
        )
    return number


_CHECKERS = {
    "resident_id": _resident_id,
    "passport": _passport,
    "hk_macao_permit": _hk_macao_permit,
    "taiwan_permit": _taiwan_permit,
    "foreign_permanent_resident": _foreign_permanent_resident,
    "uscc": _uscc,
}
