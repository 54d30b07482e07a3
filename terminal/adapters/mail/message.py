"""The alert email: the facts of an order, the subject and text templates, the HTML table.

Templates are ``str.format`` strings over :data:`FIELDS`; an unknown field is a config error
that names the template and the field. Non-ASCII (e.g. Chinese instrument names) is encoded by
the email package (RFC 2047 headers, UTF-8 bodies), so the raw message is plain ASCII.
"""

from __future__ import annotations

import html
import math
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from terminal.adapters.mail.options import MailBrokerOptions, check_options
from terminal.domain.enums import OrderType
from terminal.domain.instrument import Instrument, price_text
from terminal.domain.market import Tick
from terminal.domain.orders import Order

FIELDS = (
    "side",
    "quantity",
    "symbol",
    "name",
    "exchange",
    "price",
    "type",
    "tif",
    "order_id",
    "broker",
    "origin",
    "strategy",
    "reason",
    "time",
    "last",
    "bid",
    "ask",
    "currency",
)
_LABELS = {
    "order_id": "Order id",
    "tif": "Time in force",
    "type": "Order type",
    "last": "Last",
    "bid": "Bid",
    "ask": "Ask",
}


def alert_price(order: Order, tick: Tick | None) -> float:
    """What the person is told to trade at: the limit, or the price a market order would pay."""
    if order.order_type is OrderType.LIMIT or tick is None:
        return order.price
    quote = tick.ask if order.side.sign > 0 else tick.bid
    return tick.last if math.isnan(quote) else quote


def order_facts(
    order: Order, instrument: Instrument | None, tick: Tick | None, price: float, now_ns: int
) -> dict[str, str]:
    """Every field a template may use, already formatted as text."""
    decimals = instrument.price_decimals if instrument else 4

    def money(value: float) -> str:
        # Every digit of a price off the tick grid: the person trades what the email says.
        return "n/a" if value == 0 or math.isnan(value) else price_text(value, decimals)

    origin = order.origin
    return {
        "side": order.side.value.upper(),
        "quantity": f"{order.quantity:g}",
        "symbol": order.symbol,
        "name": instrument.name if instrument else order.symbol,
        "exchange": instrument.exchange if instrument else "",
        "price": money(price),
        "type": order.order_type.value.upper(),
        "tif": order.time_in_force.value.upper(),
        "order_id": order.order_id,
        "broker": order.broker,
        "origin": origin,
        "strategy": origin.removeprefix("strategy:") if origin.startswith("strategy:") else "",
        "reason": order.note,
        "time": local_time(now_ns),
        "last": money(tick.last) if tick else "n/a",
        "bid": money(tick.bid) if tick else "n/a",
        "ask": money(tick.ask) if tick else "n/a",
        "currency": instrument.currency if instrument else "",
    }


def local_time(ns: int) -> str:
    return datetime.fromtimestamp(ns / 1e9).astimezone().isoformat(timespec="seconds")


def check_template(option: str, template: str) -> str:
    """'' when ``template`` formats with :data:`FIELDS`, else a message naming the problem."""
    try:
        template.format(**dict.fromkeys(FIELDS, ""))
    except KeyError as exc:
        return f"{option}: unknown field {{{exc.args[0]}}}; known fields: {', '.join(FIELDS)}"
    except (ValueError, IndexError) as exc:
        return f"{option} = {template!r}: {exc}"
    return ""


def option_problems(options: MailBrokerOptions) -> list[str]:
    """Everything wrong with ``options`` beyond their types, each naming the option."""
    templates = [
        check_template("subject_template", options.subject_template),
        check_template("text_template", options.text_template),
    ]
    return check_options(options) + [problem for problem in templates if problem]


def render(options: MailBrokerOptions, facts: dict[str, str]) -> tuple[str, str, str]:
    """Subject, plain text and HTML of one alert."""
    subject = " ".join(options.subject_template.format(**facts).split())  # one line, always
    text = options.text_template.format(**facts)
    rows = "".join(
        f"<tr><th align='left'>{html.escape(_LABELS.get(key, key.capitalize()))}</th>"
        f"<td>{html.escape(facts[key])}</td></tr>"
        for key in FIELDS
    )
    body = (
        "<html><body>"
        f"<h2>{html.escape(subject)}</h2>"
        f"<table border='1' cellpadding='4' cellspacing='0'>{rows}</table>"
        "<p>Record what you did in the terminal: Orders, double-click the order.</p>"
        "</body></html>"
    )
    return subject, text, body


def notification_html(subject: str, text: str) -> str:
    """The HTML part of a notification (an alert that fired): its subject and its text."""
    return (
        f"<html><body><h2>{html.escape(subject)}</h2>"
        f"<pre>{html.escape(text)}</pre></body></html>"
    )


def build_message(
    options: MailBrokerOptions, subject: str, text: str, html_body: str, tag: str, now_ns: int
) -> EmailMessage:
    """A multipart/alternative message; its Message-ID is fixed, so a resend is recognisable."""
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = options.sender
    message["To"] = ", ".join(options.recipients)
    message["Date"] = format_datetime(datetime.fromtimestamp(now_ns / 1e9).astimezone())
    domain = options.sender.rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(idstring=tag, domain=domain)
    message["X-Terminal-Alert"] = tag
    message.set_content(text)
    message.add_alternative(html_body, subtype="html")
    return message
