"""The engine's alerts: added, modified, removed and re-armed by commands on the bus (so a
remote GUI's alerts are the server's), watched on the tick and bar path, kept in a file.

Without an armed alert the tick path pays nothing (the service is not subscribed to ticks);
with some, one dict lookup per tick of a symbol without one: only the symbols with alerts are
evaluated, each by its own watches. Bar-close alerts have their
timeframe built (``bars.subscribe``) and their indicator primed on the closed bars held; they
are checked on ``BarEvent(closed=True)`` only. A symbol with an armed alert is quoted (it is a
user of the symbol, "alerts", like a watchlist).

When an alert fires it is recorded (the file) before it is published: ``AlertEvent`` with its
new state, then ``AlertFired``; with ``mail`` set, the named broker's ``notify`` sends it (a
mail broker queues an email in its outbox). A refused command is ``CommandRejected``.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import msgspec

from terminal.domain.events import BarEvent, Tick
from terminal.domain.instrument import price_text
from terminal.domain.market_alerts import (
    AddAlert,
    Alert,
    AlertEvent,
    AlertFired,
    AlertStatus,
    ModifyAlert,
    RearmAlert,
    RemoveAlert,
)
from terminal.engine.alerts.rules import (
    AlertWatch,
    alert_problem,
    describe,
    fired_message,
    mail_key,
)
from terminal.engine.alerts.store import FILE_NAME, AlertStore
from terminal.engine.commands import refuse
from terminal.engine.paths import user_data_dir

if TYPE_CHECKING:
    from terminal.engine.engine import Engine

log = logging.getLogger("terminal.alerts")
USER = "alerts"  # the user of the alerted symbols, for the feeds' subscriptions
Watches = tuple[AlertWatch, ...]


class AlertService:
    """Every alert of the engine, and the watches of the armed ones."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._bus = bus = engine.bus
        self._alerts: dict[str, Alert] = {}
        self._by_symbol: dict[str, Watches] = {}  # armed tick alerts (price, day move)
        self._by_bars: dict[tuple[str, str], Watches] = {}  # armed bar-close alerts
        self._bar_users: dict[str, Callable[[], None]] = {}  # alert id → its timeframe's
        self._refused: set[str] = set()  # alerted symbols no feed quotes (told once)
        persist = engine.config.engine.persist
        self.store = AlertStore(user_data_dir() / FILE_NAME) if persist else None
        for kind, action in (
            (AddAlert, lambda c: self.add(c.alert)),
            (ModifyAlert, lambda c: self.modify(c.alert)),
            (RemoveAlert, lambda c: self.remove(c.alert_id)),
            (RearmAlert, lambda c: self.rearm(c.alert_id)),
        ):
            bus.subscribe(kind, self._guarded(action))
        # On the tick and bar path only while something is armed there: no alert, no cost.
        self._listening: dict[type, Callable[[], None]] = {}

    def _guarded(self, action: Callable[[Any], object]) -> Callable[[Any], None]:
        def run(command: Any) -> None:
            try:
                action(command)
            except (ValueError, KeyError) as exc:
                refuse(self._bus, log, command, str(exc.args[0] if exc.args else exc))

        return run

    # ---- reads -----------------------------------------------------------------------------
    def alerts(self) -> list[Alert]:
        """Every alert, in the order they were added."""
        return list(self._alerts.values())

    def get(self, alert_id: str) -> Alert:
        alert = self._alerts.get(alert_id)
        if alert is None:
            raise KeyError(f"no alert '{alert_id}'")
        return alert

    # ---- commands --------------------------------------------------------------------------
    def add(self, alert: Alert) -> Alert:
        """Watch ``alert`` from now; returns it as kept (with its id)."""
        self._check(alert)
        alert_id = alert.alert_id or uuid.uuid4().hex[:12]
        if alert_id in self._alerts:
            raise ValueError(f"alert_id '{alert_id}' is already in use")
        added = msgspec.structs.replace(
            alert, alert_id=alert_id, status=AlertStatus.ARMED,
            created_ns=self._engine.clock.now_ns(), fired_ns=0, fired_count=0, fired_value=0.0,
        )  # fmt: skip
        self._set(added, "added")
        return added

    def modify(self, alert: Alert) -> Alert:
        """The alert of ``alert.alert_id``, with this condition, armed again."""
        old = self.get(alert.alert_id)
        self._check(alert)
        changed = msgspec.structs.replace(
            alert, status=AlertStatus.ARMED, created_ns=old.created_ns, fired_ns=old.fired_ns,
            fired_count=old.fired_count, fired_value=old.fired_value,
        )  # fmt: skip
        self._set(changed, "modified")
        return changed

    def rearm(self, alert_id: str) -> Alert:
        armed = msgspec.structs.replace(self.get(alert_id), status=AlertStatus.ARMED)
        self._set(armed, "re-armed")
        return armed

    def remove(self, alert_id: str) -> None:
        alert = self.get(alert_id)
        self._unwatch(alert_id)
        self._quote_alerted()
        del self._alerts[alert_id]
        self._save()
        log.info("alert %s removed: %s", alert_id, self._describe(alert))
        self._bus.publish(AlertEvent(alert, removed=True))

    def restore(self) -> None:
        """The alerts kept by the last run, armed ones watched again (after the feeds start)."""
        if self.store is None:
            return
        for alert in self.store.load():
            self._alerts[alert.alert_id] = alert
            self._unwatch(alert.alert_id)  # a file edited by hand may name an id twice
            try:
                self._watch(alert)
            except ValueError as exc:  # e.g. an indicator this version no longer has
                log.error("alert %s is kept but not watched: %s", alert.alert_id, exc)
        self._quote_alerted()
        if self._alerts:
            armed = sum(1 for a in self._alerts.values() if a.status is AlertStatus.ARMED)
            log.info("alerts: %d restored from %s, %d armed", len(self._alerts),
                     self.store.path, armed)  # fmt: skip

    def _check(self, alert: Alert) -> None:
        problem = alert_problem(alert)
        if problem:
            raise ValueError(problem)
        engine = self._engine
        engine.resolve([alert.symbol])
        if alert.symbol not in engine.instruments:
            raise ValueError(f"symbol '{alert.symbol}': no instrument of that name")
        broker = engine.brokers.get(alert.mail) if alert.mail else None
        if alert.mail and (broker is None or not broker.notifies):
            raise ValueError(
                f"mail = '{alert.mail}': no running broker of that name sends notifications "
                "(a mail broker does)"
            )

    def _set(self, alert: Alert, what: str) -> None:
        self._unwatch(alert.alert_id)
        self._watch(alert)  # before it is kept: an indicator that cannot be built refuses it
        self._quote_alerted()
        self._alerts[alert.alert_id] = alert
        self._save()
        log.info("alert %s %s: %s", alert.alert_id, what, self._describe(alert))
        self._bus.publish(AlertEvent(alert))

    # ---- watching --------------------------------------------------------------------------
    def on_tick(self, tick: Tick) -> None:
        watches = self._by_symbol.get(tick.symbol)
        if watches is None:
            return
        for watch in watches:
            value = watch.on_tick(tick)
            if value is not None:
                self._fire(watch, value)

    def on_bar(self, event: BarEvent) -> None:
        if not event.closed or not self._by_bars:
            return
        bar = event.bar
        for watch in self._by_bars.get((bar.symbol, bar.timeframe), ()):
            value = watch.on_bar(bar)
            if value is not None:
                self._fire(watch, value)

    def _watch(self, alert: Alert) -> None:
        if alert.status is not AlertStatus.ARMED:
            return
        watch = AlertWatch(alert)
        engine, symbol = self._engine, alert.symbol
        if watch.on_bars:
            unsubscribe = engine.bars.subscribe(symbol, alert.timeframe)
            self._bar_users[alert.alert_id] = unsubscribe
            watch.prime(None, [bar.close for bar in engine.bars.history(symbol, alert.timeframe)])
            key = (symbol, alert.timeframe)
            self._by_bars[key] = (*self._by_bars.get(key, ()), watch)
        else:
            watch.prime(engine.latest.get(symbol))
            self._by_symbol[symbol] = (*self._by_symbol.get(symbol, ()), watch)

    def _unwatch(self, alert_id: str) -> None:
        """Stop watching (watch tuples are replaced, never changed: a tick may be iterating)."""
        for table in (self._by_symbol, self._by_bars):
            for key, watches in list(table.items()):
                kept = tuple(w for w in watches if w.alert.alert_id != alert_id)
                if len(kept) != len(watches):
                    if kept:
                        table[key] = kept  # type: ignore[index]
                    else:
                        del table[key]  # type: ignore[arg-type]
        unsubscribe = self._bar_users.pop(alert_id, None)
        if unsubscribe is not None:
            unsubscribe()

    def _quote_alerted(self) -> None:
        """Listen to ticks and bars while alerts are armed on them, and have the feeds quote
        exactly the symbols with armed alerts (after any change)."""
        paths: list[tuple[type, Callable[[Any], None], object]] = [
            (Tick, self.on_tick, self._by_symbol), (BarEvent, self.on_bar, self._by_bars)]
        for kind, handler, armed in paths:
            if armed and kind not in self._listening:
                self._listening[kind] = self._bus.subscribe(kind, handler)
            elif not armed and kind in self._listening:
                self._listening.pop(kind)()
        symbols = set(self._by_symbol) | {symbol for symbol, _ in self._by_bars}
        refused = set(self._engine.subscriptions.set(USER, sorted(symbols)))
        new, self._refused = sorted(refused - self._refused), refused
        if new:  # said once, not at every change
            log.warning("alerts: no feed quotes %s; their alerts wait", ", ".join(new))

    def _fire(self, watch: AlertWatch, value: float) -> None:
        alert, now = watch.alert, self._engine.clock.now_ns()
        fired = msgspec.structs.replace(
            alert, status=AlertStatus.ARMED if alert.rearm else AlertStatus.FIRED, fired_ns=now,
            fired_count=alert.fired_count + 1, fired_value=value,
        )  # fmt: skip
        self._alerts[alert.alert_id] = fired
        if alert.rearm:
            watch.alert = fired
        else:
            self._unwatch(alert.alert_id)
            self._quote_alerted()
        self._save()
        message = fired_message(fired, value, watch.level, self._price_text(alert.symbol))
        log.warning("alert %s fired: %s", alert.alert_id, message)
        self._bus.publish(AlertEvent(fired))
        self._bus.publish(AlertFired(fired, value, now, message))
        if alert.mail:
            self._mail(fired, message, now)

    def _mail(self, alert: Alert, message: str, now: int) -> None:
        broker = self._engine.brokers.get(alert.mail)
        if broker is None or not broker.notifies:
            log.error("alert %s: broker '%s' is not running or sends no notifications; "
                      "not mailed", alert.alert_id, alert.mail)  # fmt: skip
            return
        try:
            text = self._mail_text(alert, message, now)
            broker.notify(f"Alert: {message}", text, mail_key(alert))
        except Exception:
            log.exception("alert %s: broker %s raised on notify", alert.alert_id, alert.mail)

    def _mail_text(self, alert: Alert, message: str, now: int) -> str:
        tick = self._engine.latest.get(alert.symbol)
        text = self._price_text(alert.symbol)
        quote = f"{text(tick.last)} / {text(tick.bid)} / {text(tick.ask)}" if tick else "n/a"
        instrument = self._engine.instruments.get(alert.symbol)
        when = datetime.fromtimestamp(now / 1e9).astimezone().isoformat(timespec="seconds")
        return (
            f"{message}\n\n"
            f"Alert:      {alert.alert_id} (fired {alert.fired_count} time(s))\n"
            f"Symbol:     {alert.symbol} ({instrument.name if instrument else ''})\n"
            f"Condition:  {self._describe(alert)}\n"
            f"Time:       {when}\n"
            f"Note:       {alert.note}\n"
            f"Re-arms:    {'yes' if alert.rearm else 'no: re-arm it in the Alerts panel'}\n"
            f"Last / bid / ask at that time: {quote}\n"
        )

    def _price_text(self, symbol: str) -> Callable[[float], str]:
        instrument = self._engine.instruments.get(symbol)
        decimals = instrument.price_decimals if instrument else 4
        return lambda value: price_text(value, decimals)

    def _describe(self, alert: Alert) -> str:
        return describe(alert, self._price_text(alert.symbol))

    def _save(self) -> None:
        if self.store is None:
            return
        try:
            self.store.save(self.alerts())
        except OSError as exc:
            log.error("alerts could not be saved to %s: %s", self.store.path, exc)
