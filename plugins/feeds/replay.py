"""The replay feed: plays a CSV or Parquet file of ticks or bars at a chosen speed.

Ticks files are those of ``terminal bars`` (symbol, datetime, last, volume[, turnover,
open_interest]). Bars files have symbol, datetime (the bar's start), open, high, low, close,
volume; each bar plays as four ticks — open at its start, then low and high (high first on
a falling bar), close at its end — with the bar's volume traded on the close.

Ticks are re-stamped to the present (the first at the start of the replay, the others
``(t - t0) / speed`` later) so that bars, charts, stale detection and order matching behave
as with a live feed; at speed 10 a one-minute bar on screen holds ten minutes of the file.
Speed 0 plays as fast as the engine takes it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec
import numpy as np
import pandas as pd

from terminal.domain.enums import AssetClass, ConnectionStatus
from terminal.domain.instrument import Instrument
from terminal.domain.market import Tick
from terminal.engine.bars.files import InputError, read_ticks
from terminal.engine.feed import Feed, FeedContext, cancel_and_wait

log = logging.getLogger("terminal.feeds.replay")

BAR_COLUMNS = ("symbol", "datetime", "open", "high", "low", "close", "volume")
SLICE_S = 0.02  # at most this long between two batches of due ticks
FAST_BATCH = 2000  # ticks per loop turn at speed 0


class ReplayFeedOptions(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    path: str
    """CSV or Parquet file of ticks or bars."""
    kind: Literal["auto", "ticks", "bars"] = "auto"
    """auto: bars when the file has open/high/low/close columns."""
    speed: float = 1.0
    """1 = as recorded, 10 = ten times faster, 0 = as fast as possible."""
    repeat: bool = False
    """Start again from the top at the end of the file."""
    timezone: str = "UTC"
    """Of times in the file that carry no offset."""


class Recording(msgspec.Struct, frozen=True):
    """A file's ticks, time-ordered, as columns."""

    symbols: list[str]
    codes: np.ndarray  # index into symbols, per tick
    ts: np.ndarray  # UTC ns as recorded
    last: np.ndarray
    volume: np.ndarray  # cumulative per symbol
    turnover: np.ndarray

    def __len__(self) -> int:
        return len(self.ts)


