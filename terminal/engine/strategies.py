"""Runs strategy instances: each isolated, so one that raises stops alone and says why."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import msgspec

from terminal.domain.enums import PluginKind
from terminal.domain.events import BarEvent, FillEvent, StrategyStateEvent, Tick
from terminal.engine.config import describe_validation_error
from terminal.engine.strategy import Strategy

if TYPE_CHECKING:
    from terminal.engine.engine import Engine

log = logging.getLogger("terminal.strategies")

STOPPED, RUNNING, ERROR = "stopped", "running", "error"


@dataclass(slots=True)
class StrategyInstance:
    name: str
    strategy_name: str
    symbol: str
    broker: str
    strategy: Strategy
    state: str = STOPPED
    detail: str = ""
    order_ids: set[str] = field(default_factory=set)
    unsubscribers: list[Callable[[], None]] = field(default_factory=list)


class StrategyRunner:
    """Adds, starts, stops and removes strategy instances; routes ticks, bars and fills."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._instances: dict[str, StrategyInstance] = {}
        engine.bus.subscribe(FillEvent, self._on_fill)

    def instances(self) -> list[StrategyInstance]:
        return list(self._instances.values())

    def get(self, name: str) -> StrategyInstance:
        try:
            return self._instances[name]
        except KeyError:
            raise KeyError(f"no strategy instance named '{name}'") from None

    def add(
        self,
        name: str,
        strategy_name: str,
        symbol: str,
        broker: str,
        params: dict[str, Any] | None = None,
    ) -> StrategyInstance:
        if not name:
            raise ValueError("instance name is empty")
        if name in self._instances:
            raise ValueError(f"instance name '{name}' is already in use")
        cls = self._engine.registry.get(PluginKind.STRATEGY, strategy_name)
        if cls is None:
            raise ValueError(f"unknown strategy '{strategy_name}'")
        if symbol not in self._engine.instruments:
            raise ValueError(f"unknown symbol '{symbol}'")
        if broker not in self._engine.brokers:
            raise ValueError(f"unknown broker '{broker}'")
        try:
            parsed = msgspec.convert(params or {}, cls.Params)
        except msgspec.ValidationError as exc:
            raise ValueError(
                describe_validation_error(exc, params, f"parameters of {name}")
            ) from None
        strategy = cls(name, symbol, broker, _StrategyContext(self, name), parsed)
        instance = StrategyInstance(name, strategy_name, symbol, broker, strategy)
        self._instances[name] = instance
        self._publish(instance)
        return instance

    def start(self, name: str) -> None:
        instance = self.get(name)
        if instance.state == RUNNING:
            return
        instance.state, instance.detail = RUNNING, ""
        bus = self._engine.bus
        instance.unsubscribers = [
            bus.subscribe(Tick, lambda tick: self._on_tick(instance, tick)),
            bus.subscribe(BarEvent, lambda event: self._on_bar(instance, event)),
            self._engine.bars.subscribe(instance.symbol, instance.strategy.timeframe),
        ]
        self._publish(instance)
        self._call(instance, instance.strategy.on_start)

    def stop(self, name: str) -> None:
        instance = self.get(name)
        if instance.state != RUNNING:
            return
        self._detach(instance)
        instance.state = STOPPED
        self._call(instance, instance.strategy.on_stop)
        self._publish(instance)

    def stop_all(self) -> None:
        for name in list(self._instances):
            self.stop(name)

    def remove(self, name: str) -> None:
        self.stop(name)
        del self._instances[name]

    def _on_tick(self, instance: StrategyInstance, tick: Tick) -> None:
        if tick.symbol == instance.symbol:
            self._call(instance, instance.strategy.on_tick, tick)

    def _on_bar(self, instance: StrategyInstance, event: BarEvent) -> None:
        bar = event.bar
        if (
            event.closed
            and bar.symbol == instance.symbol
            and (bar.timeframe == instance.strategy.timeframe)
        ):
            self._call(instance, instance.strategy.on_bar, event.bar)

    def _on_fill(self, event: FillEvent) -> None:
        for instance in self._instances.values():
            if event.fill.order_id in instance.order_ids:
                self._call(instance, instance.strategy.on_fill, event.fill)

    def _call(self, instance: StrategyInstance, handler: Callable[..., None], *args: Any) -> None:
        try:
            handler(*args)
        except Exception as exc:
            self._detach(instance)
            instance.state = ERROR
            instance.detail = f"{type(exc).__name__}: {exc}"
            log.error(
                "strategy %s stopped by an error in %s:\n%s",
                instance.name,
                getattr(handler, "__name__", "handler"),
                traceback.format_exc(),
            )
            self._publish(instance)

    @staticmethod
    def _detach(instance: StrategyInstance) -> None:
        for unsubscribe in instance.unsubscribers:
            unsubscribe()
        instance.unsubscribers = []

    def _publish(self, instance: StrategyInstance) -> None:
        self._engine.bus.publish(
            StrategyStateEvent(
                instance=instance.name,
                strategy=instance.strategy_name,
                symbol=instance.symbol,
                state=instance.state,
                detail=instance.detail,
            )
        )


class _StrategyContext:
    def __init__(self, runner: StrategyRunner, instance: str) -> None:
        self._runner = runner
        self._instance = instance
        self.clock = runner._engine.clock

    def submit(self, request: Any) -> str:
        order_id = self._runner._engine.submit(request)
        self._runner.get(self._instance).order_ids.add(order_id)
        return order_id

    def position(self, broker: str, symbol: str) -> float:
        return self._runner._engine.portfolio.quantity(broker, symbol)

    def log(self, instance: str, message: str) -> None:
        logging.getLogger(f"terminal.strategy.{instance}").info("%s", message)
