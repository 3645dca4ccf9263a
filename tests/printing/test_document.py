import re
from collections import Counter

from kiosk.printing.document import body_blocks, document_pdf
from kiosk.printing.linebreak import CLOSING
from tests.printing.conftest import PRINTED_AT, ZONE, decode_qr, page_texts, pdf_reader


def _pdf(doc, **kwargs):
    return document_pdf(doc, zone_name=ZONE, printed_at=PRINTED_AT, **kwargs)


def test_title_doc_number_and_body_are_extractable_text(haicheng):
    pdf = _pdf(haicheng)
    reader = pdf_reader(pdf.data)
    assert reader.metadata.title == haicheng["title"]
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
    assert haicheng["title"] in text
    assert "海政办发〔2019〕23号" in text
    first_sentence = "经市政府同意,现将《深入推进政务公开加强制度和平台建设的通知》印发给你们,请认真贯彻落实。"
    assert first_sentence in text
    assert "发文机关" in text and "海城市人民政府办公室" in text and "2019年7月17日" in text


def test_the_cjk_font_is_embedded_as_a_subset_and_no_other_font_is_used(haicheng):
    reader = pdf_reader(_pdf(haicheng).data)
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            assert re.fullmatch(r"/[A-Z]{6}\+WenQuanYiMicroHei-0", font["/BaseFont"]), font["/BaseFont"]
            assert "/FontFile2" in font["/FontDescriptor"].get_object()


def test_every_page_says_which_page_of_how_many_with_zone_print_time_and_source(haicheng):
    pdf = _pdf(haicheng)
    texts = page_texts(pdf.data)
    assert pdf.pages == len(texts) >= 2
    for number, text in enumerate(texts, start=1):
        assert f"第 {number} 页 共 {pdf.pages} 页" in text
        assert ZONE in text
        assert "打印时间：2026年11月23日 10:02" in text
        assert "来源：https://www.haicheng.gov.cn/zwgk/2019/0717/23.html" in text


def test_the_qr_code_on_the_first_page_leads_to_the_source(haicheng):
    pdf = _pdf(haicheng)
    assert decode_qr(pdf.data, page=1) == [haicheng["source_url"]]
    assert decode_qr(pdf.data, page=2) == []


def test_without_a_source_url_there_is_no_qr_code_and_the_footer_names_the_catalog(demo_documents):
    doc = demo_documents["大政公开办〔2023〕2号"]
    assert doc["source_url"] is None
    pdf = _pdf(doc)
    assert decode_qr(pdf.data) == []
    assert "来源：本终端政务公开目录" in page_texts(pdf.data)[0]


def test_a_repealed_document_is_marked_on_every_page(haicheng):
    haicheng["validity"] = "废止"
    texts = page_texts(_pdf(haicheng).data)
    assert "本文件已废止，仅供查阅参考" in texts[0]
    for text in texts:
        assert "【已废止】" in text  # the header of every page


def test_a_valid_document_carries_no_validity_mark(haicheng):
    texts = page_texts(_pdf(haicheng).data)
    assert not any("已废止" in text or "已失效" in text for text in texts)


def test_a_document_without_doc_number_lays_out(demo_documents):
    doc = demo_documents["解读《关于我市全面推进政务公开工作实施意见》"]
    assert doc["doc_number"] is None
    pdf = _pdf(doc)
    text = "".join(page_texts(pdf.data))
    assert pdf.pages >= 1 and "解读《关于我市全面推进政务公开工作实施意见》" in text
    assert "None" not in text


def test_a_2000_character_paragraph_lays_out_with_no_line_starting_with_closing_punctuation(haicheng):
    sentence = "各地区、各部门要按照规定，及时、准确公开政府信息（包括“三公”经费），接受社会监督。"
    paragraph = (sentence * (2000 // len(sentence) + 1))[:2000]
    haicheng["body"] = paragraph
    pdf = _pdf(haicheng)
    text = "".join(page_texts(pdf.data))
    body_lines = [
        line
        for line in text.split("\n")
        if line and line[0] in "各地区部门要按照规定，及时、准确公开政府信息（包括“三”经费），接受社会监督。"
    ]
    assert len(body_lines) > 40
    assert not [line for line in text.split("\n") if line[:1] in CLOSING]
    assert "".join(text.split("\n")).count("接受社会监督。") == paragraph.count("接受社会监督。")


def test_a_200_page_document_prints(haicheng):
    paragraphs = [
        f"（{n}）" + "按照政务公开标准化规范化要求，编制公开事项目录，明确公开主体、公开内容、公开时限。" * 4
        for n in range(2400)
    ]
    haicheng["body"] = "\n".join(paragraphs)
    pdf = _pdf(haicheng)  # how long it takes is measured in benchmarks/printing_long.py
    texts = page_texts(pdf.data)
    assert pdf.pages == len(texts) >= 200
    assert f"第 {pdf.pages} 页 共 {pdf.pages} 页" in texts[-1]
    assert "（2399）" in texts[-1]


def test_large_print_has_bigger_type_and_more_pages(haicheng):
    haicheng["body"] = "政务公开" * 800
    normal, large = _pdf(haicheng), _pdf(haicheng, large=True)
    assert large.pages > normal.pages

    def usual_line_length(data):
        return Counter(len(line) for line in page_texts(data)[1].split("\n")).most_common(1)[0][0]

    # 470 pt of text width holds 39 characters of 12 pt, 29 of 16 pt (三号, elderly mode).
    assert usual_line_length(normal.data) == 39
    assert usual_line_length(large.data) == 29


def test_attachments_are_listed_by_name_type_and_size(haicheng):
    text = "".join(page_texts(_pdf(haicheng).data))
    assert "附件1：政务公开工作任务分工.pdf（PDF，121 KB）" in text.replace("\n", "")


def test_the_same_document_prints_to_the_same_bytes(haicheng):
    assert _pdf(haicheng).data == _pdf(haicheng).data


def test_headings_addressee_and_signature_are_told_from_paragraphs(haicheng):
    blocks = body_blocks(haicheng["body"], title=haicheng["title"], issuer=haicheng["issuer"])
    kinds = {block.text: block.kind for block in blocks}
    assert kinds["各开发园区管委会,各镇人民政府、管理区,市政府各部门:"] == "plain"
    assert kinds["海城市人民政府办公室"] == "signature"
    assert kinds["2019年7月17日"] == "signature"
    assert kinds["深入推进政务公开加强制度和平台建设的通知"] == "subtitle"
    assert kinds["一、不断深化行政决策及执行结果公开"] == "heading"
    assert sum(kind == "para" for kind in kinds.values()) > 10


def test_list_items_are_not_taken_for_headings():
    blocks = body_blocks("（一）依法公开原则；\n（二）起草依据\n一、总体要求。全面推进。")
    assert [block.kind for block in blocks] == ["para", "subheading", "para"]
