"""The importer on the five real seeds and on layouts written to vary every rule."""

from datetime import date

import pytest

from kiosk.catalog.docnumber import normalize_doc_number
from kiosk.importer import parse_folder
from kiosk.importer.pagedump import extract, html_to_text
from tests.conftest import SEEDS

SEED_EXPECTATIONS = {
    "000_72d392bc44be5639.txt": (
        "海城市人民政府办公室关于深入推进政务公开加强制度和平台建设的通知",
        "海政办发〔2019〕23号",
        "海城市人民政府办公室",
        date(2019, 7, 17),
    ),
    "001_ba30f362056b0a24.txt": (
        "解读《关于我市全面推进政务公开工作实施意见》",
        None,
        "陆河县人民政府",
        date(2018, 12, 20),
    ),
    "002_92aeca56ac492447.txt": (
        "娄底市人民政府办公室关于印发《2014年全市政务公开政务服务工作要点》的通知",
        "娄政办函〔2014〕45号",
        "娄底市人民政府办公室",
        date(2014, 5, 22),
    ),
    "003_7317f83c4b022645.txt": (
        "关于印发兴隆台区2017年政务公开工作安排的通知",
        "兴政发〔2017〕24号",
        "兴隆台区人民政府",
        date(2017, 6, 15),
    ),
    "004_251355070ad81868.txt": (
        "持续深化政务公开 做好当前重点工作的任务分解",
        "大政公开办〔2023〕2号",
        "大连市政务公开领导小组办公室",
        date(2023, 7, 17),
    ),
}


@pytest.mark.parametrize("name", sorted(SEED_EXPECTATIONS))
def test_seed_metadata(name):
    title, number, issuer, issued = SEED_EXPECTATIONS[name]
    found = extract((SEEDS / name).read_text(encoding="utf-8"))
    assert (found.title, found.doc_number, found.issuer, found.issued) == (title, number, issuer, issued)


@pytest.mark.parametrize("name", sorted(SEED_EXPECTATIONS))
def test_seed_body_has_no_web_chrome(name):
    body = extract((SEEDS / name).read_text(encoding="utf-8")).body
    for chrome in ("网站标识码", "ICP备", "当前位置", "所在的位置", "字体", "扫一扫", "公网安备", ".png", "即将离开"):
        assert chrome not in body
    assert len(body) > 2000
    assert "政务公开" in body


def test_interpretation_seed_is_categorised_as_interpretation():
    found = extract((SEEDS / "001_ba30f362056b0a24.txt").read_text(encoding="utf-8"))
    assert found.category == "政策解读"
    assert found.body.startswith("党的十八大以来")


CATALOG_ENTRY_LAYOUT = """\
首页 > 信息公开 > 政策文件
索引号：11210300MB1234567X/2021-00012    主题分类：城乡建设
发文机关：鞍山市住房和城乡建设局    成文日期：2021/3/5
标题：鞍山市住房和城乡建设局关于公租房申请有关事项的通知
发文字号：鞍住建发[2021]7号    发布日期：2021-03-08
有效性：失效
字体：【大 中 小】
各县（市）区住建局：
　　为做好公租房申请受理工作，根据有关规定，现就有关事项通知如下。
一、申请条件
　　申请人应当具有本市户籍。
鞍山市住房和城乡建设局
2021年3月5日
网站标识码2103000001  辽ICP备12345678号
"""


def test_catalog_entry_layout_with_labels():
    found = extract(CATALOG_ENTRY_LAYOUT)
    assert found.title == "鞍山市住房和城乡建设局关于公租房申请有关事项的通知"
    assert found.doc_number == "鞍住建发[2021]7号"
    assert found.issuer == "鞍山市住房和城乡建设局"
    assert found.issued == date(2021, 3, 5)
    assert found.published == date(2021, 3, 8)
    assert found.index_no == "11210300MB1234567X/2021-00012"
    assert found.category == "城乡建设"
    assert found.validity == "失效"
    assert found.body.startswith("各县（市）区住建局：")
    assert "网站标识码" not in found.body and "发文机关" not in found.body


NO_NUMBER_SLASH_DATE = """\
网站首页 | 政务公开 | 通知公告
关于2019年端午节放假安排的通知
发布时间：2019/6/3 09:00   来源：市政府办公室
各有关单位：
　　根据国务院办公厅通知精神，现将端午节放假安排通知如下：6月7日放假，共3天。
　　请各单位妥善安排值班工作。
某某市人民政府办公室
2019/6/3
"""


