"""The officer's flows in a real browser (headless Chromium): log in, a POST without its CSRF token
refused, filter the queue, open an application (audit line written), ask for a correction, extend
with a reason, answer 部分公开 and read the letter PDF back; the annual report against a hand count
and the fleet flags. Screenshots of each page go to docs/screenshots/console-*.png."""

import io

import pytest
import requests
from pypdf import PdfReader
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from kiosk.central import intake
from kiosk.central.intake_models import Audit, IntakeApplication
from tests.applications.samples import HAICHENG_1985, organization, person
from tests.central.console import browser
from tests.central.console.conftest import PASSWORD, hand_in
from tests.central.console.test_fleet import seed_fleet
from tests.central.console.test_report import HAND, seed_year

pytestmark = pytest.mark.skipif(not browser.available(), reason="chromium, chromium-driver or selenium missing")


@pytest.fixture
def driver():
    with browser.chromium() as chrome:
        yield chrome


def text(driver, css: str) -> str:
    return driver.find_element(By.CSS_SELECTOR, css).text


def submit(driver, button_id: str) -> None:
    """Click a form's button and wait until the answer has replaced the page."""
    driver.execute_script("document.documentElement.dataset.old = '1'")
    driver.find_element(By.ID, button_id).click()
    # Mid-navigation Chromium may answer any command with an inspector error: ask again.
    WebDriverWait(driver, 10, ignored_exceptions=(WebDriverException,)).until(
        lambda d: d.execute_script("return document.readyState === 'complete' && !document.documentElement.dataset.old")
    )


def log_in(driver, base: str) -> None:
    driver.get(f"{base}/console/")
    driver.find_element(By.NAME, "name").send_keys("wang")
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    submit(driver, "login")


def test_an_officer_handles_an_application_from_the_queue_to_the_reply_letter(served, driver, intake_url):
    base, console = served
    shoot = intake_url.startswith("sqlite")  # one set of pictures is enough
    hall1, _ = intake.add_terminal("hall-1")
    hall2, _ = intake.add_terminal("hall-2")
    now = console.clock.now
    mine = hand_in(hall1, 1, person(), "2026-11-23T09:00:00+08:00", now)
    hand_in(hall1, 2, organization(organization_kind="business"), "2026-11-23T09:10:00+08:00", now)
    other = hand_in(hall2, 1, person(name="李梅"), "2026-11-23T09:20:00+08:00", now)

    # A login form whose CSRF token was stripped is refused, and nobody is logged in.
    driver.get(f"{base}/console/login")
    if shoot:
        browser.screenshot(driver, "login")
    driver.execute_script("document.querySelector('input[name=csrf_token]').remove()")
    driver.find_element(By.NAME, "name").send_keys("wang")
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    submit(driver, "login")
    assert "安全令牌" in text(driver, "#error")
    log_in(driver, base)
    assert "申请队列" in driver.title or text(driver, "h1") == "申请队列"

    # Filter the queue by terminal: masked applicants, one terminal's applications.
    Select(driver.find_element(By.NAME, "terminal")).select_by_visible_text("hall-2")
    submit(driver, "filter")
    trackings = [row.get_attribute("data-tracking") for row in driver.find_elements(By.CSS_SELECTOR, "#queue tbody tr")]
    assert trackings == [other.tracking]
    assert "李*" in text(driver, "#queue") and "李梅" not in driver.page_source
    driver.get(f"{base}/console/")
    if shoot:
        browser.screenshot(driver, "queue")
        browser.screenshot(driver, "queue-phone", browser.PHONE)

    # Open one: the full personal data, and an audit line with the officer and the time.
    driver.find_element(By.LINK_TEXT, mine.tracking).click()
    assert HAICHENG_1985 in text(driver, "#personal")
    assert (
        Audit.select()
        .where((Audit.tracking == mine.tracking) & (Audit.action == "view") & (Audit.officer == "wang"))
        .exists()
    )
    if shoot:
        browser.screenshot(driver, "application")
        browser.screenshot(driver, "application-phone", browser.PHONE)

    # 补正 with a note; the terminal's status lookup sees it.
    driver.find_element(By.ID, "correct-note").send_keys("请写明所需文件的年份和发文机关")
    submit(driver, "correct")
    assert "待补正" in text(driver, "#status") or "补正" in text(driver, "#status")
    assert intake.statuses_for(hall1, [mine.tracking])[0]["status"] == "needs_correction"
    submit(driver, "corrected")

    # 延期 needs a reason; with one, the due date moves to the extended one.
    submit(driver, "extend")
    assert "请填写延期理由" in text(driver, ".flash")
    driver.find_element(By.ID, "extend-note").send_keys("需要征求第三方意见")
    submit(driver, "extend")
    stored = IntakeApplication.get_by_id(mine.id)
    assert stored.status == "extended" and stored.due == stored.extended_due
    assert stored.due.isoformat() in text(driver, "#due")

    # 答复 部分公开, then the letter as a PDF with the outcome and the applicant's name.
    Select(driver.find_element(By.ID, "outcome")).select_by_value("三(二)")
    submit(driver, "answer")
    assert "部分公开" in text(driver, "#status")
    href = driver.find_element(By.ID, "letter").get_attribute("href")
    session = requests.Session()
    for cookie in driver.get_cookies():
        session.cookies.set(cookie["name"], cookie["value"], path=cookie.get("path", "/"))
    letter = session.get(href, timeout=10)
    assert letter.headers["Content-Type"] == "application/pdf"
    pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(letter.content)).pages)
    assert "部分公开" in pdf_text and "张三" in pdf_text and mine.tracking in pdf_text
    assert intake.statuses_for(hall1, [mine.tracking])[0]["status"] == "answered"


def test_the_annual_report_and_the_fleet_pages_show_the_seeded_numbers_and_flags(served, driver, intake_url):
    base, console = served
    shoot = intake_url.startswith("sqlite")
    seed_year(console)
    seed_fleet(console)  # hands in one more application (a person's, 23 Nov 2026, still open)
    expected_table = HAND | {"一": [3, 0, 1, 0, 1, 0, 5], "四": [2, 1, 0, 0, 1, 0, 4]}
    log_in(driver, base)
    driver.get(f"{base}/console/report?year=2026")
    for key, expected in expected_table.items():
        cells = driver.find_elements(By.CSS_SELECTOR, f'#report tr[data-key="{key}"] td.num')
        assert [int(c.text) for c in cells] == expected, key
    assert "各列均平衡" in text(driver, "#balance")
    if shoot:
        browser.screenshot(driver, "report")
        browser.screenshot(driver, "report-phone", browser.PHONE)
    driver.get(f"{base}/console/fleet")
    flags = {
        row.get_attribute("data-terminal"): [f.text for f in row.find_elements(By.CSS_SELECTOR, ".flag")]
        for row in driver.find_elements(By.CSS_SELECTOR, "#fleet tbody tr")
    }
    assert flags["hall-behind"] == ["目录过期", "缺纸", "版本落后"] and flags["hall-new"] == ["离线"]
    assert flags["hall-current"] == []
    if shoot:
        browser.screenshot(driver, "fleet")
        driver.get(f"{base}/console/usage")
        browser.screenshot(driver, "usage")
