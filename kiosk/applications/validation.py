"""The rules of a disclosure application (条例 Art. 29), shared by the terminal form, the CLI and the
central intake: normalise what was typed, then say per field, in Chinese, what is wrong."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from kiosk.applications.identity import ID_TYPES, PERSON_ID_TYPES, IdProblem, check_id
from kiosk.applications.regions import RegionTable

APPLICANT_TYPES = ("person", "organization")
# The annual report (国办公开办函〔2021〕30号, section 三) counts organisations in these five columns.
ORGANIZATION_KINDS = ("business", "research", "public_welfare", "legal_service", "other")
DELIVERY_FORMS = ("paper", "electronic")
DELIVERY_WAYS = ("pickup", "post", "email", "onsite")

FIELDS = (
    "applicant_type",
    "name",
    "organization_kind",
    "id_type",
    "id_number",
    "contact_person",
    "phone",
    "email",
    "address",
    "description",
    "doc_number",
    "reason",
    "delivery_form",
    "delivery_way",
    "consent",
)

LABELS = {
    "applicant_type": "申请人类型",
    "name": "姓名或名称",
    "organization_kind": "单位类型",
    "id_type": "证件类型",
    "id_number": "证件号码",
    "contact_person": "联系人",
    "phone": "联系电话",
    "email": "电子邮箱",
    "address": "通信地址",
    "description": "所需信息的描述",
    "doc_number": "文号",
    "reason": "用途",
    "delivery_form": "提供形式",
    "delivery_way": "获取方式",
    "consent": "确认声明",
}

CHOICE_NAMES = {
    "person": "公民",
    "organization": "法人或其他组织",
    "business": "商业企业",
    "research": "科研机构",
    "public_welfare": "社会公益组织",
    "legal_service": "法律服务机构",
    "other": "其他",
    "paper": "纸质",
    "electronic": "电子",
    "pickup": "当面领取",
    "post": "邮寄",
    "email": "电子邮件",
    "onsite": "现场查阅",
}

# Upper bounds keep a record printable on one receipt and far below the intake's request limit.
MAX_LENGTH = {
    "name": 100,
    "contact_person": 50,
    "id_number": 30,
    "phone": 30,
    "email": 254,
    "address": 200,
    "description": 2000,
    "doc_number": 50,
    "reason": 500,
}
MIN_DESCRIPTION = 10  # enough to name a document or its features …
MIN_DESCRIPTION_WITH_DOC_NUMBER = 4  # … unless a 文号 identifies it already
MIN_DISTINCT_DESCRIPTION = 5  # "啊啊啊啊啊啊啊啊啊啊" identifies nothing
MIN_REASON = 2
MULTILINE = frozenset({"description", "reason"})
PERSON_NAME_MAX = 50


@dataclass(frozen=True)
class FieldError:
    field: str
    code: str
    message_zh: str
    message_en: str

    def to_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message_zh": self.message_zh, "message_en": self.message_en}


class _Invalid(Exception):
    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.code, self.zh, self.en = code, zh, en


def _error(field: str, code: str, zh: str, en: str) -> FieldError:
    return FieldError(field, code, f"{LABELS.get(field, field)}：{zh}", f"{field}: {en}")


# ---------------------------------------------------------------- normalisation

_FULLWIDTH_ALNUM = {
    **{0xFF10 + i: ord("0") + i for i in range(10)},
    **{0xFF21 + i: ord("A") + i for i in range(26)},
    **{0xFF41 + i: ord("a") + i for i in range(26)},
    0x3000: ord(" "),
}
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f]+")
# Control, format (bidi overrides, zero-width), private-use, unassigned and surrogate characters, and
# the line/paragraph separators U+2028/U+2029: invisible on screen, yet they break receipts, logs and
# JSON consumers that take them for line ends.
_JUNK_CATEGORIES = {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"}


def narrow(text: str) -> str:
    """Full-width digits and letters (and the ideographic space) to ASCII; Chinese punctuation stays."""
    return text.translate(_FULLWIDTH_ALNUM)


def _text(field: str, value: Any) -> str:
    """The value as clean text: junk refused, full-width digits/letters narrowed, spaces tidied.
    Only strings are text: a number where text belongs is a caller's mistake, not a description."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _Invalid("bad_type", "格式不正确，应为文字。", f"must be text, got {type(value).__name__}")
    text = narrow(value).replace("\r\n", "\n").replace("\r", "\n")
    for char in text:
        if char == "\n" and field in MULTILINE:
            continue
        if unicodedata.category(char) in _JUNK_CATEGORIES or char == "\ufffd":
            raise _Invalid(
                "invalid_chars", "含有无法识别的字符，请删除后重新输入。", f"contains junk character U+{ord(char):04X}"
            )
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    if field in MULTILINE:
        text = "\n".join(lines).strip("\n")
        return re.sub(r"\n{3,}", "\n\n", text)
    return lines[0] if lines else ""


