import pytest

from kiosk.errors import BadInput
from kiosk.printing.document import document_pdf
from kiosk.printing.pdf import count_pages, format_page_ranges, parse_page_ranges, select_pages
from tests.printing.conftest import PRINTED_AT, ZONE, page_texts


@pytest.mark.parametrize(
    ("spec", "pages"),
    [
        ("1-3", [1, 2, 3]),
        ("2", [2]),
        ("1-3,5", [1, 2, 3, 5]),
        (" 3 - 4 , 1 ", [1, 3, 4]),
        ("8-", [8, 9, 10]),
        ("1-2,2-3", [1, 2, 3]),
        ("１－３，５", [1, 2, 3, 5]),  # typed on a Chinese keyboard
        ("2~4", [2, 3, 4]),
    ],
)
def test_page_ranges_are_read_as_people_write_them(spec, pages):
    assert parse_page_ranges(spec, 10) == pages


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("abc", "无法识别"),
        ("", "无法识别"),
        ("0-2", "无效"),
        ("5-3", "无效"),
        ("9-12", "本文件共 10 页，没有第 12 页。"),
    ],
)
def test_page_ranges_that_cannot_be_printed_say_why_in_chinese(spec, message):
    with pytest.raises(BadInput) as caught:
        parse_page_ranges(spec, 10)
    assert message in caught.value.message_zh


def test_page_ranges_format_back_compactly():
    assert format_page_ranges([1, 2, 3, 5, 7, 8]) == "1-3,5,7-8"
    assert format_page_ranges([4]) == "4"


def test_selected_pages_keep_their_own_page_labels(demo_documents):
    doc = demo_documents["兴政发〔2017〕24号"]
    pdf = document_pdf(doc, zone_name=ZONE, printed_at=PRINTED_AT)
    chosen = select_pages(pdf, [2, 4])
    assert chosen.pages == count_pages(chosen.data) == 2
    texts = page_texts(chosen.data)
    assert f"第 2 页 共 {pdf.pages} 页" in texts[0] and f"第 4 页 共 {pdf.pages} 页" in texts[1]
    assert select_pages(pdf, list(range(1, pdf.pages + 1))) is pdf
