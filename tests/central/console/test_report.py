"""The annual report's section 三 for a seeded year matches a count by hand, balances, and comes
out the same through the CLI (JSON), as CSV and as PDF."""

import io
from datetime import datetime, timedelta, timezone

from pypdf import PdfReader

from kiosk.central import intake
from kiosk.central.console import actions, report
from tests.applications.samples import organization, person
from tests.central.console.conftest import hand_in

CHINA = timezone(timedelta(hours=8))


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00+08:00")


def seed_year(console) -> None:
    """Seven applications around 2026; the expected table is counted by hand in HAND."""
    terminal, _ = intake.add_terminal("hall-1")
    cal = console.calendar

    def received(seq, day, application):
        return hand_in(terminal, seq, application, f"{day}T09:00:00+08:00", at(day))

    def close(app, day, action, outcome=""):
        actions.act(app.tracking, action, "wang", cal, at(day), outcome=outcome)

    a = received(1, "2025-12-19", person())  # carried over, answered in 2026
    close(a, "2026-01-09", "answer", "三(一)")
    received(2, "2025-12-22", organization(organization_kind="business"))  # carried over, still open
    c = received(3, "2025-11-03", person())  # all in 2025: not in the 2026 table
    close(c, "2025-11-20", "answer", "三(一)")
    d = received(4, "2026-03-02", person())
    close(d, "2026-03-20", "answer", "三(三)4")
    e = received(5, "2026-05-06", organization(organization_kind="research"))
    close(e, "2026-05-08", "withdraw")
    received(6, "2026-12-28", organization(organization_kind="legal_service"))  # open at the year's end
    g = received(7, "2026-12-30", person())  # answered only in 2027
    close(g, "2027-01-05", "answer", "三(二)")


#            自然人 商业 科研 公益 法律 其他 总计
HAND = {
    "一": [2, 0, 1, 0, 1, 0, 4],
    "二": [1, 1, 0, 0, 0, 0, 2],
    "三(一)": [1, 0, 0, 0, 0, 0, 1],
    "三(二)": [0, 0, 0, 0, 0, 0, 0],
    "三(三)": [1, 0, 0, 0, 0, 0, 1],
    "三(三)4": [1, 0, 0, 0, 0, 0, 1],
    "三(六)": [0, 0, 1, 0, 0, 0, 1],
    "三(六)3": [0, 0, 1, 0, 0, 0, 1],
    "三(七)": [2, 0, 1, 0, 0, 0, 3],
    "四": [1, 1, 0, 0, 1, 0, 3],
}


def test_the_annual_table_matches_a_hand_count_and_balances(console):
    seed_year(console)
    table = report.as_json(report.annual_report(2026))
    counts = {row["key"]: row["counts"] for row in table["rows"]}
    for key, expected in HAND.items():
        assert counts[key] == expected, key
    others = set(counts) - set(HAND)
    assert all(counts[key] == [0] * 7 for key in others)
    assert table["balanced"] is True
    assert table["columns"] == ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    assert (
        len(table["rows"]) == 1 + 1 + 2 + 9 + 4 + 6 + 4 + 1 + 1
    )  # 一, 二, (一)(二), (三)+8, (四)+3, (五)+5, (六)+3, (七), 四
    assert table["rows"][0] == {"key": "一", "label": "本年新收政府信息公开申请数量", "counts": HAND["一"]}


def test_the_cross_check_reports_an_unbalanced_table():
    odd = [report.Case(0, "2026-02-01", "2025-12-31", "三(一)")]  # closed before it was received
    assert report.compute(2026, odd)["balanced"] is False


def test_csv_and_pdf_carry_the_same_numbers(console):
    seed_year(console)
    table = report.annual_report(2026)
    lines = report.as_csv(table).lstrip("\ufeff").splitlines()
    assert lines[1].split(",") == ["一", "本年新收政府信息公开申请数量", "2", "0", "1", "0", "1", "0", "4"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(report.as_pdf(table, "海城市人民政府办公室"))).pages)
    assert "收到和处理政府信息公开申请情况" in text and "属于四类过程性信息" in text and "各列均平衡" in text
    client = console.client()
    assert client.get("/console/report.csv?year=2026").data.decode("utf-8-sig").splitlines()[1] == lines[1]
    page = client.get("/console/report?year=2026").get_data(as_text=True)
    assert "各列均平衡" in page


def test_the_cli_prints_the_promised_json(console, cli, intake_url):
    seed_year(console)
    table = cli.json("central", "report", "annual", "--year", "2026", "--db", intake_url)
    assert set(table) == {"year", "columns", "rows", "balanced"} and table["balanced"] is True
    assert {row["key"]: row["counts"] for row in table["rows"]}["三(三)4"] == HAND["三(三)4"]
