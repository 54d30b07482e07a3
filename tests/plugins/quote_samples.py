"""Payloads in the vendors' exact formats, built from readable values."""

from __future__ import annotations

Levels = list[tuple[float, float]]  # (price, size in shares)

BIDS: Levels = [(10.09, 183400), (10.08, 276500), (10.07, 178700), (10.06, 122900), (10.05, 123400)]
ASKS: Levels = [(10.10, 90700), (10.11, 158700), (10.12, 133800), (10.13, 105200), (10.14, 123400)]


def sina_payload(
    name: str = "浦发银行",
    last: float = 10.09,
    volume: float = 31877600,
    turnover: float = 322033420.5,
    bids: Levels = BIDS,
    asks: Levels = ASKS,
    open_: float = 10.08,
    prev_close: float = 10.08,
    high: float = 10.20,
    low: float = 10.03,
    day: str = "2019-03-12",
    clock: str = "15:00:03",
    status: str = "00",
) -> str:
    """Sina: sizes in shares, prices with three decimals, depth as size,price pairs; the
    status (field 32) last."""

    def pairs(levels: Levels) -> list[str]:
        padded = levels + [(0.0, 0)] * (5 - len(levels))
        return [part for price, size in padded for part in (f"{size:.0f}", f"{price:.3f}")]

    bid1 = bids[0][0] if bids else 0.0
    ask1 = asks[0][0] if asks else 0.0
    numbers = [open_, prev_close, last, high, low, bid1, ask1]
    fields = [name, *(f"{x:.3f}" for x in numbers), f"{volume:.0f}", f"{turnover:.3f}"]
    return ",".join([*fields, *pairs(bids), *pairs(asks), day, clock, status])


def qq_payload(
    code: str = "600000",
    name: str = "浦发银行",
    last: float = 10.09,
    lots: float = 318776,
    turnover: float = 322033420.0,
    bids: Levels = BIDS,
    asks: Levels = ASKS,
    open_: float = 10.08,
    prev_close: float = 10.08,
    high: float = 10.20,
    low: float = 10.03,
    stamp: str = "20190312150003",
) -> str:
    """QQ: sizes in lots of 100, depth as price~lots pairs, turnover exact in field 35."""

    def pairs(levels: Levels) -> list[str]:
        padded = levels + [(0.0, 0)] * (5 - len(levels))
        return [part for price, size in padded for part in (f"{price:.2f}", f"{size / 100:.0f}")]

    fields = ["1", name, code, f"{last:.2f}", f"{prev_close:.2f}", f"{open_:.2f}",
              f"{lots:.0f}", "158012", "160764", *pairs(bids), *pairs(asks), "",
              stamp, "0.01", "0.10", f"{high:.2f}", f"{low:.2f}",
              f"{last:.2f}/{lots:.0f}/{turnover:.0f}", f"{lots:.0f}",
              f"{turnover / 10_000:.0f}", "0.11", "6.35", "", f"{high:.2f}", f"{low:.2f}",
              "1.69", "2836.88", "2836.88", "0.77", "11.09", "9.07", "0.92", "1245", "10.10",
              "6.20", "6.52", ""]  # fmt: skip
    return "~".join(fields)


def sina_line(code: str, payload: str) -> str:
    return f'var hq_str_{code}="{payload}";\n'


def qq_line(code: str, payload: str) -> str:
    return f'v_{code}="{payload}";\n'
