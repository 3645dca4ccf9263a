import pytest

from kiosk.printing.fonts import text_width
from kiosk.printing.linebreak import CLOSING, OPENING, break_lines, units

SAMPLE = (
    "经市政府同意,现将《深入推进政务公开加强制度和平台建设的通知》印发给你们，请认真贯彻落实。"
    "详见https://www.gov.cn/zhengce/2019-07/17/content_123.htm。2023年10月底前完成“三年行动”——重点任务……"
    "（一）强化公众参与；（二）提升服务效能！"
)


def _check(text: str, lines) -> None:
    assert "".join(line.text for line in lines).replace(" ", "") == text.replace(" ", "")
    for line in lines:
        assert line.text[:1] not in CLOSING, line
        assert line.text[-1:] not in OPENING, line
    assert [line.last for line in lines] == [False] * (len(lines) - 1) + [True]


@pytest.mark.parametrize("width", range(5, 41))
def test_no_line_starts_with_closing_or_ends_with_opening_punctuation(width):
    lines = break_lines(SAMPLE, len, [width])
    _check(SAMPLE, lines)
    assert all(len(line.text) <= width for line in lines)


def test_the_seed_bodies_break_cleanly_in_the_real_font_at_many_widths(demo_documents):
    for doc in demo_documents.values():
        for paragraph in doc["body"].split("\n"):
            paragraph = paragraph.strip()
            for width in (120, 251.3, 451.3):
                lines = break_lines(paragraph, lambda s: text_width(s, 12), [width - 24, width])
                _check(paragraph, lines)
                assert all(line.width <= width + 1e-6 for line in lines)


def test_a_closing_mark_that_does_not_fit_takes_the_character_before_it_along():
    lines = break_lines("一二三四，五六", len, [4])
    assert [line.text for line in lines] == ["一二三", "四，五六"]


def test_fullwidth_comma_and_closing_quote_never_start_a_line():
    # reportlab's own CJK wrapping lets ，and ” start a line (its rules are Japanese).
    for width in range(3, 12):
        for line in break_lines("“政务公开”，“一网通办”，“最多跑一次”。", len, [width]):
            assert line.text[0] not in "，”。"


def test_numbers_dates_and_urls_are_not_split_when_they_fit():
    assert "2019-07-17。" in units("成文日期2019-07-17。")  # the full stop sticks to it
    assert "https://www.gov.cn/a_b.htm" in units("见https://www.gov.cn/a_b.htm")
    lines = break_lines("完成时限：2023年10月底前", len, [9])
    assert [line.text for line in lines] == ["完成时限：2023", "年10月底前"]


def test_a_url_longer_than_a_line_is_cut_between_characters_from_where_it_starts():
    text = "见https://www.example.gov.cn/very/long/path"
    lines = break_lines(text, len, [10])
    _check(text, lines)
    assert lines[0].text == "见https://w"[:10]


def test_an_em_dash_pair_and_an_ellipsis_stay_with_the_character_before():
    for width in range(3, 9):
        texts = [line.text for line in break_lines("重点任务——落实到位……完成", len, [width])]
        assert not any(t.startswith(("—", "…")) for t in texts)


def test_first_line_can_be_narrower_for_the_indent():
    lines = break_lines("一二三四五六七八九十", len, [3, 5])
    assert [line.text for line in lines] == ["一二三", "四五六七八", "九十"]


def test_spaces_at_a_break_are_dropped_and_empty_text_is_one_empty_line():
    assert [line.text for line in break_lines("持续深化 做好工作", len, [4])] == ["持续深化", "做好工作"]
    assert [line.text for line in break_lines("", len, [4])] == [""]
