"""Building a ccxt exchange from the options: pacing on, sandbox before the URL override,
keys from the environment that no repr shows, the venue's words out of ccxt's errors."""

from __future__ import annotations

import ccxt
import pytest

from terminal.adapters.ccxt.options import Keys, VenueOptions, read_keys
from terminal.adapters.ccxt.venue import open_exchange, venue_message
from terminal.engine.secrets import MissingSecretError
from tests.aio import run

LOCAL = {"public": "http://127.0.0.1:9/api/v3", "private": "http://127.0.0.1:9/api/v3"}


def test_pacing_is_on_and_the_sandbox_is_the_test_network_unless_overridden() -> None:
    async def scenario() -> None:
        paced = open_exchange(VenueOptions())
        sandbox = open_exchange(VenueOptions(sandbox=True))
        # set_sandbox_mode copies the test URLs over urls['api']: the override comes after it
        local = open_exchange(VenueOptions(sandbox=True, urls=LOCAL), stream=False)
        try:
            assert paced.enableRateLimit and paced.options["fetchMarkets"]["types"] == ["spot"]
            assert "testnet.binance.vision" in sandbox.urls["api"]["public"]
            assert local.urls["api"] == LOCAL
            assert type(paced).__module__.startswith("ccxt.pro.")
            assert type(local).__module__.startswith("ccxt.async_support.")  # REST only
        finally:
            for exchange in (paced, sandbox, local):
                await exchange.close()

    run(scenario())
    with pytest.raises(ValueError, match="exchange = 'nosuch': ccxt has no such exchange"):
        open_exchange(VenueOptions(exchange="nosuch"))


def test_keys_come_from_the_environment_and_print_as_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OKX_API_KEY", "key-1234")
    monkeypatch.setenv("OKX_SECRET", "secret-5678")
    monkeypatch.setenv("DESK_PASSPHRASE", "phrase-9012")
    keys = read_keys("okx", "", "", "DESK_PASSPHRASE", "terminal")
    assert keys == Keys("key-1234", "secret-5678", "phrase-9012")
    assert "1234" not in repr(keys) and "5678" not in repr(keys) and "9012" not in repr(keys)
    monkeypatch.delenv("OKX_SECRET")
    with pytest.raises(MissingSecretError, match="secret OKX_SECRET is not set"):
        read_keys("okx", "", "", "", "terminal")


def test_the_venues_words_are_taken_from_ccxts_error() -> None:
    error = ccxt.InvalidOrder('binance {"code":-2010,"msg":"Duplicate order sent."}')
    assert venue_message(error) == "Duplicate order sent. (-2010)"
    matched = ccxt.InsufficientFunds("binance Account has insufficient balance.")

    class Answered:  # the instance's last answer, as ccxt keeps it
        id = "binance"
        last_http_response = '{"code":-2010,"msg":"Account has insufficient balance."}'

    assert venue_message(matched, Answered()) == "Account has insufficient balance. (-2010)"
    assert venue_message(ccxt.NetworkError("binance GET http://x timed out"), Answered()) == (
        "GET http://x timed out"
    )