def test_missing_doc_number_and_slash_dates():
    found = extract(NO_NUMBER_SLASH_DATE)
    assert found.title == "关于2019年端午节放假安排的通知"
    assert found.doc_number is None
    assert found.issuer == "某某市人民政府办公室"
    assert found.issued == date(2019, 6, 3)
    assert "网站首页" not in found.body


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2019年7月17日", date(2019, 7, 17)),
        ("2019-07-17", date(2019, 7, 17)),
        ("2019/7/17", date(2019, 7, 17)),
        ("二〇一九年七月十七日", date(2019, 7, 17)),
        ("2020年12月31日", date(2020, 12, 31)),
    ],
)
def test_signature_dates_in_every_style(written, expected):
    text = f"某县人民政府关于加强安全生产工作的通知\n某政发（2019）5号\n各乡镇人民政府：\n　　现就加强安全生产工作通知如下，请认真贯彻执行。\n某县人民政府\n{written}\n"
    found = extract(text)
    assert found.issued == expected
    assert found.doc_number == "某政发（2019）5号"
    assert found.issuer == "某县人民政府"


HTML_LAYOUT = """<html><head><title>门户网站</title><script>var x = "关于假标题的通知";</script></head>
<body><div class="nav">首页</div><div>当前位置：首页 &gt; 政策文件</div>
<h1>某市人民政府关于印发《某市优化营商环境若干措施》的通知</h1>
<p>某政发【2022】11号</p><p>各区人民政府，市政府各部门：</p>
<p>　　现将《某市优化营商环境若干措施》印发给你们，请认真贯彻执行。</p>
<p>某市人民政府</p><p>2022年4月1日</p><div class="footer">版权所有：某市人民政府 网站标识码1234567890</div></body></html>"""


def test_html_page_dump(tmp_path):
    (tmp_path / "page.html").write_text(HTML_LAYOUT, encoding="utf-8")
    parsed, report = parse_folder(tmp_path)
    record = parsed[0].record
    assert record.title == "某市人民政府关于印发《某市优化营商环境若干措施》的通知"
    assert record.doc_number_norm == "某政发〔2022〕11号"
    assert record.issued == date(2022, 4, 1)
    assert "假标题" not in record.body and "网站标识码" not in record.body
    assert report.items[0].status == "ok"


def test_gb18030_encoded_dump_is_read(tmp_path):
    (tmp_path / "gbk.txt").write_bytes(NO_NUMBER_SLASH_DATE.encode("gb18030"))
    parsed, _ = parse_folder(tmp_path)
    assert parsed[0].record.title == "关于2019年端午节放假安排的通知"


def test_unreadable_and_partial_files_are_reported_not_dropped(tmp_path):
    (tmp_path / "empty.txt").write_text("   \n", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "logo.png").write_bytes(b"\x89PNG")
    (tmp_path / "scrap.txt").write_text("一些没有标题的文字\n另一行", encoding="utf-8")
    parsed, report = parse_folder(tmp_path)
    statuses = {item.file: item.status for item in report.items}
    assert statuses == {"binary.txt": "failed", "empty.txt": "failed", "logo.png": "skipped", "scrap.txt": "partial"}
    assert len(parsed) == 1
    scrap = next(item for item in report.items if item.file == "scrap.txt")
    assert "issuer" in scrap.missing


def test_dump_with_attachment_folder(tmp_path):
    (tmp_path / "notice.txt").write_text(NO_NUMBER_SLASH_DATE, encoding="utf-8")
    (tmp_path / "notice").mkdir()
    (tmp_path / "notice" / "附件1.pdf").write_bytes(b"%PDF-1.4 test")
    parsed, report = parse_folder(tmp_path)
    assert len(report.items) == 1
    (ref,) = parsed[0].record.attachments
    assert ref.name == "附件1.pdf" and ref.size == 13 and ref.media_type == "application/pdf"


def test_reimporting_gives_the_same_ids():
    first, _ = parse_folder(SEEDS)
    second, _ = parse_folder(SEEDS)
    assert [d.record.id for d in first] == [d.record.id for d in second]
    assert len({d.record.id for d in first}) == 5


# --- metadata tables, 令 numbers, joint issuers and dates, as real portals print them -----------------


