"""The market side of the local Binance venue: its markets (Binance's own recorded BTCUSDT and
ETHUSDT rows), books with update ids, public trades, tickers and candles, each in the shape of
the documented answers and events (``tests/data/binance``). No I/O; see ``binance_venue.py``
for the account and orders, ``binance_server.py`` for the wire."""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[2] / "data" / "binance"
Event = dict[str, Any]


def now_ms() -> int:
    return int(time.time() * 1000)


def fmt(value: Decimal) -> str:
    """Binance prints spot decimals with 8 places: "0.10000000"."""
    return f"{value.quantize(Decimal('0.00000001'), rounding=ROUND_DOWN):f}"


class VenueError(Exception):
    """A refusal as Binance answers it: an HTTP status and {"code": ..., "msg": ...}."""

    def __init__(self, status: int, code: int, msg: str) -> None:
        super().__init__(msg)
        self.status, self.code, self.msg = status, code, msg

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "msg": self.msg}


@dataclass
class Book:
    """One symbol's book with Binance's update id (lastUpdateId, and U/u in events)."""

    bids: dict[Decimal, Decimal]
    asks: dict[Decimal, Decimal]
    update_id: int = 1_000_000

    def best_bid(self) -> Decimal:
        return max(self.bids)

    def best_ask(self) -> Decimal:
        return min(self.asks)

    def snapshot(self, limit: int) -> dict[str, Any]:
        bids = sorted(self.bids.items(), reverse=True)[:limit]
        asks = sorted(self.asks.items())[:limit]
        return {
            "lastUpdateId": self.update_id,
            "bids": [[fmt(p), fmt(q)] for p, q in bids],
            "asks": [[fmt(p), fmt(q)] for p, q in asks],
        }

    def levels(self, side: str, limit: Decimal | None) -> list[tuple[Decimal, Decimal]]:
        """The levels a ``side`` order takes, best first, up to its limit price."""
        if side == "BUY":
            return [(p, q) for p, q in sorted(self.asks.items()) if limit is None or p <= limit]
        return [
            (p, q)
            for p, q in sorted(self.bids.items(), reverse=True)
            if limit is None or p >= limit
        ]


@dataclass
class Market:
    info: dict[str, Any]  # the exchangeInfo row, served as recorded
    book: Book
    last: Decimal
    day_open: Decimal
    high: Decimal
    low: Decimal
    volume: Decimal = Decimal("1000")
    trade_id: int = 5_000_000
    filters: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def symbol(self) -> str:
        return str(self.info["symbol"])


