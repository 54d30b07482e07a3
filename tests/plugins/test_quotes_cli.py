"""``terminal quotes parse --format sina|qq FILE`` on saved vendor answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from terminal.cli import main
from tests.plugins.quote_samples import qq_line, qq_payload, sina_line, sina_payload


def test_parse_sina_answer_saved_in_gbk(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answer = tmp_path / "sina.txt"
    text = sina_line("sh600000", sina_payload()) + 'var hq_str_sz160923="";\n'
    answer.write_bytes(text.encode("gbk"))
    assert main(["quotes", "parse", "--format", "sina", str(answer)]) == 0
    out, err = capsys.readouterr()
    (record,) = [json.loads(line) for line in out.splitlines()]
    assert record["symbol"] == "600000.SSE" and record["name"] == "浦发银行"
    assert record["last"] == 10.09 and record["volume"] == 31877600
    assert record["bid_prices"][0] == 10.09 and record["ask_sizes"][0] == 90700
    assert "1 ticks (0 without a trade today, 0 suspended or delisted), 1 empty, 0 malformed" in err


def test_parse_qq_names_the_bad_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answer = tmp_path / "qq.txt"
    good = qq_line("sh600000", qq_payload())
    bad = qq_line("sz000001", qq_payload(code="000001").replace("~10.20~", "~ten~", 1))
    answer.write_text(good + bad, encoding="utf-8")
    assert main(["quotes", "parse", "--format", "qq", str(answer)]) == 1
    out, err = capsys.readouterr()
    assert [json.loads(line)["symbol"] for line in out.splitlines()] == ["600000.SSE"]
    assert f"{answer} line 2: sz000001: field 33 (high) = 'ten' is not a number" in err


def test_parse_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["quotes", "parse", "--format", "qq", str(tmp_path / "none.txt")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_one_gbk_line_in_a_utf8_file_garbles_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """#19.11: the file is decoded line by line when it is not one encoding throughout."""
    answer = tmp_path / "mixed.txt"
    answer.write_bytes(
        sina_line("sh600000", sina_payload(name="浦发银行")).encode("utf-8")
        + sina_line("sz000001", sina_payload(name="平安银行")).encode("gbk")
        + sina_line("sh600036", sina_payload(name="招商银行")).encode("utf-8")
    )
    assert main(["quotes", "parse", "--format", "sina", str(answer)]) == 0
    names = [json.loads(line)["name"] for line in capsys.readouterr().out.splitlines()]
    assert names == ["浦发银行", "平安银行", "招商银行"]
