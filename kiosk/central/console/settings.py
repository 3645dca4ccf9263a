"""The office's own settings, kept in the intake database so every console process sees the same:
its name, address and phone (printed on reply letters) and how long personal data is kept."""

from __future__ import annotations

from kiosk.central.intake_models import Setting
from kiosk.central.intake_sealing import retention_days as stored_retention
from kiosk.errors import BadInput

OFFICE_FIELDS = ("name", "address", "phone")
MAX_RETENTION_DAYS = 365 * 30


def office() -> dict[str, str]:
    values = {s.key: s.value for s in Setting.select().where(Setting.key.startswith("office_"))}
    return {field: values.get(f"office_{field}", "") for field in OFFICE_FIELDS} | {
        "retention_days": str(stored_retention())
    }


def _put(key: str, value: str) -> None:
    Setting.insert(key=key, value=value).on_conflict(
        conflict_target=[Setting.key], update={Setting.value: value}
    ).execute()


def set_office(
    *, name: str | None = None, address: str | None = None, phone: str | None = None, retention_days: int | None = None
) -> dict[str, str]:
    for field, value in (("name", name), ("address", address), ("phone", phone)):
        if value is None:
            continue
        value = value.strip()
        if len(value) > 200 or not value.isprintable():
            raise BadInput("机关信息过长或含有无法打印的字符。", f"office {field} unusable", field=field)
        _put(f"office_{field}", value)
    if retention_days is not None:
        if not 1 <= retention_days <= MAX_RETENTION_DAYS:
            raise BadInput(
                "保存期限应在 1 天到 30 年之间。", f"retention {retention_days} out of range", field="retention_days"
            )
        _put("retention_days", str(retention_days))
    return office()
