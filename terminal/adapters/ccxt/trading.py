"""The working part of the ccxt broker (imported when it starts, as it imports ccxt): placing,
cancelling, the private stream or polling, and what the venue reports for reconciliation.
See :mod:`terminal.adapters.ccxt.broker`."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

import ccxt

from terminal.adapters.ccxt.broker import CcxtBrokerOptions
from terminal.adapters.ccxt.mapping import balances_from, order_arguments, venue_order
from terminal.adapters.ccxt.markets import Markets
from terminal.adapters.ccxt.options import read_keys
from terminal.adapters.ccxt.reports import UNKNOWN_OUTCOME, VenueQueries
from terminal.adapters.ccxt.tracking import OrderTracker
from terminal.adapters.ccxt.venue import RATE_LIMITED, RateGate, open_exchange, venue_message
from terminal.domain.enums import ConnectionStatus, OrderStatus, TimeInForce
from terminal.domain.orders import Fill, Order, OrderCapabilities
from terminal.domain.venue import AccountReport, VenueOrder
from terminal.engine.broker import BrokerContext
from terminal.engine.feed import cancel_and_wait

log = logging.getLogger("terminal.ccxt")

DAY_NS = 86_400 * 1_000_000_000
DAY_CHECK_S = 30.0
PLACING_POLL_S = 0.05
CLIENT_ID = {"binance": re.compile(r"^[.A-Z:/a-z0-9_-]{1,36}$")}
CLIENT_ID_DEFAULT = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


def is_duplicate(error: Exception) -> bool:
    """The venue refused a client order id it already knows (an earlier attempt arrived)."""
    return isinstance(error, ccxt.DuplicateOrderId) or "Duplicate order" in str(error)


class TradingSession:
    """One started ccxt broker: its exchange, markets, order tracker and tasks."""

    def __init__(self, name: str, context: BrokerContext, options: CcxtBrokerOptions) -> None:
        self.name, self.context, self.options = name, context, options
        self.exchange: Any = None
        self._markets: Markets | None = None
        self._gate = RateGate()
        self._placing: set[str] = set()  # order ids whose submit has not been answered
        self._tasks: set[asyncio.Task[Any]] = set()
        self.tracker = OrderTracker(name, context, self.markets, self._trades_of)
        self._queries: VenueQueries | None = None

    def _spawn(self, coro: Any, name: str) -> None:
        task = self.context.spawn(coro, name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def markets(self) -> Markets:
        if self._markets is None:
            raise RuntimeError(f"broker {self.name} is not started")
        return self._markets

    @property
    def queries(self) -> VenueQueries:
        if self._queries is None:
            raise RuntimeError(f"broker {self.name} is not started")
        return self._queries

    async def _trades_of(self, order: Order, venue: VenueOrder) -> list[dict[str, Any]]:
        return await self.queries.trades_of(order, venue)

    # ---- life cycle --------------------------------------------------------------------------
    async def start(self) -> None:
        options = self.options
        keys = await asyncio.get_running_loop().run_in_executor(
            None,
            read_keys,
            options.exchange,
            options.api_key_env,
            options.secret_env,
            options.password_env,
            options.keyring_service,
        )
        self.context.set_status(ConnectionStatus.CONNECTING, f"connecting to {options.exchange}")
        self.exchange = open_exchange(options, keys, stream=options.user_stream)
        try:
            await self.exchange.load_markets()
            self._markets = Markets(self.exchange, options.symbol_suffix)
            self._queries = VenueQueries(
                self.name, self.context, self.exchange, self._markets, self._gate, options
            )
            for symbol in options.symbols:
                self._markets.resolve(symbol)  # a typo stops start-up with its name
            balance = await self.exchange.fetch_balance()
        except BaseException:
            await self.exchange.close()
            raise
        cash = float((balance.get("total") or {}).get(options.account_currency) or 0.0)
        self.context.open_account(cash, options.account_currency)
        streams = options.user_stream and self.exchange.has.get("watchOrders")
        loop = self._private_stream() if streams else self._poll_orders()
        self._spawn(loop, "private stream" if streams else "polling")
        self._spawn(self._end_day_orders(), "DAY orders")

    async def stop(self) -> None:
        for task in list(self._tasks):
            await cancel_and_wait(task)
        self._tasks.clear()
        if self.exchange is not None:
            await self.exchange.close()
        self.context.set_status(ConnectionStatus.DISCONNECTED, "stopped")

    # ---- what it takes -------------------------------------------------------------------------
    def capabilities(self, symbol: str) -> OrderCapabilities:
        if self._markets is None:
            return OrderCapabilities(frozenset(), frozenset())
        return self._markets.capabilities(symbol)

    def estimate_commission(self, symbol: str, quantity: float, price: float) -> float:
        market = self._markets.market(symbol) if self._markets else None
        return quantity * price * float((market or {}).get("taker") or 0.0)

    # ---- orders --------------------------------------------------------------------------------
    def submit(self, order: Order) -> None:
        refusal = self._refusal(order)
        if refusal:
            self.context.update_order(order.order_id, OrderStatus.REJECTED, refusal)
            return
        self._placing.add(order.order_id)
        self._spawn(self._place(order), f"submit {order.order_id}")

    def _refusal(self, order: Order) -> str:
        if self._markets is None or self._markets.market(order.symbol) is None:
            return f"{order.symbol} is not a market of {self.options.exchange}"
        pattern = CLIENT_ID.get(self.options.exchange, CLIENT_ID_DEFAULT)
        if not pattern.match(order.order_id):
            return (
                f"order id {order.order_id!r} cannot be a {self.options.exchange} client order id"
            )
        return ""

    async def _place(self, order: Order) -> None:
        market = self.markets().ccxt_symbol(order.symbol)
        kind, price, params = order_arguments(order, order.order_id)
        last_error = ""
        try:
            for attempt in range(1, self.options.submit_attempts + 1):
                await self._gate.wait()
                try:
                    result = await self.exchange.create_order(
                        market, kind, order.side.value, order.quantity, price, params
                    )
                except RATE_LIMITED as exc:  # not carried out: wait as told, send it again
                    wait = self._gate.note(self.exchange, exc)
                    last_error = venue_message(exc, self.exchange)
                    log.warning(
                        "broker %s: %s rate-limited (%s); again in %.1f s",
                        self.name,
                        order.order_id,
                        last_error,
                        wait,
                    )
                    continue
                except UNKNOWN_OUTCOME as exc:
                    last_error = venue_message(exc, self.exchange)
                except ccxt.InvalidOrder as exc:
                    if not is_duplicate(exc):
                        raise
                    last_error = venue_message(exc, self.exchange)  # an earlier attempt did arrive
                else:
                    self.tracker.on_order(result)
                    return
                # The answer was lost, or the venue knows the id already: look before resending.
                found = await self.queries.lookup_quietly(order)
                if found is not None:
                    self.tracker.on_order(found)
                    return
                log.warning(
                    "broker %s: submit of %s unanswered (%s), attempt %d",
                    self.name,
                    order.order_id,
                    last_error,
                    attempt,
                )
                await asyncio.sleep(min(self.options.reconnect_max_s, 0.25 * 2**attempt))
            attempts = self.options.submit_attempts
            self._reject(order, f"not placed after {attempts} attempts: {last_error}")
        except ccxt.BaseError as exc:  # the venue said no, in its own words
            self._reject(order, f"{self.options.exchange}: {venue_message(exc, self.exchange)}")
        finally:
            self._placing.discard(order.order_id)

    def _reject(self, order: Order, reason: str) -> None:
        current = self.context.find_order(order.order_id)
        if current is not None and current.status is OrderStatus.SUBMITTED:
            self.context.update_order(order.order_id, OrderStatus.REJECTED, reason)
        elif current is not None and current.status is OrderStatus.PENDING_CANCEL:
            self.context.update_order(order.order_id, OrderStatus.CANCELLED, reason)

    def cancel(self, order: Order) -> None:
        self._spawn(self._cancel(order), f"cancel {order.order_id}")

    def cancel_all(self, orders: list[Order]) -> None:
        """One cancel-all request per symbol whose working orders are all in ``orders``."""
        wanted = {o.order_id for o in orders}
        symbols: dict[str, list[Order]] = {}
        for order in orders:
            symbols.setdefault(order.symbol, []).append(order)
        for symbol, group in symbols.items():
            every = all(
                o.order_id in wanted for o in self.context.working_orders() if o.symbol == symbol
            )
            if every and self.exchange.has.get("cancelAllOrders"):
                self._spawn(self._cancel_symbol(symbol, group), f"cancel all {symbol}")
            else:
                for order in group:
                    self.cancel(order)

    async def _cancel(self, order: Order, why: str = "cancelled on request") -> None:
        current = self.context.find_order(order.order_id)
        if current is None or not current.status.is_working:
            return
        if current.status is not OrderStatus.PENDING_CANCEL:
            self.context.update_order(order.order_id, OrderStatus.PENDING_CANCEL, why)
        while order.order_id in self._placing:  # a cancel may not overtake its own order
            await asyncio.sleep(PLACING_POLL_S)
        market = self.markets().ccxt_symbol(order.symbol)
        for _ in range(self.options.submit_attempts):
            await self._gate.wait()
            try:
                result = await self.exchange.cancel_order(
                    "", market, {"clientOrderId": order.client_id or order.order_id}
                )
            except RATE_LIMITED as exc:
                self._gate.note(self.exchange, exc)
                continue
            except (ccxt.OrderNotFound, *UNKNOWN_OUTCOME):  # ended already, or no answer: ask
                try:
                    found = await self.queries.lookup(order)
                except (*RATE_LIMITED, *UNKNOWN_OUTCOME):
                    await asyncio.sleep(self.options.reconnect_initial_s)
                    continue
                if found is not None:
                    self.tracker.on_order(found)
                if found is None or str(found.get("status")) != "open":
                    return
                await asyncio.sleep(self.options.reconnect_initial_s)
                continue
            except ccxt.BaseError as exc:
                self._cancel_refused(
                    order, f"{self.options.exchange}: {venue_message(exc, self.exchange)}"
                )
                return
            self.tracker.on_order(result)
            return
        self._cancel_refused(order, "no answer to the cancel")

    def _cancel_refused(self, order: Order, why: str) -> None:
        current = self.context.find_order(order.order_id)
        if current is not None and current.status is OrderStatus.PENDING_CANCEL:
            self.context.update_order(
                order.order_id, OrderStatus.ACCEPTED, f"cancel refused: {why}"
            )

    async def _cancel_symbol(self, symbol: str, orders: list[Order]) -> None:
        for order in orders:
            current = self.context.find_order(order.order_id)
            if current is not None and current.status is not OrderStatus.PENDING_CANCEL:
                self.context.update_order(order.order_id, OrderStatus.PENDING_CANCEL, "cancel-all")
        await self._gate.wait()
        try:
            results = await self.exchange.cancel_all_orders(self.markets().ccxt_symbol(symbol))
        except ccxt.OrderNotFound:  # Binance: nothing was open any more
            results = []
        except ccxt.BaseError as exc:
            log.warning(
                "broker %s: cancel-all on %s failed (%s); one by one", self.name, symbol, exc
            )
            for order in orders:
                await self._cancel(order)
            return
        for result in results:
            self.tracker.on_order(result)
        for order in orders:  # whatever the answer left out: ask
            current = self.context.find_order(order.order_id)
            if current is not None and current.status.is_working:
                await self._cancel(order)

    async def _end_day_orders(self) -> None:
        """A DAY order rests at the venue as GTC: cancel it when its UTC day has ended."""
        while True:
            today = self.context.clock.now_ns() // DAY_NS
            for order in self.context.working_orders():
                day_over = order.created_ns // DAY_NS < today
                if (
                    day_over
                    and order.time_in_force is TimeInForce.DAY
                    and order.status is not (OrderStatus.PENDING_CANCEL)
                ):
                    await self._cancel(order, "DAY order: its UTC day ended")
            await asyncio.sleep(DAY_CHECK_S)

    # ---- private stream or polling -------------------------------------------------------------
    async def _private_stream(self) -> None:
        """Subscribe, say LIVE (the engine reconciles), consume; on a drop, back off and again."""
        delay = self.options.reconnect_initial_s
        while True:
            try:
                authenticate = getattr(self.exchange, "authenticate", None)
                if authenticate is not None:
                    await authenticate()
                self.context.set_status(ConnectionStatus.LIVE, "private stream subscribed")
                delay = self.options.reconnect_initial_s
                await self._consume()
            except RATE_LIMITED as exc:
                wait = self._gate.note(self.exchange, exc)
                self._lost(exc, wait)
                await self._gate.wait()
            except ccxt.BaseError as exc:
                self._lost(exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.options.reconnect_max_s)

    def _lost(self, error: Exception, wait: float) -> None:
        reason = f"private stream lost ({type(error).__name__}: {error}); again in {wait:.1f} s"
        log.warning("broker %s: %s", self.name, reason)
        self.context.set_status(ConnectionStatus.CONNECTING, reason)

    async def _consume(self) -> None:
        exchange = self.exchange
        loops = [
            self._loop(exchange.watch_orders, self.tracker.on_order),
            self._loop(exchange.watch_my_trades, self.tracker.on_trade),
        ]
        if exchange.has.get("watchBalance"):
            loops.append(self._loop(exchange.watch_balance, self._on_balance, many=False))
        tasks = [asyncio.ensure_future(loop) for loop in loops]
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
            for task in done:
                task.result()  # raises the stream's error
        finally:
            for task in tasks:  # the socket is one: the others failed too, or soon will
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    @staticmethod
    async def _loop(watch: Any, handle: Any, many: bool = True) -> None:
        while True:
            result = await watch()
            for item in result if many else [result]:
                handle(item)

    def _on_balance(self, balance: dict[str, Any]) -> None:
        self.context.report_balances(balances_from(balance, self.name))

    async def _poll_orders(self) -> None:
        """Without a private stream: every working order's state and trades, by REST."""
        self.context.set_status(
            ConnectionStatus.LIVE, f"polling every {self.options.poll_interval_s:g} s"
        )
        while True:
            await asyncio.sleep(self.options.poll_interval_s)
            for order in self.context.working_orders():
                if order.order_id in self._placing:
                    continue
                found = await self.queries.lookup_quietly(order)
                if found is not None:
                    venue = venue_order(found, order.symbol)
                    trades = (
                        await self._trades_of(order, venue)
                        if venue.filled_quantity > order.filled_quantity
                        else []
                    )
                    self.tracker.apply(order, venue, trades)

    # ---- what the venue says (reconciliation) ----------------------------------------------------
    async def account_report(self) -> AccountReport:
        return await self.queries.account_report()

    async def query_order(self, order: Order) -> VenueOrder | None:
        if order.order_id in self._placing:  # still being sent: nothing to resolve yet
            return VenueOrder(
                "",
                order.order_id,
                order.symbol,
                order.side,
                order.order_type,
                order.quantity,
                OrderStatus.SUBMITTED,
            )
        found = await self.queries.lookup(order)
        return venue_order(found, order.symbol) if found is not None else None

    async def order_fills(self, order: Order, venue: VenueOrder) -> list[Fill]:
        return await self.queries.fills_of(order, venue)
