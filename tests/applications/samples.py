"""Applications as residents hand them in, for the tests: valid ones and ways to spoil them."""

from __future__ import annotations

from stdnum.cn import ric

USCC = "91110000600037341L"  # a real-format code with a valid GB 32100 check character


def resident_id(first17: str) -> str:
    """An 18-digit resident ID with the right GB 11643 check digit."""
    return first17 + ric.calc_check_digit(first17 + "0")


# 海城市 has code 210381 only from 1989; residents born in 1985 carry it all the same.
HAICHENG_1985 = resident_id("21038119850315152")


def person(**overrides) -> dict:
    data = {
        "applicant_type": "person",
        "name": "张三",
        "id_type": "resident_id",
        "id_number": HAICHENG_1985,
        "phone": "13812345678",
        "email": "zhangsan@example.com",
        "address": "辽宁省海城市海州管理区中街1号",
        "description": "海城市2019年政务公开工作要点全文",
        "doc_number": "海政办发〔2019〕23号",
        "reason": "了解本地政务公开工作安排",
        "delivery_form": "paper",
        "delivery_way": "pickup",
        "consent": True,
    }
    data.update(overrides)
    return data


def organization(**overrides) -> dict:
    data = person(
        applicant_type="organization",
        name="海城市某某商贸有限公司",
        organization_kind="business",
        id_type="uscc",
        id_number=USCC,
        contact_person="李四",
    )
    data.update(overrides)
    return data