def _limit(value: str, field: str) -> None:
    maximum = MAX_LENGTH.get(field)
    if maximum is not None and len(value) > maximum:
        raise _Invalid(
            "too_long", f"不能超过{maximum}个字，现有{len(value)}个字。", f"longer than {maximum} characters"
        )


# ---------------------------------------------------------------- single fields


def _person_name(value: str) -> str:
    value = re.sub(r"[•・‧∙⋅]", "·", value)
    if len(value) > PERSON_NAME_MAX:
        raise _Invalid("too_long", f"不能超过{PERSON_NAME_MAX}个字。", f"longer than {PERSON_NAME_MAX} characters")
    for char in value:
        if not (char.isalpha() or char in " ·.'-"):
            raise _Invalid(
                "invalid_chars",
                "只能包含汉字、字母、空格和间隔号“·”。",
                "person names hold letters, spaces and the middle dot only",
            )
    if len(value) < 2 or not any(c.isalpha() for c in value):
        raise _Invalid("too_short", "请填写完整的姓名。", "name too short")
    return value


def _organization_name(value: str) -> str:
    _limit(value, "name")
    for char in value:
        if not (char.isalnum() or char in " ·()（）-&.,、'/"):
            raise _Invalid(
                "invalid_chars",
                f"含有不能用于单位名称的字符“{char}”。",
                f"organisation name has character U+{ord(char):04X}",
            )
    if sum(1 for c in value if c.isalpha()) < 2:
        raise _Invalid("too_short", "请填写单位全称。", "organisation name too short")
    return value


# What separates a landline from its extension: 0412-1234567-801, 0412 1234567 转801, … ext. 801.
_EXTENSION = re.compile(r"(?P<main>.+?)\s*(?:-|转|分机|ext\.?|x|#)\s*(?P<ext>\d{1,6})", re.IGNORECASE)
_PHONE_CHARS = re.compile(r"[\d\s()+\-.#转分机extEXT]+")
_BAD_PHONE = (
    "bad_format",
    "请填写11位手机号码，或带区号的固定电话（如 0412-1234567）。",
    "not a mobile, landline or international number",
)


@functools.cache
def _callable_types() -> frozenset[int]:
    """Numbers a person can be called back on; premium-rate ranges are not. (phonenumbers is imported
    on first use: every `kiosk` command imports this module, few of them read a phone number.)"""
    import phonenumbers

    kinds = phonenumbers.PhoneNumberType
    return frozenset(
        {
            kinds.FIXED_LINE,
            kinds.MOBILE,
            kinds.FIXED_LINE_OR_MOBILE,
            kinds.TOLL_FREE,
            kinds.SHARED_COST,
            kinds.UAN,
            kinds.VOIP,
            kinds.PERSONAL_NUMBER,
        }
    )


def _parse_phone(text: str) -> Any:
    """A valid, callable number per Google's libphonenumber metadata (it knows every CN area code),
    read as a Chinese number unless it starts with an international prefix."""
    # "+86 0412 …" and "0086 0412 …" keep the trunk 0 that must go after a country code.
    import phonenumbers

    text = re.sub(r"^(\+\s*86|0086)[\s\-]*\(?0", r"\1 ", text)
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number) or phonenumbers.number_type(number) not in _callable_types():
        return None
    return number


