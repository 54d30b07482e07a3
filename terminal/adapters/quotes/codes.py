"""Vendor codes of China's exchanges (``sh600000``) and the terminal's symbols (``600000.SSE``)."""

from __future__ import annotations

EXCHANGE_OF_PREFIX = {"sh": "SSE", "sz": "SZSE", "bj": "BSE"}
PREFIX_OF_EXCHANGE = {exchange: prefix for prefix, exchange in EXCHANGE_OF_PREFIX.items()}


class QuoteError(ValueError):
    """One line that could not be parsed; the message names the field and value."""


def symbol_of_code(code: str) -> str:
    """``sh600000`` → ``600000.SSE``."""
    exchange = EXCHANGE_OF_PREFIX.get(code[:2])
    if exchange is None or not code[2:].isdigit():
        raise QuoteError(f"code '{code}' is not sh/sz/bj followed by digits")
    return f"{code[2:]}.{exchange}"


def code_of_symbol(symbol: str) -> str:
    """``600000.SSE`` → ``sh600000``; the inverse of :func:`symbol_of_code`."""
    number, _, exchange = symbol.partition(".")
    prefix = PREFIX_OF_EXCHANGE.get(exchange)
    if prefix is None or not number.isdigit():
        known = ", ".join(sorted(PREFIX_OF_EXCHANGE))
        raise QuoteError(f"symbol '{symbol}' is not DIGITS.EXCHANGE with EXCHANGE one of {known}")
    return prefix + number
