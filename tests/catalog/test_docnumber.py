import pytest

from kiosk.catalog.docnumber import find_doc_numbers, normalize_doc_number, parse_doc_number


@pytest.mark.parametrize(
    "written",
    [
        "海政办发〔2019〕23号",
        "海政办发[2019]23号",
        "海政办发(2019)23号",
        "海政办发（2019）23号",
        "海政办发【2019】23号",
        "海政办发 〔2019〕 23号",
        "海政办发〔２０１９〕２３号",
        "海政办发〔2019〕第23号",
    ],
)
def test_every_bracket_style_normalises_to_one_form(written):
    assert normalize_doc_number(written) == "海政办发〔2019〕23号"


def test_finds_cited_numbers_in_running_text_without_leading_words():
    text = (
        "为贯彻落实《国务院办公厅关于印发2017年政务公开工作要点》(国办发〔2017〕24号)和根据辽政办公开〔2017〕10号精神"
    )
    assert [n.normalized for n in find_doc_numbers(text)] == ["国办发〔2017〕24号", "辽政办公开〔2017〕10号"]


def test_tolerates_a_missing_opening_bracket():
    assert [n.normalized for n in find_doc_numbers("(粤办发2016〕22号)")] == ["粤办发〔2016〕22号"]


def test_offsets_point_into_the_original_text():
    text = "见中办发 〔2016〕8号文件"
    number = find_doc_numbers(text)[0]
    assert text[number.start : number.end] == "中办发 〔2016〕8号"


@pytest.mark.parametrize("text", ["", "关于印发通知", "2019年7月17日", "第12号", "国务院令第492号"])
def test_text_that_is_not_a_doc_number(text):
    assert parse_doc_number(text) is None
