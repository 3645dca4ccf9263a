"""The console's routes through Flask's test client: sessions, CSRF, headers, the queue, one
application, the actions and what flows back to the terminal, the reply letter."""

import io
from datetime import timedelta

from pypdf import PdfReader

from kiosk.central import intake
from kiosk.central.intake_models import Audit, IntakeApplication
from tests.applications.samples import HAICHENG_1985, organization, person
from tests.central.console.conftest import csrf_of, hand_in, login


def seed(console):
    terminal, _ = intake.add_terminal("hall-1")
    now = console.clock.now
    first = hand_in(terminal, 1, person(), "2026-11-23T09:00:00+08:00", now)
    second = hand_in(
        terminal,
        2,
        organization(name="海城市律师事务所", organization_kind="legal_service"),
        "2026-11-23T09:30:00+08:00",
        now,
    )
    return terminal, first, second


def test_every_console_page_needs_a_login_and_carries_the_security_headers(console):
    client = console.client(logged_in=False)
    answer = client.get("/console/")
    assert answer.status_code == 302 and "/console/login" in answer.headers["Location"]
    page = client.get("/console/login")
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    cookie = page.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie


def test_a_post_without_the_csrf_token_is_refused(console):
    client = console.client()
    seed(console)
    before = IntakeApplication.get(IntakeApplication.tracking.endswith("")).status
    answer = client.post(f"/console/a/{IntakeApplication.get().tracking}/accept", data={})
    assert answer.status_code == 400 and "安全令牌" in answer.get_data(as_text=True)
    assert IntakeApplication.get().status == before
    refused_login = console.client(logged_in=False).post("/console/login", data={"name": "wang", "password": "x"})
    assert refused_login.status_code == 400


def test_wrong_passwords_lock_the_account_even_for_the_right_one(console):
    client = console.client(logged_in=False)
    for _ in range(5):
        assert login(client, password="wrong password").status_code == 401
    locked = login(client)
    assert locked.status_code == 401 and "锁定" in locked.get_data(as_text=True)
    console.clock.now += timedelta(minutes=16)
    assert login(client).status_code == 302


def test_a_session_expires_after_thirty_idle_minutes(console):
    client = console.client()
    assert client.get("/console/").status_code == 200
    console.clock.now += timedelta(minutes=31)
    assert client.get("/console/").status_code == 302


def test_the_queue_is_masked_sorted_by_due_date_and_filtered(console):
    _, first, second = seed(console)
    client = console.client()
    page = client.get("/console/").get_data(as_text=True)
    assert "张*" in page and "张三" not in page and HAICHENG_1985 not in page
    assert page.index(first.tracking) < page.index(second.tracking)  # same due date: by tracking
    none = client.get("/console/?status=answered").get_data(as_text=True)
    assert first.tracking not in none
    late = client.get("/console/?due_from=2027-01-01").get_data(as_text=True)
    assert first.tracking not in late


def test_opening_an_application_shows_it_in_full_and_writes_an_audit_line(console):
    _, first, _ = seed(console)
    page = console.client().get(f"/console/a/{first.tracking}").get_data(as_text=True)
    assert "张三" in page and HAICHENG_1985 in page and "13812345678" in page
    line = Audit.get((Audit.tracking == first.tracking) & (Audit.action == "view"))
    assert line.officer == "wang" and line.at.startswith("2026-11-23T10:05")


def test_a_paper_application_is_marked_as_such_and_a_kiosk_one_is_not(console):
    terminal, first, _ = seed(console)
    paper = hand_in(terminal, 3, person(), "2026-11-23T09:40:00+08:00", console.clock.now, channel="paper")
    client = console.client()
    assert "申请渠道" in client.get(f"/console/a/{paper.tracking}").get_data(as_text=True)
    assert "纸质申请" in client.get(f"/console/a/{paper.tracking}").get_data(as_text=True)
    assert "申请渠道" not in client.get(f"/console/a/{first.tracking}").get_data(as_text=True)


def test_correction_extension_and_answer_flow_back_to_the_terminal_with_a_letter(console):
    terminal, first, _ = seed(console)
    client = console.client()
    path = f"/console/a/{first.tracking}"

    def post(action, **data):
        return client.post(f"{path}/{action}", data={"csrf_token": csrf_of(client, path), **data})

    post("correct", note="请写明所需文件的年份")
    assert intake.statuses_for(terminal, [first.tracking])[0]["status"] == "needs_correction"
    console.clock.now += timedelta(days=7)  # the resident's correction arrives on Mon 30 Nov
    login(client)  # a week later: the session has long expired
    post("corrected")
    row = IntakeApplication.get_by_id(first.id)
    assert row.status == "accepted" and row.due.isoformat() == "2026-12-28"  # 20 working days from 30 Nov
    refused = client.get(post("extend", note="").headers["Location"]).get_data(as_text=True)
    assert "请填写延期理由" in refused
    assert IntakeApplication.get_by_id(first.id).status == "accepted"  # no reason: no extension
    post("extend", note="需要协调其他机关")
    extended = IntakeApplication.get_by_id(first.id)
    assert extended.status == "extended" and extended.due == extended.extended_due
    post("answer", outcome="三(二)")
    answered = intake.statuses_for(terminal, [first.tracking])[0]
    assert answered["status"] == "answered" and "部分公开" in answered["note"]
    letter = client.get(f"{path}/letter.pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(letter.data)).pages)
    assert "政府信息公开申请答复告知书" in text and "部分公开" in text and "张三" in text
    history = [c.status for c in IntakeApplication.get_by_id(first.id).changes]
    assert history == ["received", "needs_correction", "accepted", "extended", "answered"]
