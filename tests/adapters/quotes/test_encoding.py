"""Vendor answers decoded per line where the whole is not one encoding (#19.11): a wrongly
encoded line no longer garbles the whole answer or the good lines around it."""

from __future__ import annotations

from terminal.adapters.quotes.encoding import SAVED, decode_answer
from tests.plugins.quote_samples import sina_line, sina_payload

GOOD = sina_line("sh600000", sina_payload(name="浦发银行"))
OTHER = sina_line("sz000001", sina_payload(name="平安银行"))


def test_whole_answers_decode_in_one_encoding() -> None:
    text = GOOD + OTHER
    assert decode_answer(text.encode("gbk")) == (text, [])
    assert decode_answer(text.encode("utf-8")) == (text, [])
    assert decode_answer(text.encode("utf-8"), SAVED) == (text, [])


def test_one_utf8_line_in_a_gbk_answer_keeps_every_name() -> None:
    raw = GOOD.encode("gbk") + OTHER.encode("utf-8") + GOOD.encode("gbk")
    assert decode_answer(raw) == (GOOD + OTHER + GOOD, [])


def test_one_gbk_line_in_a_utf8_file_keeps_every_name() -> None:
    raw = GOOD.encode("utf-8") + OTHER.encode("gbk") + GOOD.encode("utf-8")
    assert decode_answer(raw, SAVED) == (GOOD + OTHER + GOOD, [])


def test_a_line_in_no_encoding_is_reported_and_the_rest_kept() -> None:
    broken = b'var hq_str_sz000002="\xff\xfe,1.000";\n'
    decoded = decode_answer(GOOD.encode("gbk") + broken + OTHER.encode("gbk"))
    lines = decoded.text.split("\n")
    assert lines[0] + "\n" == GOOD and lines[2] + "\n" == OTHER
    assert lines[1].startswith('var hq_str_sz000002="') and lines[1].endswith(',1.000";')
    assert "\ufffd" in lines[1]
    assert decoded.bad_lines == [2]