def load_recording(options: ReplayFeedOptions) -> tuple[Recording, list[tuple[int, str]]]:
    """The file's ticks and the (line, reason) of each row skipped."""
    path = Path(options.path).expanduser()
    try:
        tz = ZoneInfo(options.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(f"timezone = '{options.timezone}' is not a known time zone") from None
    kind = options.kind
    if kind == "auto":
        kind = "bars" if _has_bar_columns(path) else "ticks"
    if kind == "bars":
        return _bars_as_ticks(path, tz), []
    arrays, bad = read_ticks(path, tz)
    order = np.argsort(arrays.ts, kind="stable")
    recording = Recording(arrays.symbols, arrays.codes[order], arrays.ts[order],
                          arrays.last[order], arrays.volume[order],
                          arrays.turnover[order])  # fmt: skip
    return recording, bad


def _has_bar_columns(path: Path) -> bool:
    if not path.exists():
        raise InputError(f"replay file not found: {path}")
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        columns = set(pq.read_schema(path).names)
    else:
        columns = set(pd.read_csv(path, nrows=0).columns)
    return {"open", "high", "low", "close"} <= columns


def _bars_as_ticks(path: Path, tz: ZoneInfo) -> Recording:
    frame = pd.read_parquet(path) if path.suffix.lower() == ".parquet" else pd.read_csv(path)
    missing = [c for c in BAR_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(f"{path}: missing columns {missing}; bars need {', '.join(BAR_COLUMNS)}")
    starts = pd.to_datetime(frame["datetime"], format="ISO8601")
    if starts.dt.tz is None:
        starts = starts.dt.tz_localize(tz)
    frame = frame.assign(start=starts.dt.tz_convert("UTC").astype("int64"))
    frame = frame.sort_values(["start", "symbol"], kind="stable").reset_index(drop=True)
    codes, symbols = pd.factorize(frame["symbol"].astype(str))
    start = frame["start"].to_numpy(np.int64)
    spacing = np.diff(np.unique(start))
    span = int(np.median(spacing)) if len(spacing) else 60_000_000_000
    o, h, lo, c = (frame[k].to_numpy(np.float64) for k in ("open", "high", "low", "close"))
    rising = c >= o
    # Four ticks per bar at 0, 1/4, 1/2 of the bar and its last nanosecond.
    prices = np.stack([o, np.where(rising, lo, h), np.where(rising, h, lo), c], axis=1)
    offsets = np.array([0, span // 4, span // 2, span - 1], np.int64)
    volume = frame["volume"].to_numpy(np.float64)
    cumulative = pd.Series(volume).groupby(codes).cumsum().to_numpy()
    traded = np.stack([cumulative - volume] * 3 + [cumulative], axis=1)
    ts = (start[:, None] + offsets[None, :]).reshape(-1)
    order = np.argsort(ts, kind="stable")  # bars of several symbols interleave their ticks
    return Recording(
        symbols=[str(s) for s in symbols],
        codes=np.repeat(codes.astype(np.int32), 4)[order],
        ts=ts[order],
        last=prices.reshape(-1)[order],
        volume=traded.reshape(-1)[order],
        turnover=np.zeros(len(ts)),
    )


class ReplayFeed(Feed):
    """Ticks from a recorded file, at ``speed`` times the recorded pace."""

    plugin_name = "replay"
    Options = ReplayFeedOptions

    def __init__(self, name: str, context: FeedContext, options: ReplayFeedOptions) -> None:
        super().__init__(name, context, options)
        if options.speed < 0:
            raise ValueError(f"speed = {options.speed}: must be 0 (fastest) or more")
        self.recording, bad = load_recording(options)
        for line, reason in bad[:10]:
            log.warning("feed %s: %s line %d skipped: %s", name, options.path, line, reason)
        self.skipped = len(bad)
        self.played = 0
        self.rounds = 0
        self._task: asyncio.Task[None] | None = None

    def instruments(self) -> list[Instrument]:
        return [
            Instrument(symbol, symbol, symbol.rpartition(".")[2] or "REPLAY", AssetClass.STOCK,
                       tick_size=0.0001)
            for symbol in self.recording.symbols
        ]  # fmt: skip

    async def start(self) -> None:
        what = f"replaying {self.options.path} ({len(self.recording)} ticks)"
        self.context.set_status(ConnectionStatus.LIVE, f"{what} at x{self.options.speed:g}")
        self._task = self.context.spawn(self._play(), "replay")

    async def stop(self) -> None:
        await cancel_and_wait(self._task)
        self._task = None
        self.context.set_status(ConnectionStatus.DISCONNECTED, "stopped")

    async def _play(self) -> None:
        while True:
            await self._play_once()
            self.rounds += 1
            if not self.options.repeat or not len(self.recording):
                break
        end = f"end of {self.options.path}: {self.played} ticks played"
        self.context.set_status(ConnectionStatus.DISCONNECTED, end)

    async def _play_once(self) -> None:
        rec, speed = self.recording, self.options.speed
        if not len(rec):
            return
        first = int(rec.ts[0])
        started_wall = time.time_ns()
        # Re-stamped times: now + recorded offset / speed (speed 0: all at once, in order).
        offsets = (rec.ts - first) / speed if speed else np.zeros(len(rec))
        stamps = started_wall + offsets.astype(np.int64)
        index = 0
        while index < len(rec):
            if speed:
                due = int(np.searchsorted(stamps, time.time_ns(), side="right"))
            else:
                due = min(index + FAST_BATCH, len(rec))
            self._publish(index, due, stamps)
            index = max(index, due)
            if index < len(rec):
                wait = (int(stamps[index]) - time.time_ns()) / 1e9 if speed else 0.0
                await asyncio.sleep(min(max(wait, 0.0), SLICE_S))

    def _publish(self, begin: int, end: int, stamps: np.ndarray) -> None:
        if end <= begin:
            return
        rec, publish, symbols = self.recording, self.context.publish_tick, self.recording.symbols
        for code, ts, last, volume, turnover in zip(
            rec.codes[begin:end].tolist(), stamps[begin:end].tolist(), rec.last[begin:end].tolist(),
            rec.volume[begin:end].tolist(), rec.turnover[begin:end].tolist(), strict=True,
        ):  # fmt: skip
            publish(Tick(symbols[code], ts, last, volume, turnover))
        self.played += end - begin


PLUGIN = ReplayFeed