def test_letter_spaced_labels_with_either_colon_are_read_and_do_not_stay_in_the_title():
    found = extract(
        "索 引 号：000014349/2018-00222\n主　题　分　类:卫生、体育\n"
        "标　　题：国务院关于修改部分行政法规的决定\n发 文 字 号: 国令第706号\n发布日期：2018年12月29日\n"
        "各省、自治区、直辖市人民政府：\n　　国务院决定修改部分行政法规。"
    )
    assert found.title == "国务院关于修改部分行政法规的决定"
    assert (found.index_no, found.category, found.doc_number) == ("000014349/2018-00222", "卫生、体育", "国令第706号")
    assert found.published == date(2018, 12, 29)
    assert "索" not in found.body and "标" not in found.body.splitlines()[0]


TABLE_LAYOUTS = {
    "td cells": "<table><tr><td><b>索 引 号：</b></td><td>{index}</td><td><b>主题分类：</b></td><td>{cat}</td></tr>"
    "<tr><td><b>发文机关：</b></td><td>{issuer}</td><td><b>成文日期：</b></td><td>{issued}</td></tr>"
    "<tr><td><b>标　　题：</b></td><td colspan=3>{title}</td></tr>"
    "<tr><td><b>发文字号：</b></td><td>{number}</td><td><b>发布日期：</b></td><td>{published}</td></tr></table>",
    "th and td without colons": "<table><tr><th>索引号</th><td>{index}</td><th>主题分类</th><td>{cat}</td></tr>"
    "<tr><th>发文机关</th><td>{issuer}</td><th>成文日期</th><td>{issued}</td></tr>"
    "<tr><th>标题</th><td>{title}</td></tr><tr><th>发文字号</th><td>{number}</td><th>发布日期</th><td>{published}</td></tr>"
    "</table>",
    "list of spans": "<ul><li><span>索 引 号：</span>{index}</li><li><span>主题分类：</span>{cat}</li>"
    "<li><span>发文机关：</span>{issuer}</li><li><span>成文日期：</span>{issued}</li><li><span>标　　题：</span>{title}</li>"
    "<li><span>发文字号：</span>{number}</li><li><span>发布日期：</span>{published}</li></ul>",
    "definition list": "<dl><dt>索引号：</dt><dd>{index}</dd><dt>主题分类：</dt><dd>{cat}</dd><dt>发文机关：</dt>"
    "<dd>{issuer}</dd><dt>成文日期：</dt><dd>{issued}</dd><dt>标题：</dt><dd>{title}</dd><dt>发文字号：</dt>"
    "<dd>{number}</dd><dt>发布日期：</dt><dd>{published}</dd></dl>",
}


@pytest.mark.parametrize("layout", sorted(TABLE_LAYOUTS))
def test_a_metadata_table_is_read_as_label_and_value_cells_in_any_markup(layout):
    html = TABLE_LAYOUTS[layout].format(
        index="11330100002489/2021-00031",
        cat="城乡建设",
        issuer="杭州市人民政府",
        issued="2021年3月5日",
        title="杭州市人民政府关于印发杭州市公租房管理办法的通知",
        number="杭政〔2021〕9号",
        published="2021-03-08",
    )
    html += "<div><p>各区、县（市）人民政府，市政府各部门：</p><p>现将《杭州市公租房管理办法》印发给你们，请认真贯彻执行。</p></div>"
    found = extract(html_to_text(html))
    assert found.title == "杭州市人民政府关于印发杭州市公租房管理办法的通知"
    assert (found.index_no, found.category, found.issuer) == ("11330100002489/2021-00031", "城乡建设", "杭州市人民政府")
    assert (found.doc_number, found.issued, found.published) == ("杭政〔2021〕9号", date(2021, 3, 5), date(2021, 3, 8))
    assert found.body.startswith("各区、县（市）人民政府")


def test_a_label_with_an_empty_value_does_not_take_the_next_label_as_its_value():
    found = extract(
        "• 索引号:\n\n6107280000/2024-001005\n• 主题分类:\n• 发文字号:\n镇政发〔2024〕7号\n"
        "镇巴县人民政府工作规则\n第一条 为规范县政府工作，制定本规则。"
    )
    assert (found.index_no, found.category, found.doc_number) == (
        "6107280000/2024-001005",
        "政策文件",
        "镇政发〔2024〕7号",
    )


