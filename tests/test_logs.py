import logging

from kiosk.logs import scrub, setup_logging


def test_scrub_masks_ids_phones_and_emails():
    text = "applicant 210381198503151523 phone 13812345678 mail zhang.san@example.com doc 海政办发〔2019〕23号"
    cleaned = scrub(text)
    assert "210381198503151523" not in cleaned and "13812345678" not in cleaned and "example.com" not in cleaned
    assert "海政办发〔2019〕23号" in cleaned


def test_log_file_never_receives_personal_data(tmp_path):
    setup_logging(tmp_path, "INFO", stderr=False)
    logging.getLogger("kiosk.test").warning("submitted for %s", "21038119850315152X")
    for handler in logging.getLogger().handlers:
        handler.flush()
    content = (tmp_path / "kiosk.log").read_text(encoding="utf-8")
    assert "submitted for [id]" in content and "21038119850315152X" not in content
    setup_logging(None, "INFO", stderr=False)
