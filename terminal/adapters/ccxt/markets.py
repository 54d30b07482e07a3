"""ccxt's markets as the terminal sees them: symbol names both ways, instruments, and what a
broker can send on each market.

Symbols: a spot market is ``<exchange's id>.<SUFFIX>`` (``BTCUSDT.BINANCE``, as the simulated
feed names it; ccxt says ``BTC/USDT``); a perpetual swap adds ``-PERP`` (``BTCUSDT-PERP.BINANCE``,
since Binance gives spot and swap the same id); a dated future keeps its id, which carries the
expiry (``BTCUSDT_250328.BINANCE``).
"""

from __future__ import annotations

from typing import Any

import ccxt

from terminal.domain.enums import AssetClass, InstrumentStatus, OrderType, TimeInForce
from terminal.domain.instrument import Instrument
from terminal.domain.orders import OrderCapabilities

DEFAULT_MARGIN_RATE = 0.1  # a derivative whose venue names no leverage: 10x


class Markets:
    """The markets ccxt loaded, indexed by the terminal's symbols and by ccxt's."""

    def __init__(self, exchange: Any, suffix: str) -> None:
        self._exchange = exchange
        self._suffix = suffix
        self._by_symbol: dict[str, dict[str, Any]] = {}
        self._symbol_of: dict[str, str] = {}
        for market in (exchange.markets or {}).values():
            symbol = self.terminal_symbol(market)
            self._by_symbol[symbol] = market
            self._symbol_of[market["symbol"]] = symbol

    def terminal_symbol(self, market: dict[str, Any]) -> str:
        kind = "-PERP" if market.get("swap") else ""
        return f"{market['id']}{kind}.{self._suffix}"

    def symbol(self, ccxt_symbol: str) -> str:
        """The terminal's symbol for ccxt's (an unlisted one: ccxt's, unchanged)."""
        return self._symbol_of.get(ccxt_symbol, ccxt_symbol)

    def market(self, symbol: str) -> dict[str, Any] | None:
        """The market of a terminal symbol, or None if the venue does not list it."""
        return self._by_symbol.get(symbol)

    def ccxt_symbol(self, symbol: str) -> str:
        market = self._by_symbol.get(symbol)
        if market is None:
            raise KeyError(f"{symbol} is not a market of {self._exchange.id}")
        return str(market["symbol"])

    def resolve(self, configured: str) -> str:
        """The terminal symbol of a configured market written either way; an unknown one
        raises ``ValueError`` naming it."""
        if configured in self._by_symbol:
            return configured
        if configured in self._symbol_of:
            return self._symbol_of[configured]
        raise ValueError(
            f"symbols: {configured!r} is not a market of {self._exchange.id} (write it as "
            f"ccxt does, e.g. 'BTC/USDT', or as the terminal does, e.g. 'BTCUSDT.{self._suffix}')"
        )

    def instrument(self, symbol: str) -> Instrument:
        """The instrument of a listed market: tick and lot size, minimum order value, status."""
        market = self._by_symbol[symbol]
        contract = bool(market.get("contract"))
        limits = market.get("limits") or {}
        leverage = (limits.get("leverage") or {}).get("max")
        name = f"{market['base']} / {market['quote']}"
        if market.get("swap"):
            name += " perpetual"
        elif market.get("future"):
            name += f" {market.get('expiryDatetime', '')[:10]}"
        return Instrument(
            symbol=symbol,
            name=name,
            exchange=self._suffix,
            asset_class=AssetClass.CRYPTO,
            tick_size=self._step(market, "price"),
            lot_size=self._step(market, "amount"),
            multiplier=float(market.get("contractSize") or 1.0),
            currency=str(market.get("settle") or market["quote"]) if contract else market["quote"],
            sessions="crypto",
            margin_rate=(1.0 / leverage if leverage else DEFAULT_MARGIN_RATE) if contract else 0.0,
            base_currency="" if contract else str(market["base"]),
            min_notional=float((limits.get("cost") or {}).get("min") or 0.0),
            status=InstrumentStatus.TRADING if market.get("active") else InstrumentStatus.HALTED,
        )

    def _step(self, market: dict[str, Any], kind: str) -> float:
        """A price or amount step, whatever way the exchange counts precision."""
        value = (market.get("precision") or {}).get(kind)
        if value is None:
            return 1e-8
        if self._exchange.precisionMode == ccxt.DECIMAL_PLACES:
            return float(10.0 ** -int(value))
        return float(value)

    def capabilities(self, symbol: str) -> OrderCapabilities:
        """What can be sent on ``symbol``: from ccxt's ``has`` and ``features`` of the
        exchange, narrowed by the order types the venue lists for the market (Binance lists
        them per symbol; its BTCUSDT takes stop-limit but not stop-market orders)."""
        market = self._by_symbol.get(symbol)
        if market is None:
            return OrderCapabilities(frozenset(), frozenset())
        has = self._exchange.has
        create = self._features(market)
        types = {OrderType.MARKET, OrderType.LIMIT}
        if has.get("createStopLimitOrder") or create.get("triggerPrice"):
            types.add(OrderType.STOP_LIMIT)
        if has.get("createStopMarketOrder"):
            types.add(OrderType.STOP)
        listed = {str(t).upper() for t in (market.get("info") or {}).get("orderTypes") or []}
        if listed:
            if not listed & {"STOP_LOSS_LIMIT", "STOP"}:
                types.discard(OrderType.STOP_LIMIT)
            if not listed & {"STOP_LOSS", "STOP_MARKET"}:
                types.discard(OrderType.STOP)
        tif = create.get("timeInForce") or {}
        # DAY: the venue gets GTC and the broker cancels it when the UTC day ends (a crypto
        # market has no session to end it).
        times = {TimeInForce.GTC, TimeInForce.DAY}
        times |= {
            t for t, key in ((TimeInForce.IOC, "IOC"), (TimeInForce.FOK, "FOK")) if tif.get(key)
        }
        post_only = bool(tif.get("PO") or has.get("createPostOnlyOrder"))
        if listed and market.get("spot"):
            post_only = post_only and "LIMIT_MAKER" in listed
        reduce_only = bool(market.get("contract")) and bool(
            create.get("reduceOnly") or has.get("createReduceOnlyOrder")
        )
        return OrderCapabilities(frozenset(types), frozenset(times), post_only, reduce_only)

    def _features(self, market: dict[str, Any]) -> dict[str, Any]:
        """ccxt's ``features[type][subtype]['createOrder']`` of this market (empty if none)."""
        features = getattr(self._exchange, "features", None) or {}
        node = features.get(market.get("type") or "spot") or {}
        if "createOrder" not in node:
            node = node.get("linear" if market.get("linear") else "inverse") or {}
        return node.get("createOrder") or {}
