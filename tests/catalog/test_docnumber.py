import pytest

from kiosk.catalog.docnumber import find_doc_numbers, normalize_doc_number, order_issuer, parse_doc_number


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


@pytest.mark.parametrize("text", ["", "关于印发通知", "2019年7月17日", "第12号", "命令第3号", "第一号令"])
def test_text_that_is_not_a_doc_number(text):
    assert parse_doc_number(text) is None


@pytest.mark.parametrize(
    ("text", "normalized", "issuer"),
    [
        ("国务院令第706号", "国务院令第706号", "国务院"),
        ("国令第706号", "国务院令第706号", "国务院"),
        ("中华人民共和国国务院令 第706号", "国务院令第706号", "国务院"),
        ("中华人民共和国国务院令（第292号）", "国务院令第292号", "国务院"),
        ("广东省人民政府令第300号", "广东省人民政府令第300号", "广东省人民政府"),
        ("杭州市人民政府令第321号", "杭州市人民政府令第321号", "杭州市人民政府"),
        ("交通运输部令2019年第1号", "交通运输部令2019年第1号", "交通运输部"),
        ("中华人民共和国商务部令2019年第1号", "商务部令2019年第1号", "商务部"),
        ("生态环境部令第4号", "生态环境部令第4号", "生态环境部"),
    ],
)
def test_an_order_number_in_any_of_its_forms_is_a_doc_number_with_its_issuer(text, normalized, issuer):
    parsed = parse_doc_number(text)
    assert parsed is not None and parsed.normalized == normalized
    assert order_issuer(parsed) == issuer


def test_an_order_cited_in_running_text_is_found_without_the_words_before_it():
    text = "依据《价格违法行为行政处罚规定》（中华人民共和国国务院令第585号）第十三条和国令第706号的规定"
    assert [n.normalized for n in find_doc_numbers(text)] == ["国务院令第585号", "国务院令第706号"]


def test_a_year_in_square_brackets_makes_a_doc_number_whatever_the_agency_ends_with():
    assert normalize_doc_number("海府〔2011〕33号") == "海府〔2011〕33号"
    assert normalize_doc_number("沪建建[2003]89号") == "沪建建〔2003〕89号"
    assert normalize_doc_number("财建〔2013〕644号") == "财建〔2013〕644号"
    # In round brackets the agency still has to end like one: 计划(2019)3号 is not a 文号.
    assert normalize_doc_number("工作计划(2019)3号") is None