class MarketData:
    """The venue's markets and what anyone may see of them."""

    def __init__(self, seed: int = 7) -> None:
        info = json.loads((DATA / "exchangeInfo_BTCUSDT_ETHUSDT.json").read_text())
        self.exchange_info = info
        self.rng = random.Random(seed)
        self.markets: dict[str, Market] = {}
        for row, mid in zip(
            info["symbols"], (Decimal("73369.84"), Decimal("3500.00")), strict=True
        ):
            tick = Decimal(
                next(f for f in row["filters"] if f["filterType"] == "PRICE_FILTER")["tickSize"]
            )
            book = Book(
                bids={mid - tick * (i + 1): Decimal("0.5") + i for i in range(10)},
                asks={mid + tick * i: Decimal("0.4") + i for i in range(10)},
            )
            market = Market(
                row, book, mid, mid * Decimal("0.98"), mid * Decimal("1.01"), mid * Decimal("0.97")
            )
            market.filters = {f["filterType"]: f for f in row["filters"]}
            self.markets[market.symbol] = market

    # ---- market data ---------------------------------------------------------------------
    def market(self, symbol: str | None) -> Market:
        if symbol is None or symbol not in self.markets:
            raise VenueError(400, -1121, "Invalid symbol.")
        return self.markets[symbol]

    def set_status(self, symbol: str, status: str) -> None:
        """TRADING / BREAK / HALT: shows in exchangeInfo and blocks new orders."""
        self.market(symbol).info["status"] = status

    def step(self, symbol: str) -> list[Event]:
        """One market step: a level changes (a depthUpdate) and someone trades (a trade)."""
        market = self.markets[symbol]
        book = market.book
        side, levels = ("b", book.bids) if self.rng.random() < 0.5 else ("a", book.asks)
        price = self.rng.choice(sorted(levels)[:5] if side == "a" else sorted(levels)[-5:])
        qty = Decimal(self.rng.randint(1, 300)) / 100
        levels[price] = qty
        change = [[fmt(price), fmt(qty)]]
        depth = self._depth_event(
            symbol, change if side == "b" else [], change if side == "a" else []
        )
        taker_buys = self.rng.random() < 0.5
        trade_price = book.best_ask() if taker_buys else book.best_bid()
        return [depth, *self._public_trade(market, trade_price, Decimal("0.01"), not taker_buys)]

    def shift(self, symbol: str, ticks: int) -> list[Event]:
        """Move the whole book ``ticks`` price steps (a market that runs), and trade there:
        stop orders whose trigger it crosses are triggered."""
        market = self.markets[symbol]
        book = market.book
        step = Decimal(market.filters["PRICE_FILTER"]["tickSize"]) * ticks
        old_bids, old_asks = dict(book.bids), dict(book.asks)
        book.bids = {p + step: q for p, q in old_bids.items()}
        book.asks = {p + step: q for p, q in old_asks.items()}
        bids = [[fmt(p), "0.00000000"] for p in old_bids if p not in book.bids]
        bids += [[fmt(p), fmt(q)] for p, q in book.bids.items()]
        asks = [[fmt(p), "0.00000000"] for p in old_asks if p not in book.asks]
        asks += [[fmt(p), fmt(q)] for p, q in book.asks.items()]
        events = [self._depth_event(symbol, bids, asks)]
        price = book.best_ask() if ticks > 0 else book.best_bid()
        events += self._public_trade(market, price, Decimal("0.01"), ticks < 0)
        return events + self._triggered(market)

    def _depth_event(self, symbol: str, bids: list[list[str]], asks: list[list[str]]) -> Event:
        book = self.markets[symbol].book
        book.update_id += 1
        return {
            "e": "depthUpdate",
            "E": now_ms(),
            "s": symbol,
            "U": book.update_id,
            "u": book.update_id,
            "b": bids,
            "a": asks,
        }

    def _public_trade(
        self, market: Market, price: Decimal, qty: Decimal, buyer_maker: bool
    ) -> list[Event]:
        market.trade_id += 1
        market.last = price
        market.volume += qty
        market.high, market.low = max(market.high, price), min(market.low, price)
        now = now_ms()
        return [
            {
                "e": "trade",
                "E": now,
                "s": market.symbol,
                "t": market.trade_id,
                "p": fmt(price),
                "q": fmt(qty),
                "T": now,
                "m": buyer_maker,
                "M": True,
            }
        ]

    def book_ticker(self, symbol: str) -> dict[str, Any]:
        book = self.market(symbol).book
        return {
            "symbol": symbol,
            "bidPrice": fmt(book.best_bid()),
            "bidQty": fmt(book.bids[book.best_bid()]),
            "askPrice": fmt(book.best_ask()),
            "askQty": fmt(book.asks[book.best_ask()]),
        }

    def ticker_24h(self, symbol: str) -> dict[str, Any]:
        m = self.market(symbol)
        now = now_ms()
        return {
            "symbol": symbol,
            "priceChange": fmt(m.last - m.day_open),
            "priceChangePercent": f"{(m.last - m.day_open) / m.day_open * 100:.3f}",
            "weightedAvgPrice": fmt((m.high + m.low) / 2),
            "prevClosePrice": fmt(m.day_open),
            "lastPrice": fmt(m.last),
            "lastQty": "0.01000000",
            **{k: v for k, v in self.book_ticker(symbol).items() if k != "symbol"},
            "openPrice": fmt(m.day_open),
            "highPrice": fmt(m.high),
            "lowPrice": fmt(m.low),
            "volume": fmt(m.volume),
            "quoteVolume": fmt(m.volume * m.last),
            "openTime": now - 86_400_000,
            "closeTime": now,
            "firstId": 3476288989,
            "lastId": 3476288989 + m.trade_id % 1000,
            "count": 1000 + m.trade_id % 1000,
        }

    def klines(
        self, symbol: str, interval: str, limit: int, start: int | None, end: int | None
    ) -> list[list[Any]]:
        """Candles around the current price, 12 fields as the API sends them; the day's
        candle carries the day's figures so far."""
        market = self.market(symbol)
        steps = {"1m": 60_000, "5m": 300_000, "15m": 900_000, "1h": 3_600_000, "1d": 86_400_000}
        if interval not in steps:
            raise VenueError(400, -1120, "Invalid interval.")
        ms = steps[interval]
        last_open = ((end or now_ms()) // ms) * ms
        first_open = (
            (start + ms - 1) // ms * ms if start is not None else last_open - ms * (limit - 1)
        )
        rows: list[list[Any]] = []
        for open_time in range(first_open, last_open + 1, ms):
            wave = Decimal((open_time // ms) % 17 - 8) / 1000
            o, c = market.last * (1 + wave), market.last * (1 + wave / 2)
            h, low, volume = (
                max(o, c) * Decimal("1.001"),
                min(o, c) * Decimal("0.999"),
                Decimal("12.345"),
            )
            if open_time == last_open and interval == "1d":
                o, h, low, c, volume = (
                    market.day_open,
                    market.high,
                    market.low,
                    market.last,
                    market.volume,
                )
            rows.append(
                [
                    open_time,
                    fmt(o),
                    fmt(h),
                    fmt(low),
                    fmt(c),
                    fmt(volume),
                    open_time + ms - 1,
                    fmt(volume * c),
                    321,
                    fmt(volume / 2),
                    fmt(volume / 2 * c),
                    "0",
                ]
            )
            if len(rows) == limit:
                break
        return rows

    def _triggered(self, market: Market) -> list[Event]:
        """What the market moving set off (the venue's stop orders)."""
        return []