@pytest.mark.parametrize(
    "cell",
    [
        "国务院办公厅、中央军委办公厅",
        "国务院办公厅 中央军委办公厅",
        "国务院办公厅　中央军委办公厅",
        "国务院办公厅，中央军委办公厅",
    ],
)
def test_a_joint_issuer_in_the_issuer_cell_is_kept_whole(cell):
    found = extract(f"发文机关：{cell}\n标题：关于加强调查和管理工作的通知\n各省人民政府：\n现通知如下。")
    assert found.issuer == "国务院办公厅、中央军委办公厅"


def test_a_joint_signature_over_several_lines_is_kept_whole():
    found = extract(
        "中共岳阳市委办公室岳阳市人民政府办公室印发《关于全面推进政务公开工作的实施意见》的通知(岳办发〔2017〕2号)\n"
        "各县市区委、人民政府，市直各单位：\n现印发给你们，请结合实际认真贯彻执行。\n"
        "中共岳阳市委办公室\n岳阳市人民政府办公室\n2017年1月10日\n"
    )
    assert found.issuer == "中共岳阳市委办公室、岳阳市人民政府办公室"
    assert found.doc_number == "岳办发〔2017〕2号"
    assert found.title == "中共岳阳市委办公室岳阳市人民政府办公室印发《关于全面推进政务公开工作的实施意见》的通知"
    assert found.issued == date(2017, 1, 10)


@pytest.mark.parametrize(
    ("header", "number", "issuer"),
    [
        ("中华人民共和国国务院令\n第706号", "国务院令第706号", "国务院"),
        ("国令第706号", "国务院令第706号", "国务院"),
        ("广东省人民政府令\n第300号", "广东省人民政府令第300号", "广东省人民政府"),
        ("交通运输部令2019年第1号", "交通运输部令2019年第1号", "交通运输部"),
        ("中华人民共和国商务部令\n2019年第1号", "商务部令2019年第1号", "商务部"),
    ],
)
def test_an_order_page_takes_the_order_as_its_doc_number_and_its_issuer_from_the_order(header, number, issuer):
    found = extract(
        f"{header}\n《有关规定》已经审议通过，现予公布，自2019年3月1日起施行。\n部长 某某\n2019年1月15日\n"
        "有关规定\n第一条 为了规范管理，制定本规定。"
    )
    assert normalize_doc_number(found.doc_number) == number
    assert found.issuer == issuer
    assert found.issued == date(2019, 1, 15)


def test_a_forwarding_page_is_dated_by_its_own_closing_date_not_by_the_forwarded_reports():
    found = extract(
        "海口市人民政府办公厅转发市发展改革委关于物价工作意见的通知\n"
        "各区人民政府，市政府直属各单位：\n市发展改革委《关于物价工作的意见》已经市政府同意，现转发给你们。\n"
        "二○一一年四月八日\n关于物价工作的意见\n市政府：\n现将意见报告如下。\n海口市发展和改革委员会\n2011年3月2日\n"
    )
    assert found.issued == date(2011, 4, 8)


def test_the_labelled_date_of_issue_comes_before_any_date_in_the_text():
    found = extract(
        "成文日期：1996年02月05日\n标题：国务院办公厅转发国家地震局关于加强防震减灾工作意见报告的通知\n"
        "各省、自治区、直辖市人民政府：\n现转发给你们，请认真贯彻执行。\n"
        "关于加强防震减灾工作意见的报告\n国务院：\n现报告如下。\n国家地震局\n一九九六年一月二十五日\n"
    )
    assert found.issued == date(1996, 2, 5)


def test_a_stamp_followed_by_labels_at_the_top_is_the_publication_date():
    found = extract(
        "关于印发《海口市人民政府工作规则》的通知\n2011-06-18 00:00:00 来源: 本站原创\n海府〔2011〕33号\n"
        "各区人民政府：\n现予印发。\n二○一一年四月八日\n"
    )
    assert (found.published, found.issued, found.doc_number) == (
        date(2011, 6, 18),
        date(2011, 4, 8),
        "海府〔2011〕33号",
    )


def test_a_malformed_chinese_numeral_date_is_no_date_not_a_crash():
    from kiosk.importer.textutil import find_dates

    assert find_dates("二〇一九年十十月一日印发") == []
    assert find_dates("二〇一九年十月十一日印发")[0][0].isoformat() == "2019-10-11"
