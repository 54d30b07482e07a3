"""Each session rule of the bar engine, one test each."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from tests.engine.bars.helpers import SESSIONS, Collector, calendar, local, ns, tick


def every_minute(day: str, start: str, end: str) -> list[str]:
    first, last = ns(f"{day} {start}"), ns(f"{day} {end}")
    return [local(t) for t in range(first, last, 60_000_000_000)]


def test_a_share_hour_bars_align_to_session_opens_not_the_clock() -> None:
    minutes = every_minute("2024-01-02", "09:30", "11:30") + every_minute(
        "2024-01-02", "13:00", "15:00"
    )
    c = Collector("cn_stock", ("1m", "1h")).feed(*(tick(m) for m in minutes))
    c.builder.flush()
    assert c.of("1h") == [
        "2024-01-02 09:30:00", "2024-01-02 10:30:00", "2024-01-02 13:00:00", "2024-01-02 14:00:00"
    ]
    assert len(c.of("1m")) == 240


def test_tick_at_session_close_goes_into_the_last_bar_of_the_session() -> None:
    c = Collector("cn_stock", ("1m", "1h")).feed(
        tick("2024-01-02 11:29:10", 10.0), tick("2024-01-02 11:30:00", 10.5),
        tick("2024-01-02 14:59:30", 11.0), tick("2024-01-02 15:00:00", 11.5),
    )
    c.builder.flush()
    assert c.of("1m") == ["2024-01-02 11:29:00", "2024-01-02 14:59:00"]
    assert c.bar("1m", "2024-01-02 11:29:00").close == 10.5
    assert c.bar("1m", "2024-01-02 14:59:00").ticks == 2
    assert c.bar("1h", "2024-01-02 10:30:00").close == 10.5
    assert c.builder.stats.outside_sessions == 0


def test_ticks_outside_sessions_are_dropped_counted_and_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="terminal.bars")
    c = Collector("cn_stock").feed(
        tick("2024-01-02 09:25:00"), tick("2024-01-02 09:30:01"), tick("2024-01-02 12:00:00"),
        tick("2024-01-02 15:00:01"),
    )
    c.builder.flush()
    assert c.builder.stats.outside_sessions == 3
    assert c.builder.stats.used == 1
    assert c.of("1m") == ["2024-01-02 09:30:00"]
    assert "outside sessions" in caplog.text


def test_night_session_belongs_to_the_next_trading_day() -> None:
    # Friday night 21:30 trades for Monday; Monday's daily bar is labelled Monday.
    c = Collector("cn_future_night", ("1m", "1d")).feed(
        tick("2024-01-05 21:30:00", 100.0), tick("2024-01-08 09:05:00", 101.0),
        tick("2024-01-08 14:59:00", 102.0),
    )
    c.builder.flush()
    assert c.of("1d") == ["2024-01-08 00:00:00"]
    daily = c.bar("1d", "2024-01-08 00:00:00")
    assert (daily.open, daily.close, daily.ticks) == (100.0, 102.0, 3)


def test_no_night_session_before_a_trading_day_that_follows_a_holiday() -> None:
    # 2024-02-08 is the last trading day before Spring Festival (XSHG calendar): no night.
    cal = calendar("cn_future_night")
    assert cal.locate(ns("2024-02-08 21:30:00")) < 0
    assert cal.locate(ns("2024-02-07 21:30:00")) >= 0
    assert cal.trading_day_of(ns("2024-02-07 21:30:00")).isoformat() == "2024-02-08"


def test_holidays_have_no_sessions() -> None:
    c = Collector("cn_stock").feed(tick("2024-10-01 10:00:00"), tick("2024-10-08 10:00:00"))
    assert c.builder.stats.outside_sessions == 1


def test_last_bar_before_lunch_closes_on_the_timer_not_when_trading_resumes() -> None:
    c = Collector("cn_stock", ("1m", "1h")).feed(tick("2024-01-02 11:29:30"))
    assert c.builder.close_due(ns("2024-01-02 11:30:00")) == 0  # still within the tolerance
    c.builder.close_due(ns("2024-01-02 11:30:00.600000"))
    assert c.of("1m") == ["2024-01-02 11:29:00"]
    assert c.of("1h") == ["2024-01-02 10:30:00"]
    assert c.builder.forming("X", "1m") is None


def test_hour_bar_closes_with_its_last_minute_bar() -> None:
    c = Collector("cn_stock", ("1m", "1h")).feed(
        tick("2024-01-02 10:29:59"), tick("2024-01-02 10:30:01")
    )
    assert c.of("1h") == ["2024-01-02 09:30:00"]


def test_minute_windows_do_not_merge_when_a_boundary_minute_has_no_ticks() -> None:
    # 09:35 has no tick: 09:34 and 09:36 still fall in different 5m bars.
    c = Collector("cn_stock", ("1m", "5m")).feed(
        tick("2024-01-02 09:34:10"), tick("2024-01-02 09:36:10"), tick("2024-01-02 09:41:00")
    )
    assert c.of("5m") == ["2024-01-02 09:30:00", "2024-01-02 09:35:00"]


def test_bars_are_cut_at_a_break_inside_the_morning() -> None:
    # Futures pause 10:15–10:30: the 30m bar from 10:00 ends at 10:15.
    c = Collector("cn_future_night", ("1m", "30m")).feed(
        tick("2024-01-02 10:14:00"), tick("2024-01-02 10:30:05"), tick("2024-01-02 11:01:00")
    )
    assert c.of("30m") == ["2024-01-02 10:00:00", "2024-01-02 10:30:00"]
    cal = calendar("cn_future_night")
    assert local(int(cal.closes[cal.locate(ns("2024-01-02 10:14:00"))])) == "2024-01-02 10:15:00"


def test_crypto_trades_around_the_clock_with_bars_aligned_to_utc_midnight() -> None:
    c = Collector("crypto", ("1m", "4h", "1d")).feed(
        tick("2024-01-06 03:59:00", tz="UTC"), tick("2024-01-06 04:00:00", tz="UTC"),
        tick("2024-01-07 00:00:01", tz="UTC"),
    )
    assert c.of("4h", "UTC") == ["2024-01-06 00:00:00", "2024-01-06 04:00:00"]
    assert c.of("1d", "UTC") == ["2024-01-06 00:00:00"]
    assert c.builder.stats.outside_sessions == 0


def test_week_and_month_bars_are_labelled_by_their_first_day() -> None:
    c = Collector("cn_stock", ("1m", "1w", "1M")).feed(
        tick("2024-01-31 10:00:00"), tick("2024-02-01 10:00:00"), tick("2024-02-05 10:00:00")
    )
    assert c.of("1w") == ["2024-01-29 00:00:00"]
    assert c.of("1M") == ["2024-01-01 00:00:00"]


def test_cme_globex_monday_opens_sunday_evening_in_chicago() -> None:
    cal = calendar("cme_globex")
    sunday = ns("2024-01-07 17:30:00", "America/Chicago")
    assert cal.trading_day_of(sunday).isoformat() == "2024-01-08"
    assert cal.locate(ns("2024-01-06 12:00:00", "America/Chicago")) < 0


@pytest.mark.parametrize(
    ("sessions", "when", "expected"),
    [
        ("cn_stock", "2024-01-02T02:00:00", True),  # 10:00 Shanghai
        ("cn_stock", "2024-01-02T04:00:00", False),  # 12:00 lunch
        ("cn_future_night", "2024-01-05T13:30:00", True),  # Friday 21:30 Shanghai
        ("cme_globex", "2024-01-07T23:30:00", True),  # Sunday 17:30 Chicago
        ("cme_globex", "2024-01-06T18:00:00", False),  # Saturday
        ("crypto", "2024-01-06T18:00:00", True),
    ],
)
def test_is_open_for_the_simulated_feed(sessions: str, when: str, expected: bool) -> None:
    moment = datetime.fromisoformat(when).replace(tzinfo=UTC)
    assert SESSIONS[sessions].is_open(moment) is expected


def test_midnight_tick_opens_the_new_day_when_sessions_run_around_the_clock() -> None:
    c = Collector("crypto", ("1m", "1d")).feed(
        tick("2024-01-01 23:59:30", tz="UTC"), tick("2024-01-02 00:00:00", tz="UTC"),
        tick("2024-01-02 00:00:30", tz="UTC"),
    )
    c.builder.flush()
    assert c.of("1m", "UTC") == ["2024-01-01 23:59:00", "2024-01-02 00:00:00"]
    assert c.bar("1d", "2024-01-02 00:00:00", "UTC").ticks == 2
