from kiosk.applications.masking import mask_address, mask_email, mask_id, mask_name, mask_phone, mask_text


def test_names_keep_only_the_surname():
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧***"


def test_ids_keep_four_characters_at_each_end():
    assert mask_id("210381198503151523") == "2103**********1523"
    assert mask_id("12345678") == "12****78"


def test_phones_keep_the_prefix_and_the_last_four_digits():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0412-1234567") == "0412-***4567"
    assert mask_phone("+852-91234567") == "+852-****4567"


def test_email_address_and_long_text():
    assert mask_email("zhangsan@example.com") == "z***@example.com"
    assert mask_address("辽宁省海城市海州管理区中街1号") == "辽宁省海城市****"
    assert mask_text("长" * 300, 200) == "长" * 199 + "…"