def normalize_phone(value: str) -> str:
    """Mobile 13812345678, landline 0412-1234567[-801], 400-123-4567, or +852-91234567."""
    import phonenumbers

    value = unicodedata.normalize("NFKC", value).replace("－", "-").replace("—", "-").strip()
    if not value or len(value) > MAX_LENGTH["phone"] or not _PHONE_CHARS.fullmatch(value):
        raise _Invalid(*_BAD_PHONE)
    number, extension = _parse_phone(value), ""
    if number is None and (match := _EXTENSION.fullmatch(value)):
        number, extension = _parse_phone(match["main"]), match["ext"]
        if number is not None and phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.FIXED_LINE:
            number = None  # only a switchboard has extensions
    if number is None:
        raise _Invalid(*_BAD_PHONE)
    extension = extension or (number.extension or "")
    national = phonenumbers.national_significant_number(number)
    if number.country_code != 86:
        return f"+{number.country_code}-{national}" + (f"-{extension}" if extension else "")
    kind = phonenumbers.number_type(number)
    if kind == phonenumbers.PhoneNumberType.MOBILE:
        return national
    if kind == phonenumbers.PhoneNumberType.FIXED_LINE:
        area = phonenumbers.length_of_geographical_area_code(number)
        if area:
            local = f"0{national[:area]}-{national[area:]}"
            return local + (f"-{extension}" if extension else "")
    # 400/800 service numbers and anything else valid: as the carrier groups them.
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL).replace(" ", "-")


_EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,}"
)


def normalize_email(value: str) -> str:
    compact = unicodedata.normalize("NFKC", value).replace(" ", "").replace("。", ".")
    if not _EMAIL.fullmatch(compact) or ".." in compact or len(compact) > MAX_LENGTH["email"]:
        raise _Invalid("bad_format", "格式不正确，例如 zhangsan@example.com。", "not an e-mail address")
    local, _, domain = compact.partition("@")
    return f"{local}@{domain.lower()}"


def _address(value: str) -> str:
    _limit(value, "address")
    if len(value) < 5 or sum(1 for c in value if c.isalpha()) < 3:
        raise _Invalid(
            "too_short", "请填写能收到邮件的完整地址（省、市、区县、街道门牌）。", "address too short to deliver post"
        )
    return value


def _description(value: str, has_doc_number: bool) -> str:
    _limit(value, "description")
    minimum = MIN_DESCRIPTION_WITH_DOC_NUMBER if has_doc_number else MIN_DESCRIPTION
    meaningful = [c for c in value if c.isalnum()]
    if len(meaningful) < minimum:
        raise _Invalid(
            "too_short",
            f"请至少写{minimum}个字，说明所需信息的名称、文号或其他能确定它的特征。",
            f"fewer than {minimum} meaningful characters",
        )
    if len(set(meaningful)) < min(MIN_DISTINCT_DESCRIPTION, minimum):
        raise _Invalid(
            "too_vague",
            "描述无法确定所需的信息，请写明名称、文号或其他特征。",
            "description does not identify anything",
        )
    return value


def _choice(value: str, choices: tuple[str, ...], zh: str) -> str:
    if value not in choices:
        raise _Invalid("invalid_choice", zh, f"must be one of {', '.join(choices)}, got {value!r}")
    return value


# ---------------------------------------------------------------- the whole application


