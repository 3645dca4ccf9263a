"""The application form as a plain state machine the screen renders one step at a time; it runs and
is tested with no display. It decides everything the screen shows: the fields of a step, the choices
a choice field offers for the values so far, which fields are optional, hints and error texts.
Going back and forth keeps everything typed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from kiosk.applications.identity import ID_TYPE_NAMES, ID_TYPES, PERSON_ID_TYPES
from kiosk.applications.masking import mask_address, mask_email, mask_id, mask_name, mask_personal, mask_phone
from kiosk.applications.records import InvalidApplication
from kiosk.applications.regions import RegionTable, load_regions
from kiosk.applications.validation import (
    APPLICANT_TYPES,
    DELIVERY_FORMS,
    DELIVERY_WAYS,
    FIELDS,
    LABELS,
    MULTILINE,
    ORGANIZATION_KINDS,
    FieldError,
    describe_choice,
    validate_application,
)
from kiosk.environment import Env
from kiosk.errors import BadInput

STEPS = (
    "applicant_type",
    "identity",
    "contact",
    "information",
    "reason",
    "delivery",
    "review",
    "consent",
    "submitted",
)
STEP_TITLES = {
    "applicant_type": "申请人类型",
    "identity": "申请人身份",
    "contact": "联系方式",
    "information": "所需信息",
    "reason": "用途",
    "delivery": "提供形式和获取方式",
    "review": "核对申请内容",
    "consent": "确认声明",
    "submitted": "申请已提交",
}
CONSENT_TEXT_ZH = (
    "本人确认以上内容真实、准确。本人知悉：申请信息将加密保存并发送至受理机关，"
    "仅用于办理本次政府信息公开申请；受理机关确认收到后，本终端将在保存期满后删除个人信息。"
)
REASON_HELP_ZH = "说明用途有助于受理机关准确、及时地答复您的申请。"

_STEP_FIELDS = {
    "applicant_type": ("applicant_type",),
    "identity": ("name", "organization_kind", "id_type", "id_number", "contact_person"),
    "contact": ("phone", "email", "address"),
    "information": ("description", "doc_number"),
    "reason": ("reason",),
    "delivery": ("delivery_form", "delivery_way"),
    "review": (),
    "consent": ("consent",),
    "submitted": (),
}
_ORGANIZATION_ONLY = ("contact_person", "organization_kind")
# The steps a resident counts through ("第 n 步 / 共 m 步"): after submitting there is no step to do.
COUNTED_STEPS = tuple(step for step in STEPS if step != "submitted")
CHOICE_FIELDS = ("applicant_type", "organization_kind", "id_type", "delivery_form", "delivery_way")
HINTS = {
    "name": "点这里输入",
    "id_number": "点这里输入证件号码",
    "contact_person": "单位联系人姓名",
    "phone": "手机号码，或带区号的固定电话",
    "description": "写明文件名称、发布机关、年份等能确定该信息的特征",
    "doc_number": "选填，例如 海政办发〔2019〕23号",
    "reason": REASON_HELP_ZH,
}
# Fields the chosen way of delivery makes required (validation checks the same pairs).
_NEEDED_BY_WAY = {"email": "email", "address": "post"}
_HINT_OPTIONAL = {"email": "选填；选择“电子邮件”获取时必填", "address": "选填；选择“邮寄”获取时必填"}
_HINT_NEEDED = {"email": "您选择了通过电子邮件获取，请填写", "address": "您选择了邮寄，请填写收件地址"}
# What a value decides about other fields: their choices, presence, label or keyboard.
_FOLLOWERS = {
    "applicant_type": ("name", "organization_kind", "id_type", "id_number", "contact_person"),
    "id_type": ("id_number",),
    "delivery_form": ("delivery_way",),
    "delivery_way": ("email", "address"),
}
# What a text field takes, so the screen opens the right keyboard page: a 居民身份证 is digits and X,
# other documents mix letters and digits, an e-mail address is Latin.
INPUT_KINDS = ("text", "resident_id", "latin", "phone")
_MASKS: dict[str, Callable[[str], str]] = {
    "id_number": mask_id,
    "phone": mask_phone,
    "email": mask_email,
    "address": mask_address,
    "contact_person": mask_name,
}

Precheck = Callable[[str, str], list[Any]]
Submitter = Callable[[dict[str, Any]], dict[str, Any]]


def step_of(field: str) -> str:
    for step, fields in _STEP_FIELDS.items():
        if field in fields:
            return step
    return "review"


class ApplicationForm:
    """Current step, values typed so far, errors of the last attempt to move on, and (after the
    information step) documents in the catalog that may already answer the request."""

    def __init__(
        self,
        *,
        today: Callable[[], date] = date.today,
        precheck: Precheck | None = None,
        values: dict[str, Any] | None = None,
        regions: RegionTable | None = None,
    ) -> None:
        self._today = today
        self._regions = regions
        self._precheck = precheck
        self.values: dict[str, Any] = {}
        self.step = STEPS[0]
        self.errors: list[FieldError] = []
        self.matches: list[Any] = []
        self.receipt: dict[str, Any] | None = None
        for field, value in (values or {}).items():
            self.set(field, value)

    # ------------------------------------------------------------ what to show

    @property
    def index(self) -> int:
        return STEPS.index(self.step)

    @property
    def title(self) -> str:
        return STEP_TITLES[self.step]

    @property
    def is_organization(self) -> bool:
        return self.values.get("applicant_type") == "organization"

    def fields(self) -> tuple[str, ...]:
        """Fields on the current step."""
        return self.visible_fields(self.step)

    def visible_fields(self, step: str | None = None) -> tuple[str, ...]:
        """Fields a step shows (default: the current one); a contact person and the kind of
        organisation only for organisations."""
        step = self.step if step is None else step
        if step not in _STEP_FIELDS:
            raise BadInput("申请表中没有这一步。", f"unknown form step {step!r}")
        return tuple(f for f in _STEP_FIELDS[step] if self.is_organization or f not in _ORGANIZATION_ONLY)

    def progress(self, step: str | None = None) -> tuple[int, int]:
        """(number of the step, number of steps) as the resident counts them; after submitting, the last."""
        step = self.step if step is None else step
        number = COUNTED_STEPS.index(step) + 1 if step in COUNTED_STEPS else len(COUNTED_STEPS)
        return number, len(COUNTED_STEPS)

    def is_choice(self, field: str) -> bool:
        return field in CHOICE_FIELDS

    def choices(self, field: str) -> list[tuple[str, str]]:
        """(code, words) of what a choice field offers for the values so far: an organisation
        identifies by its 统一社会信用代码 and a person never does; paper is not sent by e-mail."""
        if field == "applicant_type":
            codes: tuple[str, ...] = APPLICANT_TYPES
        elif field == "organization_kind":
            codes = ORGANIZATION_KINDS
        elif field == "id_type":
            allowed = ("uscc",) if self.is_organization else PERSON_ID_TYPES
            return [(code, ID_TYPE_NAMES[code]) for code in ID_TYPES if code in allowed]
        elif field == "delivery_form":
            codes = DELIVERY_FORMS
        elif field == "delivery_way":
            paper = self.values.get("delivery_form") == "paper"
            codes = tuple(c for c in DELIVERY_WAYS if not (paper and c == "email"))
        else:
            raise BadInput("这一项不是选择题。", f"{field!r} is not a choice field", field=field)
        return [(code, describe_choice(code)) for code in codes]

    def is_optional(self, field: str) -> bool:
        """A 文号 is never needed; an e-mail or postal address only for the way of delivery that uses it."""
        if field == "doc_number":
            return True
        if field in _NEEDED_BY_WAY:
            return self.values.get("delivery_way") != _NEEDED_BY_WAY[field]
        return False

    def is_multiline(self, field: str) -> bool:
        return field in MULTILINE

    def hint(self, field: str) -> str:
        """The grey text in an empty box: what to type, and whether it may stay empty."""
        if field in _NEEDED_BY_WAY:
            return _HINT_OPTIONAL[field] if self.is_optional(field) else _HINT_NEEDED[field]
        return HINTS.get(field, "")

    def input_kind(self, field: str) -> str:
        """One of INPUT_KINDS: what the field's characters are (an ID number before its type is
        chosen counts as a 居民身份证, the document most residents carry)."""
        if field == "id_number":
            return "resident_id" if self.values.get("id_type", "resident_id") == "resident_id" else "latin"
        if field == "email":
            return "latin"
        if field == "phone":
            return "phone"
        return "text"

    def affects(self, field: str) -> tuple[str, ...]:
        """Fields whose choices, presence, label or keyboard follow the value of `field`."""
        return _FOLLOWERS.get(field, ())

    def label(self, field: str) -> str:
        if field == "name":
            return "单位名称" if self.is_organization else "姓名"
        return LABELS[field]

    def error_for(self, field: str) -> FieldError | None:
        return next((e for e in self.errors if e.field == field), None)

    def error_text(self, field: str) -> str:
        """The message under a field: a choice nobody made asks to choose rather than to type."""
        error = self.error_for(field)
        if error is None:
            return ""
        if self.is_choice(field) and error.code == "required":
            return f"{self.label(field)}：请点选一项。"
        # Validation names the field for every caller (姓名或名称); under the box it carries the box's label.
        generic = f"{LABELS.get(field, field)}："
        if error.message_zh.startswith(generic):
            return f"{self.label(field)}：{error.message_zh[len(generic) :]}"
        return error.message_zh

    # ------------------------------------------------------------ typing

    def set(self, field: str, value: Any) -> None:
        if field not in FIELDS:
            raise BadInput("申请表中没有这一项。", f"unknown form field {field!r}", field=field)
        if self.step == "submitted":
            raise BadInput("申请已提交，不能再修改。", "form already submitted", field=field)
        self.values[field] = value
        self.errors = [e for e in self.errors if e.field != field]
        self._follow(field)

    def _follow(self, field: str) -> None:
        """A choice the new value no longer offers does not stay chosen: when one choice is left it is
        taken (an organisation's 统一社会信用代码), a person's ID document goes back to the first one
        (居民身份证), any other choice is cleared for the resident to make again."""
        for other in self.affects(field):
            if not self.is_choice(other):
                continue
            offered = [code for code, _ in self.choices(other)]
            current = self.values.get(other)
            if current in offered:
                continue
            if len(offered) == 1 or (current and other == "id_type"):
                self.values[other] = offered[0]
            elif current:
                del self.values[other]
            else:
                continue
            self.errors = [e for e in self.errors if e.field != other]

    # ------------------------------------------------------------ moving

    def next(self) -> bool:
        """Check this step and move on; False (with `errors`, maybe on an earlier step, which then
        becomes current) when something must be corrected first."""
        if self.step in ("consent", "submitted"):
            raise BadInput("请使用“提交”完成申请。", f"next() on step {self.step}")
        if self.step == "review":
            errors = self._validate(None)
            errors = [e for e in errors if e.field != "consent"]
        else:
            errors = self._validate(self.fields())
            if self.step == "delivery":
                errors += self._delivery_needs()
        if errors:
            self._show(errors)
            return False
        if self.step == "information" and self._precheck is not None:
            self.matches = list(
                self._precheck(str(self.values.get("description", "")), str(self.values.get("doc_number", "")))
            )
        self.errors = []
        self.step = STEPS[self.index + 1]
        return True

    def back(self) -> None:
        if self.step == "submitted":
            return
        self.errors = []
        if self.index > 0:
            self.step = STEPS[self.index - 1]

    def go_to(self, step: str) -> None:
        """Jump back to an earlier step (from the review, to change something)."""
        if step not in STEPS or STEPS.index(step) > self.index or self.step == "submitted":
            raise BadInput("只能返回已填写的步骤。", f"cannot go to step {step!r} from {self.step!r}")
        self.errors = []
        self.step = step

    def submit(self, submitter: Submitter) -> dict[str, Any]:
        """At the consent step: hand the application to `submitter` (which stores it and returns the
        receipt). Errors found at this point send the form back to the step that has them."""
        if self.step != "consent":
            raise BadInput("请先完成前面的步骤。", f"submit() on step {self.step}")
        errors = self._validate(None)
        if errors:
            self._show(errors)
            return {}
        try:
            self.receipt = submitter(dict(self.values))
        except InvalidApplication as exc:
            self._show(exc.errors)
            return {}
        self.step = "submitted"
        self.errors = []
        return self.receipt

    def _validate(self, fields: tuple[str, ...] | None) -> list[FieldError]:
        _, errors = validate_application(self.values, today=self._today(), fields=fields, regions=self._regions)
        return errors

    def _delivery_needs(self) -> list[FieldError]:
        """The way of delivery may need an address or e-mail typed on the contact step."""
        _, errors = validate_application(self.values, today=self._today(), regions=self._regions)
        return [e for e in errors if e.field in ("email", "address") and e.code == "required"]

    def _show(self, errors: list[FieldError]) -> None:
        self.errors = errors
        earliest = min(STEPS.index(step_of(e.field)) for e in errors)
        if earliest < self.index:
            self.step = STEPS[earliest]

    # ------------------------------------------------------------ review

    def review(self, *, masked: bool = True) -> list[dict[str, str]]:
        """(label, value) rows for the review screen; personal data masked unless the resident asks
        to see it (people standing behind them in the hall)."""
        cleaned, _ = validate_application(
            self.values, today=self._today(), fields=[f for f in FIELDS if f != "consent"], regions=self._regions
        )
        rows = []
        for field in FIELDS:
            if field == "consent" or (field in _ORGANIZATION_ONLY and not self.is_organization):
                continue
            value = cleaned.get(field, self.values.get(field, ""))
            if value in ("", None):
                continue
            shown = str(value)
            if field in ("applicant_type", "organization_kind", "delivery_form", "delivery_way"):
                shown = describe_choice(shown)
            elif field == "id_type":
                shown = ID_TYPE_NAMES.get(shown, shown)
            elif masked and field == "name" and not self.is_organization:
                shown = mask_name(shown)
            elif masked and field in _MASKS:
                shown = _MASKS[field](shown)
            elif masked and field == "description":
                names = [self.values.get("contact_person")]
                if not self.is_organization:
                    names.append(self.values.get("name"))
                shown = mask_personal(shown, [n for n in names if isinstance(n, str)])
            rows.append({"field": field, "label": self.label(field), "value": shown, "step": step_of(field)})
        return rows


def terminal_form(env: Env, *, precheck: Precheck | None = None) -> ApplicationForm:
    """A form on this terminal: today from the terminal's clock, submitting into its store."""
    return ApplicationForm(today=lambda: env.now().date(), precheck=precheck, regions=load_regions(env))


def submitter_for(env: Env) -> Submitter:
    """Stores the application (sealed, fsync'd) and returns its receipt data for printing."""
    from kiosk.applications.receipt import receipt_data
    from kiosk.applications.records import submit_application

    return lambda values: receipt_data(env, submit_application(env, values).tracking)
