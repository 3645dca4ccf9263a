import sqlite3
import stat
from datetime import datetime, timedelta, timezone

import pytest

from kiosk.applications.models import Application, Outbox
from kiosk.applications.records import (
    InvalidApplication,
    get_application,
    list_applications,
    masked_view,
    personal_data,
    purge_expired,
    submit_application,
)
from kiosk.applications.sealing import key_path
from kiosk.applications.tracking import is_valid_tracking
from kiosk.config import load_config
from kiosk.environment import Env
from kiosk.errors import BadInput, NotFound, StorageError
from tests.applications.samples import HAICHENG_1985, person

CHINA = timezone(timedelta(hours=8))


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 9, 28, 9, 30, tzinfo=CHINA))


@pytest.fixture
def terminal(home, clock) -> Env:
    config = load_config(None, {"KIOSK_TERMINAL_TOKEN": "0042-secret", "KIOSK_RETENTION_DAYS": "30"})
    return Env(home=home, config=config, clock=clock)


def test_submit_stores_the_application_sealed_with_a_statutory_deadline(terminal):
    app = submit_application(terminal, person())
    assert is_valid_tracking(app.tracking) and app.tracking.startswith("2609280042001")
    assert app.due.isoformat() == "2026-10-30" and app.calendar_complete
    assert Outbox.get_by_id(app.tracking).state == "pending"
    assert personal_data(terminal, app)["id_number"] == HAICHENG_1985


def test_nothing_personal_is_readable_in_the_database_file(terminal):
    submit_application(terminal, person())
    raw = sqlite3.connect(terminal.applications_db)
    dump = "\n".join(raw.iterdump())
    raw.close()
    for secret in (HAICHENG_1985, "张三", "13812345678", "zhangsan", "海州管理区"):
        assert secret not in dump
    assert stat.S_IMODE(terminal.applications_db.stat().st_mode) == 0o600
    assert key_path(terminal.keys_dir).parent != terminal.applications_db.parent


def test_tracking_numbers_count_up_per_terminal_and_day(terminal, clock):
    first = submit_application(terminal, person()).tracking
    second = submit_application(terminal, person()).tracking
    clock.now += timedelta(days=1)
    third = submit_application(terminal, person()).tracking
    assert (first[10:13], second[10:13], third[10:13]) == ("001", "002", "001")


def test_an_invalid_application_is_not_stored_and_every_field_is_named(terminal):
    with pytest.raises(InvalidApplication) as info:
        submit_application(terminal, person(phone="1", reason=""))
    assert {e.field for e in info.value.errors} == {"phone", "reason"}
    assert "联系电话" in info.value.message_zh
    assert list_applications(terminal) == []


def test_list_and_views_mask_personal_data(terminal):
    submit_application(terminal, person())
    view = masked_view(terminal, list_applications(terminal)[0])
    assert (view["applicant_masked"], view["id_masked"], view["contact_masked"]) == (
        "张*",
        HAICHENG_1985[:4] + "*" * 10 + HAICHENG_1985[-4:],
        "138****5678",
    )
    assert HAICHENG_1985 not in str(view) and "13812345678" not in str(view)


def test_lookup_checks_the_tracking_number_before_searching(terminal):
    tracking = submit_application(terminal, person()).tracking
    assert get_application(terminal, f"{tracking[:6]}-{tracking[6:10]}-{tracking[10:]}").tracking == tracking
    with pytest.raises(BadInput):
        get_application(terminal, tracking[:-1] + str((int(tracking[-1]) + 1) % 10))
    with pytest.raises(NotFound):
        get_application(terminal, "2609280042999" + _check("2609280042999"))


def _check(body: str) -> str:
    from kiosk.applications.tracking import damm_digit

    return damm_digit(body)


def test_personal_data_is_purged_only_after_confirmation_and_retention(terminal, clock):
    kept = submit_application(terminal, person()).tracking
    confirmed = submit_application(terminal, person()).tracking
    Application.update(confirmed_at=clock.now.isoformat()).where(Application.tracking == confirmed).execute()
    clock.now += timedelta(days=29)
    assert purge_expired(terminal) == 0
    clock.now += timedelta(days=2)
    assert purge_expired(terminal) == 1
    purged = get_application(terminal, confirmed)
    assert purged.sealed is None and purged.purged_at
    assert masked_view(terminal, purged)["applicant_masked"] == "（已清除）"
    assert get_application(terminal, kept).sealed is not None  # never confirmed: kept however old


def test_a_lost_key_is_reported_not_guessed(terminal):
    app = submit_application(terminal, person())
    key_path(terminal.keys_dir).unlink()
    with pytest.raises(StorageError) as info:
        personal_data(terminal, app)
    assert "密钥" in info.value.message_zh
    # a new application still gets stored (under a new key): a resident is never turned away
    assert submit_application(terminal, person()).key_id != app.key_id
