"""Structured JSON documents (English or 政府信息公开目录 Chinese keys) → validated records."""

from __future__ import annotations

from typing import Any

from kiosk.importer.textutil import parse_date

# 政府信息公开目录 field names as portals export them.
_CHINESE_KEYS = {
    "标题": "title",
    "名称": "title",
    "发文字号": "doc_number",
    "文号": "doc_number",
    "发文机关": "issuer",
    "发布机构": "issuer",
    "成文日期": "issued",
    "发布日期": "published",
    "主题分类": "category",
    "有效性": "validity",
    "索引号": "index_no",
    "正文": "body",
    "内容": "body",
    "网址": "source_url",
    "附件": "attachments",
}


def documents_in(data: Any) -> list[Any]:
    """A file may hold one document, a list of them, or {"documents": [...]}."""
    if isinstance(data, list):
        return data
    if isinstance(data, dict) and isinstance(data.get("documents"), list):
        return data["documents"]
    return [data]


def normalize_keys(item: Any) -> Any:
    """Map Chinese keys to ours and accept 2019年7月17日 / 2019/7/17 dates alongside ISO."""
    if not isinstance(item, dict):
        return item
    data = {_CHINESE_KEYS.get(key, key): value for key, value in item.items()}
    for key in ("issued", "published"):
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            parsed = parse_date(value)
            data[key] = parsed.isoformat() if parsed else value
    return data
