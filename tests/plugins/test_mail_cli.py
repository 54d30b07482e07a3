"""`terminal alert-test` and `terminal order` as a user runs them: real processes, a real
local SMTP server, exit codes and printed lines."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.mail_server import (
    HOST,
    MailSink,
    free_port,
    make_certificate,
    server_tls_context,
    smtp_server,
)

pytestmark = pytest.mark.slow
PASSWORD = "cli-secret-9182"


def write_config(folder: Path, port: int, **extra: str) -> Path:
    lines = "".join(f'{key} = "{value}"\n' for key, value in extra.items())
    path = folder / "config.toml"
    path.write_text(
        f"""
[[feeds]]
name = "sim"
plugin = "simulated"
[feeds.options]
rate = 200.0

[[brokers]]
name = "paper"
plugin = "paper"

[[brokers]]
name = "desk"
plugin = "mail"
[brokers.options]
host = "{HOST}"
port = {port}
{"" if "security" in extra else 'security = "none"'}
sender = "terminal@example.com"
recipients = ["trader@example.com"]
retry_initial_s = 0.2
{lines}""",
        encoding="utf-8",
    )
    return path


def terminal(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "terminal.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_alert_test_sends_and_reports(tmp_path: Path) -> None:
    sink = MailSink()
    with smtp_server(sink) as server:
        done = terminal(
            "alert-test", "--broker", "desk", "--config", str(write_config(tmp_path, server.port))
        )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("test email sent to trader@example.com via 127.0.0.1:")
    assert sink.messages[0]["Subject"] == "Terminal test email from mail broker 'desk'"


def test_alert_test_prints_the_exact_smtp_error(tmp_path: Path) -> None:
    sink = MailSink(fail_first=1, fail_reply="554 5.7.1 Relay access denied")
    with smtp_server(sink) as server:
        config = write_config(tmp_path, server.port)
        done = terminal("--config", str(config), "alert-test", "--broker", "desk")
    assert done.returncode == 1
    assert done.stdout.strip().endswith("failed: 554 5.7.1 Relay access denied"), done.stdout


def test_alert_test_login_failure_never_prints_the_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLI_MAIL_PASSWORD", PASSWORD)
    cert, key = make_certificate(tmp_path)
    sink = MailSink()
    tls = server_tls_context(cert, key)
    with smtp_server(sink, starttls=tls, credentials=("bob", "another")) as server:
        config = write_config(
            tmp_path,
            server.port,
            security="starttls",
            username="bob",
            password_env="CLI_MAIL_PASSWORD",
            ca_file=str(cert),
        )
        done = terminal("--config", str(config), "alert-test", "--broker", "desk")
    assert done.returncode == 1
    assert "failed: authentication failed: 535 5.7.8 Authentication credentials invalid" in (
        done.stdout
    )
    assert PASSWORD not in done.stdout + done.stderr
    assert sink.raw == []


def test_alert_test_names_a_broker_that_is_not_a_mail_broker(tmp_path: Path) -> None:
    done = terminal("alert-test", "--broker", "paper", "--config", str(write_config(tmp_path, 1)))
    assert done.returncode == 2
    assert "broker 'paper' uses plugin 'paper', not 'mail'" in done.stdout


def test_order_through_the_mail_broker_waits_for_the_email(tmp_path: Path) -> None:
    sink = MailSink()
    with smtp_server(sink) as server:
        config = write_config(tmp_path, server.port)
        done = terminal(
            "order", "--broker", "desk", "--symbol", "600000.SSE", "--side", "buy",
            "--qty", "300", "--price", "10.5", "--config", str(config),
        )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "accepted: BUY 300 600000.SSE LIMIT @ 10.50 via desk" in done.stdout
    assert "alert: sent" in done.stdout
    assert [m["Subject"] for m in sink.messages] == ["BUY 300 600000.SSE @ 10.50 LIMIT"]


def test_order_through_paper_fills_and_bad_orders_exit_non_zero(tmp_path: Path) -> None:
    config = str(write_config(tmp_path, 1))
    done = terminal(
        "order", "--broker", "paper", "--symbol", "BTCUSDT.BINANCE", "--side", "buy",
        "--qty", "0.5", "--config", config,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "filled: BUY 0.5 BTCUSDT.BINANCE MARKET via paper; filled 0.5 at" in done.stdout
    refused = terminal(
        "order", "--broker", "paper", "--symbol", "NOPE.X", "--side", "buy", "--qty", "1",
        "--config", config,
    )  # fmt: skip
    assert refused.returncode == 1
    assert "reason: unknown symbol 'NOPE.X'" in refused.stdout


def test_order_not_acknowledged_in_time_stays_in_the_outbox(tmp_path: Path) -> None:
    config = str(write_config(tmp_path, free_port()))
    done = terminal(
        "order", "--broker", "desk", "--symbol", "600000.SSE", "--side", "buy",
        "--qty", "100", "--type", "market", "--timeout", "1", "--config", config,
    )  # fmt: skip
    assert done.returncode == 1
    assert "order" in done.stdout and "submitted" in done.stdout
    assert "alert: retrying: connection:" in done.stdout
    assert "not acknowledged within 1 s; the alert stays in the outbox" in done.stdout
