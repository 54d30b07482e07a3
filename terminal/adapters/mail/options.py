"""Options of a mail broker, as written under ``[[brokers]] plugin = "mail"`` in the config."""

from __future__ import annotations

import ipaddress
from typing import Literal

import msgspec

DEFAULT_SUBJECT = "{side} {quantity} {symbol} @ {price} {type}"
DEFAULT_TEXT = """\
{side} {quantity} {symbol} ({name}) @ {price} {type}

Order id:       {order_id}
Side:           {side}
Quantity:       {quantity}
Symbol:         {symbol}
Name:           {name}
Exchange:       {exchange}
Order type:     {type}
Price:          {price}
Time in force:  {tif}
Broker:         {broker}
Origin:         {origin}
Strategy:       {strategy}
Reason:         {reason}
Time:           {time}
Last / bid / ask at that time: {last} / {bid} / {ask}

Reply to nobody: record what you did in the terminal (Orders ▸ double-click the order).
"""

DEFAULT_PORTS = {"tls": 465, "starttls": 587, "none": 25}


class MailBrokerOptions(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Where and how alert emails go. There is deliberately no ``password`` key: the
    password comes from the environment variable (or keyring entry) named by ``password_env``.
    """

    host: str
    sender: str
    recipients: list[str]
    port: int = 0  # 0: the usual port of ``security`` (465, 587 or 25)
    security: Literal["tls", "starttls", "none"] = "starttls"
    username: str = ""
    password_env: str = ""
    keyring_service: str = "terminal"
    ca_file: str = ""  # extra CA certificate(s) to trust, e.g. a company relay's own CA
    allow_plaintext_login: bool = False
    """With ``security = "none"``: log in to a server that is not this machine anyway, the
    password crossing the network as plain text."""
    timeout_s: float = 20.0
    fill_on_alert: bool = False  # True: record the order filled at the alert price once sent
    subject_template: str = DEFAULT_SUBJECT
    text_template: str = DEFAULT_TEXT
    retry_initial_s: float = 2.0
    retry_max_s: float = 300.0
    outbox: str = ""  # SQLite file; default: mail_outbox.sqlite in the user data folder
    initial_cash: float = 1_000_000.0
    currency: str = "USD"

    @property
    def effective_port(self) -> int:
        return self.port or DEFAULT_PORTS[self.security]

    @property
    def plaintext_login(self) -> bool:
        """A login that would send the password unencrypted."""
        return self.security == "none" and bool(self.username)


def is_loopback(host: str) -> bool:
    """``localhost`` or a loopback address (IPv4, IPv6, IPv4-mapped IPv6)."""
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]").split("%")[0])
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return bool((mapped or address).is_loopback)


def check_options(options: MailBrokerOptions) -> list[str]:
    """Problems that msgspec's types cannot see, each naming the option and its value."""
    problems = []
    if not options.recipients:
        problems.append("recipients = []: at least one recipient is needed")
    for address in [options.sender, *options.recipients]:
        if "@" not in address:
            problems.append(f"address {address!r} is not an email address")
    if not 0 <= options.port <= 65535:
        problems.append(f"port = {options.port}: must be between 1 and 65535")
    if options.username and not options.password_env:
        problems.append(
            f"username = {options.username!r} needs password_env: the name of the environment "
            "variable (or keyring entry) holding the password"
        )
    if options.retry_initial_s <= 0 or options.retry_max_s < options.retry_initial_s:
        problems.append(
            f"retry_initial_s = {options.retry_initial_s}, retry_max_s = {options.retry_max_s}: "
            "need 0 < retry_initial_s <= retry_max_s"
        )
    if options.timeout_s <= 0:
        problems.append(f"timeout_s = {options.timeout_s}: must be positive")
    if options.plaintext_login and not options.allow_plaintext_login and not is_loopback(
        options.host
    ):
        problems.append(
            f"security = 'none' with username = {options.username!r}: the password would go to "
            f"{options.host} unencrypted; use security = 'tls' or 'starttls' (or, knowing "
            "this, set allow_plaintext_login = true)"
        )
    return problems
