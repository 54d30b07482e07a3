"""The order ticket: symbol, type, time in force, size and prices, and what is attached (a
bracket's take-profit and stop-loss, an OCO stop, a trail: ``ticket_attach.py``); invalid
input is refused at the field before anything is sent; optional confirmation for real brokers.

A limit price starts at the touch — the ask for a buy, the bid for a sell — and follows it
until the user edits it (or follows Last, Bid or Ask instead); the Buy and Sell buttons show
the price each would send. The ticket says "Sent" only once the engine has recorded the order
and shows any refusal in red with its reason (``SentOrders``); it shows the position held in
its symbol at its broker.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from msgspec.structs import replace
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QWidget

from terminal.domain.contingent import placed_requests
from terminal.domain.enums import AssetClass, Offset, OrderType, Side, TimeInForce
from terminal.domain.events import SubmitOrder
from terminal.domain.market import Tick
from terminal.domain.orders import Account, OrderRequest, Position
from terminal.engine.config import Hotkeys
from terminal.engine.orders.ids import new_order_id
from terminal.engine.orders.validation import FieldProblem
from terminal.ui import formatting as fmt
from terminal.ui.bridge import EngineBridge
from terminal.ui.dialogs import Confirm, ask
from terminal.ui.i18n import names
from terminal.ui.trading.sent_orders import SentOrders, describe
from terminal.ui.trading.ticket_attach import Attach, Command, attached_text, ticket_command
from terminal.ui.trading.ticket_form import MANUAL, TOUCH, TicketForm
from terminal.ui.trading.venue_rules import VenueRules


class OrderTicket(TicketForm):
    """Sends :class:`SubmitOrder` commands; shows the quote and 5-level depth of its symbol.

    Hotkeys (while the window is active, configurable in [ui.hotkeys]): F1 buy, F2 sell,
    Esc clear. Symbols and brokers are those the bridge lists; the first broker is the default.
    """

    def __init__(self, bridge: EngineBridge, parent: QWidget | None = None) -> None:
        super().__init__(bridge.symbols(), bridge.broker_names(), parent)
        self._bridge = bridge
        self._touch_side = Side.BUY  # whose touch the price shows while it follows the touch
        self._setting_price = False  # True while the ticket, not the user, sets the price
        self._shown_order = ""  # the order whose news the message shows
        self._keys = Hotkeys()
        self.confirm: Confirm = self._ask
        self.sent_orders = SentOrders(bridge, self)
        self.broker_box.currentTextChanged.connect(self._on_broker)
        self.symbol_box.currentTextChanged.connect(self._on_symbol)
        self.type_box.currentIndexChanged.connect(self._on_type)
        self.attach_box.currentIndexChanged.connect(self._on_attach)
        self.follow_box.currentTextChanged.connect(self._on_follow)
        self.price.valueChanged.connect(self._on_price_changed)
        for box in (self.quantity, self.price, self.trigger):
            box.valueChanged.connect(self._update_estimate)
        self.buy_button.clicked.connect(lambda: self.submit(Side.BUY))
        self.sell_button.clicked.connect(lambda: self.submit(Side.SELL))
        self.depth_view.price_clicked.connect(self._take_price)
        self.sent_orders.news.connect(self._on_news)
        self.set_hotkeys(self._keys)
        bridge.ticks_changed.connect(self._on_ticks)
        bridge.portfolio_changed.connect(self._on_portfolio)
        # After the connections above: its reactions follow the ticket's own.
        self.venue_rules = VenueRules(self, bridge)
        self._on_broker(self.broker_box.currentText())
        self._on_symbol(self.symbol_box.currentText())
        self._on_attach()
        self.venue_rules.apply()

    def set_hotkeys(self, keys: Hotkeys) -> None:
        """(Re)bind buy / sell / clear; the buttons show their keys."""
        for shortcut in getattr(self, "_shortcuts", []):
            shortcut.setParent(None)
        self._shortcuts = [
            QShortcut(QKeySequence(key), self, action, context=Qt.ShortcutContext.WindowShortcut)
            for key, action in (
                (keys.buy, lambda: self.submit(Side.BUY)),
                (keys.sell, lambda: self.submit(Side.SELL)),
                (keys.clear_ticket, self.clear),
            )
        ]
        self._keys = keys
        self._label_buttons()

    # ---- user actions ---------------------------------------------------------------------
    def set_symbol(self, symbol: str) -> None:
        """Show ``symbol`` (its quote, depth and lot size), as if the user had chosen it."""
        self.symbol_box.setCurrentText(symbol)

    def fill_from_watch(self, symbol: str, side: Side) -> None:
        """Prefill from the market watch: the symbol, and a limit at the touch of ``side``."""
        self.symbol_box.setCurrentText(symbol)
        self._select(self.type_box, OrderType.LIMIT)
        self._touch_side = side
        self.follow_box.setCurrentText(TOUCH)
        self._follow(self._bridge.latest(symbol))
        self.quantity.setFocus()

    def fill_close(self, symbol: str, broker: str, quantity: float) -> None:
        """Prefill an order closing a position of ``quantity`` (signed)."""
        self.symbol_box.setCurrentText(symbol)
        self.broker_box.setCurrentText(broker)
        self._select(self.type_box, OrderType.MARKET)
        self._select(self.offset_box, Offset.CLOSE)
        self.quantity.setValue(abs(quantity))
        self._touch_side = Side.SELL if quantity > 0 else Side.BUY
        self._follow(self._bridge.latest(symbol))
        self.venue_rules.round_quantity()
        self._show(self.tr("Close {symbol}: {side} {quantity}").format(
            symbol=symbol, side=names.name(self._touch_side).capitalize(),
            quantity=fmt.amount(abs(quantity))), ok=True)  # fmt: skip

    def clear(self) -> None:
        self._select(self.type_box, OrderType.MARKET)
        self._select(self.tif_box, TimeInForce.DAY)
        self._select(self.attach_box, Attach.NONE)
        self._touch_side = Side.BUY
        for box in (self.trigger, self.take_profit, self.stop_loss, self.trail):
            box.setValue(0)
        self._on_symbol(self.symbol_box.currentText())

    def submit(self, side: Side) -> str | None:
        """Validate and send (after confirmation for real brokers); returns the order id, or
        None when input was refused."""
        if self._following_touch():
            self._touch_side = side  # the price this side pays, shown in the field as sent
            self._follow(self._bridge.latest(self.symbol_box.currentText().strip()))
        request = self.request(side)
        instrument = self._bridge.instrument(request.symbol)
        order_id = new_order_id("T")
        try:
            command = self._command(order_id, request)
            if not request.broker:
                raise FieldProblem("broker", "no broker is connected")
        except FieldProblem as problem:
            self._show(problem.message[0].upper() + problem.message[1:], ok=False)
            self.fields[problem.field].setFocus()
            return None
        decimals = instrument.price_decimals if instrument else 0
        main = command.request if isinstance(command, SubmitOrder) else placed_requests(command)[0]
        text = describe(main, decimals) + attached_text(command, decimals)

        def send() -> None:
            self.sent_orders.follow(order_id, text)
            self._shown_order = order_id
            # Before sending: a refusal comes back during send() (the bus is synchronous).
            self._show(self.tr("Sending {order} ({id})…").format(order=text, id=order_id),
                       ok=None)  # fmt: skip
            self._bridge.send(command)

        if self._bridge.is_simulated(request.broker):
            send()
        else:
            self._shown_order = ""
            self._show(self.tr("Waiting for confirmation: {order}").format(order=text), ok=None)
            self.confirm(text, send)
        return order_id

    def _command(self, order_id: str, request: OrderRequest) -> Command:
        """The order and what is attached to it (raises :class:`FieldProblem`)."""
        attach = Attach(self.attach_box.currentData())
        if attach is Attach.OCO:  # a limit at the price and a stop at the trigger
            request = replace(request, price=self.price.value(), trigger_price=self.trigger.value())
        elif attach is Attach.TRAILING:  # the trigger: where it starts (0: from the last price)
            request = replace(request, trigger_price=self.trigger.value(), price=0.0)
        return ticket_command(
            attach, order_id, request, self._bridge.instrument(request.symbol),
            take_profit=self.take_profit.value(), stop_loss=self.stop_loss.value(),
            trail=self.trail.value(), trail_percent=bool(self.trail_unit.currentData()),
        )  # fmt: skip

    def request(self, side: Side) -> OrderRequest:
        symbol = self.symbol_box.currentText().strip()
        instrument = self._bridge.instrument(symbol)
        order_type = OrderType(self.type_box.currentData())
        futures = instrument is not None and instrument.asset_class is AssetClass.FUTURE
        return OrderRequest(
            broker=self.broker_box.currentText(),
            symbol=symbol,
            side=side,
            quantity=self.quantity.value(),
            order_type=order_type,
            price=self.price.value() if order_type.has_limit_price else 0.0,
            trigger_price=self.trigger.value() if order_type.has_trigger else 0.0,
            time_in_force=TimeInForce(self.tif_box.currentData()),
            offset=Offset(self.offset_box.currentData()) if futures else Offset.NONE,
            account=self.account_box.currentText(),
            post_only=self.venue_rules.post_only_on,
            reduce_only=self.venue_rules.reduce_only_on,
        )

    def take_price(self, symbol: str, value: float) -> None:
        """A price clicked elsewhere (market watch): this symbol, a limit at that price."""
        self.symbol_box.setCurrentText(symbol)
        self._take_price(value)

    def _take_price(self, value: float) -> None:
        self.follow_box.setCurrentText(MANUAL)
        if not OrderType(self.type_box.currentData()).has_limit_price:
            self._select(self.type_box, OrderType.LIMIT)
        self.price.setValue(value)

    def _ask(self, text: str, on_yes: Callable[[], None]) -> None:
        ask(self, self.tr("Confirm order"), f"Send {text}?", on_yes)

    def _show(self, text: str, ok: bool | None) -> None:
        """``text`` in green (``ok``), red (not ``ok``) or the plain colour (None: pending)."""
        name = "" if ok is None else ("okLabel" if ok else "errorLabel")
        self.message.setObjectName(name)
        self.message.style().unpolish(self.message)  # the colour follows the object name
        self.message.style().polish(self.message)
        self.message.setText(text)

    # ---- reactions --------------------------------------------------------------------------
    def _on_news(self, order_id: str, text: str, refused: bool) -> None:
        """A refusal always shows (whatever the message said); other news only replaces the
        message about the same order."""
        if refused or order_id == self._shown_order:
            self._shown_order = order_id
            self._show(text, ok=not refused)

    def _on_symbol(self, symbol: str) -> None:
        # Nothing said or shown about the previous symbol stays: message, quote, position.
        self._shown_order = ""
        self._show("", ok=None)
        instrument = self._bridge.instrument(symbol)
        tick = self._bridge.latest(symbol) if instrument else None
        self.depth_view.show_tick(tick, instrument.price_decimals if instrument else 0)
        self._show_position(self._bridge.position(self.broker_box.currentText(), symbol))
        if instrument is None:
            return
        self.quantity.set_lot(instrument.lot_size)
        self.quantity.setValue(instrument.lot_size)
        with self._setting():
            for box in (self.price, self.trigger, self.take_profit, self.stop_loss, self.trail):
                box.setDecimals(max(instrument.price_decimals, 2))
                box.setSingleStep(instrument.tick_size)
                box.setValue(0.0)  # no price of another symbol stays
            self.price.setDecimals(instrument.price_decimals)
            self.trigger.setDecimals(instrument.price_decimals)
        futures = instrument.asset_class is AssetClass.FUTURE
        self.offset_box.setVisible(futures)
        self.offset_label.setVisible(futures)
        if self.follow_box.currentText() == TOUCH:
            self._follow(tick)
        else:
            self.follow_box.setCurrentText(TOUCH)  # follows from the new symbol's quote
        self._update_estimate()

    def _on_broker(self, broker: str) -> None:
        self.account_box.clear()
        self.account_box.addItems(self._bridge.accounts_of(broker))
        self._show_position(self._bridge.position(broker, self.symbol_box.currentText()))
        self._update_estimate()

    def _on_attach(self) -> None:
        attach = Attach(self.attach_box.currentData())
        bracket, trailing = attach is Attach.BRACKET, attach is Attach.TRAILING
        # Hidden rows take no room: the Buy and Sell buttons stay in sight on a laptop.
        self.form.setRowVisible(self.take_profit, bracket)
        self.form.setRowVisible(self.stop_loss, bracket)
        self.form.setRowVisible(self.trail_row, bracket or trailing)
        self.type_box.setEnabled(attach in (Attach.NONE, Attach.BRACKET))  # else: its own
        self._on_type()

    def _on_type(self) -> None:
        order_type = OrderType(self.type_box.currentData())
        attach = Attach(self.attach_box.currentData())
        priced = (order_type.has_limit_price or attach is Attach.OCO) and (
            attach is not Attach.TRAILING
        )
        self.price.setEnabled(priced)
        self.follow_box.setEnabled(priced)
        self.trigger.setEnabled(order_type.has_trigger or attach in (Attach.OCO, Attach.TRAILING))
        self._label_buttons()
        self._update_estimate()

    def _on_follow(self, follow: str) -> None:
        self._follow(self._bridge.latest(self.symbol_box.currentText()))

    def _on_price_changed(self) -> None:
        if not self._setting_price and self.follow_box.currentText() != MANUAL:
            self.follow_box.setCurrentText(MANUAL)  # edited by the user: it stays put
        self._label_buttons()

    def _on_ticks(self, ticks: dict[str, Tick]) -> None:
        symbol = self.symbol_box.currentText()
        tick = ticks.get(symbol)
        instrument = self._bridge.instrument(symbol)
        if tick is None or instrument is None:
            return
        self._follow(tick)
        self.depth_view.show_tick(tick, instrument.price_decimals)
        self._update_estimate()

    def _on_portfolio(self, positions: list[Position], _accounts: list[Account]) -> None:
        broker, symbol = self.broker_box.currentText(), self.symbol_box.currentText()
        held = (p for p in positions if p.broker == broker and p.symbol == symbol)
        self._show_position(next(held, None))

    # ---- the price and what the ticket shows around it -----------------------------------------
    def _follow(self, tick: Tick | None) -> None:
        """Put the price the follow box names into the field (nothing on Manual)."""
        follow = self.follow_box.currentText()
        if tick is not None and follow != MANUAL:
            value = {
                TOUCH: _touch(tick, self._touch_side),
                "Last": tick.last,
                "Bid": tick.bid,
                "Ask": tick.ask,
            }[follow]
            if math.isfinite(value) and value > 0:
                with self._setting():
                    self.price.setValue(value)
        self._label_buttons()

    def _following_touch(self) -> bool:
        order_type = OrderType(self.type_box.currentData())
        return order_type.has_limit_price and self.follow_box.currentText() == TOUCH

    @contextmanager
    def _setting(self) -> Iterator[None]:
        """The ticket sets the price: that is no edit by the user."""
        self._setting_price = True
        try:
            yield
        finally:
            self._setting_price = False

    def _label_buttons(self) -> None:
        """Each button with its key, and the price it sends while the price is the touch."""
        keys, symbol = self._keys, self.symbol_box.currentText()
        tick, instrument = self._bridge.latest(symbol), self._bridge.instrument(symbol)
        buy = sell = ""
        if tick is not None and instrument is not None and self._following_touch():
            decimals = instrument.price_decimals
            buy = fmt.price(_touch(tick, Side.BUY), decimals) + " "
            sell = fmt.price(_touch(tick, Side.SELL), decimals) + " "
        self.buy_button.setText(self.tr("Buy {price} {key}").format(price=buy, key=keys.buy))
        self.sell_button.setText(self.tr("Sell {price} {key}").format(price=sell, key=keys.sell))

    def _show_position(self, position: Position | None) -> None:
        broker = self.broker_box.currentText()
        instrument = self._bridge.instrument(self.symbol_box.currentText())
        if instrument is None or not broker:
            self.position_label.setText("")
            return
        if position is None or not position.quantity:
            self.position_label.setText(self.tr("Position at {broker}: none").format(broker=broker))
            return
        side = self.tr("long") if position.quantity > 0 else self.tr("short")
        text = self.tr("Position at {broker}: {side} {quantity} @ {price}").format(
            broker=broker, side=side, quantity=fmt.quantity(abs(position.quantity)),
            price=fmt.price(position.average_price, instrument.price_decimals),
        )  # fmt: skip
        if position.today_quantity:
            text += self.tr(" ({quantity} today)").format(
                quantity=fmt.quantity(abs(position.today_quantity))
            )
        self.position_label.setText(text)

    def _update_estimate(self) -> None:
        request = self.request(Side.BUY)
        if self._bridge.instrument(request.symbol) is None:
            self.estimate.setText("")
            return
        estimate = self._bridge.estimate(request)
        parts = [
            self.tr("Est. notional {value}").format(value=fmt.money(estimate.notional)),
            self.tr("commission {value}").format(value=fmt.money(estimate.commission)),
        ]
        if estimate.margin:
            parts.append(self.tr("margin {value}").format(value=fmt.money(estimate.margin)))
        self.estimate.setText(" · ".join(parts))

    @staticmethod
    def _select(box: QComboBox, value: object) -> None:
        box.setCurrentIndex(box.findData(value))


def _touch(tick: Tick, side: Side) -> float:
    """What ``side`` pays now: the ask for a buy, the bid for a sell (last without a book)."""
    value = tick.ask if side is Side.BUY else tick.bid
    return value if math.isfinite(value) and value > 0 else tick.last
