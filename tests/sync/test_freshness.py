"""The freshness line residents read on the home screen (and `kiosk status` prints)."""

import json

from kiosk.importer import import_into_store, parse_folder
from kiosk.sync.status import catalog_status, freshness_line, freshness_warning


def status(**changes) -> dict:
    base = {
        "version": 7,
        "expired": False,
        "published": "2026-03-01T08:00:00+08:00",
        "age_days": 3,
        "documents": 120,
        "last_result": "up_to_date",
        "demo": False,
        "imported": None,
    }
    return {**base, **changes}


def test_a_synced_catalog_says_when_it_was_updated():
    assert freshness_line(status()) == "目录更新于 2026年3月1日（第 7 版），共 120 份文件"
    assert freshness_warning(status()) == ""


def test_an_expired_failed_or_old_catalog_carries_a_warning():
    assert "已过有效期" in freshness_line(status(expired=True))
    assert freshness_warning(status(last_result="offline")) == "最近一次同步未成功"
    assert "45 天未更新" in freshness_warning(status(age_days=45))


def test_only_the_untouched_demo_is_called_a_demo():
    assert freshness_line(status(demo=True, version=1)).startswith("演示目录")
    imported = freshness_line(status(demo=True, version=1, imported="2026-03-02T01:00:00+00:00"))
    assert "演示" not in imported and imported.startswith("目录更新于 2026年3月2日（本机导入）")


def test_kiosk_import_over_the_demo_makes_it_no_longer_a_demo(env, store):
    from kiosk.sync.startup import install_demo_feed

    install_demo_feed(env)
    assert freshness_line(catalog_status(env)).startswith("演示目录")
    folder = env.home / "dumps"
    folder.mkdir()
    notice = {
        "title": "关于本机导入测试的通知",
        "doc_number": "测政发〔2026〕1号",
        "issuer": "测试市人民政府",
        "issued": "2026-03-02",
        "body": "各单位：本通知由本机导入。",
    }
    (folder / "notice.json").write_text(json.dumps(notice, ensure_ascii=False), encoding="utf-8")
    parsed, report = parse_folder(folder)
    import_into_store(parsed, report, env.files_dir)
    assert "本机导入" in freshness_line(catalog_status(env))
