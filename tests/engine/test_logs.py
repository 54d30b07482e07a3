"""Logs: JSON lines in a rotated file, readable lines elsewhere, context fields, no secrets."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from terminal.domain.enums import Side
from terminal.domain.events import LogEvent
from terminal.domain.orders import OrderRequest
from terminal.engine import logs
from tests.mail_server import MailSink, make_certificate, server_tls_context, smtp_server
from tests.plugins.mail_harness import SYMBOL, buy_limit, mail_broker, make_engine, started


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    """The JSON log file handler on the root logger for this test only."""
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.DEBUG)
    handler = logs.configure_file(tmp_path / "logs" / "terminal.log")
    assert handler is not None
    yield tmp_path / "logs" / "terminal.log"
    logs.detach(handler)
    root.setLevel(level)


@pytest.fixture
def console() -> Iterator[io.StringIO]:
    """A handler with the console's formatter, writing where the test can read it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.ReadableFormatter())
    logging.getLogger().addHandler(handler)
    yield stream
    logs.detach(handler)


def json_lines(path: Path) -> list[dict[str, object]]:
    files = sorted(path.parent.glob(path.name + "*"))
    return [json.loads(line) for f in files for line in f.read_text("utf-8").splitlines()]


def test_file_lines_are_json_with_component_and_context(log_file: Path) -> None:
    log = logging.getLogger("terminal.engine")
    with logs.log_context(order_id="O1", symbol="600000.SSE"):
        log.warning("order %s refused: %s", "O1", "price 0 is not positive")
    logging.getLogger("terminal.strategy.sma_fast").info("crossed up")
    log.info("plain line", extra={"symbol": "ES.CME"})
    try:
        raise ValueError("bad quote")
    except ValueError:
        log.exception("parser failed")
    first, second, third, fourth = json_lines(log_file)
    assert first["component"] == "engine" and first["level"] == "WARNING"
    assert first["order_id"] == "O1" and first["symbol"] == "600000.SSE"
    assert first["message"] == "order O1 refused: price 0 is not positive"
    assert str(first["time"]).endswith("+00:00")
    assert second["strategy"] == "sma_fast" and second["component"] == "strategy.sma_fast"
    assert third["symbol"] == "ES.CME" and "order_id" not in third
    assert "ValueError: bad quote" in str(fourth["exception"])


def test_console_line_is_readable_with_context_suffix(console: io.StringIO) -> None:
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.INFO)
    try:
        with logs.log_context(strategy="s1", symbol="AAPL.NASDAQ"):
            logging.getLogger("terminal.orders").info("submitted")
    finally:
        root.setLevel(level)
    line = console.getvalue().strip()
    assert line.endswith("INFO    terminal.orders: submitted [symbol=AAPL.NASDAQ strategy=s1]")


def test_file_rotates_by_size(tmp_path: Path) -> None:
    path = tmp_path / "terminal.log"
    handler = logs.configure_file(path, max_bytes=2_000, backups=2)
    assert handler is not None
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.INFO)
    try:
        for i in range(100):
            logging.getLogger("terminal.test").info("line %d of a rotating log", i)
    finally:
        logs.detach(handler)
        root.setLevel(level)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "terminal.log", "terminal.log.1", "terminal.log.2",
    ]
    assert all(p.stat().st_size <= 2_000 for p in tmp_path.iterdir())
    kept = [line["message"] for line in json_lines(path)]
    assert "line 99 of a rotating log" in kept  # the newest lines survive rotation


def test_a_short_password_is_kept_out_where_used_not_rewritten_everywhere(
    log_file: Path, console: io.StringIO, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The password is ``paper``, also the paper broker's name. A server that quotes the
    rejected login back must not put it in any log; the line naming the brokers must read as
    it is, not ``brokers ['desk', '***']`` (which would give the password away)."""
    password = "paper"
    token = base64.b64encode(b"\0alice\0" + password.encode()).decode()
    monkeypatch.setenv("LOGTEST_SMTP_PASSWORD", password)
    cert, key = make_certificate(tmp_path)
    events: list[LogEvent] = []

    async def body() -> None:
        with smtp_server(MailSink(), starttls=server_tls_context(cert, key),
                         credentials=("alice", "other"), echo=True) as server:  # fmt: skip
            broker = mail_broker(
                "desk", server.port, security="starttls", username="alice",
                password_env="LOGTEST_SMTP_PASSWORD", ca_file=str(cert),
            )  # fmt: skip
            engine = make_engine(broker)
            handler = logs.attach_bus(engine.bus)
            engine.bus.subscribe(LogEvent, events.append)
            try:
                await started(engine)
                engine.submit(buy_limit("desk"))
                engine.submit(OrderRequest(broker="paper", symbol=SYMBOL, side=Side.BUY,
                                           quantity=-1))
                async with asyncio.timeout(10):
                    while not any("535 5.7.8 no" in e.message for e in events):
                        await asyncio.sleep(0.05)
            finally:
                await engine.stop()
                logs.detach(handler)

    asyncio.run(body())
    file_text = "".join(p.read_text("utf-8") for p in log_file.parent.iterdir())
    dock_text = "\n".join(e.message for e in events)
    for where, text in (("file", file_text), ("console", console.getvalue()), ("dock", dock_text)):
        assert "brokers ['desk', 'paper']" in text, where  # as it is
        assert "***" not in text, where
        assert f"alice:{password}" not in text and token not in text, f"leaked into the {where}"
        assert "535 5.7.8 no alice:<secret> (<secret>)" in text, where  # the reply, without it
    refused = [line for line in json_lines(log_file) if "refused:" in str(line["message"])]
    assert refused and refused[0]["symbol"] == SYMBOL and str(refused[0]["order_id"])


def test_http_libraries_log_requests_only_at_debug() -> None:
    """httpx logs every request at INFO; a quote feed's polls must not flood the log."""
    root, httpx_log = logging.getLogger(), logging.getLogger("httpx")
    level, handlers = root.level, list(root.handlers)
    try:
        logs.configure_console("INFO")
        assert not httpx_log.isEnabledFor(logging.INFO)
        assert httpx_log.isEnabledFor(logging.WARNING)
        assert logging.getLogger("terminal.feeds.http").isEnabledFor(logging.INFO)
        logs.configure_console("DEBUG")
        assert httpx_log.isEnabledFor(logging.INFO)
    finally:
        root.setLevel(level)
        root.handlers[:] = handlers
        httpx_log.setLevel(logging.NOTSET)