def validate_application(
    raw: Mapping[str, Any],
    *,
    today: date,
    fields: Iterable[str] | None = None,
    regions: RegionTable | None = None,
) -> tuple[dict[str, Any], list[FieldError]]:
    """(cleaned values, errors). `fields` limits the check to one form step; None checks everything,
    including unknown keys and the rules that join two fields. `regions`: the terminal's region-code
    list (kiosk.applications.regions.load_regions), else the one shipped with this release."""
    wanted = set(FIELDS if fields is None else fields)
    cleaned: dict[str, Any] = {}
    errors: list[FieldError] = []

    if fields is None:
        for key in raw:
            if key not in FIELDS:
                # The key is caller-supplied text: keep it short and printable in the messages.
                name = key[:40] if isinstance(key, str) else repr(key)[:40]
                if not name.isprintable():
                    name = name.encode("unicode_escape").decode("ascii")
                errors.append(_error(name, "unknown_field", "不是申请表中的项目。", "unknown field"))

    def check(field: str, func) -> None:
        if field not in wanted:
            return
        try:
            cleaned[field] = func()
        except _Invalid as problem:
            errors.append(_error(field, problem.code, problem.zh, problem.en))
        except IdProblem as problem:
            errors.append(_error(field, problem.code, problem.zh, problem.en))

    def text(field: str) -> str:
        return _text(field, raw.get(field))

    def required(field: str) -> str:
        value = text(field)
        if not value:
            raise _Invalid("required", "必填，请填写。", "required")
        return value

    applicant_type = _clean_choice(raw.get("applicant_type"))
    is_org = applicant_type == "organization"

    check(
        "applicant_type",
        lambda: _choice(required("applicant_type"), APPLICANT_TYPES, "请选择“公民”或“法人或其他组织”。"),
    )
    check("name", lambda: _organization_name(required("name")) if is_org else _person_name(required("name")))
    check(
        "organization_kind",
        lambda: _choice(required("organization_kind"), ORGANIZATION_KINDS, "请选择单位类型。") if is_org else "",
    )
    check("id_type", lambda: _id_type(required("id_type"), applicant_type))
    id_type = _clean_choice(raw.get("id_type"))
    check(
        "id_number",
        lambda: (
            check_id(id_type, unicodedata.normalize("NFKC", required("id_number")).replace(" ", ""), today, regions)
            if id_type in ID_TYPES
            else _need_id_type(required("id_number"))
        ),
    )
    check("contact_person", lambda: _person_name(required("contact_person")) if is_org else "")
    check("phone", lambda: normalize_phone(required("phone")))
    check("email", lambda: _optional(text("email"), normalize_email))
    check("address", lambda: _optional(text("address"), _address))
    doc_number = _safe_text("doc_number", raw.get("doc_number"))
    check("doc_number", lambda: _doc_number(text("doc_number")))
    check("description", lambda: _description(required("description"), bool(doc_number)))
    check("reason", lambda: _reason(required("reason")))
    check("delivery_form", lambda: _choice(required("delivery_form"), DELIVERY_FORMS, "请选择“纸质”或“电子”。"))
    check(
        "delivery_way",
        lambda: _delivery_way(required("delivery_way"), _clean_choice(raw.get("delivery_form"))),
    )
    check("consent", lambda: _consent(raw.get("consent")))

    # The way of delivery decides whether an e-mail or postal address, asked for earlier, is needed.
    way = cleaned.get("delivery_way")
    failed = {error.field for error in errors}
    for needed_way, field in (("email", "email"), ("post", "address")):
        if way == needed_way and field not in failed and not _safe_text(field, raw.get(field)):
            zh = "选择电子邮件获取时必须填写。" if field == "email" else "选择邮寄时必须填写邮寄地址。"
            errors.append(_error(field, "required", zh, f"required when delivery_way is {way}"))
    return cleaned, errors


def _clean_choice(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _safe_text(field: str, value: Any) -> str:
    try:
        return _text(field, value)
    except _Invalid:
        return ""


def _id_type(value: str, applicant_type: str) -> str:
    _choice(value, ID_TYPES, "请选择证件类型。")
    if applicant_type == "organization" and value != "uscc":
        raise _Invalid("mismatch", "单位申请请选择“统一社会信用代码”。", "organisations identify by USCC")
    if applicant_type == "person" and value not in PERSON_ID_TYPES:
        raise _Invalid("mismatch", "个人申请请选择身份证件，不能选统一社会信用代码。", "persons cannot use a USCC")
    return value


def _need_id_type(value: str) -> str:
    raise _Invalid("needs_id_type", "请先选择证件类型。", "id_type missing or invalid")


def _optional(value: str, func) -> str:
    return func(value) if value else ""


def _doc_number(value: str) -> str:
    _limit(value, "doc_number")
    return value


def _reason(value: str) -> str:
    _limit(value, "reason")
    if sum(1 for c in value if c.isalnum()) < MIN_REASON:
        raise _Invalid("too_short", "请简要说明用途。", "reason too short")
    return value


def _delivery_way(value: str, delivery_form: str) -> str:
    _choice(value, DELIVERY_WAYS, "请选择获取方式。")
    if value == "email" and delivery_form == "paper":
        raise _Invalid(
            "mismatch", "纸质材料不能通过电子邮件获取，请改选邮寄或当面领取。", "paper cannot be delivered by e-mail"
        )
    return value


def _consent(value: Any) -> bool:
    if value is not True:
        raise _Invalid("required", "请阅读并确认声明后再提交。", "consent must be true")
    return True


def describe_choice(value: str) -> str:
    return CHOICE_NAMES.get(value, value)
