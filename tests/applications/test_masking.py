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


def test_ids_phones_and_emails_typed_into_free_text_are_masked():
    from kiosk.applications.masking import mask_text

    text = (
        "我是张三，身份证210381198503151523，电话138 1234 5678，座机0412-1234567，"
        "另一号码+86 139-8765-4321，邮箱zhang.san@example.com，请寄送海政办发〔2019〕23号全文（2019年12月31日）"
    )
    masked = mask_text(text, 500)
    for secret in ("198503151523", "1381234", "12345678", "1234567，", "98765", "zhang.san"):
        assert secret not in masked.replace(" ", "").replace("-", ""), secret
    assert "z***@example.com" in masked  # as the e-mail field itself is masked
    assert "海政办发〔2019〕23号" in masked and "2019年12月31日" in masked
    assert "5678" in masked  # enough to recognise one's own number


def test_names_known_to_the_application_are_masked_in_free_text():
    from kiosk.applications.masking import mask_text

    assert mask_text("申请人欧阳娜娜需要该文件", 100, names=["欧阳娜娜"]) == "申请人欧***需要该文件"


def test_masking_happens_before_the_cut_so_no_number_is_half_shown():
    from kiosk.applications.masking import mask_text

    masked = mask_text("海城市政务" + "210381198503151523", 12)
    assert "2103811" not in masked and len(masked) <= 12
