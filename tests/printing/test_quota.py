import pytest

from kiosk.errors import BadInput
from kiosk.printing.quota import PageQuota, QuotaExceeded


def test_a_300_page_document_asks_before_printing_everything():
    quota = PageQuota(50)
    with pytest.raises(QuotaExceeded) as caught:
        quota.check(300, total=300, whole_document=True)
    error = caught.value
    assert isinstance(error, BadInput) and (error.requested, error.remaining, error.total) == (300, 50, 300)
    assert "本文件共 300 页，本次最多还可打印 50 页" in error.message_zh
    assert "请选择要打印的页码" in error.message_zh


def test_a_page_range_within_the_quota_prints_and_is_charged():
    quota = PageQuota(50)
    quota.check(10, total=300, whole_document=False)
    quota.charge(10)
    assert quota.remaining == 40
    with pytest.raises(QuotaExceeded) as caught:
        quota.check(41, total=300, whole_document=False)
    assert "所选 41 页超过了本次还可打印的 40 页" in caught.value.message_zh


def test_a_clerk_can_confirm_printing_beyond_the_quota():
    quota = PageQuota(5)
    quota.check(300, total=300, whole_document=True, confirmed=True)
    quota.charge(300)
    assert quota.remaining == 0
