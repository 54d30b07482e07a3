"""kill -9 in the middle of a burst of orders: a restart shows every acknowledged order and
fill, and positions equal the sum of the fills."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from terminal.domain.enums import OrderStatus, Side
from terminal.engine.config import load_config
from terminal.engine.engine import Engine
from terminal.engine.persistence.store import TradingStore

pytestmark = pytest.mark.slow

BURST = textwrap.dedent(
    """
    import asyncio, itertools, sys
    from terminal.domain.enums import Side
    from terminal.domain.orders import OrderRequest
    from terminal.engine.config import load_config
    from terminal.engine.engine import Engine

    async def main():
        # A burst well past the shipped order-rate limit: every order must reach the broker.
        engine = Engine(load_config(overrides={"feeds": [{"name": "sim", "plugin": "simulated",
                        "options": {"rate": 5000.0, "seed": 3, "interval_ms": 5}}],
                        "risk": {"max_orders_per_second": 0}}))
        await engine.start()
        while "BTCUSDT.BINANCE" not in engine.latest:
            await asyncio.sleep(0.01)
        placed = []
        for n in itertools.count():
            side = Side.BUY if n % 3 else Side.SELL
            placed.append(engine.submit(OrderRequest("paper", "BTCUSDT.BINANCE", side, 0.01)))
            if n % 20 == 19:
                engine.commit()  # acknowledge only what is recorded, as the GUI does
                for order_id in placed:
                    order = engine.order_book.get(order_id)
                    print("ACK", order_id, order.status.value, order.filled_quantity, flush=True)
                placed = []
                await asyncio.sleep(0)  # let ticks in: the burst runs while the feed runs

    asyncio.run(main())
    """
)


def test_kill_minus_nine_loses_nothing_acknowledged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {
        **os.environ,
        "TERMINAL_DATA_DIR": str(tmp_path / "data"),
        "TERMINAL_CONFIG_DIR": str(tmp_path / "config"),
    }
    errors = (tmp_path / "child.err").open("w")
    child = subprocess.Popen(
        [sys.executable, "-c", BURST], stdout=subprocess.PIPE, stderr=errors, text=True, env=env
    )
    acked: dict[str, tuple[str, float]] = {}
    assert child.stdout is not None
    try:
        for line in child.stdout:
            _, order_id, status, filled = line.split()
            acked[order_id] = (status, float(filled))
            if len(acked) >= 400:
                break
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
        child.stdout.close()
        errors.close()
    assert child.returncode == -signal.SIGKILL, (tmp_path / "child.err").read_text()[-3000:]
    assert len(acked) >= 400

    async def restart() -> Engine:
        engine = Engine(load_config(overrides={"feeds": []}))
        await engine.start()
        await engine.stop()
        return engine

    monkeypatch.setenv("TERMINAL_DATA_DIR", env["TERMINAL_DATA_DIR"])
    engine = asyncio.run(restart())
    for order_id, (status, filled) in acked.items():
        order = engine.order_book.get(order_id)
        assert order is not None, f"acknowledged order {order_id} lost"
        # What was acknowledged is there; the order may have moved on since (more fills).
        assert order.filled_quantity >= filled
        assert order.status is OrderStatus(status) or not OrderStatus(status).is_final
    store = TradingStore(Path(env["TERMINAL_DATA_DIR"]) / "trading.sqlite")
    fills = store.fills()
    assert fills
    by_order: dict[str, float] = {}
    for fill in fills:
        by_order[fill.order_id] = by_order.get(fill.order_id, 0.0) + fill.quantity
    for order in engine.order_book.all():
        assert by_order.get(order.order_id, 0.0) == pytest.approx(order.filled_quantity)
    net = sum(f.quantity * (1 if f.side is Side.BUY else -1) for f in fills)
    assert engine.portfolio.quantity("paper", "BTCUSDT.BINANCE") == pytest.approx(net)
    store.close()
