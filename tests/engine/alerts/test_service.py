"""The engine's alerts through its bus, as every GUI (local or remote) drives them: fired once
by a price crossing and re-armed, kept across a restart, moved, removed, refused with the
reason, and condition alerts on hand-made ticks and bars (plain asyncio, no Qt)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Coroutine
from typing import Any

import msgspec

from terminal.domain.events import BarEvent, CommandRejected
from terminal.domain.market import Bar
from terminal.domain.market_alerts import (
    AddAlert,
    Alert,
    AlertCondition,
    AlertDirection,
    AlertEvent,
    AlertFired,
    AlertStatus,
    IndicatorLine,
    ModifyAlert,
    RearmAlert,
    RemoveAlert,
)
from terminal.engine.alerts.service import USER
from terminal.engine.alerts.store import FILE_NAME
from terminal.engine.engine import Engine
from terminal.engine.paths import user_data_dir
from tests.engine.helpers import TEST_SYMBOL, ManualFeed, config_with, quote, registry_with

FEED = {"name": "manual", "plugin": "manual"}
PAPER = {"name": "paper", "plugin": "paper"}


class Seen:
    """What the engine published about alerts."""

    def __init__(self, engine: Engine) -> None:
        self.events: list[AlertEvent] = []
        self.fired: list[AlertFired] = []
        self.rejected: list[CommandRejected] = []
        engine.bus.subscribe(AlertEvent, self.events.append)
        engine.bus.subscribe(AlertFired, self.fired.append)
        engine.bus.subscribe(CommandRejected, self.rejected.append)


def run(scenario: Callable[[Engine, Seen], Coroutine[Any, Any, None]]) -> None:
    async def body() -> None:
        engine = Engine(config_with([FEED], [PAPER]), registry_with(ManualFeed))
        await engine.start()
        try:
            await scenario(engine, Seen(engine))
        finally:
            await engine.stop()

    asyncio.run(body())


def push(engine: Engine, *lasts: float) -> None:
    """Quotes straight onto the bus, in order (a feed's go through the conflator, which may
    hold a burst back to a later loop turn)."""
    for last in lasts:
        engine.bus.publish(quote(last, last - 0.01, last + 0.01))


def crossing(price: float = 10.5, **more: Any) -> Alert:
    fields: dict[str, Any] = {"alert_id": "a1"} | more
    return Alert(symbol=TEST_SYMBOL, price=price, **fields)


def test_a_price_crossing_fires_once_then_re_armed_fires_again() -> None:
    async def scenario(engine: Engine, seen: Seen) -> None:
        push(engine, 10.2)
        engine.bus.publish(AddAlert(crossing(note="breakout")))
        assert seen.events[-1].alert.status is AlertStatus.ARMED
        push(engine, 10.4, 10.55, 10.3, 10.6)  # up through 10.5, back, and up again
        assert len(seen.fired) == 1
        fired = seen.fired[0]
        assert fired.value == 10.55
        assert fired.message == "TEST.X last crosses 10.50: last 10.55"
        assert fired.alert.status is AlertStatus.FIRED and fired.alert.fired_count == 1
        assert engine.alerts.get("a1").status is AlertStatus.FIRED
        assert engine.subscriptions.users(TEST_SYMBOL) == 0  # fired: no longer the alerts'
        engine.bus.publish(RearmAlert("a1"))
        assert engine.alerts.get("a1").status is AlertStatus.ARMED
        push(engine, 10.7, 10.45)  # from above now: the fall to 10.5 fires
        assert [f.value for f in seen.fired] == [10.55, 10.45]
        assert engine.alerts.get("a1").fired_count == 2

    run(scenario)


def test_an_alert_that_re_arms_itself_fires_on_each_new_crossing() -> None:
    async def scenario(engine: Engine, seen: Seen) -> None:
        push(engine, 10.2)
        engine.bus.publish(AddAlert(crossing(rearm=True)))
        push(engine, 10.5, 10.5, 10.6, 10.4, 10.3, 10.5)
        assert [f.value for f in seen.fired] == [10.5, 10.4, 10.5]
        assert engine.alerts.get("a1").status is AlertStatus.ARMED

    run(scenario)


def test_alerts_and_their_states_survive_a_restart() -> None:
    async def first(engine: Engine, seen: Seen) -> None:
        push(engine, 10.2)
        engine.bus.publish(AddAlert(crossing()))
        engine.bus.publish(AddAlert(crossing(11.0, alert_id="a2", direction=AlertDirection.UP)))
        push(engine, 10.6)  # a1 fires, a2 does not
        assert [f.alert.alert_id for f in seen.fired] == ["a1"]

    async def second(engine: Engine, seen: Seen) -> None:
        kept = {a.alert_id: a for a in engine.alerts.alerts()}
        assert kept["a1"].status is AlertStatus.FIRED and kept["a1"].fired_value == 10.6
        assert kept["a2"].status is AlertStatus.ARMED and kept["a2"].price == 11.0
        assert engine.subscriptions.users(TEST_SYMBOL) == 1  # the alerts quote it again
        push(engine, 10.4, 11.2)
        assert [f.alert.alert_id for f in seen.fired] == ["a2"]

    run(first)
    saved = json.loads((user_data_dir() / FILE_NAME).read_text(encoding="utf-8"))
    assert [a["alert_id"] for a in saved["alerts"]] == ["a1", "a2"]
    run(second)


def test_moving_an_alert_re_arms_it_at_the_new_price_and_removing_it_stops_it() -> None:
    async def scenario(engine: Engine, seen: Seen) -> None:
        push(engine, 10.2)
        engine.bus.publish(AddAlert(crossing()))
        push(engine, 10.6)
        engine.bus.publish(ModifyAlert(crossing(10.8)))  # dragged up: armed, from below
        moved = engine.alerts.get("a1")
        assert (moved.price, moved.status, moved.fired_count) == (10.8, AlertStatus.ARMED, 1)
        push(engine, 10.7, 10.9)
        assert [f.value for f in seen.fired] == [10.6, 10.9]
        engine.bus.publish(AddAlert(crossing(12.0, alert_id="a2")))
        engine.bus.publish(RemoveAlert("a2"))
        assert seen.events[-1].removed and seen.events[-1].alert.alert_id == "a2"
        push(engine, 12.5)
        assert len(seen.fired) == 2
        assert [a.alert_id for a in engine.alerts.alerts()] == ["a1"]

    run(scenario)


def test_refusals_name_what_was_wrong_and_change_nothing() -> None:
    async def scenario(engine: Engine, seen: Seen) -> None:
        engine.bus.publish(AddAlert(crossing()))
        bad = [
            AddAlert(msgspec.structs.replace(crossing(alert_id=""), symbol="NOPE.X")),
            AddAlert(crossing(-1.0, alert_id="b")),
            AddAlert(crossing(alert_id="c", mail="paper")),
            AddAlert(crossing()),
            ModifyAlert(crossing(alert_id="zz")),
            RearmAlert("zz"),
        ]
        for command in bad:
            engine.bus.publish(command)
        assert [(r.command, r.reason) for r in seen.rejected] == [
            ("AddAlert", "symbol 'NOPE.X': no instrument of that name"),
            ("AddAlert", "price = -1: must be a positive price"),
            ("AddAlert", "mail = 'paper': no running broker of that name sends "
                         "notifications (a mail broker does)"),
            ("AddAlert", "alert_id 'a1' is already in use"),
            ("ModifyAlert", "no alert 'zz'"),
            ("RearmAlert", "no alert 'zz'"),
        ]  # fmt: skip
        assert [a.alert_id for a in engine.alerts.alerts()] == ["a1"]

    run(scenario)


def test_a_day_move_alert_on_hand_made_quotes() -> None:
    async def scenario(engine: Engine, seen: Seen) -> None:
        move = Alert(alert_id="m", symbol=TEST_SYMBOL, condition=AlertCondition.DAY_MOVE,
                     percent=2.0, direction=AlertDirection.DOWN)  # fmt: skip
        engine.bus.publish(AddAlert(move))
        for last in (9.95, 9.81, 9.79, 9.5):  # previous close 10.00
            engine.bus.publish(msgspec.structs.replace(quote(last, last, last), prev_close=10.0))
        assert [round(f.value, 2) for f in seen.fired] == [-2.1]
        assert seen.fired[0].message == "TEST.X down 2% on the day: -2.10% from the previous close"

    run(scenario)


def bars(closes: list[float], first: int = 0) -> list[Bar]:
    minute = 60_000_000_000
    return [Bar(TEST_SYMBOL, "1m", (first + i) * minute, c, c, c, c, 10.0)
            for i, c in enumerate(closes)]  # fmt: skip


def test_a_bar_closing_above_its_average_on_hand_made_bars() -> None:
    async def scenario(engine: Engine, seen: Seen) -> None:
        engine.bars.seed(TEST_SYMBOL, bars([10.0, 10.0, 10.0, 10.0]))  # the history held
        sma = IndicatorLine("SMA", {"period": 4})
        alert = Alert(alert_id="b", symbol=TEST_SYMBOL, condition=AlertCondition.BAR_CLOSE,
                      direction=AlertDirection.UP, indicator=sma, timeframe="1m")  # fmt: skip
        engine.bus.publish(AddAlert(alert))
        assert seen.rejected == []
        assert "1m" in engine.bars.subscriptions(TEST_SYMBOL)
        later = bars([9.9, 10.3, 10.4], first=4)
        engine.bus.publish(BarEvent(later[0], closed=True))
        engine.bus.publish(BarEvent(later[1], closed=False))  # a forming bar is not a close
        assert seen.fired == []
        engine.bus.publish(BarEvent(later[1], closed=True))  # SMA(4) = 10.05: above
        engine.bus.publish(BarEvent(later[2], closed=True))
        assert [f.value for f in seen.fired] == [10.3]
        assert seen.fired[0].message == (
            "TEST.X 1m bar closes above SMA(4): close 10.30, SMA(4) 10.05")
        assert engine.alerts.get("b").status is AlertStatus.FIRED

    run(scenario)


def test_only_symbols_with_armed_alerts_are_watched_and_quoted() -> None:
    async def scenario(engine: Engine, seen: Seen) -> None:
        service = engine.alerts
        push(engine, 10.0)
        assert service._by_symbol == {}  # a tick of TEST.X costs one failed lookup
        engine.bus.publish(AddAlert(crossing()))
        assert set(service._by_symbol) == {TEST_SYMBOL}
        assert engine.subscriptions.users(TEST_SYMBOL) == 1  # USER ("alerts") uses it
        assert USER == "alerts"
        push(engine, 10.6)  # fired: no longer watched, nor quoted for it
        assert service._by_symbol == {}
        assert engine.subscriptions.users(TEST_SYMBOL) == 0

    run(scenario)


def test_a_damaged_alerts_file_is_set_aside_and_named(caplog: Any) -> None:
    path = user_data_dir() / FILE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json", encoding="utf-8")

    async def scenario(engine: Engine, seen: Seen) -> None:
        assert engine.alerts.alerts() == []
        engine.bus.publish(AddAlert(crossing()))

    run(scenario)
    assert (user_data_dir() / (FILE_NAME + ".bad")).read_text(encoding="utf-8") == "{not json"
    assert f"{path} is damaged" in caplog.text
    assert json.loads(path.read_text(encoding="utf-8"))["alerts"][0]["alert_id"] == "a1"
