"""The welcome, the menu and the answer to anything not understood, through the simulator."""


def test_greeting_offers_every_feature_as_a_button(chat):
    chat.say("สวัสดีค่ะ")
    assert "ยินดีต้อนรับ" in chat.text
    data = {b.data for b in chat.buttons()}
    assert {"reg", "acct", "ben", "fund", "meet", "mydata", "lang"} <= data


def test_gibberish_gets_the_menu_with_a_hint_not_silence(chat):
    chat.say("asdkjh ฟหกด 123")
    assert "ยังไม่เข้าใจ" in chat.text
    assert len(chat.buttons()) >= 6


def test_unknown_button_data_gets_the_menu(chat):
    chat.press("nosuchbutton")
    assert "หมดอายุ" in chat.text
    assert chat.buttons()


def test_cancel_with_nothing_open_says_so(chat):
    chat.say("ยกเลิก")
    assert "ไม่มีรายการที่ต้องยกเลิก" in chat.text


def test_thai_digits_and_spacing_do_not_confuse_matching(chat):
    chat.say("  เมนู  ")
    assert "เลือกเมนู" in chat.text
