"""A document record refuses what cannot be stored or shown."""

from __future__ import annotations

import pytest

from kiosk.catalog.document_record import DocumentRecord
from kiosk.errors import BadInput


@pytest.mark.parametrize("title", ["标题\x00", "标题\x1b", "标题\udcff"])
def test_a_title_with_control_characters_or_lone_surrogates_is_refused(title):
    with pytest.raises(BadInput) as refused:
        DocumentRecord.from_dict({"id": "x1", "title": title})
    assert refused.value.field == "title"


def test_a_plain_title_is_kept():
    assert DocumentRecord.from_dict({"id": "x1", "title": " 关于印发某某办法的通知 "}).title == "关于印发某某办法的通知"
