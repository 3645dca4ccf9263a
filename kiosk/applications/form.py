"""The application form as a plain state machine the screen renders one step at a time; it runs and
is tested with no display. Going back and forth keeps everything typed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from kiosk.applications.identity import ID_TYPE_NAMES
from kiosk.applications.masking import mask_address, mask_email, mask_id, mask_name, mask_personal, mask_phone
from kiosk.applications.records import InvalidApplication
from kiosk.applications.regions import RegionTable, load_regions
from kiosk.applications.validation import FIELDS, LABELS, FieldError, describe_choice, validate_application
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
        """Fields on the current step (a contact person and the kind of organisation only for organisations)."""
        fields = _STEP_FIELDS[self.step]
        if self.step == "identity" and not self.is_organization:
            fields = tuple(f for f in fields if f not in _ORGANIZATION_ONLY)
        return fields

    def label(self, field: str) -> str:
        if field == "name":
            return "单位名称" if self.is_organization else "姓名"
        return LABELS[field]

    def error_for(self, field: str) -> FieldError | None:
        return next((e for e in self.errors if e.field == field), None)

    # ------------------------------------------------------------ typing

    def set(self, field: str, value: Any) -> None:
        if field not in FIELDS:
            raise BadInput("申请表中没有这一项。", f"unknown form field {field!r}", field=field)
        if self.step == "submitted":
            raise BadInput("申请已提交，不能再修改。", "form already submitted", field=field)
        self.values[field] = value
        self.errors = [e for e in self.errors if e.field != field]

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
