"""Options a ccxt feed and a ccxt broker share, and the API keys of a broker (from the
environment or the keyring, never the config). Importing this does not import ccxt (≈1 s): the
feed and broker import it only when they start."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import msgspec

from terminal.engine.secrets import get_secret

MarketType = Literal["spot", "swap", "future"]


class VenueOptions(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Options a ccxt feed and a ccxt broker share (``[feeds.options]``/``[brokers.options]``)."""

    exchange: str = "binance"
    """ccxt's id of the exchange: binance, okx, bybit, …"""
    market_type: MarketType = "spot"
    symbols: list[str] = msgspec.field(default_factory=list)
    """Markets to quote or trade, as ccxt writes them (``BTC/USDT``) or as the terminal does
    (``BTCUSDT.BINANCE``)."""
    sandbox: bool = False
    """Use the exchange's test network (Binance: testnet.binance.vision)."""
    urls: dict[str, Any] = msgspec.field(default_factory=dict)
    """Replaces ccxt's ``urls['api']`` of the exchange: a mirror, or a local server in tests."""
    ccxt_options: dict[str, Any] = msgspec.field(default_factory=dict)
    """Merged into the exchange's ccxt ``options``."""
    rate_limit: bool = True
    """Let ccxt pace requests by the exchange's request weights (leave on against a venue)."""
    suffix: str = ""
    """Exchange part of the terminal's symbols (default: the exchange id in capitals)."""
    timeout_s: float = 10.0
    reconnect_initial_s: float = 0.5
    reconnect_max_s: float = 30.0
    """A dropped stream is watched again after a back-off doubling up to this."""

    @property
    def symbol_suffix(self) -> str:
        return self.suffix or self.exchange.upper()


@dataclass(frozen=True)
class Keys:
    """An account's API credentials (from the environment or the keyring, never the config;
    left out of ``repr`` so no log line can print them)."""

    api_key: str = field(repr=False)
    secret: str = field(repr=False)
    password: str = field(default="", repr=False)


def read_keys(
    exchange: str, key_env: str, secret_env: str, password_env: str, keyring_service: str
) -> Keys:
    """The API key, secret and (if named) passphrase from the environment or the keyring;
    a missing one raises ``MissingSecretError`` naming the variable."""
    prefix = exchange.upper()
    password = get_secret(password_env, keyring_service) if password_env else ""
    return Keys(
        api_key=get_secret(key_env or f"{prefix}_API_KEY", keyring_service),
        secret=get_secret(secret_env or f"{prefix}_SECRET", keyring_service),
        password=password,
    )
