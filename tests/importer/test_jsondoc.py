import json

from kiosk.importer import parse_folder


def test_json_with_chinese_catalog_keys(tmp_path):
    doc = {
        "标题": "关于开展2024年度政府信息公开工作年度报告编制的通知",
        "发文字号": "某政办函(2024)3号",
        "发文机关": "某市人民政府办公室",
        "成文日期": "2024年1月5日",
        "发布日期": "2024-01-08",
        "主题分类": "政务公开",
        "有效性": "有效",
        "正文": "各县区人民政府：\n请按要求编制年度报告。",
    }
    (tmp_path / "a.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    parsed, report = parse_folder(tmp_path)
    record = parsed[0].record
    assert record.doc_number_norm == "某政办函〔2024〕3号"
    assert record.issued.isoformat() == "2024-01-05"
    assert report.items[0].status == "ok"


def test_json_list_with_a_bad_entry_reports_it_by_field(tmp_path):
    docs = [
        {"id": "x1", "title": "有效文件", "body": "正文", "issuer": "某局", "issued": "2020-01-01"},
        {"id": "x2", "title": "坏文件", "validity": "作废"},
        {"id": "../x3", "title": "坏编号"},
    ]
    (tmp_path / "list.json").write_text(json.dumps({"documents": docs}, ensure_ascii=False), encoding="utf-8")
    parsed, report = parse_folder(tmp_path)
    assert [d.record.id for d in parsed] == ["x1"]
    failed = {item.file: item.missing for item in report.items if item.status == "failed"}
    assert failed == {"list.json#1": ["validity"], "list.json#2": ["id"]}


def test_json_attachment_paths_are_hashed(tmp_path):
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "表格.xlsx").write_bytes(b"xlsx-bytes")
    doc = {
        "title": "附件测试的通知",
        "issuer": "某局",
        "issued": "2020-01-01",
        "body": "见附件。",
        "attachments": [{"path": "files/表格.xlsx"}],
    }
    (tmp_path / "doc.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    parsed, _ = parse_folder(tmp_path)
    (ref,) = parsed[0].record.attachments
    assert ref.name == "表格.xlsx" and ref.size == 10 and len(ref.sha256) == 64


def test_broken_json_is_reported(tmp_path):
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    _, report = parse_folder(tmp_path)
    assert report.items[0].status == "failed"
