"""The importer on the five real seeds and on layouts written to vary every rule."""

from datetime import date

import pytest

from kiosk.importer import parse_folder
from kiosk.importer.pagedump import extract
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
